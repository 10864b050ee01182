#!/usr/bin/env python3
"""Generate a minimal but valid TrueType font (python3 standard library only).

    python3 tests/fontgen/mkfont.py --family FangSong_GB2312 --chars-from doc.xml -o fs.ttf
    python3 tests/fontgen/mkfont.py --verify fs.ttf

As a module:

    from tests.fontgen import mkfont
    mkfont.write_font(path, 'FangSong_GB2312', chars)   # returns the PostScript name
    mkfont.verify(path)                                 # raises ValueError if malformed

The font has the tables cmap (format 4 for the BMP, plus format 12 when a code point
lies above U+FFFF), glyf/loca (long offsets), head, hhea, hmtx, maxp (1.0), name,
OS/2 (version 4) and post (format 3). unitsPerEm 1000, ascender 880, descender -120
(the ideographic em box of a CJK face), weight 400, fsType 0 (installable).

Every mapped character has its own glyph (so that a PDF's ToUnicode map can give
the text back), and every glyph is the same square: one contour of four on-curve
points, x 100..900, y -50..780, advance 1000. Whitespace characters get an empty
glyph of the same advance. Glyph 0 (.notdef) is the square as well.

The table checksums and head.checkSumAdjustment are computed as the OpenType
specification asks; verify() recomputes and checks them, and the layout of every
table, by parsing the file back.
"""
import argparse
import calendar
import re
import struct
import sys

UPEM = 1000
ASCENT, DESCENT = 880, -120
ADVANCE = 1000
SQUARE = ((100, -50), (100, 780), (900, 780), (900, -50))   # clockwise: outer contour
BBOX = (100, -50, 900, 780)

# OS/2 ulUnicodeRange bits: (bit, first, last) of the blocks a Chinese document uses.
UNICODE_RANGES = (
    (0, 0x0000, 0x007F),    # Basic Latin
    (1, 0x0080, 0x00FF),    # Latin-1 Supplement
    (31, 0x2000, 0x206F),   # General Punctuation (“” — …)
    (48, 0x3000, 0x303F),   # CJK Symbols and Punctuation (、。〔〕《》)
    (59, 0x2E80, 0x2EFF),   # CJK Radicals Supplement
    (59, 0x3400, 0x4DBF),   # CJK Unified Ideographs Extension A
    (59, 0x4E00, 0x9FFF),   # CJK Unified Ideographs
    (57, 0x10000, 0x10FFFF),  # Non-Plane 0
    (61, 0xF900, 0xFAFF),   # CJK Compatibility Ideographs
    (68, 0xFF00, 0xFFEF),   # Halfwidth and Fullwidth Forms (，：（）０-９)
)
CODEPAGE_GB2312 = 18        # ulCodePageRange1 bit 18: 936, Chinese Simplified
WHITESPACE = {0x20, 0xA0, 0x3000}


def _checksum(data):
    data += b'\0' * (-len(data) % 4)
    return sum(struct.unpack('>%dI' % (len(data) // 4), data)) & 0xFFFFFFFF


def postscript_name(family, style='Regular'):
    """family-style with the characters PostScript names forbid (and spaces) removed."""
    name = '%s-%s' % (family, style)
    kept = ''.join(c for c in name if 33 <= ord(c) <= 126 and c not in '[](){}<>/%')
    if len(kept) != len(name.replace(' ', '')):
        kept = 'Generated' + kept       # a non-ASCII family: mark the name as made up
    return kept[:63]


def _glyph_square():
    xs = [p[0] for p in SQUARE]
    ys = [p[1] for p in SQUARE]
    out = struct.pack('>hhhhh', 1, min(xs), min(ys), max(xs), max(ys))
    out += struct.pack('>H', len(SQUARE) - 1)      # endPtsOfContours
    out += struct.pack('>H', 0)                    # instructionLength
    out += bytes([0x01] * len(SQUARE))             # flags: on curve, 16-bit deltas
    px = py = 0
    dx, dy = b'', b''
    for x, y in SQUARE:
        dx += struct.pack('>h', x - px)
        dy += struct.pack('>h', y - py)
        px, py = x, y
    out += dx + dy
    return out + b'\0' * (-len(out) % 4)


def _cmap(mapping):
    """mapping: {code point: glyph id}, sorted ascending. Returns the cmap table."""
    bmp = [(c, g) for c, g in mapping if c < 0xFFFF]
    # format 4: runs of consecutive code points with consecutive glyph ids -> idDelta
    segs = []
    for c, g in bmp:
        if segs and segs[-1][1] == c - 1 and segs[-1][2] + (c - segs[-1][0]) == g:
            segs[-1][1] = c
        else:
            segs.append([c, c, g])
    segs.append([0xFFFF, 0xFFFF, 0])               # the required last segment: 0xFFFF -> .notdef
    n = len(segs)
    p2 = 1 << (n.bit_length() - 1)
    ends = struct.pack('>%dH' % n, *(s[1] for s in segs))
    starts = struct.pack('>%dH' % n, *(s[0] for s in segs))
    deltas = struct.pack('>%dH' % n, *(((s[2] - s[0]) & 0xFFFF) for s in segs))
    ranges = struct.pack('>%dH' % n, *([0] * n))
    body = ends + b'\0\0' + starts + deltas + ranges
    f4 = struct.pack('>HHHHHHH', 4, 14 + len(body), 0, 2 * n, 2 * p2,
                     p2.bit_length() - 1, 2 * n - 2 * p2) + body
    subtables = [((3, 1), f4)]
    if any(c > 0xFFFF for c, _ in mapping):
        groups = []
        for c, g in mapping:
            if groups and groups[-1][1] == c - 1 and groups[-1][2] + (c - groups[-1][0]) == g:
                groups[-1][1] = c
            else:
                groups.append([c, c, g])
        f12 = struct.pack('>HHIII', 12, 0, 16 + 12 * len(groups), 0, len(groups))
        f12 += b''.join(struct.pack('>III', *gr) for gr in groups)
        subtables.append(((3, 10), f12))
    head = struct.pack('>HH', 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    recs, data = b'', b''
    for (pid, eid), st in subtables:
        recs += struct.pack('>HHI', pid, eid, offset + len(data))
        data += st
    return head + recs + data


def _name(records):
    """records: [(nameID, langID, string)], Windows Unicode BMP (3, 1) only."""
    records = sorted(records, key=lambda r: (r[1], r[0]))
    strings, recs = b'', b''
    for nid, lang, text in records:
        raw = text.encode('utf-16-be')
        recs += struct.pack('>HHHHHH', 3, 1, lang, nid, len(raw), len(strings))
        strings += raw
    return struct.pack('>HHH', 0, len(records), 6 + 12 * len(records)) + recs + strings


def _os2(codepoints, weight):
    bits = [0, 0, 0, 0]
    for bit, lo, hi in UNICODE_RANGES:
        if any(lo <= c <= hi for c in codepoints):
            bits[bit // 32] |= 1 << (bit % 32)
    cps = [c for c in codepoints if c <= 0xFFFF] or [0x20]
    return struct.pack(
        '>HhHHH' '10h' 'h10s' '4I4s' 'HHH' 'hhhHH' 'II' 'hhHHH',
        4, ADVANCE, weight, 5, 0,                        # version, xAvgCharWidth, weight, width, fsType
        650, 700, 0, 140, 650, 700, 0, 480, 50, 250,     # sub/superscript, strikeout
        0, bytes([2, 1, 6, 9, 0, 1, 1, 1, 1, 1]),        # sFamilyClass, panose (serif, book)
        bits[0], bits[1], bits[2], bits[3], b'TEST',
        0x40,                                            # fsSelection: REGULAR
        min(cps), max(cps),
        ASCENT, DESCENT, 0, ASCENT, -DESCENT,            # typo, win
        1 << CODEPAGE_GB2312, 0,
        500, 700, 0, 0x20 if 0x20 in codepoints else min(cps), 1)


def build_font(family, chars, style='Regular', weight=400, localized=None):
    """The bytes of a TrueType font named `family` mapping every character of `chars`
    (a string or an iterable of code points). localized: {Windows language id: family}
    adds further family names (e.g. {0x0804: '仿宋_GB2312'}). Returns (bytes, PostScript name)."""
    cps = sorted({c if isinstance(c, int) else ord(c) for c in chars} - {0x0, 0x9, 0xA, 0xD})
    if not cps:
        raise ValueError('no characters to map')
    mapping = [(c, i + 1) for i, c in enumerate(cps)]     # glyph 0 is .notdef
    n_glyphs = len(cps) + 1
    square = _glyph_square()
    glyf, loca = b'', [0]
    for g in range(n_glyphs):
        if g and cps[g - 1] in WHITESPACE:
            pass                                          # empty glyph: no outline
        else:
            glyf += square
        loca.append(len(glyf))
    loca_t = struct.pack('>%dI' % len(loca), *loca)
    psname = postscript_name(family, style)
    full = '%s %s' % (family, style) if style != 'Regular' else family
    now = calendar.timegm((2020, 12, 31, 0, 0, 0)) + 2082844800   # since 1904; fixed: reproducible
    head = struct.pack('>IIIIHHqqhhhhHHhhh', 0x00010000, 0x00010000, 0, 0x5F0F3CF5,
                       0x000B, UPEM, now, now, *BBOX, 0, 8, 2, 1, 0)
    hhea = struct.pack('>IhhhHhhhhhh4hhH', 0x00010000, ASCENT, DESCENT, 0, ADVANCE,
                       BBOX[0], ADVANCE - BBOX[2], BBOX[2], 1, 0, 0, 0, 0, 0, 0, 0, n_glyphs)
    hmtx = b''.join(struct.pack('>Hh', ADVANCE, 0 if (g and cps[g - 1] in WHITESPACE) else BBOX[0])
                    for g in range(n_glyphs))
    maxp = struct.pack('>IHHHHHHHHHHHHHH', 0x00010000, n_glyphs, len(SQUARE), 1, 0, 0,
                       2, 0, 0, 0, 0, 0, 0, 0, 0)
    names = [(0, 0x0409, 'Generated for the gongwen tests; no rights reserved.'),
             (1, 0x0409, family), (2, 0x0409, style),
             (3, 0x0409, '1.000;TEST;%s' % psname), (4, 0x0409, full),
             (5, 0x0409, 'Version 1.000'), (6, 0x0409, psname)]
    for lang, fam in sorted((localized or {}).items()):
        names += [(1, lang, fam), (2, lang, style), (4, lang, fam)]
    post = struct.pack('>IIhhIIIII', 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)
    tables = {
        b'OS/2': _os2(cps, weight), b'cmap': _cmap(mapping), b'glyf': glyf, b'head': head,
        b'hhea': hhea, b'hmtx': hmtx, b'loca': loca_t, b'maxp': maxp,
        b'name': _name(names), b'post': post,
    }
    return _assemble(tables), psname


def _assemble(tables):
    tags = sorted(tables)
    n = len(tags)
    p2 = 1 << (n.bit_length() - 1)
    out = struct.pack('>IHHHH', 0x00010000, n, 16 * p2, p2.bit_length() - 1, 16 * n - 16 * p2)
    offset = 12 + 16 * n
    dirs, body = b'', b''
    head_at = None
    for tag in tags:
        data = tables[tag]
        if tag == b'head':
            data = data[:8] + b'\0\0\0\0' + data[12:]
            head_at = offset + len(body)
        dirs += struct.pack('>4sIII', tag, _checksum(data), offset + len(body), len(data))
        body += data + b'\0' * (-len(data) % 4)
    font = bytearray(out + dirs + body)
    adjust = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    font[head_at + 8:head_at + 12] = struct.pack('>I', adjust)
    return bytes(font)


def write_font(path, family, chars, **kw):
    """Write the font to path; return its PostScript name."""
    data, psname = build_font(family, chars, **kw)
    with open(path, 'wb') as f:
        f.write(data)
    return psname


# --- reading back ------------------------------------------------------------------------

def tables_of(data):
    """{tag (str): bytes} of a TrueType file, after checking its directory."""
    version, n = struct.unpack('>IH', data[:6])
    if version != 0x00010000:
        raise ValueError('not a TrueType font: sfnt version %#x' % version)
    tables = {}
    for i in range(n):
        tag, csum, off, length = struct.unpack('>4sIII', data[12 + 16 * i:28 + 16 * i])
        if off % 4 or off + length > len(data):
            raise ValueError('table %s: bad offset %d / length %d' % (tag, off, length))
        t = data[off:off + length]
        check = t[:8] + b'\0\0\0\0' + t[12:] if tag == b'head' else t
        if _checksum(check) != csum:
            raise ValueError('table %s: checksum %#x, directory says %#x'
                             % (tag.decode(), _checksum(check), csum))
        tables[tag.decode('latin-1')] = t
    return tables


def verify(path):
    """Check the directory, every table checksum, head.checkSumAdjustment, the cmap
    (every code point maps to an existing glyph) and loca/glyf. Returns
    {'family', 'psname', 'codepoints', 'glyphs'}; raises ValueError if anything is off."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) % 4:
        raise ValueError('file length %d is not a multiple of 4' % len(data))
    t = tables_of(data)
    tags = list(t)
    if tags != sorted(tags, key=lambda s: s.encode('latin-1')):
        raise ValueError('table directory not sorted: %s' % tags)
    for need in ('cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp', 'name', 'OS/2', 'post'):
        if need not in t:
            raise ValueError('missing table %s' % need)
    if _checksum(data) != 0xB1B0AFBA:
        raise ValueError('whole-font checksum %#x != 0xB1B0AFBA (checkSumAdjustment wrong)'
                         % _checksum(data))
    head = t['head']
    if struct.unpack('>I', head[12:16])[0] != 0x5F0F3CF5:
        raise ValueError('head: bad magic')
    upem, loca_fmt = struct.unpack('>H', head[18:20])[0], struct.unpack('>h', head[50:52])[0]
    n_glyphs = struct.unpack('>H', t['maxp'][4:6])[0]
    n_hm = struct.unpack('>H', t['hhea'][34:36])[0]
    if len(t['hmtx']) < 4 * n_hm + 2 * (n_glyphs - n_hm):
        raise ValueError('hmtx too short')
    fmt, count = ('>%dI', 1) if loca_fmt else ('>%dH', 2)
    loca = struct.unpack(fmt % (n_glyphs + 1), t['loca'][:(n_glyphs + 1) * (4 if loca_fmt else 2)])
    loca = [o * count for o in loca]
    if loca != sorted(loca) or loca[-1] > len(t['glyf']):
        raise ValueError('loca not ascending or beyond glyf')
    os2 = t['OS/2']
    if struct.unpack('>H', os2[:2])[0] != 4 or len(os2) != 96:
        raise ValueError('OS/2: not version 4 of 96 bytes')
    # cmap format 4 (3, 1)
    cmap = t['cmap']
    n_sub = struct.unpack('>H', cmap[2:4])[0]
    cps = {}
    for i in range(n_sub):
        pid, eid, off = struct.unpack('>HHI', cmap[4 + 8 * i:12 + 8 * i])
        sub = cmap[off:]
        if struct.unpack('>H', sub[:2])[0] == 4:
            seg2 = struct.unpack('>H', sub[6:8])[0]
            segs = seg2 // 2
            ends = struct.unpack('>%dH' % segs, sub[14:14 + seg2])
            starts = struct.unpack('>%dH' % segs, sub[16 + seg2:16 + 2 * seg2])
            deltas = struct.unpack('>%dH' % segs, sub[16 + 2 * seg2:16 + 3 * seg2])
            if any(struct.unpack('>%dH' % segs, sub[16 + 3 * seg2:16 + 4 * seg2])):
                raise ValueError('cmap format 4: idRangeOffset not read here')
            if ends[-1] != 0xFFFF:
                raise ValueError('cmap format 4 does not end with 0xFFFF')
            for s, e, d in zip(starts, ends, deltas):
                for c in range(s, e + 1):
                    g = (c + d) & 0xFFFF
                    if c != 0xFFFF:
                        cps[c] = g
        elif struct.unpack('>H', sub[:2])[0] == 12:
            ng = struct.unpack('>I', sub[12:16])[0]
            for k in range(ng):
                s, e, g = struct.unpack('>III', sub[16 + 12 * k:28 + 12 * k])
                for c in range(s, e + 1):
                    cps[c] = g + c - s
    bad = [hex(c) for c, g in cps.items() if not 0 < g < n_glyphs]
    if bad:
        raise ValueError('cmap maps to missing glyphs: %s' % bad[:10])
    return {'family': _name_string(t['name'], 1), 'psname': _name_string(t['name'], 6),
            'codepoints': set(cps), 'glyphs': n_glyphs, 'upem': upem}


def _name_string(name, nid):
    count, strings = struct.unpack('>HH', name[2:6])
    for i in range(count):
        pid, eid, lang, n, length, off = struct.unpack('>6H', name[6 + 12 * i:18 + 12 * i])
        if pid == 3 and lang == 0x0409 and n == nid:
            return name[strings + off:strings + off + length].decode('utf-16-be')
    return None


def chars_of_xml(text):
    """The characters of an XML file's text and attribute values (markup stripped)."""
    text = re.sub(r'<!--.*?-->', '', text, flags=re.S)
    parts = re.findall(r'>([^<]*)<', text) + re.findall(r'"([^"]*)"', text)
    return set(''.join(parts)) - set('\n\r\t')


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--family', default='FangSong_GB2312')
    ap.add_argument('--style', default='Regular')
    ap.add_argument('--chars', default='', help='characters to map')
    ap.add_argument('--chars-from', action='append', default=[],
                    help='map the characters of this (XML or text) file; repeatable')
    ap.add_argument('-o', '--output')
    ap.add_argument('--verify', metavar='FONT', help='only check an existing font file')
    args = ap.parse_args(argv)
    if args.verify:
        info = verify(args.verify)
        print('ok: family %r, PostScript %r, %d code points, %d glyphs'
              % (info['family'], info['psname'], len(info['codepoints']), info['glyphs']))
        return 0
    if not args.output:
        ap.error('-o FONT is required')
    chars = set(args.chars)
    for path in args.chars_from:
        with open(path, encoding='utf-8') as f:
            chars |= chars_of_xml(f.read())
    ps = write_font(args.output, args.family, chars, style=args.style)
    info = verify(args.output)
    print('%s: %s (%s), %d code points' % (args.output, args.family, ps, len(info['codepoints'])))
    return 0


if __name__ == '__main__':
    sys.exit(main())

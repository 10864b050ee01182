"""A review of the PDF writer (src/out_pdf.c) against ISO 32000-1 and for robustness.

    python3 tests/run.py tests/test_pdf_review.py

Each test writes a small layout (or takes a sample), renders it and reads the file back: by
its own bytes (objects, ToUnicode maps, widths, the outline, zlib streams, font programs) and
with poppler (pdftotext, pdftohtml, pdfimages, pdftoppm). Fonts that the shipped faces cannot
provide (a face with characters beyond the BMP, a name-keyed CFF face, a CFF2 face) are made
here from tests/fontgen/mkfont.py. Standard library only.

Tests whose comments begin "Found in review" stand for problems the review reproduced, each
fixed since; the comment says what went wrong and what is expected.
"""
import glob
import os
import random
import re
import shutil
import struct
import subprocess
import zlib

from tests.fontgen import mkfont
from tests.lib import GONGWEN, ROOT, Skip, tmpdir
from tests.lib import pdfprobe as pp
from tests.test_pdf_writer import check_file, objects
from tests.test_previews import png_pixels

SAMPLES = sorted(glob.glob(os.path.join(ROOT, 'sources', '*.xml')))

# --- helpers ------------------------------------------------------------------------------

PAGE = ('<page width="210mm" height="297mm" top="37mm" left="28mm" area-width="156mm"'
        ' area-height="225mm" lines="22" chars="28" em-top="0.88"/>')


def layout(flow, faces=(('body', 'FangSong_GB2312'),), info='title="t" author="a"', extra=''):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<layout xmlns="urn:gongwen:layout:1" version="1">'
            '<info %s date="2024-04-01" lang="zh-CN" creator="c"/>%s%s%s'
            '<flow face="%s" size="16pt" color="#000000">%s</flow></layout>\n'
            % (info, PAGE, ''.join('<face role="%s" family="%s"/>' % f for f in faces), extra,
               faces[0][0], flow))


def env():
    e = {k: v for k, v in os.environ.items() if k not in ('GONGWEN_FONT_DIRS', 'SOURCE_DATE_EPOCH')}
    e['XDG_CACHE_HOME'] = os.path.join(tmpdir(), 'cache')
    return e


def gw(*args):
    return subprocess.run([GONGWEN, *args], capture_output=True, text=True, env=env(), timeout=300)


def render(text, name='l', *args, fmt='pdf'):
    """Write the layout into the test's folder and render it; the output's path."""
    d = tmpdir()
    src = os.path.join(d, name + '.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text)
    out = os.path.join(d, '%s.%s' % (name, fmt))
    r = gw('render', src, '-o', out, '-f', fmt, *args)
    assert r.returncode == 0, r.stderr
    return out


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def ref(body, key):
    m = re.search(rb'/' + key.encode() + rb' (\d+) 0 R', body)
    return int(m.group(1)) if m else None


def inflate(head, stream):
    return zlib.decompress(stream) if b'/FlateDecode' in head else stream


def text_string(raw):
    """A PDF text string as written: (literal) or <FEFF hex>."""
    if raw.startswith(b'<'):
        return bytes.fromhex(raw[1:-1].decode()).decode('utf-16')
    s = raw[1:-1]
    return re.sub(rb'\\(.)', rb'\1', s).decode('latin-1')


def info_dict(data):
    objs = objects(data)
    trailer = data[data.rindex(b'trailer'):]
    return objs[int(re.search(rb'/Info (\d+) 0 R', trailer).group(1))][1]


def type0_fonts(data):
    """[{name, desc, descriptor, program (bytes), file_key, tounicode (text)}] of every Type 0 font."""
    objs = objects(data)
    fonts = []
    for num, (_, body, stream) in objs.items():
        if stream is None and b'/Subtype /Type0' in body:
            desc = objs[int(re.search(rb'/DescendantFonts \[(\d+) 0 R\]', body).group(1))][1]
            fd = objs[ref(desc, 'FontDescriptor')][1]
            key = 'FontFile2' if b'/FontFile2 ' in fd else 'FontFile3'
            head, prog = objs[ref(fd, key)][1:]
            _, tuh, tus = objs[ref(body, 'ToUnicode')]
            fonts.append({'num': num, 'name': re.search(rb'/BaseFont /(\S+)', body).group(1).decode(),
                          'desc': desc, 'file_key': key, 'file_head': head,
                          'program': inflate(head, prog),
                          'tounicode': inflate(tuh, tus).decode('latin-1')})
    return fonts


def tounicode_map(cmap):
    out = {}
    for n, body in re.findall(r'(\d+) beginbfchar\n(.*?)endbfchar', cmap, re.S):
        for code, dst in re.findall(r'<([0-9A-F]{4})> <([0-9A-F]*)>', body):
            out[int(code, 16)] = bytes.fromhex(dst).decode('utf-16-be')
    return out


def widths(desc):
    """{cid: width} of a CIDFont's /W, and its /DW."""
    m = re.search(rb'/W \[(.*)\]', desc, re.S)
    toks = re.findall(rb'\[|\]|-?\d+(?:\.\d+)?', m.group(1)) if m else []
    w, i = {}, 0
    while i < len(toks):
        first = int(toks[i])
        if toks[i + 1] == b'[':
            j = i + 2
            while toks[j] != b']':
                w[first + j - i - 2] = float(toks[j])
                j += 1
            i = j + 1
        else:
            for c in range(first, int(toks[i + 1]) + 1):
                w[c] = float(toks[i + 2])
            i += 3
    dw = re.search(rb'/DW (\d+)', desc)
    return w, int(dw.group(1)) if dw else 1000


def sfnt_tables(data):
    n = struct.unpack('>H', data[4:6])[0]
    out = {}
    for i in range(n):
        tag, _, off, length = struct.unpack('>4sIII', data[12 + 16 * i:28 + 16 * i])
        out[tag] = data[off:off + length]
    return out


def cff_index(data, pos):
    """(items, end) of a CFF (version 1) INDEX at pos."""
    count = struct.unpack('>H', data[pos:pos + 2])[0]
    if count == 0:
        return [], pos + 2
    size = data[pos + 2]
    offs = [int.from_bytes(data[pos + 3 + i * size:pos + 3 + (i + 1) * size], 'big')
            for i in range(count + 1)]
    base = pos + 3 + (count + 1) * size - 1
    return [data[base + offs[i]:base + offs[i + 1]] for i in range(count)], base + offs[-1]


def dict_operators(d):
    """The operators of a CFF DICT (12 x as 1200 + x)."""
    ops, i = set(), 0
    while i < len(d):
        b = d[i]
        if b == 12:
            ops.add(1200 + d[i + 1])
            i += 2
        elif b <= 21:
            ops.add(b)
            i += 1
        elif b == 28:
            i += 3
        elif b == 29:
            i += 5
        elif b == 30:
            i += 1
            while d[i] & 0x0F != 0x0F and d[i] & 0xF0 != 0xF0:
                i += 1
            i += 1
        elif b >= 247:
            i += 2
        else:
            i += 1
    return ops


def trace_runs(path):
    """[(page, x0, x1, baseline, text)] of a trace, in mm."""
    runs, page = [], 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('page '):
                page += 1
            m = re.match(r'\s+text x=([\d.]+)\.\.([\d.]+) baseline=([\d.]+) .*\|(.*)\|$', line)
            if m:
                runs.append((page, float(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4)))
    return runs


def bbox_words(pdf, page):
    r = subprocess.run(['pdftotext', '-bbox', '-f', str(page), '-l', str(page), pdf, '-'],
                       capture_output=True, text=True, check=True)
    return [(float(a) * pp.PT, float(b) * pp.PT, float(c) * pp.PT, float(d) * pp.PT,
             t.replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>'))
            for a, b, c, d, t in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                r.stdout)]


def pdftotext(pdf, *args):
    return subprocess.run(['pdftotext', *args, pdf, '-'], capture_output=True, text=True,
                          check=True).stdout


def pdftohtml_text(pdf):
    """The text pdftohtml -xml reads (it takes glyphs by their ToUnicode entries only)."""
    r = subprocess.run(['pdftohtml', '-xml', '-i', '-stdout', pdf], capture_output=True, text=True,
                       check=True)
    return ''.join(re.sub(r'<[^>]+>', '', t) for t in re.findall(r'<text [^>]*>(.*?)</text>', r.stdout))


def png(path, w, h, pixel, alpha):
    """An 8-bit RGB or RGBA PNG of pixel(x, y)."""
    raw = b''.join(b'\0' + b''.join(bytes(pixel(x, y)) for x in range(w)) for y in range(h))

    def chunk(kind, body):
        return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n'
                + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6 if alpha else 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))


# --- fonts made here: OpenType faces with CFF (name-keyed) and CFF2 outlines -------------------

def _cs_int(v):
    if -107 <= v <= 107:
        return bytes([v + 139])
    if 108 <= v <= 1131:
        v -= 108
        return bytes([(v >> 8) + 247, v & 0xFF])
    if -1131 <= v <= -108:
        v = -v - 108
        return bytes([(v >> 8) + 251, v & 0xFF])
    return b'\x1c' + struct.pack('>h', v)


def _int5(v):
    return b'\x1d' + struct.pack('>i', v)


# mkfont's square: 100 -50 rmoveto, then around it
_SQUARE = (_cs_int(100) + _cs_int(-50) + b'\x15' + _cs_int(0) + _cs_int(830) + _cs_int(800)
           + _cs_int(0) + _cs_int(0) + _cs_int(-830) + b'\x05')


def _index1(items):
    if not items:
        return b'\0\0'
    offs = [1]
    for it in items:
        offs.append(offs[-1] + len(it))
    return struct.pack('>HB', len(items), 4) + b''.join(struct.pack('>I', o) for o in offs) + b''.join(items)


def _index2(items):
    if not items:
        return struct.pack('>I', 0)
    offs = [1]
    for it in items:
        offs.append(offs[-1] + len(it))
    return struct.pack('>IB', len(items), 4) + b''.join(struct.pack('>I', o) for o in offs) + b''.join(items)


def _cff1(name, n):
    """A name-keyed CFF: every glyph the square, the charset naming glyph i by standard string i."""
    private = _cs_int(50) + b'\x0a'                         # StdHW 50
    charstrings = _index1([_SQUARE + b'\x0e'] * n)         # … endchar
    charset = b'\0' + b''.join(struct.pack('>H', i) for i in range(1, n))
    top_len = 6 + 6 + 11
    head = b'\x01\x00\x04\x04' + _index1([name.encode()])
    start = len(head) + len(_index1([b'\0' * top_len])) + len(_index1([])) + len(_index1([]))
    charset_at, cs_at = start, start + len(charset)
    priv_at = cs_at + len(charstrings)
    top = _int5(charset_at) + b'\x0f' + _int5(cs_at) + b'\x11' + _int5(len(private)) + _int5(priv_at) + b'\x12'
    assert len(top) == top_len
    return head + _index1([top]) + _index1([]) + _index1([]) + charset + charstrings + private


def _cff2(n):
    private = _cs_int(50) + b'\x0a'
    charstrings = _index2([_SQUARE] * n)                   # CFF2: no endchar, no width
    top_len = 6 + 7
    gsubrs = _index2([])
    cs_at = 5 + top_len + len(gsubrs)
    fd_at = cs_at + len(charstrings)
    fdarray_len = len(_index2([b'\0' * 11]))
    font_dict = _int5(len(private)) + _int5(fd_at + fdarray_len) + b'\x12'
    top = _int5(cs_at) + b'\x11' + _int5(fd_at) + b'\x0c\x24'
    return struct.pack('>BBBH', 2, 0, 5, top_len) + top + gsubrs + charstrings + _index2([font_dict]) + private


def otf_font(path, family, chars, flavour):
    """mkfont's font with its glyf/loca replaced by a 'CFF ' (flavour 'cff') or 'CFF2' table."""
    data, psname = mkfont.build_font(family, chars)
    tables = {k.encode('latin-1'): v for k, v in mkfont.tables_of(data).items()}
    n = struct.unpack('>H', tables[b'maxp'][4:6])[0]
    del tables[b'glyf'], tables[b'loca']
    tables[b'maxp'] = struct.pack('>IH', 0x00005000, n)
    if flavour == 'cff':
        tables[b'CFF '] = _cff1(psname, n)
    else:
        tables[b'CFF2'] = _cff2(n)
    font = bytearray(mkfont._assemble(tables))
    font[0:4] = b'OTTO'
    tags = sorted(tables)
    head_at = struct.unpack('>I', font[12 + 16 * tags.index(b'head') + 8:][:4])[0]
    font[head_at + 8:head_at + 12] = b'\0\0\0\0'
    font[head_at + 8:head_at + 12] = struct.pack('>I', (0xB1B0AFBA - mkfont._checksum(bytes(font))) & 0xFFFFFFFF)
    with open(path, 'wb') as f:
        f.write(bytes(font))
    return psname


# --- strings, metadata, outline -------------------------------------------------------------

def test_text_strings_are_escaped_and_non_bmp_characters_are_surrogate_pairs():
    out = render(layout('<para>正文</para>',
                        info='title="T (a) \\ b)" author="A&#9;B" subject="&#x20B9F;x" keywords="(("'))
    assert not check_file(out), check_file(out)
    info = info_dict(read(out))
    assert b'/Title (T \\(a\\) \\\\ b\\))' in info, info
    assert re.search(rb'/Author (<[^>]*>)', info).group(1).upper() == b'<FEFF004100090042>', info
    assert re.search(rb'/Subject (<[^>]*>)', info).group(1).upper() == b'<FEFFD842DF9F0078>', info
    assert b'/Keywords (\\(\\()' in info, info
    got = pp.pdf_info(out)
    assert got['Title'] == 'T (a) \\ b)' and got['Subject'] == '\U00020B9Fx', got


def test_a_del_character_in_the_metadata_is_not_left_to_pdfdocencoding():
    # Found in review: text_string() writes every string of bytes 0x20..0x7F as a literal, but 0x7F is
    # undefined in PDFDocEncoding (ISO 32000-1 D.2): poppler reads it as U+FFFD. Such a string
    # should go out as UTF-16 like the control characters below 0x20 already do.
    out = render(layout('<para>正文</para>', info='title="A&#x7F;B" author="a"'))
    assert pp.pdf_info(out)['Title'] == 'A\x7fB', repr(pp.pdf_info(out)['Title'])


def test_a_face_beyond_the_bmp_maps_to_surrogate_pairs_in_text_and_outline():
    d = os.path.join(tmpdir(), 'fonts')
    os.makedirs(d)
    mkfont.write_font(os.path.join(d, 'f.ttf'), 'ReviewFace', '一二\U00020000\U00020001abc')
    out = render(layout('<para outline-level="0" outline-title="&#x20000; (x)">一&#x20000;二&#x20001;</para>'
                        '<para>abc</para>', faces=(('body', 'ReviewFace'),)), 'l', '--font-dir', d)
    assert not check_file(out), check_file(out)
    data = read(out)
    (font,) = type0_fonts(data)
    assert font['file_key'] == 'FontFile2' and b'/CIDFontType2' in font['desc'], font['desc']
    mapped = tounicode_map(font['tounicode'])
    assert '\U00020000' in mapped.values() and '\U00020001' in mapped.values(), mapped
    assert '<D840DC00>' in font['tounicode'], font['tounicode']
    assert pdftotext(out).split()[:2] == ['一\U00020000二\U00020001', 'abc'], pdftotext(out)
    titles = [text_string(t) for t in re.findall(rb'/Title (<[0-9A-Fa-f]*>|\((?:[^\\)]|\\.)*\))', data)]
    assert '\U00020000 (x)' in titles, titles
    assert b'<FEFFD840DC000020002800780029>' in data.upper()


def _outline(data):
    """{number: {key: value}} of the outline items, and the root's dictionary."""
    objs = objects(data)
    cat = [b for _, b, s in objs.values() if s is None and b'/Type /Catalog' in b][0]
    root = ref(cat, 'Outlines')
    items = {}
    for num, (_, body, stream) in objs.items():
        if stream is None and b'/Title ' in body and num != root:
            e = {}
            for k in ('Parent', 'Prev', 'Next', 'First', 'Last'):
                e[k] = ref(body, k)
            m = re.search(rb'/Count (-?\d+)', body)
            e['Count'] = int(m.group(1)) if m else None
            e['Title'] = text_string(re.search(rb'/Title (<[0-9A-Fa-f]*>|\((?:[^\\)]|\\.)*\))', body).group(1))
            m = re.search(rb'/Dest \[(\d+) 0 R /XYZ (\S+) (\S+) (\S+)\]', body)
            fit = re.search(rb'/Dest \[(\d+) 0 R /Fit\]', body)
            e['Dest'] = ((int(m.group(1)), float(m.group(2)), float(m.group(3))) if m else
                         (int(fit.group(1)), 'Fit') if fit else None)
            items[num] = e
    rb_ = objs[root][1]
    return root, {'First': ref(rb_, 'First'), 'Last': ref(rb_, 'Last'),
                  'Count': int(re.search(rb'/Count (-?\d+)', rb_).group(1))}, items


def test_the_outline_tree_is_consistent_open_at_the_top_and_closed_below():
    levels = [0, 2, 1, 3, 1, 0, 1, 4]
    flow = ''.join('<para outline-level="%d" outline-title="e%d">第%d段</para>' % (l, i, i)
                   for i, l in enumerate(levels))
    data = read(render(layout(flow)))
    root, top, items = _outline(data)
    by_title = {e['Title']: n for n, e in items.items()}
    num = [by_title['e%d' % i] for i in range(len(levels))]
    # the expected tree: each entry under the nearest earlier entry of a lower level
    parent = {1: 0, 2: 0, 3: 2, 4: 0, 6: 5, 7: 6}
    for i in range(len(levels)):
        want = num[parent[i]] if i in parent else root
        assert items[num[i]]['Parent'] == want, ('e%d' % i, items[num[i]])
    kids = {p: [i for i in range(len(levels)) if parent.get(i) == p] for p in range(len(levels))}
    kids[None] = [i for i in range(len(levels)) if i not in parent]
    for p, ks in kids.items():
        e = top if p is None else items[num[p]]
        assert (e['First'], e['Last']) == ((num[ks[0]], num[ks[-1]]) if ks else (None, None)), (p, e)
        for a, b in zip(ks, ks[1:]):
            assert items[num[a]]['Next'] == num[b] and items[num[b]]['Prev'] == num[a], (a, b)
        if ks:
            assert items[num[ks[0]]]['Prev'] is None and items[num[ks[-1]]]['Next'] is None
    # /Count: the top level open (children visible), the levels below closed (negative)
    counts = {i: items[num[i]]['Count'] for i in range(len(levels))}
    assert counts == {0: 3, 1: None, 2: -1, 3: None, 4: None, 5: 1, 6: -1, 7: None}, counts
    assert top['Count'] == 2 + 3 + 1, top


def test_an_outline_entry_on_a_turned_page_points_at_its_heading():
    # The entry's y is in the turned page's own coordinates, across the sheet: a destination
    # with that y as its top opened the top of the sheet while the heading stood near its foot.
    # The destination shows the whole turned page (/Fit), or a top the heading is near.
    flow = ('<para outline-level="0">第一页</para>'
            '<para landscape="yes" outline-level="1">横排标题</para>'
            '<table widths="1 4 2" size="14pt" rule="0.5pt" padding="1mm" landscape="yes">'
            '<tr header="yes"><td>甲</td><td>乙</td><td>丙</td></tr><tr><td>1</td><td>2</td><td>3</td></tr>'
            '</table>')
    out = render(layout(flow))
    _, _, items = _outline(read(out))
    (entry,) = [e for e in items.values() if e['Title'] == '横排标题']
    (word,) = [w for w in bbox_words(out, 2) if w[4] == '横排标题']
    height = 297 / pp.PT
    lo, hi = height - word[3] / pp.PT, height - word[1] / pp.PT     # pt above the foot
    if str(entry['Dest'][1]).lstrip('/') == 'Fit':
        return
    top = entry['Dest'][2]
    assert lo - 30 <= top <= hi + 30, 'destination top %.1f pt; the heading spans %.1f..%.1f pt' % (top, lo, hi)


# --- fonts: ToUnicode, widths, CIDs ---------------------------------------------------------

def test_tounicode_maps_are_well_formed_in_every_sample():
    errors = []
    for src in SAMPLES:
        out = os.path.join(tmpdir(), os.path.basename(src) + '.pdf')
        r = gw('render', src, '-o', out)
        assert r.returncode == 0, r.stderr
        for font in type0_fonts(read(out)):
            cmap = font['tounicode']
            where = '%s %s' % (os.path.basename(src), font['name'])
            if cmap.count('begincodespacerange') != 1 or '<0000> <FFFF>' not in cmap:
                errors.append('%s: codespace' % where)
            for n, body in re.findall(r'(\d+) beginbfchar\n(.*?)endbfchar', cmap, re.S):
                rows = body.strip('\n').split('\n')
                if int(n) != len(rows) or int(n) > 100:
                    errors.append('%s: a block says %s and holds %d' % (where, n, len(rows)))
                for row in rows:
                    m = re.fullmatch(r'<([0-9A-F]{4})> <((?:[0-9A-F]{4})+)>', row)
                    if not m:
                        errors.append('%s: %r' % (where, row))
                        continue
                    bytes.fromhex(m.group(2)).decode('utf-16-be')   # whole surrogate pairs
            if cmap.count('beginbfchar') != cmap.count('endbfchar'):
                errors.append('%s: unbalanced blocks' % where)
    assert not errors, errors[:10]


def test_cff_programs_are_cid_keyed_in_every_sample():
    # A CIDFontType0C program is a CIDFont (ROS in its Top DICT); the samples' faces are.
    errors = []
    for src in SAMPLES[:4]:
        out = os.path.join(tmpdir(), os.path.basename(src) + '.pdf')
        assert gw('render', src, '-o', out).returncode == 0
        for font in type0_fonts(read(out)):
            if font['file_key'] == 'FontFile3':
                (top,), _ = cff_index(font['program'], cff_index(font['program'], font['program'][2])[1])
                if 1230 not in dict_operators(top):
                    errors.append('%s: no ROS' % font['name'])
    assert not errors, errors


def test_a_name_keyed_cff_face_reads_back():
    # A face whose CFF is name-keyed (no ROS: most Latin OpenType faces, given with --font-dir)
    # goes in as /CIDFontType0C too, which ISO 32000-1 9.7.4.2 allows: the CIDs are then the
    # glyph indices, as the writer draws them.
    d = os.path.join(tmpdir(), 'fonts')
    os.makedirs(d)
    otf_font(os.path.join(d, 'n.otf'), 'ReviewNameKeyed', 'abcdefgh ', 'cff')
    out = render(layout('<para>abc defgh</para>', faces=(('body', 'ReviewNameKeyed'),)), 'l', '--font-dir', d)
    assert not check_file(out), check_file(out)
    (font,) = type0_fonts(read(out))
    assert 'ReviewNameKeyed' in font['name'] and b'/CIDFontType0C' in font['file_head'], font['name']
    (top,), _ = cff_index(font['program'], cff_index(font['program'], font['program'][2])[1])
    assert 1230 not in dict_operators(top)
    assert pdftotext(out).split() == ['abc', 'defgh'], pdftotext(out)


def cff2_layout():
    """(a layout set in a face with CFF2 outlines, the folder of that face)."""
    d = os.path.join(tmpdir(), 'fonts')
    os.makedirs(d)
    otf_font(os.path.join(d, 'c2.otf'), 'ReviewCffTwo', '一二三abc', 'cff2')
    src = os.path.join(tmpdir(), 'l.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(layout('<para>一二三abc</para>', faces=(('body', 'ReviewCffTwo'),)))
    return src, d


def test_a_cff2_face_is_refused_or_embedded_readably():
    # Found in review: a face with CFF2 outlines (variable OpenType faces, e.g. the Noto/Source Han CJK VF
    # fonts) has no 'CFF ' table, so it is taken for TrueType: the OpenType file goes in as
    # /FontFile2 of a CIDFontType2. poppler says "Embedded font file may be invalid",
    # Ghostscript draws nothing, and gongwen exits 0. It should stop with a message (or convert).
    src, d = cff2_layout()
    out = os.path.join(tmpdir(), 'l.pdf')
    r = gw('render', src, '-o', out, '--font-dir', d)
    if r.returncode != 0:
        assert 'font' in r.stderr and not os.path.exists(out), r.stderr
        return
    fonts = [f for f in type0_fonts(read(out)) if 'ReviewCffTwo' in f['name']]
    assert fonts, 'the face was not used: %s' % [f['name'] for f in type0_fonts(read(out))]
    for font in fonts:
        if font['file_key'] == 'FontFile2':
            assert b'glyf' in sfnt_tables(font['program']), \
                '/FontFile2 holds an OpenType font without glyf (%r)' % font['program'][:4]
    ppm = subprocess.run(['pdftoppm', '-r', '20', out], capture_output=True)
    assert not ppm.stderr, ppm.stderr.decode()[:300]


def test_truetype_widths_match_the_embedded_program():
    # 楷体 is AR PL KaitiM GB, TrueType of 1024 units: /W and /DW against its own hmtx.
    out = render(layout('<para face="kai">楷体 ABC abc 123，。〔2024〕</para>',
                        faces=(('body', 'FangSong_GB2312'), ('kai', 'KaiTi_GB2312'))))
    fonts = [f for f in type0_fonts(read(out)) if f['file_key'] == 'FontFile2']
    assert fonts, 'no TrueType face'
    for font in fonts:
        t = sfnt_tables(font['program'])
        upem = struct.unpack('>H', t[b'head'][18:20])[0]
        n_h = struct.unpack('>H', t[b'hhea'][34:36])[0]
        adv = [struct.unpack('>H', t[b'hmtx'][4 * i:4 * i + 2])[0] for i in range(n_h)]
        w, dw = widths(font['desc'])
        used = set(tounicode_map(font['tounicode'])) | set(w)
        assert len(used) > 10, used
        for cid in used:        # CIDToGIDMap /Identity: the CID is the glyph
            want = round(adv[min(cid, n_h - 1)] * 1000 / upem)
            assert w.get(cid, dw) == want, (font['name'], cid, w.get(cid, dw), want)


# --- text read back -------------------------------------------------------------------------

def test_tricky_text_reads_back():
    # a glyph for two characters (一 U+4E00 and ⼀ U+2F00 are one glyph of FandolFang), a character
    # of two glyphs (ǰ and ǻ in Noto Serif CJK), a combining mark, full-width punctuation
    out = render(layout('<para>一&#x2F00;一 &#x2F00;</para>'
                        '<para face="song">x&#x1F0;y &#x1FB; j</para>'
                        '<para face="song">wx&#x301;y</para>'
                        '<para>〔2024〕（一）“引号”</para>',
                        faces=(('body', 'FangSong_GB2312'), ('song', 'SimSun'))))
    lines = [l for l in pdftotext(out).splitlines() if l.strip()]
    assert lines[:4] == ['一\u2f00一 \u2f00', 'x\u01f0y \u01fb j', 'wx\u0301y', '〔2024〕（一）“引号”'], lines


def test_a_character_with_a_variation_selector_keeps_its_text_for_every_reader():
    # Found in review: 葛 + VS17 (an ideographic variation sequence, as a name may carry) and 甲 + CGJ are
    # glyph + a character without a glyph: the stretch is marked with /ActualText, and the glyph
    # gets no ToUnicode entry at all. pdftotext, which reads ActualText, is right; a reader
    # that goes by ToUnicode alone (pdftohtml -xml here; the same holds for a character of
    # several glyphs such as ǻ) loses 葛 and 甲 entirely. The glyph should still be mapped
    # (to its character) when the stretch carries an ActualText.
    out = render(layout('<para>葛&#xE0100;城 甲&#x34F;乙</para>'))
    assert pdftotext(out).split() == ['葛\U000E0100城', '甲\u034f乙'], pdftotext(out)
    read_by_tounicode = pdftohtml_text(out)
    assert '葛' in read_by_tounicode and '甲' in read_by_tounicode, read_by_tounicode


def test_a_glyph_after_an_invisible_character_and_a_format_character_keeps_its_text():
    # Found in review: stretches() joins a cluster with glyphs to a stretch of glyphless characters before
    # it by adding its length, as if the two were adjacent; when a format character (ZWJ, ZWSP,
    # a bidi control), which is skipped, lies between them, the stretch's text ends short of the
    # glyph's own. Here CGJ + ZWJ + 甲: the ActualText of 甲's glyph is "CGJ ZWJ", and 甲 is lost
    # to copy and search (pdftotext reads "\u034f\u200d乙"). The stretch should run to the end of
    # the cluster it takes in (len = text + bytes - stretch start).
    out = render(layout('<para>&#x34F;&#x200D;甲乙</para><para>&#xFE00;&#x200B;丙丁</para>'))
    text = pdftotext(out)
    assert '甲乙' in text and '丙丁' in text, repr(text)


def test_a_face_whose_subset_cannot_be_read_stops_the_render_cleanly():
    # A CFF face whose charstrings call subroutines it does not have: the render stops with a
    # message naming the font, and the previous output stays (or, should the subset come out
    # readable, the file is sound).
    d = os.path.join(tmpdir(), 'fonts')
    os.makedirs(d)
    global _SQUARE
    square, _SQUARE = _SQUARE, _cs_int(0) + b'\x0a'         # 0 callsubr
    try:
        otf_font(os.path.join(d, 'bad.otf'), 'ReviewBroken', 'abc ', 'cff')
    finally:
        _SQUARE = square
    src = os.path.join(tmpdir(), 'l.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(layout('<para>abc</para>', faces=(('body', 'ReviewBroken'),)))
    out = os.path.join(tmpdir(), 'l.pdf')
    with open(out, 'wb') as f:
        f.write(b'previous output')
    r = gw('render', src, '-o', out, '--font-dir', d)
    if r.returncode == 0:
        assert not check_file(out), check_file(out)
        return
    assert 'bad.otf' in r.stderr and 'font' in r.stderr, r.stderr
    assert read(out) == b'previous output'
    assert sorted(os.listdir(tmpdir())) == ['cache', 'fonts', 'l.pdf', 'l.xml'], os.listdir(tmpdir())


def test_letter_spaced_and_compressed_runs_stand_where_the_trace_puts_them():
    text = layout('<para grid="yes">国务院abc工作规则</para>'
                  '<para align="center" fit="compress" max-width="60mm">示例市人民政府办公室关于进一步加强公文格式规范化工作的通知</para>'
                  '<para align="right" grid="yes">2024年4月1日</para>')
    out = render(text)
    trace = trace_runs(render(text, 'l', fmt='trace'))
    words = bbox_words(out, 1)
    assert [w[4] for w in words] == ['国务院abc工作规则', '示例市人民政府办公室关于进一步加强公文格式规范化工作的通知',
                                     '2024年4月1日'], [w[4] for w in words]
    for word in words:
        runs = [r for r in trace if r[4] and r[4] in word[4] or word[4].startswith(r[4])]
        first = [r for r in runs if word[4].startswith(r[4])][0]
        last = [r for r in runs if word[4].endswith(r[4])][-1]
        # poppler: from the first glyph's origin to the last glyph's advance (grid tracking
        # may centre a glyph a little inside its cell)
        assert abs(word[0] - first[1]) < 0.1 and abs(word[2] - last[2]) < 0.1, (word, first, last)


def test_a_turned_page_keeps_its_folio_upright():
    src = os.path.join(ROOT, 'sources', 'yijian-biaoge.xml')
    out = os.path.join(tmpdir(), 'y.pdf')
    trace = os.path.join(tmpdir(), 'y.trace')
    assert gw('render', src, '-o', out).returncode == 0
    assert gw('render', src, '-f', 'trace', '-o', trace).returncode == 0
    with open(trace, encoding='utf-8') as f:
        turned = [int(l.split()[1]) for l in f if l.startswith('page ') and 'turned' in l]
    assert turned, 'no turned page'
    folios = {r[0]: r for r in trace_runs(trace) if r[4].startswith('— ')}
    for page in turned:
        words = [w for w in bbox_words(out, page) if w[4] == str(page)]
        upright = [w for w in words if w[2] - w[0] < w[3] - w[1] + 1 and abs(w[3] - folios[page][3]) < 2]
        assert upright, (page, words, folios[page])
        assert folios[page][1] < upright[0][0] < folios[page][2], (upright, folios[page])


# --- images and streams ---------------------------------------------------------------------

def _images(d):
    os.makedirs(os.path.join(d, 'images'), exist_ok=True)
    rnd = random.Random(7)
    png(os.path.join(d, 'images', 'opaque.png'), 64, 48, lambda x, y: (x * 4, y * 5, 128), False)
    png(os.path.join(d, 'images', 'alpha.png'), 64, 48, lambda x, y: (x * 4, y * 5, 128, x * 4), True)
    png(os.path.join(d, 'images', 'one.png'), 64, 64,
        lambda x, y: (0, 0, 255, 255 if (x - 32) ** 2 + (y - 32) ** 2 < 600 else 0), True)
    png(os.path.join(d, 'images', 'noise.png'), 800, 800,
        lambda x, y: (rnd.getrandbits(8), rnd.getrandbits(8), rnd.getrandbits(8)), False)
    with open(os.path.join(d, 'images', 'multi.svg'), 'w') as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
                '<circle cx="50" cy="50" r="45" fill="#E60012"/>'
                '<rect x="10" y="40" width="80" height="20" fill="#00AA00"/></svg>')


def _compare_blocks(a, b, region=None, B=6):
    """Blocks of B × B pixels (of the PNG a and the poppler raster b) whose mean differs by > 32."""
    width, height = min(a[0], b.width), min(a[1], b.height)
    x0, y0, x1, y1 = region or (0, 0, width, height)
    off, n = [], 0
    for by in range(y0, min(y1, height) - B, B):
        rows_a = a[2][by:by + B]
        rows_b = [b.row(y) for y in range(by, by + B)]
        for bx in range(x0, min(x1, width) - B, B):
            sa = sum(sum(r[3 * bx:3 * (bx + B)]) for r in rows_a) / (B * B * 3)
            sb = sum(sum(r[3 * bx:3 * (bx + B)]) for r in rows_b) / (B * B * 3)
            n += 1
            if abs(sa - sb) > 32:
                off.append((bx, by))
    return off, n


def test_images_of_every_kind_are_embedded_and_drawn_as_the_preview_shows():
    d = tmpdir()
    _images(d)
    out = render(layout('<para>文字在印章下面</para>'
                        '<image src="images/opaque.png" width="40mm" height="30mm" align="left"/>'
                        '<image src="images/alpha.png" width="40mm" height="30mm" align="left" blend="multiply"/>'
                        '<image src="images/one.png" width="30mm" height="30mm" align="right" blend="multiply"/>'
                        '<image src="images/multi.svg" width="40mm" height="40mm" align="center"/>'
                        '<image src="images/noise.png" width="50mm" height="50mm" align="left"/>'))
    assert not check_file(out), check_file(out)
    rows = subprocess.run(['pdfimages', '-list', out], capture_output=True, text=True, check=True).stdout
    kinds = [(r.split()[2], int(r.split()[3]), int(r.split()[4])) for r in rows.splitlines()[2:]]
    assert ('image', 64, 48) in kinds and ('smask', 64, 48) in kinds, kinds       # alpha
    assert ('image', 1, 1) in kinds and ('smask', 64, 64) in kinds, kinds         # one colour
    assert ('image', 800, 800) in kinds, kinds
    assert kinds.count(('image', 64, 48)) == 2 and kinds.count(('smask', 64, 48)) == 1, kinds
    data = read(out)
    assert re.search(rb'<< /Type /ExtGState /BM /Multiply >>', data)
    assert b'/Multiply gs' in b''.join(inflate(h, s) for _, h, s in objects(data).values()
                                       if s is not None and b'/Subtype' not in h)
    # each page as gongwen's PNG preview draws it
    png_out = os.path.join(d, 'p.png')
    assert gw('render', os.path.join(d, 'l.xml'), '-f', 'png', '--dpi', '72', '-o', png_out).returncode == 0
    for page in range(1, pp.pdf_info(out)['Pages'] + 1):
        ours = png_pixels(os.path.join(d, 'p-%d.png' % page))
        off, n = _compare_blocks(ours, pp.raster(out, page, dpi=72))
        assert len(off) < n * 0.005, 'page %d: %d of %d blocks differ, at %s' % (page, len(off), n, off[:5])


def test_a_multicoloured_svg_multiplied_over_the_page_previews_as_the_pdf_draws_it():
    # Found in review (in the PNG preview, src/out_cairo.c, not in the PDF): with blend="multiply" cairo
    # paints the SVG's elements one by one with the MULTIPLY operator, so the SVG's green bar
    # is multiplied with its own red disc (near black) in the PNG, where the PDF multiplies the
    # image as a whole with the page (green over white stays green), as the layout
    # documentation says. A one-colour seal is the same either way. Fix: push a group, paint
    # the SVG into it, pop it and paint that with MULTIPLY.
    d = tmpdir()
    _images(d)
    out = render(layout('<image src="images/multi.svg" width="40mm" height="40mm" align="center" blend="multiply"/>'))
    assert gw('render', os.path.join(d, 'l.xml'), '-f', 'png', '--dpi', '72', '-o',
              os.path.join(d, 'p.png')).returncode == 0
    ours = png_pixels(os.path.join(d, 'p-1.png'))
    img = pp.raster(out, 1, dpi=72)
    # the middle of the green bar: page centre, 20 mm below the type area's top
    x, y = int(round(pp.mm2px(105, 72))), int(round(pp.mm2px(37 + 20, 72)))
    pdf_rgb = img.pixel(x, y)
    png_rgb = tuple(ours[2][y][3 * x:3 * x + 3])
    assert pdf_rgb[1] > 150 and pdf_rgb[0] < 60, 'the PDF draws the bar green: %s' % (pdf_rgb,)
    assert max(abs(a - b) for a, b in zip(pdf_rgb, png_rgb)) < 40, \
        'PDF %s, PNG preview %s at the green bar' % (pdf_rgb, png_rgb)


def test_the_same_image_file_twice_is_embedded_once():
    # Found in review (file size only): image objects are shared by gw_image pointer, and each <image>
    # element loads its own, so a seal placed twice is written twice (and a PNG at two sizes
    # too, though its pixels are the same). The encoded image (ctx->pdf_images) is shared
    # already; the XObject could be too.
    d = tmpdir()
    _images(d)
    out = render(layout('<para>文字</para>'
                        '<image src="images/one.png" width="30mm" height="30mm" align="right"/>'
                        '<image src="images/one.png" width="30mm" height="30mm" align="left"/>'
                        '<image src="images/opaque.png" width="40mm" height="30mm" align="left"/>'
                        '<image src="images/opaque.png" width="20mm" height="30mm" align="left"/>'))
    rows = subprocess.run(['pdfimages', '-list', out], capture_output=True, text=True, check=True).stdout
    ids = [r.split()[10] for r in rows.splitlines()[2:]]
    assert len(set(ids)) == 2, rows


def test_large_streams_are_one_zlib_stream_and_the_same_on_one_cpu():
    d = tmpdir()
    _images(d)
    text = layout('<image src="images/noise.png" width="50mm" height="50mm" align="left"/>'
                  '<image src="images/alpha.png" width="40mm" height="30mm" align="left"/>')
    out = render(text)
    big = 0
    for num, (_, head, stream) in objects(read(out)).items():
        if stream is None or b'/FlateDecode' not in head:
            continue
        cmf, flg = stream[0], stream[1]
        assert cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0 and not flg & 0x20, (num, stream[:2])
        z = zlib.decompressobj()
        raw = z.decompress(stream) + z.flush()
        assert z.eof and not z.unused_data, 'object %d: the zlib stream does not end at its end' % num
        assert struct.unpack('>I', stream[-4:])[0] == zlib.adler32(raw), num
        if b'/Width 800' in head:
            assert len(raw) == 800 * 800 * 3 and len(stream) > 1 << 20, len(stream)
            big += 1
    assert big == 1
    if shutil.which('taskset'):
        one = os.path.join(tmpdir(), 'one.pdf')
        r = subprocess.run(['taskset', '-c', '0', GONGWEN, 'render', os.path.join(d, 'l.xml'), '-o', one],
                           capture_output=True, text=True, env=env())
        assert r.returncode == 0, r.stderr
        assert read(one) == read(out), 'one CPU gives another file'
    again = os.path.join(tmpdir(), 'again.pdf')
    assert gw('render', os.path.join(d, 'l.xml'), '-o', again).returncode == 0
    assert read(again) == read(out)


# --- output and other readers ---------------------------------------------------------------

def test_rendering_into_a_device_node_leaves_the_node_in_place():
    # Found in review: the output is written beside the target and renamed over it, whatever the target
    # is. Run as root (as in containers and CI), `gongwen render x.xml -o /dev/null` replaces
    # /dev/null with a regular file (and -o /dev/stdout the symlink), for every program on the
    # machine; as another user it cannot write to /dev/null at all. A target that exists and is
    # not a regular file should be written in place (a write error, as on /dev/full, reported).
    d = tmpdir()
    null, full = os.path.join(d, 'null'), os.path.join(d, 'full')
    try:
        os.mknod(null, 0o666 | 0o020000, os.makedev(1, 3))
        os.mknod(full, 0o666 | 0o020000, os.makedev(1, 7))
    except (PermissionError, OSError) as e:
        raise Skip('cannot make device nodes here: %s' % e)
    src = os.path.join(ROOT, 'sources', 'han-letter.xml')
    r = gw('render', src, '-o', null)
    import stat
    assert stat.S_ISCHR(os.lstat(null).st_mode), 'the device node became a regular file (exit %d)' % r.returncode
    assert r.returncode == 0, r.stderr
    r = gw('render', src, '-o', full)
    assert stat.S_ISCHR(os.lstat(full).st_mode), 'the device node became a regular file (exit %d)' % r.returncode
    assert r.returncode == 3 and 'No space left' in r.stderr, (r.returncode, r.stderr)


def test_a_second_reader_takes_every_sample():
    # Ghostscript and qpdf, where installed, are stricter readers than poppler.
    tools = [t for t in ('gs', 'qpdf') if shutil.which(t)]
    if not tools:
        raise Skip('neither Ghostscript nor qpdf is installed')
    errors = []
    for src in SAMPLES:
        out = os.path.join(tmpdir(), os.path.basename(src) + '.pdf')
        assert gw('render', src, '-o', out).returncode == 0
        if 'gs' in tools:
            r = subprocess.run(['gs', '-q', '-dNOPAUSE', '-dBATCH', '-dPDFSTOPONERROR', '-dPDFSTOPONWARNING',
                                '-sDEVICE=nullpage', '-o', '/dev/null', out], capture_output=True, text=True)
            if r.returncode or r.stdout.strip() or r.stderr.strip():
                errors.append('gs %s: %s' % (os.path.basename(src), (r.stdout + r.stderr)[:300]))
        if 'qpdf' in tools:
            r = subprocess.run(['qpdf', '--check', out], capture_output=True, text=True)
            if r.returncode or 'No syntax or stream encoding errors' not in r.stdout:
                errors.append('qpdf %s: %s' % (os.path.basename(src), (r.stdout + r.stderr)[-300:]))
    assert not errors, '\n'.join(errors)


def test_a_cff2_face_is_refused_for_the_ofd_too():
    # OFD readers draw no text from CFF2 outlines either: the same refusal, nothing written.
    src, d = cff2_layout()
    out = os.path.join(tmpdir(), 'l.ofd')
    r = gw('render', src, '-f', 'ofd', '-o', out, '--font-dir', d)
    assert r.returncode != 0 and 'CFF2' in r.stderr and not os.path.exists(out), r.stderr

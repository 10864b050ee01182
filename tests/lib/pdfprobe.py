"""Read geometry back from a PDF with poppler-utils; python3 standard library only.

All lengths are millimetres, origin at the top-left corner of the page, y
downward; pages count from 1; font sizes are in pt (1 pt = 25.4/72 mm).

Text: words()/lines()/blocks() come from `pdftotext -bbox-layout` and
text_runs() from `pdftohtml -xml -noroundcoord` (which adds the face, size
and colour). Both give unrounded coordinates. Raster: raster() renders a page
with pdftoppm, and ink_bbox()/hrules() search its pixels.

What a text box means (poppler 22.12, PDFs written by cairo 1.16)
-----------------------------------------------------------------
Poppler does not use the em box for a text box. It uses the ascent and
descent that the PDF declares for the font in its FontDescriptor (/Ascent,
/Descent, in 1/1000 em; cairo copies the font's hhea values there):
    pdftotext word:  y0 = baseline - A*size,          y1 = baseline - D*size
    pdftohtml text:  y0 = baseline - min(A,1.05)*size, y1 = baseline - max(D,-0.4)*size
(D is negative; poppler falls back to A=0.95, D=-0.35 when the values are
missing or absurd.) x0 is the pen position of the first glyph, and x1 is the
pen position of the last glyph plus its advance. Letter spacing after the last
glyph is not included. A word whose font changes part-way keeps the first
font's box; pdftohtml splits a run there. Measured faces:
    face (PostScript name)              A      D       word box at 16 pt
    Noto Serif CJK SC (-Regular/-Black) 1.151 -0.286   baseline-18.42 .. +4.58 pt
    Noto Sans CJK SC Medium             1.160 -0.288   baseline-18.56 .. +4.61 pt
    FandolFang (FandolFang-Regular)     0.880 -0.120   the em box exactly
    AR PL KaitiM GB (GBZenKai-Medium)   0.878 -0.120   top 0.032 pt below the em top
The CJK ideographic em box spans baseline-0.88*size .. baseline+0.12*size.
baseline() and em_box() undo the declared metrics: font_metrics() reads them
from the PDF's own FontDescriptor objects (in the file body, or in
Flate-compressed object streams as cairo >= 1.17.6 writes them). Glyph ink is
not the em box either (16 pt, 1200 dpi): 国 in FandolFang inks 0.79 mm below the
em top and 0.14 mm *below* the em bottom; in Noto Serif CJK Black 0.16 mm inside
both; 一 in FandolFang spans only 2.7..3.4 mm below the em top.

Raster: pixel column i covers x = i*25.4/dpi .. (i+1)*25.4/dpi mm. An A4 page
at 300 dpi is 2481 x 3508 px. The masks use C-speed bytes operations
(translate, then a big-int AND): for an A4 page at 300 dpi, pdftoppm plus the
parse take about 0.08 s and each colour mask about 0.05 s.
"""
import functools
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zlib

# --- constants and conversions -------------------------------------------------

PT = 25.4 / 72                      # mm per pt
A4 = (210.0, 297.0)                 # page width, height
AREA = dict(left=28.0, top=37.0, width=156.0, height=225.0, right=184.0, bottom=262.0)
LINE = 225 / 22                     # line pitch, 22 lines in the type area (10.227 mm)
CH = 156 / 28                       # character pitch, 28 characters a line (5.571 mm)
EM_TOP, EM_BOTTOM = 0.88, 0.12      # ideographic em box above/below the baseline, in em


def pt2mm(pt):
    return pt * PT


def mm2pt(mm):
    return mm / PT


def px2mm(px, dpi=300):
    return px * 25.4 / dpi


def mm2px(mm, dpi=300):
    return mm * dpi / 25.4


def approx(actual, expected, tol, what='value'):
    """Assert |actual - expected| <= tol (mm); return actual. The message gives all three."""
    diff = actual - expected
    if not abs(diff) <= tol:
        raise AssertionError('%s: got %.3f mm, expected %.3f mm +- %g (off by %+.3f mm)'
                             % (what, actual, expected, tol, diff))
    return actual


# --- result types ---------------------------------------------------------------

class Box:
    """A rectangle on a page: page, x0, y0, x1, y1 (mm)."""
    __slots__ = ('page', 'x0', 'y0', 'x1', 'y1')
    _fields = __slots__

    def __init__(self, page, x0, y0, x1, y1):
        self.page, self.x0, self.y0, self.x1, self.y1 = page, x0, y0, x1, y1

    width = property(lambda s: s.x1 - s.x0)
    height = property(lambda s: s.y1 - s.y0)
    cx = property(lambda s: (s.x0 + s.x1) / 2)
    cy = property(lambda s: (s.y0 + s.y1) / 2)

    def __repr__(self):
        parts = []
        for f in self._fields:
            v = getattr(self, f)
            parts.append('%s=%s' % (f, '%.3f' % v if isinstance(v, float) else repr(v)))
        return '%s(%s)' % (type(self).__name__, ', '.join(parts))


class Word(Box):
    """A pdftotext word: page, text, x0, y0, x1, y1 (box from the declared ascent/descent)."""
    __slots__ = ('text',)
    _fields = ('page', 'text', 'x0', 'y0', 'x1', 'y1')

    def __init__(self, page, text, x0, y0, x1, y1):
        Box.__init__(self, page, x0, y0, x1, y1)
        self.text = text


class Line(Word):
    """A pdftotext line: its words are joined by spaces. .words lists them."""
    __slots__ = ('words',)

    def __init__(self, page, text, x0, y0, x1, y1, words=()):
        Word.__init__(self, page, text, x0, y0, x1, y1)
        self.words = list(words)


class Block(Word):
    """A pdftotext block: its lines are joined by newlines. .lines lists them."""
    __slots__ = ('lines',)

    def __init__(self, page, text, x0, y0, x1, y1, lines=()):
        Word.__init__(self, page, text, x0, y0, x1, y1)
        self.lines = list(lines)


class Run(Word):
    """A pdftohtml text element: one line's text in one face, size and colour.

    font: PostScript name without the subset tag, e.g. 'FandolFang-Regular'.
    size: pt, exact (from the box height and the declared metrics).
    colour: '#rrggbb'. rgb: (r, g, b) as 0..255 ints.
    baseline: mm. y0, y1 follow the pdftotext convention (declared A, D) so
    that runs and words compare directly.
    """
    __slots__ = ('font', 'size', 'colour', 'baseline')
    _fields = ('page', 'text', 'font', 'size', 'colour', 'x0', 'y0', 'x1', 'y1', 'baseline')

    def __init__(self, page, text, x0, y0, x1, y1, font, size, colour, baseline):
        Word.__init__(self, page, text, x0, y0, x1, y1)
        self.font, self.size, self.colour, self.baseline = font, size, colour, baseline

    rgb = property(lambda s: tuple(int(s.colour[i:i + 2], 16) for i in (1, 3, 5)))


class Rule(Box):
    """A horizontal rule found in a raster; thickness and length in mm."""
    __slots__ = ()
    thickness = property(lambda s: s.y1 - s.y0)
    length = property(lambda s: s.x1 - s.x0)


class FontMetrics:
    """A FontDescriptor: name (no subset tag), family, ascent, descent (em, descent < 0), bbox."""
    __slots__ = ('name', 'family', 'ascent', 'descent', 'bbox')

    def __init__(self, name, family, ascent, descent, bbox):
        self.name, self.family, self.ascent, self.descent, self.bbox = name, family, ascent, descent, bbox

    def __repr__(self):
        return 'FontMetrics(%r, family=%r, ascent=%g, descent=%g)' % (
            self.name, self.family, self.ascent, self.descent)


# --- running poppler --------------------------------------------------------------

def _run(*cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(cmd), p.returncode,
                                                    p.stderr.decode('utf-8', 'replace').strip()))
    return p.stdout


def _key(path):
    """Cache key: the same file name with a new mtime or size is a new file."""
    st = os.stat(path)
    return (os.path.abspath(path), st.st_mtime_ns, st.st_size)


def _strip_subset(name):
    return re.sub(r'^[A-Z]{6}\+', '', name)


# --- document info and fonts ---------------------------------------------------------

def pdf_info(path):
    """`pdfinfo -isodates`: a dict of its fields (strings, as printed). Pages is an int.
    page_size is (width, height) in mm of the first page."""
    return dict(_pdf_info(_key(path)))


@functools.lru_cache(maxsize=64)
def _pdf_info(key):
    info = {}
    for line in _run('pdfinfo', '-isodates', key[0]).decode('utf-8', 'replace').splitlines():
        k, sep, v = line.partition(':')
        if sep:
            info[k.strip()] = v.strip()
    info['Pages'] = int(info.get('Pages', 0))
    m = re.match(r'([\d.]+) x ([\d.]+) pts', info.get('Page size', ''))
    if m:
        info['page_size'] = (pt2mm(float(m.group(1))), pt2mm(float(m.group(2))))
    return tuple(info.items())


def pdf_fonts(path):
    """`pdffonts`: a list of dicts: name (with the subset tag), family (name without it),
    type, encoding, emb, sub, uni (bools), object."""
    out = _run('pdffonts', path).decode('utf-8', 'replace').splitlines()
    cols = [m.span() for m in re.finditer(r'-+', out[1])]
    keys = ('name', 'type', 'encoding', 'emb', 'sub', 'uni', 'object')
    fonts = []
    for line in out[2:]:
        f = {k: line[a:b if k != 'object' else None].strip() for k, (a, b) in zip(keys, cols)}
        for k in ('emb', 'sub', 'uni'):
            f[k] = f[k] == 'yes'
        f['family'] = _strip_subset(f['name'])
        fonts.append(f)
    return fonts


def font_metrics(path):
    """{font name without subset tag: FontMetrics} from the PDF's FontDescriptor objects.

    Parses the raw bytes with regular expressions (and the decompressed body of any
    /ObjStm), so it works for what cairo writes; it assumes flat descriptor dicts.
    ascent/descent are in em, with poppler's fallbacks (0.95, -0.35) for absent or
    absurd values, i.e. what pdftotext used for the boxes."""
    return _font_metrics(_key(path))


@functools.lru_cache(maxsize=64)
def _font_metrics(key):
    with open(key[0], 'rb') as f:
        data = f.read()
    texts = [data]
    for m in re.finditer(rb'/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n', data):
        try:
            texts.append(zlib.decompressobj().decompress(data[m.end():]))
        except zlib.error:
            pass
    found = {}
    for text in texts:
        for m in re.finditer(rb'/Type\s*/FontDescriptor\b', text):
            start, end = text.rfind(b'<<', 0, m.start()), text.find(b'>>', m.end())
            d = text[start:end]

            def get(pattern, default=None):
                g = re.search(pattern, d)
                return g.group(1).decode('latin-1') if g else default
            name = get(rb'/FontName\s*/([^\s/\[\]<>()]+)')
            if not name:
                continue
            a = abs(float(get(rb'/Ascent\s+(-?[\d.]+)', '0'))) / 1000
            dsc = -abs(float(get(rb'/Descent\s+(-?[\d.]+)', '0'))) / 1000
            bbox = tuple(float(v) for v in get(rb'/FontBBox\s*\[([^\]]*)\]', '').split())
            found[_strip_subset(name)] = FontMetrics(
                _strip_subset(name), get(rb'/FontFamily\s*\(([^)]*)\)'),
                a if 0 < a < 3 else 0.95, dsc if -3 < dsc < 0 else -0.35, bbox)
    return found


def metrics_for(path, font):
    """The FontMetrics in the PDF whose name or family contains `font` (case-insensitive).
    Raises LookupError if none or several different ones match."""
    font = _strip_subset(font).lower()
    hits = {m.name: m for m in font_metrics(path).values()
            if font in m.name.lower() or font in (m.family or '').lower()}
    if len(hits) != 1:
        raise LookupError('font %r in %s: %s' % (font, path, sorted(hits) or 'no match; have %s'
                                                  % sorted(font_metrics(path))))
    return hits.popitem()[1]


# --- text ---------------------------------------------------------------------------

def words(path, page=None):
    """Words from `pdftotext -bbox-layout` (optionally of one page) as Word objects."""
    return [w for b in blocks(path, page) for l in b.lines for w in l.words]


def lines(path, page=None):
    """pdftotext's <line>s as Line objects (text, bbox and .words)."""
    return [l for b in blocks(path, page) for l in b.lines]


def blocks(path, page=None):
    """pdftotext's <block>s as Block objects (text, bbox and .lines)."""
    bs = _blocks(_key(path))
    return [b for b in bs if page is None or b.page == page]


def _bbox(el):
    return [pt2mm(float(el.get(k))) for k in ('xMin', 'yMin', 'xMax', 'yMax')]


@functools.lru_cache(maxsize=64)
def _blocks(key):
    root = ET.fromstring(_run('pdftotext', '-bbox-layout', '-enc', 'UTF-8', key[0], '-'))
    ns = root.tag[:root.tag.index('}') + 1] if root.tag.startswith('{') else ''
    out = []
    for pno, page in enumerate(root.iter(ns + 'page'), 1):
        for block in page.iter(ns + 'block'):
            ls = []
            for line in block.iter(ns + 'line'):
                ws = [Word(pno, w.text or '', *_bbox(w)) for w in line.iter(ns + 'word')]
                ls.append(Line(pno, ' '.join(w.text for w in ws), *_bbox(line), words=ws))
            out.append(Block(pno, '\n'.join(l.text for l in ls), *_bbox(block), lines=ls))
    return tuple(out)


def find(items, text):
    """Items (words, lines, runs...) whose text contains `text`; AssertionError if none."""
    hits = [i for i in items if text in i.text]
    if not hits:
        raise AssertionError('no text containing %r (have %r)' % (text, [i.text for i in items][:20]))
    return hits


def text_runs(path, page=None):
    """Text from `pdftohtml -xml -noroundcoord -fontfullname` as Run objects: face, exact
    size, colour, baseline and bbox (mm). pdftohtml splits where the face, size or
    colour changes, and its own fontspec size is rounded to whole pt, so the size here
    comes from the box height and the font's declared metrics (see the module doc)."""
    return [r for r in _text_runs(_key(path)) if page is None or r.page == page]


@functools.lru_cache(maxsize=64)
def _text_runs(key):
    raw = _run('pdftohtml', '-xml', '-i', '-q', '-noroundcoord', '-fontfullname',
               '-zoom', '1', '-stdout', key[0])
    raw = re.sub(rb'[\x00-\x08\x0b\x0c\x0e-\x1f]', b'', raw)  # pdftohtml may leak control chars
    root = ET.fromstring(raw)
    metrics = _font_metrics(key)
    specs, runs = {}, []
    for page in root.iter('page'):
        pno = int(page.get('number'))
        for el in page:
            if el.tag == 'fontspec':
                specs[el.get('id')] = el
                continue
            if el.tag != 'text':
                continue
            spec = specs[el.get('font')]
            font = _strip_subset(spec.get('family'))
            top, left = float(el.get('top')), float(el.get('left'))
            width, height = float(el.get('width')), float(el.get('height'))
            m = metrics.get(font)
            a, d = (m.ascent, m.descent) if m else (0.95, -0.35)
            ha, hd = min(a, 1.05), max(d, -0.4)          # pdftohtml's clamps
            size = height / (ha - hd) if height > 0 else float(spec.get('size'))
            base = top + height + hd * size                # pt
            runs.append(Run(pno, ''.join(el.itertext()), pt2mm(left), pt2mm(base - a * size),
                            pt2mm(left + width), pt2mm(base - d * size), font, size,
                            spec.get('color', '#000000').lower(), pt2mm(base)))
    return tuple(runs)


def baseline(item, metrics=None, size_pt=None):
    """Baseline (mm) of a Run, or of a Word/Line/Block set in one face given its
    FontMetrics (see metrics_for). The size is derived from the box height unless given."""
    if isinstance(item, Run):
        return item.baseline
    if metrics is None:
        raise TypeError('baseline(%s) needs the FontMetrics of its face' % type(item).__name__)
    return item.y1 + metrics.descent * _size(item, metrics, size_pt) * PT


def _size(item, metrics, size_pt):
    if isinstance(item, Run):
        return item.size
    return size_pt or mm2pt(item.y1 - item.y0) / (metrics.ascent - metrics.descent)


def em_box(item, metrics=None, size_pt=None, top=EM_TOP, bottom=EM_BOTTOM):
    """The ideographic em box (Box, mm) of a Run, or of a Word/Line/Block with the face's
    FontMetrics: x from the box, y = baseline - top*size .. baseline + bottom*size."""
    b = baseline(item, metrics, size_pt)
    s = _size(item, metrics, size_pt) * PT
    return Box(item.page, item.x0, b - top * s, item.x1, b + bottom * s)


# --- raster ----------------------------------------------------------------------------

# colour name -> inclusive (lo, hi) byte range for R, G, B. 'any' = not near-white.
COLOURS = {
    'red': ((151, 255), (0, 99), (0, 99)),
    'dark': ((0, 127), (0, 127), (0, 127)),
    'white': ((230, 255), (230, 255), (230, 255)),
}


class Image:
    """An RGB raster of one page: width, height (px), dpi, page, data (bytes, RGB rows).
    pixel(x, y) -> (r, g, b); row(y) -> bytes; mask(colour) -> bytes of 0/1 per pixel."""

    def __init__(self, width, height, dpi, data, page=1):
        self.width, self.height, self.dpi, self.data, self.page = width, height, dpi, data, page
        self._masks = {}

    def pixel(self, x, y):
        i = 3 * (y * self.width + x)
        return tuple(self.data[i:i + 3])

    def row(self, y):
        return self.data[3 * y * self.width:3 * (y + 1) * self.width]

    def mm(self, px):
        return px2mm(px, self.dpi)

    def px(self, mm):
        return mm2px(mm, self.dpi)

    def mask(self, colour='any'):
        """One byte per pixel, 1 where the pixel matches `colour`: a COLOURS name, 'any'
        (not near-white: some channel < 230), or a tuple of three inclusive (lo, hi) ranges for R, G, B."""
        if colour not in self._masks:
            n = self.width * self.height
            if colour == 'any':
                m = _channel_and(self.data, COLOURS['white']) ^ int.from_bytes(b'\1' * n, 'big')
            else:
                m = _channel_and(self.data, COLOURS.get(colour, colour))
            self._masks[colour] = m.to_bytes(n, 'big')
        return self._masks[colour]

    def _window(self, region_mm):
        """Pixel window (x0, y0, x1, y1), end-exclusive, of a region in mm (None = page)."""
        if region_mm is None:
            return 0, 0, self.width, self.height
        x0, y0, x1, y1 = region_mm
        clamp = lambda v, hi: max(0, min(hi, int(round(self.px(v)))))
        return clamp(x0, self.width), clamp(y0, self.height), clamp(x1, self.width), clamp(y1, self.height)


def _channel_and(data, ranges):
    """Big int with byte 1 where all three channels fall in their ranges."""
    acc = None
    for c, (lo, hi) in enumerate(ranges):
        table = bytes(1 if lo <= v <= hi else 0 for v in range(256))
        v = int.from_bytes(data[c::3].translate(table), 'big')
        acc = v if acc is None else acc & v
    return acc


def raster(path, page=1, dpi=300):
    """Render one page with `pdftoppm -r dpi` and parse the binary PPM (P6) into an Image."""
    raw = _run('pdftoppm', '-r', str(dpi), '-f', str(page), '-l', str(page), path)
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+(\d+)\s', raw)
    if not m or m.group(3) != b'255':
        raise ValueError('pdftoppm did not return an 8-bit P6 image for %s page %d' % (path, page))
    w, h = int(m.group(1)), int(m.group(2))
    data = raw[m.end():m.end() + 3 * w * h]
    if len(data) != 3 * w * h:
        raise ValueError('truncated PPM from pdftoppm')
    return Image(w, h, dpi, data, page)


def ink_bbox(img, region_mm=None, colour='any'):
    """Bounding Box (mm) of the pixels of `colour` (see Image.mask) inside region_mm =
    (x0, y0, x1, y1) mm, or None when there are none. Edges are pixel edges: a pixel
    column i spans i..i+1 px, so the result is within 1 px of the ink's true edge."""
    mask, w = img.mask(colour), img.width
    wx0, wy0, wx1, wy1 = img._window(region_mm)
    xs, ys = [], []
    for y in range(wy0, wy1):
        seg = mask[y * w + wx0:y * w + wx1]
        i = seg.find(1)
        if i >= 0:
            xs += [i, seg.rfind(1)]
            ys.append(y)
    if not ys:
        return None
    return Box(img.page, img.mm(wx0 + min(xs)), img.mm(ys[0]),
               img.mm(wx0 + max(xs) + 1), img.mm(ys[-1] + 1))


def hrules(img, colour='any', min_length_mm=20, region_mm=None):
    """Horizontal rules: runs of >= min_length_mm continuous `colour` pixels, stacked
    over consecutive rows (overlapping in x) into Rule boxes, sorted top to bottom.
    Text rarely has such runs: glyphs are separated by side bearings."""
    mask, w = img.mask(colour), img.width
    wx0, wy0, wx1, wy1 = img._window(region_mm)
    pattern = re.compile(b'\x01{%d,}' % max(1, int(img.px(min_length_mm))))
    done, open_ = [], []   # open_: [x0, y0, x1, y1] in px, end-exclusive
    for y in range(wy0, wy1):
        seg = mask[y * w + wx0:y * w + wx1]
        still = []
        for m in pattern.finditer(seg):
            a, b = wx0 + m.start(), wx0 + m.end()
            for r in open_:
                if r[3] == y and a < r[2] and b > r[0]:
                    r[0], r[2], r[3] = min(r[0], a), max(r[2], b), y + 1
                    break
            else:
                open_.append([a, y, b, y + 1])
        for r in open_:
            (still if r[3] == y + 1 else done).append(r)
        open_ = still
    return [Rule(img.page, img.mm(r[0]), img.mm(r[1]), img.mm(r[2]), img.mm(r[3]))
            for r in sorted(done + open_, key=lambda r: (r[1], r[0]))]

"""OFD output (issue 8, GB/T 33190-2016): `gongwen render -f ofd`, read back three ways.

    python3 tests/run.py tests/test_ofd.py

1. Structure, with Python's zipfile and ElementTree: every XML part parses, every location and
   resource it names is in the package, IDs are unique and below MaxUnitID, every page is A4
   (210 x 297 mm), the fonts are font files whose glyph ids cover the CGTransforms, the
   metadata are the PDF's.
2. Geometry against the PDF of the same source: every character of the OFD (its TextCode
   position through the object's Boundary and CTM) is where poppler finds it in the PDF
   (`pdftohtml -xml` runs: first pen position, the last glyph's end from the embedded font's
   advance, baseline, face, size, colour; and `pdftotext -bbox-layout` words), to 0.1 mm; the
   red rule is red and where the PDF's raster has it.
3. A reader nobody here wrote: ofd.js in headless Chromium (tools/ofd/render.js, installed by
   `make check`) rasterises the OFD; pdftoppm rasterises the PDF at the same resolution; the
   ink of each must lie within 1 px (0.17 mm at 150 dpi) of the other's, and the red ink too.
   Skipped only where Chromium or Node.js is not installed and cannot be (not root).

Units: mm from the page's top-left corner, as both formats have them.
"""
import os
import posixpath
import re
import shutil
import struct
import subprocess
import zipfile
import xml.etree.ElementTree as ET

from tests.lib import GONGWEN, ROOT, Skip, module_tmpdir, tmpdir
from tests.lib import pdfprobe as pp

NS = '{http://www.ofdspec.org/2016}'
ASAN = os.path.join(ROOT, 'build', 'gongwen-asan')
SUPP = os.path.join(ROOT, 'tests', 'sanitizers.supp')
SEED = 'seed-wangluo-yishixingtai'
# The seed; a notice with a seal; a joint notice with two seals; a letter; tables on turned pages.
SAMPLES = (SEED, 'tongzhi-fujian', 'lianhe-tongzhi-yinzhang', 'han-letter', 'yijian-biaoge')
POS_TOL = 0.1    # mm: the bound for the same text at the same place
SIZE_TOL = 0.05  # pt
RED = (230, 0, 18)
READER_DPI = 150
READER_REACH = 1          # px (0.17 mm): ink of one raster must have ink of the other this near
READER_UNMATCHED = 0.05   # at most this share of a page's ink may have none (measured: 3.2%, seal edges)


def src(name):
    return os.path.join(ROOT, 'sources', name + '.xml')


def run(argv, env=None, timeout=300):
    p = subprocess.run(argv, capture_output=True, env=env, cwd=ROOT, timeout=timeout)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def render(name, fmt, out, env=None, source=None):
    rc, o, err = run([GONGWEN, 'render', source or src(name), '-f', fmt, '-o', out], env=env)
    assert rc == 0 and os.path.exists(out), 'gongwen render %s -f %s: exit %d\n%s' % (
        name, fmt, rc, err[-2000:])
    return out


_cache = {}


def rendered(name):
    """(ofd, pdf) of a sample, rendered once per run."""
    if name not in _cache:
        d = module_tmpdir('ofd')
        _cache[name] = (render(name, 'ofd', os.path.join(d, name + '.ofd')),
                        render(name, 'pdf', os.path.join(d, name + '.pdf')))
    return _cache[name]


# --- reading an OFD -------------------------------------------------------------------------

def floats(s):
    """An ST_Array, with the "g N value" runs of DeltaX written out."""
    out, toks, i = [], (s or '').split(), 0
    while i < len(toks):
        if toks[i] == 'g':
            out += [float(toks[i + 2])] * int(toks[i + 1])
            i += 3
        else:
            out.append(float(toks[i]))
            i += 1
    return out


def resolve(base, loc):
    """A location (ST_Loc) relative to the folder of the part that names it."""
    return posixpath.normpath(loc.lstrip('/') if loc.startswith('/') else posixpath.join(base, loc))


class Font:
    """An embedded font file: units per em, glyph count and advances (hmtx)."""

    def __init__(self, data):
        self.data = data
        assert data[:4] in (b'OTTO', b'\0\1\0\0', b'true'), 'not a font file: %r' % data[:4]
        n = struct.unpack('>H', data[4:6])[0]
        self.tables = {}
        for i in range(n):
            tag, _, off, ln = struct.unpack('>4sIII', data[12 + 16 * i:28 + 16 * i])
            self.tables[tag.decode('latin-1')] = data[off:off + ln]
        for t in ('head', 'hhea', 'hmtx', 'maxp', 'cmap'):
            assert t in self.tables, 'font file without %s' % t
        self.upem = struct.unpack('>H', self.tables['head'][18:20])[0]
        self.glyphs = struct.unpack('>H', self.tables['maxp'][4:6])[0]
        nh = struct.unpack('>H', self.tables['hhea'][34:36])[0]
        hmtx = self.tables['hmtx']
        self.adv = [struct.unpack('>H', hmtx[4 * i:4 * i + 2])[0] for i in range(nh)]

    def advance(self, glyph):
        return self.adv[min(glyph, len(self.adv) - 1)] / self.upem


class Char:
    __slots__ = ('page', 'ch', 'x', 'y', 'font', 'size', 'rgb', 'hscale', 'glyph', 'turned')

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def __repr__(self):
        return 'p%d %r x=%.3f y=%.3f' % (self.page, self.ch, self.x, self.y)


class Ofd:
    """A package read with zipfile and ElementTree: its parts, pages, fonts, images, text."""

    def __init__(self, path):
        self.path = path
        with zipfile.ZipFile(path) as z:
            self.infos = z.infolist()
            self.files = {i.filename: z.read(i.filename) for i in self.infos}
        self.xml = {n: ET.fromstring(b) for n, b in self.files.items() if n.endswith('.xml')}
        root = self.xml['OFD.xml']
        assert root.tag == NS + 'OFD', root.tag
        self.info = root.find(NS + 'DocBody/' + NS + 'DocInfo')
        self.docroot = root.find(NS + 'DocBody/' + NS + 'DocRoot').text
        self.docdir = posixpath.dirname(self.docroot)
        self.document = self.xml[self.docroot]
        common = self.document.find(NS + 'CommonData')
        self.max_id = int(common.find(NS + 'MaxUnitID').text)
        self.page_area = common.find(NS + 'PageArea/' + NS + 'PhysicalBox').text
        self.pages = [(int(p.get('ID')), resolve(self.docdir, p.get('BaseLoc')))
                      for p in self.document.iter(NS + 'Page')]
        self.fonts, self.images, self.font_names = {}, {}, {}
        for tag in ('PublicRes', 'DocumentRes'):
            for el in common.findall(NS + tag):
                res_path = resolve(self.docdir, el.text)
                res = self.xml[res_path]
                base = resolve(posixpath.dirname(res_path), res.get('BaseLoc', ''))
                for f in res.iter(NS + 'Font'):
                    loc = resolve(base, f.find(NS + 'FontFile').text)
                    self.fonts[int(f.get('ID'))] = Font(self.files[loc])
                    self.font_names[int(f.get('ID'))] = f.get('FontName')
                for m in res.iter(NS + 'MultiMedia'):
                    self.images[int(m.get('ID'))] = resolve(base, m.find(NS + 'MediaFile').text)

    def page_xml(self, i):
        return self.xml[self.pages[i][1]]

    def chars(self, page=None):
        """Every character with its place on the sheet (mm), page by page from 1."""
        out = []
        for i in range(len(self.pages)):
            if page is not None and i + 1 != page:
                continue
            for t in self.page_xml(i).iter(NS + 'TextObject'):
                out += self._text_object(i + 1, t)
        return out

    def _text_object(self, page, t):
        bx, by, _, _ = (float(v) for v in t.get('Boundary').split())
        a, b, c, d, e, f = (float(v) for v in (t.get('CTM') or '1 0 0 1 0 0').split())
        font, size = int(t.get('Font')), float(t.get('Size'))
        fill = t.find(NS + 'FillColor')
        rgb = tuple(int(v) for v in fill.get('Value').split()) if fill is not None else (0, 0, 0)
        hscale = float(t.get('HScale', '1'))
        out, glyphs, x, y = [], None, 0.0, 0.0
        for el in t:
            if el.tag == NS + 'CGTransform':
                g = el.find(NS + 'Glyphs')
                glyphs = [int(v) for v in (g.text.split() if g is not None else [])]
                if int(el.get('CodeCount', '1')) != len(glyphs):
                    glyphs = None  # not one to one: no glyph per character
            elif el.tag == NS + 'TextCode':
                text = el.text or ''
                x, y = float(el.get('X', x)), float(el.get('Y', y))
                dx, dy = floats(el.get('DeltaX')), floats(el.get('DeltaY'))
                for k, ch in enumerate(text):
                    if k:
                        x += dx[k - 1] if k - 1 < len(dx) else 0
                        y += dy[k - 1] if k - 1 < len(dy) else 0
                    out.append(Char(page=page, ch=ch, x=a * x + c * y + e + bx,
                                    y=b * x + d * y + f + by, font=font, size=size, rgb=rgb,
                                    hscale=hscale, turned=bool(t.get('CTM')),
                                    glyph=glyphs[k] if glyphs and k < len(glyphs) else None))
                glyphs = None
        return out


_ofds = {}


def ofd_of(name):
    if name not in _ofds:
        _ofds[name] = Ofd(rendered(name)[0])
    return _ofds[name]


def fail_if(errors, what):
    errors = [e for e in errors if e]
    assert not errors, '%s: %d problem(s):\n  %s' % (what, len(errors), '\n  '.join(errors[:25]))


# --- 1. structure ---------------------------------------------------------------------------

def check_structure(name):
    o = ofd_of(name)
    errors = []
    names = [i.filename for i in o.infos]
    if names[0] != 'OFD.xml':
        errors.append('the first entry is %s, not OFD.xml' % names[0])
    if len(set(names)) != len(names):
        errors.append('duplicate entries')
    if o.page_area != '0 0 210 297':
        errors.append('PageArea %r is not A4' % o.page_area)
    ids = {}
    for part, root in o.xml.items():
        for el in root.iter():
            if el.get('ID') is not None:
                i = int(el.get('ID'))
                if i in ids:
                    errors.append('ID %d in %s and %s' % (i, ids[i], part))
                ids[i] = part
                if not 0 < i <= o.max_id:
                    errors.append('ID %d outside 1..MaxUnitID %d' % (i, o.max_id))
    page_ids = {pid for pid, _ in o.pages}
    for n, (pid, path) in enumerate(o.pages):
        if path not in o.xml:
            errors.append('page %s is not in the package' % path)
            continue
        root = o.xml[path]
        box = root.find(NS + 'Area/' + NS + 'PhysicalBox')
        if box is not None and box.text != '0 0 210 297':
            errors.append('page %d box %r is not A4' % (n + 1, box.text))
        for t in root.iter(NS + 'TextObject'):
            font = int(t.get('Font'))
            if font not in o.fonts:
                errors.append('page %d: TextObject %s names font %d, not a resource'
                              % (n + 1, t.get('ID'), font))
                continue
            for g in t.iter(NS + 'Glyphs'):
                bad = [v for v in g.text.split() if int(v) >= o.fonts[font].glyphs]
                if bad:
                    errors.append('page %d: glyphs %s beyond font %d' % (n + 1, bad, font))
        for im in root.iter(NS + 'ImageObject'):
            res = int(im.get('ResourceID'))
            if res not in o.images:
                errors.append('page %d: image resource %d missing' % (n + 1, res))
        for obj in list(root.iter(NS + 'TextObject')) + list(root.iter(NS + 'PathObject')):
            if len(obj.get('Boundary', '').split()) != 4:
                errors.append('page %d: object %s without a Boundary' % (n + 1, obj.get('ID')))
    for res, loc in o.images.items():
        if loc not in o.files:
            errors.append('image %d: %s is not in the package' % (res, loc))
        elif not o.files[loc].startswith(b'\x89PNG\r\n\x1a\n'):
            errors.append('image %d: %s is not a PNG' % (res, loc))
    for dest in o.document.iter(NS + 'Dest'):
        if int(dest.get('PageID')) not in page_ids:
            errors.append('outline destination on page ID %s, not a page' % dest.get('PageID'))
    fail_if(errors, name)
    return o


def test_structure_of_every_sample():
    for name in SAMPLES:
        check_structure(name)


def test_pages_match_the_pdf():
    """As many pages as the PDF; the seed's first page has a text object, a red rule; the
    samples with seals have their images; the turned table pages are turned."""
    for name in SAMPLES:
        o, pdf = ofd_of(name), rendered(name)[1]
        assert len(o.pages) == pp.pdf_info(pdf)['Pages'], name
    assert len(ofd_of('tongzhi-fujian').images) == 1
    assert len(ofd_of('lianhe-tongzhi-yinzhang').images) >= 1
    turned = [c for c in ofd_of('yijian-biaoge').chars() if c.turned]
    assert turned, 'no turned text in the landscape sample'


def test_metadata_as_in_the_pdf():
    o = ofd_of(SEED)
    info = pp.pdf_info(rendered(SEED)[1])
    got = {k: (o.info.findtext(NS + k) or '') for k in ('Title', 'Author', 'Subject')}
    assert got == {k: info[k] for k in got}, (got, info)
    assert [k.text for k in o.info.iter(NS + 'Keyword')] == info['Keywords'].split(), info
    assert o.info.findtext(NS + 'CreationDate') == info['CreationDate'][:10]
    assert o.info.findtext(NS + 'ModDate') == info['ModDate'][:10]
    assert o.info.findtext(NS + 'Creator') == 'gongwen'
    assert re.fullmatch(r'[0-9a-f]{32}', o.info.findtext(NS + 'DocID'))
    titles = [e.get('Title') for e in o.document.iter(NS + 'OutlineElem')]
    assert len(titles) == 16 and titles[1].startswith('第一条'), titles


def test_fonts_are_the_pdf_faces():
    """One Font per face the PDF embeds, named as there, each a subset far smaller than the
    face, with a cmap (readers that draw text find the glyphs through it)."""
    o = ofd_of(SEED)
    pdf_faces = {m.name for m in pp.font_metrics(rendered(SEED)[1]).values()}
    assert set(o.font_names.values()) == pdf_faces, (o.font_names, pdf_faces)
    for fid, font in o.fonts.items():
        assert font.glyphs < 2000, '%s: %d glyphs' % (o.font_names[fid], font.glyphs)


# --- 2. geometry against the PDF ------------------------------------------------------------

def position_errors(name):
    """Messages for every PDF run and word whose characters the OFD puts elsewhere, and the
    largest difference seen (mm)."""
    o, pdf = ofd_of(name), rendered(name)[1]
    chars = [c for c in o.chars() if not c.ch.isspace() and c.ch != '\u3000']
    by_page = {}
    for c in chars:
        by_page.setdefault(c.page, []).append(c)
    errors, worst = [], 0.0
    runs = [r for r in pp.text_runs(pdf) if r.text.strip()]
    for r in runs:
        want = re.sub(r'\s', '', r.text)
        # The run's characters: as many as it has, from its start along its baseline (its
        # end, the last glyph's advance, reaches past the next character's pen position).
        line = sorted((c for c in by_page.get(r.page, []) if not c.turned
                       and abs(c.y - r.baseline) <= POS_TOL and c.x >= r.x0 - POS_TOL),
                      key=lambda c: c.x)[:len(want)]
        got = ''.join(c.ch for c in line)
        if got != want or not line:
            errors.append('p%d %r at x %.2f, baseline %.2f: the OFD has %r there'
                          % (r.page, r.text, r.x0, r.baseline, got))
            continue
        first, last = line[0], line[-1]
        worst = max(worst, abs(first.x - r.x0), max(abs(c.y - r.baseline) for c in line))
        if abs(first.x - r.x0) > POS_TOL:
            errors.append('p%d %r starts at %.3f in the OFD, %.3f in the PDF' % (
                r.page, r.text, first.x, r.x0))
        if not r.text[-1].isspace() and last.glyph is not None:
            end = last.x + o.fonts[last.font].advance(last.glyph) * last.size * last.hscale
            worst = max(worst, abs(end - r.x1))
            if abs(end - r.x1) > POS_TOL:
                errors.append('p%d %r ends at %.3f in the OFD, %.3f in the PDF' % (
                    r.page, r.text, end, r.x1))
        if o.font_names[first.font] != r.font:
            errors.append('p%d %r in %s, the PDF in %s' % (r.page, r.text, o.font_names[first.font],
                                                           r.font))
        if abs(first.size / pp.PT - r.size) > SIZE_TOL:
            errors.append('p%d %r at %.2f pt, the PDF at %.2f pt' % (
                r.page, r.text, first.size / pp.PT, r.size))
        if '#%02x%02x%02x' % first.rgb != r.colour:
            errors.append('p%d %r in %r, the PDF in %s' % (r.page, r.text, first.rgb, r.colour))
    for w in pp.words(pdf):
        if not w.text.strip():
            continue
        near = [c for c in by_page.get(w.page, []) if c.ch == w.text[0] and w.y0 <= c.y <= w.y1]
        d = min((abs(c.x - w.x0) for c in near), default=None)
        if d is None or d > POS_TOL:
            errors.append('p%d word %r at x %.3f: %s' % (
                w.page, w.text, w.x0, 'not in the OFD' if d is None else 'off by %.3f mm' % d))
        else:
            worst = max(worst, d)
    return errors, worst, len(runs)


def check_positions(name):
    errors, worst, n = position_errors(name)
    fail_if(errors, '%s (%d runs; largest difference %.4f mm)' % (name, n, worst))
    assert n > 10, n


def test_text_positions_match_the_pdf_seed():
    check_positions(SEED)


def test_text_positions_match_the_pdf_notice_with_seal():
    check_positions('tongzhi-fujian')


def test_text_positions_match_the_pdf_letter():
    check_positions('han-letter')


def test_same_characters_on_every_page_as_the_pdf():
    """Each page holds the PDF's characters (turned pages too), none lost, none added."""
    for name in SAMPLES:
        o, pdf = ofd_of(name), rendered(name)[1]
        for page in range(1, len(o.pages) + 1):
            ofd_text = sorted(c.ch for c in o.chars(page) if not c.ch.isspace() and c.ch != '\u3000')
            pdf_text = sorted(ch for w in pp.words(pdf, page) for ch in w.text
                              if not ch.isspace() and ch != '\u3000')
            assert ofd_text == pdf_text, '%s page %d: OFD %r\nPDF %r' % (
                name, page, ''.join(ofd_text)[:200], ''.join(pdf_text)[:200])


def test_red_rule_is_red_and_where_the_pdf_has_it():
    o, pdf = ofd_of(SEED), rendered(SEED)[1]
    rules = []
    for p in o.page_xml(0).iter(NS + 'PathObject'):
        fill = p.find(NS + 'FillColor')
        x, y, w, h = (float(v) for v in p.get('Boundary').split())
        if fill is not None and tuple(int(v) for v in fill.get('Value').split()) == RED and w > 150:
            rules.append((x, y, w, h))
    assert len(rules) == 1, rules
    x, y, w, h = rules[0]
    img = pp.raster(pdf, 1, 600)
    found = pp.hrules(img, 'red', min_length_mm=150)
    assert len(found) == 1, found
    r = found[0]
    errors = [pp_off(x, r.x0, 'left end'), pp_off(x + w, r.x1, 'right end'),
              pp_off(y + h / 2, (r.y0 + r.y1) / 2, 'centre line'),
              pp_off(h, r.y1 - r.y0, 'thickness')]
    fail_if(errors, 'red rule (OFD %r, PDF raster %r)' % (rules[0], r))


def pp_off(got, want, what, tol=POS_TOL):
    return '' if abs(got - want) <= tol else '%s: OFD %.3f, PDF %.3f' % (what, got, want)


# --- determinism, safety, limits, sanitizers ---------------------------------------------------

def test_byte_identical_on_rerender_whatever_the_time_zone():
    d = tmpdir()
    a = render(SEED, 'ofd', os.path.join(d, 'a.ofd'))
    env = dict(os.environ, TZ='America/New_York')
    b = render(SEED, 'ofd', os.path.join(d, 'b.ofd'), env=env)
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        assert fa.read() == fb.read(), 'two renders of the seed differ'
    with zipfile.ZipFile(a) as z:
        stamps = {i.date_time for i in z.infolist()}
    assert stamps == {(2020, 12, 31, 0, 0, 0)}, stamps


def test_a_time_the_zone_skips_is_stamped_as_it_is():
    """2024-03-10 02:30 does not exist in New York (summer time began at 2:00): libzip, given
    a time_t, wrote 03:30 there and 02:30 in UTC, so the bytes depended on the zone."""
    d = tmpdir()
    outs = []
    for tz in ('UTC', 'America/New_York'):
        env = dict(os.environ, TZ=tz, SOURCE_DATE_EPOCH='1710037800')  # 2024-03-10T02:30:00Z
        outs.append(render('ling-order', 'ofd', os.path.join(d, tz.replace('/', '_') + '.ofd'),
                           env=env))
    with zipfile.ZipFile(outs[1]) as z:
        stamps = {i.date_time for i in z.infolist()}
        assert z.testzip() is None
    assert stamps == {(2024, 3, 10, 2, 30, 0)}, stamps
    with open(outs[0], 'rb') as fa, open(outs[1], 'rb') as fb:
        assert fa.read() == fb.read(), 'the stamp depends on the time zone'


def test_source_date_epoch_sets_the_dates():
    d = tmpdir()
    env = dict(os.environ, SOURCE_DATE_EPOCH='1700000000')
    o = Ofd(render(SEED, 'ofd', os.path.join(d, 'e.ofd'), env=env))
    assert o.info.findtext(NS + 'CreationDate') == '2023-11-14'


def test_bad_source_keeps_the_existing_ofd():
    d = tmpdir()
    out = render(SEED, 'ofd', os.path.join(d, 'x.ofd'))
    with open(out, 'rb') as f:
        before = f.read()
    bad = os.path.join(ROOT, 'tests', 'data', 'bad', 'no-title.xml')
    rc, _, err = run([GONGWEN, 'render', bad, '-f', 'ofd', '-o', out])
    assert rc == 1 and ': error: ' in err, (rc, err)
    with open(out, 'rb') as f:
        assert f.read() == before
    assert os.listdir(d) == ['x.ofd'], os.listdir(d)


def test_output_on_a_folder_fails_and_leaves_nothing():
    d = tmpdir()
    os.mkdir(os.path.join(d, 'x.ofd'))
    rc, _, err = run([GONGWEN, 'render', src(SEED), '-f', 'ofd', '-o', os.path.join(d, 'x.ofd')])
    assert rc == 3 and err.startswith(os.path.join(d, 'x.ofd') + ': error: '), (rc, err)
    assert os.listdir(d) == ['x.ofd'] and not os.listdir(os.path.join(d, 'x.ofd'))


def test_limits_as_for_the_pdf():
    """A 2,000-article regulation in 60 s, and a seal larger than the page (a 4096 px PNG at
    most), like the PDF's limits (tests/test_limits.py)."""
    d = tmpdir()
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:gongwen:source:1" '
            'kind="规定"><head><organ suffix="文件">测试机关</organ></head><title>规定</title><body>')
    big = os.path.join(d, 'big.xml')
    with open(big, 'w', encoding='utf-8') as f:
        f.write(head + ''.join('<article id="a%d"><p>本条为第%d条，规定有关事项，写得足够长以便换行。</p>'
                               '</article>' % (i, i) for i in range(2000)) + '</body></document>\n')
    rc, _, err = run([GONGWEN, 'render', big, '-f', 'ofd', '-o', os.path.join(d, 'big.ofd')],
                     timeout=60)
    assert rc == 0, err[-2000:]
    assert len(Ofd(os.path.join(d, 'big.ofd')).pages) > 100
    seal = os.path.join(ROOT, 'sources', 'images', 'seal.svg')
    huge = os.path.join(d, 'huge.xml')
    with open(huge, 'w', encoding='utf-8') as f:
        f.write(head + '<p>正文。</p></body><closing><signature>测试机关</signature>'
                '<date>2024-01-02</date><seal src="%s" width="500mm"/></closing></document>\n' % seal)
    rc, _, err = run([GONGWEN, 'render', huge, '-f', 'ofd', '-o', os.path.join(d, 'huge.ofd')],
                     timeout=60)
    assert rc in (0, 1), err
    if rc == 0:
        o = Ofd(os.path.join(d, 'huge.ofd'))
        for loc in o.images.values():
            w, h = struct.unpack('>II', o.files[loc][16:24])
            assert w <= 4096 and h <= 4096, (w, h)


def _asan(*args):
    if not os.path.exists(ASAN):
        raise AssertionError('build/gongwen-asan is missing: run `make check`')
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1:abort_on_error=0:exitcode=90',
               LSAN_OPTIONS='suppressions=' + SUPP,
               UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1:exitcode=91')
    rc, _, err = run([ASAN] + list(args), env=env)
    bad = [l for l in err.splitlines() if 'Sanitizer' in l or 'runtime error' in l]
    assert not bad and rc == 0, 'exit %d, %s:\n%s' % (rc, ' '.join(args), err[-3000:])


def test_asan_render_ofd():
    d = tmpdir()
    for name in (SEED, 'lianhe-tongzhi-yinzhang', 'yijian-biaoge'):
        _asan('render', src(name), '-f', 'ofd', '-o', os.path.join(d, name + '.ofd'))


def test_valgrind_render_ofd():
    if not shutil.which('valgrind'):
        raise Skip('valgrind is not installed')
    d = tmpdir()
    rc, _, err = run(['valgrind', '--error-exitcode=99', '--leak-check=full',
                      '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite', '-q',
                      GONGWEN, 'render', src('tongzhi-fujian'), '-f', 'ofd', '-o',
                      os.path.join(d, 'x.ofd')], timeout=600)
    ours = [b for b in err.split('\n\n') if 'definitely lost' in b
            and 'libcairo' not in b and 'libfontconfig' not in b]
    errors = [l for l in err.splitlines() if 'Invalid ' in l or 'uninitialised' in l]
    assert not errors and not ours and rc in (0, 99), err[-4000:]


# --- 3. a reader nobody here wrote: ofd.js in Chromium -----------------------------------------

READER = os.path.join(ROOT, 'tools', 'ofd')


def reader():
    """The command that runs tools/ofd/render.js, or Skip when Chromium or Node.js is missing
    (`make check` installs both where it runs as root)."""
    chromium = shutil.which('chromium') or '/usr/bin/chromium'
    node = shutil.which('node')
    if not os.path.exists(chromium) or not node:
        if os.geteuid() == 0:
            raise AssertionError('Chromium or Node.js is missing though `make check` runs as root '
                                 'and installs them (tools/deps.sh --reader)')
        raise Skip('no Chromium or Node.js, and not root to install them: '
                   'run `sudo tools/deps.sh --reader` and `make check`')
    if not os.path.isdir(os.path.join(READER, 'node_modules', 'ofd.js')):
        raise AssertionError('tools/ofd/node_modules is missing: `make check` runs npm ci there')
    return [node, os.path.join(READER, 'render.js')], chromium


def ppm(path):
    with open(path, 'rb') as f:
        raw = f.read()
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', raw)
    w, h = int(m.group(1)), int(m.group(2))
    return pp.Image(w, h, READER_DPI, raw[m.end():m.end() + 3 * w * h])


def crop(img, w, h):
    data = b''.join(img.data[3 * y * img.width:3 * (y * img.width + w)] for y in range(h))
    return pp.Image(w, h, img.dpi, data, img.page)


def dilate(mask, w, reach):
    """A mask (big int, one byte per pixel) grown by reach pixels each way."""
    out = mask
    for _ in range(reach):
        grown = out | (out << 8) | (out >> 8)
        out = grown | (grown << 8 * w) | (grown >> 8 * w)
    return out


def unmatched(a, b, w, reach):
    """The share of a's ink pixels with none of b's within reach."""
    ia, ib = int.from_bytes(a, 'big'), int.from_bytes(b, 'big')
    ink = ia.bit_count()
    return (ia & ~dilate(ib, w, reach)).bit_count() / ink if ink else 0.0


def reader_differences(name):
    """Per page: (share of the PDF's ink the OFD lacks, share of the OFD's ink the PDF lacks,
    the same for red ink), and what ofd.js reported."""
    cmd, chromium = reader()
    ofd, pdf = rendered(name)
    out = os.path.join(tmpdir(), name)
    rc, stdout, err = run(cmd + [ofd, out, str(READER_DPI), chromium], timeout=300)
    assert rc == 0, 'ofd.js failed (exit %d):\n%s' % (rc, err[-3000:])
    import json
    info = json.loads(stdout.strip().splitlines()[-1])
    n = pp.pdf_info(pdf)['Pages']
    assert info['pages'] == n and not info['errors'], info
    result = []
    for page in range(1, n + 1):
        a = pp.raster(pdf, page, READER_DPI)
        b = ppm(os.path.join(out, 'page-%d.ppm' % page))
        w, h = min(a.width, b.width), min(a.height, b.height)
        # Chromium rounds each page's box to device pixels: a pixel or two either way.
        assert abs(a.width - b.width) <= 3 and abs(a.height - b.height) <= 3, (
            page, a.width, a.height, b.width, b.height)
        a, b = crop(a, w, h), crop(b, w, h)
        result.append(tuple(unmatched(x.mask(c), y.mask(c), w, READER_REACH)
                            for c in ('any', 'red') for x, y in ((a, b), (b, a))))
    return result, info


def check_reader(name):
    result, info = reader_differences(name)
    errors = []
    for page, shares in enumerate(result, 1):
        for share, what in zip(shares, ('PDF ink missing from the OFD', 'OFD ink not in the PDF',
                                        'PDF red missing from the OFD', 'OFD red not in the PDF')):
            if share > READER_UNMATCHED:
                errors.append('page %d: %.2f%% of the %s (bound %.0f%%)'
                              % (page, 100 * share, what, 100 * READER_UNMATCHED))
    fail_if(errors, '%s read by ofd.js at %d dpi' % (name, READER_DPI))
    return result, info


def test_ofdjs_draws_the_seed_as_the_pdf():
    result, info = check_reader(SEED)
    assert info['fonts'] == len(ofd_of(SEED).fonts)
    # The text ofd.js made is the document's, in reading order on the first page.
    assert info['text'][0].startswith('中共大同师范高等专科学校委员会文件'), info['text'][0][:60]


def test_ofdjs_draws_a_seal_and_turned_tables_as_the_pdf():
    check_reader('tongzhi-fujian')
    check_reader('yijian-biaoge')

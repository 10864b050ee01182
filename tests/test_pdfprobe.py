"""Self-tests of tests/lib/pdfprobe.py (and of tests/run.py) on a PDF written by hand
here, so they depend on neither gongwen nor any installed font: every position below
is known by construction and must come back within 0.02 mm (text) or 1 px (raster)."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import zlib

from tests.lib import ROOT, tmpdir
from tests.lib import pdfprobe as pp

PT = pp.PT
RED = (0.8, 0, 0)                       # renders as #cc0000, (204, 0, 0)
TEXT_TOL = 0.02                         # mm; poppler prints 6 decimals of a pt
PX = 25.4 / 300                         # one pixel at 300 dpi, in mm
# Raster edges come back within 1 px as promised; the checks use 0.65 px so that an
# off-by-one-pixel mistake fails: a ~50-60 % coverage threshold errs by <= 0.6 px.
PX_TOL = 0.65 * PX

# Fonts of the fixture: not embedded, every code 1 em wide but the space (1/4 em); only the descriptor's
# ascent/descent matter to poppler's text boxes. (name, ascent, descent)
SERIF = ('ABCDEF+TestSerif-Regular', 1151, -286)   # like Noto Serif CJK
FANG = ('TestFang-Regular', 880, -120)             # like FandolFang: word box = em box
ZERO = ('TestZero', 0, 0)                          # absent metrics: poppler uses .95/-.35

# Page 1, graphics (mm, top-left origin): filled rectangles (x, y, w, h, grey or rgb).
RECTS = [
    (30.3, 40.7, 50.2, 8.9, RED),        # red block
    (28.0, 100.0, 156.0, 0.6, 0),        # black rule, 0.6 mm
    (40.0, 150.25, 80.0, 0.3, 0),        # thin black rule, 0.3 mm
    (150.0, 200.0, 4.0, 4.0, 0),         # black square: ink, not a rule
    (60.0, 230.0, 30.0, 10.0, 0.6),      # light grey (153): 'any' but not 'dark'
    (150.0, 60.0, 20.0, 10.0, (1, 0.8, 0)),  # yellow (255, 204, 0): not 'red', not 'dark'
    (100.0, 180.0, 10.0, 4.0, (0, 0, 1)),    # blue: not 'dark'
]
# Page 2, text: (font, size pt, x mm, baseline mm, colour, text)
TEXTS = [
    (SERIF, 16, 28.0, 50.0, 0, 'ABCD'),
    (FANG, 22, 40.0, 80.0, RED, 'EFG'),
    (FANG, 16, 28.0, 100.0, 0, 'HIJ KLM'),
    (ZERO, 12, 28.0, 120.0, 0, 'NOP'),
]


def _pdf_string(s):
    try:
        s.encode('ascii')
        return '(%s)' % s
    except UnicodeEncodeError:
        return '<FEFF%s>' % s.encode('utf-16-be').hex().upper()


def write_pdf(path):
    """Write the two-page fixture: uncompressed, classic xref, PDF 1.4."""
    def fill(c):
        return '%g %g %g rg' % c if isinstance(c, tuple) else '%g g' % c
    g = []
    for x, y, w, h, c in RECTS:
        g.append('%s %.4f %.4f %.4f %.4f re f' % (fill(c), x / PT, (297 - y - h) / PT, w / PT, h / PT))
    fonts = [SERIF, FANG, ZERO]
    t = []
    for f, size, x, base, c, s in TEXTS:
        t.append('BT %s /F%d %g Tf 1 0 0 1 %.4f %.4f Tm (%s) Tj ET'
                 % (fill(c), fonts.index(f), size, x / PT, (297 - base) / PT, s))
    objs = {
        1: '<< /Type /Catalog /Pages 2 0 R >>',
        2: '<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 /MediaBox [0 0 %.4f %.4f] >>' % (210 / PT, 297 / PT),
        3: '<< /Title %s /Author (Tester) /Subject (Fixture) /Creator (test_pdfprobe) '
           '/Producer (hand) /CreationDate (D:20240102030405+08\'00\') >>' % _pdf_string('测试公文'),
        4: '<< /Type /Page /Parent 2 0 R /Contents 6 0 R /Resources << >> >>',
        5: '<< /Type /Page /Parent 2 0 R /Contents 7 0 R /Resources << /Font << %s >> >> >>'
           % ' '.join('/F%d %d 0 R' % (i, 10 + 2 * i) for i in range(len(fonts))),
    }
    for no, content in ((6, '\n'.join(g)), (7, '\n'.join(t))):
        objs[no] = '<< /Length %d >>\nstream\n%s\nendstream' % (len(content), content)
    for i, (name, asc, desc) in enumerate(fonts):
        objs[10 + 2 * i] = ('<< /Type /Font /Subtype /Type1 /BaseFont /%s /FirstChar 32 /LastChar 126 '
                            '/Widths [250 %s] /Encoding /WinAnsiEncoding /FontDescriptor %d 0 R >>'
                            % (name, ' '.join(['1000'] * 94), 11 + 2 * i))
        # laid out the way cairo writes it: one key per line
        objs[11 + 2 * i] = ('<< /Type /FontDescriptor\n   /FontName /%s\n   /FontFamily (%s)\n   /Flags 4\n'
                            '   /FontBBox [ 0 %d 1000 %d ]\n   /ItalicAngle 0\n   /Ascent %d\n   /Descent %d\n'
                            '   /CapHeight %d\n   /StemV 80\n>>' % (name, name.split('+')[-1].split('-')[0],
                                                                  desc, asc, asc, desc, asc))
    out, offsets = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'), {}
    for no in sorted(objs):
        offsets[no] = len(out)
        out += b'%d 0 obj\n%s\nendobj\n' % (no, objs[no].encode('latin-1'))
    size = max(objs) + 1
    xref = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % size
    for no in range(1, size):
        out += b'%010d 00000 n \n' % offsets[no] if no in offsets else b'0000000000 65535 f \n'
    out += b'trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (size, xref)
    with open(path, 'wb') as f:
        f.write(out)
    return path


_fixture = {}


def fixture():
    """The fixture PDF, written once per run."""
    if 'path' not in _fixture:
        d = tempfile.mkdtemp(prefix='gongwen-pdfprobe-')
        atexit.register(shutil.rmtree, d, True)
        _fixture['path'] = write_pdf(os.path.join(d, 'fixture.pdf'))
    return _fixture['path']


def _raster(dpi=300):
    key = ('img', dpi)
    if key not in _fixture:
        _fixture[key] = pp.raster(fixture(), 1, dpi)
    return _fixture[key]


def _expect_box(box, x0, y0, x1, y1, tol, what):
    assert box is not None, '%s: nothing found' % what
    for name, got, want in (('x0', box.x0, x0), ('y0', box.y0, y0), ('x1', box.x1, x1), ('y1', box.y1, y1)):
        pp.approx(got, want, tol, '%s %s' % (what, name))


# --- constants, conversions, approx -------------------------------------------------

def test_constants_and_conversions():
    assert pp.A4 == (210, 297)
    assert (pp.AREA['left'] + pp.AREA['width'], pp.AREA['top'] + pp.AREA['height']) == (184, 262)
    assert (pp.AREA['right'], pp.AREA['bottom']) == (184, 262)
    pp.approx(pp.LINE * 22, 225, 1e-9, 'LINE*22')
    pp.approx(pp.CH * 28, 156, 1e-9, 'CH*28')
    pp.approx(pp.pt2mm(72), 25.4, 1e-12, 'pt2mm')
    pp.approx(pp.mm2pt(pp.pt2mm(16)), 16, 1e-12, 'mm2pt')
    pp.approx(pp.px2mm(300, 300), 25.4, 1e-12, 'px2mm')
    pp.approx(pp.mm2px(25.4, 150), 150, 1e-12, 'mm2px')


def test_approx_message():
    assert pp.approx(10.05, 10, 0.1, 'x') == 10.05
    try:
        pp.approx(37.5, 37, 0.2, 'body top')
    except AssertionError as e:
        msg = str(e)
    else:
        raise AssertionError('approx accepted 37.5 for 37 +- 0.2')
    for part in ('body top', '37.500', '37.000', '+0.500'):
        assert part in msg, (part, msg)
    try:
        pp.approx(float('nan'), 0, 1, 'nan')
    except AssertionError:
        pass
    else:
        raise AssertionError('approx accepted NaN')


# --- pdfinfo, pdffonts, descriptors ----------------------------------------------------

def test_pdf_info():
    info = pp.pdf_info(fixture())
    assert info['Title'] == '测试公文', info
    assert (info['Author'], info['Subject'], info['Creator'], info['Producer']) == \
        ('Tester', 'Fixture', 'test_pdfprobe', 'hand'), info
    assert info['CreationDate'].startswith('2024-01-02T03:04:05+08'), info['CreationDate']
    assert info['Pages'] == 2
    pp.approx(info['page_size'][0], 210, 0.01, 'page width')
    pp.approx(info['page_size'][1], 297, 0.01, 'page height')


def test_pdf_fonts():
    fonts = pp.pdf_fonts(fixture())
    assert [f['name'] for f in fonts] == [SERIF[0], FANG[0], ZERO[0]], fonts
    assert [f['family'] for f in fonts] == ['TestSerif-Regular', 'TestFang-Regular', 'TestZero']
    assert fonts[0]['type'] == 'Type 1' and fonts[0]['encoding'] == 'WinAnsi', fonts[0]
    assert [f['sub'] for f in fonts] == [True, False, False], fonts     # pdffonts: the name's tag
    assert not any(f['emb'] or f['uni'] for f in fonts), fonts


def test_font_metrics():
    m = pp.font_metrics(fixture())
    assert sorted(m) == ['TestFang-Regular', 'TestSerif-Regular', 'TestZero'], m
    assert (m['TestSerif-Regular'].ascent, m['TestSerif-Regular'].descent) == (1.151, -0.286)
    assert (m['TestFang-Regular'].ascent, m['TestFang-Regular'].descent) == (0.88, -0.12)
    assert (m['TestZero'].ascent, m['TestZero'].descent) == (0.95, -0.35)   # poppler's fallback
    assert m['TestSerif-Regular'].family == 'TestSerif'
    assert pp.metrics_for(fixture(), 'testfang') is m['TestFang-Regular']
    assert pp.metrics_for(fixture(), 'ABCDEF+TestSerif-Regular') is m['TestSerif-Regular']
    for bad in ('Nope', 'Test'):            # no match; several matches
        try:
            pp.metrics_for(fixture(), bad)
        except LookupError:
            continue
        raise AssertionError('metrics_for(%r) did not raise' % bad)


def test_font_metrics_in_object_stream():
    # cairo >= 1.17.6 puts descriptors into Flate-compressed object streams
    body = b'12 0 << /Type /FontDescriptor /FontName /QWERTY+Packed-Bold /Ascent 1000 /Descent 250 >>'
    path = os.path.join(tmpdir(), 'objstm.pdf')
    with open(path, 'wb') as f:
        z = zlib.compress(body)
        f.write(b'%%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length %d >>\n'
                b'stream\n%s\nendstream\nendobj\n' % (len(z), z))
    m = pp.font_metrics(path)
    assert list(m) == ['Packed-Bold'], m
    assert (m['Packed-Bold'].ascent, m['Packed-Bold'].descent) == (1.0, -0.25), m


# --- text -------------------------------------------------------------------------------

def _ems(text):
    return sum(0.25 if c == ' ' else 1 for c in text)


def _expected_word(font, size, x, base, text):
    _, asc, desc = font
    if asc == 0:
        asc, desc = 950, -350
    s = size * PT
    return x, base - asc / 1000 * s, x + _ems(text) * s, base - desc / 1000 * s


def test_words():
    ws = pp.words(fixture())
    assert [w.text for w in ws] == ['ABCD', 'EFG', 'HIJ', 'KLM', 'NOP'], ws
    assert {w.page for w in ws} == {2}
    expect = [(f, s, x, b, t) for f, s, x, b, _, t in TEXTS]
    expect[2:3] = [(FANG, 16, 28.0, 100.0, 'HIJ'), (FANG, 16, 28.0 + 3.25 * 16 * PT, 100.0, 'KLM')]
    for w, e in zip(ws, expect):
        _expect_box(w, *_expected_word(*e), tol=TEXT_TOL, what='word %s' % w.text)
    assert pp.words(fixture(), page=1) == []


def test_lines_and_blocks():
    ls = pp.lines(fixture())
    line = pp.find(ls, 'KLM')[0]
    assert line.text == 'HIJ KLM' and [w.text for w in line.words] == ['HIJ', 'KLM'], line
    _expect_box(line, 28.0, 100 - 0.88 * 16 * PT, 28 + 6.25 * 16 * PT, 100 + 0.12 * 16 * PT, TEXT_TOL, 'line')
    bs = pp.blocks(fixture(), page=2)
    assert sum(len(b.lines) for b in bs) == len(ls) == 4, (bs, ls)
    assert any('HIJ KLM' in b.text.split('\n') for b in bs), bs
    for b in bs:
        for l in b.lines:
            assert b.x0 <= l.x0 + 1e-6 and l.x1 <= b.x1 + 1e-6 and b.y0 <= l.y0 + 1e-6 and l.y1 <= b.y1 + 1e-6


def test_text_runs():
    runs = pp.text_runs(fixture())
    assert [r.text for r in runs] == ['ABCD', 'EFG', 'HIJ KLM', 'NOP'], runs
    for r, (font, size, x, base, colour, text) in zip(runs, TEXTS):
        assert r.page == 2
        assert r.font == font[0].split('+')[-1], r
        pp.approx(r.size, size, 0.01, '%s size (pt)' % text)
        pp.approx(r.baseline, base, TEXT_TOL, '%s baseline' % text)
        _expect_box(r, *_expected_word(font, size, x, base, text), tol=TEXT_TOL, what='run %s' % text)
        assert r.colour == ('#cc0000' if colour == RED else '#000000'), r
    assert runs[1].rgb == (204, 0, 0)
    assert pp.text_runs(fixture(), page=1) == []


def test_baseline_and_em_box():
    path = fixture()
    ws = pp.words(path)
    serif, fang = pp.metrics_for(path, 'TestSerif'), pp.metrics_for(path, 'TestFang')
    cases = [(ws[0], serif, 16, 28.0, 50.0), (ws[1], fang, 22, 40.0, 80.0), (ws[3], fang, 16, 28 + 3.25 * 16 * PT, 100.0)]
    for w, m, size, x, base in cases:
        pp.approx(pp.baseline(w, m), base, TEXT_TOL, '%s baseline' % w.text)
        pp.approx(pp.baseline(w, m, size_pt=size), base, TEXT_TOL, '%s baseline, size given' % w.text)
        s = size * PT
        want = (x, base - 0.88 * s, x + len(w.text) * s, base + 0.12 * s)
        _expect_box(pp.em_box(w, m), *want, tol=TEXT_TOL, what='em box of %s' % w.text)
    run = pp.text_runs(path)[0]                      # runs know their own face and size
    _expect_box(pp.em_box(run), 28.0, 50 - 0.88 * 16 * PT, 28 + 64 * PT, 50 + 0.12 * 16 * PT, TEXT_TOL, 'run em box')
    _expect_box(pp.em_box(run, top=1, bottom=0), 28.0, 50 - 16 * PT, 28 + 64 * PT, 50, TEXT_TOL, 'custom em box')
    try:
        pp.baseline(ws[0])
    except TypeError:
        pass
    else:
        raise AssertionError('baseline(word) without metrics did not raise')


# --- raster -----------------------------------------------------------------------------

def test_raster_parse():
    img = _raster()
    assert (img.width, img.height, img.dpi, img.page) == (2481, 3508, 300, 1), (img.width, img.height)
    assert len(img.data) == 3 * img.width * img.height
    assert img.pixel(int(img.px(55)), int(img.px(45))) == (204, 0, 0)
    assert img.pixel(int(img.px(75)), int(img.px(235))) == (153, 153, 153)
    assert img.pixel(int(img.px(100)), int(img.px(100.3))) == (0, 0, 0)
    assert img.pixel(int(img.px(160)), int(img.px(65))) == (255, 204, 0)
    assert img.pixel(0, 0) == (255, 255, 255)
    assert img.row(int(img.px(45)))[3 * int(img.px(55)):][:3] == bytes((204, 0, 0))
    assert len(img.row(0)) == 3 * img.width


def test_ink_bbox():
    img = _raster()
    _expect_box(pp.ink_bbox(img, colour='red'), 30.3, 40.7, 80.5, 49.6, PX_TOL, 'red block')
    _expect_box(pp.ink_bbox(img, (140, 190, 200, 210), 'dark'), 150, 200, 154, 204, PX_TOL, 'black square')
    _expect_box(pp.ink_bbox(img, (50, 220, 100, 250), 'any'), 60, 230, 90, 240, PX_TOL, 'grey block')
    assert pp.ink_bbox(img, (50, 220, 100, 250), 'dark') is None        # grey is not dark
    assert pp.ink_bbox(img, (0, 0, 210, 30), 'any') is None              # blank strip
    _expect_box(pp.ink_bbox(img, (140, 50, 200, 80), 'any'), 150, 60, 170, 70, PX_TOL, 'yellow block')
    assert pp.ink_bbox(img, (140, 50, 200, 80), 'red') is None           # yellow is not red
    _expect_box(pp.ink_bbox(img, (90, 170, 120, 190), 'any'), 100, 180, 110, 184, PX_TOL, 'blue block')
    assert pp.ink_bbox(img, (90, 170, 120, 190), 'dark') is None         # blue is not dark
    _expect_box(pp.ink_bbox(img, colour='dark'), 28, 100, 184, 204, PX_TOL, 'all dark ink')
    _expect_box(pp.ink_bbox(img, colour=((200, 210), (0, 10), (0, 10))), 30.3, 40.7, 80.5, 49.6, PX_TOL, 'rgb ranges')
    img150 = _raster(150)
    _expect_box(pp.ink_bbox(img150, colour='red'), 30.3, 40.7, 80.5, 49.6, 0.65 * 25.4 / 150, 'red block, 150 dpi')


def test_hrules():
    img = _raster()
    rules = pp.hrules(img, 'dark', 20)
    assert len(rules) == 2, rules                    # the 4 mm square is no rule
    _expect_box(rules[0], 28, 100, 184, 100.6, PX_TOL, 'black rule')
    pp.approx(rules[0].thickness, 0.6, PX_TOL, 'black rule thickness')
    pp.approx(rules[0].length, 156, PX_TOL, 'black rule length')
    _expect_box(rules[1], 40, 150.25, 120, 150.55, PX_TOL, 'thin rule')
    assert [r.page for r in rules] == [1, 1]
    red = pp.hrules(img, 'red', 20)
    assert len(red) == 1, red
    pp.approx(red[0].thickness, 8.9, PX_TOL, 'red block as a rule')
    assert pp.hrules(img, 'red', 60) == []
    assert len(pp.hrules(img, 'dark', 20, region_mm=(0, 120, 210, 297))) == 1
    assert len(pp.hrules(img, 'dark', 3)) == 3


# --- the runner -------------------------------------------------------------------------

RUNNER_CASES = '''
from tests.lib import Skip, tmpdir
import os
def test_pass():
    assert os.path.isdir(tmpdir())
def test_fail():
    assert 1 + 1 == 3, 'arithmetic'
def test_skip():
    raise Skip('not today')
def helper_not_a_test():
    raise RuntimeError
TESTS = [('test_param[%d]' % i, (lambda i=i: None if i else 1 / 0)) for i in range(2)]
'''


def test_runner_reports_and_exit_code():
    path = os.path.join(tmpdir(), 'test_cases.py')
    with open(path, 'w') as f:
        f.write(RUNNER_CASES)
    run = lambda *a: subprocess.run([sys.executable, os.path.join(ROOT, 'tests', 'run.py')] + list(a),
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    p = run(path)
    out = p.stdout.splitlines()
    assert p.returncode == 1, p.stdout
    assert 'ok   test_cases.py::test_pass' in out, p.stdout
    assert any(l.startswith('FAIL test_cases.py::test_fail: arithmetic') for l in out), p.stdout
    assert 'skip test_cases.py::test_skip: not today' in out, p.stdout
    assert 'ok   test_cases.py::test_param[1]' in out, p.stdout
    assert any(l.startswith('FAIL test_cases.py::test_param[0]: ZeroDivisionError') for l in out), p.stdout
    assert not any('helper' in l for l in out), p.stdout
    assert out[-1] == '2 passed, 2 failed, 1 skipped', p.stdout
    p = run('-k', 'pass', path)
    assert (p.returncode, p.stdout.splitlines()[-1]) == (0, '1 passed, 0 failed'), p.stdout
    p = run('-k', 'nothing-matches', path)
    assert (p.returncode, p.stdout.splitlines()[-1]) == (1, '0 passed, 0 failed'), p.stdout
    p = run(path + '::test_skip')
    assert (p.returncode, p.stdout.splitlines()[-1]) == (1, '0 passed, 0 failed, 1 skipped'), p.stdout

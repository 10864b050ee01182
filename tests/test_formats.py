"""The four format samples, read back from the PDFs that the current ./gongwen renders of
sources/tongzhi-fujian.xml (通知: 份号/密级/紧急, 主送, heading levels, 附件说明 and two
attachments, a seal, 附注, 抄送), sources/han-letter.xml (信函格式, §10.1),
sources/ling-order.xml (命令格式 with a signature seal, §10.2) and sources/jiyao-minutes.xml
(纪要格式, §10.3), against GB/T 9704-2012 as the lead's layout conventions state it
(shared/reference/gbt9704.md §3, §4, §4.1, §5, §7 have the standard's numbers).

    python3 tests/run.py tests/test_formats.py

Each sample is rendered once per run into a private temp dir (module-level cache) with
SOURCE_DATE_EPOCH removed from the environment, so these tests measure the code as it is now
and never a stale out/ file; the determinism tests render each sample twice more, and the
seal test renders the notice once more with a seal image that draws nothing, to know which
pixels are the signature's glyphs. Text is measured with pdftohtml (tests/lib/pdfprobe.py:
face, size, colour, baseline), ink and rules in pdftoppm rasters at 300 dpi, fonts with pdffonts.

To see a test fail on purpose, point GONGWEN at a wrapper that adds `-p NAME=VALUE` to
`gongwen render` (e.g. -p letter-mark-top=-5mm, -p sealed-date-inset=3ch,
-p order-mark-top=25mm, -p point2-face=body). (-p sealed-date-inset=2ch makes the notice fail
to render at all: the signature centred over the date would overrun the type area.)

Units: mm, origin at the top-left corner, y downward; pages count from 1.
Conventions (decided by the lead): P = 225/22 mm line pitch, CH = 156/28 mm; the em box of a
size s spans baseline - 0.88 s .. baseline + 0.12 s; a text line sits in a P-tall cell with its
em box centred (the mark's cell is its own em box); type area x 28..184, y 37..262.
Tolerances: 0.5 mm for text boxes and rule positions, 1 mm for ink edges, 0.1 mm for
relations called exact (same baseline, baselines P apart), 0.3 mm where the convention says so.
"The bottom of a line" is the bottom of its P-tall cell.
"""
import os
import re
import subprocess

from tests.lib import GONGWEN, ROOT
from tests.lib import module_tmpdir
from tests.lib import pdfprobe as pp
from tests.lib.checks import cell_top, cell_bottom, em_top_in_cell, off, fail_if, is_red, is_kai
from tests.lib.checks import FOLIO, RenderedPDF, is_folio

PT = pp.PT
P = 225 / 22                      # line pitch, mm
CH = 156 / 28                     # grid character, mm
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
CENTRE_X = (LEFT + RIGHT) / 2     # 106
BODY_PT, TITLE_PT = 16.0, 22.0

TEXT_TOL = 0.5
INK_TOL = 1.0
EXACT_TOL = 0.1
SIZE_TOL = 0.1
DPI = 300

FACE_HEI = 'NotoSansCJKsc-Medium'                 # 黑体: Noto Sans CJK SC Medium
FACE_BODY = 'FandolFang-Regular'                  # 仿宋: FandolFang
FACE_TITLE = 'NotoSerifCJKsc-Black'               # 小标宋: Noto Serif CJK SC Black
KAI_NAMES = ('GBZenKai', 'KaitiM')                # 楷体: AR PL KaitiM GB (PostScript GBZenKai-Medium)

SAMPLES = ('tongzhi-fujian', 'han-letter', 'ling-order', 'jiyao-minutes')


def source(sample):
    return os.path.join(ROOT, 'sources', sample + '.xml')


# --- small helpers (the style of test_seed_geometry.py) ----------------------------------------















def face_errors(item, want_font, size=BODY_PT, what=None):
    """Messages for every run of a line (or a single run) not in want_font at size pt."""
    runs = getattr(item, 'runs', [item])
    errors = []
    for r in runs:
        ok = is_kai(r.font) if want_font == 'kai' else r.font == want_font
        if not ok or abs(r.size - size) > SIZE_TOL:
            errors.append('%s%r: got %s %.2f pt, expected %s %g pt'
                          % (what + ' ' if what else '', r.text, r.font, r.size,
                             'AR PL KaitiM GB (GBZenKai)' if want_font == 'kai' else want_font, size))
    return errors


# --- rendering (once per run) --------------------------------------------------------------------

def _tmp():
    return module_tmpdir('formats')


def run_render(src, out):
    """gongwen render src -o out, SOURCE_DATE_EPOCH unset. Raises AssertionError on failure."""
    env = dict(os.environ)
    env.pop('SOURCE_DATE_EPOCH', None)
    cmd = [GONGWEN, 'render', src, '-o', out]
    p = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    if p.returncode != 0 or not os.path.exists(out):
        raise AssertionError('%s failed (exit %d): %s' % (' '.join(cmd), p.returncode,
                                                          p.stderr.decode('utf-8', 'replace').strip()[-800:]))
    return out




class Doc(RenderedPDF):
    """A rendered sample: its PDF, lines, runs and rasters (all cached)."""
    _cache = {}

    def __new__(cls, sample):
        if sample not in cls._cache:
            d = object.__new__(cls)
            d._reset()
            d.sample, d._error = sample, None
            try:
                d.pdf = run_render(source(sample), os.path.join(_tmp(), sample + '.pdf'))
            except AssertionError as e:
                d._error = e
            cls._cache[sample] = d
        d = cls._cache[sample]
        if d._error:
            raise d._error
        return d

    def line(self, text, page=None, exact=True, start=False):
        """The one line reading `text` (exact), starting with it (start) or containing it."""
        def match(l):
            if exact:
                return l.text == text
            return l.text.startswith(text) if start else text in l.text
        hits = [l for l in self.lines(page) if match(l)]
        if len(hits) != 1:
            raise AssertionError('%s: expected one line %s %r%s, found %d: %r' % (
                self.sample, 'reading' if exact else 'starting with' if start else 'containing', text,
                '' if page is None else ' on page %d' % page, len(hits),
                hits or [l.text for l in self.lines(page)][:30]))
        return hits[0]

    def run(self, text, page=None, size=None):
        hits = [r for r in self.runs(page) if r.text == text and (size is None or abs(r.size - size) <= 0.3)]
        if len(hits) != 1:
            raise AssertionError('%s: expected one text run %r%s%s, found %d (runs: %r)' % (
                self.sample, text, '' if page is None else ' on page %d' % page,
                '' if size is None else ' at %g pt' % size, len(hits),
                [r.text for r in self.runs(page)][:30]))
        return hits[0]

    def folios(self):
        """{page: [number, ...]} of the page numbers "— N —" printed below the type area."""
        got = {}
        for l in self.lines():
            if is_folio(l):
                got.setdefault(l.page, []).append(int(FOLIO.fullmatch(l.text.strip()).group(1)))
        return got


def mark_run(doc, text):
    """The mark: the run reading `text` on page 1 set larger than the title (a letter's signature
    reads the same as its mark)."""
    hits = [r for r in doc.runs(1) if r.text == text and r.size > TITLE_PT + 1]
    if len(hits) != 1:
        raise AssertionError('%s: expected one mark run %r larger than %g pt on page 1, found %r (runs: %r)'
                             % (doc.sample, text, TITLE_PT, hits,
                                [(r.text, round(r.size, 1)) for r in doc.runs(1)][:20]))
    return hits[0]


def mark_errors(doc, text, em_top, what='mark'):
    """The mark reading `text` exactly: red, its em top at em_top."""
    r = mark_run(doc, text)
    em = pp.em_box(r)
    errors = [off(em.y0, em_top, TEXT_TOL, '%s %r em-box top' % (what, text))]
    if not is_red(r.rgb):
        errors.append('%s colour: got %s, expected red' % (what, r.colour))
    return r, errors


# === 通知: sources/tongzhi-fujian.xml ==================================================================

TZ = 'tongzhi-fujian'
TZ_FIELDS = ['000123', '秘密★1年', '特急']
TZ_MARK = '示例市人民政府办公室文件'
TZ_NUMBER = '示政办发〔2024〕15号'
TZ_TITLE = ['示例市人民政府办公室关于做好', '公文格式规范化工作的通知']
TZ_ADDRESSEE = '各区县人民政府，市政府各委、办、局，各有关单位：'
TZ_ADDRESSEE_START = '各区县人民政府'
TZ_LEVEL1 = ['一、总体要求', '二、工作措施']
TZ_LEVEL2 = ['（一）明确工作责任。', '（二）严格执行标准。', '（一）开展业务培训。', '（二）加强检查通报。']
TZ_ATT1 = '附件：1．公文格式规范化工作检查要点'
TZ_ATT2 = '2．各区县公文处理人员培训名额分配表'
TZ_SIGNATURE = '示例市人民政府办公室'
TZ_DATE = '2024年3月8日'
TZ_NOTE = '（此件公开发布）'
TZ_ATTACHMENTS = [('附件1', '公文格式规范化工作检查要点'), ('附件2', '各区县公文处理人员培训名额分配表')]


def tz():
    return Doc(TZ)


def tz_title_lines():
    got = [l for l in tz().lines(1) if abs(l.size - TITLE_PT) <= 0.3]
    assert [l.text for l in got] == TZ_TITLE, 'title lines (22 pt) on page 1: got %r, expected %r' % (
        [l.text for l in got], TZ_TITLE)
    return got


def test_tongzhi_head_fields_on_lines_1_to_3_flush_left_hei_16pt():
    d = tz()
    errors = []
    for k, text in enumerate(TZ_FIELDS, 1):
        l = d.line(text, 1)
        errors += face_errors(l, FACE_HEI, BODY_PT, 'line %d' % k)
        errors.append(off(l.x0, LEFT, TEXT_TOL, '%r left edge (flush left)' % text))
        errors.append(off(l.em_top, em_top_in_cell(TOP + (k - 1) * P), TEXT_TOL,
                          '%r em top (cell %d: %.3f..%.3f)' % (text, k, TOP + (k - 1) * P, TOP + k * P)))
    fail_if(errors, '份号/密级/紧急')


def test_tongzhi_mark_em_top_72mm_red():
    r, errors = mark_errors(tz(), TZ_MARK, TOP + 35)
    fail_if(errors, 'mark')


def test_tongzhi_number_centred_two_lines_below_mark_no_signer():
    d = tz()
    mark_em = pp.em_box(mark_run(d, TZ_MARK))
    num = d.line(TZ_NUMBER, 1)
    errors = face_errors(num, FACE_BODY, BODY_PT, 'number')
    errors.append(off(num.cx, CENTRE_X, TEXT_TOL, 'number centre x'))
    errors.append(off(num.cell_top, mark_em.y1 + 2 * P, TEXT_TOL,
                      'number cell top (= mark em bottom %.3f + 2P)' % mark_em.y1))
    signer = [l for l in d.lines(1) if '签发人' in l.text]
    if signer:
        errors.append('a downward document has no 签发人, found %r' % signer)
    fail_if(errors, 'number')


def test_tongzhi_red_rule_4mm_below_number():
    d = tz()
    rules = pp.hrules(d.raster(1), 'red', min_length_mm=100)
    assert len(rules) == 1, 'expected one red rule >= 100 mm on page 1, found %d: %r' % (len(rules), rules)
    num_em = pp.em_box(d.run(TZ_NUMBER, 1))
    pp.approx(rules[0].cy, num_em.y1 + 4, TEXT_TOL, 'red rule centre (= number em bottom %.3f + 4 mm)' % num_em.y1)


def test_tongzhi_addressee_one_blank_line_below_title_flush_left():
    d = tz()
    last_title = tz_title_lines()[-1]
    a = d.line(TZ_ADDRESSEE_START, 1, exact=False, start=True)
    errors = face_errors(a, FACE_BODY, BODY_PT, 'addressee')
    if a.text != TZ_ADDRESSEE:
        errors.append('addressee line reads %r, expected %r' % (a.text, TZ_ADDRESSEE))
    errors.append(off(a.cell_top, cell_bottom(last_title.em_bottom, TITLE_PT) + P, TEXT_TOL,
                      'addressee cell top (= last title cell bottom %.3f + P)'
                      % cell_bottom(last_title.em_bottom, TITLE_PT)))
    errors.append(off(a.x0, LEFT, TEXT_TOL, 'addressee left edge (flush left)'))
    if not a.text.endswith('\uff1a'):
        errors.append('addressee ends with %r, not the full-width colon U+FF1A' % a.text[-1:])
    fail_if(errors, '主送')


def test_tongzhi_first_paragraph_on_the_line_after_the_addressee():
    d = tz()
    a = d.line(TZ_ADDRESSEE_START, 1, exact=False, start=True)
    first = d.after(a)
    errors = []
    if not (first and first.text.startswith('为贯彻落实')):
        raise AssertionError('the line after the addressee is %r, expected the first paragraph "为贯彻落实…"' % first)
    errors.append(off(first.cell_top, a.cell_bottom, TEXT_TOL,
                      'first paragraph cell top (= addressee cell bottom %.3f)' % a.cell_bottom))
    errors.append(off(first.baseline - a.baseline, P, EXACT_TOL, 'first paragraph baseline - addressee baseline'))
    fail_if(errors, 'first paragraph')


def test_tongzhi_level1_headings_hei_on_own_lines_2ch_in():
    d = tz()
    errors = []
    for text in TZ_LEVEL1:
        l = d.line(text)
        errors += face_errors(l, FACE_HEI, BODY_PT, 'heading')
        errors.append(off(l.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge (28 + 2 CH)' % text))
    fail_if(errors, '一、 headings')


def test_tongzhi_level2_headings_kai_run_in_with_fangsong():
    d = tz()
    errors = []
    for text in TZ_LEVEL2:
        l = d.line(text, exact=False, start=True)
        errors.append(off(l.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge (28 + 2 CH)' % text))
        head = [r for r in l.runs if r.text == text]
        if not head:
            errors.append('%r is not a run of its own (a face change) on its line: runs %r'
                          % (text, [(r.text, r.font) for r in l.runs]))
            continue
        errors += face_errors(head[0], 'kai', BODY_PT, 'heading')
        rest = l.runs[l.runs.index(head[0]) + 1:]
        if not rest:
            errors.append('%r: no text follows on the same line (it must be run in): %r' % (text, l))
            continue
        errors += face_errors(rest[0], FACE_BODY, BODY_PT, 'text after %r' % text)
        errors.append(off(rest[0].x0, head[0].x1, TEXT_TOL, 'text after %r starts where it ends' % text))
    fail_if(errors, '（一） headings')


def test_tongzhi_level3_and_level4_headings_fangsong():
    d = tz()
    errors = []
    for text, follow in (('1．字体字号。', '正文用三号'), ('（1）', '行距和字距')):
        l = d.line(text + follow, exact=False, start=True)
        errors.append(off(l.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge (28 + 2 CH)' % text))
        x = l.x0
        for r in l.runs:              # the runs that hold the label
            if r.x0 < x + len(text) * CH:
                errors += face_errors(r, FACE_BODY, BODY_PT, 'label %r' % text)
    fail_if(errors, '1． and （1） headings')


def char_units(text):
    """Grid characters: full-width 1, half-width (ASCII) 1/2."""
    return sum(0.5 if c.isascii() else 1 for c in text)


def test_tongzhi_attachment_list_one_blank_line_below_text_names_aligned():
    d = tz()
    first = d.line(TZ_ATT1)
    second = d.line(TZ_ATT2)
    last_body = d.before(first)
    errors = face_errors(first, FACE_BODY) + face_errors(second, FACE_BODY)
    errors.append(off(first.cell_top, last_body.cell_bottom + P, TEXT_TOL,
                      '附件说明 cell top (= last body line %r cell bottom %.3f + P)'
                      % (last_body.text[:10], last_body.cell_bottom)))
    errors.append(off(first.x0, LEFT + 2 * CH, TEXT_TOL, '附件说明 left edge (28 + 2 CH)'))
    if second.page != first.page:
        errors.append('the second name is on page %d, the first on %d' % (second.page, first.page))
    errors.append(off(second.baseline - first.baseline, P, EXACT_TOL, 'second name baseline - first'))
    # x of the "1": the line is set at an even pitch, so 附件： takes 3 of its 17.5 units
    pitch = (first.x1 - first.x0) / char_units(first.text)
    one_x = first.x0 + char_units('附件：') * pitch
    errors.append(off(second.x0, one_x, 0.3, '"2" left edge under the "1" (x %.3f, pitch %.3f)' % (one_x, pitch)))
    for l in (first, second):
        if re.search(r'[。，；、：.,;:]$', l.text):
            errors.append('punctuation after the name: %r' % l.text)
    fail_if(errors, '附件说明')


def tz_signature(date):
    """The 16 pt signature line (the 14 pt printer line of the colophon reads the same)."""
    sig = [l for l in tz().lines() if l.text == TZ_SIGNATURE and abs(l.size - BODY_PT) <= 0.3]
    assert len(sig) == 1, 'expected one 16 pt signature line %r, found %r' % (TZ_SIGNATURE, sig)
    return sig[0]


def test_tongzhi_sealed_date_4ch_in_signature_centred_above():
    d = tz()
    date = d.line(TZ_DATE)
    sig = tz_signature(date)
    errors = face_errors(date, FACE_BODY) + face_errors(sig, FACE_BODY)
    errors.append(off(date.x1, RIGHT - 4 * CH, TEXT_TOL, 'date right edge (184 - 4 CH)'))
    errors.append(off(sig.cx, date.cx, TEXT_TOL, 'signature centre x vs the date\'s (%.3f)' % date.cx))
    if sig.page != date.page:
        errors.append('signature on page %d, date on page %d' % (sig.page, date.page))
    errors.append(off(date.baseline - sig.baseline, P, EXACT_TOL, 'date baseline - signature baseline (P)'))
    fail_if(errors, 'signature and date (with seal)')


def tz_seal():
    """(red ink box of the seal, the date line, the last line of the 附件说明)."""
    d = tz()
    date = d.line(TZ_DATE)
    att = d.line(TZ_ATT2)
    # the 42 mm seal is near the date; the page's other red (a mark, on page 1) is far above
    y0 = max(TOP, date.baseline - 50)
    ink = pp.ink_bbox(d.raster(date.page), (0, y0, 210, 297), 'red')
    assert ink, 'no red ink (the seal) on page %d below y %.3f' % (date.page, y0)
    return ink, date, att


def test_tongzhi_seal_centred_on_date_top_within_a_line_of_the_text():
    ink, date, att = tz_seal()
    errors = [off(ink.cx, date.cx, INK_TOL, 'seal ink centre x vs the date\'s (%.3f)' % date.cx)]
    top = att.cell_bottom
    if ink.y0 < top - EXACT_TOL:
        errors.append('seal ink top %.3f mm is above the bottom %.3f of the 附件说明\'s last line (by %.3f)'
                      % (ink.y0, top, top - ink.y0))
    if ink.y0 > top + P:
        errors.append('seal ink top %.3f mm is more than one line (P) below the 附件说明\'s last line '
                      '(bottom %.3f, limit %.3f; by %+.3f)' % (ink.y0, top, top + P, ink.y0 - top - P))
    if not ink.cy < date.baseline:
        errors.append('seal ink centre y %.3f is not above the date\'s baseline %.3f' % (ink.cy, date.baseline))
    fail_if(errors, 'seal')


def _blank_seal_render():
    """The notice rendered with a seal image that draws nothing (same size): the glyphs alone."""
    d = os.path.join(_tmp(), 'blank-seal')
    if not os.path.isdir(d):
        os.makedirs(os.path.join(d, 'images'))
        with open(os.path.join(d, 'images', 'seal.svg'), 'w') as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" viewBox="0 0 100 100">'
                    '<rect x="0" y="0" width="1" height="1" fill="none"/></svg>\n')
        with open(source(TZ), encoding='utf-8') as f:
            text = f.read()
        with open(os.path.join(d, TZ + '.xml'), 'w', encoding='utf-8') as f:
            f.write(text)
    out = os.path.join(d, TZ + '.pdf')
    if not os.path.exists(out):
        run_render(os.path.join(d, TZ + '.xml'), out)
    return out


def test_tongzhi_signature_under_the_seal_stays_readable():
    ink, date, att = tz_seal()
    d = tz()
    sig = tz_signature(date)
    assert sig.page == date.page, 'signature on page %d, date on page %d' % (sig.page, date.page)
    x0, x1 = max(sig.x0, ink.x0), min(sig.x1, ink.x1)
    y0, y1 = max(sig.em_top, ink.y0), min(sig.em_bottom, ink.y1)
    assert x0 < x1 and y0 < y1, 'the seal (%r) does not cover the signature %r' % (ink, sig)
    img = d.raster(date.page)
    wx0, wy0, wx1, wy1 = img._window((x0, y0, x1, y1))
    # the criterion of the brief: some pixels of the signature's box inside the seal are near black
    near_black = sum(1 for y in range(wy0, wy1) for x in range(wx0, wx1) if max(img.pixel(x, y)) <= 60)
    # and no pixel of a glyph turns red: where the seal's strokes cross the glyphs, multiply
    # gives black (an opaque seal painted over the text would give red)
    blank = pp.raster(_blank_seal_render(), date.page, DPI)
    glyph = [(x, y) for y in range(wy0, wy1) for x in range(wx0, wx1) if max(blank.pixel(x, y)) <= 127]
    red = [(x, y) for x, y in glyph if is_red(img.pixel(x, y))]
    changed = [(x, y) for x, y in glyph if img.pixel(x, y) != blank.pixel(x, y)]
    errors = []
    if not near_black:
        errors.append('no near-black pixel (max channel <= 60) in the signature box under the seal '
                      '(x %.3f..%.3f, y %.3f..%.3f)' % (x0, x1, y0, y1))
    if len(red) > 0.01 * max(1, len(glyph)):
        errors.append('%d of %d glyph pixels of the signature under the seal are red (the seal hides the '
                      'text instead of multiplying with it; %d glyph pixels changed colour)'
                      % (len(red), len(glyph), len(changed)))
    fail_if(errors, 'text under the seal')


def test_tongzhi_note_on_the_line_below_the_date_2ch_in():
    d = tz()
    date = d.line(TZ_DATE)
    note = d.line(TZ_NOTE)
    errors = face_errors(note, FACE_BODY)
    if note.page != date.page:
        errors.append('附注 on page %d, date on page %d' % (note.page, date.page))
    errors.append(off(note.baseline - date.baseline, P, EXACT_TOL, '附注 baseline - date baseline (P)'))
    errors.append(off(note.x0, LEFT + 2 * CH, TEXT_TOL, '附注 left edge (28 + 2 CH)'))
    fail_if(errors, '附注')


def test_tongzhi_attachments_each_on_a_new_page_label_line_1_title_line_3():
    d = tz()
    note = d.line(TZ_NOTE)
    errors = []
    pages = []
    for label, title in TZ_ATTACHMENTS:
        l = d.line(label)
        pages.append(l.page)
        body = [x for x in d.lines(l.page) if x.em_top < l.em_top and x.em_bottom <= BOTTOM]
        if body:
            errors.append('%r does not start its page %d: above it %r' % (label, l.page, body))
        errors += face_errors(l, FACE_HEI, BODY_PT, 'label')
        errors.append(off(l.x0, LEFT, TEXT_TOL, '%r left edge (flush left)' % label))
        errors.append(off(l.em_top, em_top_in_cell(TOP), TEXT_TOL, '%r em top (cell 37..%.3f)' % (label, TOP + P)))
        t = d.line(title)
        if t.page != l.page:
            errors.append('attachment title %r on page %d, its label on page %d' % (title, t.page, l.page))
        errors += face_errors(t, FACE_TITLE, TITLE_PT, 'attachment title')
        errors.append(off(t.cx, CENTRE_X, TEXT_TOL, '%r centre x' % title))
        errors.append(off(t.cell_top, TOP + 2 * P, TEXT_TOL, '%r cell top (line 3: 37 + 2P)' % title))
    if not (note.page < pages[0] < pages[1]):
        errors.append('attachment pages %r, the 附注 on page %d: each attachment must start a new page'
                      % (pages, note.page))
    fail_if(errors, 'attachments')


def test_tongzhi_page_numbers_continue_into_the_attachments():
    d = tz()
    got = d.folios()
    errors = []
    for page in range(1, d.npages + 1):
        if got.get(page) != [page]:
            errors.append('page %d carries page numbers %r, expected [%d]' % (page, got.get(page), page))
    att = [d.line(label).page for label, _ in TZ_ATTACHMENTS]
    if [got.get(p) for p in att] != [[3], [4]]:
        errors.append('attachment pages %r carry %r, expected [[3], [4]]' % (att, [got.get(p) for p in att]))
    fail_if(errors, 'page numbers')


def test_tongzhi_colophon_on_last_even_page_cc_above_printer():
    d = tz()
    n = d.npages
    printer = d.line('印发', exact=False)
    cc = d.line('抄送：', exact=False, start=True)
    errors = []
    if n % 2:
        errors.append('%d pages: the last page, with the 版记, must be even' % n)
    if (printer.page, cc.page) != (n, n):
        errors.append('抄送 on page %d and 印发 on page %d, expected both on the last page %d'
                      % (cc.page, printer.page, n))
    # the 抄送 may wrap: its lines run from cc down to the line above the printer line
    ls = d.lines(n)
    cc_lines = [l for l in ls if cc.baseline - 0.3 <= l.baseline < printer.baseline - 0.3]
    text = ''.join(l.text for l in cc_lines)
    if not text.endswith('。'):
        errors.append('抄送 %r does not end with 。' % text)
    if not cc.baseline < printer.baseline:
        errors.append('抄送 (baseline %.3f) is not above the 印发 line (%.3f)' % (cc.baseline, printer.baseline))
    fail_if(errors, '版记')


# === 信函格式: sources/han-letter.xml (§10.1) ===========================================================

LETTER = 'han-letter'
LT_MARK = '示例省教育厅办公室'
LT_COPY, LT_NUMBER, LT_URGENCY = '000045', '示教办函〔2024〕36号', '加急'
LT_CC = '抄送：示例省人民政府办公厅。'


def letter():
    return Doc(LETTER)


def letter_rules():
    d = letter()
    rules = pp.hrules(d.raster(1), 'red', min_length_mm=100)
    assert len(rules) == 4, 'expected four red rules >= 100 mm on page 1 (two double rules), found %d: %r' % (
        len(rules), rules)
    return rules


def test_letter_mark_30mm_from_page_top_red_centred_no_wenjian():
    d = letter()
    r, errors = mark_errors(d, LT_MARK, TOP - 7)
    errors.append(off((r.x0 + r.x1) / 2, CENTRE_X, TEXT_TOL, 'mark centre x'))
    wenjian = [l for l in d.lines(1) if '文件' in l.text]
    if wenjian:
        errors.append('a letter\'s mark has no 文件: %r' % wenjian)
    fail_if(errors, 'letter mark')


def double_rule_errors(rules, thick_first, thick_cy, what):
    a, b = rules
    thick, thin = (a, b) if thick_first else (b, a)
    errors = []
    if not thick.thickness > thin.thickness:
        errors.append('%s: the %s rule (%.3f mm) is not thicker than the %s one (%.3f mm)'
                      % (what, 'upper' if thick_first else 'lower', thick.thickness,
                         'lower' if thick_first else 'upper', thin.thickness))
    if not a.y1 <= b.y0 + EXACT_TOL:
        errors.append('%s: the rules overlap: %r, %r' % (what, a, b))
    if b.y0 - a.y1 > 2:
        errors.append('%s: the rules are %.3f mm apart, not a double rule' % (what, b.y0 - a.y1))
    errors.append(off(thick.cy, thick_cy, TEXT_TOL, '%s: thick rule centre' % what))
    for name, r in (('thick', thick), ('thin', thin)):
        errors.append(off(r.x0, CENTRE_X - 85, TEXT_TOL, '%s: %s rule left end (170 mm centred)' % (what, name)))
        errors.append(off(r.x1, CENTRE_X + 85, TEXT_TOL, '%s: %s rule right end (170 mm centred)' % (what, name)))
    return errors


def test_letter_head_double_rule_thick_over_thin_4mm_below_mark():
    mark_em = pp.em_box(mark_run(letter(), LT_MARK))
    fail_if(double_rule_errors(letter_rules()[:2], True, mark_em.y1 + 4,
                               'head rule (thick centre = mark em bottom %.3f + 4)' % mark_em.y1), 'letter head rules')


def test_letter_foot_double_rule_thin_over_thick_20mm_above_page_foot():
    fail_if(double_rule_errors(letter_rules()[2:], False, 297 - 20, 'foot rule'), 'letter foot rules')


def test_letter_copy_left_number_right_7_8_char_below_thin_rule():
    d = letter()
    thin = letter_rules()[1]
    copy, num = d.run(LT_COPY, 1), d.run(LT_NUMBER, 1)
    urgent = d.line(LT_URGENCY, 1)
    errors = face_errors(copy, FACE_HEI, what='份号') + face_errors(urgent, FACE_HEI, what='紧急')
    errors += face_errors(num, FACE_BODY, what='number')
    errors.append(off(copy.x0, LEFT, TEXT_TOL, '份号 left edge (flush left)'))
    errors.append(off(num.x1, RIGHT, TEXT_TOL, 'number right edge (flush right)'))
    errors.append(off(num.baseline, copy.baseline, EXACT_TOL, 'number baseline vs 份号\'s'))
    want = thin.y1 + 14 * PT
    for r in (copy, num):
        errors.append(off(pp.em_box(r).y0, want, TEXT_TOL,
                          '%r em top (= thin rule bottom %.3f + 7/8 of 16 pt)' % (r.text, thin.y1)))
    errors.append(off(urgent.baseline - copy.baseline, P, EXACT_TOL, '紧急 baseline - 份号 baseline (next line)'))
    errors.append(off(urgent.x0, LEFT, TEXT_TOL, '紧急 left edge (flush left)'))
    fail_if(errors, 'letter 份号, number, 紧急')


def test_letter_no_page_number_on_page_1():
    got = letter().folios()
    assert 1 not in got, 'page 1 of a letter carries a page number: %r' % got[1]


def test_letter_title_22pt_centred_two_lines_below_urgency():
    d = letter()
    urgent = d.line(LT_URGENCY, 1)
    titles = [l for l in d.lines(1) if abs(l.size - TITLE_PT) <= 0.3]
    assert titles, 'no 22 pt title on page 1 of the letter'
    errors = []
    for t in titles:
        errors += face_errors(t, FACE_TITLE, TITLE_PT, 'title')
        errors.append(off(t.cx, CENTRE_X, TEXT_TOL, 'title line %r centre x' % t.text))
    errors.append(off(titles[0].cell_top, urgent.cell_bottom + 2 * P, TEXT_TOL,
                      'title cell top (= 紧急 cell bottom %.3f + 2P)' % urgent.cell_bottom))
    fail_if(errors, 'letter title')


def test_letter_cc_on_last_line_no_printer_line_no_black_rules():
    d = letter()
    n = d.npages
    cc = d.line(LT_CC)
    errors = []
    if cc.page != n:
        errors.append('抄送 on page %d, not on the last page %d' % (cc.page, n))
    errors.append(off(cc.cell_bottom, BOTTOM, TEXT_TOL, '抄送 cell bottom (the last line of the type area)'))
    printed = [l for l in d.lines() if '印发' in l.text]
    if printed:
        errors.append('a letter has no 印发 line, found %r' % printed)
    for page in range(1, n + 1):
        dark = pp.hrules(d.raster(page), 'dark', min_length_mm=50)
        if dark:
            errors.append('page %d: black rules %r (a letter\'s colophon has none)' % (page, dark))
    fail_if(errors, 'letter colophon')


# === 命令格式: sources/ling-order.xml (§10.2) ===========================================================

ORDER = 'ling-order'
OR_MARK = '示例市人民政府令'
OR_NUMBER = '第12号'
OR_TITLE = '市长'
OR_DATE = '2024年3月15日'


def order():
    return Doc(ORDER)


def order_text_lines():
    d = order()
    num = d.line(OR_NUMBER, 1)
    title = d.line(OR_TITLE)
    ls = [l for l in d.lines() if (l.page, l.baseline) > (num.page, num.baseline + 0.3)
          and (l.page, l.baseline) < (title.page, title.baseline - 0.3) and abs(l.size - BODY_PT) <= 0.3]
    assert ls, 'no text lines between %r and %r' % (OR_NUMBER, OR_TITLE)
    return ls


def order_seal():
    d = order()
    num = d.line(OR_NUMBER, 1)
    date = d.line(OR_DATE)
    y0 = num.em_bottom if date.page == num.page else 0     # below the red mark
    ink = pp.ink_bbox(d.raster(date.page), (0, y0, 210, 297), 'red')
    assert ink, 'no red ink (the signature seal) on page %d below y %.3f' % (date.page, y0)
    return ink


def test_order_mark_20mm_below_type_area_top_red():
    r, errors = mark_errors(order(), OR_MARK, TOP + 20)
    fail_if(errors, 'order mark')


def test_order_number_centred_two_lines_below_mark():
    d = order()
    mark_em = pp.em_box(mark_run(d, OR_MARK))
    num = d.line(OR_NUMBER, 1)
    errors = face_errors(num, FACE_BODY, what='number')
    errors.append(off(num.cx, CENTRE_X, TEXT_TOL, 'number centre x'))
    errors.append(off(num.cell_top, mark_em.y1 + 2 * P, TEXT_TOL,
                      'number cell top (= mark em bottom %.3f + 2P)' % mark_em.y1))
    fail_if(errors, 'order number')


def test_order_text_two_lines_below_number_indented_2ch():
    d = order()
    num = d.line(OR_NUMBER, 1)
    first = order_text_lines()[0]
    errors = face_errors(first, FACE_BODY, what='text')
    errors.append(off(first.cell_top, num.cell_bottom + 2 * P, TEXT_TOL,
                      'first text line cell top (= number cell bottom %.3f + 2P)' % num.cell_bottom))
    errors.append(off(first.x0, LEFT + 2 * CH, TEXT_TOL, 'first text line left edge (28 + 2 CH)'))
    fail_if(errors, 'order text')


def test_order_signature_seal_4ch_in_two_lines_below_text():
    ink = order_seal()
    last = order_text_lines()[-1]
    fail_if([off(ink.x1, RIGHT - 4 * CH, INK_TOL, 'seal ink right edge (184 - 4 CH)'),
             off(ink.y0, last.cell_bottom + 2 * P, INK_TOL,
                 'seal ink top (= last text line cell bottom %.3f + 2P)' % last.cell_bottom),
             off(ink.width, 30, INK_TOL, 'seal ink width (30 mm image)'),
             off(ink.height, 15, INK_TOL, 'seal ink height (15 mm image)')], 'signature seal')


def test_order_signatory_title_centred_on_seal_2ch_left_of_it():
    ink = order_seal()
    t = order().line(OR_TITLE)
    errors = face_errors(t, FACE_BODY, what='市长')
    errors.append(off((t.em_top + t.em_bottom) / 2, ink.cy, TEXT_TOL, '市长 em-box centre y vs the seal ink centre'))
    errors.append(off(t.x1, ink.x0 - 2 * CH, INK_TOL, '市长 right edge (= seal ink left %.3f - 2 CH)' % ink.x0))
    fail_if(errors, '市长')


def test_order_date_4ch_in_one_blank_line_below_seal():
    ink = order_seal()
    date = order().line(OR_DATE)
    errors = face_errors(date, FACE_BODY, what='date')
    errors.append(off(date.x1, RIGHT - 4 * CH, TEXT_TOL, 'date right edge (184 - 4 CH)'))
    errors.append(off(date.cell_top, ink.y1 + P, INK_TOL, 'date cell top (= seal ink bottom %.3f + P)' % ink.y1))
    fail_if(errors, 'order date')


# === 纪要格式: sources/jiyao-minutes.xml (§10.3) ========================================================

MINUTES = 'jiyao-minutes'
MN_MARK = '示例市人民政府常务会议纪要'
MN_LABELS = ['出席：', '请假：', '列席：']


def minutes():
    return Doc(MINUTES)


def attendance_lines():
    """{label: its line} for 出席, 请假, 列席."""
    d = minutes()
    return {lab: d.line(lab, exact=False, start=True) for lab in MN_LABELS}


def test_minutes_mark_em_top_72mm_red():
    r, errors = mark_errors(minutes(), MN_MARK, TOP + 35)
    fail_if(errors, 'minutes mark')


def test_minutes_present_one_blank_line_below_text():
    d = minutes()
    present = attendance_lines()['出席：']
    last = d.before(present)
    assert last and abs(last.size - BODY_PT) <= 0.3, 'the line before 出席 is %r, not a body line' % last
    if last.page == present.page:
        fail_if([off(present.cell_top, last.cell_bottom + P, TEXT_TOL,
                     '出席 cell top (= last body line %r cell bottom %.3f + P)' % (last.text[:10], last.cell_bottom))],
                '出席')
    else:
        raise AssertionError('出席 starts page %d, the last body line is on page %d' % (present.page, last.page))


def test_minutes_labels_hei_2ch_in_names_fangsong_after_colon():
    errors = []
    for lab, l in attendance_lines().items():
        head = l.runs[0]
        if head.text != lab:
            errors.append('%r is not a run of its own at the start of its line: runs %r'
                          % (lab, [(r.text, r.font) for r in l.runs]))
            continue
        errors += face_errors(head, FACE_HEI, BODY_PT, 'label')
        errors.append(off(head.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge (28 + 2 CH)' % lab))
        names = l.runs[1:]
        if not names:
            errors.append('%r: no names on its line' % lab)
            continue
        errors += face_errors(names[0], FACE_BODY, BODY_PT, 'names after %r' % lab)
        errors.append(off(names[0].x0, head.x1, TEXT_TOL, 'names after %r start right after the colon' % lab))
    fail_if(errors, 'attendance labels')


def test_minutes_present_names_wrap_under_the_first_name():
    d = minutes()
    present = attendance_lines()['出席：']
    nxt = d.after(present)
    assert nxt and not nxt.text.startswith(tuple(MN_LABELS)), (
        'the names of 出席 do not wrap (the sample has 12 names): the next line is %r' % nxt)
    errors = face_errors(nxt, FACE_BODY, what='second line of 出席')
    if nxt.page != present.page:
        errors.append('the second line of 出席 is on page %d, the first on page %d' % (nxt.page, present.page))
    errors.append(off(nxt.baseline - present.baseline, P, EXACT_TOL, 'second 出席 line baseline - first'))
    errors.append(off(nxt.x0, LEFT + 2 * CH + 3 * CH, 0.3, 'second 出席 line left edge (28 + 2 CH + 3 CH)'))
    label = present.runs[0]
    if label.text == '出席：':
        first_name = label.x1
    else:             # label and names in one run (one face): 出席： takes 3 of its grid units
        first_name = label.x0 + 3 * (label.x1 - label.x0) / char_units(label.text)
    errors.append(off(nxt.x0, first_name, 0.3, 'second 出席 line left edge vs the first name (x %.3f)' % first_name))
    fail_if(errors, '出席 wrap')


# === all samples ==================================================================================

def _fonts_embedded(sample):
    def test():
        fonts = pp.pdf_fonts(Doc(sample).pdf)
        assert fonts, '%s: pdffonts lists no fonts' % sample
        bad = ['%s (emb=%s)' % (f['name'], f['emb']) for f in fonts if not f['emb']]
        assert not bad, '%s: fonts not embedded: %s' % (sample, ', '.join(bad))
    return test


def _even_with_printer_line(sample):
    def test():
        d = Doc(sample)
        n = d.npages
        printed = [l for l in d.lines() if '印发' in l.text]
        assert printed, '%s: no 印发 line' % sample
        errors = []
        if n % 2:
            errors.append('%d pages: a document with a 印发 colophon must have an even page count' % n)
        if [l.page for l in printed] != [n]:
            errors.append('the 印发 line should be once, on the last page %d; found on pages %r'
                          % (n, [l.page for l in printed]))
        fail_if(errors, sample)
    return test


def _deterministic(sample):
    def test():
        d = os.path.join(_tmp(), 'twice')
        os.makedirs(d, exist_ok=True)
        out = os.path.join(d, sample + '.pdf')
        runs = []
        for _ in range(2):
            run_render(source(sample), out)
            with open(out, 'rb') as f:
                runs.append(f.read())
            os.remove(out)
        a, b = runs
        if a != b:
            k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            raise AssertionError('%s: two renders differ: %d and %d bytes, first difference at byte %d '
                                 '(%r vs %r)' % (sample, len(a), len(b), k, a[max(0, k - 20):k + 20],
                                                 b[max(0, k - 20):k + 20]))
    return test


TESTS = ([('test_fonts_embedded[%s]' % s, _fonts_embedded(s)) for s in SAMPLES]
         + [('test_page_count_even_with_printer_line[%s]' % s, _even_with_printer_line(s))
            for s in (TZ, MINUTES)]
         + [('test_renders_byte_identically_twice[%s]' % s, _deterministic(s)) for s in SAMPLES])

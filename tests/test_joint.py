"""Joint issuance (联合行文), read back from the PDFs that the current ./gongwen renders of
sources/lianhe-tongzhi.xml (a downward notice of three organs: stacked mark with 文件, no 签发人,
the joint signatures stacked, no seal) and sources/lianhe-qingshi.xml (an upward request of two
organs: two 签发人 on one line beside the number, a 附注 with the contact), against GB/T 9704-2012
as the lead's conventions state it (shared/reference/gbt9704.md §3 版头 "joint issuance" and
"签发人" rows, §4.1 case B), plus three generated sources: lianhe-qingshi with a third 签发人
(the wrapped signer line), five organs (must render and keep the mark's conventions) and twenty
organs (must end cleanly: exit 0, or exit 1 with `file:line: error:`, within 20 s).

    python3 tests/run.py tests/test_joint.py

Each source is rendered once per run into a private temp dir (module-level cache) with
SOURCE_DATE_EPOCH removed, so the tests measure the code as it is now, never a stale out/ file;
the determinism test renders each sample twice more. Text comes from pdftotext words (the mark:
pdftohtml merges 文件 into a name's run when they share a band of height) and pdftohtml runs
(face, size, colour, baseline), ink and rules from pdftoppm rasters at 300 dpi, fonts from
pdffonts. Only the twenty-organ test reads the -f trace output, because poppler drops text that
lies off the paper.

To see a test fail on purpose, point GONGWEN at a wrapper that adds `-p NAME=VALUE` to
`gongwen render` (e.g. -p mark-top=30mm, -p number-below-mark=3ln, -p signer-inset=2ch,
-p joint-mark-gap=3em, -p mark-max-width=200mm, -p signature-inset=3ch, -p date-shift=3ch).

Units: mm, origin at the top-left corner, y downward; pages count from 1.
Conventions (decided by the lead): P = 225/22 mm, CH = 156/28 mm; the em box of a size s spans
baseline - 0.88 s .. baseline + 0.12 s; a text line sits in a P-tall cell with its em box
centred; the mark's lines are their own em boxes; type area x 28..184, y 37..262.
Tolerances: 0.5 mm for text boxes and rule positions, 1 mm for ink edges, 0.1 mm for "same
baseline" and "next line" (baselines P apart), 0.2 mm for "same x" of the signatures.
"""
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

from tests.lib import GONGWEN, ROOT, Skip
from tests.lib import module_tmpdir
from tests.lib import pdfprobe as pp
from tests.lib.checks import cell_top, cell_bottom, em_top_in_cell, off, fail_if, is_red, is_kai
from tests.lib.checks import RenderedPDF

PT = pp.PT
P = 225 / 22                      # line pitch, mm
CH = 156 / 28                     # grid character, mm
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
PAGE_W, PAGE_H = 210.0, 297.0
CENTRE_X = (LEFT + RIGHT) / 2     # 106
BODY_PT, TITLE_PT = 16.0, 22.0
MARK_MIN_PT = 18.0                # above the red rule, anything larger is the mark

TEXT_TOL = 0.5
INK_TOL = 1.0
EXACT_TOL = 0.1
SAME_X_TOL = 0.2
SIZE_TOL = 0.1
DPI = 300
PX = 25.4 / DPI

NS = 'urn:gongwen:source:1'
FACE_MARK = 'NotoSerifCJKsc-Black'          # 小标宋: Noto Serif CJK SC Black
FACE_BODY = 'FandolFang-Regular'            # 仿宋
KAI_NAMES = ('GBZenKai', 'KaitiM')          # 楷体: AR PL KaitiM GB
BLACK = '#000000'

TZ, QS = 'lianhe-tongzhi', 'lianhe-qingshi'
FIVE, TWENTY, THREE = 'five-organs', 'twenty-organs', 'three-signers'
RENDER_LIMIT = 20                 # seconds for the twenty-organ render


# --- small helpers (the style of test_seed_geometry.py) ----------------------------------------















def squeeze(text):
    """Text without the spaces poppler puts between spread-out characters."""
    return re.sub(r'\s+', '', text)


# --- sources -------------------------------------------------------------------------------------

def _tmp():
    return module_tmpdir('joint')


def _q(tag):
    return '{%s}%s' % (NS, tag)


def _cn_date(iso):
    y, m, d = (int(v) for v in iso.split('-'))
    return '%d年%d月%d日' % (y, m, d)


class Source:
    """What a source says, as it should print: organs (mark text), suffix, signers, number,
    signatures, date, note, title lines."""

    def __init__(self, path):
        self.path = path
        root = ET.parse(path).getroot()
        head = root.find(_q('head'))
        organs = head.findall(_q('organ'))
        self.organs = [o.get('mark') or ''.join(o.itertext()).strip() for o in organs]
        self.suffix = organs[0].get('suffix') or ''
        self.signers = [''.join(s.itertext()).strip() for s in head.findall(_q('signer'))]
        n = head.find(_q('number'))
        self.number = '%s〔%d〕%d号' % (n.get('code'), int(n.get('year')), int(n.get('seq'))) if n is not None else None
        closing = root.find(_q('closing'))
        self.signatures = [''.join(s.itertext()).strip() for s in closing.findall(_q('signature'))]
        self.date = _cn_date(closing.find(_q('date')).text.strip())
        note = root.find(_q('note'))
        self.note = '（%s）' % ''.join(note.itertext()).strip() if note is not None else None
        title = root.find(_q('title'))
        self.title = squeeze(''.join(title.itertext()))


def sample_path(name):
    if name in (FIVE, TWENTY):
        return generated_source(5 if name == FIVE else 20)
    if name == THREE:
        return three_signer_source()
    return os.path.join(ROOT, 'sources', name + '.xml')


EXTRA_ORGANS = ['示例省发展和改革委员会', '示例省科学技术厅']


def generated_source(n):
    """lianhe-tongzhi.xml with n organs in the head and n signatures in the closing: its three,
    two more real-looking names, then 示例省第6厅 … (the same text edits, so line numbers stay
    meaningful for error messages)."""
    path = os.path.join(_tmp(), '%d-organs.xml' % n)
    if os.path.exists(path):
        return path
    with open(os.path.join(ROOT, 'sources', TZ + '.xml'), encoding='utf-8') as f:
        text = f.read()
    base = Source(os.path.join(ROOT, 'sources', TZ + '.xml')).organs
    names = (base + EXTRA_ORGANS + ['示例省第%d厅' % i for i in range(6, n + 1)])[:n]
    head = '<organ suffix="文件">%s</organ>\n' % names[0] + ''.join(
        '    <organ>%s</organ>\n' % o for o in names[1:])
    text, k = re.subn(r'<organ suffix="文件">.*?(?=<number)', lambda m: head + '    ', text, flags=re.S)
    assert k == 1, 'could not rewrite the organs of %s' % TZ
    sigs = ''.join('\n    <signature>%s</signature>' % o for o in names)
    text, k = re.subn(r'(<closing>).*?(\s*<date>)', lambda m: m.group(1) + sigs + m.group(2), text, flags=re.S)
    assert k == 1, 'could not rewrite the signatures of %s' % TZ
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


def three_signer_source():
    """lianhe-qingshi.xml with a third 签发人: two names on the first line, one on the second."""
    path = os.path.join(_tmp(), 'three-signers.xml')
    if not os.path.exists(path):
        with open(os.path.join(ROOT, 'sources', QS + '.xml'), encoding='utf-8') as f:
            text = f.read()
        last = re.findall(r'[ \t]*<signer>[^<]*</signer>\n', text)[-1]
        assert last, 'no <signer> in %s' % QS
        text = text.replace(last, last + last.replace(re.search(r'<signer>([^<]*)<', last).group(1), '赵某某'), 1)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(text)
    return path


def run_gongwen(args, timeout=120):
    env = dict(os.environ)
    env.pop('SOURCE_DATE_EPOCH', None)
    t0 = time.monotonic()
    p = subprocess.run([GONGWEN] + args, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    return p, time.monotonic() - t0


def render(src, out, fmt='pdf'):
    p, _ = run_gongwen(['render', src, '-o', out, '-f', fmt])
    if p.returncode != 0 or not os.path.exists(out):
        raise AssertionError('gongwen render %s -f %s failed (exit %d): %s' % (
            src, fmt, p.returncode, p.stderr.decode('utf-8', 'replace').strip()[-800:]))
    return out


# --- a rendered document -------------------------------------------------------------------------



class MLine:
    """One line of the mark from pdftotext words (one face): text, words, x0, x1, em box."""

    def __init__(self, words, metrics):
        self.words = sorted(words, key=lambda w: w.x0)
        self.text = squeeze(''.join(w.text for w in self.words))
        self.x0 = min(w.x0 for w in words)
        self.x1 = max(w.x1 for w in words)
        ems = [pp.em_box(w, metrics) for w in words]
        self.em_top = min(e.y0 for e in ems)
        self.em_bottom = max(e.y1 for e in ems)
        self.size = pp.mm2pt(self.em_bottom - self.em_top)       # the em box is size high

    cy = property(lambda s: (s.em_top + s.em_bottom) / 2)

    def __repr__(self):
        return '%r x=%.3f..%.3f em %.3f..%.3f %.2fpt' % (self.text, self.x0, self.x1, self.em_top,
                                                         self.em_bottom, self.size)


class Doc(RenderedPDF):
    """A rendered source: its PDF, lines, runs, rasters and mark (all cached)."""
    _cache = {}

    def __new__(cls, name):
        if name not in cls._cache:
            d = object.__new__(cls)
            d._reset()
            d.name, d._mark, d._error = name, None, None
            try:
                d.src = Source(sample_path(name))
                d.pdf = render(d.src.path, os.path.join(_tmp(), name + '.pdf'))
            except AssertionError as e:
                d._error = e
            cls._cache[name] = d
        d = cls._cache[name]
        if d._error:
            raise d._error
        return d

    def line(self, text, size=BODY_PT):
        hits = [l for l in self.lines() if l.text == text and abs(l.size - size) <= 0.3]
        if len(hits) != 1:
            raise AssertionError('%s: expected one %g pt line reading %r, found %d: %r' % (
                self.name, size, text, len(hits), hits or [l.text for l in self.lines()][:40]))
        return hits[0]

    # -- the mark --

    def mark(self):
        """(names, suffix): the mark's name lines top to bottom and the suffix line (None if
        the mark has no suffix), from the page-1 words set larger than MARK_MIN_PT."""
        if self._mark is None:
            m = pp.metrics_for(self.pdf, FACE_MARK)
            big = [w for w in pp.words(self.pdf, 1) if w.y1 < self.head_limit()
                   and pp.mm2pt(w.y1 - w.y0) / (m.ascent - m.descent) > MARK_MIN_PT]
            suffix = [w for w in big if self.src.suffix and squeeze(w.text) == self.src.suffix]
            rest = [w for w in big if not any(w is s for s in suffix)]
            groups = []
            for w in sorted(rest, key=lambda w: (w.y1, w.x0)):
                if groups and abs(groups[-1][0].y1 - w.y1) < 0.3:
                    groups[-1].append(w)
                else:
                    groups.append([w])
            names = [MLine(g, m) for g in groups]
            if self.src.suffix and len(suffix) != 1:
                raise AssertionError('%s: expected one word %r in the mark, found %d; the mark reads %r'
                                     % (self.name, self.src.suffix, len(suffix),
                                        [n.text for n in names]))
            self._mark = (names, MLine(suffix, m) if suffix else None)
        return self._mark

    def head_limit(self):
        """Where the 版头 ends on page 1: the top of the red rule, or without one the em top of
        the first 16 pt line, or the foot of the page."""
        rules = pp.hrules(self.raster(1), 'red', min_length_mm=100)
        if len(rules) == 1:
            return rules[0].y0
        body = [l.em_top for l in self.lines(1) if abs(l.size - BODY_PT) <= 0.3]
        return min(body) if body else PAGE_H

    def title_lines(self):
        """The title: the lines on page 1 below the 版头 set larger than the body."""
        return [l for l in self.lines(1) if l.em_top > self.head_limit() and l.size > BODY_PT + 2]

    def head_lines(self):
        """The 16 pt lines on page 1 between the mark and the red rule (number, 签发人)."""
        names, _ = self.mark()
        rule = red_rule(self)
        return [l for l in self.lines(1) if abs(l.size - BODY_PT) <= 0.3
                and l.em_top > names[-1].em_bottom and l.em_bottom < rule.y0]


def red_rule(doc):
    rules = pp.hrules(doc.raster(1), 'red', min_length_mm=100)
    assert len(rules) == 1, '%s: expected one red rule >= 100 mm on page 1, found %d: %r' % (
        doc.name, len(rules), rules)
    return rules[0]


def mark_names(doc):
    """The mark's name lines; they must read as the source's organs, in order."""
    names, _ = doc.mark()
    got = [n.text for n in names]
    assert got == doc.src.organs, ('%s: the mark\'s stacked lines read %r, expected the organs in '
                                   'source order %r' % (doc.name, got, doc.src.organs))
    return names


# === the mark ====================================================================================

def check_mark_stacked_lead_first_red_black(name):
    doc = Doc(name)
    names = mark_names(doc)
    _, suffix = doc.mark()
    errors = []
    if suffix is None:
        errors.append('no %r beside the names' % doc.src.suffix)
    for a, b in zip(names, names[1:]):
        if not b.em_top >= a.em_bottom - 0.01:
            errors.append('%r (em top %.3f) is not below %r (em bottom %.3f)'
                          % (b.text, b.em_top, a.text, a.em_bottom))
    sizes = [n.size for n in names] + ([suffix.size] if suffix else [])
    if max(sizes) - min(sizes) > SIZE_TOL:
        errors.append('the names and %s differ in size: %r pt' % (doc.src.suffix, ['%.2f' % s for s in sizes]))
    big = [r for r in doc.runs(1) if r.size > MARK_MIN_PT and r.y1 < doc.head_limit()]
    for r in big:
        if r.font != FACE_MARK:
            errors.append('%r: face %s, expected %s (Noto Serif CJK SC Black)' % (r.text, r.font, FACE_MARK))
        if not is_red(r.rgb):
            errors.append('%r: colour %s, expected red' % (r.text, r.colour))
    printed = sorted(squeeze(''.join(r.text for r in big)))
    want = sorted(''.join(doc.src.organs) + doc.src.suffix)
    if printed != want:
        errors.append('the red mark runs hold %r, expected the characters of %r'
                      % (''.join(printed), ''.join(doc.src.organs) + doc.src.suffix))
    fail_if(errors, '%s mark' % name)


def check_mark_names_spread_to_one_width(name):
    doc = Doc(name)
    names = mark_names(doc)
    _, suffix = doc.mark()
    right_limit = suffix.x0 - 0.3 if suffix else PAGE_W
    inks, errors = [], []
    for n in names:
        ink = pp.ink_bbox(doc.raster(1), (0, n.em_top - 0.3, right_limit, n.em_bottom + 0.3), 'red')
        if ink is None:
            errors.append('no red ink for %r' % n.text)
        else:
            inks.append((n.text, ink))
    if len(inks) >= 2:
        for side in ('x0', 'x1'):
            vals = [getattr(i, side) for _, i in inks]
            if max(vals) - min(vals) > INK_TOL:
                errors.append('%s ink edges differ by %.3f mm (> %g): %s' % (
                    'left' if side == 'x0' else 'right', max(vals) - min(vals), INK_TOL,
                    ', '.join('%s %.3f' % (t, getattr(i, side)) for t, i in inks)))
    fail_if(errors, '%s names spread to one width' % name)


def check_suffix_right_of_names_centred_on_stack(name):
    doc = Doc(name)
    names = mark_names(doc)
    _, suffix = doc.mark()
    assert suffix, '%s: no %r in the mark' % (name, doc.src.suffix)
    errors = []
    widest = max(n.x1 for n in names)
    if not suffix.x0 > widest:
        errors.append('%s starts at x %.3f, not right of the names (which end at %.3f)'
                      % (doc.src.suffix, suffix.x0, widest))
    stack_cy = (names[0].em_top + names[-1].em_bottom) / 2
    errors.append(off(suffix.cy, stack_cy, TEXT_TOL, '%s em-box centre y (stack %.3f..%.3f)'
                      % (doc.src.suffix, names[0].em_top, names[-1].em_bottom)))
    fail_if(errors, '%s %s' % (name, doc.src.suffix))


def check_mark_top_72mm(name):
    doc = Doc(name)
    names = mark_names(doc)
    errors = [off(names[0].em_top, TOP + 35, TEXT_TOL, 'first name %r em top (35 mm below the type area)'
                  % names[0].text)]
    ink = pp.ink_bbox(doc.raster(1), (0, TOP, PAGE_W, names[0].em_bottom), 'red')
    if ink is None:
        errors.append('no red ink above the first name\'s em bottom')
    else:
        errors.append(off(ink.y0, TOP + 35, INK_TOL, 'mark red ink top'))
    fail_if(errors, '%s mark top' % name)


def check_mark_ink_within_area_centred(name):
    doc = Doc(name)
    names = mark_names(doc)
    ink = pp.ink_bbox(doc.raster(1), (0, TOP, PAGE_W, names[-1].em_bottom + 1), 'red')
    assert ink, '%s: no red ink in the mark' % name
    errors = []
    if ink.x0 < LEFT - PX or ink.x1 > RIGHT + PX:
        errors.append('mark ink x %.3f..%.3f leaves the type area %g..%g' % (ink.x0, ink.x1, LEFT, RIGHT))
    errors.append(off(ink.cx, CENTRE_X, INK_TOL, 'mark ink centre x (ink %.3f..%.3f)' % (ink.x0, ink.x1)))
    fail_if(errors, '%s mark ink' % name)


def mark_scale(doc):
    """(scale, natural width): how much the mark's glyphs are compressed (advance / size of the
    name with the most characters, which carries the least added spacing), and the width the
    whole mark would have uncompressed (its printed width / scale)."""
    names = mark_names(doc)
    _, suffix = doc.mark()
    longest = max(names, key=lambda n: len(n.text))
    size_mm = longest.size * PT
    scale = (longest.x1 - longest.x0) / (len(longest.text) * size_mm)
    right = suffix.x1 if suffix else max(n.x1 for n in names)
    return scale, (right - min(n.x0 for n in names)) / scale


def check_mark_compressed_when_too_wide(name):
    doc = Doc(name)
    names = mark_names(doc)
    scale, natural = mark_scale(doc)
    errors = []
    if natural > RIGHT - LEFT + TEXT_TOL:
        # every character of every name narrower than tall (pdftotext: one word per spread
        # character; a run of unspread characters is one word)
        for n in names:
            for w in n.words:
                adv = w.width / len(squeeze(w.text))
                if not adv < 0.99 * n.size * PT:
                    errors.append('%r in %r: %.3f mm wide per character, not narrower than the '
                                  '%.3f mm em (natural width %.1f mm > 156)'
                                  % (w.text, n.text, adv, n.size * PT, natural))
    elif scale < 0.99:
        errors.append('compressed to %.3f although the natural width %.1f mm fits in 156 mm' % (scale, natural))
    fail_if(errors, '%s mark compression' % name)


# === number, 签发人, red rule ====================================================================

def check_first_head_line_two_lines_below_stack(name):
    doc = Doc(name)
    names = mark_names(doc)
    head = doc.head_lines()
    assert head, '%s: no 16 pt line between the mark and the red rule' % name
    want = em_top_in_cell(names[-1].em_bottom + 2 * P)
    errors = [off(head[0].em_top, want, TEXT_TOL, '%r em top (= last name em bottom %.3f + 2P + (P - 16pt)/2)'
                  % (head[0].text, names[-1].em_bottom))]
    if doc.src.number and not any(doc.src.number in l.text for l in head):
        errors.append('the number %r is not between the mark and the rule: %r' % (doc.src.number, head))
    fail_if(errors, '%s number' % name)


def check_red_rule_4mm_below_head(name):
    doc = Doc(name)
    rule = red_rule(doc)
    head = doc.head_lines()
    assert head, '%s: no 16 pt line between the mark and the red rule' % name
    fail_if([off(rule.cy, head[-1].em_bottom + 4, TEXT_TOL, 'red rule centre (= %r em bottom %.3f + 4 mm)'
                 % (head[-1].text, head[-1].em_bottom)),
             off(rule.x0, LEFT, TEXT_TOL, 'red rule left end'),
             off(rule.x1, RIGHT, TEXT_TOL, 'red rule right end')], '%s red rule' % name)


def test_tongzhi_number_centred_without_signer():
    doc = Doc(TZ)
    assert not doc.src.signers, 'the sample gained a 签发人'
    head = doc.head_lines()
    assert [l.text for l in head] == [doc.src.number], \
        'head lines between the mark and the rule: %r, expected only the number %r' % (head, doc.src.number)
    n = head[0]
    errors = [off(n.cx, CENTRE_X, TEXT_TOL, 'number %r centre x' % n.text)]
    for r in n.runs:
        if r.font != FACE_BODY or abs(r.size - BODY_PT) > SIZE_TOL or r.colour != BLACK:
            errors.append('%r: %s %.2f pt %s, expected %s 16 pt black' % (r.text, r.font, r.size, r.colour, FACE_BODY))
    fail_if(errors, 'tongzhi number')


def qs_signer_line():
    doc = Doc(QS)
    want = '签发人：' + '\u3000'.join(doc.src.signers)
    head = doc.head_lines()
    hits = [l for l in head if '签发人：' in l.text]
    assert len(hits) == 1, 'expected one 签发人 line, found %r' % head
    l = hits[0]
    label = [r for r in l.runs if r.text == '签发人：']
    names = [r for r in l.runs if r.text == '\u3000'.join(doc.src.signers)]
    assert label and names, 'the 签发人 line should hold runs %r and %r, has %r' % (
        '签发人：', '\u3000'.join(doc.src.signers), [r.text for r in l.runs])
    assert want in l.text, '签发人 line %r does not read %r' % (l.text, want)
    return l, label[0], names[0]


def test_qingshi_two_signers_on_one_line_1ch_from_right():
    _, label, names = qs_signer_line()
    errors = []
    if label.font != FACE_BODY:
        errors.append('"签发人：" face %s, expected %s' % (label.font, FACE_BODY))
    if not is_kai(names.font):
        errors.append('%r face %s, expected 楷体 (GBZenKai)' % (names.text, names.font))
    for r in (label, names):
        if abs(r.size - BODY_PT) > SIZE_TOL or r.colour != BLACK:
            errors.append('%r: %.2f pt %s, expected 16 pt black' % (r.text, r.size, r.colour))
    errors.append(off(names.baseline, label.baseline, EXACT_TOL, 'names baseline vs the label\'s'))
    errors.append(off(names.x0, label.x1, TEXT_TOL, 'names left edge vs label right edge'))
    errors.append(off(names.x1, RIGHT - CH, TEXT_TOL, 'signer names right edge (184 - 1 CH)'))
    fail_if(errors, 'qingshi 签发人')


def test_qingshi_number_1ch_in_on_the_last_signer_baseline():
    doc = Doc(QS)
    line, label, names = qs_signer_line()
    num = [r for r in doc.runs(1) if r.text == doc.src.number]
    assert len(num) == 1, 'expected one run %r on page 1, found %r' % (doc.src.number, num)
    num = num[0]
    errors = [off(num.x0, LEFT + CH, TEXT_TOL, 'number left edge (28 + 1 CH)'),
              off(num.baseline, names.baseline, EXACT_TOL, 'number baseline vs the (last) 签发人 line')]
    if num.font != FACE_BODY or abs(num.size - BODY_PT) > SIZE_TOL:
        errors.append('number: %s %.2f pt, expected %s 16 pt' % (num.font, num.size, FACE_BODY))
    fail_if(errors, 'qingshi number')


def test_three_signers_wrap_under_the_first_name_number_on_the_last_line():
    """Three 签发人 (lianhe-qingshi plus 赵某某): two names a line, the second line's name under
    the first name of the line above, the number on the last signer line, the rule 4 mm below."""
    doc = Doc(THREE)
    head = doc.head_lines()
    signer_lines = [l for l in head if any(n in l.text for n in doc.src.signers)]
    want = ['签发人：' + ''.join(doc.src.signers[:2]), doc.src.signers[2]]
    got = [squeeze(''.join(r.text for r in l.runs if r.text != doc.src.number)) for l in signer_lines]
    assert got == want, 'signer lines read %r, expected %r (head lines %r)' % (got, want, head)
    first, second = signer_lines
    names1 = [r for r in first.runs if squeeze(r.text).startswith(doc.src.signers[0])]
    names2 = [r for r in second.runs if squeeze(r.text) == doc.src.signers[2]]
    num = [r for r in doc.runs(1) if r.text == doc.src.number]
    assert names1 and names2 and len(num) == 1, 'runs: %r / %r / number %r' % (first.runs, second.runs, num)
    num = num[0]
    errors = [off(second.baseline, first.baseline + P, EXACT_TOL, 'second signer line baseline (= first + P)'),
              off(names2[0].x0, names1[0].x0, TEXT_TOL, '%r left edge (= first name %r left edge)'
                  % (doc.src.signers[2], doc.src.signers[0])),
              off(names1[0].x1, RIGHT - CH, TEXT_TOL, 'first signer line right edge (184 - 1 CH)'),
              off(num.baseline, second.baseline, EXACT_TOL, 'number baseline (= last signer line)'),
              off(num.x0, LEFT + CH, TEXT_TOL, 'number left edge (28 + 1 CH)'),
              off(red_rule(doc).cy, max(second.em_bottom, pp.em_box(num).y1) + 4, TEXT_TOL,
                  'red rule centre (4 mm below the last signer line)')]
    if not is_kai(names2[0].font):
        errors.append('%r face %s, expected 楷体' % (names2[0].text, names2[0].font))
    fail_if(errors, 'three 签发人')


# === signatures, date, 附注 ========================================================================

def signature_lines(doc):
    return [doc.line(s) for s in doc.src.signatures]


def test_tongzhi_signatures_consecutive_in_order_same_left_edge():
    doc = Doc(TZ)
    sigs = signature_lines(doc)
    errors = []
    for a, b in zip(sigs, sigs[1:]):
        if a.page != b.page:
            errors.append('%r on page %d, %r on page %d' % (a.text, a.page, b.text, b.page))
            continue
        errors.append(off(b.baseline, a.baseline + P, EXACT_TOL, '%r baseline (= %r baseline + P)' % (b.text, a.text)))
        errors.append(off(b.x0, a.x0, SAME_X_TOL, '%r left edge (= %r left edge)' % (b.text, a.text)))
        if doc.after(a) is not b:
            errors.append('%r is followed by %r, expected %r' % (a.text, doc.after(a), b.text))
    widest = max(sigs, key=lambda l: l.x1 - l.x0)
    errors.append(off(widest.x1, RIGHT - 2 * CH, TEXT_TOL, 'longest signature %r right edge (184 - 2 CH)' % widest.text))
    fail_if(errors, 'tongzhi joint signatures')


def test_tongzhi_date_next_line_2ch_right_of_signatures():
    doc = Doc(TZ)
    sigs = signature_lines(doc)
    date = doc.line(doc.src.date)
    errors = []
    if doc.after(sigs[-1]) is not date:
        errors.append('the last signature is followed by %r, expected the date' % doc.after(sigs[-1]))
    errors.append(off(date.baseline, sigs[-1].baseline + P, EXACT_TOL, 'date baseline (= last signature + P)'))
    errors.append(off(date.x0, sigs[0].x0 + 2 * CH, TEXT_TOL, 'date left edge (= signatures\' left %.3f + 2 CH)'
                      % sigs[0].x0))
    if date.x1 > RIGHT - 2 * CH + TEXT_TOL:
        errors.append('date ends at %.3f, beyond 184 - 2 CH' % date.x1)
    fail_if(errors, 'tongzhi date')


def test_tongzhi_first_signature_one_blank_line_below_text():
    doc = Doc(TZ)
    sig = signature_lines(doc)[0]
    last = doc.before(sig)
    assert last is not None and last.page == sig.page, \
        'the first signature %r has no text line above it on its page (before it: %r)' % (sig, last)
    pp.approx(sig.cell_top, last.cell_bottom + P, TEXT_TOL,
              'first signature cell top (= last text line %r cell bottom %.3f + P)' % (last.text[:12], last.cell_bottom))


def test_qingshi_note_on_the_line_below_the_date_2ch_in():
    doc = Doc(QS)
    date = doc.line(doc.src.date)
    note = doc.line(doc.src.note)
    errors = []
    if doc.after(date) is not note:
        errors.append('the date is followed by %r, expected the note %r' % (doc.after(date), doc.src.note))
    errors.append(off(note.baseline, date.baseline + P, EXACT_TOL, 'note baseline (= date baseline + P)'))
    errors.append(off(note.x0, LEFT + 2 * CH, TEXT_TOL, 'note left edge (28 + 2 CH)'))
    fail_if(errors, 'qingshi 附注')


# === title =====================================================================================

def split_organs(doc):
    """Organ names that the title holds but no single title line holds whole."""
    lines = [squeeze(l.text) for l in doc.title_lines()]
    joined = ''.join(lines)
    assert joined == doc.src.title, '%s: title lines %r do not read the source title %r' % (
        doc.name, lines, doc.src.title)
    return [(o, lines) for o in doc.src.organs if o in joined and not any(o in l for l in lines)]


def test_qingshi_title_keeps_organ_names_whole():
    split = split_organs(Doc(QS))
    assert not split, 'organ names split across title lines: %r' % split


def test_tongzhi_title_keeps_organ_names_whole():
    split = split_organs(Doc(TZ))
    assert not split, 'organ names split across title lines: %r' % split


def test_tongzhi_title_lines_are_centred():
    # Spaces where a line ends are not set: each title line is centred on its ink.
    for line in Doc(TZ).title_lines():
        pp.approx((line.x0 + line.x1) / 2, 106.0, 0.6, 'title line %r centred' % line.text)


# === determinism and fonts ========================================================================

def check_byte_identical_twice(name):
    doc = Doc(name)
    outs = [render(doc.src.path, os.path.join(_tmp(), '%s-again-%d.pdf' % (name, i))) for i in (1, 2)]
    datas = [open(p, 'rb').read() for p in [doc.pdf] + outs]
    bad = [i for i, d in enumerate(datas[1:], 1) if d != datas[0]]
    assert not bad, '%s: renders %r differ from the first (%d bytes vs %r)' % (
        name, bad, len(datas[0]), [len(d) for d in datas[1:]])


def check_fonts_embedded_and_subset(name):
    doc = Doc(name)
    fonts = pp.pdf_fonts(doc.pdf)
    assert fonts, 'pdffonts lists no fonts'
    bad = ['%s (emb=%s sub=%s)' % (f['name'], f['emb'], f['sub']) for f in fonts if not (f['emb'] and f['sub'])]
    have = {f['family'] for f in fonts}
    want = {FACE_MARK, FACE_BODY}
    errors = ['fonts not embedded and subset: %s' % ', '.join(bad)] if bad else []
    if want - have:
        errors.append('faces missing: %s (have %s)' % (sorted(want - have), sorted(have)))
    if doc.src.signers and not any(is_kai(f) for f in have):
        errors.append('no 楷体 face for the 签发人 names (have %s)' % sorted(have))
    fail_if(errors, '%s fonts' % name)


# === more organs ===============================================================================

def test_five_organs_render_and_keep_the_mark_conventions():
    """Five organs: the mark just grows downwards (15.875 mm a name), compressed as wide as the
    widest name needs; the number stays two lines below the stack."""
    doc = Doc(FIVE)
    errors = []
    for check in (check_mark_stacked_lead_first_red_black, check_mark_names_spread_to_one_width,
                  check_suffix_right_of_names_centred_on_stack, check_mark_top_72mm,
                  check_mark_ink_within_area_centred, check_mark_compressed_when_too_wide,
                  check_first_head_line_two_lines_below_stack):
        try:
            check(FIVE)
        except AssertionError as e:
            errors.append('%s: %s' % (check.__name__, e))
    fail_if(errors, 'five organs (%s)' % doc.pdf)


def twenty_render():
    """(process, seconds, pdf path) of rendering the twenty-organ source, once."""
    if not hasattr(twenty_render, 'done'):
        src = generated_source(20)
        out = os.path.join(_tmp(), 'twenty.pdf')
        try:
            p, secs = run_gongwen(['render', src, '-o', out], timeout=RENDER_LIMIT)
        except subprocess.TimeoutExpired:
            p, secs = None, RENDER_LIMIT
        twenty_render.done = (p, secs, src, out)
    return twenty_render.done


def test_twenty_organs_exit_0_or_1_with_file_line_error_within_20s():
    p, secs, src, out = twenty_render()
    assert p is not None, 'gongwen render of 20 organs did not finish within %d s' % RENDER_LIMIT
    err = p.stderr.decode('utf-8', 'replace')
    assert p.returncode in (0, 1), 'exit %d (a crash is < 0 or >= 2): %s' % (p.returncode, err.strip()[-600:])
    assert 'Sanitizer' not in err and 'Segmentation' not in err, 'crash report: %s' % err[-600:]
    if p.returncode == 1:
        assert re.search(r'^%s:\d+: error: \S' % re.escape(src), err, re.M), \
            'exit 1 without a "%s:LINE: error: message" line: %r' % (src, err[-600:])
        assert not os.path.exists(out), 'a failed render left %s' % out
    else:
        info = pp.pdf_info(out)
        assert info['Pages'] >= 1, 'exit 0 but %s has no pages' % out


def test_twenty_organs_if_rendered_nothing_lies_off_the_paper():
    """Whatever the answer to twenty organs is (an error, a smaller mark, the lead organ's mark
    alone), no text may be set outside the paper. Poppler drops text off the page, so the
    positions come from the -f trace; the PDF says which organ names went missing."""
    p, secs, src, out = twenty_render()
    if p is None or p.returncode != 0:
        raise Skip('the twenty-organ source does not render (exit %s); nothing to measure'
                   % (p.returncode if p else 'timeout'))
    trace = render(src, os.path.join(_tmp(), 'twenty.trace'), 'trace')
    outside = []
    with open(trace, encoding='utf-8') as f:
        page = 0
        for line in f:
            m = re.match(r'page (\d+)\b', line)
            if m:
                page = int(m.group(1))
                continue
            m = re.match(r'\s*text x=(-?[\d.]+)\.\.(-?[\d.]+) baseline=(-?[\d.]+) \S+ ([\d.]+)pt.*?\|(.*)\|\s*$', line)
            if not m:
                continue
            x0, x1, base, size = (float(m.group(i)) for i in range(1, 5))
            top, bottom = base - 0.88 * size * PT, base + 0.12 * size * PT
            if x0 < -0.01 or x1 > PAGE_W + 0.01 or top < -0.01 or bottom > PAGE_H + 0.01:
                outside.append('page %d %r x %.1f..%.1f em %.1f..%.1f' % (page, m.group(5), x0, x1, top, bottom))
    m = pp.metrics_for(out, FACE_MARK)
    seen = squeeze(''.join(w.text for w in pp.words(out, 1)
                           if pp.mm2pt(w.y1 - w.y0) / (m.ascent - m.descent) > MARK_MIN_PT))
    missing = [o for o in Source(src).organs if o not in seen]
    # The missing names are information only: the lead organ's mark alone would be a fallback.
    fail_if(outside, 'twenty organs: exit 0 in %.1f s, no message, text set off the paper; '
            'the PDF\'s page-1 mark lacks %d of the 20 names (%s)'
            % (secs, len(missing), ', '.join(missing) or 'none'))


# === parametrised cases ============================================================================

TESTS = []
for _name in (TZ, QS):
    for _check in (check_mark_stacked_lead_first_red_black, check_mark_names_spread_to_one_width,
                   check_suffix_right_of_names_centred_on_stack, check_mark_top_72mm,
                   check_mark_ink_within_area_centred, check_mark_compressed_when_too_wide,
                   check_first_head_line_two_lines_below_stack, check_red_rule_4mm_below_head,
                   check_byte_identical_twice, check_fonts_embedded_and_subset):
        TESTS.append(('%s[%s]' % (_check.__name__.replace('check_', 'test_'), _name),
                      (lambda c, n: lambda: c(n))(_check, _name)))


def _mark_names(src, *args):
    """(exit, stderr, the names set in the mark) of `gongwen layout src`."""
    out = os.path.join(_tmp(), os.path.basename(src) + '%d.layout.xml' % len(args))
    p, _ = run_gongwen(['layout', src, '-o', out] + list(args))
    if p.returncode != 0:
        return p.returncode, p.stderr.decode(), None
    with open(out, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r'<columns[^>]*face="mark".*?</columns>', text, re.S)
    if m:
        names = re.findall(r'<para[^>]*>([^<]*)</para>', m.group(0))
    else:
        names = re.findall(r'<para[^>]*face="mark"[^>]*>([^<]*)</para>', text)[:1]
    return p.returncode, p.stderr.decode(), names


def test_too_many_organs_for_the_first_page_leave_the_lead_organ_alone_in_the_mark():
    # §7.1: 联合行文机关过多，应当保证公文首页显示正文. Six names stack (92 mm of a 36 pt mark);
    # seven would stand 108 mm high, over joint-mark-max-height (100 mm): the lead organ alone,
    # with a warning at the first organ's line. joint-mark="all" keeps every organ.
    rc, err, names = _mark_names(generated_source(6))
    assert rc == 0 and len(names) == 6 + 1 and 'warning' not in err, (rc, err, names)  # 6 names, 文件
    src = generated_source(7)
    rc, err, names = _mark_names(src)
    assert rc == 0 and len(names) == 1 and names[0].endswith('文件'), (rc, names)
    assert re.search(r'^%s:\d+: warning: the 7 organs stacked' % re.escape(src), err, re.M), err
    with open(src, encoding='utf-8') as f:
        text = f.read()
    forced = os.path.join(_tmp(), 'seven-all.xml')
    with open(forced, 'w', encoding='utf-8') as f:
        f.write(text.replace('<head>', '<head joint-mark="all">', 1))
    rc, err, names = _mark_names(forced)
    assert rc == 0 and len(names) == 7 + 1 and 'warning' not in err, (rc, err, names)
    rc, err, names = _mark_names(src, '-p', 'joint-mark-max-height=120mm')
    assert rc == 0 and len(names) == 7 + 1, (rc, err, names)

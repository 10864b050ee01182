"""Geometry of the seed document, read back from the PDF that the current ./gongwen
renders of sources/seed-wangluo-yishixingtai.xml, against GB/T 9704-2012 as the lead's
layout conventions state it (shared/reference/gbt9704.md has the standard's numbers).

The PDF is rendered once per run into a private temp dir (module-level cache), with
SOURCE_DATE_EPOCH removed from the environment, so these tests measure the code as it
is now and never a stale out/ file. Everything is measured in the PDF: text with
pdftohtml/pdftotext (tests/lib/pdfprobe.py), ink and rules in pdftoppm rasters, fonts
and metadata with pdffonts/pdfinfo and the raw PDF. The trace output (-f trace) is
only used by the last test, to cross-check the baselines.

Units: mm, origin at the top-left corner, y downward; pages count from 1.
Tolerances: 0.5 mm for text boxes and rule positions, 1 mm for ink edges; 0.1 mm for
relations the conventions call exact (same baseline, baselines P apart); 0.1 mm for
rule thickness (about 1 px at 300 dpi; 0.5 mm could not tell 0.35 mm from 0.6 mm).

Layout conventions tested (decided by the lead; from the standard):
  type area x 28..184, y 37..262; P = 225/22 (line pitch), CH = 156/28 (character);
  em box of size s: baseline - 0.88 s .. baseline + 0.12 s; every line's em box is
  centred in a cell of height P (the mark's cell is its own em box).
"""
import datetime
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zlib

from tests.lib import GONGWEN, ROOT
from tests.lib import module_tmpdir
from tests.lib import pdfprobe as pp
from tests.lib.checks import cell_top, cell_bottom, em_top_in_cell, off, fail_if, text_lines

SOURCE = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')

PT = pp.PT
P = 225 / 22                      # line pitch, mm
CH = 156 / 28                     # grid character, mm
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
CENTRE_X = (LEFT + RIGHT) / 2     # 106
BODY_PT, TITLE_PT, MARK_PT, SMALL_PT = 16.0, 22.0, 36.0, 14.0
EM14 = SMALL_PT * PT              # one 四号 character, 4.939 mm

TEXT_TOL = 0.5                    # text boxes and rule positions
INK_TOL = 1.0                     # ink edges
EXACT_TOL = 0.1                   # "exactly": same baseline, P apart, trace = PDF
THICK_TOL = 0.1                   # rule thickness
SIZE_TOL = 0.1                    # font size, pt
DPI = 300
PX = 25.4 / DPI

RED = '#e60012'
BLACK = '#000000'
FACE_MARK = FACE_TITLE = 'NotoSerifCJKsc-Black'   # Noto Serif CJK SC Black
FACE_BODY = 'FandolFang-Regular'
FACE_KAI = 'GBZenKai-Medium'                      # AR PL KaitiM GB
FACE_FOLIO = 'NotoSerifCJKsc-Regular'             # Noto Serif CJK SC Regular

ORGAN = '中共大同师范高等专科学校委员会'
MARK = ORGAN + '文件'
NUMBER = '同师党字〔2020〕42号'
SIGNER_LABEL, SIGNER = '签发人：', '岳艺斌'
TITLE_LINES = ['中共大同师范高等专科学校委员会', '网络意识形态工作责任制实施细则']
DATE = '2020年12月31日'
PRINTED = DATE + '印发'

CLOSING = '，。、；：？！）》”’'     # may not start a line
OPENING = '（《“‘'                 # may not end a line
NUMERALS = '一二三四五六七八九'


def cn(n):
    """1..99 as Chinese numerals: 十, 十一, 二十, ..."""
    tens, ones = divmod(n, 10)
    return ((NUMERALS[tens - 1] if tens > 1 else '') + ('十' if tens else '')
            + (NUMERALS[ones - 1] if ones else ''))












# --- rendering (once per run) -----------------------------------------------------------

_RENDERED = {}


def _tmp():
    return module_tmpdir('seed-geometry')


def render(fmt='pdf', epoch=None):
    """Render the seed with the current binary; cached. SOURCE_DATE_EPOCH is unset
    unless epoch is given. Returns the output path."""
    key = (fmt, epoch)
    if key not in _RENDERED:
        env = dict(os.environ)
        env.pop('SOURCE_DATE_EPOCH', None)
        if epoch is not None:
            env['SOURCE_DATE_EPOCH'] = str(epoch)
        out = os.path.join(_tmp(), 'seed-%s-%s.%s' % (fmt, 'now' if epoch is None else epoch,
                                                      'pdf' if fmt == 'pdf' else fmt))
        cmd = [GONGWEN, 'render', SOURCE, '-o', out, '-f', fmt]
        p = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=120)
        if p.returncode != 0 or not os.path.exists(out):
            _RENDERED[key] = AssertionError('%s failed (exit %d): %s' % (
                ' '.join(cmd), p.returncode, p.stderr.decode('utf-8', 'replace').strip()[-800:]))
        else:
            _RENDERED[key] = out
    if isinstance(_RENDERED[key], Exception):
        raise _RENDERED[key]
    return _RENDERED[key]


def pdf():
    return render('pdf')


def npages():
    return pp.pdf_info(pdf())['Pages']


_RASTERS = {}


def raster(page):
    if page not in _RASTERS:
        _RASTERS[page] = pp.raster(pdf(), page, DPI)
    return _RASTERS[page]


# --- text lines from the PDF ---------------------------------------------------------------



_LINES = []


def all_lines():
    """Every printed line of the PDF in reading order (page, then baseline)."""
    if not _LINES:
        _LINES.extend(text_lines(pdf()))
    return list(_LINES)


def lines_on(page):
    return [l for l in all_lines() if l.page == page]


def one_line(text, page=None, size=None, exact=True):
    hits = [l for l in all_lines() if (l.text == text if exact else text in l.text)
            and (page is None or l.page == page)
            and (size is None or abs(l.size - size) <= 0.3)]
    if len(hits) != 1:
        raise AssertionError('expected one line %s %r%s%s, found %d: %r' % (
            'reading' if exact else 'containing', text, '' if page is None else ' on page %d' % page,
            '' if size is None else ' at %gpt' % size, len(hits),
            hits or [l for l in all_lines() if l.page == (page or 1)][:12]))
    return hits[0]


def one_run(text, page=1):
    hits = [r for r in pp.text_runs(pdf(), page) if r.text == text]
    if len(hits) != 1:
        raise AssertionError('expected one text run %r on page %d, found %d (runs there: %r)'
                             % (text, page, len(hits), [r.text for r in pp.text_runs(pdf(), page)][:12]))
    return hits[0]


def number_line():
    return one_line(NUMBER, page=1, exact=False)


def body_lines():
    """The 正文 lines: every 16 pt line after the number/signer line on page 1, up to the
    signature and date on the last page (which are left out), in reading order."""
    n = npages()
    head = [l for l in lines_on(1) if NUMBER in l.text or SIGNER_LABEL in l.text]
    below = max(l.baseline for l in head) if head else 0
    out = []
    for l in all_lines():
        if abs(l.size - BODY_PT) > 0.3:
            continue
        if l.page == 1 and l.baseline <= below + 0.3:
            continue
        if l.page == n and l.text in (ORGAN, DATE):
            continue
        out.append(l)
    if not out:
        raise AssertionError('no 16 pt body lines found in %s' % pdf())
    return out


def is_indented(line):
    return line.x0 > LEFT + CH


def paragraphs():
    """Body lines grouped into paragraphs: a paragraph starts at every indented line."""
    paras = []
    for l in body_lines():
        if is_indented(l) or not paras:
            paras.append([l])
        else:
            paras[-1].append(l)
    return paras


def char_units(text):
    """Grid characters a text fills: full-width characters (CJK, punctuation, U+3000) 1,
    half-width ones (ASCII digits, letters, spaces) 1/2."""
    return sum(0.5 if c.isascii() else 1 for c in text)


def source_paragraphs():
    root = ET.parse(SOURCE).getroot()
    ns = root.tag[:root.tag.index('}') + 1] if root.tag.startswith('{') else ''
    body = root.find(ns + 'body')
    return [''.join(p.itertext()) for p in body.iter(ns + 'p')]


# --- the raw PDF (outline) ---------------------------------------------------------------

def pdf_objects(path):
    """{object number: bytes of its body}, from the file and from any /ObjStm."""
    with open(path, 'rb') as f:
        data = f.read()
    objs = {int(m.group(1)): m.group(2)
            for m in re.finditer(rb'(?<![0-9])(\d+)\s+\d+\s+obj\b(.*?)\bendobj', data, re.S)}
    for num, body in list(objs.items()):
        if not re.search(rb'/Type\s*/ObjStm\b', body):
            continue
        first = int(re.search(rb'/First\s+(\d+)', body).group(1))
        m = re.search(rb'stream\r?\n', body)
        try:
            raw = zlib.decompressobj().decompress(body[m.end():])
        except zlib.error:
            continue
        head = [int(v) for v in raw[:first].split()]
        pairs = list(zip(head[0::2], head[1::2]))
        for i, (onum, offset) in enumerate(pairs):
            end = pairs[i + 1][1] if i + 1 < len(pairs) else len(raw) - first
            objs.setdefault(onum, raw[first + offset:first + end])
    return objs


def pdf_string(body, key):
    """Decode the string value of /key in a dict body: (literal) or <hex>; UTF-16BE with BOM."""
    m = re.search(rb'/' + key + rb'\s*([(<])', body)
    if not m:
        return None
    i = m.end()
    if m.group(1) == b'<':
        raw = bytes.fromhex(body[i:body.index(b'>', i)].decode('ascii'))
    else:
        out, depth = bytearray(), 1
        while i < len(body):
            c = body[i:i + 1]
            if c == b'\\':
                nxt = body[i + 1:i + 2]
                if nxt in b'01234567' and nxt:
                    oct_ = re.match(rb'[0-7]{1,3}', body[i + 1:i + 4]).group(0)
                    out.append(int(oct_, 8) & 255)
                    i += 1 + len(oct_)
                    continue
                out += {b'n': b'\n', b'r': b'\r', b't': b'\t', b'b': b'\b', b'f': b'\f'}.get(nxt, nxt)
                i += 2
                continue
            if c == b'(':
                depth += 1
            elif c == b')':
                depth -= 1
                if depth == 0:
                    break
            out += c
            i += 1
        raw = bytes(out)
    if raw[:2] == b'\xfe\xff':
        return raw[2:].decode('utf-16-be', 'replace')
    return raw.decode('latin-1')


def ref(body, key):
    m = re.search(rb'/' + key + rb'\s+(\d+)\s+\d+\s+R', body)
    return int(m.group(1)) if m else None


def outline_entries(path):
    """[(title, depth, destination page object or None)] depth-first in outline order."""
    objs = pdf_objects(path)
    root = [n for n, b in objs.items() if re.search(rb'/Type\s*/Outlines\b', b)]
    if not root:
        raise AssertionError('no /Type /Outlines dictionary in %s' % path)
    out, seen = [], set()

    def walk(num, depth):
        while num is not None and num not in seen:
            seen.add(num)
            body = objs.get(num, b'')
            dest = re.search(rb'\[\s*(\d+)\s+\d+\s+R\s*/(?:XYZ|Fit|FitH|FitR|FitB|FitBH)', body)
            out.append((pdf_string(body, b'Title'), depth, int(dest.group(1)) if dest else None))
            walk(ref(body, b'First'), depth + 1)
            num = ref(body, b'Next')

    walk(ref(objs[root[0]], b'First'), 0)
    return out, objs


def page_objects(objs):
    """Page object numbers in page order, from the /Pages tree."""
    cat = [b for b in objs.values() if re.search(rb'/Type\s*/Catalog\b', b)]
    pages = []

    def walk(num):
        body = objs.get(num, b'')
        if re.search(rb'/Type\s*/Page\b', body):
            pages.append(num)
            return
        m = re.search(rb'/Kids\s*\[([^\]]*)\]', body)
        for k in re.findall(rb'(\d+)\s+\d+\s+R', m.group(1) if m else b''):
            walk(int(k))

    if cat:
        walk(ref(cat[0], b'Pages'))
    return pages


def parse_pdf_date(s):
    """pdfinfo -isodates value -> aware datetime (Z, +08, +08:00 accepted)."""
    m = re.match(r'(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(Z|([+-])(\d\d):?(\d\d)?)?$', s or '')
    if not m:
        raise AssertionError('not an ISO date from pdfinfo -isodates: %r' % s)
    if not m.group(7):
        raise AssertionError('date %r has no time zone' % s)
    off_min = 0
    if m.group(7) != 'Z':
        off_min = int(m.group(9)) * 60 + int(m.group(10) or 0)
        off_min = -off_min if m.group(8) == '-' else off_min
    tz = datetime.timezone(datetime.timedelta(minutes=off_min))
    return datetime.datetime(*(int(m.group(i)) for i in range(1, 7)), tzinfo=tz)


# === document ====================================================================================

def test_every_page_is_a4():
    out = subprocess.run(['pdfinfo', '-f', '1', '-l', str(npages()), pdf()],
                         stdout=subprocess.PIPE, check=True).stdout.decode('utf-8', 'replace')
    sizes = re.findall(r'Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts', out)
    assert len(sizes) == npages(), 'pdfinfo listed %d page sizes for %d pages' % (len(sizes), npages())
    errors = []
    for page, w, h in sizes:
        errors.append(off(float(w) * PT, 210.0, TEXT_TOL, 'page %s width' % page))
        errors.append(off(float(h) * PT, 297.0, TEXT_TOL, 'page %s height' % page))
    fail_if(errors)


def test_fonts_embedded_and_subset():
    fonts = pp.pdf_fonts(pdf())
    assert fonts, 'pdffonts lists no fonts'
    bad = ['%s (emb=%s sub=%s)' % (f['name'], f['emb'], f['sub']) for f in fonts
           if not (f['emb'] and f['sub'])]
    assert not bad, 'fonts not embedded and subset: %s' % ', '.join(bad)
    have = {f['family'] for f in fonts}
    missing = {FACE_MARK, FACE_BODY, FACE_KAI, FACE_FOLIO} - have
    assert not missing, 'faces missing from the PDF: %s (have %s)' % (sorted(missing), sorted(have))


def test_metadata_title_author_subject_creator():
    info = pp.pdf_info(pdf())
    want = {'Title': ''.join(TITLE_LINES), 'Author': ORGAN, 'Subject': NUMBER}
    errors = ['%s: got %r, expected %r' % (k, info.get(k), v) for k, v in want.items() if info.get(k) != v]
    if not info.get('Creator', '').startswith('gongwen '):
        errors.append('Creator: got %r, expected it to start with "gongwen "' % info.get('Creator'))
    fail_if(errors, 'pdfinfo')


def test_creation_date_is_document_date_without_source_date_epoch():
    got = pp.pdf_info(pdf()).get('CreationDate')
    want = parse_pdf_date('2020-12-31T00:00:00+08')
    actual = parse_pdf_date(got)
    assert actual == want, 'CreationDate (SOURCE_DATE_EPOCH unset): got %s, expected %s (off by %s)' % (
        got, '2020-12-31T00:00:00+08', actual - want)


def test_creation_date_follows_source_date_epoch():
    epoch = 1700000000
    got = pp.pdf_info(render('pdf', epoch)).get('CreationDate')
    want = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    actual = parse_pdf_date(got)
    assert actual == want, 'CreationDate with SOURCE_DATE_EPOCH=%d: got %s, expected %s (off by %s)' % (
        epoch, got, want.isoformat(), actual - want)


def test_outline_has_one_entry_per_article_in_order():
    entries, objs = outline_entries(pdf())
    labels = [(re.match(r'第[一二三四五六七八九十百]+条', t or '').group(0), dest)
              for t, depth, dest in entries if re.match(r'第[一二三四五六七八九十百]+条', t or '')]
    want = ['第%s条' % cn(i) for i in range(1, 16)]
    got = [t for t, _ in labels]
    assert got == want, 'outline article entries: got %r, expected %r (all entries: %r)' % (
        got, want, [t for t, _, _ in entries])
    # each entry points at the page where its article starts
    pages = page_objects(objs)
    starts = {}
    for l in body_lines():
        m = re.match(r'第[一二三四五六七八九十]+条', l.text)
        if m:
            starts.setdefault(m.group(0), l.page)
    errors = []
    for label, dest in labels:
        if dest is None or dest not in pages:
            continue
        if pages.index(dest) + 1 != starts.get(label):
            errors.append('%s: outline goes to page %d, the article starts on page %s'
                          % (label, pages.index(dest) + 1, starts.get(label)))
    fail_if(errors, 'outline destinations')


# === 版头: mark, number, signer, red rule ===========================================================

def mark_run():
    return one_run(MARK, 1)


def test_mark_face_red_36pt():
    r = mark_run()
    errors = []
    if r.font != FACE_MARK:
        errors.append('face: got %s, expected %s (Noto Serif CJK SC Black)' % (r.font, FACE_MARK))
    if r.colour.lower() != RED:
        errors.append('colour: got %s, expected %s' % (r.colour, RED))
    if abs(r.size - MARK_PT) > SIZE_TOL:
        errors.append('size: got %.3f pt, expected %g pt' % (r.size, MARK_PT))
    fail_if(errors, 'mark %r' % MARK)


def test_mark_top_35mm_below_type_area():
    em = pp.em_box(mark_run())
    pp.approx(em.y0, TOP + 35, TEXT_TOL, 'mark em-box top')


def test_mark_ink_top_at_72mm():
    ink = pp.ink_bbox(raster(1), (0, 50, 210, 100), 'red')
    assert ink, 'no red ink between y 50 and 100 mm on page 1'
    pp.approx(ink.y0, TOP + 35, INK_TOL, 'mark red ink top')


def test_mark_centred_on_type_area():
    r = mark_run()
    pp.approx((r.x0 + r.x1) / 2, CENTRE_X, TEXT_TOL, 'mark text box centre x')


def test_mark_ink_within_type_area_and_compressed():
    r = mark_run()
    ink = pp.ink_bbox(raster(1), (0, r.y0 - 2, 210, r.y1 + 2), 'red')
    assert ink, 'no red ink around the mark'
    errors = []
    if ink.x0 < LEFT - PX or ink.x1 > RIGHT + PX:
        errors.append('ink x %.3f..%.3f mm leaves the type area %g..%g mm' % (ink.x0, ink.x1, LEFT, RIGHT))
    errors.append(off(ink.cx, CENTRE_X, INK_TOL, 'mark ink centre x'))
    n = len(MARK)
    per_char, limit = ink.width / n, 0.85 * ink.height
    if not per_char < limit:
        errors.append('not compressed: ink width / %d = %.3f mm, not < 0.85 x ink height = %.3f mm '
                      '(ink %.3f x %.3f mm)' % (n, per_char, limit, ink.width, ink.height))
    fail_if(errors, 'mark ink')


def test_document_number_two_lines_below_mark():
    mark_em = pp.em_box(mark_run())
    r = one_run(NUMBER, 1)
    errors = []
    if r.font != FACE_BODY or r.colour.lower() != BLACK or abs(r.size - BODY_PT) > SIZE_TOL:
        errors.append('number run: got %s %.2fpt %s, expected %s %gpt %s'
                      % (r.font, r.size, r.colour, FACE_BODY, BODY_PT, BLACK))
    want = mark_em.y1 + 2 * P + (P - BODY_PT * PT) / 2
    errors.append(off(pp.em_box(r).y0, want, TEXT_TOL,
                      'number em top (= mark em bottom %.3f + 2P + (P - 16pt)/2)' % mark_em.y1))
    fail_if(errors, 'document number')


def test_document_number_inset_one_character():
    pp.approx(one_run(NUMBER, 1).x0, LEFT + CH, TEXT_TOL, 'document number left edge (28 + 1 CH)')


def test_signer_on_number_baseline_inset_one_character():
    num, label, name = one_run(NUMBER, 1), one_run(SIGNER_LABEL, 1), one_run(SIGNER, 1)
    errors = []
    if label.font != FACE_BODY:
        errors.append('"签发人：" face: got %s, expected %s' % (label.font, FACE_BODY))
    if name.font != FACE_KAI:
        errors.append('"岳艺斌" face: got %s, expected %s (AR PL KaitiM GB)' % (name.font, FACE_KAI))
    for r in (label, name):
        if abs(r.size - BODY_PT) > SIZE_TOL or r.colour.lower() != BLACK:
            errors.append('%r: got %.2fpt %s, expected %gpt %s' % (r.text, r.size, r.colour, BODY_PT, BLACK))
        errors.append(off(r.baseline, num.baseline, EXACT_TOL, '%r baseline vs the number\'s' % r.text))
    errors.append(off(name.x0, label.x1, TEXT_TOL, 'name left edge vs label right edge'))
    errors.append(off(name.x1, RIGHT - CH, TEXT_TOL, 'signer name right edge (184 - 1 CH)'))
    fail_if(errors, 'signer')


def red_rule():
    rules = pp.hrules(raster(1), 'red', min_length_mm=100)
    assert len(rules) == 1, 'expected one red rule >= 100 mm on page 1, found %d: %r' % (len(rules), rules)
    return rules[0]


def test_red_rule_4mm_below_number():
    rule = red_rule()
    num_em = pp.em_box(one_run(NUMBER, 1))
    pp.approx(rule.cy, num_em.y1 + 4, TEXT_TOL,
              'red rule centre (= number em bottom %.3f + 4 mm)' % num_em.y1)


def test_red_rule_1pt_thick_156mm_long():
    rule = red_rule()
    fail_if([off(rule.thickness, 1 * PT, THICK_TOL, 'red rule thickness (1 pt)'),
             off(rule.x0, LEFT, TEXT_TOL, 'red rule left end'),
             off(rule.x1, RIGHT, TEXT_TOL, 'red rule right end')])


# === title ======================================================================================

def title_lines():
    got = [l for l in lines_on(1) if abs(l.size - TITLE_PT) <= 0.3]
    assert [l.text for l in got] == TITLE_LINES, 'title lines (22 pt) on page 1: got %r, expected %r' % (
        [l.text for l in got], TITLE_LINES)
    return got


def test_title_face_22pt_black():
    errors = []
    for l in title_lines():
        for r in l.runs:
            if r.font != FACE_TITLE or r.colour.lower() != BLACK or abs(r.size - TITLE_PT) > SIZE_TOL:
                errors.append('%r: got %s %.2fpt %s, expected %s %gpt %s'
                              % (r.text, r.font, r.size, r.colour, FACE_TITLE, TITLE_PT, BLACK))
    fail_if(errors, 'title')


def test_title_two_lines_below_red_rule():
    rule = red_rule()
    first = title_lines()[0]
    want_cell = rule.cy + (1 * PT) / 2 + 2 * P
    pp.approx(first.em_top, em_top_in_cell(want_cell, TITLE_PT), TEXT_TOL,
              'first title line em top (cell top = rule centre %.3f + 0.5 pt + 2P = %.3f)'
              % (rule.cy, want_cell))


def test_title_lines_p_apart_and_centred():
    ls = title_lines()
    errors = [off(b.baseline - a.baseline, P, EXACT_TOL, 'title baseline pitch %r -> %r' % (a.text, b.text))
              for a, b in zip(ls, ls[1:])]
    errors += [off((l.x0 + l.x1) / 2, CENTRE_X, TEXT_TOL, 'centre x of title line %r' % l.text) for l in ls]
    fail_if(errors, 'title')


# === body =======================================================================================

def test_body_text_fangsong_16pt_black():
    errors = []
    for l in body_lines():
        for r in l.runs:
            if r.font != FACE_BODY or r.colour.lower() != BLACK or abs(r.size - BODY_PT) > SIZE_TOL:
                errors.append('%r: got %s %.2fpt %s' % (l, r.font, r.size, r.colour))
    fail_if(errors, 'body runs not %s %gpt %s' % (FACE_BODY, BODY_PT, BLACK))


def test_first_body_line_one_blank_line_below_title():
    last_title = title_lines()[-1]
    first = body_lines()[0]
    assert first.page == 1, 'the first body line is on page %d, not page 1: %r' % (first.page, first)
    want_cell = cell_bottom(last_title.em_bottom, TITLE_PT) + P
    pp.approx(first.em_top, em_top_in_cell(want_cell, BODY_PT), TEXT_TOL,
              'first body line em top (cell top = title cell bottom %.3f + P)'
              % cell_bottom(last_title.em_bottom, TITLE_PT))


def test_body_lines_start_at_margin_or_2ch_indent():
    ls = body_lines()
    errors = []
    for l in ls:
        want = LEFT + 2 * CH if is_indented(l) else LEFT
        errors.append(off(l.x0, want, TEXT_TOL, 'left edge of %r' % l))
    starts = sum(1 for l in ls if is_indented(l))
    want_n = len(source_paragraphs())
    if starts != want_n:
        errors.append('%d indented (paragraph-first) lines, expected one per source <p>: %d' % (starts, want_n))
    for l in ls:
        if re.match(r'第[一二三四五六七八九十]+条|（[一二三四五六七八九十]+）', l.text) and not is_indented(l):
            errors.append('article/item label not at 28 + 2 CH: %r' % l)
    fail_if(errors, 'paragraph indents')


def full_lines():
    """(line, indent in characters) for every line of a paragraph but its last."""
    return [(l, 2 if i == 0 else 0) for para in paragraphs() for i, l in enumerate(para[:-1])]


# A closing mark that may not start a line is pulled into the line above (推入) by giving up
# half its width, so such a line holds 29 characters in the 28 cells; its last mark keeps only
# the left half of its em box, which pdftotext still counts whole.
CLOSING = '，。、；：）》”’〕」』】'


def pulled_in(l, indent):
    return char_units(l.text) + indent == 29 and l.text.rstrip()[-1] in CLOSING


def test_full_lines_span_type_area():
    errors = []
    for l, indent in full_lines():
        errors.append(off(l.x0, LEFT + indent * CH, TEXT_TOL, 'left edge of full line %r' % l))
        right = l.x1 - (BODY_PT * PT / 2 if pulled_in(l, indent) else 0)
        errors.append(off(right, RIGHT, TEXT_TOL, 'right edge of full line %r' % l))
    fail_if(errors, 'full lines')


def test_full_lines_hold_28_characters():
    errors = []
    pulled = 0
    for l, indent in full_lines():
        units = char_units(l.text) + indent
        if pulled_in(l, indent):
            pulled += 1
        elif units != 28:
            errors.append('full line holds %g characters (%g + %d indent), expected 28: %r'
                          % (units, units - indent, indent, l))
    fail_if(errors, 'full lines')
    # Pulling in is the exception: most lines of the seed hold exactly 28.
    assert pulled <= 10, '%d lines pulled a mark in; expected a few' % pulled


def test_full_pages_hold_22_body_lines_on_the_grid():
    n = npages()
    assert n >= 3, 'only %d pages: no full page between the first and the last' % n
    errors = []
    for page in range(2, n):
        ls = [l for l in body_lines() if l.page == page]
        if len(ls) != 22:
            errors.append('page %d: %d body lines, expected 22' % (page, len(ls)))
        for k, l in enumerate(ls, 1):
            want = TOP + (k - 0.5) * P + 0.38 * BODY_PT * PT
            errors.append(off(l.baseline, want, TEXT_TOL, 'page %d line %d baseline %r' % (page, k, l.text)))
    fail_if(errors, 'full pages')


def test_last_page_body_lines_continue_on_the_grid():
    n = npages()
    ls = [l for l in body_lines() if l.page == n]
    errors = []
    for k, l in enumerate(ls, 1):
        want = TOP + (k - 0.5) * P + 0.38 * BODY_PT * PT
        errors.append(off(l.baseline, want, TEXT_TOL, 'last page line %d baseline %r' % (k, l.text)))
    fail_if(errors, 'last page')


def test_body_baselines_p_apart_on_every_page():
    errors = []
    ls = body_lines()
    for a, b in zip(ls, ls[1:]):
        if a.page == b.page:
            errors.append(off(b.baseline - a.baseline, P, EXACT_TOL,
                              'page %d baseline pitch %r -> %r' % (a.page, a.text[:8], b.text[:8])))
    fail_if(errors, 'line pitch')


def test_first_page_body_stays_inside_type_area():
    ls = [l for l in body_lines() if l.page == 1]
    assert ls, 'no body line on page 1 (the first page must show some 正文)'
    errors = ['%r: em bottom %.3f mm below the type area (262)' % (l, l.em_bottom)
              for l in ls if l.em_bottom > BOTTOM + 0.01]
    fail_if(errors, 'page 1')


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    errors = []
    for l in all_lines():
        t = l.text.strip()
        if t and t[0] in CLOSING:
            errors.append('starts with %r: %r' % (t[0], l))
        if t and t[-1] in OPENING:
            errors.append('ends with %r: %r' % (t[-1], l))
    fail_if(errors, '避头尾')


def test_articles_numbered_first_to_fifteenth_with_fullwidth_space():
    labels = []
    errors = []
    for para in paragraphs():
        m = re.match(r'(第[一二三四五六七八九十百]+条)(.?)', para[0].text)
        if m:
            labels.append(m.group(1))
            if m.group(2) != '\u3000':
                errors.append('%s is followed by %r, not a full-width space U+3000' % (m.group(1), m.group(2)))
    want = ['第%s条' % cn(i) for i in range(1, 16)]
    if labels != want:
        errors.insert(0, 'article labels: got %r, expected %r' % (labels, want))
    fail_if(errors, 'articles')


def test_article_12_items_fullwidth_one_to_nine():
    paras = paragraphs()
    idx = [i for i, p in enumerate(paras) if p[0].text.startswith('第十二条')]
    assert idx, 'no paragraph starting 第十二条'
    items = []
    for p in paras[idx[0] + 1:]:
        if re.match(r'第[一二三四五六七八九十]+条', p[0].text):
            break
        m = re.match(r'[（(][^）)]*[）)]', p[0].text)
        if m:
            items.append(m.group(0))
    want = ['（%s）' % c for c in NUMERALS]
    assert items == want, 'item labels of article 12: got %r, expected %r' % (items, want)
    half = [l for l in body_lines() if re.search(r'\([一二三四五六七八九十]+\)', l.text)]
    assert not half, 'half-width item labels in the body: %r' % half


def test_guanyongfang_sentence_is_one_paragraph():
    texts = [''.join(l.text for l in p) for p in paragraphs()]
    hits = [t for t in texts if '坚持管用防并举' in t]
    assert len(hits) == 1, ('"坚持管用防并举" is not in one paragraph (the sentence is broken or missing); '
                            'paragraphs with 坚持 or 管用防并举: %r'
                            % [t[:40] for t in texts if '坚持' in t or '管用防并举' in t])
    assert hits[0].startswith('第二条'), '"坚持管用防并举" should be in article 2, found in %r' % hits[0][:30]


def test_body_paragraphs_match_the_source_text():
    got = [re.sub(r'^(第[一二三四五六七八九十]+条\u3000|（[一二三四五六七八九十]+）)', '',
                  ''.join(l.text for l in p)) for p in paragraphs()]
    want = source_paragraphs()
    errors = []
    if len(got) != len(want):
        errors.append('%d paragraphs in the PDF, %d <p> in the source' % (len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want), 1):
        if g != w:
            k = next((j for j, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
            errors.append('paragraph %d differs at character %d: PDF %r, source %r'
                          % (i, k, g[max(0, k - 8):k + 12], w[max(0, k - 8):k + 12]))
    fail_if(errors, 'body text')


# === signature and date ==========================================================================

def signature_line():
    return one_line(ORGAN, page=npages(), size=BODY_PT)


def test_signature_one_blank_line_below_text_inset_2ch():
    sig = signature_line()
    last = body_lines()[-1]
    errors = []
    if last.page != sig.page:
        errors.append('the signature is on page %d, the last body line on page %d' % (sig.page, last.page))
    else:
        want_cell = cell_bottom(last.em_bottom, BODY_PT) + P
        errors.append(off(sig.em_top, em_top_in_cell(want_cell, BODY_PT), TEXT_TOL,
                          'signature em top (cell top = last body cell bottom %.3f + P)'
                          % cell_bottom(last.em_bottom, BODY_PT)))
    errors.append(off(sig.x1, RIGHT - 2 * CH, TEXT_TOL, 'signature right edge (184 - 2 CH)'))
    fail_if(errors, 'signature')


def test_date_on_next_line_shifted_2ch_right_of_signature():
    sig = signature_line()
    date = one_line(DATE, page=npages(), size=BODY_PT)
    fail_if([off(date.baseline, sig.baseline + P, EXACT_TOL, 'date baseline (signature baseline + P)'),
             off(date.x0, sig.x0 + 2 * CH, TEXT_TOL, 'date left edge (signature left %.3f + 2 CH)' % sig.x0)],
            'date')


# === 版记 ===========================================================================================

def colophon_rules():
    n = npages()
    rules = pp.hrules(raster(n), 'dark', min_length_mm=100)
    assert len(rules) == 2, 'expected two black rules >= 100 mm on the last page (%d), found %d: %r' % (
        n, len(rules), rules)
    return rules


def test_page_count_even_and_colophon_on_last_page():
    n = npages()
    errors = []
    if n % 2:
        errors.append('%d pages: the page count must be even (the 版记 is on the last, even page)' % n)
    printed = [l for l in all_lines() if l.text.endswith(PRINTED) or PRINTED in l.text]
    if [l.page for l in printed] != [n]:
        errors.append('the 印发 line %r should be once, on the last page %d; found on pages %r'
                      % (PRINTED, n, [l.page for l in printed]))
    fail_if(errors, 'colophon page')


def test_colophon_rules_black_035mm_156mm_last_on_area_bottom():
    first, last = colophon_rules()
    errors = [off(last.cy, BOTTOM, TEXT_TOL, 'last colophon rule centre (type-area bottom)'),
              off(first.cy, BOTTOM - P, TEXT_TOL, 'first colophon rule centre (P above the last)')]
    for name, r in (('first', first), ('last', last)):
        errors.append(off(r.thickness, 0.35, THICK_TOL, '%s colophon rule thickness' % name))
        errors.append(off(r.x0, LEFT, TEXT_TOL, '%s colophon rule left end' % name))
        errors.append(off(r.x1, RIGHT, TEXT_TOL, '%s colophon rule right end' % name))
    fail_if(errors, 'colophon rules')


def test_colophon_line_between_rules_14pt_inset_one_em():
    n = npages()
    organ = one_line(ORGAN, page=n, size=SMALL_PT, exact=False)
    printed = [r for r in organ.runs if PRINTED in r.text]
    left = [r for r in organ.runs if ORGAN in r.text]
    assert printed and left, 'colophon line %r should hold %r and %r' % (organ, ORGAN, PRINTED)
    cell_centre = BOTTOM - P / 2
    errors = []
    for r in organ.runs:
        if r.font != FACE_BODY or abs(r.size - SMALL_PT) > SIZE_TOL or r.colour.lower() != BLACK:
            errors.append('%r: got %s %.2fpt %s, expected %s %gpt %s'
                          % (r.text, r.font, r.size, r.colour, FACE_BODY, SMALL_PT, BLACK))
        em = pp.em_box(r)
        errors.append(off(em.cy, cell_centre, TEXT_TOL, 'em-box centre of %r (cell between the rules)' % r.text))
    errors.append(off(left[0].x0, LEFT + EM14, TEXT_TOL, 'colophon organ left edge (28 + 1 em of 14 pt)'))
    errors.append(off(printed[0].x1, RIGHT - EM14, TEXT_TOL, 'colophon date right edge (184 - 1 em of 14 pt)'))
    fail_if(errors, 'colophon line')


# === page numbers =================================================================================

def folio_lines():
    got = {}
    for l in all_lines():
        if re.fullmatch(r'—\s*\d+\s*—', l.text.strip()):
            got.setdefault(l.page, []).append(l)
    return got


def test_page_numbers_on_every_page_match_the_page():
    got = folio_lines()
    errors = []
    for page in range(1, npages() + 1):
        ls = got.get(page, [])
        if len(ls) != 1:
            errors.append('page %d: %d page numbers "— N —" (%r)' % (page, len(ls), ls))
            continue
        num = int(re.search(r'\d+', ls[0].text).group(0))
        if num != page:
            errors.append('page %d is numbered %d: %r' % (page, num, ls[0]))
    fail_if(errors, 'page numbers')


def test_page_numbers_14pt_serif_7mm_below_area_outside_edge():
    errors = []
    for page, ls in sorted(folio_lines().items()):
        l = ls[0]
        for r in l.runs:
            if r.font != FACE_FOLIO or abs(r.size - SMALL_PT) > SIZE_TOL:
                errors.append('page %d %r: got %s %.2fpt, expected %s %gpt'
                              % (page, r.text, r.font, r.size, FACE_FOLIO, SMALL_PT))
        errors.append(off((l.em_top + l.em_bottom) / 2, BOTTOM + 7, TEXT_TOL,
                          'page %d number em-box centre' % page))
        if page % 2:
            errors.append(off(l.x1, RIGHT - EM14, TEXT_TOL, 'odd page %d number right edge (184 - 1 em)' % page))
        else:
            errors.append(off(l.x0, LEFT + EM14, TEXT_TOL, 'even page %d number left edge (28 + 1 em)' % page))
    fail_if(errors, 'page numbers')


def test_page_number_dashes_ink_7mm_below_area():
    errors = []
    for page in sorted({1, npages()}):
        ink = pp.ink_bbox(raster(page), (LEFT, BOTTOM + 1, RIGHT, 285), 'dark')
        if ink is None:
            errors.append('page %d: no ink between y 263 and 285 mm' % page)
            continue
        # the dashes: the leftmost and rightmost 2 mm of the number's ink
        for side, x0, x1 in (('left', ink.x0, ink.x0 + 2), ('right', ink.x1 - 2, ink.x1)):
            dash = pp.ink_bbox(raster(page), (x0, BOTTOM + 1, x1, 285), 'dark')
            errors.append(off(dash.cy, BOTTOM + 7, INK_TOL, 'page %d %s dash ink centre y' % (page, side)))
    fail_if(errors, 'page-number dashes')


# === cross-check with the trace ==========================================================================

def test_trace_baselines_agree_with_pdf():
    trace = render('trace')
    items = []   # (page, baseline, x0, text)
    page = 0
    with open(trace, encoding='utf-8') as f:
        for line in f:
            m = re.match(r'page (\d+)\b', line)
            if m:
                page = int(m.group(1))
                continue
            m = re.match(r'\s*text x=(-?[\d.]+)\.\.(-?[\d.]+) baseline=(-?[\d.]+) .*?\|(.*)\|\s*$', line)
            if m:
                items.append((page, float(m.group(3)), float(m.group(1)), m.group(4)))
    assert items, 'no text items in the trace %s' % trace
    norm = lambda s: re.sub(r'[ \u3000]', '', s)
    tlines = {}
    for p_, b, x, t in sorted(items):
        key = (p_, b)
        tlines.setdefault(key, []).append((x, t))
    want = {}
    for (p_, b), parts in sorted(tlines.items()):
        want.setdefault((p_, norm(''.join(t for _, t in sorted(parts)))), []).append(b)
    have = {}
    for l in all_lines():
        have.setdefault((l.page, norm(l.text)), []).append(l.baseline)
    errors = []
    for key, bs in sorted(want.items()):
        got = have.get(key, [])
        if len(got) != len(bs):
            errors.append('page %d %r: %d line(s) in the trace, %d in the PDF' % (key[0], key[1], len(bs), len(got)))
            continue
        for b_trace, b_pdf in zip(sorted(bs), sorted(got)):
            errors.append(off(b_pdf, b_trace, EXACT_TOL, 'page %d %r PDF baseline vs trace' % key))
    extra = sorted(set(have) - set(want))
    if extra:
        errors.append('lines in the PDF but not in the trace: %r' % extra[:10])
    fail_if(errors, 'trace vs PDF')

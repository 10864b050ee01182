"""The source extensions that the plain-text importer emits (doc/source.md), read back from the
PDFs that the current ./gongwen renders of the sources in tests/data/extensions/:

- yinfa-banfa.xml: a 印发 notice; the regulation it issues is an enclosed document
  (<attachment label="no">) with a <title-note>, chapters and articles; two labelled attachments.
- zhuanfa-qingshi.xml: a 转发 notice; the 请示 it forwards is an enclosed document with its own
  <addressee> and <closing>; one labelled attachment (so just 附件).
- jueding-ordinal.xml: a 决定 with article-style="ordinal" (一、 run into the text), a long
  <title-note> that wraps, and attachments with article-style tiao, none and ordinal.
- yaodian-points.xml: depth-1 points without a heading: one that begins with a <p> (run in),
  one that begins with a <point> (number alone), one with a heading (unchanged).

    python3 tests/run.py tests/test_source_extensions.py

Each source is rendered once per run into a private temp dir (SOURCE_DATE_EPOCH unset), so the
tests measure the stylesheets and the binary as they are now. Text comes from pdftohtml runs (face,
size, baseline; tests/lib/pdfprobe.py), bookmarks from the PDF's outline objects. To see a test
fail, render with another parameter through a wrapper around GONGWEN (e.g. -p
title-note-below-title=1ln, -p title-note-face=body, -p point1-face=body, -p para-indent=0ch).

Units: mm, origin at the top-left corner, y downward; pages count from 1. P = 225/22 mm is the
line pitch, CH = 156/28 mm the grid character; a text line sits in a P-tall cell with its em box
centred (tests/lib/checks.py). Type area x 28..184, y 37..262. Tolerances: 0.5 mm for text
boxes, 0.1 mm for "the next line" (cell tops P apart).
"""
import os
import subprocess

from tests.lib import GONGWEN, ROOT, module_tmpdir
from tests.lib.checks import RenderedPDF, fail_if, is_kai, off
from tests.test_seed_geometry import outline_entries, page_objects

P = 225 / 22
CH = 156 / 28
LEFT, RIGHT, TOP = 28.0, 184.0, 37.0
CENTRE_X = (LEFT + RIGHT) / 2
BODY_PT, TITLE_PT = 16.0, 22.0
TEXT_TOL = 0.5
EXACT_TOL = 0.1
SIZE_TOL = 0.3

FACE_HEI = 'NotoSansCJKsc-Medium'      # 黑体
FACE_BODY = 'FandolFang-Regular'       # 仿宋
FACE_TITLE = 'NotoSerifCJKsc-Black'    # 小标宋

DATA = os.path.join(ROOT, 'tests', 'data', 'extensions')
YINFA, ZHUANFA, JUEDING, POINTS = 'yinfa-banfa', 'zhuanfa-qingshi', 'jueding-ordinal', 'yaodian-points'


def gw(*args):
    env = dict(os.environ)
    env.pop('SOURCE_DATE_EPOCH', None)
    return subprocess.run([GONGWEN, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)


def write_variant(name, base, edits):
    """A copy of tests/data/extensions/base.xml with (old, new) replacements, in the module's
    temp dir; every old text must occur."""
    with open(os.path.join(DATA, base + '.xml'), encoding='utf-8') as f:
        text = f.read()
    for old, new in edits:
        assert old in text, 'variant %s: %r is not in %s.xml' % (name, old, base)
        text = text.replace(old, new, 1)
    path = os.path.join(module_tmpdir('source-extensions'), name + '.xml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


class Doc(RenderedPDF):
    """A rendered source (by name in tests/data/extensions, or a path): lines, runs, outline."""
    _cache = {}

    def __new__(cls, name):
        if name not in cls._cache:
            d = object.__new__(cls)
            d._reset()
            d.name = name
            src = name if os.path.isabs(name) else os.path.join(DATA, name + '.xml')
            d.pdf = os.path.join(module_tmpdir('source-extensions'),
                                 os.path.basename(src)[:-4] + '.pdf')
            r = gw('render', src, '-o', d.pdf)
            d.error = None if r.returncode == 0 else 'gongwen render %s: exit %d: %s' % (
                src, r.returncode, r.stderr.strip()[-800:])
            cls._cache[name] = d
        d = cls._cache[name]
        if d.error:
            raise AssertionError(d.error)
        return d

    def line(self, text, page=None, start=False, size=None):
        """The one line reading `text` (or starting with it)."""
        hits = [l for l in self.text_lines() if (page is None or l.page == page)
                and (l.text.startswith(text) if start else l.text == text)
                and (size is None or abs(l.size - size) <= SIZE_TOL)]
        if len(hits) != 1:
            raise AssertionError('%s: expected one line %s %r%s, found %d: %r' % (
                self.name, 'starting with' if start else 'reading', text,
                '' if page is None else ' on page %d' % page, len(hits),
                hits or [l.text for l in self.text_lines() if page is None or l.page == page][:40]))
        return hits[0]

    def page_lines(self, page):
        return [l for l in self.text_lines() if l.page == page]

    def outline(self):
        """[(title, page)] of the PDF's bookmarks, in order."""
        entries, objs = outline_entries(self.pdf)
        pages = page_objects(objs)
        return [(t, pages.index(p) + 1 if p in pages else None) for t, _, p in entries]


def faces(item, want, size=BODY_PT, what=''):
    """Messages for each run of a line (or one run) not in face `want` ('kai' or a font name)."""
    errors = []
    for r in getattr(item, 'runs', [item]):
        ok = is_kai(r.font) if want == 'kai' else r.font == want
        if not ok or abs(r.size - size) > SIZE_TOL:
            errors.append('%s%r: %s %.1f pt, expected %s %g pt' % (what and what + ' ', r.text, r.font,
                                                                  r.size, want, size))
    return errors


def next_line(doc, line):
    """The line right below `line`: its cell top one pitch under line's cell top."""
    return off(doc.after(line).cell_top, line.cell_top + P, EXACT_TOL,
               '%r right under %r: cell top' % (doc.after(line).text, line.text))


# === 1. <attachment label="no">: an enclosed document =========================================

def enclosed_page(doc, title):
    """The page whose first line is the enclosed document's title (22 pt)."""
    t = doc.line(title, size=TITLE_PT)
    return t.page, t


def test_enclosed_title_on_the_first_line_of_a_new_page_without_fujian():
    d = Doc(YINFA)
    page, t = enclosed_page(d, '示例市档案管理办法')
    closing_page = d.line('2024年6月20日').page
    errors = []
    if page != closing_page + 1:
        errors.append('the enclosed document starts on page %d, expected the page after the '
                      'closing (%d)' % (page, closing_page + 1))
    if d.page_lines(page)[0] is not t:
        errors.append('its title is not the first line of page %d: %r' % (page, d.page_lines(page)[:2]))
    errors.append(off(t.cell_top, TOP, TEXT_TOL, 'title cell top (line 1 of the type area)'))
    errors.append(off(t.cx, CENTRE_X, TEXT_TOL, 'title centre x'))
    errors += faces(t, FACE_TITLE, TITLE_PT, 'title')
    fujian = [l.text for l in d.page_lines(page) if l.text.startswith('附件')]
    if fujian:
        errors.append('the enclosed document\'s page carries a 附件 label: %r' % fujian)
    fail_if(errors, 'enclosed document')


def test_attachment_list_names_only_the_labelled_attachments():
    d = Doc(YINFA)
    first, second = d.line('附件：1．档案分类表', 1), d.line('2．档案移交清单', 1)
    errors = [off(first.x0, LEFT + 2 * CH, TEXT_TOL, '附件： left edge (2 ch in)'),
              next_line(d, first),
              # the numbers under each other: 2． under 1．, i.e. after 附件： (3 ch)
              off(second.x0, LEFT + 5 * CH, TEXT_TOL, '2． left edge (under 1．)')]
    listed = [l.text for l in d.page_lines(1) if '．' in l.text]
    if listed != [first.text, second.text]:
        errors.append('the 附件说明 lists %r, expected only the two labelled attachments' % listed)
    if d.after(second).text != '示例市人民政府':
        errors.append('the closing should follow the list, found %r' % d.after(second).text)
    fail_if(errors, '附件说明')


def test_labelled_attachments_are_numbered_without_the_enclosed_one():
    d = Doc(YINFA)
    enclosed, _ = enclosed_page(d, '示例市档案管理办法')
    errors = []
    for k, title in enumerate(('档案分类表', '档案移交清单'), 1):
        label = d.line('附件%d' % k)
        t = d.line(title, size=TITLE_PT)
        if label.page != enclosed + k or t.page != label.page:
            errors.append('附件%d and %r on pages %d, %d; expected page %d'
                          % (k, title, label.page, t.page, enclosed + k))
        errors.append(off(label.cell_top, TOP, TEXT_TOL, '附件%d cell top (line 1)' % k))
        errors.append(off(label.x0, LEFT, TEXT_TOL, '附件%d left edge' % k))
        errors += faces(label, FACE_HEI, BODY_PT, '附件%d' % k)
        errors.append(off(t.cell_top, TOP + 2 * P, TEXT_TOL, '%r cell top (line 3)' % title))
    if [l for l in d.text_lines() if l.text == '附件3']:
        errors.append('a 附件3 is printed: the enclosed document was counted')
    # A reference to a labelled attachment from the enclosed document counts the same way.
    d.line('第三条\u3000各单位应当按照附件1的分类归档，并依照第二条')
    fail_if(errors, '附件N')


def test_enclosed_document_bookmark_is_its_title_alone():
    d = Doc(YINFA)
    enclosed, _ = enclosed_page(d, '示例市档案管理办法')
    got = d.outline()
    assert ('示例市档案管理办法', enclosed) in got, got
    assert [t for t, _ in got if t.startswith('附件')] == ['附件1\u3000档案分类表', '附件2\u3000档案移交清单'], got


def test_one_labelled_attachment_beside_an_enclosed_one_is_just_fujian():
    # Edge: an enclosed document and one labelled attachment: 附件：name, and 附件 alone.
    d = Doc(ZHUANFA)
    item = d.line('附件：重点学校名单', 1)
    label = d.line('附件')
    errors = [off(item.x0, LEFT + 2 * CH, TEXT_TOL, '附件： left edge')]
    enclosed, _ = enclosed_page(d, '示例市教育局关于加强校园安全工作的请示')
    if label.page != enclosed + 1:
        errors.append('附件 on page %d, expected %d' % (label.page, enclosed + 1))
    numbered = [l.text for l in d.text_lines() if l.text.startswith(('附件1', '附件：1'))]
    if numbered:
        errors.append('a lone labelled attachment is numbered: %r' % numbered)
    if ('附件\u3000重点学校名单', enclosed + 1) not in d.outline():
        errors.append('bookmarks: %r' % d.outline())
    fail_if(errors, 'one labelled attachment')


def test_reference_to_an_enclosed_document_and_a_bad_label_are_errors():
    path = write_variant('ref-enclosed', ZHUANFA, [('现转发给你们', '<ref to="qingshi"/>现转发给你们')])
    r = gw('render', path, '-o', path[:-4] + '.pdf')
    assert r.returncode == 1 and 'an enclosed document (label="no")' in r.stderr, r.stderr
    assert not os.path.exists(path[:-4] + '.pdf')
    path = write_variant('label-none', ZHUANFA, [('<attachment id="qingshi" label="no">',
                                                '<attachment id="qingshi" label="none">')])
    r = gw('validate', path)
    assert r.returncode == 1 and 'label' in r.stderr, r.stderr


# === 2. an attachment's own addressee and closing ===============================================

def test_attachment_addressee_flush_left_one_line_under_its_title():
    d = Doc(ZHUANFA)
    _, t = enclosed_page(d, '示例市教育局关于加强校园安全工作的请示')
    a = d.after(t)
    first = d.after(a)
    errors = []
    if a.text != '市人民政府：':
        errors.append('the line after the title reads %r, expected the addressee with a colon added'
                      % a.text)
    errors.append(off(a.x0, LEFT, TEXT_TOL, 'addressee left edge (flush left)'))
    errors.append(off(a.cell_top, t.cell_bottom + P, TEXT_TOL, 'addressee cell top (one blank line '
                                                               'under the title)'))
    errors += faces(a, FACE_BODY, BODY_PT, 'addressee')
    # the text right under it, as under the document's addressee
    errors.append(off(first.cell_top, a.cell_bottom, EXACT_TOL, 'first paragraph cell top'))
    errors.append(off(first.x0, LEFT + 2 * CH, TEXT_TOL, 'first paragraph left edge'))
    fail_if(errors, 'attachment addressee')


def closing_errors(d, signature, date, last_text):
    """§7.3.5.2, no seal: the signature one blank line under the text, 2 ch from the right (or
    moved left by a longer date); the date on the next line, 2 ch right of the signature."""
    s, dt = d.line(signature, d.line(last_text).page), d.line(date)
    return [off(s.cell_top, d.line(last_text).cell_bottom + P, TEXT_TOL, '%r cell top' % signature),
            next_line(d, s),
            off(dt.x0 - s.x0, 2 * CH, TEXT_TOL, '%r starts 2 ch right of %r' % (date, signature)),
            off(max(s.x1, dt.x1), RIGHT - 2 * CH, TEXT_TOL, 'the longer of the two ends 2 ch from '
                                                             'the right')]


def test_attachment_closing_is_set_as_the_documents():
    d = Doc(ZHUANFA)
    enclosed, _ = enclosed_page(d, '示例市教育局关于加强校园安全工作的请示')
    errors = closing_errors(d, '示例市教育局', '2024年8月20日', '妥否，请批示。')
    errors += closing_errors(d, '示例市人民政府办公室', '2024年9月2日', '附件：重点学校名单')
    if d.line('2024年8月20日').page != enclosed:
        errors.append('the attachment\'s date is not on its page %d' % enclosed)
    fail_if(errors, 'attachment closing')


def test_attachment_addressee_never_moves_to_the_colophon():
    # Edge: an enclosed 请示 with addressees enough for eight lines: they stay under its title
    # (the document's fallback to 主送 in the colophon is for the document's addressee alone).
    names = '，'.join('示例市第%d区人民政府' % i for i in range(1, 31))
    path = write_variant('many-addressees', ZHUANFA, [('<addressee>市人民政府</addressee>',
                                                       '<addressee>%s</addressee>' % names)])
    d = Doc(path)
    enclosed, t = enclosed_page(d, '示例市教育局关于加强校园安全工作的请示')
    a = d.after(t)
    errors = []
    if not a.text.startswith('示例市第1区人民政府') or a.page != enclosed:
        errors.append('the line under the enclosed title is %r' % a)
    moved = [l.text for l in d.text_lines() if l.text.startswith('主送')]
    if moved:
        errors.append('an attachment\'s addressee moved to the colophon: %r' % moved)
    last = [l for l in d.text_lines() if l.text.endswith('区人民政府：')]
    if len(last) != 1 or last[0].page != enclosed:
        errors.append('the addressee should end, with its colon, on page %d: %r' % (enclosed, last))
    fail_if(errors, 'attachment addressee')


def test_attachment_addressee_after_its_text_is_invalid():
    path = write_variant('addressee-after-text', ZHUANFA, [
        ('<addressee>市人民政府</addressee>\n', ''),
        ('<p>妥否，请批示。</p>', '<p>妥否，请批示。</p>\n    <addressee>市人民政府</addressee>')])
    r = gw('validate', path)
    assert r.returncode == 1 and 'addressee' in r.stderr, r.stderr


# === 3. <title-note>: 题注 =====================================================================

def test_title_note_on_the_line_under_the_title_centred_kai():
    d = Doc(YINFA)
    _, t = enclosed_page(d, '示例市档案管理办法')
    note = d.after(t)
    errors = []
    if note.text != '（2024年6月16日市人民政府第54次常务会议通过）':
        errors.append('the line under the title reads %r, expected the 题注 as written' % note.text)
    errors.append(off(note.cell_top, t.cell_top + P, EXACT_TOL, '题注 cell top (one pitch under '
                                                                'the title\'s line)'))
    errors.append(off(note.cx, CENTRE_X, TEXT_TOL, '题注 centre x'))
    errors += faces(note, 'kai', BODY_PT, '题注')
    chapter = d.after(note)
    errors.append(off(chapter.cell_top, note.cell_bottom + P, TEXT_TOL,
                      '%r cell top (one blank line under the 题注)' % chapter.text))
    fail_if(errors, '题注')


def test_long_title_note_wraps_each_line_centred_and_the_text_follows():
    # Edge: a 题注 longer than a line wraps; every line centred in 楷体, right under the
    # document's title, and the first article one blank line under its last line.
    d = Doc(JUEDING)
    title = d.line('关于修改示例市档案条例的决定', 1, size=TITLE_PT)
    n1 = d.after(title)
    n2 = d.after(n1)
    errors = []
    if not (n1.text.startswith('（2024年6月16日') and n2.text.endswith('起施行）')):
        errors.append('note lines %r, %r' % (n1.text, n2.text))
    if n1.text + n2.text != ('（2024年6月16日示例市第十六届人民代表大会常务委员会第二十次会议通过，'
                             '自2024年7月1日起施行）'):
        errors.append('the 题注 is not printed as written: %r' % (n1.text + n2.text))
    errors.append(off(n1.cell_top, title.cell_top + P, EXACT_TOL, '题注 line 1 cell top'))
    errors.append(next_line(d, n1))
    for k, n in enumerate((n1, n2), 1):
        errors.append(off(n.cx, CENTRE_X, TEXT_TOL, '题注 line %d centre x' % k))
        errors += faces(n, 'kai', BODY_PT, '题注 line %d' % k)
    first = d.after(n2)
    errors.append(off(first.cell_top, n2.cell_bottom + P, TEXT_TOL,
                      '%r cell top (one blank line under the 题注)' % first.text))
    fail_if(errors, 'long 题注')


def test_title_note_without_a_title_is_invalid():
    with open(os.path.join(ROOT, 'sources', 'ling-order.xml'), encoding='utf-8') as f:
        text = f.read()
    assert '<title>' not in text and '</head>' in text
    path = os.path.join(module_tmpdir('source-extensions'), 'order-note.xml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text.replace('</head>', '</head>\n  <title-note>（注）</title-note>', 1))
    r = gw('validate', path)
    assert r.returncode == 1 and 'title-note' in r.stderr, r.stderr


# === 4. article-style="ordinal" ===============================================================

def ordinal_errors(d, text, chars):
    """The article's first line: 2 ch in, 一、 then the text with no space: `chars` grid
    characters from its left edge to the right edge of the type area."""
    l = d.line(text, start=True)
    return [off(l.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge' % text),
            off(l.x1 - l.x0, chars * CH, TEXT_TOL, '%r width (%d characters, none a space)'
                % (text, chars))] + faces(l, FACE_BODY, BODY_PT, text)


def test_ordinal_articles_begin_with_yi_and_no_space():
    d = Doc(JUEDING)
    errors = ordinal_errors(d, '一、第十届全国人民代表大会常务委员会第二十次会议决定', 26)
    errors += ordinal_errors(d, '二、将第五条修改为：', 26)
    errors += ordinal_errors(d, '三、本决定自', 26)
    tiao = [l.text for l in d.text_lines() if l.page < d.line('附件1').page and '第一条' in l.text]
    if tiao:
        errors.append('a 第X条 label in the ordinal body: %r' % tiao)
    # items keep their numbers; the first line's text fills the line
    for item in ('（一）统一领导。', '（二）分级管理。'):
        errors.append(off(d.line(item).x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge' % item))
    fail_if(errors, 'ordinal articles')


def test_reference_to_an_ordinal_article_prints_tiao():
    d = Doc(JUEDING)
    l = d.line('三、本决定自', start=True)
    assert (l.text + d.after(l).text).endswith('。第二条的规定同时适用于第二条。'), (l, d.after(l))


def test_attachment_article_style_is_its_own():
    # 附件1 tiao, 附件2 without the attribute (tiao, not the document's ordinal), 附件3 ordinal,
    # each numbered afresh.
    d = Doc(JUEDING)
    errors = []
    for k, first in ((1, '第一条\u3000为了加强档案管理，制定本条例。'), (2, '第一条\u3000本次修改共一处。'),
                     (3, '一、本决定所称档案，是指各类档案。')):
        l = d.line(first)
        if l.page != d.line('附件%d' % k).page:
            errors.append('%r is not on the page of 附件%d' % (first, k))
        errors.append(off(l.x0, LEFT + 2 * CH, TEXT_TOL, '%r left edge' % first))
    errors += ordinal_errors(d, '二、本决定由市人民代表大会常务委员会负责解释。', 23)
    fail_if(errors, 'attachment article styles')


def test_unknown_article_style_is_invalid():
    path = write_variant('style-roman', JUEDING, [('kind="决定" article-style="ordinal"',
                                                   'kind="决定" article-style="roman"')])
    r = gw('validate', path)
    assert r.returncode == 1 and 'article-style' in r.stderr, r.stderr


# === 5. a depth-1 point without a heading runs into its first paragraph ========================

def test_point_without_heading_runs_into_its_paragraph():
    d = Doc(POINTS)
    l = d.line('一、日军遗弃化学武器是历史遗留问题', start=True)
    errors = [off(l.x0, LEFT + 2 * CH, TEXT_TOL, '一、 left edge (2 ch in)'),
              off(l.x1, RIGHT, TEXT_TOL, 'the first line fills the line (justified)'),
              off(l.cell_top, d.before(l).cell_bottom, EXACT_TOL, 'cell top (no space above it)')]
    label, text = l.runs[0], l.runs[1:]
    if label.text != '一、':
        errors.append('the first run reads %r, expected 一、 alone in its face' % label.text)
    errors += faces(label, FACE_HEI, BODY_PT, 'number')
    if text:
        errors.append(off(text[0].x0, label.x1, TEXT_TOL, 'the text starts right after 一、'))
        errors += faces(text[0], FACE_BODY, BODY_PT, 'text')
    else:
        errors.append('no text after 一、 on its line: %r' % l)
    wrap = d.after(l)
    errors.append(off(wrap.x0, LEFT, TEXT_TOL, '%r (second line) left edge' % wrap.text))
    errors.append(next_line(d, l))
    more = d.line('各区要建立工作台账。')
    errors.append(off(more.x0, LEFT + 2 * CH, TEXT_TOL, 'the point\'s second paragraph left edge'))
    fail_if(errors, 'run-in 一、')


def test_point_without_heading_or_leading_paragraph_keeps_its_number_alone():
    # Edge: a depth-1 point whose first child is a point prints 二、 alone, as before; a point
    # with a heading is unchanged.
    d = Doc(POINTS)
    two = d.line('二、')
    sub = d.after(two)
    errors = faces(two, FACE_HEI, BODY_PT, '二、')
    errors.append(off(two.x0, LEFT + 2 * CH, TEXT_TOL, '二、 left edge'))
    if not sub.text.startswith('（一）加强组织领导。'):
        errors.append('the line after 二、 reads %r' % sub.text)
    errors.append(next_line(d, two))
    three = d.line('三、工作要求')
    errors += faces(three, FACE_HEI, BODY_PT, '三、工作要求')
    if not d.after(three).text.startswith('各单位于年底前'):
        errors.append('the line after 三、工作要求 reads %r' % d.after(three).text)
    fail_if(errors, 'number alone')

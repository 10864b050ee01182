"""Regressions found in review: each case once failed."""
import collections
import os
import re
import subprocess

from tests.lib import GONGWEN, ROOT, tmpdir
from tests.lib import pdfprobe as pp

SEED = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')


def gw(*args, env=None):
    e = dict(os.environ)
    e.pop('SOURCE_DATE_EPOCH', None)
    e.update(env or {})
    return subprocess.run([GONGWEN, *args], capture_output=True, text=True, env=e, timeout=60)


def test_unknown_stylesheet_parameter_is_a_usage_error():
    out = os.path.join(tmpdir(), 'x.pdf')
    for p in ('no-such-parameter=1', 'generator=x', '=1'):
        r = gw('render', SEED, '-o', out, '-p', p)
        assert r.returncode == 2, (p, r.returncode, r.stderr)
        assert 'no parameter of the stylesheets' in r.stderr, r.stderr
        assert not os.path.exists(out)


def test_bad_source_date_epoch_falls_back_to_the_document_date():
    out = os.path.join(tmpdir(), 'x.pdf')
    r = gw('render', SEED, '-o', out, env={'SOURCE_DATE_EPOCH': '99999999999999999'})
    assert r.returncode == 0 and 'SOURCE_DATE_EPOCH' in r.stderr, r.stderr
    assert pp.pdf_info(out)['CreationDate'].startswith('2020-12-31T00:00:00')


def test_failed_page_leaves_earlier_pages_untouched():
    d = tmpdir()
    for i in (1, 2):
        with open(os.path.join(d, 'p-%d.svg' % i), 'w') as f:
            f.write('old')
    os.mkdir(os.path.join(d, 'p-3.svg'))  # page 3 cannot be written
    r = gw('render', SEED, '-f', 'svg', '-o', os.path.join(d, 'p.svg'))
    assert r.returncode == 3, r.stderr
    for i in (1, 2):
        with open(os.path.join(d, 'p-%d.svg' % i)) as f:
            assert f.read() == 'old', 'page %d was replaced although page 3 failed' % i
    assert sorted(os.listdir(d)) == ['p-1.svg', 'p-2.svg', 'p-3.svg'], os.listdir(d)


def layout(flow, colophon=''):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<layout xmlns="urn:gongwen:layout:1" version="1">'
            '<info title="t" author="a" date="2024-01-01"/>'
            '<page width="210mm" height="297mm" top="37mm" left="28mm" area-width="156mm"'
            ' area-height="225mm" lines="22" chars="28" em-top="0.88"/>'
            '<face role="body" family="FangSong_GB2312"/>'
            '<flow face="body" size="16pt" color="#000000">%s</flow>%s</layout>\n' % (flow, colophon))


def render_layout(text, *args):
    d = tmpdir()
    src = os.path.join(d, 'l.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text)
    out = os.path.join(d, 'l.pdf')
    return gw('render', src, '-o', out, *args), out


def test_rule_at_the_foot_of_a_page_moves_to_the_next():
    paras = ''.join('<para grid="yes">第%d行</para>' % i for i in range(1, 22))
    r, out = render_layout(layout(paras + '<rule before="2ln" thickness="1pt"/>'))
    assert r.returncode == 0, r.stderr
    assert pp.pdf_info(out)['Pages'] == 2
    rules = pp.hrules(pp.raster(out, 2, dpi=150), 'dark', min_length_mm=100)
    assert len(rules) == 1 and rules[0].cy < pp.AREA['top'] + 1, rules


def test_colophon_taller_than_the_type_area_is_an_error():
    rows = ''.join('<para>第%d行</para>' % i for i in range(30))
    r, out = render_layout(layout('<para>正文</para>', '<colophon size="14pt">%s</colophon>' % rows))
    assert r.returncode == 1 and 'taller than the type area' in r.stderr, r.stderr
    assert not os.path.exists(out)


def test_group_wider_than_the_type_area_is_an_error():
    r, out = render_layout(layout('<group align="left" inset="10ch"><para grid="yes">%s</para></group>'
                                  % ('字' * 28)))
    assert r.returncode == 1 and 'too long' in r.stderr, r.stderr


def test_chained_headings_stay_with_the_text():
    paras = ''.join('<para grid="yes">第%d行</para>' % i for i in range(1, 21))
    heads = ('<para align="center" keep-with-next="yes">第一章　总则</para>'
             '<para align="center" keep-with-next="yes">第一节　一般规定</para>'
             '<para grid="yes">正文。</para>')
    r, out = render_layout(layout(paras + heads))
    assert r.returncode == 0, r.stderr
    pages = {w.text: w.page for w in pp.words(out)}
    # 20 lines leave room for the two headings on page 1, but not for the text after them.
    assert pages['第一章'] == pages['第一节'] == pages['正文。'] == 2, pages


def test_zero_width_characters_take_no_grid_cell():
    r, out = render_layout(layout('<para grid="yes">汉%s字</para>' % ('&#x200B;' * 20)))
    assert r.returncode == 0, r.stderr
    (line,) = [l for l in pp.lines(out) if '汉' in l.text]
    pp.approx(line.x1 - line.x0, 2 * pp.CH, 0.2, 'two characters and twenty zero-width spaces')


def page_text(pdf):
    """The text of page 1 as poppler lays it out, line by line, left to right."""
    r = subprocess.run(['pdftotext', '-layout', '-f', '1', '-l', '1', pdf, '-'],
                       capture_output=True, text=True, check=True)
    return [' '.join(l.split()) for l in r.stdout.splitlines() if l.strip()]


def test_right_to_left_text_is_drawn_right_to_left():
    # A right-to-left override (U+202E … U+202C) reverses what it holds on the page: the glyphs
    # of "xyz def" stand as "fed zyx", between "abc" and "end"; the line keeps its place.
    r, out = render_layout(layout('<para>abc&#x202E;xyz def&#x202C; end</para>'
                                  '<para>abc xyz def end</para>'))
    assert r.returncode == 0, r.stderr
    assert page_text(out)[:2] == ['abcfed zyx end', 'abc xyz def end'], page_text(out)
    # ("abc" and the reversed "fed" touch: a reader may take them for one word)
    lefts = sorted(w.x0 for w in pp.words(out) if w.text.startswith('abc'))
    assert len(lefts) == 2 and abs(lefts[0] - lefts[1]) < 0.1, lefts


def test_right_to_left_text_breaks_in_the_text_order():
    # Broken over lines, a right-to-left stretch puts the text's first words on the first line,
    # each line drawn right to left: the text's first word at its right end.
    words_in = ['w%02d' % i for i in range(40)]
    r, out = render_layout(layout('<para>&#x202E;%s&#x202C;</para>' % ' '.join(words_in)))
    assert r.returncode == 0, r.stderr
    lines = [l.split() for l in page_text(out) if l.split()[0].endswith('w')]
    assert len(lines) >= 2, lines
    read = [w[::-1] for line in lines for w in reversed(line)]
    assert read == words_in, 'read right to left, line by line: %r' % lines


def _notice_with_addressees(n, colophon=True):
    with open(os.path.join(ROOT, 'sources', 'tongzhi-fujian.xml'), encoding='utf-8') as f:
        s = f.read()
    if not colophon:
        s = re.sub(r'  <colophon>.*</colophon>\n', '', s, flags=re.S)
        assert '<colophon' not in s
    names = '，'.join('示例市第%d区人民政府' % i for i in range(1, n + 1))
    s = s.replace('<addressee>各区县人民政府，市政府各委、办、局，各有关单位</addressee>',
                  '<addressee>%s</addressee>' % names)
    s = s.replace('images/seal.svg', os.path.join(ROOT, 'sources', 'images', 'seal.svg'))
    d = tmpdir()
    src = os.path.join(d, 'n%d.xml' % n)
    with open(src, 'w', encoding='utf-8') as f:
        f.write(s)
    out = src[:-4] + '.pdf'
    r = gw('render', src, '-o', out)
    assert r.returncode == 0, r.stderr
    return out


def test_many_addressees_move_to_the_colophon():
    # §7.3.2: addressees so many that no text would begin on page 1 go to the colophon as 主送.
    out = _notice_with_addressees(30)
    words = pp.words(out)
    first_text = [w for w in words if '为贯彻落实' in w.text]
    assert first_text and first_text[0].page == 1, 'the text begins on page 1'
    last = pp.pdf_info(out)['Pages']
    moved = [w for w in words if w.text.startswith('主送：')]
    assert moved and moved[0].page == last, 'the addressees stand in the colophon: %r' % moved
    assert not [w for w in words if w.page == 1 and '示例市第1区' in w.text]


def test_many_addressees_move_to_a_colophon_made_for_them():
    # The same without a colophon in the source: one is made, 主送 between two thick rules at
    # the foot of the last (even) page; with few addressees, no colophon appears at all.
    out = _notice_with_addressees(30, colophon=False)
    words = pp.words(out)
    last = pp.pdf_info(out)['Pages']
    assert last % 2 == 0, 'the colophon on an even page: %d pages' % last
    moved = [w for w in words if w.text.startswith('主送：')]
    assert moved and moved[0].page == last, 'the addressees stand in the colophon: %r' % moved
    assert not [w for w in words if w.page == 1 and '示例市第1区' in w.text]
    rules = pp.hrules(pp.raster(out, last, dpi=300), 'any', min_length_mm=150)
    assert len(rules) == 2, 'two rules around 主送: %r' % rules
    assert rules[0].y1 < moved[0].y0 and moved[-1].y1 < rules[1].y0, (rules, moved)
    assert abs(rules[1].cy - 262) < 0.5, 'the last rule on the type area\'s foot: %r' % rules[1]
    few = _notice_with_addressees(5, colophon=False)
    pages = pp.pdf_info(few)['Pages']
    assert not pp.hrules(pp.raster(few, pages, dpi=100), 'any', min_length_mm=150), \
        'no colophon when the addressees stay'


def test_few_addressees_stay_below_the_title():
    out = _notice_with_addressees(5)
    words = pp.words(out)
    assert [w for w in words if w.page == 1 and '示例市第1区' in w.text]
    assert not [w for w in words if w.text.startswith('主送：')]


def test_unreadable_image_is_an_error_with_its_line():
    with open(os.path.join(ROOT, 'sources', 'tongzhi-fujian.xml'), encoding='utf-8') as f:
        s = f.read()
    d = tmpdir()
    with open(os.path.join(d, 'broken.png'), 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\nnot really a png')
    s = s.replace('images/seal.svg', 'broken.png')
    src = os.path.join(d, 'n.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(s)
    line = s[:s.index('broken.png')].count('\n') + 1
    r = gw('render', src, '-o', os.path.join(d, 'n.pdf'))
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith('%s:%d: error: cannot read the image' % (src, line)), r.stderr
    assert not os.path.exists(os.path.join(d, 'n.pdf'))


TWENTY = ['示例省第%d厅' % i for i in range(4, 21)]


def joint_notice(extra, seals=False, head='<head>'):
    """sources/lianhe-tongzhi.xml with the organs `extra` added after its three (in the head and
    as signatures), one seal a signature when `seals`, and `head` as its head's start tag;
    written to a temp dir. Returns (source path, text)."""
    with open(os.path.join(ROOT, 'sources', 'lianhe-tongzhi.xml'), encoding='utf-8') as f:
        s = f.read()
    s = s.replace('  <head>', '  ' + head, 1)
    s = s.replace('    <organ>示例省财政厅</organ>\n', '    <organ>示例省财政厅</organ>\n' +
                  ''.join('    <organ>%s</organ>\n' % o for o in extra))
    s = s.replace('    <signature>示例省财政厅</signature>\n',
                  '    <signature>示例省财政厅</signature>\n' +
                  ''.join('    <signature>%s</signature>\n' % o for o in extra))
    if seals:
        seal = os.path.join(ROOT, 'sources', 'images', 'seal.svg')
        s = s.replace('    <date>2024-04-10</date>\n', '    <date>2024-04-10</date>\n' +
                      ''.join('    <seal src="%s" width="40mm"/>\n' % seal
                              for _ in range(3 + len(extra))))
    src = os.path.join(tmpdir(), 'j.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(s)
    return src, s


def test_twenty_organs_all_in_the_mark_are_a_clear_error():
    # Asked to stack all twenty (joint-mark="all"), the mark is taller than the type area.
    src, s = joint_notice(TWENTY, head='<head joint-mark="all">')
    line = s[:s.index('<organ')].count('\n') + 1
    r = gw('render', src, '-o', src[:-4] + '.pdf')
    assert r.returncode == 1 and r.stderr.startswith('%s:%d: error: ' % (src, line)), r.stderr
    assert 'taller than the type area' in r.stderr


def test_twenty_organs_leave_the_lead_organ_alone_with_a_warning():
    # Not asked, the stylesheets put the lead organ alone in the mark (§7.1: the first page shows
    # the text) and say so at the first organ's line.
    src, s = joint_notice(TWENTY)
    line = s[:s.index('<organ')].count('\n') + 1
    out = src[:-4] + '.pdf'
    r = gw('render', src, '-o', out)
    assert r.returncode == 0 and r.stderr.startswith('%s:%d: warning: ' % (src, line)), r.stderr
    marks = [m for m in pp.text_runs(out, 1) if m.size > 23]
    assert ''.join(m.text for m in marks) == '示例省教育厅文件', marks


def test_twenty_organs_with_the_lead_organ_alone_in_the_mark():
    # §7.2.4: in joint issuance the mark may name the lead organ alone. Twenty organs then
    # render: the red mark is the lead's name and 文件, 37 mm + 35 mm from the page top, while
    # the signatures still name all twenty.
    src, _ = joint_notice(TWENTY, head='<head joint-mark="lead">')
    out = src[:-4] + '.pdf'
    r = gw('render', src, '-o', out)
    assert r.returncode == 0, r.stderr
    marks = [r for r in pp.text_runs(out, 1) if r.size > 23]
    assert ''.join(m.text for m in marks) == '示例省教育厅文件', marks
    assert abs(pp.em_box(marks[0]).y0 - 72) < 0.5, pp.em_box(marks[0])
    text = ''.join(w.text for w in pp.words(out))
    for n in TWENTY:
        assert n in text, 'signature %s missing' % n


def test_landscape_table_pages_turn_their_head_to_the_binding_or_the_edge():
    # §8: a wide table on pages turned a quarter, its head toward the binding on odd pages and
    # toward the outer edge on even ones: the left of the sheet either way (the binding of an
    # even page is on its right); page numbers stay upright in place.
    d = tmpdir()
    out = os.path.join(d, 'yj.pdf')
    r = gw('render', os.path.join(ROOT, 'sources', 'yijian-biaoge.xml'), '-o', out)
    assert r.returncode == 0, r.stderr
    info = pp.pdf_info(out)
    assert abs(info['page_size'][0] - 210) < 0.5 and abs(info['page_size'][1] - 297) < 0.5
    heads = [w for w in pp.words(out) if w.text == '四季度']
    assert len(heads) >= 2, 'the landscape table runs over two pages or more: %r' % heads
    assert {w.page % 2 for w in heads} == {0, 1}, 'odd and even turned pages: %r' % heads
    for w in heads:
        assert w.x1 < 60, 'page %d: head on the left of the sheet, got x %.1f' % (w.page, w.x0)
        # the characters run top to bottom: the word is taller than wide
        assert w.y1 - w.y0 > w.x1 - w.x0, w
    for w in pp.words(out):
        if w.text.isdigit() and w.page in {h.page for h in heads} and w.y0 > 262:
            side = 'right' if w.page % 2 else 'left'
            assert (w.x0 > 150) == (side == 'right'), 'page number on the %s: %r' % (side, w)


EXTRA_ORGANS = ('示例省卫生健康委员会', '示例省民政厅', '示例省科学技术厅')


def joint_sealed(n):
    """lianhe-tongzhi with n organs (3 or more), each signature under its own seal, rendered."""
    extra = EXTRA_ORGANS[:n - 3]
    src, _ = joint_notice(extra, seals=True)
    out = src[:-4] + '.pdf'
    r = gw('render', src, '-o', out)
    assert r.returncode == 0, r.stderr
    return out, ('示例省教育厅', '示例省人力资源和社会保障厅', '示例省财政厅') + extra


def ink_runs(flags, to_mm):
    """(start, end) in mm of the runs of True in flags."""
    runs, start = [], None
    for i, on in enumerate(list(flags) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((to_mm(start), to_mm(i)))
            start = None
    return runs


def seal_rows(out, page):
    """The seals' red ink on a page, as rows (top, bottom) each with its columns (left, right)."""
    img = pp.raster(out, page, dpi=100)
    mask = img.mask('red')
    w, h = img.width, img.height
    # below the red rule of page 1 (the mark) and above the colophon: the closing's band
    rows = ink_runs([any(mask[y * w:(y + 1) * w]) for y in range(h)], img.mm)
    rows = [(t, b) for t, b in rows if b - t > 20]  # a seal is 40 mm tall; rules are thin
    result = []
    for t, b in rows:
        y0, y1 = round(img.px(t)), round(img.px(b))
        cols = ink_runs([any(mask[y * w + x] for y in range(y0, y1)) for x in range(w)], img.mm)
        result.append(((t, b), cols))
    return result


def signature_words(out, names):
    words = pp.words(out)
    found = []
    for name in names:
        hits = [w for w in words if w.text.startswith(name[:4]) and w.y1 < 250]
        assert hits, 'signature %s not found' % name
        found.append(hits[-1])
    return found


def test_joint_seals_side_by_side_never_touching():
    # §7.3.5.1, joint issuance with seals: signatures side by side, each under its own seal,
    # the date under the last; the seals never touch and stay within the type area; the names
    # stand on one line (整齐排列), the date under the last name.
    out, names = joint_sealed(3)
    words = pp.words(out)
    (date,) = [w for w in words if '2024年4月10日' in w.text and w.y1 < 250]
    ((top, bottom), runs), = seal_rows(out, date.page)
    assert len(runs) == 3, 'three seals side by side, not touching: %r' % runs
    assert runs[0][0] >= 28 - 0.5 and runs[-1][1] <= 184 + 0.5, 'within the type area: %r' % runs
    assert runs[-1][0] < (date.x0 + date.x1) / 2 < runs[-1][1], 'the last seal presses the date'
    sigs = signature_words(out, names)
    firsts = [w.y0 for w in sigs]
    assert max(firsts) - min(firsts) < 0.2, 'the names on one line: %r' % sigs
    assert date.y0 > max(w.y1 for w in sigs), 'the date below the names'


def test_joint_seals_in_two_rows_keep_the_grid_and_never_touch():
    # Five organs: three seals in the first row, two in the second; the rows never touch; the
    # second row keeps the first row's column widths, set to the right, so that its seals stand
    # under the first row's second and third and the last presses the date; each row's names
    # share a line.
    out, names = joint_sealed(5)
    words = pp.words(out)
    (date,) = [w for w in words if '2024年4月10日' in w.text and w.y1 < 250]
    rows = seal_rows(out, date.page)
    assert [len(cols) for _, cols in rows] == [3, 2], 'three seals, then two: %r' % rows
    (t1, b1), first = rows[0]
    (t2, b2), second = rows[1]
    assert t2 > b1, 'the rows do not touch: %r' % rows
    assert t2 - b1 < 225 / 22, 'the second row follows closely: %.1f mm' % (t2 - b1)
    for lo, hi in first + second:
        assert lo >= 28 - 0.5 and hi <= 184 + 0.5, 'within the type area: %r' % rows
    for (l1, r1), (l2, r2) in zip(first[1:], second):
        assert abs((l1 + r1) / 2 - (l2 + r2) / 2) < 1, 'on the first row\'s grid: %r' % rows
    assert second[-1][0] < (date.x0 + date.x1) / 2 < second[-1][1], 'the last seal presses the date'
    sigs = signature_words(out, names)
    for row in (sigs[:3], sigs[3:]):
        tops = [w.y0 for w in row]
        assert max(tops) - min(tops) < 0.2, 'a row\'s names on one line: %r' % row
    assert min(w.y0 for w in sigs[3:]) > b1, 'the second row\'s names under the first row\'s seals'


Box = collections.namedtuple('Box', 'x0 y0 x1 y1')


def test_two_organ_joint_notice_with_seals():
    # sources/lianhe-tongzhi-yinzhang.xml (§7.2.4, §7.3.5.1): the two names stacked in red, as
    # wide as each other, 文件 beside them centred on the stack; on the last page the two
    # signatures on one line, each centred under its own seal in its half of the line, the
    # date under the second; the seals within the type area, apart, their tops within a line
    # of the text.
    out = os.path.join(tmpdir(), 'ly.pdf')
    r = gw('render', os.path.join(ROOT, 'sources', 'lianhe-tongzhi-yinzhang.xml'), '-o', out)
    assert r.returncode == 0, r.stderr
    marks = {}
    for w in pp.words(out, 1):
        if w.y1 - w.y0 > 15:  # the mark's words (36 pt); a spread name is a word a character
            key = ('文件', 0) if w.text == '文件' else ('', round(w.y0))
            marks.setdefault(key, []).append(w)
    box = lambda bs: Box(min(b.x0 for b in bs), min(b.y0 for b in bs), max(b.x1 for b in bs),
                         max(b.y1 for b in bs))
    wj = box(marks.pop(('文件', 0)))
    gov, army = [box(marks[k]) for k in sorted(marks)]
    # pdftotext's boxes reach the ascent and descent; 36 pt is 12.7 mm, em boxes apart
    assert army.y0 - gov.y0 > 36 * 25.4 / 72, 'stacked: %r %r' % (gov, army)
    assert abs((gov.x1 - gov.x0) - (army.x1 - army.x0)) < 0.5, 'spread to one width'
    assert abs((wj.y0 + wj.y1) / 2 - (gov.y0 + army.y1) / 2) < 0.5, '文件 centred on the stack'
    assert wj.x0 > gov.x1, '文件 to the right'
    last = pp.pdf_info(out)['Pages']
    words = pp.words(out, last)
    (date,) = [w for w in words if w.text == '2024年6月18日']
    sigs = [[w for w in words if w.text.startswith(n)][0] for n in ('示例市人', '示例军分')]
    ((top, bottom), seals), = seal_rows(out, last)
    assert len(seals) == 2, seals
    assert seals[0][1] < seals[1][0], 'the seals do not touch: %r' % seals
    assert seals[0][0] >= 28 - 0.5 and seals[1][1] <= 184 + 0.5, seals
    for i, (sig, (lo, hi)) in enumerate(zip(sigs, seals)):
        half = 28 + 78 * i + 39
        assert abs((lo + hi) / 2 - half) < 1, 'seal %d centred in its half: %r' % (i, (lo, hi))
        line = [w for w in words if abs(w.y0 - sig.y0) < 0.2 and lo - 5 < w.x0 < hi]
        x0, x1 = min(w.x0 for w in line), max(w.x1 for w in line)
        assert abs((x0 + x1) / 2 - half) < 1, 'signature %d under its seal: %.1f..%.1f' % (i, x0, x1)
    assert abs(sigs[0].y0 - sigs[1].y0) < 0.2, 'the names on one line'
    assert seals[1][0] < (date.x0 + date.x1) / 2 < seals[1][1] and date.y0 > sigs[1].y1
    text_bottom = max(w.y1 for w in words if w.y1 < top)
    assert 0 < top - text_bottom < 225 / 22, 'seal top within a line of the text: %.1f' % (top - text_bottom)


def test_a_taller_seal_in_the_second_row_still_keeps_clear_of_the_first():
    # The space above a row of seals follows the row's tallest seal, not the first seal's size.
    src, s = joint_notice(EXTRA_ORGANS[:2], seals=True)
    parts = s.split('width="40mm"/>')
    assert len(parts) == 6, len(parts)
    s = 'width="40mm"/>'.join(parts[:4]) + 'width="50mm"/>' + \
        'width="40mm"/>'.join(parts[4:])
    with open(src, 'w', encoding='utf-8') as f:
        f.write(s)
    out = src[:-4] + '.pdf'
    r = gw('render', src, '-o', out)
    assert r.returncode == 0, r.stderr
    words = pp.words(out)
    (date,) = [w for w in words if '2024年4月10日' in w.text and w.y1 < 250]
    rows = seal_rows(out, date.page)
    assert [len(cols) for _, cols in rows] == [3, 2], rows
    (t1, b1), _ = rows[0]
    (t2, b2), _ = rows[1]
    assert t2 > b1, 'the rows do not touch: %r' % rows
    assert b2 - t2 > 45, 'the big seal is drawn larger than the others: %r' % rows


def test_joint_letter_double_rule_4mm_below_the_whole_stack():
    # §10.1 with §7.2.4: a letter of two organs stacks their names from 30 mm; the thick rule of
    # the head's double rule lies 4 mm below the last name, not below the first, and the
    # number stands below the thin rule, clear of the names.
    with open(os.path.join(ROOT, 'sources', 'han-letter.xml'), encoding='utf-8') as f:
        s = f.read()
    second = '示例省财政厅办公室'
    s = s.replace('    <organ>示例省教育厅办公室</organ>\n',
                  '    <organ>示例省教育厅办公室</organ>\n    <organ>%s</organ>\n' % second)
    s = s.replace('    <signature>示例省教育厅办公室</signature>\n',
                  '    <signature>示例省教育厅办公室</signature>\n    <signature>%s</signature>\n' % second)
    s = s.replace('    <seal src="images/seal.svg" width="42mm"/>\n', '')
    d = tmpdir()
    src = os.path.join(d, 'jl.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(s)
    out = os.path.join(d, 'jl.pdf')
    r = gw('render', src, '-o', out)
    assert r.returncode == 0, r.stderr
    marks = sorted((r for r in pp.text_runs(out, 1) if r.size > 23), key=lambda r: r.y0)
    assert [m.text for m in marks] == ['示例省教育厅办公室', second], marks
    first, last = pp.em_box(marks[0]), pp.em_box(marks[1])
    assert abs(first.y0 - 30) < 0.5, 'the stack\'s top 30 mm from the page top: %.2f' % first.y0
    rules = pp.hrules(pp.raster(out, 1, dpi=300), 'red', min_length_mm=100)
    assert len(rules) == 4, rules
    thick, thin = rules[0], rules[1]
    assert abs(thick.cy - (last.y1 + 4)) < 0.5, \
        'thick rule %.2f, 4 mm below the last name (%.2f)' % (thick.cy, last.y1)
    (num,) = [w for w in pp.words(out, 1) if '36号' in w.text]
    assert num.y0 > thin.y1, 'the number below the double rule: %r %r' % (num, thin)


def test_write_failing_midway_keeps_the_previous_output():
    # The render starts writing, then the file-size limit stops it: the old output stays whole
    # and no temporary file is left behind.
    import resource
    import signal
    d = tmpdir()
    out = os.path.join(d, 'seed.pdf')
    with open(out, 'wb') as f:
        f.write(b'previous output')

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))

    r = subprocess.run([GONGWEN, 'render', SEED, '-o', out], capture_output=True, text=True,
                       preexec_fn=limit, timeout=60)
    assert r.returncode == 3, (r.returncode, r.stderr)
    assert r.stderr.startswith(out + ': error: '), r.stderr
    with open(out, 'rb') as f:
        assert f.read() == b'previous output'
    assert os.listdir(d) == ['seed.pdf'], os.listdir(d)

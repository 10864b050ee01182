"""Editions of a regulation (doc/editions.md): gongwen apply, histories and render --as-of, the
修订对照表 (gongwen compare) and the 花脸稿 (--redline), read back from the PDFs.

    python3 tests/run.py tests/test_editions.py

The sample is sources/history-dangan-chayue/: an edition of fourteen articles and two
amendments. What each edition must print is written out here by hand (EDITIONS: the order of the
articles by id, TEXT: what each says, references as {id}), so the numbers the tests expect are
counted here, not by gongwen. Texts and positions come from pdftotext; struck and underlined
characters from rasterising with pdftoppm: a decoration is a horizontal run of ink at least
MARK_MIN long (longer than any stroke of a 14 pt or 16 pt glyph), through the middle of a line's
em box (a strike) or under it (an underline), and the characters it covers are counted from the
line's start, each one em (or, on the grid, one grid character) wide. A decoration is as thick
as a twentieth of its em: thicker than a 仿宋 stroke and thinner than a 黑体 one.
"""
import glob
import hashlib
import os
import re
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, Skip, module_tmpdir, tmpdir
from tests.lib import pdfprobe as pp

HISTORY = os.path.join(ROOT, 'sources', 'history-dangan-chayue')
FIRST = os.path.join(HISTORY, 'banfa-2019.xml')
AMEND_2021 = os.path.join(HISTORY, 'xiuzheng-2021.xml')
AMEND_2023 = os.path.join(HISTORY, 'xiuzheng-2023.xml')
ASAN = os.path.join(ROOT, 'build', 'gongwen-asan')
SUPP = os.path.join(ROOT, 'tests', 'sanitizers.supp')
MARK_MIN = 4.8      # mm: a 14 pt em is 4.94 mm; the longest stroke of a 14 pt 黑体 glyph 4.7 mm
MARK_THICK = (0.15, 0.45)  # mm: 1/20 em of 14 or 16 pt is 0.25 or 0.28 mm, 2 to 4 pixels at
                           # 300 dpi; 黑体 strokes are thicker
TABLE_MIN = 150     # mm: the table's own rules run across the type area (156 mm)
MID_COLUMN = 106    # mm: the rule between the table's two columns

TEXT = {
    'purpose': '为了规范示例市档案馆（以下简称档案馆）馆藏档案的查阅利用工作，保护档案安全，方便社会各方面'
               '利用档案，根据有关法律法规，结合本市实际，制定本办法。',
    'scope': '本办法适用于档案馆向机关、团体、企业事业单位和其他组织以及公民提供馆藏档案的查阅、摘录和复制服务。',
    'principle': '档案查阅利用工作坚持依法开放、保障安全、便民高效的原则。',
    'who': '持有效身份证件的公民和持单位介绍信的组织，可以查阅档案馆已向社会开放的档案。',
    'online': '档案馆通过网上查档平台，提供已开放档案的目录查询和电子档案在线查阅服务。',
    'procedure-30': '查阅档案按照下列程序办理：（一）填写查阅登记表，说明查阅目的和范围；（二）档案馆工作人员审核登记表'
                    '和有关证件；（三）审核通过的，当场提供档案或者档案复制件。不能当场提供的，档案馆应当自登记之日起'
                    '三十日内答复查阅者。',
    'procedure-20': '查阅档案按照下列程序办理：（一）填写查阅登记表，说明查阅目的和范围；（二）档案馆工作人员审核登记表'
                    '和有关证件；（三）审核通过的，当场提供档案或者档案复制件。不能当场提供的，档案馆应当自登记之日起'
                    '二十日内答复查阅者。',
    'restricted': '查阅未开放档案，应当经档案形成单位或者移交单位同意，并报档案馆负责人批准。',
    'reading-room': '查阅档案应当在档案馆阅览室进行。查阅者应当遵守阅览室规定，不得涂改、污损、拆散档案，不得擅自拍摄档案。',
    'copy': '查阅者需要复制档案的，由档案馆统一办理。复制件加盖档案馆档案证明专用章后，与原件具有同等效力。',
    'fees-2019': '复制档案按照下列标准收取工本费：纸质档案复印每页0.5元，电子档案每件2元。',
    'fees-2021': '档案馆提供档案查阅和复制服务，不收取费用。查阅者要求邮寄复制件的，邮寄费用由查阅者承担。',
    'certify': '档案馆根据利用者的申请，可以依据馆藏档案出具档案证明。',
    'violation': '查阅者违反{reading-room}规定的，档案馆可以停止其查阅；造成档案损毁、丢失的，依法追究责任。',
    'staff': '档案馆工作人员违反{restricted}规定擅自提供未开放档案的，依法给予处分。',
    'interpret': '本办法由示例市档案局负责解释。',
    'effective': '本办法自2019年3月1日起施行。',
}

# The articles of each edition in their order (TEXT keys); a reference {x} prints the number of
# the article whose key starts with x.
EDITIONS = {
    1: ['purpose', 'scope', 'principle', 'who', 'procedure-30', 'restricted', 'reading-room',
        'copy', 'fees-2019', 'certify', 'violation', 'staff', 'interpret', 'effective'],
    2: ['purpose', 'scope', 'principle', 'who', 'online', 'procedure-30', 'restricted',
        'reading-room', 'copy', 'fees-2021', 'violation', 'staff', 'interpret', 'effective'],
    3: ['purpose', 'scope', 'principle', 'who', 'online', 'procedure-20', 'reading-room',
        'restricted', 'copy', 'fees-2021', 'violation', 'staff', 'interpret', 'effective'],
}
CHAPTERS = ['第一章 总则', '第二章 查阅', '第三章 复制', '第四章 法律责任', '第五章 附则']
NUMBERS = {1: '示档发〔2019〕4号', 2: '示档发〔2021〕9号', 3: '示档发〔2023〕6号'}

CN = '零一二三四五六七八九'


def cn(n):
    """Chinese numerals 1..99 as official documents write them."""
    if n < 10:
        return CN[n]
    tens, ones = divmod(n, 10)
    return ('' if tens == 1 else CN[tens]) + '十' + (CN[ones] if ones else '')


def expected_articles(edition):
    """[(第X条, text)] as the edition must print them."""
    order = EDITIONS[edition]

    def number_of(key):
        hits = [i for i, k in enumerate(order, 1) if k == key or k.startswith(key + '-')]
        assert len(hits) == 1, key
        return '第%s条' % cn(hits[0])
    return [('第%s条' % cn(i), re.sub(r'\{([a-z-]+)\}', lambda m: number_of(m.group(1)), TEXT[k]))
            for i, k in enumerate(order, 1)]


# --- running gongwen -------------------------------------------------------------------------

def gongwen(*args, binary=GONGWEN, env=None):
    p = subprocess.run([binary] + [str(a) for a in args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600, cwd=ROOT, env=env)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def ok(*args, **kw):
    rc, out, err = gongwen(*args, **kw)
    assert rc == 0, 'gongwen %s: exit %d\n%s' % (' '.join(map(str, args)), rc, err[-3000:])
    return out, err


_cache = {}


def cached(name, *args):
    """A file made once per module run by `gongwen ARGS -o FILE`."""
    if name not in _cache:
        path = os.path.join(module_tmpdir('editions'), name)
        ok(*args, '-o', path)
        _cache[name] = path
    return _cache[name]


def edition_source(n):
    """The source of edition n: the first as given, the others made by gongwen apply."""
    if n == 1:
        return FIRST
    if n == 2:
        return cached('e2.xml', 'apply', FIRST, AMEND_2021)
    return cached('e3.xml', 'apply', edition_source(2), AMEND_2023)


def edition_pdf(n):
    return cached('e%d.pdf' % n, 'render', edition_source(n))


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


# --- reading texts back ---------------------------------------------------------------------

LABEL = re.compile(r'^(第[一二三四五六七八九十百]+条)\s+(.*)$')
HEADING = re.compile(r'^第[一二三四五六七八九十]+章\s')


def pdftotext(pdf):
    return subprocess.run(['pdftotext', '-enc', 'UTF-8', pdf, '-'], stdout=subprocess.PIPE,
                          check=True).stdout.decode('utf-8')


def articles(pdf, stop='示例市档案局'):
    """[(第X条, text)] of a rendered regulation: its lines joined, page numbers and chapter
    headings left out, up to the signature."""
    found = []
    for line in pdftotext(pdf).replace('\f', '\n').splitlines():
        line = line.strip()
        if not line or re.fullmatch(r'—\s*\d+\s*—', line):
            continue
        if line == stop:
            break
        m = LABEL.match(line)
        if m:
            found.append([m.group(1), m.group(2)])
        elif HEADING.match(line):
            continue
        elif found:
            found[-1][1] += line
    return [tuple(a) for a in found]


def headings(pdf):
    return [re.sub(r'\s+', ' ', l.strip()) for l in pdftotext(pdf).splitlines()
            if HEADING.match(l.strip())]


def check_articles(pdf, edition):
    got, want = articles(pdf), expected_articles(edition)
    problems = ['%s: printed %r\n      expected %r' % (w[0], g, w) for g, w in zip(got, want)
                if g != w]
    if len(got) != len(want):
        problems.append('%d articles printed, %d expected: %s' % (len(got), len(want),
                                                                  [g[0] for g in got]))
    assert not problems, 'edition %d:\n  ' % edition + '\n  '.join(problems)


# --- marks read back from the raster ----------------------------------------------------------

def decorations(pdf, page=1, region=None):
    """Horizontal runs of ink MARK_MIN to TABLE_MIN long (strikes and underlines), page's
    raster at 300 dpi, within region (mm) or the type area."""
    img = pp.raster(pdf, page, 300)
    region = region or (28, 37, 184, 262)
    return [r for r in pp.hrules(img, min_length_mm=MARK_MIN, region_mm=region)
            if r.length < TABLE_MIN and MARK_THICK[0] <= r.thickness <= MARK_THICK[1]]


def table_rules(pdf, page=1):
    img = pp.raster(pdf, page, 300)
    return [r for r in pp.hrules(img, min_length_mm=TABLE_MIN, region_mm=(20, 30, 190, 265))]


def marked(line, rules, pitch):
    """The characters of a pdftotext line (仿宋, whose box is its em box) that rules strike ('strike': [...]) or underline
    ('underline': [...]), counted from the line's start at pitch mm a character."""
    out = {'strike': [], 'underline': []}
    em = line.y1 - line.y0
    if em > 6:
        return out  # a title or a heading in another face (its box is no em box): no marks there
    for r in rules:
        if r.x1 <= line.x0 - 0.5 or r.x0 >= line.x1 + 0.5:
            continue
        if abs(r.cy - (line.y0 + line.y1) / 2) < 0.2 * em:
            kind = 'strike'
        elif line.y1 <= r.cy <= line.y1 + 0.3 * em:
            kind = 'underline'
        else:
            continue
        i0 = int(round((r.x0 - line.x0) / pitch))
        i1 = int(round((r.x1 - line.x0) / pitch))
        out[kind].append(line.text[max(i0, 0):i1])
    return out


def column_lines(pdf, page):
    """pdftotext's lines cut at the table's middle rule: a line of the left column and one of
    the right that share a baseline are one line to pdftotext. Words are parted by spaces, and
    the only spaces in these texts are the full-width ones after the numbers, so a space
    stands for one character."""
    out = []
    for line in pp.lines(pdf, page):
        for left in (True, False):
            ws = [w for w in line.words if (w.x0 < MID_COLUMN) == left]
            if ws:
                out.append(pp.Line(page, ' '.join(w.text for w in ws), ws[0].x0,
                                   min(w.y0 for w in ws), ws[-1].x1, max(w.y1 for w in ws), ws))
    return out


def table(pdf):
    """The comparison table of page 1 as rows: {'old': [lines], 'new': [lines], 'marks':
    {'old': {...}, 'new': {...}}} between the table's rules found in the raster."""
    rules = sorted(table_rules(pdf), key=lambda r: r.cy)
    assert len(rules) >= 2, 'expected the table\'s rules, found %r' % rules
    marks = decorations(pdf)
    lines = [l for l in column_lines(pdf, 1) if rules[0].cy < (l.y0 + l.y1) / 2 < rules[-1].cy]
    rows = []
    for top, bottom in zip(rules, rules[1:]):
        row = {'old': [], 'new': [], 'marks': {}}
        inside = [l for l in lines if top.cy < (l.y0 + l.y1) / 2 < bottom.cy]
        for side in ('old', 'new'):
            ls = [l for l in inside if (l.x0 < MID_COLUMN) == (side == 'old')]
            row[side] = [l.text for l in ls]
            pitch = 14 * pp.PT
            found = {'strike': [], 'underline': []}
            for l in ls:
                for k, v in marked(l, marks, pitch).items():
                    found[k] += v
            row['marks'][side] = found
        rows.append(row)
    return rows[1:]  # the first is the head: 修改前 | 修改后


def cell(row, side):
    return ''.join(row[side]).replace(' ', '')


# --- the layout: decoration ------------------------------------------------------------------

DECORATED = '''<?xml version="1.0" encoding="UTF-8"?>
<layout xmlns="urn:gongwen:layout:1" version="1">
  <info title="t" author="a" subject="s" keywords="k" date="2024-04-01" lang="zh-CN" creator="c"/>
  <page width="210mm" height="297mm" top="37mm" left="28mm" area-width="156mm"
        area-height="225mm" lines="22" chars="28" em-top="0.88"/>
  <face role="body" family="FangSong_GB2312"/>
  <flow face="body" size="16pt">
    <para indent="2ch" align="justify" grid="yes">应当自登记之日起<span decoration="strike">三</span><span decoration="underline">二</span>十日内答复。</para>
    <para indent="2ch" align="justify" grid="yes"><span decoration="strike">档案馆根据利用者的申请，可以依据馆藏档案出具档案证明。</span></para>
    <para indent="2ch" align="justify" grid="yes"><span decoration="underline">档案馆<span decoration="none">通过</span>网上查档平台</span>提供服务。</para>
  </flow>
</layout>
'''


def test_decoration_in_the_layout():
    """<span decoration>: a rule through the em box's middle or under it, as long as the
    characters' advances, in the trace and in the PDF's raster; none without it."""
    d = tmpdir()
    src = os.path.join(d, 'deco.layout.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(DECORATED)
    trace_path = os.path.join(d, 'deco.trace')
    ok('render', src, '-f', 'trace', '-o', trace_path)
    with open(trace_path, encoding='utf-8') as f:
        trace = f.read()
    rules = [tuple(map(float, m.groups())) for m in re.finditer(
        r'rule x=([\d.]+)\.\.([\d.]+) y=([\d.]+) thickness=([\d.]+)', trace)]
    texts = {m.group(4): tuple(map(float, m.group(1, 2, 3))) for m in re.finditer(
        r'text x=([\d.]+)\.\.([\d.]+) baseline=([\d.]+) .*\|(.*)\|', trace)}
    size = 16 * pp.PT
    x0, x1, base = texts['三']
    strike = [r for r in rules if abs(r[0] - x0) < 0.01 and abs(r[1] - x1) < 0.01]
    assert len(strike) == 1, (rules, texts)
    pp.approx(strike[0][2], base - 0.38 * size, 0.02, 'strike through the em box middle')
    pp.approx(strike[0][3], size / 20, 0.01, 'strike thickness (1/20 em)')
    x0, x1, base = texts['二']
    under = [r for r in rules if abs(r[0] - x0) < 0.01 and abs(r[1] - x1) < 0.01]
    assert len(under) == 1, (rules, texts)
    pp.approx(under[0][2], base + 0.22 * size, 0.02, 'underline 0.1 em below the em box')
    # one character on the grid is one grid character long
    pp.approx(x1 - x0, 156 / 28, 0.01, 'a decorated character on the grid')
    # decoration="none" inside an underlined span leaves 通过 bare: two pieces, not one
    assert len([r for r in rules if abs(r[2] - under[0][2] - (texts['通过'][2] - base)) < 0.05
                and r[3] < 0.3]) == 2, rules
    # in the PDF: 三 and 二 one grid character each, the struck paragraph (one line, its 。
    # pulled in) from its indent to the end of the line, 档案馆 and 网上查档平台
    pdf = os.path.join(d, 'deco.pdf')
    ok('render', src, '-o', pdf)
    found = sorted(decorations(pdf), key=lambda r: (r.cy, r.x0))
    ch = 156 / 28
    want = [(28 + 10 * ch, 1), (28 + 11 * ch, 1), (28 + 2 * ch, 26), (28 + 2 * ch, 3), (28 + 7 * ch, 6)]
    assert len(found) == len(want), 'decorations in the raster: %r' % found
    for r, (x0, n) in zip(found, want):
        pp.approx(r.x0, x0, 0.2, 'a decoration\'s start')
        pp.approx(r.length, n * ch, 0.3, 'a decoration of %d characters' % n)
    # without decoration, the same text has no such line
    plain = os.path.join(d, 'plain.layout.xml')
    with open(plain, 'w', encoding='utf-8') as f:
        f.write(re.sub(r' decoration="\w+"', '', DECORATED))
    ok('render', plain, '-o', os.path.join(d, 'plain.pdf'))
    assert decorations(os.path.join(d, 'plain.pdf')) == [], 'marks without decoration'


# --- editions --------------------------------------------------------------------------------

def test_first_edition_articles():
    check_articles(edition_pdf(1), 1)
    assert headings(edition_pdf(1)) == CHAPTERS


def test_second_edition_articles():
    """Inserted after 第四条 (the rest renumber), 第九条 rewritten, 第十条 deleted; the
    references of 第十一条 and 第十二条 follow."""
    check_articles(edition_pdf(2), 2)
    assert headings(edition_pdf(2)) == CHAPTERS


def test_third_edition_articles():
    """第七条 moved to the end of 第二章, 三十 → 二十; the references follow again."""
    check_articles(edition_pdf(3), 3)


def test_cross_references_follow():
    cited = {}
    for n in (1, 2, 3):
        arts = dict(articles(edition_pdf(n)))
        cited[n] = (re.search(r'违反(第.+?条)规定的，档案馆', arts['第十一条']).group(1),
                    re.search(r'违反(第.+?条)规定擅自', arts['第十二条']).group(1))
    assert cited == {1: ('第七条', '第六条'), 2: ('第八条', '第七条'), 3: ('第七条', '第八条')}, cited


def test_apply_takes_the_decision():
    """The next edition carries the decision's number, date and 题注; nothing else of the head."""
    with open(edition_source(2), encoding='utf-8') as f:
        src = f.read()
    assert '<number code="示档发" year="2021" seq="9"/>' in src, src[:800]
    assert src.count('<date>2021-06-18</date>') == 1 and '<printed>2021-06-18</printed>' in src
    assert '根据2021年6月18日《示例市档案局关于修改〈示例市档案馆档案查阅利用办法〉的决定》修正' in src
    text = pdftotext(edition_pdf(2))
    assert NUMBERS[2] in text and '2021年6月18日' in text, text[:400]


def test_apply_history_as_of_matches_apply():
    """apply HISTORY --as-of gives the bytes of applying the amendments one by one, and the
    first edition as its file."""
    d = tmpdir()
    for n, day in ((1, '2020-01-01'), (2, '2022-01-01'), (3, '2024-01-01')):
        out = os.path.join(d, 'e%d.xml' % n)
        ok('apply', HISTORY, '--as-of', day, '-o', out)
        assert sha256(out) == sha256(edition_source(n)), 'edition %d differs' % n
    # to standard output, the same bytes
    rc, out, err = gongwen('apply', FIRST, AMEND_2021)
    assert rc == 0 and out.encode('utf-8') == open(edition_source(2), 'rb').read(), err


AS_OF = [('2019-03-01', 1), ('2020-06-30', 1), ('2021-06-30', 1), ('2021-07-01', 2),
         ('2023-05-01', 2), ('2023-05-31', 2), ('2023-06-01', 3), ('2030-01-01', 3)]


def test_render_as_of():
    """Before, on, between and after the amendments' dates: the edition in force, its texts
    and numbers, and the PDF's record of it (the day, the number, the source's SHA-256, the
    version)."""
    effective = {1: '2019-03-01', 2: '2021-07-01', 3: '2023-06-01'}
    problems = []
    for day, n in AS_OF:
        pdf = cached('as-of-%s.pdf' % day, 'render', HISTORY, '--as-of', day)
        if articles(pdf) != expected_articles(n):
            problems.append('%s: not edition %d: %s' % (day, n, [a[0] + a[1][:8] for a in articles(pdf)]))
        info = pp.pdf_info(pdf)
        want = '办法; edition %s; sha256 %s' % (effective[n], sha256(edition_source(n)))
        if info.get('Keywords') != want:
            problems.append('%s: keywords %r, expected %r' % (day, info.get('Keywords'), want))
        if info.get('Subject') != NUMBERS[n]:
            problems.append('%s: subject %r' % (day, info.get('Subject')))
        rc, version, _ = gongwen('--version')
        if info.get('Creator') != version.strip():
            problems.append('%s: creator %r' % (day, info.get('Creator')))
    assert not problems, '\n'.join(problems)


def test_render_as_of_is_byte_identical():
    d = tmpdir()
    a, b = os.path.join(d, 'a.pdf'), os.path.join(d, 'b.pdf')
    ok('render', HISTORY, '--as-of', '2022-02-02', '-o', a)
    ok('render', HISTORY + '/', '--as-of', '2022-02-02', '-o', b)
    assert sha256(a) == sha256(b)
    # and the same as rendering the edition's source in a history of one
    c = os.path.join(d, 'c.pdf')
    ok('render', edition_source(2), '--as-of', '2022-02-02', '-o', c)
    assert articles(c) == articles(a)


def test_render_history_default_output_and_latest():
    d = tmpdir()
    h = os.path.join(d, 'h')
    shutil.copytree(HISTORY, h)
    ok('render', h, '--as-of', '2022-01-01')
    assert os.path.exists(h + '-2022-01-01.pdf'), os.listdir(d)
    ok('render', h + '/')  # no day: the latest edition, beside the folder
    check_articles(h + '.pdf', 3)


def test_folder_without_manifest():
    """Without history.xml, every file is an edition or an amendment by its root, and the
    edition takes effect on its 成文日期 (2019-02-20)."""
    d = tmpdir()
    for p in (FIRST, AMEND_2021, AMEND_2023):
        shutil.copy(p, d)
    pdf = os.path.join(d, 'x.pdf')
    ok('render', d, '--as-of', '2019-02-25', '-o', pdf)
    check_articles(pdf, 1)
    ok('render', d, '--as-of', '2023-06-01', '-o', pdf)
    check_articles(pdf, 3)


def test_history_of_a_sealed_notice():
    """A history's images (a seal) are found beside its edition, not beside the folder; a
    point's heading replaced alone keeps what stands under it."""
    d = tmpdir()
    h = os.path.join(d, 'notice')
    os.makedirs(h)
    shutil.copy(os.path.join(ROOT, 'sources', 'tongzhi-fujian.xml'), h)
    shutil.copytree(os.path.join(ROOT, 'sources', 'images'), os.path.join(h, 'images'))
    amendment(h, 'amend.xml', '  <replace unit="yaoqiu"><s:heading>总体目标</s:heading></replace>\n',
              '2024-04-01', '2024-04-02')
    pdf = os.path.join(d, 'n.pdf')
    ok('render', h, '--as-of', '2024-05-01', '-o', pdf)
    text = re.sub(r'\s', '', pdftotext(pdf))
    assert '一、总体目标' in text and '（一）明确工作责任' in text, text[:600]
    trace = os.path.join(d, 'n.trace')
    ok('render', h, '--as-of', '2024-05-01', '-f', 'trace', '-o', trace)
    with open(trace, encoding='utf-8') as f:
        assert re.search(r'image .* multiply \|.*/images/seal\.svg\|', f.read()), 'no seal'


def test_build_skips_amendments_and_manifests():
    d = tmpdir()
    rc, out, err = gongwen('build', HISTORY, '-o', d, '-j', '1')
    assert rc == 0 and 'built 1, skipped 0, failed 0' in out, out + err
    assert sorted(os.listdir(d)) == ['.gongwen-build', 'banfa-2019.pdf'], os.listdir(d)


# --- amendments exercising every place ------------------------------------------------------

EVERY_PLACE = '''<?xml version="1.0" encoding="UTF-8"?>
<amendment xmlns="urn:gongwen:amendment:1" xmlns:s="urn:gongwen:source:1">
  <decision date="2020-01-10" effective="2020-02-01"/>
  <insert before="a-purpose">
    <s:article id="x-first"><s:p>本办法所称档案，是指档案馆保管的档案（见<s:ref to="x-last"/>）。</s:p></s:article>
  </insert>
  <insert first-in="c-liability">
    <s:article id="x-duty"><s:p>档案馆应当建立查阅登记制度。</s:p></s:article>
  </insert>
  <insert last-in="a-procedure">
    <s:item id="x-item"><s:p>查阅结束后归还档案。</s:p></s:item>
  </insert>
  <insert last-in="c-supplementary">
    <s:article id="x-last"><s:p>违反<s:ref to="x-item"/>的，依照<s:ref to="x-duty"/>处理。</s:p></s:article>
  </insert>
  <replace unit="c-copy"><s:heading>复制和证明</s:heading></replace>
  <move unit="a-principle" before="a-scope"/>
</amendment>
'''


def test_every_place_of_an_amendment():
    """before, first-in (after the heading), last-in, a heading replaced alone, a move, and
    references to units the same amendment inserts."""
    d = tmpdir()
    amend = os.path.join(d, 'every.xml')
    with open(amend, 'w', encoding='utf-8') as f:
        f.write(EVERY_PLACE)
    src, pdf = os.path.join(d, 'e.xml'), os.path.join(d, 'e.pdf')
    ok('apply', FIRST, amend, '-o', src)
    ok('render', src, '-o', pdf)
    arts = articles(pdf)
    labels = [a[0] for a in arts]
    assert len(arts) == 17 and labels[-1] == '第十七条', labels
    assert arts[0][1].startswith('本办法所称档案') and arts[0][1].endswith('（见第十七条）。'), arts[0]
    assert arts[2][1] == TEXT['principle'] and arts[3][1] == TEXT['scope'], arts[1:4]
    assert arts[11] == ('第十二条', '档案馆应当建立查阅登记制度。'), arts[10:13]
    assert arts[5][1].endswith('答复查阅者。（四）查阅结束后归还档案。'), arts[5]
    assert arts[16][1] == '违反第六条第（四）项的，依照第十二条处理。', arts[16]
    assert '第三章 复制和证明' in headings(pdf), headings(pdf)


# --- what stops an amendment: nothing written --------------------------------------------------

def amendment(d, name, ops, date='2021-06-18', effective='2021-07-01'):
    path = os.path.join(d, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<amendment xmlns="urn:gongwen:amendment:1" xmlns:s="urn:gongwen:source:1">\n'
                '  <decision date="%s" effective="%s"/>\n%s</amendment>\n' % (date, effective, ops))
    return path


def line_in(path, fragment):
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if fragment in line:
                return i
    raise AssertionError('%r not in %s' % (fragment, path))


BAD = [
    ('unknown-unit', '  <delete unit="a-nosuch"/>\n',
     r'{a}:4: error: unit="a-nosuch" names no unit of .*banfa-2019\.xml'),
    ('deleted-twice', '  <delete unit="a-certify"/>\n  <delete unit="a-certify"/>\n',
     r'{a}:5: error: unit="a-certify" names a unit that line 4 of this amendment has already deleted'),
    ('unknown-anchor', '  <move unit="a-who" after="a-gone"/>\n',
     r'{a}:4: error: after="a-gone" names no unit'),
    ('deleted-target', '  <delete unit="a-restricted"/>\n',
     r'{e}:{ref}: error: reference to "a-restricted", which {a}:4 deletes'),
    ('inserted-ref-to-deleted',
     '  <delete unit="a-certify"/>\n  <insert after="a-who">\n'
     '    <s:article id="a-new"><s:p>见<s:ref to="a-certify"/>。</s:p></s:article>\n  </insert>\n',
     r'{a}:6: error: reference to "a-certify", which {a}:4 deletes'),
    ('cycle', '  <move unit="a-scope" after="a-who"/>\n  <move unit="a-who" after="a-fees"/>\n'
              '  <move unit="a-fees" before="a-scope"/>\n',
     r'{a}:4: error: these moves place units relative to each other in a cycle: "a-scope" '
     r'\(line 4\) → "a-who" \(line 5\) → "a-fees" \(line 6\) → "a-scope"'),
    ('into-itself', '  <move unit="c-access" last-in="a-who"/>\n',
     r'{a}:4: error: cannot move "c-access" last-in "a-who", which stands inside it \(a cycle\)'),
    ('existing-id', '  <insert after="a-who"><s:article id="a-scope"><s:p>重复。</s:p></s:article></insert>\n',
     r'{a}:4: error: id "a-scope" is already that of a unit \(.*banfa-2019\.xml:\d+\)'),
    ('emptied-chapter', '  <delete unit="a-copy"/>\n  <delete unit="a-fees"/>\n  <delete unit="a-certify"/>\n',
     r'{e}:\d+: error: chapter "c-copy" holds nothing but its heading once {a} is applied'),
    ('invalid', '  <delete/>\n', r'{a}:4: error: '),
    # The schema's message on an inserted unit stands in the amendment, not in the edition.
    ('misplaced', '  <insert after="a-who">\n    <s:chapter id="c-x"><s:heading>新章</s:heading>'
                  '<s:article id="a-x"><s:p>新。</s:p></s:article></s:chapter>\n  </insert>\n',
     r'(?m)^{a}:5: error: Did not expect element chapter there'),
    ('before-the-edition', '  <delete unit="a-certify"/>\n',
     r'{a}:3: error: the amendment was decided on 2018-01-01, before the edition it amends'),
]


def bad_amendment(d, name, ops):
    dates = ('2018-01-01', '2018-02-01') if name == 'before-the-edition' else ()
    return amendment(d, name + '.xml', ops, *dates)


def _bad_case(name, ops, pattern):
    def test():
        d = tmpdir()
        a = bad_amendment(d, name, ops)
        out = os.path.join(d, 'new.xml')
        rc, _, err = gongwen('apply', FIRST, a, '-o', out)
        want = pattern.format(a=re.escape(a), e=re.escape(FIRST),
                              ref=line_in(FIRST, '<ref to="a-restricted"/>'))
        assert rc == 1, 'exit %d\n%s' % (rc, err)
        assert re.search(want, err), 'expected /%s/ in:\n%s' % (want, err)
        assert sorted(os.listdir(d)) == [name + '.xml'], 'written: %s' % os.listdir(d)
    return test


TESTS = [('test_bad_amendment[%s]' % name, _bad_case(name, ops, pattern))
         for name, ops, pattern in BAD]


def test_history_with_two_amendments_on_one_day():
    d = tmpdir()
    for p in (FIRST, AMEND_2021):
        shutil.copy(p, d)
    other = amendment(d, 'xiuzheng-other.xml', '  <delete unit="a-certify"/>\n',
                      '2021-06-20', '2021-07-01')
    out = os.path.join(d, 'x.pdf')
    rc, _, err = gongwen('render', d, '--as-of', '2022-01-01', '-o', out)
    first = os.path.join(d, 'xiuzheng-2021.xml')
    assert rc == 1 and not os.path.exists(out), err
    assert re.search(r'%s:3: error: this amendment takes effect on 2021-07-01, as another '
                     r'amendment does \(%s:6\)' % (re.escape(other), re.escape(first)), err), err


def test_as_of_before_the_first_edition():
    out = os.path.join(tmpdir(), 'x.pdf')
    rc, _, err = gongwen('render', HISTORY, '--as-of', '2019-02-28', '-o', out)
    assert rc == 1 and not os.path.exists(out), err
    assert 'error: no edition is in force on 2019-02-28: the first' in err and \
        'takes effect on 2019-03-01' in err, err
    rc, _, err = gongwen('render', HISTORY, '--as-of', '2019-3-1', '-o', out)
    assert rc == 2 and '--as-of takes a day' in err, err


def test_apply_never_writes_over_its_input():
    d = tmpdir()
    ed = os.path.join(d, 'e.xml')
    shutil.copy(FIRST, ed)
    before = sha256(ed)
    rc, _, err = gongwen('apply', ed, AMEND_2021, '-o', ed)
    assert rc == 2 and 'refusing to write' in err and sha256(ed) == before, err
    rc, _, err = gongwen('render', AMEND_2021)
    assert rc == 1 and 'an amendment alone has no edition in force' in err, err


def test_usage_errors():
    for args, says in ((['apply', FIRST], 'an edition and an amendment'),
                       (['apply', FIRST, AMEND_2021, '--as-of', '2020-01-01'], 'one history'),
                       (['compare', FIRST], 'the old edition and the new'),
                       (['compare', FIRST, FIRST, '--pair=best'], '--pair is auto, id or text'),
                       (['render', FIRST, '--all'], 'apply to compare only'),
                       (['render', FIRST, '--redline'], 'apply to compare only'),
                       (['compare', FIRST, FIRST, '--as-of', '2020-01-01'], '--as-of applies'),
                       (['build', HISTORY, '--as-of', '2020-01-01'], '--as-of applies'),
                       (['validate', FIRST, '--as-of', '2020-01-01'], '--as-of applies')):
        rc, _, err = gongwen(*args)
        assert rc == 2 and says in err, '%s: exit %d\n%s' % (' '.join(args), rc, err)


# --- the 修订对照表 ----------------------------------------------------------------------------

def compare_pdf(a, b, *extra):
    name = 'compare-%d-%d%s.pdf' % (a, b, ''.join(x.strip('-') for x in extra))
    return cached(name, 'compare', edition_source(a), edition_source(b), *extra)


def test_compare_first_and_second():
    """Rows in order: the inserted article (right only, underlined), the rewritten one (its
    number and text marked), the deleted one (left only, struck); the renumbered articles
    noted under the table, the unchanged ones left out."""
    pdf = compare_pdf(1, 2)
    text = pdftotext(pdf)
    assert '示例市档案馆档案查阅利用办法修订对照表' in text.replace('\n', ''), text[:300]
    rows = table(pdf)
    assert len(rows) == 3, [(cell(r, 'old')[:12], cell(r, 'new')[:12]) for r in rows]
    ins, fees, gone = rows
    assert cell(ins, 'old') == '' and cell(ins, 'new') == '第五条' + TEXT['online'], ins
    assert ins['marks']['new']['strike'] == [] and ins['marks']['old'] == {'strike': [], 'underline': []}
    assert len(ins['marks']['new']['underline']) == len(ins['new']), ins  # every line underlined
    assert cell(fees, 'old') == '第九条' + TEXT['fees-2019'], fees['old']
    assert cell(fees, 'new') == '第十条' + TEXT['fees-2021'], fees['new']
    assert fees['marks']['old']['strike'][0] == '九' and fees['marks']['new']['underline'][0] == '十', fees
    assert cell(gone, 'new') == '' and cell(gone, 'old') == '第十条' + TEXT['certify'], gone
    assert len(gone['marks']['old']['strike']) == len(gone['old']), gone
    note = re.sub(r'\s', '', text[text.index('注：'):])
    assert note.startswith('注：原第五条至第八条依次改为第六条至第九条；条文中引用的序号相应调整。'), note


def test_compare_one_character_marks_one_character():
    """三十日 → 二十日: 三 struck in the left column and 二 underlined in the right, nothing
    else of the article; the moved article noted, its number's change marked."""
    rows = table(compare_pdf(2, 3))
    assert len(rows) == 2, [(cell(r, 'old')[:12], cell(r, 'new')[:12]) for r in rows]
    proc, moved = rows
    assert cell(proc, 'old') == '第六条' + TEXT['procedure-30'], proc['old']
    assert cell(proc, 'new') == '第六条' + TEXT['procedure-20'], proc['new']
    assert proc['marks']['old'] == {'strike': ['三'], 'underline': []}, proc['marks']
    assert proc['marks']['new'] == {'strike': [], 'underline': ['二']}, proc['marks']
    assert cell(moved, 'old') == '第七条' + TEXT['restricted'], moved['old']
    assert cell(moved, 'new') == '第八条' + TEXT['restricted'] + '（由原第七条移至此处）', moved['new']
    assert moved['marks']['old']['strike'] == ['七'] and moved['marks']['new']['underline'] == ['八'], moved
    note = re.sub(r'\s', '', pdftotext(compare_pdf(2, 3)))
    assert '注：原第八条改为第七条；条文中引用的序号相应调整。' in note, note[-200:]


def test_compare_all_keeps_the_unchanged():
    rows = table(compare_pdf(2, 3, '--all'))
    # the title, the chapters and the articles in order (the first page holds the start of
    # the table); only the two that changed are marked
    assert len(rows) >= 6, len(rows)
    assert cell(rows[0], 'old') == cell(rows[0], 'new') == '示例市档案馆档案查阅利用办法'
    assert cell(rows[1], 'new') == '第一章总则' and cell(rows[2], 'new').startswith('第一条为了规范')
    marked_rows = [r for r in rows if any(r['marks'][s][k] for s in r['marks'] for k in r['marks'][s])]
    assert all(cell(r, 'old')[:3] in ('第六条', '第七条') for r in marked_rows), marked_rows
    rows = table(compare_pdf(1, 1))
    assert rows == [], 'comparing an edition with itself made rows: %r' % rows
    assert '注：两个版本的条文相同。' in re.sub(r'\s', '', pdftotext(compare_pdf(1, 1)))


def test_compare_pdf_records_both_editions_and_is_deterministic():
    pdf = compare_pdf(1, 2)
    info = pp.pdf_info(pdf)
    assert info['Subject'] == '%s → %s' % (NUMBERS[1], NUMBERS[2]), info
    assert info['Keywords'] == '修订对照表; before sha256 %s; after sha256 %s' % (
        sha256(edition_source(1)), sha256(edition_source(2))), info
    again = os.path.join(tmpdir(), 'again.pdf')
    ok('compare', edition_source(1), edition_source(2), '-o', again)
    assert sha256(again) == sha256(pdf)


IMPORTED_OLD = '''示例学院委员会文件
示院党发〔2024〕3号
示例学院委员会档案管理办法
第一章　总则
第一条　为了规范档案管理，根据有关规定，制定本办法。
第二条　本办法适用于学院各部门和各单位。
第二章　管理职责
第三条　档案室负责收集、整理和保管档案。
第四条　档案室负责提供档案利用服务。
第五条　各部门应当按时向档案室移交档案。
第三章　附则
第六条　本办法由学院办公室负责解释。
第七条　本办法自发布之日起施行。
示例学院委员会
2024年1月5日
'''


def imported_new():
    """The next version, typed again: an article inserted as 第三条 (the rest renumbered by
    hand, as typists do) and one changed."""
    text = IMPORTED_OLD.replace('〔2024〕3号', '〔2025〕8号').replace('2024年1月5日', '2025年3月1日')
    for n in (7, 6, 5, 4, 3):
        text = text.replace('第%s条' % cn(n), '第%s条' % cn(n + 1))
    text = text.replace('第二章　管理职责', '第三条　档案工作坚持统一领导、分级管理的原则。\n第二章　管理职责')
    return text.replace('应当按时向', '应当在每年三月底前向')


def test_compare_imported_texts_pairs_by_similarity():
    """Two imported texts: their ids count positions (a3 is whatever is third), so units pair
    by their texts: one inserted article and one changed, not every article after the
    insertion. --pair=id pairs them wrongly, as asked."""
    d = tmpdir()
    srcs = {}
    for k, text in (('old', IMPORTED_OLD), ('new', imported_new())):
        txt = os.path.join(d, k + '.txt')
        with open(txt, 'w', encoding='utf-8') as f:
            f.write(text)
        srcs[k] = os.path.join(d, k + '.xml')
        ok('import', txt, '-o', srcs[k])
    pdf = os.path.join(d, 'c.pdf')
    _, err = ok('compare', srcs['old'], srcs['new'], '-o', pdf)
    assert 'paired by their texts' in err, err
    rows = table(pdf)
    assert [(cell(r, 'old')[:3], cell(r, 'new')[:3]) for r in rows] == [('', '第三条'), ('第五条', '第六条')], rows
    assert ''.join(rows[1]['marks']['new']['underline']) == '六在每年三月底前', rows[1]['marks']
    assert rows[1]['marks']['old'] == {'strike': ['五', '按时'], 'underline': []}, rows[1]['marks']
    by_id = os.path.join(d, 'id.pdf')
    ok('compare', srcs['old'], srcs['new'], '--pair=id', '-o', by_id)
    assert len(table(by_id)) > 4


# --- the 花脸稿 ------------------------------------------------------------------------------

def test_redline():
    """The third edition in its own layout against the first: the deleted article kept and
    struck, the inserted one underlined, 三 struck and 二 underlined, renumbered articles'
    numbers marked, the moved article noted; its keywords name both sources."""
    pdf = cached('redline.pdf', 'compare', edition_source(1), edition_source(3), '--redline')
    text = re.sub(r'\s', '', pdftotext(pdf))
    for part in (TEXT['certify'], TEXT['online'], '（由原第六条移至此处）', NUMBERS[3]):
        assert part in text, part
    info = pp.pdf_info(pdf)
    assert info['Keywords'].endswith('redline against sha256 %s' % sha256(edition_source(1))), info
    found = {'strike': [], 'underline': []}
    for page in range(1, info['Pages'] + 1):
        marks = decorations(pdf, page)
        for line in pp.lines(pdf, page):
            for k, v in marked(line, marks, 156 / 28).items():
                found[k] += v
    strikes, unders = ''.join(found['strike']), ''.join(found['underline'])
    for s in ('五', '三', '六', TEXT['certify'][:10], '第十条'):
        assert s in found['strike'] or s in strikes, (s, found['strike'])
    for s in ('六', '二', '八', TEXT['online'][:10]):
        assert s in found['underline'] or s in unders, (s, found['underline'])
    # the unchanged articles are not marked
    assert TEXT['purpose'][:8] not in strikes + unders


def test_redline_default_output():
    d = tmpdir()
    old, new = os.path.join(d, 'old.xml'), os.path.join(d, 'new.xml')
    shutil.copy(edition_source(2), old)
    shutil.copy(edition_source(3), new)
    ok('compare', old, new, '--redline')
    ok('compare', old, new)
    assert sorted(os.listdir(d)) == ['new-compare.pdf', 'new-redline.pdf', 'new.xml', 'old.xml']


# --- bugs found in review ---------------------------------------------------------------------

def test_replace_a_chapters_content_keeps_its_heading():
    """A replace gives a heading alone or content alone (schema/amendment.rng): replacing a
    chapter's articles kept nothing of its heading, and the edition was no valid source."""
    d = tmpdir()
    a = amendment(d, 'r.xml', '  <replace unit="c-copy">\n'
                  '    <s:article id="a-copy"><s:p>复制档案由档案馆统一办理。</s:p></s:article>\n'
                  '  </replace>\n')
    out, pdf = os.path.join(d, 'e.xml'), os.path.join(d, 'e.pdf')
    ok('apply', FIRST, a, '-o', out)
    ok('render', out, '-o', pdf)
    assert '第三章 复制' in headings(pdf), headings(pdf)
    arts = articles(pdf)
    assert ('第八条', '复制档案由档案馆统一办理。') in arts and len(arts) == 12, arts


def trace_rows(trace):
    """The rows of a comparison table in a trace: (top, bottom, baselines of the new column)."""
    rows, texts = [], []
    for line in open(trace, encoding='utf-8'):
        m = re.match(r'\s*vrule x=106\.00 y=([\d.]+)\.\.([\d.]+)', line)
        if m:
            rows.append((float(m.group(1)), float(m.group(2))))
        m = re.match(r'\s*text x=([\d.]+)\.\.[\d.]+ baseline=([\d.]+) body', line)
        if m and float(m.group(1)) > 106:
            texts.append(float(m.group(2)))
    return [(top, bottom, sorted({b for b in texts if top < b < bottom})) for top, bottom in rows]


def test_compare_keeps_a_last_empty_paragraph():
    """An article that gains an empty last paragraph: the new column printed it without that
    paragraph (the row said changed and showed two equal texts)."""
    d = tmpdir()
    with open(FIRST, encoding='utf-8') as f:
        text = f.read()
    new = os.path.join(d, 'new.xml')
    with open(new, 'w', encoding='utf-8') as f:
        f.write(text.replace('本办法由示例市档案局负责解释。</p>', '本办法由示例市档案局负责解释。</p><p></p>'))
    trace = os.path.join(d, 't')
    ok('compare', FIRST, new, '-f', 'trace', '-o', trace)
    rows = trace_rows(trace)
    top, bottom, lines = rows[-1]
    assert len(lines) == 2, rows
    pitch = lines[1] - lines[0]
    assert bottom - top > 2.5 * pitch, 'no room for the empty paragraph: %s' % (rows[-1],)


# --- under the sanitizers and valgrind ------------------------------------------------------------

def test_asan_editions():
    if not os.path.exists(ASAN):
        raise Skip('build/gongwen-asan is not built (make check builds it)')
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1',
               LSAN_OPTIONS='suppressions=%s' % SUPP, UBSAN_OPTIONS='halt_on_error=1:print_stacktrace=1')
    d = tmpdir()
    runs = [(0, 'apply', FIRST, AMEND_2021, '-o', os.path.join(d, 'e2.xml')),
            (0, 'render', HISTORY, '--as-of', '2024-01-01', '-o', os.path.join(d, 'h.pdf')),
            (0, 'compare', FIRST, edition_source(3), '-o', os.path.join(d, 'c.pdf')),
            (0, 'compare', FIRST, edition_source(3), '--redline', '-o', os.path.join(d, 'r.pdf')),
            (0, 'compare', FIRST, edition_source(3), '--all', '-f', 'trace', '-o', os.path.join(d, 't')),
            (1, 'render', HISTORY, '--as-of', '2019-01-01', '-o', os.path.join(d, 'x.pdf'))]
    for name, ops, _ in BAD:
        runs.append((1, 'apply', FIRST, bad_amendment(d, name, ops), '-o', os.path.join(d, 'x.xml')))
    for want, *args in runs:
        rc, _, err = gongwen(*args, binary=ASAN, env=env)
        assert rc == want and 'Sanitizer' not in err and 'runtime error' not in err, \
            '%s: exit %d, expected %d\n%s' % (' '.join(args), rc, want, err[-3000:])


def test_valgrind_compare():
    """No memory error and no leak of ours (cairo's and fontconfig's caches are theirs)."""
    if not shutil.which('valgrind'):
        raise Skip('valgrind is not installed')
    r = subprocess.run(['valgrind', '--error-exitcode=99', '--leak-check=full',
                        '--errors-for-leak-kinds=definite', '--show-leak-kinds=definite', '-q',
                        GONGWEN, 'compare', FIRST, edition_source(3), '--redline',
                        '-o', os.path.join(tmpdir(), 'r.pdf')],
                       capture_output=True, text=True, cwd=ROOT)
    blocks = r.stderr.split('\n\n')
    bad = [b for b in blocks if re.search(r'Invalid |uninitialised', b) or (
        'definitely lost' in b and not re.search(r'libcairo|libfontconfig', b))]
    assert not bad and r.returncode in (0, 99), r.stderr[-4000:]


def test_redline_says_when_a_deleted_point_is_left_out():
    """The redline marks chapters, articles and paragraphs; a deleted point cannot stand in it,
    and the warning says so at the point's line in the old edition."""
    d = tmpdir()
    old = '''<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:gongwen:source:1" kind="通知">
  <head><organ suffix="文件">示例市人民政府</organ></head>
  <title>示例市人民政府关于做好防汛工作的通知</title>
  <body>
    <point id="p1"><heading>提高认识</heading><p>各单位要充分认识防汛工作的重要性。</p></point>
    <point id="p2"><heading>落实责任</heading><p>各区要落实防汛责任制。</p></point>
  </body>
  <closing><signature>示例市人民政府</signature><date>2024-03-05</date></closing>
</document>
'''
    paths = {}
    for name, text in (('old.xml', old), ('new.xml', old.replace(
            '    <point id="p2"><heading>落实责任</heading><p>各区要落实防汛责任制。</p></point>\n', ''))):
        paths[name] = os.path.join(d, name)
        with open(paths[name], 'w', encoding='utf-8') as f:
            f.write(text)
    rc, out, err = gongwen('compare', paths['old.xml'], paths['new.xml'], '--redline', '-o',
                           os.path.join(d, 'r.pdf'))
    assert rc == 0, err
    assert '%s:7: warning: this point was deleted' % paths['old.xml'] in err, err


def test_an_article_longer_than_a_page_compares():
    # An article of 1850 characters makes a table row taller than a page: the comparison
    # breaks it between its lines instead of stopping.
    with open(os.path.join(HISTORY, 'banfa-2019.xml'), encoding='utf-8') as f:
        src = f.read()
    long = '本条规定档案查阅的有关事项，各单位应当认真遵照执行，确保各项任务落到实处。' * 50
    short = '<p>档案查阅利用工作坚持依法开放、保障安全、便民高效的原则。</p>'
    assert short in src
    d = tmpdir()
    old, new, out = (os.path.join(d, n) for n in ('old.xml', 'new.xml', 'cmp.pdf'))
    with open(old, 'w', encoding='utf-8') as f:
        f.write(src.replace(short, '<p>%s</p>' % long))
    with open(new, 'w', encoding='utf-8') as f:
        f.write(src.replace(short, '<p>%s</p>' % long.replace('认真遵照', '严格遵照', 3)))
    r = subprocess.run([GONGWEN, 'compare', old, new, '-o', out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = subprocess.run(['pdftotext', out, '-'], capture_output=True, text=True).stdout
    # 遵 stands once in each of the 50 sentences, in both columns (the two columns' lines
    # interleave in the extracted text, so whole phrases cannot be counted).
    assert text.count('遵') == 100, 'the long article lost text: %d of 100' % text.count('遵')

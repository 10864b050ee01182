"""Typography beyond the seed, measured from the PDF: chapters and sections centred in Hei,
article labels in Hei on request, Chinese punctuation (dashes, ellipses, quotes) from the Chinese
face at full width, balanced titles, and the colophon's 抄送 with its hanging indent."""
import atexit
import os
import shutil
import subprocess
import tempfile

from tests.lib import GONGWEN
from tests.lib import pdfprobe as pp

CH = pp.CH
LEFT, RIGHT = pp.AREA['left'], pp.AREA['right']
BODY_MM = 16 * pp.PT

SOURCE = '''<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:gongwen:source:1" kind="办法">
  <head>
    <organ suffix="文件">测试机关</organ>
    <number code="测字" year="2024" seq="7"/>
  </head>
  <title>{title}</title>
  <body>
    <chapter id="c1">
      <heading>总则</heading>
      <article id="a1"><p>破折号——省略号……引号“一岗双责”和书名号《条例》都用中文字体的全角字形。</p></article>
      <article id="a2"><p>本办法适用于<ref to="a3"/>所列情形。</p></article>
    </chapter>
    <chapter id="c2">
      <heading>附则</heading>
      <section id="s1">
        <heading>解释</heading>
        <article id="a3"><p>本办法由办公厅负责解释。</p></article>
      </section>
    </chapter>
  </body>
  <closing><signature>测试机关</signature><date>2024-03-05</date></closing>
  <colophon>
    <cc>第一机关，第二机关，第三机关，第四机关，第五机关，第六机关，第七机关，第八机关，第九机关。</cc>
    <printer>测试机关办公室</printer>
    <printed>2024-03-06</printed>
  </colophon>
</document>
'''

_cache = {}
_dir = tempfile.mkdtemp(prefix='gongwen-typography-')
atexit.register(shutil.rmtree, _dir, True)


def render(title='测试机关关于测试排版的办法', *params):
    key = (title,) + params
    if key not in _cache:
        d = _dir
        src = os.path.join(d, 'doc.xml')
        with open(src, 'w', encoding='utf-8') as f:
            f.write(SOURCE.format(title=title))
        pdf = os.path.join(d, 'doc-%d.pdf' % len(_cache))
        args = [GONGWEN, 'render', src, '-o', pdf]
        for p in params:
            args += ['-p', p]
        r = subprocess.run(args, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        _cache[key] = pdf
    return _cache[key]


def runs_with(pdf, text):
    return [r for r in pp.text_runs(pdf) if text in r.text]


def test_chapter_headings_centred_in_hei():
    pdf = render()
    for text in ('第一章　总则', '第二章　附则', '第一节　解释'):
        (run,) = runs_with(pdf, text)
        assert 'NotoSansCJKsc-Medium' in run.font, '%s is set in %s, not Hei' % (text, run.font)
        pp.approx(run.cx, (LEFT + RIGHT) / 2, 0.5, '%s centred' % text)


def test_articles_numbered_across_chapters_and_reference_follows():
    pdf = render()
    text = ''.join(w.text for w in pp.words(pdf))
    for label in ('第一条', '第二条', '第三条'):
        assert label in text, label
    assert '本办法适用于第三条所列情形' in text, 'the reference prints the number of a3'


def test_article_label_in_hei_on_request():
    pdf = render('测试机关关于测试排版的办法', 'article-label-face=hei')
    (label,) = [r for r in runs_with(pdf, '第一条') if r.text.startswith('第一条')]
    assert 'NotoSansCJKsc-Medium' in label.font, label.font
    (plain,) = runs_with(render(), '破折号')
    assert 'FandolFang' in plain.font


def test_chinese_punctuation_full_width_in_the_body_face():
    pdf = render()
    runs = runs_with(pdf, '破折号')
    assert len(runs) == 1 and 'FandolFang' in runs[0].font, \
        'dashes, ellipses and quotes stay in the body face: %r' % runs
    # Every character of the first line, punctuation included, takes one grid cell.
    (line,) = [l for l in pp.lines(pdf) if '破折号' in l.text]
    text = line.text  # pdftotext writes the full-width space after 第一条 as a space
    cells = (line.x1 - line.x0) / CH
    assert abs(cells - len(text)) < 0.05, '%d characters take %.2f cells' % (len(text), cells)
    for mark in '——', '……', '“', '”', '《':
        assert mark in ''.join(l.text for l in pp.lines(pdf)), mark


def test_long_title_balanced_and_centred():
    title = '测试机关关于进一步加强和改进新时代机关公文排版格式规范化建设工作的实施办法'
    pdf = render(title)
    runs = [r for r in pp.text_runs(pdf) if r.size > 21 and r.size < 23]
    # 37 characters of 22 pt need two lines of the 156 mm measure; balanced, they hold 19 and 18.
    assert len(runs) == 2, 'a 37-character title takes two lines: %r' % [r.text for r in runs]
    assert [len(r.text) for r in runs] in ([19, 18], [18, 19]), [r.text for r in runs]
    widths = [r.x1 - r.x0 for r in runs]
    assert max(widths) - min(widths) <= 22 * pp.PT + 0.1, 'lines balanced: %r' % widths
    for r in runs:
        pp.approx(r.cx, (LEFT + RIGHT) / 2, 0.5, 'title line %r centred' % r.text)


def test_cc_hangs_after_its_colon_and_sits_above_the_printer_line():
    pdf = render()
    last = pp.pdf_info(pdf)['Pages']
    runs = [r for r in pp.text_runs(pdf, last) if abs(r.size - 14) < 0.1]
    cc = [r for r in runs if '机关' in r.text and '印发' not in r.text and '办公室' not in r.text]
    assert len(cc) >= 2, 'the 抄送 list wraps onto a second line: %r' % [r.text for r in runs]
    em = 14 * pp.PT
    first, second = sorted(cc, key=lambda r: r.y0)[:2]
    assert first.text.startswith('抄送：'), first.text
    pp.approx(first.x0, LEFT + em, 0.5, '抄送 one character in')
    pp.approx(second.x0, LEFT + 4 * em, 0.5, 'continuation aligned after 抄送：')
    assert second.text.rstrip().endswith('。')
    pp.approx(max(r.x1 for r in cc), RIGHT - em, 0.6, '抄送 one character in from the right')
    printer = [r for r in runs if '办公室' in r.text][0]
    assert printer.y0 > second.y1, 'the 印发 line comes after 抄送'
    img = pp.raster(pdf, last, dpi=300)
    rules = pp.hrules(img, 'dark', min_length_mm=150)
    thick = [r for r in rules if r.thickness > 0.3]
    thin = [r for r in rules if r.thickness <= 0.3]
    assert len(thick) == 2 and len(thin) == 1, 'thick, thin, thick: %r' % rules
    assert thin[0].cy > second.y1 and thin[0].cy < printer.y0, 'a thin rule between 抄送 and 印发'


ARTICLES = '''<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:gongwen:source:1" kind="办法">
  <head><organ suffix="文件">测试机关</organ><number code="测字" year="2024" seq="8"/></head>
  <title>测试机关关于签署不落单页的办法</title>
  <body>{articles}</body>
  <closing><signature>测试机关</signature><date>2024-03-05</date></closing>
</document>
'''


def test_signature_never_stands_alone_on_a_page():
    # Documents of 20 to 44 one-line articles: one of them ends its text on the last line of a
    # page, where the signature and date would have to start the next page alone. GB/T 9704
    # §7.3.5.5 wants them with the text: the page that holds them holds text too.
    alone_risk = 0
    for n in range(20, 45):
        articles = ''.join('<article id="a%d"><p>本条为第%d条。</p></article>' % (i, i)
                           for i in range(1, n + 1))
        src = os.path.join(_dir, 'articles-%d.xml' % n)
        with open(src, 'w', encoding='utf-8') as f:
            f.write(ARTICLES.format(articles=articles))
        pdf = src[:-4] + '.pdf'
        r = subprocess.run([GONGWEN, 'render', src, '-o', pdf], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        lines = pp.lines(pdf)
        (sig,) = [l for l in lines if l.text.strip() == '测试机关']
        body = [l for l in lines if l.page == sig.page and '本条为' in l.text]
        assert body, '%d articles: the signature stands alone on page %d' % (n, sig.page)
        last = max(l.y1 for l in lines if '本条为' in l.text and l.page == sig.page)
        if sig.page > 1 and min(l.y0 for l in body) < pp.AREA['top'] + pp.LINE:
            alone_risk += 1
        pp.approx(sig.y0 - last, pp.LINE + (pp.LINE - 16 * pp.PT), 0.5,
                  '%d articles: signature one blank line below the text' % n)
    assert alone_risk >= 1, 'no case carried text to a new page: the test proves nothing'

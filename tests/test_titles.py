"""Long titles (GB/T 9704 §7.3.1): broken into the fewest lines, evenly, never inside a word,
read back from the PDF. Titles written for these tests in the usual shape 机关 + 关于 + 事由 + 的 + 文种."""
import atexit
import os
import shutil
import subprocess
import tempfile

from tests.lib import GONGWEN
from tests.lib import pdfprobe as pp

# (kind, title, words that must not be split)
TITLES = [
    ('通知', '国务院办公厅关于进一步加强政府网站信息内容建设的通知', ['国务院办公厅', '政府网站', '信息内容']),
    ('意见', '中共某某市委办公室关于加强和改进新时代机关党建工作的意见', ['办公室', '机关党建', '新时代']),
    ('通知', '某某省人民政府办公厅关于印发某某省深化政务公开工作实施方案的通知', ['人民政府', '办公厅', '政务公开', '实施方案']),
    ('细则', '中共大同师范高等专科学校委员会网络意识形态工作责任制实施细则', ['委员会', '责任制', '实施细则', '意识形态']),
    ('决定', '某某市人民政府关于表彰二〇二三年度全市安全生产工作先进集体和先进个人的决定', ['先进集体', '先进个人', '安全生产']),
    ('通报', '某某省人民政府关于全省信访工作责任制落实情况专项督查结果的通报', ['责任制', '专项督查', '落实情况']),
    ('请示', '某某县人民政府关于申请将某某镇列入全省特色小镇创建名单的请示', ['特色小镇', '创建名单', '人民政府']),
    ('报告', '某某市教育局关于二〇二三年度义务教育均衡发展工作情况的报告', ['教育局', '义务教育', '均衡发展']),
    ('批复', '某某省人民政府关于同意设立某某经济技术开发区的批复', ['人民政府', '经济技术', '开发区']),
    ('通知', '某某市人民政府办公室关于做好二〇二四年春节期间安全生产和市场供应工作的通知', ['办公室', '春节期间', '市场供应']),
    ('意见', '某某省人民政府关于促进民营经济高质量发展的若干意见', ['民营经济', '高质量']),
    ('通知', '中共某某县委组织部关于开展二〇二四年度基层党组织书记轮训工作的通知', ['组织部', '基层党组织', '轮训']),
    ('函', '某某市财政局关于商请协助开展政府采购领域专项检查工作的函', ['财政局', '政府采购', '专项检查']),
    ('办法', '某某省省级财政专项资金管理办法', ['专项资金', '管理办法']),
    ('通知', '某某市人民政府关于调整某某市城乡居民基本医疗保险筹资标准的通知', ['医疗保险', '筹资标准', '人民政府']),
    ('规定', '某某大学研究生学位论文学术不端行为检测与处理规定', ['研究生', '学位论文', '学术不端']),
    ('意见', '某某省委办公厅某某省人民政府办公厅关于加强基层治理体系和治理能力现代化建设的实施意见', ['治理体系', '办公厅', '实施意见']),
    ('通告', '某某市公安局关于加强城区道路交通安全管理的通告', ['公安局', '道路交通', '安全管理']),
    ('通知', '某某市卫生健康委员会关于进一步规范医疗机构院内感染防控工作的通知', ['委员会', '医疗机构', '防控工作']),
    ('纪要', '某某市人民政府第十二次常务会议纪要', ['常务会议']),
    ('方案', '某某县乡村振兴示范村建设三年行动实施方案', ['乡村振兴', '示范村', '行动']),
    ('通知', '某某市人民政府办公室关于印发某某市推进数字政府建设三年行动计划的通知', ['数字政府', '行动计划']),
]

SOURCE = '''<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:gongwen:source:1" kind="{kind}">
  <head><organ suffix="文件">测试机关</organ><number code="测字" year="2024" seq="1"/></head>
  <title>{title}</title>
  <body><p>正文。</p></body>
</document>
'''

_dir = tempfile.mkdtemp(prefix='gongwen-titles-')
atexit.register(shutil.rmtree, _dir, True)
TITLE_PT = 22
MEASURE = 156.0


def title_lines(kind, title, i):
    src = os.path.join(_dir, 't%d.xml' % i)
    with open(src, 'w', encoding='utf-8') as f:
        f.write(SOURCE.format(kind=kind, title=title))
    pdf = src[:-4] + '.pdf'
    r = subprocess.run([GONGWEN, 'render', src, '-o', pdf], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    runs = [x for x in pp.text_runs(pdf, 1) if abs(x.size - TITLE_PT) < 0.2]
    by_line = {}
    for x in runs:
        by_line.setdefault(round(x.baseline, 1), []).append(x)
    return [sorted(v, key=lambda x: x.x0) for _, v in sorted(by_line.items())]


def check(i, kind, title, words):
    lines = title_lines(kind, title, i)
    texts = [''.join(x.text for x in line).replace(' ', '') for line in lines]
    assert ''.join(texts) == title, 'the title reads %r' % texts
    char_mm = TITLE_PT * pp.PT
    fewest = -(-len(title) * char_mm // MEASURE)
    assert len(texts) == fewest, '%r: %d lines where %d suffice' % (texts, len(texts), fewest)
    for w in words:
        assert any(w in t for t in texts), '%r split across lines: %r' % (w, texts)
    if len(texts) > 1:
        # Even, or the trapezoid and diamond shapes of practice: no line under half the longest,
        # but for the usual break of organ / 关于….
        lengths = [len(t) for t in texts]
        assert min(lengths) * 2 >= max(lengths) or any(t.startswith('关于') for t in texts[1:]), \
            'uneven lines: %r' % texts
    for line in lines:
        cx = (line[0].x0 + line[-1].x1) / 2
        pp.approx(cx, 106.0, 0.6, 'title line %r centred' % ''.join(x.text for x in line))


TESTS = [('title_%02d_%s' % (i, kind), (lambda i=i, k=kind, t=title, w=words: check(i, k, t, w)))
         for i, (kind, title, words) in enumerate(TITLES)]


def test_twenty_titles_or_more():
    assert len(TITLES) >= 20

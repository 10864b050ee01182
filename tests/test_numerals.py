"""Chinese numerals (stylesheets/numerals.xsl), alone under xsltproc and end to end.

    python3 tests/run.py tests/test_numerals.py

tests/data/numerals-test.xsl imports the stylesheet and prints "N=numeral" for each number
of its parameter "numbers". The end-to-end test writes a source with 101 articles (and items
up to （二十）) into a temp folder and reads the numbers back from `gongwen layout`.
"""
import os
import re
import subprocess
import xml.etree.ElementTree as ET

from tests.lib import GONGWEN, ROOT, tmpdir

TEST_XSL = 'tests/data/numerals-test.xsl'
L = '{urn:gongwen:layout:1}'

EXPECTED = {
    1: '一', 2: '二', 10: '十', 11: '十一', 19: '十九', 20: '二十', 21: '二十一', 99: '九十九',
    100: '一百', 101: '一百零一', 110: '一百一十', 111: '一百一十一', 120: '一百二十',
    1000: '一千', 1001: '一千零一', 1010: '一千零一十', 1100: '一千一百', 2019: '二千零一十九',
    10000: '一万', 10001: '一万零一', 10010: '一万零一十', 100000: '十万',
}

# Beyond the list in the brief: zeros inside and across the 万 boundary, the top of the range.
MORE = {
    3: '三', 30: '三十', 200: '二百', 3003: '三千零三', 10100: '一万零一百', 100010: '十万零一十',
    110000: '十一万', 1000000: '一百万', 1000001: '一百万零一', 1000100: '一百万零一百',
    10000000: '一千万', 12345678: '一千二百三十四万五千六百七十八',
    99999999: '九千九百九十九万九千九百九十九',
}


def numerals(numbers):
    """{n: numeral} from xsltproc and the test stylesheet."""
    p = subprocess.run(['xsltproc', '--stringparam', 'numbers', ' '.join(map(str, numbers)),
                        TEST_XSL, TEST_XSL], cwd=ROOT, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 0, 'xsltproc %s: exit %d\n%s' % (TEST_XSL, p.returncode,
                                                             p.stderr.decode('utf-8', 'replace'))
    got = {}
    for line in p.stdout.decode('utf-8').splitlines():
        n, _, cn = line.partition('=')
        got[int(n)] = cn
    return got


def check(table):
    got = numerals(sorted(table))
    wrong = ['%d: got %r, expected %r' % (n, got.get(n), cn) for n, cn in sorted(table.items())
             if got.get(n) != cn]
    assert not wrong, 'wrong numerals:\n' + '\n'.join(wrong)


def test_numerals_listed():
    check(EXPECTED)


def test_numerals_more():
    check(MORE)


def test_numerals_one_to_hundred_and_twenty():
    """Every number to 120 by its parts: 十 alone leads 10..19, 零 only after 百."""
    digits = '〇一二三四五六七八九'
    table = {}
    for n in range(1, 121):
        h, t, u = n // 100, n // 10 % 10, n % 10
        s = ''
        if h:
            s += digits[h] + '百'
        if t:
            s += ('' if (t == 1 and not h) else digits[t]) + '十'
        elif h and u:
            s += '零'
        if u:
            s += digits[u]
        table[n] = s
    check(table)


# --- end to end: 101 articles -------------------------------------------------------------------

def _source(n_articles, n_items):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<document xmlns="urn:gongwen:source:1" kind="办法">',
             '  <head><organ suffix="文件">某某委员会</organ></head>',
             '  <title>长篇办法</title>', '  <body>']
    for i in range(1, n_articles + 1):
        parts.append('    <article id="a%d"><p>条文%d。</p>' % (i, i))
        if i == 3:
            for j in range(1, n_items + 1):
                parts.append('      <item id="a3-%d"><p>项%d。</p></item>' % (j, j))
        parts.append('    </article>')
    parts += ['  </body>', '</document>', '']
    return '\n'.join(parts)


def test_layout_101_articles():
    d = tmpdir()
    src = os.path.join(d, 'long.xml')
    with open(src, 'w', encoding='utf-8') as f:
        f.write(_source(101, 20))
    p = subprocess.run([GONGWEN, 'layout', src], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    assert p.returncode == 0, 'gongwen layout: exit %d\n%s' % (p.returncode,
                                                             p.stderr.decode('utf-8', 'replace'))
    root = ET.fromstring(p.stdout)
    texts = [''.join(e.itertext()) for e in root.iter(L + 'para')]
    by_article = {int(m.group(2)): m.group(1) for m in
                  (re.match(r'(第.+?条)　条文(\d+)。$', t) for t in texts) if m}
    assert len(by_article) == 101, 'found %d numbered articles' % len(by_article)
    for n, label in ((1, '第一条'), (10, '第十条'), (11, '第十一条'), (20, '第二十条'),
                     (99, '第九十九条'), (100, '第一百条'), (101, '第一百零一条')):
        assert by_article[n] == label, 'article %d is %r, expected %r' % (n, by_article[n], label)
    by_item = {int(m.group(2)): m.group(1) for m in
               (re.match(r'(（.+?）)项(\d+)。$', t) for t in texts) if m}
    assert len(by_item) == 20, 'found %d items' % len(by_item)
    for n, label in ((1, '（一）'), (10, '（十）'), (11, '（十一）'), (19, '（十九）'), (20, '（二十）')):
        assert by_item[n] == label, 'item %d is %r, expected %r' % (n, by_item[n], label)
    outline = [e.get('outline-title') for e in root.iter(L + 'para') if e.get('outline-level') == '1']
    assert [t.split('　')[0] for t in outline[-2:]] == ['第一百条', '第一百零一条'], outline[-2:]

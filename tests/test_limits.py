"""Limits (issue 7): each input renders or fails with a clear `file:line: error:`, within the
time and memory stated here (peak resident memory read with /usr/bin/time when present)."""
import os
import re
import shutil
import subprocess
import time

from tests.lib import GONGWEN, ROOT, tmpdir

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:gongwen:source:1" kind="通知">\n'
        '<head><organ suffix="文件">测试机关</organ></head>\n')


def render(name, text, seconds, megabytes=400):
    d = tmpdir()
    src = os.path.join(d, name)
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text)
    out = os.path.join(d, name + '.pdf')
    cmd = [GONGWEN, 'render', src, '-o', out]
    timed = shutil.which('time') or os.path.exists('/usr/bin/time')
    if timed:
        cmd = ['/usr/bin/time', '-f', 'peak-kb %M'] + cmd
    start = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds * 3)
    took = time.monotonic() - start
    assert took < seconds, '%s took %.1f s (bound %d s)' % (name, took, seconds)
    m = re.search(r'peak-kb (\d+)', r.stderr)
    if m:
        assert int(m.group(1)) < megabytes * 1024, '%s peaked at %d MB (bound %d MB)' % (
            name, int(m.group(1)) // 1024, megabytes)
    errors = [l for l in r.stderr.splitlines()
              if not l.startswith('peak-kb') and not l.startswith('Command exited')]
    assert r.returncode in (0, 1), (r.returncode, r.stderr[-2000:])
    if r.returncode == 1:
        assert errors and errors[0].startswith(src + ':'), errors[:3]
        assert not os.path.exists(out)
    else:
        assert os.path.getsize(out) > 0
    return r.returncode, errors, out


def test_nesting_ten_thousand_deep_is_refused_quickly():
    deep = '<point id="p%d">' * 1 + ''.join('<point id="p%d">' % i for i in range(1, 10000))
    text = HEAD + '<title>标题</title><body>' + deep % 0 + '<p>正文</p>' + '</point>' * 10000 + '</body></document>\n'
    rc, errors, _ = render('deep.xml', text, seconds=10)
    assert rc == 1, 'ten thousand nested points are refused'


def test_paragraph_of_100000_characters_without_a_break():
    text = HEAD + '<title>标题</title><body><p>' + 'a' * 100000 + '</p></body></document>\n'
    rc, errors, out = render('long.xml', text, seconds=30)
    assert rc == 0, errors[:3]


def test_title_of_500_characters():
    text = HEAD + '<title>' + '关于加强和改进公文处理工作' * 38 + '</title><body><p>正文。</p></body></document>\n'
    rc, errors, _ = render('title.xml', text, seconds=20)
    # A title filling more than the page is an error; a shorter one renders.
    assert rc in (0, 1)


def test_table_of_5000_rows():
    rows = ''.join('<row><cell>%d</cell><cell>第%d项</cell><cell>说明</cell></row>' % (i, i)
                   for i in range(5000))
    text = HEAD + '<title>标题</title><body><table>' + rows + '</table></body></document>\n'
    rc, errors, out = render('table.xml', text, seconds=60)
    assert rc == 0, errors[:3]


def test_regulation_of_2000_articles():
    arts = ''.join('<article id="a%d"><p>本条为第%d条，规定有关事项。</p></article>' % (i, i)
                   for i in range(1, 2001))
    text = HEAD + '<title>某某条例</title><body>' + arts + '</body></document>\n'
    rc, errors, out = render('articles.xml', text, seconds=60)
    assert rc == 0, errors[:3]


def test_image_larger_than_the_page():
    seal = os.path.join(ROOT, 'sources', 'images', 'seal.svg')
    text = (HEAD + '<title>标题</title><body><p>正文。</p></body><closing><signature>测试机关</signature>'
            '<date>2024-01-02</date><seal src="%s" width="500mm"/></closing></document>\n' % seal)
    rc, errors, _ = render('bigseal.xml', text, seconds=20)
    assert rc in (0, 1)


def test_character_no_font_has_is_reported_with_its_line():
    text = HEAD + '<title>标题</title><body>\n<p>正文\U0001F600。</p></body></document>\n'
    rc, errors, _ = render('emoji.xml', text, seconds=20)
    assert rc == 1 and ':5: error: no font has the character U+1F600' in errors[0], errors


def test_a_row_taller_than_a_page_breaks_between_its_lines():
    # A long article in a 修订对照表 makes a row taller than the type area: it is broken between
    # its cells' lines, every page's part closed with a rule, the header rows above each rest.
    from tests.lib import pdfprobe as pp
    sentence = '本条规定档案查阅的有关事项，各单位应当认真遵照执行。'
    long_cell = ''.join('第%d句%s' % (i, sentence) for i in range(1, 121))  # about 3,500 characters
    text = (HEAD + '<title>标题</title><body><table widths="1 3"><head><row><cell>序号</cell>'
            '<cell>条文内容</cell></row></head><row><cell>一</cell><cell>%s</cell></row>'
            '<row><cell>二</cell><cell>末行。</cell></row></table></body></document>\n' % long_cell)
    rc, errors, out = render('tall.xml', text, seconds=20)
    assert rc == 0, errors[:3]
    pages = pp.pdf_info(out)['Pages']
    assert pages >= 4, pages
    texts = [subprocess.run(['pdftotext', '-f', str(p), '-l', str(p), out, '-'], capture_output=True,
                            text=True).stdout for p in range(1, pages + 1)]
    flat = re.sub(r'\s+', '', ''.join(texts))
    # every sentence, in order, and the row after it
    at = [flat.find('第%d句' % i) for i in range(1, 121)]
    assert all(a >= 0 for a in at) and at == sorted(at), 'sentences lost or out of order'
    assert flat.find('末行') > at[-1]
    # the header on every page the table runs onto, and every part closed by a rule at its foot
    table_pages = [p for p in range(1, pages + 1) if '第' in texts[p - 1] and '句' in texts[p - 1]]
    for p in table_pages[1:]:
        assert '条文内容' in texts[p - 1], 'page %d has no header row' % p
    for p in table_pages[:-1]:
        rules = pp.hrules(pp.raster(out, p, dpi=100), 'dark', min_length_mm=100)
        assert rules and max(r.cy for r in rules) > pp.AREA['top'] + 200, \
            'page %d: the part is not closed near the foot: %r' % (p, rules)

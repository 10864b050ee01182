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

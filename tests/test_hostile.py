"""Hostile input: a source may not reach outside itself or multiply itself. Any document type
declaration is refused before parsing, with the line where it stands."""
import os
import subprocess

from tests.lib import GONGWEN, tmpdir

BODY = ('<document xmlns="urn:gongwen:source:1" kind="通知"><head><organ>{organ}</organ></head>'
        '<title>标题</title><body><p>正文。</p></body></document>\n')


def run(name, text, *args):
    d = tmpdir()
    src = os.path.join(d, name)
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text)
    out = os.path.join(d, 'out.pdf')
    # The bound: a hostile file is turned away in well under the 20 s allowed here.
    r = subprocess.run([GONGWEN, 'render', src, '-o', out, *args], capture_output=True,
                       text=True, timeout=20)
    return r, src, out


def test_external_entity_refused():
    text = ('<?xml version="1.0"?>\n<!DOCTYPE document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            + BODY.format(organ='&x;'))
    r, src, out = run('xxe.xml', text)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith(src + ':2: error: ') and 'DOCTYPE' in r.stderr, r.stderr
    assert not os.path.exists(out)
    assert 'root:' not in r.stderr


def test_billion_laughs_refused():
    ents = ['<!ENTITY a "%s">' % ('a' * 80)]
    prev = 'a'
    for name in 'bcdefghij':
        ents.append('<!ENTITY %s "%s">' % (name, ('&%s;' % prev) * 20))
        prev = name
    text = ('<?xml version="1.0"?>\n<!DOCTYPE document [\n%s\n]>\n' % '\n'.join(ents)
            + BODY.format(organ='&j;'))
    r, src, out = run('laughs.xml', text)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith(src + ':2: error: '), r.stderr
    assert not os.path.exists(out)


def test_doctype_text_inside_the_document_is_harmless():
    text = ('<?xml version="1.0"?>\n<!-- 注释 -->\n'
            + BODY.format(organ='机关 &lt;!DOCTYPE'))
    r, src, out = run('ok.xml', text)
    assert r.returncode == 0, r.stderr
    assert os.path.getsize(out) > 0

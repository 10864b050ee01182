"""Stylesheets run confined (issue 7): document() reads only beside the source or the stylesheets,
and no stylesheet writes a file. Each case runs a hostile stylesheet in a copy of the data folder
(--datadir) that wraps the real one."""
import os
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, tmpdir

SEED = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')

WRAPPER = '''<?xml version="1.0" encoding="UTF-8"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:exsl="http://exslt.org/common" extension-element-prefixes="exsl">
  <xsl:import href="real.xsl"/>
  <xsl:template match="/">
    %s
    <xsl:apply-imports/>
  </xsl:template>
</xsl:stylesheet>
'''


def datadir_with(body):
    d = tmpdir()
    data = os.path.join(d, 'data')
    shutil.copytree(os.path.join(ROOT, 'stylesheets'), os.path.join(data, 'stylesheets'))
    shutil.copytree(os.path.join(ROOT, 'schema'), os.path.join(data, 'schema'))
    os.symlink(os.path.join(ROOT, 'fonts'), os.path.join(data, 'fonts'))
    os.rename(os.path.join(data, 'stylesheets', 'gongwen.xsl'),
              os.path.join(data, 'stylesheets', 'real.xsl'))
    with open(os.path.join(data, 'stylesheets', 'gongwen.xsl'), 'w', encoding='utf-8') as f:
        f.write(WRAPPER % body)
    return d, data


def render(data, src, out):
    return subprocess.run([GONGWEN, '--datadir', data, 'render', src, '-o', out],
                          capture_output=True, text=True, timeout=60)


def test_document_outside_is_refused():
    d, data = datadir_with('<xsl:if test="document(\'/etc/passwd\')">x</xsl:if>')
    out = os.path.join(d, 'x.pdf')
    r = render(data, SEED, out)
    assert r.returncode == 1, r.stderr
    assert 'document() may not read /etc/passwd' in r.stderr, r.stderr
    assert 'root:' not in r.stderr and not os.path.exists(out)


def test_document_beside_the_source_is_allowed():
    # A relative name resolves against the node given: here the source document.
    d, data = datadir_with('<xsl:if test="not(document(\'beside.xml\', /))">x</xsl:if>')
    src = os.path.join(d, 'seed.xml')
    shutil.copy(SEED, src)
    with open(os.path.join(d, 'beside.xml'), 'w') as f:
        f.write('<ok/>\n')
    out = os.path.join(d, 'x.pdf')
    r = render(data, src, out)
    assert r.returncode == 0, r.stderr
    assert os.path.getsize(out) > 0


def test_writing_a_file_is_refused():
    d, data = datadir_with('<exsl:document href="%s/written.txt" method="text">x</exsl:document>'
                           % tmpdir())
    out = os.path.join(d, 'x.pdf')
    r = render(data, SEED, out)
    assert not os.path.exists(os.path.join(tmpdir(), 'written.txt')), 'the stylesheet wrote a file'
    assert r.returncode == 1, r.stderr

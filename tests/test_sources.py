"""Sources: validation, error reports for broken sources, generated cross-references, the
seed's intermediate layout (golden file), the stylesheets under plain xsltproc, and layout
documents as input.

    python3 tests/run.py tests/test_sources.py
    UPDATE_GOLDEN=1 python3 tests/run.py tests/test_sources.py::test_seed_layout_golden

Golden file: tests/golden/seed.layout.xml is `gongwen layout sources/seed-wangluo-yishixingtai.xml`
byte for byte. When a change to the stylesheets changes the layout on purpose, run the test
with the environment variable UPDATE_GOLDEN=1: it then rewrites the golden file from the
current output (and passes) instead of comparing; review the diff (git diff tests/golden/)
before keeping it. test_seed_layout_content checks the meaning of the layout independently
of the golden bytes, so a bad golden file cannot hide a wrong number.

Broken sources live in tests/data/bad/, each breaking tests/data/good-notice.xml (or a small
article document) in one place; BAD lists the line of each fault.
"""
import difflib
import glob
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

from tests.lib import GONGWEN, ROOT, tmpdir
from tests.lib import pdfprobe as pp

SEED = 'sources/seed-wangluo-yishixingtai.xml'
GOLDEN = 'tests/golden/seed.layout.xml'
XREF = 'tests/data/xref.xml'
L = '{urn:gongwen:layout:1}'


def run(argv, cwd=None, env=None):
    p = subprocess.run(argv, cwd=cwd or ROOT, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace')


def gongwen(*args, cwd=None):
    return run([GONGWEN] + list(args), cwd=cwd)


def show(rc, out, err):
    if isinstance(out, bytes):
        out = out.decode('utf-8', 'replace')
    return 'exit %d\n--- stdout:\n%s\n--- stderr:\n%s' % (rc, out[:1500], err[:3000])


def layout_of(path, cwd=None):
    """`gongwen layout path`: the parsed layout root (asserting success)."""
    rc, out, err = gongwen('layout', path, cwd=cwd)
    assert rc == 0, 'gongwen layout %s\n%s' % (path, show(rc, out, err))
    return ET.fromstring(out)


def paras(root):
    """Text of every <para> of the flow, in order (spans and all)."""
    return [''.join(p.itertext()) for p in root.iter(L + 'para')]


def para_with(root, needle):
    found = [t for t in paras(root) if needle in t]
    assert len(found) == 1, 'expected one paragraph containing %r, found %d:\n%s' % (
        needle, len(found), '\n'.join(found))
    return found[0]


def sources():
    found = sorted(glob.glob(os.path.join(ROOT, 'sources', '*.xml')))
    assert found, 'no sources/*.xml'
    return [os.path.relpath(p, ROOT) for p in found]


# --- every source validates ----------------------------------------------------------------

def test_sources_validate():
    for src in sources():
        rc, out, err = gongwen('validate', src)
        assert rc == 0 and err == '', 'gongwen validate %s\n%s' % (src, show(rc, out, err))


def test_sources_validate_all_at_once():
    srcs = sources()
    rc, out, err = gongwen('validate', *srcs)
    assert rc == 0 and err == '', show(rc, out, err)


def test_sources_validate_xmllint():
    for src in sources() + ['tests/data/good-notice.xml', XREF]:
        rc, out, err = run(['xmllint', '--noout', '--relaxng', 'schema/source.rng', src])
        assert rc == 0, 'xmllint --relaxng schema/source.rng %s\n%s' % (src, show(rc, out, err))


def test_test_data_validates():
    """The documents the broken sources and the cross-reference tests start from are valid."""
    rc, out, err = gongwen('validate', 'tests/data/good-notice.xml', XREF)
    assert rc == 0 and err == '', show(rc, out, err)


# --- broken sources -------------------------------------------------------------------------
# name: (line of the fault, words the first error line must contain)
BAD = {
    'malformed': (8, []),            # <p> closed by </body> on the same line
    'unknown-element': (9, ['table']),
    'no-title': (6, []),             # <body> where <title> must come
    'bad-date': (12, ['2020-13-45']),
    'bad-year': (5, []),             # <number year="20">
    'empty': (1, []),
    'missing-ref': (12, ['a9']),     # <ref to="a9"/>, no such id
    'duplicate-id': (11, ['a1']),    # the second id="a1"
}


# Faults that the stylesheets find, not the schema.
STYLESHEET_RULES = ('no-title',)


def _check_bad(name, command):
    line, words = BAD[name]
    src = 'tests/data/bad/%s.xml' % name

    def test():
        d = tmpdir()
        out_pdf = os.path.join(d, name + '.pdf')
        default_pdf = os.path.join(ROOT, 'tests/data/bad/%s.pdf' % name)
        bad_dir_before = sorted(os.listdir(os.path.join(ROOT, 'tests/data/bad')))
        args = [command, src] + (['-o', out_pdf] if command == 'render' else [])
        try:
            rc, out, err = gongwen(*args)
            if command == 'render':
                rc2, out2, err2 = gongwen('render', src)  # the default output, beside the source
        finally:
            created_default = os.path.exists(default_pdf)
            if created_default:
                os.unlink(default_pdf)
        what = 'gongwen %s' % ' '.join(args)
        assert rc == 1, '%s: expected exit 1\n%s' % (what, show(rc, out, err))
        first = err.splitlines()[0] if err else ''
        prefix = '%s:%d: error: ' % (src, line)
        assert first.startswith(prefix), '%s: the first line of stderr should start with %r\n%s' % (
            what, prefix, show(rc, out, err))
        for w in words:
            assert w in first, '%s: the first error line does not name %r\n%s' % (
                what, w, show(rc, out, err))
        assert out == b'', '%s printed on stdout\n%s' % (what, show(rc, out, err))
        if command == 'render':
            assert os.listdir(d) == [], '%s left files: %s' % (what, os.listdir(d))
            assert rc2 == 1, 'gongwen render %s: expected exit 1\n%s' % (src, show(rc2, out2, err2))
            assert not created_default, 'gongwen render %s created %s' % (src, default_pdf)
            after = sorted(os.listdir(os.path.join(ROOT, 'tests/data/bad')))
            assert after == bad_dir_before, 'files appeared in tests/data/bad: %s' % (
                sorted(set(after) - set(bad_dir_before)))
    return test


TESTS = [('bad_%s_%s' % (n, c), _check_bad(n, c)) for n in BAD for c in ('validate', 'render')]


def test_bad_unclosed_tag_over_lines():
    """<p> on line 8 left open, </body> on line 9: the report points at line 8 or at line 9
    and then names line 8."""
    src = 'tests/data/bad/unclosed-multiline.xml'
    for command in ('validate', 'render', 'layout'):
        args = [command, src] + (['-o', os.path.join(tmpdir(), 'x.pdf')] if command == 'render' else [])
        rc, out, err = gongwen(*args)
        assert rc == 1, show(rc, out, err)
        first = err.splitlines()[0] if err else ''
        m = re.match(re.escape(src) + r':(\d+): error: ', first)
        assert m, 'gongwen %s: stderr should start with "%s:LINE: error:"\n%s' % (
            command, src, show(rc, out, err))
        assert m.group(1) == '8' or (m.group(1) == '9' and 'line 8' in first), \
            'gongwen %s: the report should point at line 8\n%s' % (command, show(rc, out, err))
    assert not os.path.exists(os.path.join(tmpdir(), 'x.pdf'))


def test_bad_sources_rejected_by_xmllint():
    """The fixtures are broken for the schema too, not just for gongwen (empty.xml and
    malformed.xml are not even XML)."""
    for name in BAD:
        if name in STYLESHEET_RULES:
            continue
        src = 'tests/data/bad/%s.xml' % name
        rc, out, err = run(['xmllint', '--noout', '--relaxng', 'schema/source.rng', src])
        assert rc != 0, 'xmllint accepts %s' % src


def test_stylesheet_rules_beyond_the_schema():
    """A missing title is a rule of the stylesheets (an order may go without): the schema
    alone takes such a source, gongwen refuses it."""
    for name in STYLESHEET_RULES:
        src = 'tests/data/bad/%s.xml' % name
        rc, out, err = run(['xmllint', '--noout', '--relaxng', 'schema/source.rng', src])
        assert rc == 0, 'xmllint %s\n%s' % (src, show(rc, out, err))
        rc, out, err = gongwen('validate', src)
        assert rc == 1, 'gongwen validate %s\n%s' % (src, show(rc, out, err))


def test_bad_sources_layout_fails():
    for name, (line, _) in BAD.items():
        src = 'tests/data/bad/%s.xml' % name
        rc, out, err = gongwen('layout', src)
        assert rc == 1 and out == b'', 'gongwen layout %s\n%s' % (src, show(rc, out, err))
        assert err.startswith('%s:%d: error: ' % (src, line)), 'gongwen layout %s\n%s' % (
            src, show(rc, out, err))


# --- cross-references ---------------------------------------------------------------------

def _xref_variant(edit):
    """A copy of tests/data/xref.xml with edit(text) applied, in the test's temp folder."""
    with open(os.path.join(ROOT, XREF), encoding='utf-8') as f:
        text = f.read()
    new = edit(text)
    assert new != text, 'the edit changed nothing'
    path = os.path.join(tmpdir(), 'xref-variant.xml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(new)
    return path


NEW_ARTICLE = '''    <article id="inserted">
      <p>新增加的条文。</p>
    </article>
'''


def test_xref_source_types_no_numbers():
    """The numbers below must come from the stylesheets: the source has no 第 at all."""
    with open(os.path.join(ROOT, XREF), encoding='utf-8') as f:
        text = f.read()
    assert '第' not in text and '（' not in text
    assert text.count('<article ') >= 12


def test_xref_article():
    root = layout_of(XREF)
    p = para_with(root, '依照')
    assert '依照第十二条的规定处理' in p, p
    # the twelfth article itself carries the same number
    assert any(t.startswith('第十二条　条文L的正文') for t in paras(root)), paras(root)


def test_xref_item():
    root = layout_of(XREF)
    p = para_with(root, '依照')
    assert '按照第四条第（二）项的要求' in p, p
    assert '（二）项的正文Y。' in paras(root), paras(root)


def test_xref_follows_inserted_article():
    path = _xref_variant(lambda t: t.replace('    <article id="a12">', NEW_ARTICLE + '    <article id="a12">', 1))
    root = layout_of(path)
    p = para_with(root, '依照')
    assert '依照第十三条的规定处理' in p, p
    assert '按照第四条第（二）项的要求' in p, p
    assert any(t.startswith('第十二条　新增加的条文。') for t in paras(root)), paras(root)
    assert any(t.startswith('第十三条　条文L的正文') for t in paras(root)), paras(root)
    assert any(t.startswith('第十四条　') for t in paras(root)), paras(root)


def test_xref_follows_inserted_article_before_the_referring_one():
    """An article inserted before a1 moves both the reference and the referring article."""
    path = _xref_variant(lambda t: t.replace('    <article id="a1">', NEW_ARTICLE + '    <article id="a1">', 1))
    root = layout_of(path)
    p = para_with(root, '依照')
    assert p.startswith('第三条　'), p
    assert '依照第十三条的规定处理' in p and '按照第五条第（二）项的要求' in p, p


def test_xref_follows_inserted_item():
    item = '      <item id="new-item">\n        <p>新增加的项。</p>\n      </item>\n'
    path = _xref_variant(lambda t: t.replace('      <item id="a4-1">', item + '      <item id="a4-1">', 1))
    root = layout_of(path)
    p = para_with(root, '依照')
    assert '按照第四条第（三）项的要求' in p, p
    assert '依照第十二条的规定处理' in p, p


# --- the seed's layout: golden file and meaning ----------------------------------------------

def test_seed_layout_golden():
    rc, out, err = gongwen('layout', SEED)
    assert rc == 0, show(rc, out, err)
    golden = os.path.join(ROOT, GOLDEN)
    if os.environ.get('UPDATE_GOLDEN') == '1':
        os.makedirs(os.path.dirname(golden), exist_ok=True)
        with open(golden, 'wb') as f:
            f.write(out)
        print('    (rewrote %s: review `git diff %s`)' % (GOLDEN, GOLDEN))
        return
    assert os.path.exists(golden), '%s is missing; run with UPDATE_GOLDEN=1 to create it' % GOLDEN
    with open(golden, 'rb') as f:
        expected = f.read()
    if out != expected:
        diff = difflib.unified_diff(expected.decode('utf-8', 'replace').splitlines(),
                                    out.decode('utf-8', 'replace').splitlines(),
                                    GOLDEN, 'gongwen layout ' + SEED, lineterm='', n=1)
        text = '\n'.join(list(diff)[:40])
        raise AssertionError('the layout differs from %s (UPDATE_GOLDEN=1 rewrites it after '
                             'review):\n%s' % (GOLDEN, text))


def test_seed_layout_output_option():
    """layout -o FILE writes the same bytes as layout to stdout."""
    d = tmpdir()
    rc, out, err = gongwen('layout', SEED)
    assert rc == 0, show(rc, out, err)
    rc2, out2, err2 = gongwen('layout', SEED, '-o', os.path.join(d, 'seed.layout.xml'))
    assert rc2 == 0 and out2 == b'', show(rc2, out2, err2)
    with open(os.path.join(d, 'seed.layout.xml'), 'rb') as f:
        assert f.read() == out


def test_seed_layout_content():
    cn = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五']
    root = layout_of(SEED)
    texts = paras(root)
    labels = [t.split('　')[0] for t in texts if re.match(r'第.+条　', t)]
    assert labels == ['第%s条' % n for n in cn], labels
    # each bookmark (outline title) starts with the printed label
    titles = [p.get('outline-title') for p in root.iter(L + 'para') if p.get('outline-level') == '1']
    assert [t.split('　')[0] for t in titles] == labels, titles
    items = [re.match(r'（(.+?)）', t).group(1) for t in texts if t.startswith('（')]
    assert items == cn[:4] + cn[:4] + cn[:9], items
    assert '2020年12月31日' in texts, 'no date 2020年12月31日'
    flat = ''.join(root.itertext())
    assert '同师党字〔2020〕42号' in flat
    assert '2020年12月31日印发' in flat
    info = root.find(L + 'info')
    assert info is not None and info.get('subject') == '同师党字〔2020〕42号', ET.tostring(info)
    assert info.get('date') == '2020-12-31'
    assert texts[0] == '中共大同师范高等专科学校委员会文件', texts[0]


def test_golden_file_is_sane():
    """What the golden file says, read on its own (guards against a careless UPDATE_GOLDEN)."""
    with open(os.path.join(ROOT, GOLDEN), 'rb') as f:
        root = ET.fromstring(f.read())
    texts = paras(root)
    labels = [t.split('　')[0] for t in texts if re.match(r'第.+条　', t)]
    assert labels[0] == '第一条' and labels[-1] == '第十五条' and len(labels) == 15, labels
    assert '（九）其他应当问责的失职失责情形。' in texts
    assert '2020年12月31日' in texts
    assert '同师党字〔2020〕42号' in ''.join(root.itertext())


# --- the stylesheets under plain xsltproc ----------------------------------------------------

def test_xsltproc_runs_and_output_validates():
    d = tmpdir()
    for src in sources() + [XREF]:
        out = os.path.join(d, os.path.basename(src) + '.layout.xml')
        rc, _, err = run(['xsltproc', '-o', out, 'stylesheets/gongwen.xsl', src])
        assert rc == 0, 'xsltproc stylesheets/gongwen.xsl %s: exit %d\n%s' % (src, rc, err)
        root = ET.parse(out).getroot()
        assert root.tag == L + 'layout', root.tag
        rc, _, err = run(['xmllint', '--noout', '--relaxng', 'schema/layout.rng', out])
        assert rc == 0, 'xmllint --relaxng schema/layout.rng (output of xsltproc on %s): ' \
            'exit %d\n%s' % (src, rc, err)


def test_gongwen_layout_validates_against_layout_schema():
    d = tmpdir()
    for src in sources() + [XREF]:
        out = os.path.join(d, os.path.basename(src) + '.layout.xml')
        rc, o, err = gongwen('layout', src, '-o', out)
        assert rc == 0, show(rc, o, err)
        rc, _, err = run(['xmllint', '--noout', '--relaxng', 'schema/layout.rng', out])
        assert rc == 0, 'xmllint --relaxng schema/layout.rng (gongwen layout %s): exit %d\n%s' % (
            src, rc, err)


def test_xsltproc_matches_gongwen_layout():
    """Same stylesheets, same result: xsltproc's output differs from `gongwen layout` only by
    the source-line annotations and the generator name the program passes in."""
    for src in sources() + [XREF]:
        rc, ours, err = gongwen('layout', src)
        assert rc == 0, show(rc, ours, err)
        rc, theirs, err = run(['xsltproc', 'stylesheets/gongwen.xsl', src])
        assert rc == 0, err
        strip = lambda b: re.sub(r' line="\d+"', '', b.decode('utf-8'))
        a = strip(ours).replace('creator="gongwen 0.1.0"', 'creator="gongwen"')
        b = strip(theirs)
        if a != b:
            diff = '\n'.join(list(difflib.unified_diff(b.splitlines(), a.splitlines(), 'xsltproc',
                                                       'gongwen layout', lineterm='', n=0))[:30])
            raise AssertionError('%s: xsltproc and gongwen layout differ:\n%s' % (src, diff))


# --- a layout document as input ----------------------------------------------------------------

def _pages(pdf):
    return pp.pdf_info(pdf)['Pages']


def test_render_layout_document():
    d = tmpdir()
    lay = os.path.join(d, 'seed.layout.xml')
    rc, out, err = gongwen('layout', SEED, '-o', lay)
    assert rc == 0, show(rc, out, err)
    rc, out, err = gongwen('render', SEED, '-o', os.path.join(d, 'from-source.pdf'))
    assert rc == 0, show(rc, out, err)
    rc, out, err = gongwen('render', lay, '-o', os.path.join(d, 'from-layout.pdf'))
    assert rc == 0, 'gongwen render %s\n%s' % (lay, show(rc, out, err))
    n_src, n_lay = _pages(os.path.join(d, 'from-source.pdf')), _pages(os.path.join(d, 'from-layout.pdf'))
    assert n_src == n_lay, 'pages: %d from the source, %d from its layout' % (n_src, n_lay)
    assert n_src >= 2, n_src


def test_render_layout_document_same_boxes():
    """The trace (every placed box) is the same from a source and from its layout."""
    d = tmpdir()
    lay = os.path.join(d, 'seed.layout.xml')
    assert gongwen('layout', SEED, '-o', lay)[0] == 0
    for src, out in ((SEED, 'a.trace'), (lay, 'b.trace')):
        rc, o, err = gongwen('render', src, '-f', 'trace', '-o', os.path.join(d, out))
        assert rc == 0, show(rc, o, err)
    with open(os.path.join(d, 'a.trace')) as a, open(os.path.join(d, 'b.trace')) as b:
        ta, tb = a.read(), b.read()
    assert ta == tb, '\n'.join(list(difflib.unified_diff(ta.splitlines(), tb.splitlines(),
                                                         'source', 'layout', lineterm='', n=0))[:20])


def test_render_xsltproc_layout():
    """Any program that writes the layout vocabulary can feed the typesetter: xsltproc's own
    output (no line annotations) renders to as many pages as the source."""
    d = tmpdir()
    lay = os.path.join(d, 'seed.xsltproc.xml')
    rc, _, err = run(['xsltproc', '-o', lay, 'stylesheets/gongwen.xsl', SEED])
    assert rc == 0, err
    rc, out, err = gongwen('render', lay, '-o', os.path.join(d, 'x.pdf'))
    assert rc == 0, show(rc, out, err)
    rc, out, err = gongwen('render', SEED, '-o', os.path.join(d, 'y.pdf'))
    assert rc == 0, show(rc, out, err)
    assert _pages(os.path.join(d, 'x.pdf')) == _pages(os.path.join(d, 'y.pdf'))

"""Licensed fonts: --font-dir DIR and GONGWEN_FONT_DIRS=DIR:DIR (fonts/README.md).

    python3 tests/run.py tests/test_font_dirs.py

A font whose own family is a role's requested name (FangSong_GB2312 for the body) in a
folder the user adds must win over the free substitute (FandolFang), and change nothing
else. The "licensed" font is generated here (tests/fontgen/mkfont.py: every character a
square, advance 1000), covering every character the test document prints, so no body
character has a reason to fall back to FandolFang.

Each test renders a short upward notice (mark, number, 签发人 in 楷体, title, two articles,
signature, date, colophon) into its own temp folder, with XDG_CACHE_HOME pointing there too,
so that the fontconfig caches of the temporary font folders stay out of the user's cache.
"""
import os
import subprocess

from tests.fontgen import mkfont
from tests.lib import GONGWEN, Skip, tmpdir
from tests.lib import pdfprobe as pp

SUBSTITUTE = 'FandolFang-Regular'          # what FangSong_GB2312 resolves to by default
MARK_TITLE = 'NotoSerifCJKsc-Black'        # what FZXiaoBiaoSong-B05S resolves to

SOURCE = '''<?xml version="1.0" encoding="UTF-8"?>
<!-- A short notice for tests/test_font_dirs.py, after sources/seed-wangluo-yishixingtai.xml:
     full-width punctuation and digits, half-width digits, a cross-reference. -->
<document xmlns="urn:gongwen:source:1" kind="办法" direction="up">
  <head>
    <organ suffix="文件">中共某某学校委员会</organ>
    <number code="某党字" year="2024" seq="7"/>
    <signer>张三</signer>
  </head>
  <title>中共某某学校委员会<br/>字体替换测试办法</title>
  <body>
    <article id="a1">
      <p>为了检验“仿宋_GB2312”能否替换自由字体，根据《某某规定》（２０２４年修订）等有关规定，制定本办法；第１款、第2款同样适用。</p>
    </article>
    <article id="a2">
      <p>本办法的要求主要是：</p>
      <item id="a2-1"><p>正文使用用户提供的字体！</p></item>
      <item id="a2-2"><p>标题与发文机关标志不变？参见<ref to="a1"/>。</p></item>
    </article>
  </body>
  <closing>
    <signature>中共某某学校委员会</signature>
    <date>2024-03-05</date>
  </closing>
  <colophon>
    <printer>中共某某学校委员会办公室</printer>
    <printed>2024-03-05</printed>
  </colophon>
</document>
'''


# --- helpers ------------------------------------------------------------------------------

def _env(**extra):
    """The environment for gongwen: no GONGWEN_FONT_DIRS inherited, a private font cache."""
    env = {k: v for k, v in os.environ.items() if k != 'GONGWEN_FONT_DIRS'}
    env['XDG_CACHE_HOME'] = os.path.join(tmpdir(), 'cache')
    env.update(extra)
    return env


def gongwen(*args, env=None):
    p = subprocess.run([GONGWEN] + list(args), env=env or _env(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def show(rc, out, err):
    return 'exit %d\n--- stdout:\n%s\n--- stderr:\n%s' % (rc, out[:2000], err[:2000])


def source():
    """The test source, written into <tmp>/src/notice.xml (once per test)."""
    d = os.path.join(tmpdir(), 'src')
    path = os.path.join(d, 'notice.xml')
    if not os.path.exists(path):
        os.makedirs(d)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(SOURCE)
    return path


def printed_chars(src):
    """Every character the document can print: those of the source and of its layout
    (which adds the generated 第一条, 〔〕, 签发人：, 年月日, 印发, the full-width space...)."""
    rc, out, err = gongwen('layout', src)
    assert rc == 0, 'gongwen layout %s\n%s' % (src, show(rc, out, err))
    with open(src, encoding='utf-8') as f:
        return mkfont.chars_of_xml(f.read()) | mkfont.chars_of_xml(out) | {' '}


def make_font(family, name='fonts'):
    """Generate a font of `family` covering the document into <tmp>/<name>/; check it with
    mkfont.verify and fc-query. Returns (folder, PostScript name)."""
    d = os.path.join(tmpdir(), name)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, 'generated.ttf')
    chars = printed_chars(source())
    psname = mkfont.write_font(path, family, chars)
    info = mkfont.verify(path)
    missing = {ord(c) for c in chars} - info['codepoints'] - {0x9, 0xA, 0xD}
    assert not missing, 'the generated font lacks %s' % sorted(map(chr, missing))
    try:
        q = subprocess.run(['fc-query', '-f', '%{family}|%{style}|%{postscriptname}', path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    except FileNotFoundError:
        raise Skip('fc-query is not installed')
    assert q.returncode == 0, 'fc-query %s: %s' % (path, q.stderr.decode('utf-8', 'replace'))
    got = q.stdout.decode('utf-8')
    assert got == '%s|Regular|%s' % (family, psname), 'fc-query %s: %r' % (path, got)
    return d, psname


def render(name, *args, env=None):
    """Render the test source to <tmp>/<name>.pdf with extra args; return the PDF's path."""
    out = os.path.join(tmpdir(), name + '.pdf')
    rc, o, e = gongwen('render', source(), '-o', out, *args, env=env)
    assert rc == 0, 'gongwen render %s\n%s' % (' '.join(args), show(rc, o, e))
    return out


def faces(pdf):
    """Sorted PostScript names (no subset tag) of the fonts `pdffonts` lists."""
    return sorted({f['family'] for f in pp.pdf_fonts(pdf)})


def split_runs(pdf, body_font):
    """(body text per page, other runs): the text of the runs set in body_font, joined per
    page, and (page, text, font, x0, baseline) of every other run, rounded to 0.01 mm."""
    body, other = {}, []
    for r in pp.text_runs(pdf):
        if r.font == body_font:
            body[r.page] = body.get(r.page, '') + r.text
        else:
            other.append((r.page, r.text, r.font, round(r.x0, 2), round(r.baseline, 2)))
    return body, other


def check_replaced(default_pdf, pdf, psname):
    """pdf uses psname where default_pdf uses FandolFang, and is otherwise the same."""
    base = faces(default_pdf)
    assert SUBSTITUTE in base, 'default render: no %s in %s' % (SUBSTITUTE, base)
    got = faces(pdf)
    expected = sorted(set(base) - {SUBSTITUTE} | {psname})
    assert got == expected, 'pdffonts: %s, expected %s (default render: %s)' % (got, expected, base)

    base_body, base_other = split_runs(default_pdf, SUBSTITUTE)
    body, other = split_runs(pdf, psname)
    assert base_body, 'default render: no text in %s' % SUBSTITUTE
    stray = [r for r in other if r[2] == SUBSTITUTE]
    assert not stray, 'text still in %s: %s' % (SUBSTITUTE, stray)
    assert body == base_body, 'body text in %s differs from the default body text:\n%r\n%r' % (
        psname, body, base_body)
    # the mark and the title keep 小标宋 (Noto Serif CJK SC Black); 楷体 and 宋体 stay too
    marks = [r for r in other if r[2] == MARK_TITLE]
    for text in ('中共某某学校委员会文件', '中共某某学校委员会', '字体替换测试办法'):
        assert any(r[1] == text for r in marks), '%r is not in %s: %s' % (text, MARK_TITLE, other)
    assert other == base_other, 'the runs outside the body face changed:\n%s' % '\n'.join(
        '%s %r' % ('-' if r in base_other else '+', r)
        for r in sorted(set(other) ^ set(base_other)))


# --- tests --------------------------------------------------------------------------------

def test_default_body_is_fandolfang():
    pdf = render('default')
    got = faces(pdf)
    assert SUBSTITUTE in got, 'pdffonts lists %s, no %s' % (got, SUBSTITUTE)
    body = [r for r in pp.text_runs(pdf) if '为了检验' in r.text or '签发人' in r.text]
    assert body and all(r.font == SUBSTITUTE for r in body), body
    marks = [r for r in pp.text_runs(pdf) if r.text == '中共某某学校委员会文件']
    assert marks and all(r.font == MARK_TITLE for r in marks), marks


def test_generated_font_is_valid():
    d, psname = make_font('FangSong_GB2312')
    assert psname == 'FangSong_GB2312-Regular', psname
    path = os.path.join(d, 'generated.ttf')
    info = mkfont.verify(path)
    assert info['family'] == 'FangSong_GB2312' and info['upem'] == 1000, info
    # fontconfig's own charset (what Pango consults): "20 23 2d-2e 30-3a ... 4e00 ..."
    q = subprocess.run(['fc-query', '-f', '%{charset}', path], stdout=subprocess.PIPE, timeout=60)
    have = set()
    for part in q.stdout.decode().split():
        lo, _, hi = part.partition('-')
        have.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    want = {ord(c) for c in printed_chars(source())}
    assert want - have == set(), 'fontconfig sees no glyph for %s' % sorted(
        '%04X' % c for c in want - have)


def test_font_dir_option_replaces_body_face():
    d, psname = make_font('FangSong_GB2312')
    check_replaced(render('default'), render('licensed', '--font-dir', d), psname)


def test_font_dirs_environment_replaces_body_face():
    d, psname = make_font('FangSong_GB2312')
    check_replaced(render('default'), render('licensed', env=_env(GONGWEN_FONT_DIRS=d)), psname)


def test_font_dirs_environment_list():
    """GONGWEN_FONT_DIRS is a colon-separated list: the font may be in the second folder."""
    d, psname = make_font('FangSong_GB2312')
    empty = os.path.join(tmpdir(), 'empty')
    os.makedirs(empty)
    check_replaced(render('default'),
                   render('licensed', env=_env(GONGWEN_FONT_DIRS=empty + ':' + d)), psname)


def test_font_dirs_environment_many():
    """Every entry of GONGWEN_FONT_DIRS counts, however many: here the font is in the 20th."""
    d, psname = make_font('FangSong_GB2312')
    empties = [os.path.join(tmpdir(), 'empty%d' % i) for i in range(19)]
    for e in empties:
        os.makedirs(e)
    env = _env(GONGWEN_FONT_DIRS=':'.join(empties + [d]))
    check_replaced(render('default'), render('licensed', env=env), psname)


def test_font_dir_missing_is_usage_error():
    missing = os.path.join(tmpdir(), 'nonexistent')
    out = os.path.join(tmpdir(), 'out.pdf')
    rc, o, e = gongwen('render', source(), '-o', out, '--font-dir', missing)
    assert rc == 2, 'expected exit 2\n' + show(rc, o, e)
    assert missing in e, 'stderr does not name %s\n%s' % (missing, show(rc, o, e))
    assert not os.path.exists(out), 'an output was written despite the error'


def test_font_dir_nonexistent_root_path():
    rc, o, e = gongwen('render', source(), '-o', os.path.join(tmpdir(), 'out.pdf'),
                       '--font-dir', '/nonexistent')
    assert rc == 2, 'expected exit 2\n' + show(rc, o, e)
    assert '/nonexistent' in e, show(rc, o, e)


def test_font_dirs_environment_missing_is_usage_error():
    missing = os.path.join(tmpdir(), 'nonexistent')
    out = os.path.join(tmpdir(), 'out.pdf')
    rc, o, e = gongwen('render', source(), '-o', out, env=_env(GONGWEN_FONT_DIRS=missing))
    assert rc == 2, 'expected exit 2\n' + show(rc, o, e)
    assert missing in e, 'stderr does not name %s\n%s' % (missing, show(rc, o, e))
    assert not os.path.exists(out), 'an output was written despite the error'


def test_unrelated_family_changes_nothing():
    d, psname = make_font('Gongwen Test Unused Face')
    default, other = render('default'), render('unrelated', '--font-dir', d)
    assert psname not in faces(other), 'the unrelated face was used: %s' % faces(other)
    assert faces(other) == faces(default), 'pdffonts: %s, default render: %s' % (
        faces(other), faces(default))
    runs = [(r.page, r.text, r.font, round(r.x0, 2), round(r.baseline, 2))
            for r in pp.text_runs(other)]
    base = [(r.page, r.text, r.font, round(r.x0, 2), round(r.baseline, 2))
            for r in pp.text_runs(default)]
    assert runs == base, 'text runs changed:\n%s' % '\n'.join(
        '%s %r' % ('-' if r in base else '+', r) for r in sorted(set(runs) ^ set(base)))


def test_unrelated_family_same_pdf_bytes():
    """README: the same source and the same fonts give a byte-identical PDF."""
    d, _ = make_font('Gongwen Test Unused Face')
    default, other = render('default'), render('unrelated', '--font-dir', d)
    with open(default, 'rb') as a, open(other, 'rb') as b:
        assert a.read() == b.read(), 'the PDFs differ: %s %s' % (default, other)


def test_other_names_of_the_licensed_face_replace_the_body_face():
    # Licensed FangSong fonts go by several names (仿宋_GB2312, FangSong, 仿宋): fonts.conf takes
    # any of them before the free substitute.
    for i, family in enumerate(('仿宋_GB2312', 'FangSong', '仿宋')):
        d, psname = make_font(family, 'fonts-%d' % i)
        check_replaced(render('default'), render('licensed-%d' % i, '--font-dir', d), psname)

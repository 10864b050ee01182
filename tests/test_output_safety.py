"""Output safety: reproducible bytes, atomic replacement, never writing over the source,
per-page PNG and SVG, the trace, and an installed copy finding its data.

    python3 tests/run.py tests/test_output_safety.py

gongwen writes every output file to a temporary `.NAME.XXXXXX` beside it and renames it into
place when complete, so a failed render leaves an existing output untouched and no temporary
file behind. The install tests run `make install DESTDIR=<temp> PREFIX=/usr` from the
repository root (about 90-150 MB of fonts are copied into the temp folder, removed after a
passing test).
"""
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

from tests.lib import GONGWEN, ROOT, tmpdir
from tests.lib import pdfprobe as pp

SEED = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')
BAD = os.path.join(ROOT, 'tests', 'data', 'bad', 'no-title.xml')
A4_RATIO = 297.0 / 210.0


def run(argv, cwd=None, env=None, timeout=300):
    p = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def gongwen(*args, cwd=None, env=None):
    return run([GONGWEN] + list(args), cwd=cwd, env=env)


def show(rc, out, err):
    return 'exit %d\n--- stdout:\n%s\n--- stderr:\n%s' % (rc, out[:1500], err[:3000])


def read(path):
    with open(path, 'rb') as f:
        return f.read()


def env_without(*names, **extra):
    env = {k: v for k, v in os.environ.items() if k not in names}
    env.update(extra)
    return env


def render_ok(*args, cwd=None, env=None):
    rc, out, err = gongwen('render', *args, cwd=cwd, env=env)
    assert rc == 0, 'gongwen render %s\n%s' % (' '.join(args), show(rc, out, err))
    return err


def seed_pages():
    pdf = os.path.join(tmpdir(), 'pages-reference.pdf')
    if not os.path.exists(pdf):
        render_ok(SEED, '-o', pdf)
    n = pp.pdf_info(pdf)['Pages']
    assert n >= 2, 'the seed should take more than one page, got %d' % n
    return n


def temporaries(folder):
    """Files that look like gongwen's temporaries (.NAME.XXXXXX)."""
    return sorted(f for f in os.listdir(folder) if f.startswith('.'))


# --- reproducible output -----------------------------------------------------------------------

def test_two_renders_identical():
    d = tmpdir()
    env = env_without('SOURCE_DATE_EPOCH')
    for name in ('a.pdf', 'b.pdf'):
        render_ok(SEED, '-o', os.path.join(d, name), env=env)
    subprocess.run(['cmp', os.path.join(d, 'a.pdf'), os.path.join(d, 'b.pdf')], check=True)
    # without SOURCE_DATE_EPOCH the PDF carries the document's own date
    info = pp.pdf_info(os.path.join(d, 'a.pdf'))
    assert info.get('CreationDate', '').startswith('2020-12-31T00:00:00'), info.get('CreationDate')


def test_two_renders_identical_with_source_date_epoch():
    d = tmpdir()
    env = env_without('SOURCE_DATE_EPOCH', SOURCE_DATE_EPOCH='1600000000')
    for name in ('a.pdf', 'b.pdf'):
        render_ok(SEED, '-o', os.path.join(d, name), env=env)
    subprocess.run(['cmp', os.path.join(d, 'a.pdf'), os.path.join(d, 'b.pdf')], check=True)
    info = pp.pdf_info(os.path.join(d, 'a.pdf'))
    assert info.get('CreationDate') == '2020-09-13T12:26:40Z', info.get('CreationDate')
    assert info.get('ModDate') == '2020-09-13T12:26:40Z', info.get('ModDate')


def test_two_renders_identical_png_svg_trace():
    d = tmpdir()
    for fmt in ('png', 'svg', 'trace'):
        for run_dir in ('1', '2'):
            os.makedirs(os.path.join(d, run_dir), exist_ok=True)
            render_ok(SEED, '-f', fmt, '-o', os.path.join(d, run_dir, 'p.' + fmt))
    assert sorted(os.listdir(os.path.join(d, '1'))) == sorted(os.listdir(os.path.join(d, '2')))
    for name in os.listdir(os.path.join(d, '1')):
        assert read(os.path.join(d, '1', name)) == read(os.path.join(d, '2', name)), name


# --- a failed render keeps what was there ----------------------------------------------------

def test_failed_render_keeps_existing_output():
    d = tmpdir()
    out = os.path.join(d, 'x.pdf')
    render_ok(SEED, '-o', out)
    before = read(out)
    listing = sorted(os.listdir(d))
    rc, o, err = gongwen('render', BAD, '-o', out)
    assert rc == 1, show(rc, o, err)
    assert read(out) == before, 'the existing output changed'
    assert sorted(os.listdir(d)) == listing, 'files appeared: %s' % sorted(
        set(os.listdir(d)) - set(listing))


def test_failed_render_keeps_existing_png_pages():
    d = tmpdir()
    render_ok(SEED, '-f', 'png', '-o', os.path.join(d, 'p.png'))
    before = {f: read(os.path.join(d, f)) for f in os.listdir(d)}
    rc, o, err = gongwen('render', BAD, '-f', 'png', '-o', os.path.join(d, 'p.png'))
    assert rc == 1, show(rc, o, err)
    assert {f: read(os.path.join(d, f)) for f in os.listdir(d)} == before


def test_failed_rename_leaves_no_temporary():
    """The output path is a folder: the rename fails after the file was written; the temporary
    is removed and the folder stays as it was."""
    d = tmpdir()
    os.mkdir(os.path.join(d, 'x.pdf'))
    rc, o, err = gongwen('render', SEED, '-o', os.path.join(d, 'x.pdf'))
    assert rc == 3, show(rc, o, err)
    assert err.startswith(os.path.join(d, 'x.pdf') + ': error: '), show(rc, o, err)
    assert os.listdir(d) == ['x.pdf'] and os.path.isdir(os.path.join(d, 'x.pdf')), os.listdir(d)
    assert os.listdir(os.path.join(d, 'x.pdf')) == []


def test_failed_page_leaves_no_temporary():
    """PNG page 2's path is a folder: the render fails (exit 3) and leaves no temporary."""
    d = tmpdir()
    os.mkdir(os.path.join(d, 'p-2.png'))
    rc, o, err = gongwen('render', SEED, '-f', 'png', '-o', os.path.join(d, 'p.png'))
    assert rc == 3, show(rc, o, err)
    assert temporaries(d) == [], temporaries(d)
    assert os.path.isdir(os.path.join(d, 'p-2.png'))


def test_unwritable_folder():
    d = tmpdir()
    rc, o, err = gongwen('render', SEED, '-o', os.path.join(d, 'no', 'such', 'x.pdf'))
    assert rc == 3, show(rc, o, err)
    assert os.listdir(d) == []


# --- never over the source ---------------------------------------------------------------------

def _copy_seed(d, name='src.xml'):
    path = os.path.join(d, name)
    shutil.copyfile(SEED, path)
    return path


def test_render_over_source_refused():
    d = tmpdir()
    src = _copy_seed(d)
    os.symlink('src.xml', os.path.join(d, 'link.xml'))
    os.mkdir(os.path.join(d, 'sub'))
    original = read(SEED)
    for out in ('src.xml', './src.xml', 'sub/../src.xml', os.path.join(d, 'src.xml'), 'link.xml'):
        rc, o, err = gongwen('render', 'src.xml', '-o', out, cwd=d)
        assert rc == 2, 'gongwen render src.xml -o %s\n%s' % (out, show(rc, o, err))
        assert err.strip(), 'no message'
        assert read(src) == original, 'gongwen render src.xml -o %s changed the source' % out
        assert temporaries(d) == [], temporaries(d)
    for fmt in ('trace', 'png', 'svg'):
        rc, o, err = gongwen('render', 'src.xml', '-f', fmt, '-o', 'src.xml', cwd=d)
        assert rc == 2, 'gongwen render src.xml -f %s -o src.xml\n%s' % (fmt, show(rc, o, err))
        assert read(src) == original
    assert sorted(os.listdir(d)) == ['link.xml', 'src.xml', 'sub'], sorted(os.listdir(d))


def test_render_page_over_source_refused():
    """Per-page output names are made from -o: `-o s-%d.xml` makes page 1 s-1.xml, which is
    the source here. It must be refused (or at least leave the source alone)."""
    d = tmpdir()
    src = _copy_seed(d, 's-1.xml')
    rc, o, err = gongwen('render', 's-1.xml', '-f', 'png', '-o', 's-%d.xml', cwd=d)
    assert read(src) == read(SEED), 'gongwen render s-1.xml -f png -o s-%%d.xml wrote over ' \
        'the source (exit %d)' % rc
    assert rc == 2, show(rc, o, err)


def test_render_later_page_over_source_refused_before_writing():
    """The source is what page 2 would be called: refused before any page is written, so no
    s-1.xml is left behind either."""
    d = tmpdir()
    src = _copy_seed(d, 's-2.xml')
    rc, o, err = gongwen('render', 's-2.xml', '-f', 'svg', '-o', 's-%d.xml', cwd=d)
    assert read(src) == read(SEED), 'the source was overwritten (exit %d)' % rc
    assert rc == 2, show(rc, o, err)
    assert sorted(os.listdir(d)) == ['s-2.xml'], 'left behind: %s' % sorted(os.listdir(d))


def test_layout_over_source_refused():
    """`gongwen layout SRC -o SRC` must not destroy SRC."""
    d = tmpdir()
    src = _copy_seed(d)
    rc, o, err = gongwen('layout', 'src.xml', '-o', 'src.xml', cwd=d)
    assert read(src) == read(SEED), 'gongwen layout src.xml -o src.xml changed the source ' \
        '(now %d bytes; exit %d)\n%s' % (os.path.getsize(src), rc, err)
    assert rc == 2, show(rc, o, err)


def test_failed_layout_keeps_existing_output():
    """Like render, layout -o should not replace an existing file when it fails."""
    d = tmpdir()
    out = os.path.join(d, 'x.layout.xml')
    with open(out, 'wb') as f:
        f.write(b'<previous/>\n')
    rc, o, err = gongwen('layout', BAD, '-o', out)
    assert rc == 1, show(rc, o, err)
    assert read(out) == b'<previous/>\n', 'a failed layout replaced %s with %d bytes' % (
        out, os.path.getsize(out))


# --- per-page formats and the trace ---------------------------------------------------------------

def png_size(path):
    """(width, height) of a PNG, after checking its signature, chunk CRCs, IHDR, IDAT and IEND."""
    data = read(path)
    assert data[:8] == b'\x89PNG\r\n\x1a\n', '%s: not a PNG signature' % path
    pos, chunks, idat = 8, [], b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc, = struct.unpack('>I', data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) & 0xffffffff == crc, '%s: bad CRC in %s' % (path, kind)
        chunks.append(kind)
        if kind == b'IHDR':
            w, h, depth, colour, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    assert chunks[0] == b'IHDR' and chunks[-1] == b'IEND', '%s: chunks %s' % (path, chunks)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    assert interlace == 0 and depth == 8, (depth, interlace)
    raw = zlib.decompress(idat)
    assert len(raw) == h * (1 + w * channels), '%s: image data of the wrong size' % path
    return w, h


def test_png_pages():
    d = tmpdir()
    n = seed_pages()
    out = os.path.join(d, 'png')
    os.mkdir(out)
    render_ok(SEED, '-f', 'png', '-o', os.path.join(out, 'p.png'))
    assert sorted(os.listdir(out)) == sorted('p-%d.png' % i for i in range(1, n + 1)), \
        'expected p-1.png … p-%d.png, got %s' % (n, sorted(os.listdir(out)))
    for i in range(1, n + 1):
        w, h = png_size(os.path.join(out, 'p-%d.png' % i))
        assert abs(h / w - A4_RATIO) < 0.002, 'p-%d.png is %dx%d, not A4' % (i, w, h)
        # the default resolution is 150 dpi
        assert abs(w - 210 / 25.4 * 150) <= 1, 'p-%d.png is %d px wide, not 150 dpi' % (i, w)


def test_png_dpi():
    d = tmpdir()
    render_ok(SEED, '-f', 'png', '--dpi', '72', '-o', os.path.join(d, 'p.png'))
    w, h = png_size(os.path.join(d, 'p-1.png'))
    assert (w, h) == (595, 842), (w, h)


def test_svg_pages():
    d = tmpdir()
    n = seed_pages()
    out = os.path.join(d, 'svg')
    os.mkdir(out)
    render_ok(SEED, '-f', 'svg', '-o', os.path.join(out, 's.svg'))
    assert sorted(os.listdir(out)) == sorted('s-%d.svg' % i for i in range(1, n + 1)), \
        'expected s-1.svg … s-%d.svg, got %s' % (n, sorted(os.listdir(out)))
    for i in range(1, n + 1):
        root = ET.parse(os.path.join(out, 's-%d.svg' % i)).getroot()
        assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag
        w, h = (root.get(a) for a in ('width', 'height'))
        assert w.endswith('pt') and h.endswith('pt'), (w, h)
        w, h = pp.pt2mm(float(w[:-2])), pp.pt2mm(float(h[:-2]))
        assert abs(w - 210) < 0.1 and abs(h - 297) < 0.1, 's-%d.svg is %.2f x %.2f mm' % (i, w, h)
        assert len(list(root.iter())) > 20, 's-%d.svg is nearly empty' % i


def test_trace_pages():
    d = tmpdir()
    n = seed_pages()
    render_ok(SEED, '-f', 'trace', '-o', os.path.join(d, 'x.trace'))
    with open(os.path.join(d, 'x.trace'), encoding='utf-8') as f:
        lines = f.read().splitlines()
    pages = [l for l in lines if l.startswith('page ')]
    assert [l.split()[1] for l in pages] == [str(i) for i in range(1, n + 1)], pages
    assert all(' 210.00x297.00 ' in l for l in pages), pages
    assert any('第十五条' in l for l in lines), 'no 第十五条 in the trace'


def test_default_output_name():
    """Without -o the output goes beside the source with the format's extension."""
    d = tmpdir()
    _copy_seed(d, 'doc.v2.xml')
    render_ok('doc.v2.xml', cwd=d)
    render_ok('doc.v2.xml', '-f', 'trace', cwd=d)
    assert sorted(os.listdir(d)) == ['doc.v2.pdf', 'doc.v2.trace', 'doc.v2.xml'], os.listdir(d)


# --- an installed copy ---------------------------------------------------------------------------

def _install():
    """make install into a temp folder; return (root, make's exit status and output)."""
    dest = os.path.join(tmpdir(), 'dest')
    rc, out, err = run(['make', 'install', 'DESTDIR=' + dest, 'PREFIX=/usr'], cwd=ROOT, timeout=600)
    binary = os.path.join(dest, 'usr', 'bin', 'gongwen')
    data = os.path.join(dest, 'usr', 'share', 'gongwen')
    if rc != 0 and not (os.path.exists(binary) and os.path.exists(
            os.path.join(data, 'stylesheets', 'gongwen.xsl'))):
        raise AssertionError('make install DESTDIR=%s PREFIX=/usr failed\n%s' % (dest, show(rc, out, err)))
    return dest, rc, out + err


def test_make_install():
    dest, rc, log = _install()
    assert rc == 0, 'make install DESTDIR=%s PREFIX=/usr: exit %d\n%s' % (dest, rc, log[-2000:])
    for rel in ('usr/bin/gongwen', 'usr/share/gongwen/stylesheets/gongwen.xsl',
                'usr/share/gongwen/stylesheets/numerals.xsl', 'usr/share/gongwen/schema/source.rng',
                'usr/share/gongwen/fonts/fonts.conf', 'usr/share/man/man1/gongwen.1'):
        assert os.path.exists(os.path.join(dest, rel)), 'not installed: /' + rel


def _installed_render(dest, extra, env):
    wd = os.path.join(tmpdir(), 'elsewhere')
    os.makedirs(wd, exist_ok=True)
    out = os.path.join(dest, 'x.pdf')
    if os.path.exists(out):
        os.unlink(out)
    binary = os.path.join(dest, 'usr', 'bin', 'gongwen')
    rc, o, err = run([binary] + extra + ['render', SEED, '-o', out], cwd=wd, env=env)
    return rc, o, err, out


def test_installed_with_datadir():
    dest, rc, log = _install()
    env = env_without('GONGWEN_DATADIR')
    rc, o, err, out = _installed_render(dest, ['--datadir', os.path.join(dest, 'usr/share/gongwen')], env)
    assert rc == 0, show(rc, o, err)
    assert pp.pdf_info(out)['Pages'] == seed_pages()
    # --datadir is honoured: a folder without the data fails
    rc, o, err, _ = _installed_render(dest, ['--datadir', os.path.join(dest, 'nowhere')], env)
    assert rc == 3, 'a --datadir without stylesheets should fail with exit 3\n' + show(rc, o, err)


def test_installed_finds_share_beside_bin():
    dest, rc, log = _install()
    env = env_without('GONGWEN_DATADIR')
    rc, o, err, out = _installed_render(dest, [], env)
    assert rc == 0, 'the installed gongwen without --datadir (GONGWEN_DATADIR unset)\n' + show(rc, o, err)
    assert pp.pdf_info(out)['Pages'] == seed_pages()
    # It was ../share/gongwen that it used: moved away, the data is no longer found ...
    data = os.path.join(dest, 'usr', 'share', 'gongwen')
    os.rename(data, data + '.moved')
    compiled_in = ['/usr/local/share/gongwen', '/usr/share/gongwen']
    if not any(os.path.exists(os.path.join(p, 'stylesheets', 'gongwen.xsl')) for p in compiled_in):
        rc, o, err, _ = _installed_render(dest, [], env)
        assert rc == 3, 'with ../share/gongwen moved away the render should fail\n' + show(rc, o, err)
    # ... unless GONGWEN_DATADIR names it.
    rc, o, err, out = _installed_render(dest, [], env_without('GONGWEN_DATADIR',
                                                              GONGWEN_DATADIR=data + '.moved'))
    assert rc == 0, 'GONGWEN_DATADIR=%s.moved\n%s' % (data, show(rc, o, err))


def test_an_output_through_a_link_replaces_the_file_and_keeps_the_link():
    d = tmpdir()
    target = os.path.join(d, 'target.pdf')
    with open(target, 'w') as f:
        f.write('old')
    link = os.path.join(d, 'link.pdf')
    os.symlink(target, link)
    r = subprocess.run([GONGWEN, 'render', os.path.join(ROOT, 'sources', 'han-letter.xml'), '-o', link],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert os.path.islink(link), 'the link was replaced by a file'
    with open(target, 'rb') as f:
        assert f.read(5) == b'%PDF-'


def test_an_output_through_a_dangling_link_makes_its_file():
    d = tmpdir()
    link = os.path.join(d, 'link.pdf')
    os.symlink('made.pdf', link)  # relative, and naming no file yet
    r = subprocess.run([GONGWEN, 'render', os.path.join(ROOT, 'sources', 'han-letter.xml'), '-o', link],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert os.path.islink(link), 'the link was replaced by a file'
    with open(os.path.join(d, 'made.pdf'), 'rb') as f:
        assert f.read(5) == b'%PDF-'


def test_a_build_refuses_a_pipe_where_an_output_goes():
    d = tmpdir()
    src = os.path.join(d, 'src')
    os.makedirs(src)
    shutil.copyfile(os.path.join(ROOT, 'sources', 'lianhe-tongzhi.xml'), os.path.join(src, 'a.xml'))
    out = os.path.join(d, 'out')
    os.makedirs(out)
    os.mkfifo(os.path.join(out, 'a.pdf'))
    r = subprocess.run([GONGWEN, 'build', src, '-o', out, '-j', '1'], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0 and 'not a regular file' in r.stderr, r.stderr

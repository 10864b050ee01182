"""The command line: --help, --version, usage errors (exit 2) and missing files (exit 1 or 3).

    python3 tests/run.py tests/test_cli.py

Every usage error must exit 2, say something on stderr (naming what was wrong where there is
a word to name) and leave no output behind: the cases that name a real source are run in a
private temp folder, and the folder must hold nothing new afterwards.
"""
import os
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, tmpdir

SEED = os.path.join(ROOT, 'sources', 'seed-wangluo-yishixingtai.xml')


def gongwen(*args, cwd=None, env=None):
    """Run the program; return (exit status, stdout text, stderr text)."""
    p = subprocess.run([GONGWEN] + list(args), cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return (p.returncode, p.stdout.decode('utf-8', 'replace'),
            p.stderr.decode('utf-8', 'replace'))


def show(rc, out, err):
    return 'exit %d\n--- stdout:\n%s\n--- stderr:\n%s' % (rc, out[:2000], err[:2000])


def test_help():
    rc, out, err = gongwen('--help')
    assert rc == 0, show(rc, out, err)
    assert out.startswith('usage: gongwen'), show(rc, out, err)
    for command in ('render', 'layout', 'validate'):
        assert 'gongwen %s' % command in out, 'the help does not show "gongwen %s"\n%s' % (
            command, show(rc, out, err))
    assert err == '', show(rc, out, err)


def test_help_short():
    rc, out, err = gongwen('-h')
    assert rc == 0, show(rc, out, err)
    assert out == gongwen('--help')[1], '-h and --help differ'


def test_version():
    rc, out, err = gongwen('--version')
    assert rc == 0, show(rc, out, err)
    assert out == 'gongwen 0.1.0\n', 'expected "gongwen 0.1.0\\n"\n' + show(rc, out, err)
    assert err == '', show(rc, out, err)


def test_version_short():
    rc, out, err = gongwen('-V')
    assert (rc, out) == (0, 'gongwen 0.1.0\n'), show(rc, out, err)


# --- usage errors: exit 2 ---------------------------------------------------------------

def _usage_error(args, names=None):
    """Run args (SRC stands for a copy of the seed) in a temp folder; expect exit 2, a
    message on stderr that contains every word of names, nothing on stdout, no new files."""
    def test():
        d = tmpdir()
        src = os.path.join(d, 'src.xml')
        shutil.copyfile(SEED, src)
        other = os.path.join(d, 'other.xml')
        shutil.copyfile(SEED, other)
        before = sorted(os.listdir(d))
        argv = [{'SRC': 'src.xml', 'OTHER': 'other.xml'}.get(a, a) for a in args]
        rc, out, err = gongwen(*argv, cwd=d)
        assert rc == 2, 'gongwen %s: expected exit 2\n%s' % (' '.join(argv), show(rc, out, err))
        assert err.strip(), 'gongwen %s: nothing on stderr' % ' '.join(argv)
        for word in names or ():
            assert word in err, 'gongwen %s: stderr does not name %r\n%s' % (
                ' '.join(argv), word, show(rc, out, err))
        assert out == '', 'gongwen %s: printed on stdout\n%s' % (' '.join(argv), show(rc, out, err))
        after = sorted(os.listdir(d))
        assert after == before, 'gongwen %s left files behind: %s' % (
            ' '.join(argv), sorted(set(after) - set(before)))
    return test


TESTS = [
    ('usage_no_command', _usage_error([], ['command'])),
    ('usage_only_options', _usage_error(['-o', 'x.pdf'], ['command'])),
    ('usage_unknown_command', _usage_error(['frobnicate', 'SRC'], ['frobnicate'])),
    ('usage_unknown_option', _usage_error(['render', 'SRC', '--frobnicate'], ['frobnicate'])),
    ('usage_unknown_short_option', _usage_error(['render', 'SRC', '-Z'], ['Z'])),
    ('usage_unknown_format', _usage_error(['render', 'SRC', '-f', 'gif'], ['gif'])),
    ('usage_unknown_format_long', _usage_error(['render', 'SRC', '--format=docx'], ['docx'])),
    ('usage_param_without_equals', _usage_error(['render', 'SRC', '-p', 'body-size'], ['body-size'])),
    ('usage_render_two_sources', _usage_error(['render', 'SRC', 'OTHER'])),
    ('usage_layout_two_sources', _usage_error(['layout', 'SRC', 'OTHER'])),
    ('usage_render_no_source', _usage_error(['render'])),
    ('usage_validate_no_source', _usage_error(['validate'])),
    ('usage_option_missing_argument', _usage_error(['render', 'SRC', '-o'])),
]


# --- a missing source: exit 1 or 3, `path: error: ...` ------------------------------------

def _missing_source(command):
    def test():
        d = tmpdir()
        path = os.path.join('no', 'such', 'source.xml')
        rc, out, err = gongwen(command, path, cwd=d)
        assert rc in (1, 3), 'gongwen %s %s: expected exit 1 or 3\n%s' % (command, path,
                                                                          show(rc, out, err))
        first = err.splitlines()[0] if err else ''
        assert first.startswith(path + ': error: '), \
            'stderr should start with "%s: error:"\n%s' % (path, show(rc, out, err))
        assert os.listdir(d) == [], 'files left behind: %s' % os.listdir(d)
    return test


TESTS += [('missing_source_' + c, _missing_source(c)) for c in ('render', 'layout', 'validate')]


def test_missing_source_among_several_validates_the_rest():
    """validate goes on after a missing file: the good one is not reported, exit is 1 or 3."""
    d = tmpdir()
    shutil.copyfile(SEED, os.path.join(d, 'good.xml'))
    rc, out, err = gongwen('validate', 'missing.xml', 'good.xml', cwd=d)
    assert rc in (1, 3), show(rc, out, err)
    assert err.startswith('missing.xml: error: '), show(rc, out, err)
    assert 'good.xml' not in err, show(rc, out, err)


def test_layout_dash_is_standard_output():
    """`-o -` writes the layout to standard output, not to a file named "-"."""
    d = tmpdir()
    rc, out, err = gongwen('layout', SEED, '-o', '-', cwd=d)
    assert rc == 0 and out.startswith('<?xml') and '<layout' in out, show(rc, out, err)
    assert not os.path.exists(os.path.join(d, '-')), 'a file named "-" was written'


def test_a_missing_loaded_library_is_named():
    """librsvg (SVG seals) and libzip (OFD) are loaded when first needed: when they cannot be,
    the error names the library and its Debian package, and nothing is written. A render that
    needs neither does not notice."""
    d = tmpdir()
    fake = os.path.join(d, 'lib')
    os.makedirs(fake)
    for soname in ('librsvg-2.so.2', 'libzip.so.4'):
        with open(os.path.join(fake, soname), 'w') as f:
            f.write('not a library')
    env = dict(os.environ, LD_LIBRARY_PATH=fake)
    notice = os.path.join(ROOT, 'sources', 'tongzhi-fujian.xml')  # its seal is an SVG
    out = os.path.join(d, 'n.pdf')
    rc, _, err = gongwen('render', notice, '-o', out, env=env)
    assert rc != 0 and 'librsvg2-2' in err and ': error: ' in err, show(rc, '', err)
    assert not os.path.exists(out)
    rc, _, err = gongwen('render', SEED, '-f', 'ofd', '-o', os.path.join(d, 's.ofd'), env=env)
    assert rc == 3 and 'libzip4' in err, show(rc, '', err)
    assert not os.path.exists(os.path.join(d, 's.ofd'))
    rc, _, err = gongwen('render', SEED, '-o', os.path.join(d, 's.pdf'), env=env)
    assert rc == 0, show(rc, '', err)


def test_validate_and_layout_need_no_fonts():
    # They set no text: a font folder that does not exist cannot fail them (render still says).
    src = os.path.join(ROOT, 'sources', 'han-letter.xml')
    for args in (['validate', src], ['layout', src, '-o', os.path.join(tmpdir(), 'l.xml')]):
        r = subprocess.run([GONGWEN] + args + ['--font-dir', '/nonexistent-fonts'],
                           capture_output=True, text=True)
        assert r.returncode == 0, (args[0], r.stderr)
    r = subprocess.run([GONGWEN, 'render', src, '-o', os.path.join(tmpdir(), 'x.pdf'),
                        '--font-dir', '/nonexistent-fonts'], capture_output=True, text=True)
    assert r.returncode != 0 and 'not a font folder' in r.stderr, r.stderr

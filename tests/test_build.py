"""`gongwen build DIR -o OUTDIR`: a whole tree of sources, rebuilt only where needed.

    python3 tests/run.py tests/test_build.py

Each test builds a private tree of copies of sources/*.xml and sources/images/ in subfolders,
plus a broken source (no <title>) and an XML file that is no gongwen source at all:

    tree/a/*.xml (the eight samples)   tree/a/images/
    tree/a/b/{seed,han-letter,ling-order}.xml   tree/a/b/images/
    tree/c/tongzhi-fujian.xml   tree/c/images/   tree/c/broken.xml   tree/c/notes.xml

and checks: the outputs land at the sources' relative paths; a second build skips everything
and leaves the outputs untouched; only a changed source, a changed seal image or a changed
output is rebuilt; a stylesheet parameter rebuilds all; the broken source is reported with
file:line and exit 1 while the rest are built; shards K/N partition the sources; -j 1 and
-j 2 write the same bytes; png pages; the progress bar on a terminal only; usage errors.
"""
import glob
import os
import pty
import re
import shutil
import subprocess

from tests.lib import GONGWEN, ROOT, tmpdir

SOURCES = os.path.join(ROOT, 'sources')
BROKEN = os.path.join(ROOT, 'tests', 'data', 'bad', 'no-title.xml')
SUMMARY = re.compile(r'^built (\d+), skipped (\d+), failed (\d+) in [\d.]+ s \([\d.]+ documents/s\)$')
SAMPLES = sorted(os.path.basename(p) for p in glob.glob(os.path.join(SOURCES, '*.xml')))
SUB_B = ['seed-wangluo-yishixingtai.xml', 'han-letter.xml', 'ling-order.xml']
SUB_C = ['tongzhi-fujian.xml']


def make_tree():
    """The tree described above, in this test's temp folder; returns its path."""
    tree = os.path.join(tmpdir(), 'tree')
    for folder, names in (('a', SAMPLES), ('a/b', SUB_B), ('c', SUB_C)):
        d = os.path.join(tree, folder)
        os.makedirs(d)
        for n in names:
            shutil.copyfile(os.path.join(SOURCES, n), os.path.join(d, n))
        shutil.copytree(os.path.join(SOURCES, 'images'), os.path.join(d, 'images'))
    shutil.copyfile(BROKEN, os.path.join(tree, 'c', 'broken.xml'))
    with open(os.path.join(tree, 'c', 'notes.xml'), 'w') as f:
        f.write('<?xml version="1.0"?>\n<notes><note>not a gongwen source</note></notes>\n')
    return tree


def good_sources():
    """The relative paths of the sources that render."""
    return sorted(['a/' + n for n in SAMPLES] + ['a/b/' + n for n in SUB_B] +
                  ['c/' + n for n in SUB_C])


def build(tree, out, *args, expect=None):
    """gongwen build TREE -o OUT ARGS; returns (exit status, stdout, stderr, (built, skipped,
    failed)), checking the exit status when expect is given."""
    p = subprocess.run([GONGWEN, 'build', tree, '-o', out] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    out_text = p.stdout.decode('utf-8', 'replace')
    err_text = p.stderr.decode('utf-8', 'replace')
    shown = 'gongwen build %s\nexit %d\n--- stdout:\n%s--- stderr:\n%s' % (
        ' '.join(args), p.returncode, out_text, err_text[-3000:])
    if expect is not None:
        assert p.returncode == expect, 'expected exit %d\n%s' % (expect, shown)
    lines = out_text.splitlines()
    counts = None
    if lines:
        m = SUMMARY.match(lines[-1])
        assert m, 'the last line of stdout is no summary\n' + shown
        counts = tuple(int(g) for g in m.groups())
    return p.returncode, out_text, err_text, counts, shown


def outputs(out):
    """Every file below OUT (relative path → (bytes, mtime_ns, inode)), the manifest aside."""
    files = {}
    for dirpath, dirnames, filenames in os.walk(out):
        for n in filenames:
            path = os.path.join(dirpath, n)
            rel = os.path.relpath(path, out)
            if rel == '.gongwen-build':
                continue
            st = os.stat(path)
            with open(path, 'rb') as f:
                files[rel] = (f.read(), st.st_mtime_ns, st.st_ino)
    return files


def pdf_of(rel):
    return rel[:-4] + '.pdf'


def changed(before, after):
    """The outputs rewritten between two snapshots (new inode, time or bytes)."""
    return sorted(k for k in after if k not in before or after[k] != before[k])


def first_build(args=('-j', '2')):
    tree = make_tree()
    out = os.path.join(tmpdir(), 'out')
    rc, _, err, counts, shown = build(tree, out, *args, expect=1)
    n = len(good_sources())
    assert counts == (n, 0, 1), 'expected built %d, skipped 0, failed 1\n%s' % (n, shown)
    return tree, out


def test_outputs_at_relative_paths():
    tree, out = first_build()
    files = outputs(out)
    expected = sorted(pdf_of(s) for s in good_sources())
    assert sorted(files) == expected, 'outputs %s\nexpected %s' % (sorted(files), expected)
    for rel, (data, _, _) in files.items():
        assert data.startswith(b'%PDF-'), '%s is not a PDF' % rel
    # Nothing for the broken source, nothing for the foreign XML, no temporary file left.
    assert not os.path.exists(os.path.join(out, 'c', 'broken.pdf'))
    assert not os.path.exists(os.path.join(out, 'c', 'notes.pdf'))


def test_broken_source_reported_others_built():
    tree = make_tree()
    out = os.path.join(tmpdir(), 'out')
    rc, stdout, err, counts, shown = build(tree, out, '-j', '2', expect=1)
    assert counts[2] == 1 and counts[0] == len(good_sources()), shown
    broken = os.path.join(tree, 'c', 'broken.xml')
    assert re.search(r'^%s:\d+: error: ' % re.escape(broken), err, re.M), (
        'the failure is not listed as file:line: error\n' + shown)
    assert 'notes.xml' not in err, 'the foreign XML file was taken for a source\n' + shown
    # The list of failures comes at the end of stderr, after a line that counts them.
    assert re.search(r'1 of %d sources failed' % (len(good_sources()) + 1), err), shown
    # Fixed, the source is built and the exit status is 0.
    shutil.copyfile(os.path.join(SOURCES, 'han-letter.xml'), broken)
    rc, _, err, counts, shown = build(tree, out, '-j', '2', expect=0)
    assert counts == (1, len(good_sources()), 0), shown
    assert os.path.exists(os.path.join(out, 'c', 'broken.pdf')), shown


def test_second_build_skips_and_touches_nothing():
    tree, out = first_build()
    before = outputs(out)
    manifest = os.path.join(out, '.gongwen-build')
    m_before = os.stat(manifest).st_mtime_ns
    rc, _, _, counts, shown = build(tree, out, '-j', '2', expect=1)
    assert counts == (0, len(good_sources()), 1), 'expected everything skipped\n' + shown
    after = outputs(out)
    assert changed(before, after) == [], 'rewritten: %s' % changed(before, after)
    assert os.stat(manifest).st_mtime_ns == m_before, 'the manifest was rewritten for nothing'
    # Times are not what decides: a source touched without a change is still up to date.
    for s in good_sources():
        os.utime(os.path.join(tree, s))
    rc, _, _, counts, shown = build(tree, out, '-j', '1', expect=1)
    assert counts == (0, len(good_sources()), 1), 'touch alone rebuilt sources\n' + shown
    assert changed(before, outputs(out)) == []


def test_changed_source_rebuilds_only_it():
    tree, out = first_build()
    before = outputs(out)
    src = os.path.join(tree, 'a', 'b', 'ling-order.xml')
    with open(src, encoding='utf-8') as f:
        text = f.read()
    assert '<p>《示例市' in text
    with open(src, 'w', encoding='utf-8') as f:
        f.write(text.replace('<p>《示例市', '<p>《修订示例市', 1))
    rc, _, _, counts, shown = build(tree, out, '-j', '2', expect=1)
    assert counts == (1, len(good_sources()) - 1, 1), shown
    assert changed(before, outputs(out)) == ['a/b/ling-order.pdf'], changed(before, outputs(out))
    assert outputs(out)['a/b/ling-order.pdf'][0] != before['a/b/ling-order.pdf'][0], (
        'the rebuilt PDF has the old bytes')


def test_changed_or_missing_output_rebuilt():
    tree, out = first_build()
    victim = os.path.join(out, 'a', 'han-letter.pdf')
    with open(victim, 'ab') as f:
        f.write(b'\n% edited\n')
    os.remove(os.path.join(out, 'a', 'b', 'seed-wangluo-yishixingtai.pdf'))
    before = outputs(out)
    rc, _, _, counts, shown = build(tree, out, '-j', '2', expect=1)
    assert counts == (2, len(good_sources()) - 2, 1), shown
    assert changed(before, outputs(out)) == ['a/b/seed-wangluo-yishixingtai.pdf',
                                             'a/han-letter.pdf'], changed(before, outputs(out))
    assert not outputs(out)['a/han-letter.pdf'][0].endswith(b'% edited\n')


def test_parameter_rebuilds_all():
    tree, out = first_build()
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-p', 'mark-size=40pt', expect=1)
    assert counts == (len(good_sources()), 0, 1), 'a new parameter did not rebuild all\n' + shown
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-p', 'mark-size=40pt', expect=1)
    assert counts == (0, len(good_sources()), 1), shown
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-p', 'mark-size=41pt', expect=1)
    assert counts == (len(good_sources()), 0, 1), 'a new value did not rebuild all\n' + shown


def test_changed_seal_rebuilds_its_users():
    tree, out = first_build()
    before = outputs(out)
    seal = os.path.join(tree, 'a', 'images', 'seal.svg')
    with open(seal, encoding='utf-8') as f:
        svg = f.read()
    with open(seal, 'w', encoding='utf-8') as f:
        f.write(svg.replace('</svg>', '<circle cx="1" cy="1" r="1" fill="red"/></svg>'))
    users = sorted(pdf_of('a/' + n) for n in SAMPLES
                   if 'images/seal.svg' in open(os.path.join(SOURCES, n), encoding='utf-8').read())
    assert users, 'no sample uses images/seal.svg'
    rc, _, _, counts, shown = build(tree, out, '-j', '2', expect=1)
    assert counts[0] == len(users), 'expected %d rebuilt (%s)\n%s' % (len(users), users, shown)
    assert changed(before, outputs(out)) == users, changed(before, outputs(out))


def test_shards_partition_the_sources():
    tree = make_tree()
    everything = set(pdf_of(s) for s in good_sources())
    seen = []
    shared = os.path.join(tmpdir(), 'shared')
    for k in (1, 2):
        out = os.path.join(tmpdir(), 'shard%d' % k)
        rc, _, _, counts, shown = build(tree, out, '-j', '2', '--shard', '%d/2' % k)
        assert rc in (0, 1), shown
        seen.append(set(outputs(out)))
        # The same shards into one output folder: the manifest keeps both halves.
        build(tree, shared, '-j', '2', '--shard', '%d/2' % k)
    assert seen[0] and seen[1], 'a shard is empty: %s' % seen
    assert not seen[0] & seen[1], 'in both shards: %s' % sorted(seen[0] & seen[1])
    assert seen[0] | seen[1] == everything, 'in no shard: %s' % sorted(everything - seen[0] - seen[1])
    rc, _, _, counts, shown = build(tree, shared, '-j', '2', expect=1)
    assert counts == (0, len(good_sources()), 1), 'shards sharing a folder lost entries\n' + shown


def test_jobs_give_identical_outputs():
    tree = make_tree()
    one, two = os.path.join(tmpdir(), 'one'), os.path.join(tmpdir(), 'two')
    build(tree, one, '-j', '1', expect=1)
    build(tree, two, '-j', '2', expect=1)
    a, b = outputs(one), outputs(two)
    assert sorted(a) == sorted(b), 'different files: %s' % sorted(set(a) ^ set(b))
    differ = [k for k in a if a[k][0] != b[k][0]]
    assert not differ, '-j 1 and -j 2 differ in %s' % differ
    # And both are what `gongwen render` writes for one source.
    single = os.path.join(tmpdir(), 'single.pdf')
    subprocess.run([GONGWEN, 'render', os.path.join(tree, 'a', 'b', 'han-letter.xml'), '-o', single],
                   check=True, timeout=300)
    with open(single, 'rb') as f:
        assert f.read() == a['a/b/han-letter.pdf'][0], 'build and render differ'


def test_png_pages():
    tree = make_tree()
    out = os.path.join(tmpdir(), 'png')
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-f', 'png', '--dpi', '20', expect=1)
    files = outputs(out)
    for s in good_sources():
        stem = s[:-4]
        pages = [k for k in files if re.fullmatch(re.escape(stem) + r'-\d+\.png', k)]
        assert pages, 'no pages for %s\n%s' % (s, shown)
        assert stem + '-1.png' in pages
        for k in pages:
            assert files[k][0].startswith(b'\x89PNG'), k
    assert not [k for k in files if not k.endswith('.png')], sorted(files)
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-f', 'png', '--dpi', '20', expect=1)
    assert counts == (0, len(good_sources()), 1), shown
    # A page removed by hand (the last one) brings its document back.
    seed_pages = sorted(k for k in files if k.startswith('a/seed-wangluo-yishixingtai-'))
    assert len(seed_pages) > 2, seed_pages
    os.remove(os.path.join(out, 'a', 'seed-wangluo-yishixingtai-%d.png' % len(seed_pages)))
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-f', 'png', '--dpi', '20', expect=1)
    assert counts == (1, len(good_sources()) - 1, 1), shown
    assert sorted(k for k in outputs(out) if k.startswith('a/seed-wangluo-yishixingtai-')) == seed_pages
    # A document that shrinks to one page leaves no stale pages behind.
    shutil.copyfile(os.path.join(SOURCES, 'han-letter.xml'),
                    os.path.join(tree, 'a', 'seed-wangluo-yishixingtai.xml'))
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-f', 'png', '--dpi', '20', expect=1)
    assert counts == (1, len(good_sources()) - 1, 1), shown
    left = sorted(k for k in outputs(out) if k.startswith('a/seed-wangluo-yishixingtai-'))
    assert left == ['a/seed-wangluo-yishixingtai-1.png'], 'stale pages: %s' % left
    # Another resolution rebuilds all.
    rc, _, _, counts, shown = build(tree, out, '-j', '2', '-f', 'png', '--dpi', '21', expect=1)
    assert counts == (len(good_sources()), 0, 1), shown


def _run_on_terminal(argv):
    """Runs argv with stderr on a pseudo-terminal; returns (exit status, what it wrote there)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    data = b''
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return p.wait(timeout=300), data.decode('utf-8', 'replace')


def test_progress_bar_on_terminal_only():
    tree = make_tree()
    os.remove(os.path.join(tree, 'c', 'broken.xml'))
    n = len(good_sources())
    rc, tty = _run_on_terminal([GONGWEN, 'build', tree, '-o', os.path.join(tmpdir(), 'o1'), '-j', '2'])
    assert rc == 0, tty
    assert re.search(r'\r\[=+\] %d/%d' % (n, n), tty), 'no full progress bar:\n%r' % tty[-500:]
    assert re.search(r'\r\[=*>? *\] 0/%d' % n, tty), 'no empty progress bar:\n%r' % tty[:500]
    rc, _, err, counts, shown = build(tree, os.path.join(tmpdir(), 'o2'), '-j', '2', expect=0)
    assert err == '', 'not a terminal, yet stderr holds\n' + shown


def test_usage_errors():
    tree = make_tree()
    out = os.path.join(tmpdir(), 'out')
    for args in (['build'], ['build', tree, tree], ['build', tree, '-j', '0'],
                 ['build', tree, '-j', 'x'], ['build', tree, '--shard', '3/2'],
                 ['build', tree, '--shard', '0/2'], ['build', tree, '--shard', '1'],
                 ['render', os.path.join(tree, 'a', 'han-letter.xml'), '-j', '2']):
        p = subprocess.run([GONGWEN] + args + ['-o', out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        assert p.returncode == 2, 'gongwen %s: exit %d, expected 2\n%s' % (
            ' '.join(args), p.returncode, p.stderr.decode())
        assert p.stdout == b'' and p.stderr, ' '.join(args)
        assert not os.path.exists(out), 'gongwen %s made the output folder' % ' '.join(args)
    p = subprocess.run([GONGWEN, 'build', os.path.join(tree, 'missing'), '-o', out],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 1 and b'missing' in p.stderr, p.stderr.decode()


def test_a_folder_of_failures_leaves_no_empty_folder_and_its_neighbours_build():
    # Workers used to remove a failed output's folders themselves, racing a worker about to
    # write into the same folder ("cannot create a file beside it"); the folders are removed,
    # while empty, once all are done.
    tree = os.path.join(tmpdir(), 'tree')
    os.makedirs(os.path.join(tree, 'only-broken'))
    os.makedirs(os.path.join(tree, 'mixed', 'images'))
    shutil.copyfile(BROKEN, os.path.join(tree, 'only-broken', 'broken.xml'))
    for i in range(6):
        shutil.copyfile(BROKEN, os.path.join(tree, 'mixed', 'broken%d.xml' % i))
        shutil.copyfile(os.path.join(SOURCES, 'lianhe-tongzhi.xml'),
                        os.path.join(tree, 'mixed', 'good%d.xml' % i))
    out = os.path.join(tmpdir(), 'out')
    for _ in range(3):
        shutil.rmtree(out, ignore_errors=True)
        r = subprocess.run([GONGWEN, 'build', tree, '-o', out, '-j', '2'], capture_output=True,
                           text=True)
        assert r.returncode == 1, r.stderr
        assert 'cannot create' not in r.stderr, r.stderr
        assert not os.path.exists(os.path.join(out, 'only-broken')), 'an empty folder was left'
        assert sorted(f for f in os.listdir(os.path.join(out, 'mixed')) if f.endswith('.pdf')) == \
            ['good%d.pdf' % i for i in range(6)]


def test_ctrl_c_to_the_process_group_leaves_no_half_written_file():
    # Ctrl-C in a terminal reaches the workers too: they finish the source they have, and the
    # parent hands out no more; nothing half-written is left behind.
    import signal
    import time
    tree = os.path.join(tmpdir(), 'tree')
    os.makedirs(tree)
    for i in range(60):
        shutil.copyfile(os.path.join(SOURCES, 'lianhe-tongzhi.xml'), os.path.join(tree, 'd%02d.xml' % i))
    out = os.path.join(tmpdir(), 'out')
    p = subprocess.Popen([GONGWEN, 'build', tree, '-o', out, '-j', '2'], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (os.path.isdir(out) and
                                               any(f.endswith('.pdf') for f in os.listdir(out))):
        time.sleep(0.01)
    os.killpg(p.pid, signal.SIGINT)
    p.communicate(timeout=60)
    left = [f for f in os.listdir(out) if f.startswith('.') and f != '.gongwen-build']
    assert not left, 'half-written files left: %s' % left
    done = [f for f in os.listdir(out) if f.endswith('.pdf')]
    assert 0 < len(done) < 60, 'the build was not interrupted (%d built)' % len(done)
    for f in done:
        with open(os.path.join(out, f), 'rb') as fh:
            assert fh.read()[-6:].strip().endswith(b'%%EOF'), f

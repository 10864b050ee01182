"""The fuzz targets' entry points (fuzz/*.c), built by `make check` with gcc's sanitizers,
replayed on the seed corpus and on every input `make fuzz` ever saved in fuzz/regressions/."""
import os
import subprocess

from tests.lib import ROOT

SUPP = os.path.join(ROOT, 'tests', 'sanitizers.supp')


def replay(target, *inputs):
    exe = os.path.join(ROOT, 'build', 'fuzz', 'replay_' + target)
    assert os.path.exists(exe), '%s is missing: run `make check`' % exe
    env = dict(os.environ, LSAN_OPTIONS='suppressions=' + SUPP,
               UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1')
    r = subprocess.run([exe, *[os.path.join(ROOT, i) for i in inputs]], capture_output=True,
                       text=True, env=env, timeout=600)
    bad = [l for l in r.stderr.splitlines() if 'Sanitizer' in l or 'runtime error' in l]
    assert r.returncode == 0 and not bad, r.stderr[-3000:]
    assert r.stdout.startswith('replayed '), r.stdout


def test_replay_source_corpus_and_regressions():
    replay('source', 'sources', 'tests/data', 'tests/data/bad', 'fuzz/regressions/source')


def test_replay_linebreak_regressions():
    replay('linebreak', 'fuzz/regressions/linebreak')


def test_replay_import_corpus_and_regressions():
    """Every text the importer accepts gives a source the schema and stylesheets take."""
    inputs = ['tests/data/import', 'fuzz/regressions/import']
    for extra in ('../shared/corpus', '../shared/seeds'):
        if os.path.isdir(os.path.join(ROOT, extra)):
            inputs.append(extra)
    replay('import', *inputs)

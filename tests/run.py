#!/usr/bin/env python3
"""Test runner for gongwen (what `make check` calls). Standard library only.

    python3 tests/run.py [-k PATTERN] [FILES...]

Runs every top-level function named test_* of tests/test_*.py (or of FILES;
FILE::NAME picks one test), in file order, followed by the (name, callable)
pairs of a module-level TESTS list (parametrised cases). Each test runs on its
own: an exception fails it, tests.lib.Skip("why") skips it. -k keeps the tests
whose "file.py::name" contains PATTERN (shell wildcards allowed).

Prints `ok   file.py::name`, `FAIL file.py::name: message` (plus a short
traceback) or `skip file.py::name: why` per test, then `N passed, N failed`
(`, N skipped` when any). Exit status 1 if a test failed or none passed.

Environment for tests: GONGWEN (binary, default ./gongwen), OUT (default out/),
both made absolute relative to the repository root, which is also the working
directory of every test; tests.lib.tmpdir() gives a per-test temp directory.
TEST_TIMEOUT (seconds, default 600) bounds each test.
"""
import argparse
import fnmatch
import glob
import importlib
import importlib.util
import inspect
import os
import shutil
import signal
import sys
import traceback
import types

RUNNER = os.path.abspath(__file__)
HERE = os.path.dirname(RUNNER)
ROOT = os.path.dirname(HERE)


class Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise Timeout('test exceeded TEST_TIMEOUT')


def collect(mod):
    """(name, callable) pairs of a test module, in definition order."""
    tests = [(n, f) for n, f in vars(mod).items()
             if n.startswith('test_') and inspect.isfunction(f) and f.__module__ == mod.__name__]
    tests += [(str(n), f) for n, f in getattr(mod, 'TESTS', [])]
    return tests


def load(path):
    """Import a test file as tests.<stem> (it may live outside tests/)."""
    name = 'tests.' + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError('not a Python file: %s' % path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def brief_traceback(exc):
    """The last few frames outside the runner and importlib, indented."""
    tb = [f for f in traceback.extract_tb(exc.__traceback__)
          if os.path.abspath(f.filename) != RUNNER and not f.filename.startswith('<frozen')]
    lines = traceback.format_list(tb[-4:])
    return ''.join('    ' + l for chunk in lines for l in chunk.splitlines(True))


def message(exc):
    """One-line-first description: the assertion text, else 'Type: text' (or the failing line)."""
    text = str(exc).strip()
    if not text:
        tb = traceback.extract_tb(exc.__traceback__)
        text = (tb[-1].line or '') if tb else ''
    if not (isinstance(exc, AssertionError) and str(exc).strip()):
        text = '%s: %s' % (type(exc).__name__, text) if text else type(exc).__name__
    return text.replace('\n', '\n    ')


def run_one(label, func, lib, timeout):
    """Run one test; return 'ok', 'skip' or 'fail'."""
    lib._current.update(name=label.replace('.py::', '-'), dir=None)
    old_alarm = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    outcome, exc = 'ok', None
    try:
        func()
    except lib.Skip as e:
        outcome, exc = 'skip', e
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: B902 - any error (SystemExit too) fails the test
        outcome, exc = 'fail', e
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old_alarm)
        os.chdir(ROOT)
    tmp = lib._current['dir']
    if outcome == 'ok':
        print('ok   %s' % label)
    elif outcome == 'skip':
        print('skip %s: %s' % (label, str(exc) or 'skipped'))
    else:
        print('FAIL %s: %s' % (label, message(exc)))
        print(brief_traceback(exc), end='')
        if tmp:
            print('    (temp dir kept: %s)' % tmp)
    if tmp and outcome != 'fail':
        shutil.rmtree(tmp, ignore_errors=True)
    sys.stdout.flush()
    return outcome


def main(argv=None):
    ap = argparse.ArgumentParser(description='gongwen test runner')
    ap.add_argument('-k', dest='pattern', help='run tests whose "file.py::name" matches')
    ap.add_argument('files', nargs='*', help='test files (FILE or FILE::NAME)')
    args = ap.parse_args(argv)

    os.chdir(ROOT)
    os.environ['GONGWEN'] = os.path.abspath(os.environ.get('GONGWEN', 'gongwen'))
    os.environ['OUT'] = os.path.abspath(os.environ.get('OUT', 'out'))
    # Make "tests" a package rooted here, whatever else is on sys.path.
    sys.path.insert(0, ROOT)
    pkg = types.ModuleType('tests')
    pkg.__path__ = [HERE]
    sys.modules['tests'] = pkg
    lib = importlib.import_module('tests.lib')
    timeout = int(os.environ.get('TEST_TIMEOUT', '600'))

    selection = []  # (path, only-name or None)
    for spec in args.files or sorted(glob.glob(os.path.join(HERE, 'test_*.py'))):
        path, _, name = spec.partition('::')
        if not os.path.exists(path) and os.path.exists(os.path.join(HERE, path)):
            path = os.path.join(HERE, path)
        selection.append((os.path.abspath(path), name or None))

    counts = {'ok': 0, 'fail': 0, 'skip': 0}
    for path, only in selection:
        fname = os.path.basename(path)
        try:
            mod = load(path)
            tests = collect(mod)
        except Exception as e:
            print('FAIL %s::<import>: %s' % (fname, message(e)))
            print(brief_traceback(e), end='')
            counts['fail'] += 1
            continue
        for name, func in tests:
            label = '%s::%s' % (fname, name)
            if only and name != only:
                continue
            if args.pattern and args.pattern not in label and not fnmatch.fnmatch(label, args.pattern):
                continue
            counts[run_one(label, func, lib, timeout)] += 1

    line = '%d passed, %d failed' % (counts['ok'], counts['fail'])
    if counts['skip']:
        line += ', %d skipped' % counts['skip']
    print(line)
    return 1 if counts['fail'] or not counts['ok'] else 0


if __name__ == '__main__':
    sys.exit(main())

"""Shared helpers for the gongwen test suite (python3 standard library only).

    from tests.lib import Skip, ROOT, GONGWEN, OUT, tmpdir
    from tests.lib import pdfprobe as pp

ROOT     repository root (absolute path).
GONGWEN  the binary under test: $GONGWEN, default ROOT/gongwen.
OUT      output directory: $OUT, default ROOT/out/.
Skip     raise Skip("why") inside a test to report it as skipped.
tmpdir() a fresh directory private to the running test; tests/run.py removes
         it after a passing test and keeps it (and prints it) after a failure.
module_tmpdir(name)
         one directory for a whole test module's cached renders, removed at exit.
"""
import atexit
import os
import re
import shutil
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GONGWEN = os.path.join(ROOT, os.environ.get('GONGWEN', 'gongwen'))
OUT = os.path.join(ROOT, os.environ.get('OUT', 'out'))


class Skip(Exception):
    """Raise to mark the running test as skipped; the message says why."""


_current = {'name': 'test', 'dir': None}


def tmpdir():
    """Return the running test's private temporary directory (created on first use)."""
    if _current['dir'] is None:
        tag = re.sub(r'[^A-Za-z0-9_.-]+', '_', _current['name'])[:60]
        _current['dir'] = tempfile.mkdtemp(prefix='gongwen-%s-' % tag)
    return _current['dir']


_module_dirs = {}


def module_tmpdir(name):
    """One directory per test module (by name), shared by its tests' cached renders."""
    if name not in _module_dirs:
        d = tempfile.mkdtemp(prefix='gongwen-%s-' % name)
        atexit.register(shutil.rmtree, d, True)
        _module_dirs[name] = d
    return _module_dirs[name]

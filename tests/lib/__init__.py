"""Shared helpers for the gongwen test suite (python3 standard library only).

    from tests.lib import Skip, ROOT, GONGWEN, OUT, tmpdir
    from tests.lib import pdfprobe as pp

ROOT     repository root (absolute path).
GONGWEN  the binary under test: $GONGWEN, default ROOT/gongwen.
OUT      output directory: $OUT, default ROOT/out/.
Skip     raise Skip("why") inside a test to report it as skipped.
tmpdir() a fresh directory private to the running test; tests/run.py removes
         it after a passing test and keeps it (and prints it) after a failure.
"""
import os
import re
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

"""C unit tests (tests/unit/*.c), built by `make check` with ASan and UBSan."""
import os
import subprocess

from tests.lib import ROOT


def test_linebreak_unit():
    exe = os.path.join(ROOT, "build", "unit_linebreak")
    env = dict(os.environ, UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
    r = subprocess.run([str(exe)], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr
    assert "runtime error" not in r.stderr, r.stderr

"""C unit tests (tests/unit/*.c), built by `make check` with ASan and UBSan."""
import os
import subprocess

from tests.lib import ROOT


def test_linebreak_unit():
    exe = os.path.join(ROOT, "build", "unit_linebreak")
    r = subprocess.run([str(exe)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr

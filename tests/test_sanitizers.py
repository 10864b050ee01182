"""The program under AddressSanitizer + UndefinedBehaviorSanitizer (build/gongwen-asan, built by
`make check`) and under valgrind: no memory error, no undefined behaviour, no leak of our own.
Libraries' process-lifetime caches (cairo, fontconfig) are suppressed in tests/sanitizers.supp."""
import os
import shutil
import subprocess

from tests.lib import ROOT, Skip, tmpdir

ASAN = os.path.join(ROOT, "build", "gongwen-asan")
SEED = os.path.join(ROOT, "sources", "seed-wangluo-yishixingtai.xml")
SUPP = os.path.join(ROOT, "tests", "sanitizers.supp")


def _env():
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:exitcode=90"
    env["LSAN_OPTIONS"] = "suppressions=" + SUPP
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=91"
    return env


def _asan(*args, expect=0):
    if not os.path.exists(ASAN):
        raise AssertionError("build/gongwen-asan is missing: run `make check`")
    r = subprocess.run([ASAN, *args], capture_output=True, text=True, env=_env(), cwd=ROOT)
    bad = [l for l in r.stderr.splitlines()
           if "Sanitizer" in l or "runtime error" in l or "LeakSanitizer" in l]
    assert not bad, "sanitizer report for %s:\n%s" % (" ".join(args), r.stderr[-3000:])
    assert r.returncode == expect, "exit %d (expected %d) for %s:\n%s" % (
        r.returncode, expect, " ".join(args), r.stderr[-2000:])
    return r


def test_asan_render_pdf():
    _asan("render", SEED, "-o", os.path.join(tmpdir(), "seed.pdf"))


def test_asan_render_every_sample():
    d = tmpdir()
    for name in sorted(os.listdir(os.path.join(ROOT, "sources"))):
        if name.endswith(".xml"):
            _asan("render", os.path.join(ROOT, "sources", name), "-o", os.path.join(d, name + ".pdf"))


def test_asan_render_png_svg_trace():
    d = tmpdir()
    _asan("render", SEED, "-f", "png", "--dpi", "30", "-o", os.path.join(d, "p.png"))
    _asan("render", SEED, "-f", "svg", "-o", os.path.join(d, "p.svg"))
    _asan("render", SEED, "-f", "trace", "-o", os.path.join(d, "t.trace"))


def test_asan_layout_and_validate():
    _asan("layout", SEED, "-o", os.path.join(tmpdir(), "l.xml"))
    _asan("validate", SEED)


def test_asan_bad_inputs():
    d = tmpdir()
    bad = os.path.join(d, "bad.xml")
    with open(bad, "w") as f:
        f.write('<?xml version="1.0"?>\n<document xmlns="urn:gongwen:source:1" kind="x">\n<head>\n')
    _asan("render", bad, "-o", os.path.join(d, "bad.pdf"), expect=1)
    invalid = os.path.join(d, "invalid.xml")
    with open(invalid, "w") as f:
        f.write('<?xml version="1.0"?>\n<document xmlns="urn:gongwen:source:1" kind="x">'
                '<head><organ>x</organ></head><nonsense/></document>\n')
    _asan("render", invalid, "-o", os.path.join(d, "bad.pdf"), expect=1)
    _asan("render", os.path.join(d, "missing.xml"), "-o", os.path.join(d, "m.pdf"), expect=1)
    _asan("render", expect=2)


def test_valgrind_render():
    if not shutil.which("valgrind"):
        raise Skip("valgrind is not installed")
    d = tmpdir()
    r = subprocess.run(
        ["valgrind", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
         "--show-leak-kinds=definite", "-q",
         os.path.join(ROOT, "gongwen"), "render", SEED, "-o", os.path.join(d, "seed.pdf")],
        capture_output=True, text=True, cwd=ROOT)
    # Definite leaks inside cairo's and fontconfig's own caches are theirs, not ours.
    ours = [b for b in r.stderr.split("\n\n") if "definitely lost" in b
            and "libcairo" not in b and "libfontconfig" not in b]
    errors = [l for l in r.stderr.splitlines() if "Invalid " in l or "uninitialised" in l]
    assert not errors and not ours, r.stderr[-4000:]
    assert r.returncode in (0, 99), r.stderr[-2000:]


def test_asan_import_and_lint():
    """Every text of tests/data/import imported and linted (with --fix), and the refusals."""
    d = tmpdir()
    texts = os.path.join(ROOT, "tests", "data", "import")
    for name in sorted(os.listdir(texts)):
        path = os.path.join(texts, name)
        _asan("import", path, "-o", os.path.join(d, name + ".xml"), "--report")
        r = subprocess.run([ASAN, "lint", path], capture_output=True, env=_env(), cwd=ROOT)
        _asan("lint", path, "--fix", "-o", os.path.join(d, name + ".fixed"),
              expect=r.returncode)
        _asan("lint", os.path.join(d, name + ".xml"))  # what import writes lints clean
    binary = os.path.join(d, "binary.txt")
    with open(binary, "wb") as f:
        f.write(b"\x00\x01garbage\xff")
    _asan("import", binary, "-o", os.path.join(d, "b.xml"), expect=1)


def test_valgrind_import_and_lint():
    if not shutil.which("valgrind"):
        raise Skip("valgrind is not installed")
    d = tmpdir()
    text = os.path.join(ROOT, "tests", "data", "import", "regulation-faults.txt")
    for args in (["import", text, "-o", os.path.join(d, "r.xml")],
                 ["lint", text, "--fix", "-o", os.path.join(d, "r.txt")]):
        r = subprocess.run(
            ["valgrind", "--error-exitcode=99", "--leak-check=full",
             "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite", "-q",
             os.path.join(ROOT, "gongwen")] + args, capture_output=True, text=True, cwd=ROOT)
        errors = [l for l in r.stderr.splitlines()
                  if "Invalid " in l or "uninitialised" in l or "definitely lost" in l]
        assert not errors and r.returncode != 99, r.stderr[-4000:]

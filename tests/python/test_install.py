"""The installed binding finds the installed library with no environment variable: the
library built here, `meson install`ed (runtime files) into a fresh venv's prefix, and the
package pip-installed there (offline, non-editable, from a copy of bindings/python alone);
then the venv's python, in a clean environment (no VSAMPLE_LIBRARY, PYTHONPATH or
LD_LIBRARY_PATH) outside the source tree, imports vsample from the venv, loads libvsample
from sys.prefix/<libdir> and loads samples/sample.mp4.
Run by tests/python/meson.build with VSAMPLE_BUILD (the build tree), VSAMPLE_TESTS,
VSAMPLE_PREFIX/VSAMPLE_LIBDIR (the build's prefix and libdir) and VSAMPLE_VERSION.
Exits 77 (skip) without venv, pip, setuptools, numpy or the meson command."""
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

SKIP = 77


def skip(why):
    print("SKIP: " + why, file=sys.stderr)
    sys.exit(SKIP)


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)
    if p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} -> exit {p.returncode}:\n{p.stdout}{p.stderr}")
    return p


for name, why in (("venv", "no venv module"), ("setuptools", "no setuptools"), ("numpy", "no numpy")):
    try:
        __import__(name)
    except ImportError:
        skip(why)
build = os.environ.get("VSAMPLE_BUILD", "")
meson = os.environ.get("MESON") or shutil.which("meson")
if not build or not meson:
    skip("VSAMPLE_BUILD or the meson command is missing (run through meson test)")
tests = os.environ["VSAMPLE_TESTS"]
root = os.path.dirname(tests)
sample = os.path.join(root, "samples", "sample.mp4")
prefix = os.environ["VSAMPLE_PREFIX"]
libdir = os.path.relpath(os.path.join(prefix, os.environ["VSAMPLE_LIBDIR"]), prefix)
multiarch = sysconfig.get_config_var("MULTIARCH")
looked = (["lib/" + multiarch] if multiarch else []) + ["lib64", "lib"]
if libdir not in looked:
    skip(f"libdir {libdir} is not one of sys.prefix's dirs the binding looks in ({', '.join(looked)})")

with tempfile.TemporaryDirectory(prefix="vsample-install-") as tmp:
    venv = os.path.join(tmp, "venv")
    # --without-pip: the system's pip (python3-pip) is visible through the system site-packages.
    run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv])
    py = os.path.join(venv, "bin", "python")
    if subprocess.run([py, "-m", "pip", "--version"], capture_output=True).returncode != 0:
        skip("no pip for " + sys.executable)

    # The library as `meson install --prefix <venv>` lays it out: its runtime files under
    # <destdir><prefix>/<libdir>, moved to <venv>/<libdir>.
    dest = os.path.join(tmp, "dest")
    run([meson, "install", "-C", build, "--no-rebuild", "--quiet", "--tags", "runtime", "--destdir", dest])
    installed = os.path.join(dest + prefix, libdir)
    if not os.path.exists(os.path.join(installed, "libvsample.so.0")):
        raise AssertionError(f"meson install left no libvsample.so.0 in {installed}: {os.listdir(dest)}")
    shutil.copytree(installed, os.path.join(venv, libdir), symlinks=True, dirs_exist_ok=True)

    # The package from bindings/python alone (a copy: the build writes build/ and egg-info there).
    src = os.path.join(tmp, "python")
    shutil.copytree(os.path.join(root, "bindings", "python"), src,
                    ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("VSAMPLE_", "PYTHON", "PIP_")) and k != "LD_LIBRARY_PATH"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run([py, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", "--no-build-isolation",
         "--no-cache-dir", "--disable-pip-version-check", "--root-user-action=ignore", src], env=env, cwd=tmp)

    check = f"""
import importlib.metadata, os, sys
import vsample
venv = os.path.realpath({venv!r})
file = os.path.realpath(vsample.__file__)
assert file.startswith(venv + os.sep), f"vsample imported from {{file}}, not the venv"
lib = vsample.library_path()
assert lib == os.path.join(sys.prefix, {libdir!r}, "libvsample.so.0"), f"library loaded from {{lib}}"
assert vsample.version() == {os.environ["VSAMPLE_VERSION"]!r}, vsample.version()
assert importlib.metadata.version("vsample") == vsample.version(), importlib.metadata.version("vsample")
pixels, pts, target = vsample.load({sample!r}, strategy="uniform:4")
assert pixels.shape == (4, 3, 384, 384) and str(pixels.dtype) == "float16", (pixels.shape, pixels.dtype)
assert pts.shape == (4,) and target.shape == (4,), (pts.shape, target.shape)
print("ok", file, lib)
"""
    out = run([py, "-c", check], env=env, cwd=tmp).stdout
    print(out.strip())

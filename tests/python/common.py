"""Shared by the binding's tests: the binding itself (PYTHONPATH and VSAMPLE_LIBRARY set
by tests/python/meson.build), the CLI as the reference, tests/st_reader.py as the
independent shard reader, and small videos made at test time by the ffmpeg CLI.
Each test exits 77 (skip) without numpy, the CLI or the ffmpeg CLI."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
try:
    import numpy as np  # noqa: F401
except ImportError:
    print("SKIP: no numpy in this python", file=sys.stderr)
    sys.exit(SKIP)

BIN = os.environ.get("VSAMPLE_BIN", "")
TESTS = os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOT = os.path.dirname(TESTS)
SAMPLE = os.path.join(ROOT, "samples", "sample.mp4")
sys.path.insert(0, TESTS)
import st_reader  # noqa: E402,F401

if not os.environ.get("VSAMPLE_LIBRARY"):
    print("SKIP: VSAMPLE_LIBRARY is not set (run through meson test)", file=sys.stderr)
    sys.exit(SKIP)
import vsample  # noqa: E402,F401


def require_cli():
    if not BIN or not os.access(BIN, os.X_OK):
        print(f"SKIP: VSAMPLE_BIN {BIN!r} is not an executable", file=sys.stderr)
        sys.exit(SKIP)


def require_ffmpeg():
    if not shutil.which("ffmpeg"):
        print("SKIP: no ffmpeg CLI", file=sys.stderr)
        sys.exit(SKIP)


def cli(args, timeout=120):
    """`vsample ARGS` -> CompletedProcess (text)."""
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def cli_ok(args, timeout=120):
    p = cli(args, timeout)
    if p.returncode != 0:
        raise AssertionError(f"vsample {' '.join(args)} -> exit {p.returncode}: {p.stderr.strip()}")
    return p


def cli_json(args):
    return json.loads(cli_ok(args).stdout)


def make_video(path, size="96x64", rate=10, seconds=2, extra=(), rotate=None):
    """A small H.264 video (testsrc2, B-frames, a keyframe every 8 frames) at path; rotate
    sets the display rotation (by a stream-copy remux: FFmpeg 5.1 drops the tag when encoding)."""
    encoded = path + ".enc.mp4" if rotate is not None else path
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size={size}:rate={rate}:duration={seconds}", "-c:v", "libx264",
                    "-preset", "ultrafast", "-g", "8", "-bf", "2", "-pix_fmt", "yuv420p", *extra, encoded],
                   check=True, timeout=60)
    if rotate is not None:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", encoded, "-c", "copy", "-metadata:s:v:0",
                        f"rotate={rotate}", path], check=True, timeout=60)
        os.remove(encoded)
    return path


def tempdir():
    return tempfile.TemporaryDirectory(prefix="vsample-py-")


def expect(cond, msg):
    if not cond:
        raise AssertionError(msg)


def expect_error(fn, code, *needles):
    """fn() must raise vsample.Error with this code and a message holding every needle."""
    try:
        fn()
    except vsample.Error as e:
        expect(e.code == code, f"expected code {code}, got {e.code} ({e})")
        for n in needles:
            expect(n in e.message, f"message {e.message!r} does not name {n!r}")
        expect(str(e) == e.message and "\n" not in e.message, f"message is not one line: {e.message!r}")
        return e
    raise AssertionError(f"no vsample.Error raised (expected code {code})")

"""Running the vsample CLI from the fetch tests: where it is, and its three subcommands."""
import json
import os
import subprocess
import sys

SKIP = 77
BIN = os.environ.get("VSAMPLE_BIN", "")
TESTS = os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TESTS)  # st_reader


def require():
    """Exit 77 (skip) when the CLI was not built; numpy and ffmpeg are checked by the importers."""
    if not BIN or not os.access(BIN, os.X_OK):
        print(f"SKIP: VSAMPLE_BIN {BIN!r} is not an executable", file=sys.stderr)
        sys.exit(SKIP)


class CliError(AssertionError):
    pass


def run(args, timeout=60, env_extra=None):
    """Run `vsample ARGS` (env_extra: variables added to the environment); returns the
    CompletedProcess (text)."""
    env = dict(os.environ, **env_extra) if env_extra else None
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=env)


def ok(args, timeout=60):
    p = run(args, timeout)
    if p.returncode != 0:
        raise CliError(f"vsample {' '.join(args)} -> exit {p.returncode}: {p.stderr.strip()}")
    return p


def info(video):
    return json.loads(ok(["info", video, "--json"]).stdout)


def plan(video, strategy, extra=()):
    return json.loads(ok(["plan", video, "--strategy", strategy, *extra, "--json"]).stdout)


def extract(video, outdir, strategy, extra=()):
    """Extract one video as 64x64 squash bicubic u8 THWC; returns the sample's tensors."""
    import st_reader

    ok(["extract", video, "-o", outdir, "--strategy", strategy, "--size", "64x64",
        "--resize", "squash", "--filter", "bicubic", "--dtype", "u8", "--layout", "thwc",
        "--quiet", *extra], timeout=120)
    key = os.path.splitext(os.path.basename(video))[0]
    return st_reader.read_sample(outdir, key)

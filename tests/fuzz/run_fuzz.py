#!/usr/bin/env python3
"""One fuzz target in CI: its replay program over the seed corpus (made once per
build directory by make_seeds.py) and its checked-in regressions; then, when the
libFuzzer build is there, a fixed number of libFuzzer runs from the seeds.

usage: run_fuzz.py TARGET SEEDS_DIR REGRESSIONS_DIR REPLAY [--libfuzzer BIN --runs N]
"""
import argparse
import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_seeds(seeds):
    """Make the seeds once: several tests may ask at the same time."""
    os.makedirs(seeds, exist_ok=True)
    with open(os.path.join(HERE, "make_seeds.py"), "rb") as f:
        stamp_text = hashlib.sha1(f.read()).hexdigest()
    stamp = os.path.join(seeds, ".stamp")
    with open(os.path.join(seeds, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(stamp) and open(stamp).read() == stamp_text:
            return
        cmd = [sys.executable, os.path.join(HERE, "make_seeds.py"), seeds]
        vsample = os.environ.get("VSAMPLE_BIN")
        if vsample and os.access(vsample, os.X_OK):
            cmd += ["--vsample", vsample]
        subprocess.run(cmd, check=True)
        with open(stamp, "w") as f:
            f.write(stamp_text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("seeds")
    ap.add_argument("regressions")
    ap.add_argument("replay")
    ap.add_argument("--libfuzzer")
    ap.add_argument("--runs", type=int, default=0)
    a = ap.parse_args()
    ensure_seeds(a.seeds)
    corpus = os.path.join(a.seeds, a.target)
    dirs = [d for d in (corpus, a.regressions) if os.path.isdir(d)]
    print("replay:", " ".join(dirs), flush=True)
    if subprocess.run([a.replay] + dirs).returncode != 0:
        print(f"{a.target}: the replay failed", file=sys.stderr)
        return 1
    if a.libfuzzer and a.runs:
        with tempfile.TemporaryDirectory(prefix="vsfuzz-") as tmp:
            new = os.path.join(tmp, "new")
            os.mkdir(new)
            # new inputs go to the first directory, the throwaway one
            cmd = [a.libfuzzer, f"-runs={a.runs}", "-seed=1", "-timeout=20", "-rss_limit_mb=4096",
                   f"-artifact_prefix={tmp}/", "-print_final_stats=1", new] + dirs
            print(" ".join(cmd), flush=True)
            r = subprocess.run(cmd)
            if r.returncode != 0:
                for name in os.listdir(tmp):
                    if name != "new":
                        path = os.path.join(tmp, name)
                        print(f"{a.target}: crash input {name}: {open(path, 'rb').read()[:256]!r}",
                              file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

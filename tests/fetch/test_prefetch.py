"""Decoding ahead on a second thread (`--prefetch N`, the default 3) and splitting a sorted plan
across several decoders (`--segments N`) change nothing but speed: the same frames, times and
tensors as one decoder on the caller's thread (`--prefetch 0 --segments 1`), in both seek modes. (Errors met by the decoding thread reach the caller through it: test_bad_input.py
runs with the default.)

Usage: /usr/bin/python3 test_prefetch.py CASE [CASE...]   (exit 77 = skip)
"""
import os
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy not found", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import st_reader  # noqa: E402
import videos  # noqa: E402

VIEW = ["--size", "48x32", "--resize", "squash", "--dtype", "f16", "--quiet"]


def extract(video, workdir, strategy, extra):
    out = tempfile.mkdtemp(dir=workdir)
    p = cli.run(["extract", video, "-o", out, "--strategy", strategy, *VIEW, *extra], timeout=120)
    key = os.path.splitext(os.path.basename(video))[0]
    tensors = st_reader.read_sample(out, key)[0] if p.returncode == 0 else None
    return p, tensors, out


def main():
    videos.require_tools()
    cli.require()
    errors = []
    with tempfile.TemporaryDirectory(prefix="vsample-prefetch-") as workdir:
        for name in sys.argv[1:]:
            video = videos.make(name, workdir)
            for strategy, seek in (("fps:7", "exact"), ("timestamps:1.5,0.2,1.1,0.2,9", "exact"),
                                   ("uniform:9", "approximate"), ("fps:40", "exact"),
                                   ("timestamps:0,0.1,0.1,0.2,0.5,0.9,1.0,1.3,1.6,1.7,1.9,2.0,2.1,"
                                    "2.2,2.3,2.35,2.4,9", "exact")):
                runs = {n: extract(video, workdir, strategy, ["--prefetch", n, "--seek", seek, "--segments", "1"])
                        for n in ("0", "1", "3", "8")}
                # and split across 2-4 decoders (a sorted plan over an indexed video)
                runs.update({f"3, {k} segments": extract(video, workdir, strategy,
                                                         ["--seek", seek, "--segments", k])
                             for k in ("2", "4")})
                p0, t0, _ = runs["0"]
                if p0.returncode != 0:
                    errors.append(f"{name} {strategy}: --prefetch 0 failed: {p0.stderr.strip()}")
                    continue
                for n, (p, t, _) in runs.items():
                    if p.returncode != 0:
                        errors.append(f"{name} {strategy}: --prefetch {n} failed: {p.stderr.strip()}")
                    elif any(not np.array_equal(t[k], t0[k]) for k in t0) or set(t) != set(t0):
                        errors.append(f"{name} {strategy} {seek}: --prefetch {n} differs from 0")
            print(f"{name}: checked")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Pack and stream: `vsample batch` of COUNT short videos (tools/bench_batch.py's, cached), then
`vsample pack` of the batch output, then reading every sample back and touching every pixel
(a sum over each view), three ways: vsample.ShardStream over the pack, vsample.open_shards over
the batch directory, and ShardStream over the batch directory. Prints samples/s of each, with
the page cache warm (each read pass runs twice; the second is reported) and cold where the
caller may drop caches (run as root with --drop-caches).

    /usr/bin/python3 tools/bench_pack.py BUILD_DIR [--count 200] [--cache DIR] [--drop-caches]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_batch  # noqa: E402

VIEW = ["--size", "224x224", "--dtype", "u8", "--filter", "bilinear", "--strategy", bench_batch.STRATEGY]


def drop_caches(enabled):
    if enabled:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")


def timed(fn):
    t = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/vsample-bench"))
    ap.add_argument("--drop-caches", action="store_true")
    a = ap.parse_args()
    binary = os.path.join(a.build, "tools", "vsample")
    os.environ.setdefault("VSAMPLE_LIBRARY", os.path.join(a.build, "src", "libvsample.so"))
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "bindings", "python"))
    import numpy as np
    import vsample

    manifest, _ = bench_batch.make_videos(a.cache, a.count, lambda m: print(m, file=sys.stderr))
    with tempfile.TemporaryDirectory(prefix="vsample-bench-pack-") as tmp:
        bt, pk = os.path.join(tmp, "batch"), os.path.join(tmp, "pack")
        _, t_batch = timed(lambda: subprocess.run([binary, "batch", manifest, "-o", bt, "--quiet", *VIEW],
                                                  check=True))
        _, t_pack = timed(lambda: subprocess.run([binary, "pack", bt, "-o", pk, "--quiet",
                                                  "--shard-size", str(64 << 20)], check=True))
        _, t_verify = timed(lambda: subprocess.run([binary, "verify", pk, "--quiet"], check=True))
        size = sum(os.path.getsize(os.path.join(pk, n)) for n in os.listdir(pk))

        def touch(samples):
            n = 0
            for s in samples:
                for k, v in (s.items() if isinstance(s, dict) else s.tensors.items()):
                    if isinstance(v, np.ndarray) and k not in ("pts", "target", "clip"):
                        int(v.sum(dtype=np.uint64))
                n += 1
            return n

        rows = [("pack", a.count / t_pack, f"{size / 1e6:.0f} MB in {t_pack:.2f} s"),
                ("verify pack", a.count / t_verify, f"{size / 1e6 / t_verify:.0f} MB/s")]
        for name, make in [("ShardStream(pack)", lambda: vsample.ShardStream(pk)),
                           ("open_shards(batch)", lambda: vsample.open_shards(bt)),
                           ("ShardStream(batch)", lambda: vsample.ShardStream(bt))]:
            drop_caches(a.drop_caches)
            n, cold = timed(lambda: touch(make()))
            n, warm = timed(lambda: touch(make()))
            rows.append((name, n / warm, f"warm; cold {n / cold:.0f} samples/s" + ("" if a.drop_caches else
                                                                                    " (caches not dropped)")))
        print(f"{a.count} batch samples ({bench_batch.SIZE} {bench_batch.SECONDS}-s videos, {' '.join(VIEW)}); "
              f"batch took {t_batch:.1f} s")
        for name, rate, note in rows:
            print(f"{name:22s} {rate:9.0f} samples/s  {note}")


if __name__ == "__main__":
    main()

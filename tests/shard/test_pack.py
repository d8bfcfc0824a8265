"""`vsample pack` and `vsample verify` (README "pack", "verify"; docs/SCALE.md).

Usage: /usr/bin/python3 test_pack.py CASE    (exit 77 = skipped)

  verify   extract, batch and pack outputs verify clean (exit 0); then, each on a fresh copy:
           a flipped data byte (SHA-256), a truncated shard, a missing shard, a corrupt header:
           exit 5 and one line naming the shard and the cause.
  pack     tensors byte-identical to the sources' (read here by tests/st_reader.py and a plain
           safetensors parser), pts/target/clip and metadata carried, keys sorted, a sample
           larger than the cap spanning shards, the index's sizes and SHA-256 against hashlib,
           the same bytes when run twice; a key in two sources is exit 2 naming both; bad
           arguments.
  crash    kill -9 at random moments of a pack (bounded iterations), then a re-run: the same
           files, byte for byte, as an uninterrupted pack.
"""
import hashlib
import json
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy not found (run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(77)

BIN = os.environ.get("VSAMPLE_BIN", "")
TESTS = os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TESTS)
import st_reader  # noqa: E402

FAILURES = []
VIEW = ["--size", "32x24", "--dtype", "u8", "--layout", "thwc", "--filter", "bilinear", "--quiet"]
NP = {"U8": np.uint8, "F16": np.float16, "BF16": np.uint16, "F32": np.float32, "F64": np.float64, "I32": np.int32}


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)
    return cond


def run(args, cwd, **kw):
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kw)


def make_videos(tmp, names, seconds=2):
    for n in names:
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=size=64x48:rate=10", "-t", str(seconds), "-pix_fmt", "yuv420p",
                        os.path.join(tmp, n + ".mp4")], check=True)


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {k: np.frombuffer(blob, NP[v["dtype"]], offset=8 + n + v["data_offsets"][0],
                            count=int(np.prod(v["shape"]))).reshape(v["shape"]) for k, v in header.items()}
    return out, meta


def read_pack(d):
    """{key: ({name: array over all frames}, metadata less frames/total_frames)} of a pack output."""
    index = json.load(open(os.path.join(d, "index.json")))
    parts, meta = {}, {}
    for sh in index["shards"]:
        tensors, m = read_safetensors(os.path.join(d, sh["name"]))
        for key, n in zip(sh["keys"], sh["frames"]):
            mm = json.loads(m[key])
            check(mm["frames"][1] - mm["frames"][0] == n, f"{sh['name']}: {key}: frames {mm['frames']} vs {n}")
            parts.setdefault(key, []).append((mm["frames"][0], {k.split("/", 1)[1]: v for k, v in tensors.items()
                                                                if k.split("/", 1)[0] == key}))
            meta[key] = {k: v for k, v in mm.items() if k not in ("frames", "total_frames")}
    out = {}
    for key, ps in parts.items():
        ps.sort(key=lambda p: p[0])
        out[key] = ({n: np.concatenate([p[1][n] for p in ps]) for n in ps[0][1]}, meta[key])
    return index, out


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def tree(d):
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def sources(tmp):
    make_videos(tmp, ["a", "b", "c", "d"])
    make_videos(tmp, ["long"], seconds=6)
    r = run(["extract", "c.mp4", "a.mp4", "long.mp4", "-o", "ex", *VIEW], tmp)
    check(r.returncode == 0, f"extract: {r.stderr}")
    with open(os.path.join(tmp, "m.jsonl"), "w") as f:
        f.write('{"path": "b.mp4", "key": "b"}\n{"path": "d.mp4", "key": "d", "strategy": "clips:2,3,4"}\n')
    r = run(["batch", "m.jsonl", "-o", "bt", "--jobs", "2", *VIEW], tmp)
    check(r.returncode == 0, f"batch: {r.stderr}")


def case_pack(tmp):
    sources(tmp)
    # 32x24x3 u8 = 2304 bytes a frame: a 9000-byte cap makes "long" (12 frames) span shards
    r = run(["pack", "ex", "bt", "-o", "pk", "--shard-size", "9000", "--quiet"], tmp)
    if not check(r.returncode == 0, f"pack: {r.returncode} {r.stderr}"):
        return
    index, packed = read_pack(os.path.join(tmp, "pk"))
    check(index["format"] == "vsample-pack" and index["samples"] == 5, f"index head: {index['format']} {index['samples']}")
    order = [k for sh in index["shards"] for k in sh["keys"]]
    check(sorted(set(order)) == sorted(packed) and order == sorted(order), f"key order {order}")
    check(sum(1 for sh in index["shards"] if "long" in sh["keys"]) > 1, "the long sample does not span shards")
    for sh in index["shards"]:
        p = os.path.join(tmp, "pk", sh["name"])
        check(sh["bytes"] == os.path.getsize(p) <= 9000, f"{sh['name']}: size {sh['bytes']}")
        check(sh["sha256"] == sha256(p), f"{sh['name']}: sha256")
    check(index["frames"] == sum(len(t["pts"]) for t, _ in packed.values()), "index frames")
    srcs = {"a": "ex", "c": "ex", "long": "ex", "b": "bt", "d": "bt"}
    for key, src in srcs.items():
        want, meta = st_reader.read_sample(os.path.join(tmp, src), key)
        got, gmeta = packed.get(key, ({}, {}))
        check(sorted(want) == sorted(got), f"{key}: tensors {sorted(got)} vs {sorted(want)}")
        for n in want:
            check(n in got and got[n].dtype == want[n].dtype and got[n].shape == want[n].shape
                  and got[n].tobytes() == want[n].tobytes(), f"{key}/{n} differs from the source's")
        srcmeta = json.load(open(os.path.join(tmp, src, "index.json")))["samples"][key]["metadata"]
        check(gmeta == srcmeta, f"{key}: metadata not carried over")
    check("clip" in packed["d"][0], "d's clip ids lost")
    first = tree(os.path.join(tmp, "pk"))
    r = run(["pack", "ex", "bt", "-o", "pk", "--shard-size", "9000", "--quiet"], tmp)
    check(r.returncode == 0 and tree(os.path.join(tmp, "pk")) == first, "a second pack differs")
    r = run(["pack", "bt", "ex", "-o", "pk2", "--shard-size", "9000", "--quiet", "--no-fsync"], tmp)
    check(r.returncode == 0 and tree(os.path.join(tmp, "pk2")) == first, "SRC order changed the output")
    # a key in two sources
    r = run(["extract", "b.mp4", "-o", "ex2", *VIEW], tmp)
    r = run(["pack", "ex2", "bt", "-o", "dup", "--quiet"], tmp)
    check(r.returncode == 2 and "'b'" in r.stderr and "ex2" in r.stderr and "bt" in r.stderr
          and len(r.stderr.strip().splitlines()) == 1, f"duplicate key: {r.returncode} {r.stderr}")
    check(not os.path.exists(os.path.join(tmp, "dup")), "duplicate key left a DIR")
    for args, code, words in [(["pack", "-o", "x"], 2, "no SRC"), (["pack", "ex"], 2, "-o"),
                              (["pack", "nope", "-o", "x"], 2, "nope"), (["pack", "ex", "-o", "ex/in"], 2, "inside"),
                              (["pack", "ex", "-o", "bt"], 2, "another output"),
                              (["pack", "ex", "-o", "x", "--shard-size", "0"], 2, "shard-size")]:
        r = run(args, tmp)
        check(r.returncode == code and words in r.stderr and len(r.stderr.strip().splitlines()) == 1,
              f"{args}: {r.returncode} {r.stderr!r}")


def case_verify(tmp):
    sources(tmp)
    r = run(["pack", "ex", "bt", "-o", "pk", "--shard-size", "9000", "--quiet"], tmp)
    check(r.returncode == 0, f"pack: {r.stderr}")
    for d in ("ex", "bt", "pk"):
        r = run(["verify", d], tmp)
        check(r.returncode == 0 and "good" in r.stderr, f"verify {d}: {r.returncode} {r.stderr}")
        index = json.load(open(os.path.join(tmp, d, "index.json")))
        names = ([s["name"] for s in index["shards"]] if d == "pk" else list(index["files"]))
        victim = names[-1]

        def damaged(how):
            c = os.path.join(tmp, d + "-" + how)
            shutil.rmtree(c, ignore_errors=True)
            shutil.copytree(os.path.join(tmp, d), c)
            p = os.path.join(c, victim)
            blob = bytearray(open(p, "rb").read())
            if how == "flip":
                blob[-5] ^= 0x10
            elif how == "truncate":
                blob = blob[:len(blob) - 100]
            elif how == "header":
                blob[8:9] = b"["
            if how == "missing":
                os.unlink(p)
            else:
                open(p, "wb").write(bytes(blob))
            return c

        for how, words in [("flip", "SHA-256"), ("truncate", "truncated"), ("missing", "missing"),
                           ("header", "header")]:
            c = damaged(how)
            r = run(["verify", os.path.basename(c), "--quiet"], tmp)
            lines = r.stderr.strip().splitlines()
            check(r.returncode == 5 and len(lines) == 1 and victim in lines[0] and words in lines[0],
                  f"verify {d} {how}: {r.returncode} {r.stderr!r}")
    r = run(["verify", "nowhere"], tmp)
    check(r.returncode == 5 and "nowhere/index.json" in r.stderr, f"verify nowhere: {r.returncode} {r.stderr}")
    r = run(["verify"], tmp)
    check(r.returncode == 2, f"verify with no DIR: {r.returncode}")


def case_crash(tmp):
    names = [f"v{i:02d}" for i in range(12)]
    make_videos(tmp, names, seconds=3)
    r = run(["extract", *[n + ".mp4" for n in names], "-o", "ex", *VIEW], tmp)
    check(r.returncode == 0, f"extract: {r.stderr}")
    t0 = time.monotonic()
    r = run(["pack", "ex", "-o", "ref", "--shard-size", "20000", "--quiet"], tmp)
    took = time.monotonic() - t0
    check(r.returncode == 0, f"pack: {r.stderr}")
    ref = tree(os.path.join(tmp, "ref"))
    rng = random.Random(13)
    for it in range(6):
        out = os.path.join(tmp, "out")
        p = subprocess.Popen([BIN, "pack", "ex", "-o", "out", "--shard-size", "20000", "--quiet"], cwd=tmp,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, took * 1.2))
        p.send_signal(signal.SIGKILL)
        p.wait()
        if os.path.exists(os.path.join(out, "index.json")) and p.returncode != 0:
            # killed after the index: it must be complete already
            check(tree(out) == ref, f"iteration {it}: an index next to different shards")
        r = run(["pack", "ex", "-o", "out", "--shard-size", "20000", "--quiet"], tmp)
        check(r.returncode == 0 and tree(out) == ref, f"iteration {it}: the re-run differs ({r.stderr})")
        r = run(["verify", "out", "--quiet"], tmp)
        check(r.returncode == 0, f"iteration {it}: verify {r.stderr}")


def main():
    if not BIN or not os.access(BIN, os.X_OK):
        print("SKIP: VSAMPLE_BIN not set", file=sys.stderr)
        sys.exit(77)
    if not shutil.which("ffmpeg"):
        print("SKIP: ffmpeg not found", file=sys.stderr)
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        {"pack": case_pack, "verify": case_verify, "crash": case_crash}[sys.argv[1]](tmp)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()

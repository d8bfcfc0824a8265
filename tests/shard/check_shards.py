"""Check the shards the C writer produces against what its generator meant.

Usage: check_shards.py SHARD_TEST_EXE

Runs `SHARD_TEST_EXE gen TMP`, which writes each scenario's shards to TMP/NAME/
and, straight from its random generator, every committed sample's bytes to
TMP/NAME.expect.bin (described by TMP/NAME.expect.json). Then, per scenario:
every shard is read twice, by tests/st_reader.py and by a raw parse here; the
tensor bytes, pts/target/clip, metadata and index.json must match the
expectation; the files must follow the safetensors rules (contiguous data,
8-aligned data start, end of data = end of file), the cap and the placement
policy; no temporary may be left.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    sys.exit(77)

sys.path.insert(0, os.environ.get("VSAMPLE_TESTS", os.path.join(os.path.dirname(__file__), "..")))
import st_reader  # noqa: E402

ITEMSIZE = {"U8": 1, "F16": 2, "BF16": 2, "F32": 4, "F64": 8, "I32": 4}


def fail(msg):
    raise AssertionError(msg)


def raw_shard(path):
    """(file bytes, data start, header dict) parsed without st_reader."""
    with open(path, "rb") as f:
        data = f.read()
    n = int.from_bytes(data[:8], "little")
    text = data[8:8 + n]
    if not text.rstrip(b" ").endswith(b"}"):
        fail(f"{path}: header padding is not spaces only")
    return data, 8 + n, json.loads(text.decode("utf-8"))


def sample_tensors(s):
    """name suffix -> (dtype, dims per frame, offset in expect.bin) of a sample."""
    out = {t["name"]: (t["dtype"], t["dims"], t["offset"]) for t in s["tensors"]}
    out["pts"] = ("F64", [], s["pts"])
    out["target"] = ("F64", [], s["target"])
    if s["clip"] is not None:
        out["clip"] = ("I32", [], s["clip"])
    return out


def frame_bytes(dtype, dims):
    return ITEMSIZE[dtype] * int(np.prod(dims, dtype=np.int64))


def entries_bound(header, meta, key):
    """Upper bound of the header bytes a part of key adds to a shard."""
    tens = {k: v for k, v in header.items() if k.startswith(key + "/")}
    return len(json.dumps(tens, separators=(",", ":"))) + len(json.dumps({key: meta[key]})) + 64


def check_scenario(root, name):
    with open(os.path.join(root, name + ".expect.json")) as f:
        expect = json.load(f)
    with open(os.path.join(root, name + ".expect.bin"), "rb") as f:
        blob = f.read()
    cap = expect["cap"]
    samples = {s["key"]: s for s in expect["samples"]}
    d = os.path.join(root, name)

    files = sorted(os.listdir(d))
    left = [f for f in files if f.startswith(".") or f.endswith(".tmp")]
    if left:
        fail(f"{name}: temporaries left: {left}")
    with open(os.path.join(d, "index.json")) as f:
        index = json.load(f)
    if index["format"] != "vsample-shards" or index["version"] != 1:
        fail(f"{name}: index format {index['format']} {index['version']}")
    shards = index["shards"]
    if shards != ["shard-%05d.safetensors" % i for i in range(len(shards))]:
        fail(f"{name}: shard names {shards}")
    if set(files) != set(shards) | {"index.json"}:
        fail(f"{name}: files {files} vs index shards {shards}")
    if set(index["samples"]) != set(samples):
        fail(f"{name}: index keys differ from committed keys")
    for key in expect["aborted"]:
        if key in index["samples"]:
            fail(f"{name}: aborted sample {key} in index")

    # Every shard, parsed raw: parts, bytes, metadata, alignment, cap.
    parts_seen = set()
    shard_info = []  # (size, header bytes, first key at data offset 0, header, meta, parts)
    for sh in shards:
        path = os.path.join(d, sh)
        data, start, header = raw_shard(path)
        tensors, _ = st_reader.read_file(path)  # the independent reader's checks
        meta = header.pop("__metadata__")
        if start % 8:
            fail(f"{sh}: data starts at {start}")
        if set(tensors) != set(header):
            fail(f"{sh}: st_reader and raw parse disagree")
        names = set()
        parts = {}
        for key, text in meta.items():
            if key not in samples:
                fail(f"{sh}: holds {key}, which was not committed")
            m = json.loads(text)
            first, end = m.pop("frames")
            s = samples[key]
            if m.pop("total_frames") != s["frames"] or m != s["meta"]:
                fail(f"{sh}: metadata of {key}: {text}")
            parts[key] = (first, end)
            parts_seen.add((sh, key, first, end))
            n = end - first
            part_start = min(header[key + "/" + t]["data_offsets"][0] for t in sample_tensors(s))
            for suffix, (dtype, dims, off) in sample_tensors(s).items():
                tname = key + "/" + suffix
                names.add(tname)
                t = header.get(tname)
                if t is None:
                    fail(f"{sh}: {tname} missing")
                if t["dtype"] != dtype or t["shape"] != [n] + dims:
                    fail(f"{sh}: {tname} is {t['dtype']} {t['shape']}, expected {dtype} {[n] + dims}")
                b, e = t["data_offsets"]
                if (start + part_start) % 8 == 0 and (start + b) % ITEMSIZE[dtype]:
                    fail(f"{sh}: {tname} misaligned in a part that starts 8-aligned")
                fb = frame_bytes(dtype, dims)
                want = blob[off + first * fb:off + end * fb]
                if data[start + b:start + e] != want:
                    fail(f"{sh}: bytes of {tname} frames [{first}, {end}) differ from the generator's")
        if names != set(header):
            fail(f"{sh}: unexpected tensors {set(header) - names}")
        one_frame = len(parts) == 1 and all(e - b == 1 for b, e in parts.values())
        if len(data) > cap and not one_frame:
            fail(f"{sh}: {len(data)} bytes > cap {cap} with {len(parts)} parts")
        first_key = min(meta, key=lambda k: min(v["data_offsets"][0] for n_, v in header.items()
                                                if n_.startswith(k + "/")))
        shard_info.append((len(data), start, first_key, header, meta, parts))

    # index.json: parts contiguous over [0, T) and the same as the shards say.
    index_parts = set()
    for key, s in index["samples"].items():
        e = samples[key]
        if s["frames"] != e["frames"] or s["metadata"] != e["meta"]:
            fail(f"{name}: index entry of {key}")
        pos = 0
        for p in s["parts"]:
            if p["start"] != pos or p["end"] <= p["start"]:
                fail(f"{name}: parts of {key} not contiguous: {s['parts']}")
            pos = p["end"]
            index_parts.add((p["shard"], key, p["start"], p["end"]))
        if pos != e["frames"]:
            fail(f"{name}: parts of {key} end at {pos}, not {e['frames']}")
    if index_parts != parts_seen:
        fail(f"{name}: index parts differ from shard metadata")

    # Through the independent reader, whole samples (every one; a subset of many).
    keys = sorted(samples)
    for key in keys if len(keys) < 50 else keys[::17]:
        s = samples[key]
        arrays, m = st_reader.read_sample(d, key)
        T = s["frames"]
        if set(arrays) != set(sample_tensors(s)):
            fail(f"{key}: read_sample gives {set(arrays)}")
        for suffix, (dtype, dims, off) in sample_tensors(s).items():
            a = arrays[suffix]
            if list(a.shape) != [T] + dims or a.tobytes() != blob[off:off + T * frame_bytes(dtype, dims)]:
                fail(f"{key}/{suffix}: read_sample array differs")
        if not np.array_equal(arrays["pts"], np.frombuffer(blob, "<f8", T, s["pts"])):
            fail(f"{key}: pts differ")
        first_part = index["samples"][key]["parts"][0]
        if m != dict(s["meta"], frames=[0, first_part["end"]], total_frames=T):
            fail(f"{key}: read_sample metadata {m}")

    # Placement: a shard is left only when the next part would not fit in it.
    nparts = {k: len(v["parts"]) for k, v in index["samples"].items()}
    for i in range(len(shards) - 1):
        size = shard_info[i][0]
        _, _, key, header, meta, parts = shard_info[i + 1]
        s = samples[key]
        F = sum(frame_bytes(dt, dims) for dt, dims, _ in sample_tensors(s).values())
        b, e = parts[key]
        grow = (e - b if nparts[key] == 1 else 1) * F  # the whole part, or one more frame
        if size + grow + entries_bound(header, meta, key) <= cap:
            fail(f"{name}: {shards[i + 1]} starts with {key} [{b}, {e}) that fit in {shards[i]}")
    for key, n in nparts.items():
        s = samples[key]
        F = sum(frame_bytes(dt, dims) for dt, dims, _ in sample_tensors(s).values())
        sh = index["samples"][key]["parts"][0]["shard"]
        _, _, _, header, meta, _ = shard_info[shards.index(sh)]
        # split although it would fit an empty shard (whose header room is at most cap / 8)?
        if n > 1 and s["frames"] * F + max(cap // 8, 16) + entries_bound(header, meta, key) <= cap:
            fail(f"{name}: {key} split into {n} parts but fits in an empty shard")

    sizes = [info[0] for info in shard_info]
    heads = [info[1] for info in shard_info]
    rebuilt = sum(h > max(cap // 8, 16) for h in heads)  # header bigger than any reserve
    misaligned = 0
    for size, start, _, header, _, _ in shard_info:
        misaligned += sum((start + t["data_offsets"][0]) % ITEMSIZE[t["dtype"]] != 0 for t in header.values())
    more = "..." if len(sizes) > 6 else ""
    print(f"{name}: {len(samples)} samples, {len(shards)} shards, sizes {sizes[:6]}{more}, "
          f"max parts {max(nparts.values(), default=0)}, headers rebuilt {rebuilt}, "
          f"tensors not aligned to their element size {misaligned}")
    return {"shards": len(shards), "sizes": sizes, "nparts": nparts, "rebuilt": rebuilt, "cap": cap,
            "misaligned": misaligned}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = tempfile.mkdtemp(prefix="vs_shards_")
    try:
        subprocess.run([sys.argv[1], "gen", root], check=True)
        r = {n: check_scenario(root, n) for n in
             ["single", "several", "split", "bigframe", "overflow", "clips", "empty"]}
        # What each scenario is there to exercise actually happened.
        most_parts = {n: max(x["nparts"].values(), default=0) for n, x in r.items()}
        over_cap = sum(size > r["bigframe"]["cap"] for size in r["bigframe"]["sizes"])
        checks = {
            "single: one shard": r["single"]["shards"] == 1,
            "several: 4+ shards, no split": r["several"]["shards"] >= 4 and most_parts["several"] == 1,
            "split: a sample over 3+ shards": most_parts["split"] >= 3,
            "bigframe: 3 one-frame shards over the cap": over_cap == 3,
            "overflow: 3+ shards, 2+ headers rebuilt":
                r["overflow"]["shards"] >= 3 and r["overflow"]["rebuilt"] >= 2,
            "clips: every tensor aligned": r["clips"]["misaligned"] == 0,
            "empty: no shard": r["empty"]["shards"] == 0 and not r["empty"]["nparts"],
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            fail(f"scenario expectations not met: {failed}")
    except Exception:
        print(f"files kept in {root}")
        raise
    shutil.rmtree(root)
    print("shard files OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

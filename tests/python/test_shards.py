"""vsample.open_shards() against the independent tests/st_reader.py on `vsample extract`
output: a small --shard-size splits samples across shards (parts joined in order), a large
one keeps each sample in one shard (arrays are read-only views of the mapped file: zero copy);
several views, clips, bf16 bits; lookups, iteration order, metadata; malformed directories."""
import mmap
import os
import shutil

import numpy as np
from common import SAMPLE, cli_ok, expect, expect_error, make_video, require_cli, require_ffmpeg, st_reader, tempdir

import vsample

require_cli()
require_ffmpeg()


def maps_file(a):
    """True when a is a view whose memory is a mmap (no copy was made)."""
    while isinstance(a, np.ndarray):
        if a.flags.owndata:
            return False
        a = a.base
    if isinstance(a, memoryview):  # np.frombuffer keeps a memoryview of the exporter
        a = a.obj
    return isinstance(a, mmap.mmap)


def compare_dir(out, videos):
    import json
    with open(os.path.join(out, "index.json")) as f:
        index = json.load(f)
    shards = vsample.open_shards(out)
    keys = [os.path.splitext(os.path.basename(v))[0] for v in videos]
    expect(shards.keys() == keys == list(index["samples"]), f"{out}: keys {shards.keys()} vs {keys}")
    expect(len(shards) == len(keys) and all(k in shards for k in keys) and "nope" not in shards, "len / in")
    seen, split = [], 0
    for sample in shards:  # iteration: index order
        seen.append(sample.key)
        want, meta = st_reader.read_sample(out, sample.key)
        expect(sorted(sample.names) == sorted(want), f"{sample.key}: names {sample.names} vs {sorted(want)}")
        expect(sample.frames == index["samples"][sample.key]["frames"] == len(want["pts"]), f"{sample.key}: frames")
        for name, w in want.items():
            a = sample[name]
            expect(a.dtype == w.dtype and a.shape == w.shape and a.tobytes() == w.tobytes(),
                   f"{sample.key}/{name}: {a.dtype}{a.shape} differs from st_reader's {w.dtype}{w.shape}")
            expect(not a.flags.writeable or len(sample.parts) > 1, f"{sample.key}/{name} is writable")
        parts = sample.parts
        expect([p["start"] for p in parts] == [p["start"] for p in index["samples"][sample.key]["parts"]],
               f"{sample.key}: parts")
        for p in parts:  # each part's tensors view its shard
            for name, a in p["tensors"].items():
                expect(maps_file(a) and len(a) == p["end"] - p["start"], f"{sample.key}/{name} part [{p['start']}, {p['end']}): a copy")
        if len(parts) == 1:
            expect(all(maps_file(sample[n]) for n in sample.names), f"{sample.key}: one part but copied")
        split += len(parts) > 1
        m = {k: v for k, v in meta.items() if k not in ("frames", "total_frames")}
        expect(sample.metadata == m, f"{sample.key}: metadata {sample.metadata} vs the shard's {m}")
        for name in sample.names:
            if want[name].dtype == np.uint16:  # bf16 bits
                expect(np.array_equal(vsample.bf16_to_float32(sample[name]), st_reader.bf16_to_f32(want[name]),
                                      equal_nan=True), f"{sample.key}/{name}: bf16 widening")
    expect(seen == keys, f"iteration order {seen}")
    expect(shards[keys[-1]].key == keys[-1], "lookup by key")
    try:
        shards["nope"]
        raise AssertionError("no KeyError")
    except KeyError:
        pass
    return split


with tempdir() as tmp:
    videos = [make_video(os.path.join(tmp, "a.mp4")), make_video(os.path.join(tmp, "b.mkv"), size="64x48"),
              SAMPLE]
    split_dir = os.path.join(tmp, "split")
    cli_ok(["extract", *videos, "-o", split_dir, "--strategy", "clips:2,3,6", "--preset",
            "internvideo2-224,qwen2vl", "--dtype", "bf16", "--shard-size", "400000", "--backend", "cpu", "--quiet"])
    split = compare_dir(split_dir, videos)
    expect(split == len(videos), f"only {split} samples span several shards")
    whole_dir = os.path.join(tmp, "whole")
    cli_ok(["extract", *videos[:2], "-o", whole_dir, "--strategy", "uniform:5", "--preset", "siglip-384",
            "--layout", "thwc", "--backend", "cpu", "--quiet"])
    expect(compare_dir(whole_dir, videos[:2]) == 0, "a sample of the large shards was split")
    # the shards hold what load() returns for the same options
    px, pts, target = vsample.load(videos[0], "uniform:5", preset="siglip-384", layout="thwc")
    with vsample.open_shards(whole_dir) as s:
        a = s["a"]
        expect(a["siglip-384"].tobytes() == px.tobytes() and a["pts"].tobytes() == pts.tobytes(), "load vs shards")
    expect(a["target"].tobytes() == target.tobytes(), "arrays outlive the closed Shards")

    # malformed directories: vsample.Error naming the file
    expect_error(lambda: vsample.open_shards(os.path.join(tmp, "none")), vsample.VS_ERR_NOT_FOUND, "index.json")
    bad = os.path.join(tmp, "bad")
    shutil.copytree(whole_dir, bad)
    shard = os.path.join(bad, "shard-00000.safetensors")
    with open(shard, "r+b") as f:
        f.truncate(os.path.getsize(shard) - 100)
    s = vsample.open_shards(bad)
    expect_error(lambda: s["a"]["siglip-384"], vsample.VS_ERR_INVALID_DATA, shard)
    with open(shard, "r+b") as f:
        f.write(b"\xff" * 8)
    expect_error(lambda: vsample.open_shards(bad)["a"].names, vsample.VS_ERR_INVALID_DATA, shard)
    with open(os.path.join(bad, "index.json"), "w") as f:
        f.write("{\"samples\": ")
    expect_error(lambda: vsample.open_shards(bad), vsample.VS_ERR_INVALID_DATA, "index.json")

    # shards in a subdirectory (vsample batch: samples/KEY/shard-*.safetensors) are read; a path
    # leaving the directory is refused
    nested = os.path.join(tmp, "nested")
    shutil.copytree(whole_dir, nested)
    os.makedirs(os.path.join(nested, "samples", "a"))
    with open(os.path.join(nested, "index.json")) as f:
        index = f.read()
    for name in os.listdir(nested):
        if name.endswith(".safetensors"):
            os.rename(os.path.join(nested, name), os.path.join(nested, "samples", "a", name))
            index = index.replace(f'"{name}"', f'"samples/a/{name}"')
    with open(os.path.join(nested, "index.json"), "w") as f:
        f.write(index)
    expect(vsample.open_shards(nested)["a"]["siglip-384"].tobytes() == px.tobytes(), "nested shard paths")
    with open(os.path.join(nested, "index.json"), "w") as f:
        f.write(index.replace('"samples/a/', '"../a/'))
    expect_error(lambda: vsample.open_shards(nested)["a"]["siglip-384"], vsample.VS_ERR_INVALID_DATA, "index.json")
print("ok: open_shards matches st_reader on split and whole samples, zero copy where one shard holds a sample")

#!/usr/bin/env python3
"""Seed corpora of the fuzz targets, made at test time into OUT/TARGET/:

  fuzz_source, fuzz_fetch   tiny videos (64x48, 6 frames; mp4, mkv, webm, ts, avi) and raw
                            H.264 and HEVC elementary streams (15 frames, a key every 5;
                            fuzz_source also an open-GOP HEVC one) made by the ffmpeg CLI
                            (none without it)
  fuzz_nal                  packets (access units) cut from those elementary streams, one a
                            file after a codec byte (0 H.264, 1 HEVC); a stream's first bytes;
                            a last packet with an end of sequence NAL unit appended
  fuzz_plan                 one strategy text per file: every strategy and recipe
                            with its keys (README.md), some with parameter bytes
  fuzz_shards               index.json of an extract of one video by the CLI
                            (--vsample BIN) and its shard's header, and a hand-written index

usage: make_seeds.py OUT [--vsample BIN]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import tempfile

VIDEOS = {  # name: ffmpeg output options
    "h264.mp4": ["-c:v", "libx264", "-g", "3", "-bf", "1", "-pix_fmt", "yuv420p"],
    "h264.mkv": ["-c:v", "libx264", "-g", "4", "-pix_fmt", "yuv420p", "-r", "10"],
    "vp9.webm": ["-c:v", "libvpx-vp9", "-g", "3", "-b:v", "50k"],
    "mpeg2.ts": ["-c:v", "mpeg2video", "-g", "3", "-q:v", "10"],
    "mjpeg.avi": ["-c:v", "mjpeg", "-q:v", "20", "-pix_fmt", "yuvj422p"],
    "mpeg4.avi": ["-c:v", "mpeg4", "-g", "3", "-q:v", "20"],
    "vfr.mkv": ["-c:v", "libx264", "-g", "2", "-pix_fmt", "yuv420p", "-vf", "setpts='N*N*0.02/TB'"],
}

# Raw elementary streams (no timestamps: frames are counted, keyindex.c and
# fetch.c seek by count). name: (codec byte of fuzz_nal, ffmpeg output options)
X265 = "log-level=error:keyint=5:min-keyint=5:scenecut=0"
STREAMS = {
    "h264.h264": (0, ["-c:v", "libx264", "-g", "5", "-bf", "2", "-pix_fmt", "yuv420p",
                      "-bsf:v", "h264_mp4toannexb", "-f", "h264"]),
    "hevc.hevc": (1, ["-c:v", "libx265", "-x265-params", X265 + ":open-gop=0", "-pix_fmt", "yuv420p",
                      "-f", "hevc"]),
    "hevc-open.hevc": (1, ["-c:v", "libx265", "-x265-params", X265 + ":open-gop=1", "-pix_fmt",
                           "yuv420p", "-f", "hevc"]),
}

STRATEGIES = [
    "fps:2", "fps:0.5", "fps:30,jitter", "uniform:8", "uniform:3,jitter", "clips:2,4,8",
    "keyframes", "timestamps:0,0.5,1.25,9.9,0.5",
    "apollo", "apollo:clip_duration=2,frames_per_clip=4,clip_sampling_ratio=0.65,"
    "model_max_length=32768,tokens_per_clip=128",
    "qwen2vl", "qwen2vl:fps=1,min_frames=4,max_frames=64,frame_factor=2",
    "llava-video", "llava-video:fps=1,max_frames=32,force_sample=1",
    "lmms-eval", "lmms-eval:max_frames=32",
    "hf-transformers:fps=2", "hf-transformers:num_frames=8",
    "torchcodec-regular:seconds_between_clip_starts=1",
    "torchcodec-regular:seconds_between_clip_starts=0.5,num_frames_per_clip=3,"
    "seconds_between_frames=0.1,policy=wrap",
    "torchcodec-regular:seconds_between_clip_starts=2,num_frames_per_clip=4,policy=error",
    "torchcodec-regular:seconds_between_clip_starts=2,num_frames_per_clip=4,policy=repeat_last",
]


def params(duration, rate, frames, key_every, flags, start=0, end=0, mn=0, mx=0, seed=0):
    d = int(duration * 64)
    return bytes([0, d & 255, d >> 8, rate, frames & 255, frames >> 8, key_every, flags,
                  start, end, mn, mx, seed])


def videos(out):
    if not shutil.which("ffmpeg"):
        print("make_seeds: no ffmpeg CLI: no video seeds")
        return []
    made = []
    for name, opts in VIDEOS.items():
        path = os.path.join(out, name)
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
               "testsrc=size=64x48:rate=5:duration=1.2"] + opts + ["-frames:v", "6", path]
        if subprocess.run(cmd).returncode == 0:
            made.append(path)
        else:
            print(f"make_seeds: {name}: ffmpeg failed; skipped")
    return made


def streams(out):
    if not shutil.which("ffmpeg"):
        return {}
    made = {}
    for name, (codec, opts) in STREAMS.items():
        path = os.path.join(out, name)
        cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
               "testsrc2=size=64x48:rate=10", "-t", "1.5"] + opts + [path]
        if subprocess.run(cmd).returncode == 0:
            made[path] = codec
        else:
            print(f"make_seeds: {name}: ffmpeg failed; skipped")
    return made


def access_units(data, hevc):
    """Annex B bytes cut into access units (packets) the way a parser does: a
    new one at a parameter set, SEI or AUD, or at a picture's first slice, once
    the one before holds a picture."""
    starts, i = [], data.find(b"\0\0\1")
    while i >= 0 and i + 5 < len(data):
        starts.append(i)
        i = data.find(b"\0\0\1", i + 3)
    units, begin, picture = [], 0, False
    for s in starts:
        if hevc:
            t = (data[s + 3] >> 1) & 0x3f
            vcl, first = t < 32, t < 32 and data[s + 5] & 0x80
            new = t in (32, 33, 34, 35, 39) or first
        else:
            t = data[s + 3] & 0x1f
            vcl, first = 1 <= t <= 5, 1 <= t <= 5 and data[s + 4] & 0x80
            new = t in (6, 7, 8, 9) or first
        if new and picture:
            units.append(data[begin:s])
            begin, picture = s, False
        picture = picture or vcl
    units.append(data[begin:])
    return units


def nal_seeds(out, made):
    for path, codec in made.items():
        name = os.path.splitext(os.path.basename(path))[0]
        data = open(path, "rb").read()
        units = access_units(data, codec == 1)
        seeds = {f"{name}-au{i:02d}": u for i, u in enumerate(units[:7])}
        seeds[f"{name}-head"] = data[:600]
        eos = b"\0\0\1\x48\x01" if codec == 1 else b"\0\0\1\x0a"
        seeds[f"{name}-eos"] = units[-1] + eos
        for n, b in seeds.items():
            with open(os.path.join(out, n), "wb") as f:
                f.write(bytes([codec]) + b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vsample")
    a = ap.parse_args()
    dirs = {t: os.path.join(a.out, t) for t in ("fuzz_source", "fuzz_fetch", "fuzz_plan", "fuzz_shards", "fuzz_nal")}
    for d in dirs.values():
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)

    made = videos(dirs["fuzz_source"])
    for path in made:
        shutil.copy(path, dirs["fuzz_fetch"])
    es = streams(dirs["fuzz_source"])
    for path in es:
        if "open" not in path:
            shutil.copy(path, dirs["fuzz_fetch"])
    nal_seeds(dirs["fuzz_nal"], es)

    for i, s in enumerate(STRATEGIES):
        with open(os.path.join(dirs["fuzz_plan"], f"s{i:02d}.txt"), "wb") as f:
            f.write(s.encode())
    extra = [  # strategy + parameter bytes (fuzz_plan.c lists them)
        b"qwen2vl" + params(3.5, 255, 105, 15, 4),
        b"torchcodec-regular:seconds_between_clip_starts=0.3" + params(2, 48, 48, 5, 2 | 4),
        b"fps:4" + params(20, 50, 500, 0, 8 | 16, start=8, end=40, mn=3, mx=10, seed=7),
        b"apollo" + params(60, 60, 1800, 30, 0),
        b"keyframes" + params(1, 10, 10, 1, 1),
        b"timestamps:1,2" + params(5, 50, 125, 0, 0) + struct.pack("<4d", 0.1, 4.9, -1, 1e300),
    ]
    for i, b in enumerate(extra):
        with open(os.path.join(dirs["fuzz_plan"], f"p{i:02d}.bin"), "wb") as f:
            f.write(b)

    shards = dirs["fuzz_shards"]
    index = {"format": "vsample-shards", "version": 1,
             "shards": ["shard-00000.safetensors", "shard-00001.safetensors"],
             "samples": {"a": {"frames": 3, "parts": [
                 {"shard": "shard-00000.safetensors", "start": 0, "end": 2},
                 {"shard": "shard-00001.safetensors", "start": 2, "end": 3}],
                 "metadata": {"source": "a.mp4", "strategy": "uniform:3"}}}}
    with open(os.path.join(shards, "hand.json"), "w") as f:
        json.dump(index, f)
    if a.vsample and made:
        with tempfile.TemporaryDirectory() as tmp:
            o = os.path.join(tmp, "x")
            cmd = [a.vsample, "extract", made[0], "-o", o, "-q", "--strategy", "uniform:2",
                   "--size", "8x8", "--dtype", "u8", "--backend", "cpu"]
            if subprocess.run(cmd).returncode == 0:
                shutil.copy(os.path.join(o, "index.json"), os.path.join(shards, "extract-index.json"))
                # the shard's header (its JSON); its tensor data would only slow the fuzzer
                with open(os.path.join(o, "shard-00000.safetensors"), "rb") as f:
                    n = struct.unpack("<Q", f.read(8))[0]
                    header = f.read(n).rstrip(b" ")
                with open(os.path.join(shards, "extract-shard-header.json"), "wb") as f:
                    f.write(header)
            else:
                print("make_seeds: vsample extract failed: no extract seed")
    n = sum(len(os.listdir(d)) for d in dirs.values())
    print(f"make_seeds: {n} seeds in {a.out}")


if __name__ == "__main__":
    main()

"""Containers without an index (MPEG-TS, MPEG-PS, MPEG-PS whose tiny frames mostly have no time,
H.264 and HEVC elementary streams): exact
frames for sparse plans in any order, checked against ffprobe's frame list and the index each
picture carries (videos.py); the cost of a sparse plan counted in frames decoded, within 2x of the
same stream in MP4 (a count, not a timing); split decoders byte-identical to one; recipes choose
the same indices as on the MP4; a constant-rate TS is reported constant.

One stream of 480 frames at 25 fps (B-frames, a keyframe every 12 frames) is encoded once into
MP4 and remuxed (-c copy) into TS and an Annex B elementary stream; MPEG-PS carries MPEG-2
(FFmpeg's PS demuxer does not read H.264), encoded from the same pictures. HEVC is encoded into
MP4 and remuxed into an elementary stream the same way.

Elementary streams have no times (frame i is shown at i / rate): a reader seeks by byte position
to a keyframe that starts a closed GOP (H.264 IDR, HEVC IDR) and counts frames on from its number.
Open-GOP keyframes (x264 open-gop: recovery points; x265's default: CRA followed by RASL pictures)
cannot be counted from: those streams take the other path, decoding from the first frame, and
must be exact all the same (src/nal.c says why).
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import videos  # noqa: E402

FRAMES, RATE, SIZE = 480, 25, (96, 64)
PTS_TOL = 1e-6


def make_streams(d):
    w, h = SIZE
    raw = b"".join(videos.draw(i, w, h).tobytes() for i in range(FRAMES))
    src = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{w}x{h}", "-framerate", str(RATE), "-i", "-"]
    mp4, ts, es, ps = (os.path.join(d, n) for n in ("v.mp4", "v.ts", "v.h264", "v.mpg"))
    x264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-bf", "2", "-pix_fmt", "yuv420p"]
    gop = "keyint=12:min-keyint=12:scenecut=0"
    subprocess.run(src + x264 + ["-x264-params", gop, mp4], input=raw, check=True)
    # HEVC with a closed GOP (IDR keyframes, B-frames); open GOPs in both codecs
    x265 = ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-bf", "3"]
    made = {"hevc_mp4": src + x265 + ["-x265-params", gop + ":open-gop=0:log-level=error"],
            "open_mp4": src + x264 + ["-x264-params", gop + ":open-gop=1"],
            "cra_mp4": src + x265 + ["-x265-params", gop + ":open-gop=1:log-level=error"]}
    for name, args in made.items():
        subprocess.run(args + [os.path.join(d, name + ".mp4")], input=raw, check=True)
    # MPEG-PS: a PES packet carries the time of the first frame that starts in it; noise keeps
    # each frame in a packet of its own, as in real recordings (tiny frames: below)
    rng = np.random.default_rng(3)
    pw, ph = 320, 240
    noisy = b"".join(np.clip(videos.draw(i, pw, ph).astype(np.int16) + rng.integers(-6, 7, (ph, pw, 3)),
                             0, 255).astype(np.uint8).tobytes() for i in range(FRAMES))
    subprocess.run(src[:10] + [f"{pw}x{ph}"] + src[11:] + ["-c:v", "mpeg2video", "-q:v", "2", "-g", "12",
                                                          "-bf", "2", "-f", "vob", ps], input=noisy, check=True)
    copy = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", mp4, "-c", "copy"]
    subprocess.run(copy + ["-f", "mpegts", ts], check=True)
    subprocess.run(copy + ["-bsf:v", "h264_mp4toannexb", "-f", "h264", es], check=True)
    # Tiny frames packed several to a PES packet, which carries one time: most frames have none,
    # keyframes included, so no seek can be trusted there. (Not H.264 in PS: FFmpeg's PS muxer
    # gives some of its packed frames the time of a frame 4 later, so that not even a decoding
    # from the start agrees with the pictures' order; MPEG-PS is MPEG-1/2's container.)
    tiny_ps = os.path.join(d, "tiny.mpg")
    subprocess.run(src + ["-c:v", "mpeg2video", "-q:v", "2", "-g", "12", "-bf", "2", "-f", "vob", tiny_ps],
                   input=raw, check=True)
    out = {"mp4": mp4, "ts": ts, "h264": es, "ps": ps, "tiny_ps": tiny_ps}
    for name, codec, ext in (("hevc_mp4", "hevc", "hevc"), ("open_mp4", "h264", "h264"), ("cra_mp4", "hevc", "hevc")):
        out[name] = os.path.join(d, name + ".mp4")
        out[ES_OF[name]] = os.path.join(d, ES_OF[name] + "." + ext)
        subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", out[name], "-c", "copy",
                        "-bsf:v", codec + "_mp4toannexb", "-f", codec, out[ES_OF[name]]], check=True)
    return out


# Each elementary stream and the MP4 it was remuxed from (its frame list is the truth)
ES_OF = {"mp4": "h264", "hevc_mp4": "hevc", "open_mp4": "open_h264", "cra_mp4": "cra_hevc"}
# Open GOPs: a reader cannot count frames from their keyframes, and decodes from the first frame
OPEN_GOP = ("open_h264", "cra_hevc")
# MPEG-PS whose frames, keyframes included, mostly have no time: a reader never seeks there
# (after the demuxer's seek its parser times frames off the grid), it decodes on
TINY = ("tiny_ps",)


def decoded(video, strategy, extra=()):
    """Frames the extract decoded (its summary line), and the sample's tensors."""
    out = tempfile.mkdtemp()
    p = cli.ok(["extract", video, "-o", out, "--strategy", strategy, "--size", "64x64", "--dtype", "u8",
                "--layout", "thwc", "--backend", "cpu", *extra], timeout=120)
    m = re.search(r"; (\d+) decoded;", p.stderr)
    if not m:
        raise AssertionError(f"no decoded count in {p.stderr!r}")
    import st_reader
    tensors, _ = st_reader.read_sample(out, os.path.splitext(os.path.basename(video))[0])
    subprocess.run(["rm", "-rf", out], check=True)
    return int(m.group(1)), tensors


def check_frames(name, video, strategy, tensors, truth, errors):
    pics, pts, target = tensors["custom"], tensors["pts"], tensors["target"]
    bad = 0
    for i, t in enumerate(target):
        exp = truth.frame_at(float(t))
        try:
            got = videos.read_index(pics[i])
        except videos.DecodeError as e:
            got = f"unreadable ({e})"
        if got != exp["index"] or abs(float(pts[i]) - float(exp["time"])) > PTS_TOL:
            bad += 1
            if bad <= 3:
                errors.append(f"{name} {strategy[:40]}: t={float(t):.4f}: frame {got} pts {float(pts[i]):.4f}, "
                              f"expected {exp['index']} at {float(exp['time']):.4f}")
    return bad


def main():
    cli.require()
    videos.require_tools()
    errors = []
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as d:
        paths = make_streams(d)
        truths = {k: videos.Truth(p) for k, p in paths.items() if k not in ES_OF.values() and k not in TINY}
        for mp4, es in ES_OF.items():
            truths[es] = truths[mp4]  # the same stream; the elementary stream has no times of its own
        for name in TINY:
            truths[name] = truths["mp4"]  # the same pictures at the same rate; ffprobe times few of them
        duration = FRAMES / RATE
        sparse = sorted(rng.uniform(0, duration) for _ in range(12))
        shuffled = sparse[:]
        rng.shuffle(shuffled)
        plans = ["uniform:9", "fps:1.3", "timestamps:" + ",".join(f"{t:.4f}" for t in shuffled)]
        counts = {}
        for name, video in paths.items():
            if name in ("open_mp4", "cra_mp4"):
                continue  # only their frame lists are needed (the truth for their elementary streams)
            for strategy in plans:
                n, tensors = decoded(video, strategy, ["--segments", "1"])
                counts[(name, strategy)] = n
                bad = check_frames(name, video, strategy, tensors, truths[name], errors)
                print(f"{name} {strategy[:30]}: {len(tensors['target'])} frames, {bad} wrong, {n} decoded", flush=True)
        # the cost: a sparse plan on an unindexed container decodes about what it does on MP4
        # (MPEG-PS: a different encode of the same pictures, with the same GOPs)
        for name, ref in (("ts", "mp4"), ("ps", "mp4"), ("h264", "mp4"), ("hevc", "hevc_mp4")):
            for strategy in plans:
                a, b = counts[(name, strategy)], counts[(ref, strategy)]
                if a > 2 * b:
                    errors.append(f"{name} {strategy[:30]}: {a} frames decoded, {ref} {b}: more than 2x")
        # no seek in tiny-frame PS: a sorted plan decodes on from the start, once (no restart)
        for name in TINY:
            for strategy in plans[:2]:
                if counts[(name, strategy)] > FRAMES:
                    errors.append(f"{name} {strategy}: {counts[(name, strategy)]} frames decoded of {FRAMES}")
        # open GOPs take the other path: decoding from the first frame up to the last target
        last = int(max(sparse) * RATE)
        for name in OPEN_GOP:
            n = counts[(name, plans[2])]
            if n < last:
                errors.append(f"{name}: {n} frames decoded up to frame {last}: it seeks, but its "
                              "keyframes start open GOPs (update this test if that is now safe)")
        # --seek approximate: the countable keyframe nearest each time (its pixels and pts agree),
        # and on open GOPs, which it cannot land on, the exact frame
        for name in ("h264", "open_h264", "tiny_ps"):
            _, tensors = decoded(paths[name], "uniform:8", ["--seek", "approximate", "--segments", "1"])
            for t, pts, pic in zip(tensors["target"], tensors["pts"], tensors["custom"]):
                got, want = videos.read_index(pic), float(t) * RATE
                if name in OPEN_GOP or name in TINY:
                    right = got == truths[name].frame_at(float(t))["index"]
                else:  # a keyframe (one every 12 frames), no further than the nearest one
                    right = got % 12 == 0 and abs(got - want) <= 6 + 1e-6
                if abs(float(pts) - got / RATE) > PTS_TOL or not right:
                    errors.append(f"{name} approximate t={float(t):.4f}: frame {got} pts {float(pts):.4f}")
        # split decoders: the same bytes as one decoder
        for name in ("ts", "ps", "h264", "hevc"):
            _, one = decoded(paths[name], "fps:5", ["--segments", "1"])
            _, two = decoded(paths[name], "fps:5", ["--segments", "2"])
            for k in one:
                if not (one[k] == two[k]).all():
                    errors.append(f"{name}: --segments 2 differs from --segments 1 in {k}")
        # recipes: the same frame indices as on the MP4 of the same stream
        for recipe in ("qwen2vl", "qwen2.5vl", "internvl", "llava-video", "lmms-eval", "apollo"):
            ref = cli.plan(paths["mp4"], recipe)
            got = cli.plan(paths["ts"], recipe)
            if got.get("indices") != ref.get("indices"):
                errors.append(f"ts {recipe}: indices {got.get('indices')} != mp4's {ref.get('indices')}")
        info = cli.info(paths["ts"])
        if info.get("vfr") is not False:
            errors.append(f"ts: a constant-rate stream reported vfr={info.get('vfr')}")
        if info.get("avg_frame_rate") != f"{RATE}/1":
            errors.append(f"ts: avg_frame_rate {info.get('avg_frame_rate')}")
    if errors:
        print("FAIL:\n  " + "\n  ".join(errors))
        return 1
    print("unindexed: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

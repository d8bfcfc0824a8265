"""vsample.load() against `vsample extract` for the same options: pixels, pts and target
byte-equal to the shards, read with the independent tests/st_reader.py. Covers every
dtype (bf16 as raw bits), both layouts, several presets at once (a dict), qwen2vl's size per
video and its even T (padded like extract, or not with pad=False), a custom view, clips,
keyframes, approximate seeking, no prefetch thread, a rotated video, dedup under a token
budget (max_tokens); and four Python
threads loading at once get the bytes of sequential calls."""
import os
import threading

import numpy as np
from common import SAMPLE, cli_ok, expect, make_video, require_cli, require_ffmpeg, st_reader, tempdir

import vsample

require_cli()
require_ffmpeg()

NUMPY = {"u8": np.uint8, "f16": np.float16, "bf16": np.uint16, "f32": np.float32}

# (video name, strategy, load() keywords, extract options)
CASES = [
    ("sample", "fps:2", {}, []),
    ("small", "uniform:5", {"preset": "internvideo2-224,qwen2vl", "dtype": "f32"},
     ["--preset", "internvideo2-224,qwen2vl", "--dtype", "f32"]),
    ("small", "uniform:3", {"preset": "qwen2vl", "dtype": "bfloat16", "layout": "thwc"},
     ["--preset", "qwen2vl", "--dtype", "bf16", "--layout", "thwc"]),
    ("small", "clips:2,3,8", {"preset": "clip-336", "dtype": "uint8", "layout": "thwc"},
     ["--preset", "clip-336", "--dtype", "u8", "--layout", "thwc"]),
    ("small", "keyframes", {"preset": ["apollo"], "seek": "approximate"},
     ["--preset", "apollo", "--seek", "approximate"]),
    ("small", "fps:3", {"preset": "siglip-384", "size": (100, 60), "resize": "pad", "filter": "lanczos",
                        "mean": (0.1, 0.2, 0.3), "std": (0.5, 0.25, 0.125), "start": 0.3, "end": 1.6,
                        "prefetch": 0},
     ["--preset", "siglip-384", "--size", "100x60", "--resize", "pad", "--filter", "lanczos",
      "--mean", "0.1,0.2,0.3", "--std", "0.5,0.25,0.125", "--start", "0.3", "--end", "1.6", "--prefetch", "0"]),
    ("rotated", "uniform:4", {"preset": "qwen2vl,internvideo2-224", "dtype": "f16"},
     ["--preset", "qwen2vl,internvideo2-224"]),
    ("small", "qwen2vl:fps=3", {"preset": "qwen2vl", "dtype": "u8", "max_frames": None},
     ["--preset", "qwen2vl", "--dtype", "u8"]),
    # dedup (every candidate fetched once, spooled, the kept ones handed out) under a token budget
    ("small", "fps:8,dedup=0.02", {"preset": "internvideo2-224", "dtype": "u8", "max_tokens": 1500},
     ["--preset", "internvideo2-224", "--dtype", "u8", "--max-tokens", "1500"]),
]


def compare(video, strategy, kw, opts, out):
    what = f"{os.path.basename(video)} {strategy} {kw}"
    cli_ok(["extract", video, "-o", out, "--strategy", strategy, "--backend", "cpu", "--quiet", *opts])
    key = os.path.splitext(os.path.basename(video))[0]
    want, meta = st_reader.read_sample(out, key)
    pixels, pts, target = vsample.load(video, strategy, **kw)
    views = {v["name"]: v for v in meta["views"]}
    if not isinstance(pixels, dict):
        expect(len(views) == 1, f"{what}: one array for {len(views)} views")
        pixels = {next(iter(views)): pixels}
    expect(set(pixels) == set(views), f"{what}: views {sorted(pixels)} vs extract's {sorted(views)}")
    for name, a in pixels.items():
        v, w = views[name], want[name]
        expect(a.dtype == NUMPY[v["dtype"]], f"{what}: {name} dtype {a.dtype} for {v['dtype']}")
        shape = (3, v["height"], v["width"]) if v["layout"] == "tchw" else (v["height"], v["width"], 3)
        expect(a.shape == (len(w),) + shape, f"{what}: {name} shape {a.shape}, extract {w.shape}")
        expect(a.tobytes() == w.tobytes(), f"{what}: {name} pixels differ from extract's")
    expect(pts.dtype == np.float64 and pts.tobytes() == want["pts"].tobytes(), f"{what}: pts {pts} vs {want['pts']}")
    expect(target.tobytes() == want["target"].tobytes(), f"{what}: target {target} vs {want['target']}")
    return pixels, pts, meta


with tempdir() as tmp:
    videos = {"sample": SAMPLE, "small": make_video(os.path.join(tmp, "small.mp4")),
              "rotated": make_video(os.path.join(tmp, "rotated.mp4"), size="90x50", rotate=90)}
    for i, (name, strategy, kw, opts) in enumerate(CASES):
        pixels, pts, meta = compare(videos[name], strategy, kw, opts, os.path.join(tmp, f"out{i}"))
        if "qwen2vl" in pixels:  # T even: padded as extract pads, by repeating the last frame
            q = pixels["qwen2vl"]
            expect(len(q) % 2 == 0, f"case {i}: qwen2vl T={len(q)} is odd")
            planned = vsample.plan(videos[name], strategy)["count"]
            expect(meta["padded_frames"] == len(q) - planned, f"case {i}: padded {meta['padded_frames']}")
            if planned % 2:
                expect(np.array_equal(q[-1], q[-2]) and pts[-1] == pts[-2], f"case {i}: padding frame")
                unpadded, upts, _ = vsample.load(videos[name], strategy, **dict(kw, pad=False))
                u = unpadded["qwen2vl"] if isinstance(unpadded, dict) else unpadded
                expect(len(u) == planned and u.tobytes() == q[:planned].tobytes() and len(upts) == planned,
                       f"case {i}: pad=False gives {len(u)} frames")
    budget = vsample.load(videos["small"], "fps:8", preset="internvideo2-224", max_tokens=1500)[0]
    expect(len(budget) == 1500 // 256, f"max_tokens=1500 of 256-token frames: {len(budget)} frames")
    for bad in (0, -5):
        try:
            vsample.load(videos["small"], "fps:8", max_tokens=bad)
            expect(False, f"max_tokens={bad} accepted")
        except vsample.Error as e:
            expect("max_tokens" in e.message, f"max_tokens={bad}: {e.message}")
    rot = vsample.info(videos["rotated"])
    expect((rot["display_width"], rot["display_height"]) == (50, 90), f"rotated: {rot['display_width']}x{rot['display_height']}")

    # several Python threads at once (the GIL is released in the library): the same bytes
    jobs = [(videos["small"], "uniform:6", {"preset": "internvideo2-224"}),
            (SAMPLE, "fps:1", {"preset": "clip-336", "dtype": "f32"}),
            (videos["small"], "keyframes", {"preset": "siglip-384", "seek": "approximate"}),
            (videos["rotated"], "uniform:3", {"preset": "qwen2vl"})]
    sequential = [vsample.load(v, s, **kw) for v, s, kw in jobs]
    results, errors = [None] * len(jobs), []

    def worker(i):
        try:
            for _ in range(3):
                results[i] = vsample.load(jobs[i][0], jobs[i][1], **jobs[i][2])
                expect(all(a.tobytes() == b.tobytes() for a, b in zip(results[i], sequential[i])),
                       f"thread {i}: differs from the sequential call")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(f"thread {i}: {e!r}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expect(not errors, "; ".join(errors))
print(f"ok: {len(CASES)} load() cases byte-equal to extract, 4 threads x 3 loads equal to sequential")

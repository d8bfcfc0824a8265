"""vsample.info() and vsample.plan() against `vsample info --json` / `vsample plan --json`
(every key, numbers bit for bit), on the shipped sample and on videos made here (B-frames,
a start time of 5 s, a stream without an index), for grid, jitter, clip, keyframe, explicit,
recipe and content-aware strategies and the plan options; plus hand-computed times for
uniform:4."""
import json
import os

import numpy as np
from common import SAMPLE, cli, cli_json, expect, make_video, require_cli, require_ffmpeg, tempdir

import vsample

require_cli()
require_ffmpeg()

STRATEGIES = [
    ("fps:2", {}),
    ("fps:3", {"start": 0.25, "end": 1.7}),
    ("fps:30", {"max_frames": 7}),
    ("fps:0.5", {"min_frames": 5}),
    ("uniform:7,jitter", {"seed": 12345}),
    ("fps:4,jitter", {"seed": 3, "start": 0.5}),
    ("clips:3,4,8", {}),
    ("keyframes", {}),
    ("timestamps:0.5,0.1,0.1,1.25", {}),
    ("qwen2vl", {}),
    ("lmms-eval:max_frames=8", {}),
    ("torchcodec-regular:seconds_between_clip_starts=0.5,num_frames_per_clip=2", {}),
    ("fps:4,dedup=0.02", {"min_frames": 3}),
    ("scenes:per_scene=2", {}),
]
OPTS = {"start": "--start", "end": "--end", "min_frames": "--min-frames", "max_frames": "--max-frames",
        "seed": "--seed"}


def check_plan(video, strategy, kw):
    args = ["plan", video, "--strategy", strategy, "--json"]
    for k, v in kw.items():
        args += [OPTS[k], str(v)]
    what = f"{video} {strategy} {kw}"
    p = cli(args)
    if p.returncode != 0:  # the same failure, with the library's message the CLI printed
        try:
            vsample.plan(video, strategy, **kw)
        except vsample.Error as e:
            expect(e.message in p.stderr, f"{what}: {e.message!r} is not the CLI's {p.stderr!r}")
            return None
        raise AssertionError(f"{what}: the CLI failed ({p.stderr.strip()}), plan() did not")
    want = json.loads(p.stdout)
    got = vsample.plan(video, strategy, **kw)
    for key in ("path", "strategy", "duration", "count", "note"):
        expect(got[key] == want[key], f"{what}: {key} {got[key]!r} vs CLI {want[key]!r}")
    expect(got["times"].dtype == np.float64 and got["times"].shape == (want["count"],), f"{what}: times shape")
    # JSON numbers from the CLI read back as the same doubles (it prints round-trip digits)
    expect(got["times"].tolist() == want["times"], f"{what}: times {got['times'].tolist()} vs {want['times']}")
    for key, dtype in (("indices", np.int64), ("clips", np.int32)):
        if key in want:
            expect(got[key] is not None and got[key].dtype == dtype and got[key].tolist() == want[key],
                   f"{what}: {key} {got[key]} vs CLI {want[key]}")
        else:
            expect(got[key] is None, f"{what}: {key} should be None, is {got[key]}")
    for key in ("scenes", "dropped"):  # the content-aware strategies' reasons, number for number
        expect(got[key] == want.get(key), f"{what}: {key} {got[key]} vs CLI {want.get(key)}")
    expect((got["num_clips"] > 0) == ("clips" in want), f"{what}: num_clips {got['num_clips']}")
    if "clips" in want:
        expect(got["num_clips"] == len(set(want["clips"])), f"{what}: num_clips {got['num_clips']}")
    return got


with tempdir() as tmp:
    videos = [SAMPLE, make_video(os.path.join(tmp, "bframes.mp4")),
              make_video(os.path.join(tmp, "offset.mp4"), extra=["-output_ts_offset", "5"]),
              make_video(os.path.join(tmp, "noindex.ts"), size="80x48", rate=12)]
    planned = 0
    for video in videos:
        for scan in (False, True):
            want = cli_json(["info", video, "--json"] + (["--scan"] if scan else []))
            got = vsample.info(video, scan=scan)
            expect(list(got) == list(want), f"{video}: info keys {list(got)} vs CLI {list(want)}")
            for key in want:
                expect(got[key] == want[key] and type(got[key]) in (type(want[key]), float),
                       f"{video} scan={scan}: info[{key!r}] = {got[key]!r}, CLI {want[key]!r}")
        for strategy, kw in STRATEGIES:
            planned += check_plan(video, strategy, kw) is not None
    # accepts os.PathLike, and the time origin is the stream's start
    import pathlib
    expect(vsample.info(pathlib.Path(videos[2]))["start_time"] == 5.0, "offset video: start_time")
    # independent of the CLI: uniform:N gives the centres of N equal segments of the 12 s sample
    expect(vsample.plan(SAMPLE, "uniform:4")["times"].tolist() == [1.5, 4.5, 7.5, 10.5], "uniform:4 centres")
    expect(vsample.plan(SAMPLE, "clips:2,3,10")["clips"].tolist() == [0, 0, 0, 1, 1, 1], "clip ids")
expect(planned >= len(STRATEGIES) * len(videos) - 3, f"only {planned} plans succeeded")
print(f"ok: info and {planned} plans ({len(STRATEGIES)} strategies x {len(videos)} videos, the rest failing "
      "as the CLI does) match the CLI")

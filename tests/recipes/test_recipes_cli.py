"""Recipes through the CLI on real videos (made by the ffmpeg CLI; each picture carries its frame
index, tests/fetch/videos.py): `vsample plan --json` gives the indices that the loader re-written in
Python (references.py) chooses from ffprobe's view of the video (frames that demux, average fps,
frame times), its "times" are those frames' times, and `vsample extract` returns exactly those
frames (K/pts, and the index drawn in each picture) on constant and variable frame rate video,
B-frames and a stream that starts at 5 s.

Exit 77 when the CLI, numpy, torch or the ffmpeg CLI is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import numpy as np  # noqa: F401
    import torch  # noqa: F401
except ImportError as e:
    print(f"SKIP: {e}", file=sys.stderr)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fetch"))
import cli  # noqa: E402
import references as ref  # noqa: E402
import videos  # noqa: E402

VIDEOS = ["cfr_mp4", "ntsc_mp4", "vfr_mp4", "vfr_mkv", "bframes_mp4", "offset_mp4"]
EXTRACTED = ["vfr_mp4", "vfr_mkv", "bframes_mp4"]
TIME_TOL = 1e-9


def parse_strategy(s):
    name, _, args = s.partition(":")
    kw = {}
    for field in filter(None, args.split(",")):
        k, v = field.split("=")
        kw[k] = v if k == "policy" else float(v) if "." in v else int(v)
    return name, kw


def stream_end(truth):
    """End of the last frame as torchcodec's scan sees it: max(packet pts + duration), exact
    (ffprobe's frame durations are rounded to microseconds)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=pts,duration", "-of", "csv=p=0", truth.path],
                         capture_output=True, check=True, text=True).stdout
    ends = []
    for line in out.split():
        pts, dur = (line.split(",") + ["0"])[:2]
        if pts != "N/A":
            ends.append(int(pts) + (int(dur) if dur not in ("", "N/A") else 0))
    return float(max(ends) * truth.time_base - truth.start_time)


def reference(strategy, truth):
    """(indices, clips) of the reference loader on this video, or raises as it would."""
    name, kw = parse_strategy(strategy)
    n, fps = len(truth.frames), float(truth.avg_frame_rate)
    if name == "qwen2vl":
        return ref.qwen2vl(n, fps, **kw)
    if name in ("qwen2.5vl", "qwen3vl"):
        return ref.qwen_vl_utils(n, fps, **kw)
    if name == "internvl":
        return ref.internvl(n, fps, **kw)
    if name == "lmms-eval":
        return ref.lmms_eval(n, **kw)
    if name == "llava-video":
        return ref.llava_video(n, fps, **kw)
    if name == "hf-transformers":
        return ref.hf_transformers(n, fps, fps=kw.get("fps"), num_frames=kw.get("num_frames"))
    if name == "apollo":
        return ref.apollo(n, fps, **kw)
    if name == "torchcodec-regular":
        return ref.torchcodec_regular(truth.times, stream_end(truth), **kw)
    raise AssertionError(f"no reference for {name}")


RECIPES = [
    "qwen2vl", "qwen2vl:fps=8", "qwen2vl:fps=30,max_frames=12,frame_factor=1",
    "qwen3vl", "qwen2.5vl", "qwen2.5vl:fps=8,video_start=0.5,video_end=1.5", "qwen3vl:nframes=6",
    "internvl", "internvl:num_segments=8,start=0.2,end=1.0",
    "lmms-eval:max_frames=16", "lmms-eval",
    "llava-video:fps=5", "llava-video:fps=2,max_frames=4", "llava-video:max_frames=6,force_sample=1",
    "hf-transformers:fps=3", "hf-transformers:num_frames=7",
    "apollo:clip_duration=0.5,frames_per_clip=4",
    "apollo:clip_duration=1,frames_per_clip=8,tokens_per_clip=4096,model_max_length=2048",
    "torchcodec-regular:seconds_between_clip_starts=0.5,num_frames_per_clip=3",
    "torchcodec-regular:seconds_between_clip_starts=0.3,num_frames_per_clip=2,seconds_between_frames=0.07",
]


def check_plan(video, truth, strategy, errors):
    """Returns the plan (dict) when vsample made one."""
    short = f"{truth.name} {strategy}"
    try:
        want, want_clips = reference(strategy, truth)
    except (ValueError, ZeroDivisionError, IndexError, RuntimeError) as e:
        p = cli.run(["plan", video, "--strategy", strategy, "--json"])
        if p.returncode == 0:
            errors.append(f"{short}: the reference fails ({e}) but vsample plans")
        elif p.returncode != 2 or strategy not in p.stderr:
            errors.append(f"{short}: exit {p.returncode}, message {p.stderr.strip()!r}")
        return None
    plan = cli.plan(video, strategy)
    got = plan.get("indices")
    if got != want:
        errors.append(f"{short}: indices {got} != reference {want}")
        return None
    if (plan.get("clips") or None) != (want_clips or None):
        errors.append(f"{short}: clips {plan.get('clips')} != reference {want_clips}")
    times = [truth.times[i] for i in want]
    if len(plan["times"]) != len(times) or any(abs(a - b) > TIME_TOL for a, b in zip(plan["times"], times)):
        errors.append(f"{short}: times {plan['times'][:6]} are not the frames' times {times[:6]}")
    if not plan["strategy"].startswith(strategy.split(":")[0] + ":"):
        errors.append(f"{short}: canonical strategy {plan['strategy']!r}")
    return plan


def check_extract(video, truth, strategy, plan, workdir, errors):
    short = f"{truth.name} {strategy} (extract)"
    outdir = tempfile.mkdtemp(dir=workdir)
    try:
        tensors, _ = cli.extract(video, outdir, strategy)
    except (cli.CliError, OSError, KeyError, AssertionError) as e:
        errors.append(f"{short}: extract failed: {e}")
        return
    pts, target, pics = tensors.get("pts"), tensors.get("target"), tensors.get("custom")
    T = len(plan["times"])
    if pts is None or target is None or pics is None or len(pts) != T or len(pics) != T:
        errors.append(f"{short}: tensors {sorted(tensors)} do not hold {T} frames")
        return
    if list(target) != plan["times"]:
        errors.append(f"{short}: K/target {list(target)[:6]} != plan times {plan['times'][:6]}")
    if any(abs(float(a) - b) > TIME_TOL for a, b in zip(pts, plan["times"])):
        errors.append(f"{short}: K/pts {list(pts)[:6]} != plan times {plan['times'][:6]}")
    drawn = [videos.read_index(p) for p in pics]
    if drawn != plan["indices"]:
        errors.append(f"{short}: pictures show frames {drawn}, plan indices {plan['indices']}")
    if plan.get("clips") is not None:
        clip = tensors.get("clip")
        if clip is None or list(clip) != plan["clips"]:
            errors.append(f"{short}: K/clip {None if clip is None else list(clip)} != {plan['clips']}")
    shutil.rmtree(outdir, ignore_errors=True)


def main():
    cli.require()
    videos.require_tools()
    workdir = tempfile.mkdtemp(prefix="vsample-recipes-")
    errors, planned, extracted = [], 0, 0
    try:
        for name in VIDEOS:
            video = videos.make(name, workdir)
            truth = videos.Truth(video)
            for strategy in RECIPES:
                plan = check_plan(video, truth, strategy, errors)
                planned += plan is not None
                if plan is not None and name in EXTRACTED:
                    check_extract(video, truth, strategy, plan, workdir, errors)
                    extracted += 1
        # a recipe reads the whole video: a trim is refused
        video = videos.make("cfr_mp4", workdir)
        p = cli.run(["plan", video, "--strategy", "qwen2vl", "--start", "0.5"])
        if p.returncode != 2 or "do not apply" not in p.stderr:
            errors.append(f"qwen2vl --start: exit {p.returncode}, {p.stderr.strip()!r}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for e in errors:
        print("FAIL:", e)
    print(f"{planned} plans equal the references' indices, {extracted} extracted; {len(errors)} failures")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

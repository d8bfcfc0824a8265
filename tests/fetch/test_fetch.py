"""Exact frame choice: for one test video (argument: a case of videos.CASES) and many strategies,
every frame vsample returns must be the frame displayed at its target time according to ffprobe
(the last frame whose time <= target), with the right pts, and the right picture (the index its
pixels carry, in the displayed orientation). Also `vsample info` against ffprobe.

Usage: /usr/bin/python3 test_fetch.py CASE [CASE...]   (exit 77 = skip)
"""
import json
import os
import shutil
import sys
import tempfile
from fractions import Fraction

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy not found", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import videos  # noqa: E402

PTS_TOL = 1e-6


def fmt(t):
    return repr(float(t))


def timestamp_targets(truth):
    """Times on frames, just before frames, between frames, after the end, unsorted, repeated."""
    fr = truth.frames
    n = len(fr)
    on = sorted({1, 2, n // 3, n // 2, n - 2, n - 1})
    picks = []
    for i in on:
        picks.append(fr[i]["time"])                       # exactly on frame i
        picks.append(fr[i]["time"] - Fraction(1, 10000))  # 0.1 ms before: frame i - 1
    for i in videos.leading_frames(truth.path) + keyframe_indices(truth)[1:3]:
        picks.append(fr[i]["time"])
        picks.append(fr[i]["time"] - Fraction(1, 10000))
    mid = n // 4
    picks.append((fr[mid]["time"] + fr[mid + 1]["time"]) / 2)  # between two frames
    picks.append(Fraction(0))
    picks.append(Fraction(truth.duration()) - Fraction(1, 1000))  # inside the last frame
    picks.append(Fraction(truth.duration()) + Fraction(1, 2))     # after the last frame
    # unsorted and repeated
    picks += [fr[n // 2]["time"], fr[1]["time"], fr[n // 2]["time"], fr[1]["time"]]
    return ",".join(fmt(t) for t in picks)


def keyframe_indices(truth):
    return [f["index"] for f in truth.frames if f["key"]]


def strategies(truth):
    """(strategy, extra CLI args, optional): optional ones may be refused by `plan` (exit 2)."""
    r = float(truth.avg_frame_rate)
    d = truth.duration()
    out = [
        (f"fps:{fmt(r)}", [], False),           # at the frame rate: every frame once
        (f"fps:{fmt(2 * r)}", [], False),       # above: frames repeat
        (f"fps:{fmt(r / 3)}", [], False),       # below
        ("fps:1", [], False),
        ("uniform:7", [], False),
        ("uniform:1", [], False),
        (f"uniform:{len(truth.frames)}", [], False),
        ("timestamps:" + timestamp_targets(truth), [], False),
        ("clips:3,4,8", [], False),
        ("clips:2,5,30", [], False),
        ("keyframes", [], False),
        (f"fps:{fmt(r)}", ["--start", fmt(d / 4), "--end", fmt(3 * d / 4)], False),
        ("uniform:5", ["--start", fmt(d / 3), "--end", fmt(d)], False),
        ("timestamps:-0.25,0", [], True),       # before the first frame
    ]
    return out


def check_info(video, truth, errors):
    try:
        got = cli.info(video)
    except cli.CliError as e:
        errors.append(f"info: {e}")
        return
    dw, dh = truth.display_size
    want = dict(coded_width=truth.width, coded_height=truth.height, rotation=truth.rotation,
                display_width=dw, display_height=dh, pix_fmt=truth.pix_fmt)
    for k, v in want.items():
        if got.get(k) != v:
            errors.append(f"info: {k} = {got.get(k)!r}, ffprobe says {v!r}")
    if abs(float(got.get("start_time", -1)) - float(truth.start_time)) > PTS_TOL:
        errors.append(f"info: start_time = {got.get('start_time')}, "
                      f"ffprobe says {float(truth.start_time)}")
    for key, want_rate in (("avg_frame_rate", truth.avg_frame_rate),
                           ("real_frame_rate", truth.r_frame_rate)):
        try:
            rate = Fraction(got.get(key, "x"))
        except (ValueError, ZeroDivisionError):
            rate = None
        want_rate = want_rate or Fraction(0)
        if rate is None or abs(rate - want_rate) > want_rate / 1000:
            errors.append(f"info: {key} = {got.get(key)!r}, ffprobe says {want_rate}")
    if got.get("header_frames") != (truth.nb_frames or 0):
        errors.append(f"info: header_frames = {got.get('header_frames')!r}, "
                      f"ffprobe's nb_frames is {truth.nb_frames}")
    max_dur = max(b["time"] - a["time"] for a, b in zip(truth.frames, truth.frames[1:]))
    if abs(float(got.get("duration", -1)) - truth.duration()) > float(max_dur) + 1e-6:
        errors.append(f"info: duration = {got.get('duration')}, ffprobe's frames end at "
                      f"{truth.duration():.6f} (tolerance one frame, {float(max_dur):.3f} s)")
    counted = got.get("counted_frames", -1)
    if counted not in (-1, None) and counted != len(truth.frames):
        errors.append(f"info: counted_frames = {counted}, ffprobe lists {len(truth.frames)}")
    vfr = got.get("vfr", -1)
    want_vfr = 1 if videos.CASES[truth.name].get("vfr") else 0
    if vfr not in (-1, None) and vfr != want_vfr:
        errors.append(f"info: vfr = {vfr}, the case is {'VFR' if want_vfr else 'CFR'}")


def check_strategy(video, truth, strategy, extra, optional, workdir, errors, log):
    label = f"{strategy}{' ' + ' '.join(extra) if extra else ''}"
    short = label if len(label) < 70 else label[:67] + "..."
    p = cli.run(["plan", video, "--strategy", strategy, *extra, "--json"])
    if p.returncode != 0:
        if optional and p.returncode == 2:
            log.append(f"  {short}: plan refuses it (exit 2): {p.stderr.strip()}")
            return
        errors.append(f"{short}: plan exit {p.returncode}: {p.stderr.strip()}")
        return
    plan = json.loads(p.stdout)
    times = [float(t) for t in plan["times"]]
    if len(times) > 4 * len(truth.frames) + 10:
        # only a wrong duration gets here; extracting thousands of frames would prove nothing more
        errors.append(f"{short}: plan has {len(times)} times for a video of "
                      f"{len(truth.frames)} frames (duration {plan.get('duration')}, "
                      f"ffprobe's frames end at {truth.duration():.6f}); not extracted")
        return
    if strategy == "keyframes":
        keys = [float(truth.frames[i]["time"]) for i in keyframe_indices(truth)]
        if len(keys) != len(times) or any(abs(a - b) > PTS_TOL for a, b in zip(keys, times)):
            errors.append(f"{short}: plan times {times[:8]} are not ffprobe's keyframe times "
                          f"{keys[:8]}")
    outdir = tempfile.mkdtemp(dir=workdir)
    try:
        tensors, meta = cli.extract(video, outdir, strategy, extra)
    except (cli.CliError, OSError, KeyError, AssertionError) as e:
        errors.append(f"{short}: extract failed: {e}")
        return
    pics, pts, target = tensors.get("custom"), tensors.get("pts"), tensors.get("target")
    if pics is None or pts is None or target is None:
        errors.append(f"{short}: sample lacks custom/pts/target: {sorted(tensors)}")
        return
    T = len(times)
    if pics.shape != (T, 64, 64, 3) or pts.shape != (T,) or target.shape != (T,):
        errors.append(f"{short}: shapes {pics.shape} {pts.shape} {target.shape}, plan has {T}")
        return
    if not np.array_equal(target, np.asarray(times, np.float64)):
        diff = np.max(np.abs(target - np.asarray(times))) if T else 0
        if diff > 1e-9:
            errors.append(f"{short}: K/target differs from plan times by up to {diff}")
            return
        log.append(f"  {short}: K/target equals plan times within {diff:.1e} (not bit-exact)")
    if strategy.startswith("clips:") and plan.get("clips") is None:
        errors.append(f"{short}: plan --json has no clips")
    if plan.get("clips") is not None:
        clip = tensors.get("clip")
        if clip is None or list(clip) != list(plan["clips"]):
            errors.append(f"{short}: K/clip {None if clip is None else list(clip)} "
                          f"!= plan clips {plan['clips']}")
    k_rot = truth.rotation // 90
    bad = 0
    for i, t in enumerate(times):
        exp = truth.frame_at(t)
        msgs = []
        if abs(float(pts[i]) - float(exp["time"])) > PTS_TOL:
            msgs.append(f"pts {float(pts[i]):.6f} (expected {float(exp['time']):.6f})")
        try:
            idx, k, flip = videos.decode(pics[i])
            if idx != exp["index"]:
                msgs.append(f"picture of frame {idx} (expected {exp['index']})")
            if (k, flip) != (k_rot, False):
                msgs.append(f"picture turned k={k} flip={flip} (expected k={k_rot})")
        except videos.DecodeError as e:
            msgs.append(f"unreadable picture: {e}")
        if msgs:
            bad += 1
            if bad <= 5:
                errors.append(f"{short}: target[{i}] = {t!r}: " + "; ".join(msgs))
    if bad > 5:
        errors.append(f"{short}: ... {bad} wrong frames of {T} in all")
    log.append(f"  {short}: {T} frames, {T - bad} right")
    shutil.rmtree(outdir, ignore_errors=True)


def run_case(name, workdir):
    errors, log = [], []
    problems = videos.validate(name, workdir)
    if problems:
        return [f"ground truth of {name} is wrong (test bug): {problems}"], log
    video = videos.make(name, workdir)
    truth = videos.Truth(video)
    check_info(video, truth, errors)
    for strategy, extra, optional in strategies(truth):
        check_strategy(video, truth, strategy, extra, optional, workdir, errors, log)
    return errors, log


def main():
    videos.require_tools()
    cli.require()
    names = sys.argv[1:] or list(videos.CASES)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="vsample-fetch-") as workdir:
        for name in names:
            errors, log = run_case(name, workdir)
            print(f"{name}: {'FAIL' if errors else 'ok'}")
            print("\n".join(log))
            for e in errors:
                print(f"  ERROR {name}: {e}")
            failed += bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

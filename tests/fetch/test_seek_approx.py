"""`--seek approximate`, its documented contract, on videos whose pixels carry their frame index:
every frame returned is a keyframe (or the first frame) with its true pts; it is the one nearest
the target among the keyframes on either side (within the two-frame slack of index times being
decode times); no more frames are decoded than returned (plus the first); and each tensor is
byte-identical to the exact path's tensor of the same frame. Also the decoding cost of the
keyframes strategy: no frame but the keyframes is decoded where every packet carries its time.

Usage: /usr/bin/python3 test_seek_approx.py CASE [CASE...]   (exit 77 = skip)
"""
import os
import re
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy not found", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import st_reader  # noqa: E402
import videos  # noqa: E402

PTS_TOL = 1e-6
VIEW = ["--size", "64x64", "--resize", "squash", "--filter", "bicubic", "--dtype", "u8",
        "--layout", "thwc"]


def extract(video, outdir, strategy, seek):
    p = cli.ok(["extract", video, "-o", outdir, "--strategy", strategy, "--seek", seek, *VIEW],
               timeout=120)
    m = re.search(r"\((\d+) frames; (\d+) decoded", p.stderr)
    key = os.path.splitext(os.path.basename(video))[0]
    return st_reader.read_sample(outdir, key), (int(m.group(2)) if m else None)


def check(video, truth, strategy, workdir, errors, log):
    (tensors, meta), decoded = extract(video, tempfile.mkdtemp(dir=workdir), strategy, "approximate")
    pics, pts, target = tensors["custom"], tensors["pts"], tensors["target"]
    keys = [f for f in truth.frames if f["key"]]
    if truth.frames[0] not in keys:
        keys.insert(0, truth.frames[0])
    slack = 2.0 / float(truth.avg_frame_rate)
    by_time = {round(float(f["time"]), 6): f for f in truth.frames}
    bad = 0
    for i, (t, p) in enumerate(zip(target, pts)):
        msgs = []
        frame = by_time.get(round(float(p), 6))
        if frame is None:
            msgs.append(f"pts {p:.6f} is no frame's time")
        else:
            if not (frame["key"] or frame["index"] == 0):
                msgs.append(f"frame {frame['index']} is not a keyframe")
            try:
                idx, _, _ = videos.decode(pics[i])
                if idx != frame["index"]:
                    msgs.append(f"picture of frame {idx}, pts says frame {frame['index']}")
            except videos.DecodeError as e:
                msgs.append(f"unreadable picture: {e}")
        before = [k for k in keys if float(k["time"]) <= t + PTS_TOL]
        after = [k for k in keys if float(k["time"]) > t + PTS_TOL]
        near = min(abs(float(k["time"]) - t) for k in before[-1:] + after[:1])
        if abs(float(p) - t) > near + slack:
            msgs.append(f"pts {p:.6f} is {abs(p - t):.3f} s away; keyframe at {near:.3f} s")
        if msgs:
            bad += 1
            if bad <= 5:
                errors.append(f"{strategy}: target[{i}] = {t:.6f}: " + "; ".join(msgs))
    if decoded is None or decoded > len(target) + 1:
        errors.append(f"{strategy}: {decoded} frames decoded for {len(target)} targets")
    if meta.get("seek") != "approximate":
        errors.append(f"{strategy}: metadata seek = {meta.get('seek')!r}")
    # The same frames through the exact path give the same bytes.
    exact_strategy = "timestamps:" + ",".join(repr(float(p)) for p in pts)
    (ex, _), _ = extract(video, tempfile.mkdtemp(dir=workdir), exact_strategy, "exact")
    if not np.array_equal(ex["pts"], pts) or not np.array_equal(ex["custom"], pics):
        errors.append(f"{strategy}: tensors differ from the exact path's for the same frames")
    log.append(f"  {strategy}: {len(target)} targets, {decoded} decoded, {len(target) - bad} right")


def all_packets_timed(video):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=pts", "-of", "csv=p=0", video], capture_output=True, text=True,
                         check=True).stdout.split()
    return out and all(x != "N/A" for x in out)


def check_keyframes_cost(video, truth, workdir, errors, log):
    """The keyframes strategy decodes the keyframes only, where every packet carries its time."""
    (tensors, _), decoded = extract(video, tempfile.mkdtemp(dir=workdir), "keyframes", "exact")
    keys = sum(1 for f in truth.frames if f["key"])
    timed = all_packets_timed(video)
    if timed and (decoded is None or decoded > keys):
        errors.append(f"keyframes: {decoded} frames decoded for {keys} keyframes")
    log.append(f"  keyframes: {len(tensors['pts'])} targets, {decoded} decoded"
               f"{'' if timed else ' (packets without times: decodes more)'}")


def main():
    videos.require_tools()
    cli.require()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="vsample-approx-") as workdir:
        for name in sys.argv[1:]:
            video = videos.make(name, workdir)
            truth = videos.Truth(video)
            errors, log = [], []
            for strategy in ("uniform:7", "fps:3", "timestamps:0.9,0.1,2.5,0.1"):
                try:
                    check(video, truth, strategy, workdir, errors, log)
                except (cli.CliError, OSError, KeyError) as e:
                    errors.append(f"{strategy}: {e}")
            try:
                check_keyframes_cost(video, truth, workdir, errors, log)
            except (cli.CliError, OSError, KeyError) as e:
                errors.append(f"keyframes: {e}")
            print(f"{name}: {'FAIL' if errors else 'ok'}")
            print("\n".join(log))
            for e in errors:
                print(f"  ERROR {name}: {e}")
            failed += bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

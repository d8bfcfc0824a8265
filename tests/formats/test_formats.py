"""Codec/container sweep: for each case of cases.CASES (a small video from a real encoder whose
pixels carry the frame index), `vsample info` against ffprobe, and for several strategies every
frame `vsample extract` returns must be the frame displayed at its target time according to
ffprobe's frame list (the last frame whose time <= target, the first when target precedes it):
K/pts within 1e-6 s of that frame's time and the picture showing that frame's index.

The ground truth is checked first: ffmpeg's own decode of every frame (full size and squashed to
64x64 with PIL) must carry a readable index, indices and times strictly increasing.

Usage: /usr/bin/python3 test_formats.py [--keep DIR] CASE [CASE...]    (exit 77 = all skipped)
  --keep DIR   write the videos into DIR and keep them (to reproduce a failure by hand)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

try:
    import numpy as np
    from PIL import Image
except ImportError:
    print("SKIP: numpy or PIL not found (run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fetch"))
import cases  # noqa: E402
import cli  # noqa: E402
import videos  # noqa: E402

PTS_TOL = 1e-6
EXTRACT_ARGS = ["--size", "64x64", "--resize", "squash", "--dtype", "u8", "--layout", "thwc",
                "--quiet"]


def fmt(t):
    return repr(float(t))


# ------------------------------------------------------------------ ground truth

class Truth(videos.Truth):
    """ffprobe's frame list, with each frame's index read from ffmpeg's own decode of it (so a
    case whose start was trimmed still names the right pictures). A frame that ffprobe gives
    no timestamp at all (the last P-frame of an MPEG program stream, every frame of an H.264
    elementary stream) is placed one frame duration after the frame before it (the first at
    0), as a player would show it; 'guessed' marks it."""

    def __init__(self, path):
        self._parse(path)
        self.problems = []
        pics = self._decode()
        if len(pics) != len(self.frames):
            self.problems.append(f"ffmpeg decodes {len(pics)} frames, ffprobe lists "
                                 f"{len(self.frames)}")
        for f, img in zip(self.frames, pics):
            try:
                f["index"] = videos.read_index(img)
                small = np.asarray(Image.fromarray(img).resize((64, 64), Image.BICUBIC))
                if videos.read_index(small) != f["index"]:
                    self.problems.append(f"frame at {float(f['time'])}: 64x64 index differs")
            except videos.DecodeError as e:
                self.problems.append(f"frame at {float(f['time'])}: unreadable ({e})")
                f["index"] = None
        idx = [f["index"] for f in self.frames]
        if None not in idx and any(b <= a for a, b in zip(idx, idx[1:])):
            self.problems.append(f"decoded indices are not increasing: {idx}")
        times = [f["time"] for f in self.frames]
        if any(b <= a for a, b in zip(times, times[1:])):
            self.problems.append(f"frame times are not increasing: {[float(t) for t in times]}")

    def _decode(self):
        """Every frame as the ffmpeg CLI decodes it (RGB24, coded orientation)."""
        raw = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-noautorotate", "-i",
                              self.path, "-map", "0:V:0", "-fps_mode", "passthrough",
                              "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
        size = self.width * self.height * 3
        if len(raw) % size:
            raise RuntimeError(f"{self.path}: {len(raw)} bytes is not a whole number of frames")
        return list(np.frombuffer(raw, np.uint8).reshape(-1, self.height, self.width, 3))

    def _parse(self, path):
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "V:0", "-show_streams",
             "-show_entries", "frame=pts,best_effort_timestamp,pkt_duration_time,key_frame,"
             "pict_type", "-of", "json", path], capture_output=True, check=True, text=True).stdout
        data = json.loads(out)
        st = data["streams"][0]
        self.path, self.stream = path, st
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.time_base = Fraction(st["time_base"])
        self.start_pts = int(st["start_pts"]) if st.get("start_pts", "N/A") != "N/A" else None
        self.start_time = (self.start_pts * self.time_base if self.start_pts is not None
                           else Fraction(st.get("start_time", "0")))
        self.width, self.height = int(st["width"]), int(st["height"])
        self.pix_fmt = st.get("pix_fmt")
        self.avg_frame_rate = videos._frac(st.get("avg_frame_rate"))
        self.r_frame_rate = videos._frac(st.get("r_frame_rate"))
        nb = st.get("nb_frames", "N/A")
        self.nb_frames = int(nb) if nb != "N/A" else None
        self.rotation = 0
        for sd in st.get("side_data_list", []):
            if "rotation" in sd:
                self.rotation = int(sd["rotation"]) % 360
        self.frames = []
        for i, f in enumerate(data["frames"]):
            ts = f.get("pts", f.get("best_effort_timestamp"))
            dur = f.get("pkt_duration_time")
            dur = Fraction(dur) if dur not in (None, "N/A") else None
            guessed = ts in (None, "N/A")
            if guessed:
                if not self.frames:  # a stream without any timestamp (H.264 Annex B)
                    t = Fraction(0)
                else:
                    prev = self.frames[-1]
                    t = prev["time"] + (prev["duration"] or dur or
                                        1 / (self.avg_frame_rate or 25))
            else:
                t = int(ts) * self.time_base - self.start_time
            self.frames.append(dict(index=i, time=t, key=int(f.get("key_frame", 0)),
                                    pict_type=f.get("pict_type"), duration=dur, guessed=guessed))
        self.times = [float(f["time"]) for f in self.frames]

    def frame_duration(self, i):
        f = self.frames[i]
        if f["duration"]:
            return f["duration"]
        if i + 1 < len(self.frames):
            return self.frames[i + 1]["time"] - f["time"]
        if i > 0:
            return f["time"] - self.frames[i - 1]["time"]
        rate = self.avg_frame_rate or self.r_frame_rate
        return 1 / rate if rate else Fraction(1, 25)

    def duration(self):
        return float(self.frames[-1]["time"] + self.frame_duration(len(self.frames) - 1))

    def max_frame_duration(self):
        return max(float(self.frame_duration(i)) for i in range(len(self.frames)))


# ------------------------------------------------------------------ case properties

def _probe(path, *args):
    return subprocess.run(["ffprobe", "-v", "error", *args, "-of", "json", path],
                          capture_output=True, check=True, text=True).stdout


def _streams(path):
    return json.loads(_probe(path, "-show_entries",
                             "stream=codec_type,start_time:stream_tags=alpha_mode"))["streams"]


def _audio_span(truth):
    """(start, end) of the audio stream in seconds, from its packets."""
    pk = json.loads(_probe(truth.path, "-select_streams", "a:0", "-show_entries",
                           "packet=pts_time,duration_time"))["packets"]
    ts = [(float(p["pts_time"]), float(p.get("duration_time", 0) or 0)) for p in pk
          if p.get("pts_time") not in (None, "N/A")]
    return min(t for t, _ in ts), max(t + d for t, d in ts)


def _prop_audio_first(truth):
    a0, _ = _audio_span(truth)
    return a0 < float(truth.start_time) - 0.25 or f"audio starts at {a0}, video at " \
        f"{float(truth.start_time)}"


def _prop_audio_longer(truth):
    _, a1 = _audio_span(truth)
    v1 = float(truth.start_time) + truth.duration()
    return a1 > v1 + 1.5 or f"audio ends at {a1}, video at {v1}"


def _prop_packed(truth):
    log = subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-v", "info", "-i", truth.path,
                          "-f", "null", "-"], capture_output=True, text=True).stderr
    return "packed B-frames" in log or "the decoder does not see packed B-frames"


def _has_box(path, fourcc):
    with open(path, "rb") as f:
        return fourcc in f.read()


def _prop_cover(truth):
    st = json.loads(_probe(truth.path, "-show_entries",
                           "stream=codec_name:stream_disposition=attached_pic"))["streams"]
    return any(s["codec_name"] == "png" and s["disposition"]["attached_pic"] for s in st) \
        or f"no attached picture: {st}"


PROPERTIES = {
    "fragmented": lambda t: _has_box(t.path, b"moof") or "no moof box",
    "pts_wrap": lambda t: (t.start_time < 0 < t.start_time + t.frames[-1]["time"]) or
    f"timestamps do not wrap: start {float(t.start_time)}",
    "cover": _prop_cover,
    "timecode": lambda t: any(s.get("codec_tag_string") == "tmcd" for s in json.loads(
        _probe(t.path, "-show_entries", "stream=codec_tag_string"))["streams"])
    or "no tmcd track",
    "bframes": lambda t: any(f["pict_type"] == "B" for f in t.frames) or "no B-frames",
    "untimed_frame": lambda t: any(f["guessed"] for f in t.frames) or "every frame has a pts",
    "untimed": lambda t: all(f["guessed"] for f in t.frames) or "some frames have a pts",
    "interlaced": lambda t: all(
        (f.get("interlaced_frame"), f.get("top_field_first")) == (1, 1)
        for f in json.loads(_probe(t.path, "-select_streams", "V:0", "-show_entries",
                                   "frame=interlaced_frame,top_field_first"))["frames"])
    or "frames are not coded interlaced, top field first",
    "alpha": lambda t: any(s.get("tags", {}).get("alpha_mode") == "1" for s in _streams(t.path))
    or "no alpha_mode tag",
    "audio_first": _prop_audio_first,
    "audio_longer": _prop_audio_longer,
    "packed": _prop_packed,
    "editlist": lambda t: (len(t.frames) < cases.CASES[t.name]["frames"] and
                           t.frames[0]["index"] > 0) or "the start was not trimmed",
}


def property_problems(name, truth):
    out = []
    for prop in cases.CASES[name].get("prop", []):
        ok = PROPERTIES[prop](truth)
        if ok is not True:
            out.append(f"not {prop}: {ok}")
    return out


# ------------------------------------------------------------------ checks

def check_info(video, truth, errors):
    """`vsample info` against ffprobe; returns its JSON (None when it fails)."""
    p = cli.run(["info", video, "--json"])
    if p.returncode != 0:
        errors.append(f"info: exit {p.returncode}: {p.stderr.strip()}  "
                      f"[vsample info {video} --json]")
        return None
    got = json.loads(p.stdout)
    want = dict(coded_width=truth.width, coded_height=truth.height, rotation=truth.rotation,
                pix_fmt=truth.pix_fmt)
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
    # The duration bounds every plan: ending before the last frame starts makes frames
    # unreachable; ending more than a frame after the video makes plans sample past its end.
    dur, end, frame = float(got.get("duration", -1)), truth.duration(), truth.max_frame_duration()
    last = float(truth.frames[-1]["time"])
    if dur <= last + 1e-6:
        lost = [f["index"] for f in truth.frames if float(f["time"]) >= dur - 1e-6]
        errors.append(f"info: duration = {got.get('duration')} ends before the last frame starts "
                      f"({last:.6f}): no plan can reach frame(s) {lost}")
    elif dur > end + frame + 1e-3:
        errors.append(f"info: duration = {got.get('duration')} runs {dur - end:.6f} s past the "
                      f"end of the video's frames ({end:.6f}; one frame is {frame:.6f} s)")
    elif abs(dur - end) > 2 * frame + 1e-6:
        errors.append(f"info: duration = {got.get('duration')}, ffprobe's frames end at "
                      f"{end:.6f} (tolerance two frames, {2 * frame:.3f} s)")
    counted = got.get("counted_frames", -1)
    if counted not in (-1, None) and counted != len(truth.frames):
        errors.append(f"info: counted_frames = {counted}, ffprobe lists {len(truth.frames)}")
    if got.get("vfr") not in (-1, 0, None):
        errors.append(f"info: vfr = {got.get('vfr')}, the case is constant rate")
    return got


def timestamp_targets(truth):
    """Times on frames, 0.1 ms before frames, between two frames, at 0 and before the first
    frame, inside the last frame and after it, some repeated out of order."""
    fr = truth.frames
    n = len(fr)
    picks = []
    for i in sorted({0, 1, n // 3, n // 2, n - 2, n - 1} & set(range(n))):
        picks.append(fr[i]["time"])
        if i:
            picks.append(fr[i]["time"] - Fraction(1, 10000))
    if n > 1:
        mid = n // 4
        picks.append((fr[mid]["time"] + fr[mid + 1]["time"]) / 2)
    picks.append(Fraction(0))
    if fr[0]["time"] > 0:
        picks.append(fr[0]["time"] / 2)
    last = truth.frame_duration(n - 1)
    picks.append(fr[-1]["time"] + last / 2)                 # inside the last frame
    picks.append(fr[-1]["time"] + last + Fraction(1, 4))    # after the end
    picks += [fr[n // 2]["time"], fr[min(1, n - 1)]["time"], fr[n // 2]["time"]]
    return ",".join(fmt(t) for t in picks)


def seek_targets(truth):
    """Far apart and out of order (forward and backward seeks over a long video), each on a
    frame, between frames or 0.1 ms before a frame."""
    fr, n = truth.frames, len(truth.frames)
    picks = []
    for k, q in enumerate((0.78, 0.16, 0.94, 0.55, 0.01, 0.997, 0.48, 0.71, 0.19, 0.97, 0.31)):
        i = min(n - 1, max(1, int(q * n)))
        t = fr[i]["time"]
        picks.append((t, t - Fraction(1, 10000), (t + fr[i - 1]["time"]) / 2)[k % 3])
    return ",".join(fmt(t) for t in picks)


def strategies(truth, long=False):
    """The strategies tried, the first at the frame rate; a long video: far seeks and a sparse
    grid instead."""
    r = truth.avg_frame_rate or truth.r_frame_rate or Fraction(len(truth.frames)) / Fraction(
        truth.duration())
    r = float(r)
    if long:
        return ["timestamps:" + seek_targets(truth), "fps:0.5"]
    return [f"fps:{fmt(r)}", f"fps:{fmt(2 * r)}", f"fps:{fmt(r / 3)}", "uniform:7",
            "timestamps:" + timestamp_targets(truth)]


def repro(video, strategy):
    return f"vsample extract {video} -o OUT --strategy {strategy} {' '.join(EXTRACT_ARGS)}"


def check_strategy(video, truth, duration, strategy, workdir, errors, log, every_frame=False):
    """Extract with `strategy` and check every frame; the times asked for are K/target (the
    plan itself is the plan tests' business; here only: no time inside the video is dropped).
    duration: what `vsample info` says. every_frame: the strategy samples at the frame rate,
    so every frame must come back."""
    short = strategy if len(strategy) < 60 else strategy[:57] + "..."
    if duration > 10 * truth.duration() + 10:
        errors.append(f"{short}: not extracted: the duration {duration} would make a huge plan")
        return
    outdir = tempfile.mkdtemp(dir=workdir)
    try:
        p = cli.run(["extract", video, "-o", outdir, "--strategy", strategy, *EXTRACT_ARGS],
                    timeout=120)
        if p.returncode != 0:
            errors.append(f"{short}: extract exit {p.returncode}: {p.stderr.strip()}  "
                          f"[{repro(video, strategy)}]")
            return
        import st_reader
        key = os.path.splitext(os.path.basename(video))[0]
        tensors, _ = st_reader.read_sample(outdir, key)
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    pics, pts, target = tensors.get("custom"), tensors.get("pts"), tensors.get("target")
    T = 0 if target is None else len(target)
    if pics is None or pics.shape != (T, 64, 64, 3) or pts.shape != (T,):
        errors.append(f"{short}: tensors {sorted(tensors)} shapes "
                      f"{[None if a is None else a.shape for a in (pics, pts, target)]}")
        return
    times = [float(t) for t in target]
    if strategy.startswith("timestamps:"):
        # `plan` (no decoding) must promise what extract then asked for
        p = cli.run(["plan", video, "--strategy", strategy, "--json"])
        planned = json.loads(p.stdout)["times"] if p.returncode == 0 else p.stderr.strip()
        if planned != times:
            errors.append(f"{short}: plan --json gives {planned}, extract's K/target is {times}")
        # times inside the video's frames (less 2 ms of millisecond rounding) must all be kept
        inside = [float(t) for t in strategy[11:].split(",")
                  if 0 <= float(t) < truth.duration() - 0.002]
        left, dropped = list(times), []
        for t in inside:
            if t in left:
                left.remove(t)
            else:
                dropped.append(t)
        if dropped:
            errors.append(f"{short}: requested times {dropped} on the video's frames were "
                          f"dropped (K/target has {T} of them)  [{repro(video, strategy)}]")
    bad, got = [], set()
    for i, t in enumerate(times):
        exp = truth.frame_at(t)
        msgs = []
        if abs(float(pts[i]) - float(exp["time"])) > PTS_TOL:
            msgs.append(f"pts {float(pts[i]):.6f} (expected {float(exp['time']):.6f})")
        try:
            idx = videos.read_index(pics[i])
            got.add(idx)
            if idx != exp["index"]:
                msgs.append(f"picture of frame {idx} (expected {exp['index']})")
        except videos.DecodeError as e:
            msgs.append(f"unreadable picture: {e}")
        if msgs:
            bad.append(f"target[{i}] = {t!r}: " + "; ".join(msgs))
    if every_frame:
        # the frames a grid at this rate over the real span [0, end of the last frame) meets
        step = Fraction(1) / Fraction(strategy[4:])
        want, k = set(), 0
        # (less 2 ms: millisecond time bases round the last frame's duration)
        while k * step < Fraction(truth.duration()) - Fraction(1, 500):
            want.add(truth.frame_at(float(k * step))["index"])
            k += 1
        lost = sorted(want - got)
        if lost:
            errors.append(f"{short}: at the frame rate frame(s) {lost} never come back "
                          f"(plan of {T} times up to {max(times, default=0):.6f}, frames end "
                          f"at {truth.duration():.6f})  [{repro(video, strategy)}]")
    for b in bad[:4]:
        errors.append(f"{short}: {b}")
    if bad:
        errors.append(f"{short}: {len(bad)} wrong frames of {T}  [{repro(video, strategy)}]")
    log.append(f"  {short}: {T} frames, {T - len(bad)} right")


def keyframe_times(truth):
    """Presentation times of the keyframes: the frames the decoder calls key, and the frames of
    packets the container flags as key (an H.264 I-frame that is not IDR may be either), less
    the packets an edit list discards."""
    out = json.loads(_probe(truth.path, "-select_streams", "V:0", "-show_entries",
                            "packet=pts,flags"))["packets"]
    times = {f["time"] for f in truth.frames if f["key"]}
    times |= {int(p["pts"]) * truth.time_base - truth.start_time for p in out
              if "K" in p.get("flags", "") and "D" not in p.get("flags", "")
              and p.get("pts") not in (None, "N/A")}
    return sorted(float(t) for t in times)


def check_keyframes(video, truth, errors, log):
    """`plan --strategy keyframes` (a demux-only scan) against the keyframes' presentation
    times; no extraction (which frame a time gives is checked by the other strategies)."""
    p = cli.run(["plan", video, "--strategy", "keyframes", "--json"])
    if p.returncode != 0:
        errors.append(f"keyframes: plan exit {p.returncode}: {p.stderr.strip()}")
        return
    got, want = json.loads(p.stdout)["times"], keyframe_times(truth)
    if len(got) != len(want) or any(abs(a - b) > PTS_TOL for a, b in zip(got, want)):
        errors.append(f"keyframes: plan times {got[:8]} are not the keyframes' presentation "
                      f"times {want[:8]} (frames {[truth.frame_at(t)['index'] for t in got[:8]]} "
                      f"instead of {[truth.frame_at(t)['index'] for t in want[:8]]})  "
                      f"[vsample plan {video} --strategy keyframes --json]")
    else:
        log.append(f"  keyframes: {len(got)} times right")


def check_refusal(video, errors, log):
    """A file vsample may refuse: either it works (then checked in full) or every command fails
    with exit 3 and one line naming the file. Returns True when it was refused."""
    p = cli.run(["info", video, "--json"])
    if p.returncode == 0:
        return False
    lines = p.stderr.strip().splitlines()
    if p.returncode != 3 or len(lines) != 1 or os.path.basename(video) not in lines[0]:
        errors.append(f"info refuses with exit {p.returncode} and stderr {p.stderr.strip()!r} "
                      f"(wanted exit 3 and one line naming the file)")
    p2 = cli.run(["extract", video, "-o", os.path.join(os.path.dirname(video), "refused"),
                  "--strategy", "fps:5", *EXTRACT_ARGS])
    if p2.returncode != p.returncode:
        errors.append(f"extract exits {p2.returncode}, info exits {p.returncode}")
    log.append(f"  refused (allowed): exit {p.returncode}: {p.stderr.strip()}")
    return True


def check_preview(video, truth, workdir, errors, log):
    """`vsample preview` on this container: a PNG of 2 columns of 48-pixel thumbnails (8 pixels
    apart and from the edges), each thumbnail 48 x round(48 * h / w) with the display size."""
    out = os.path.join(workdir, os.path.basename(video) + ".png")
    p = cli.run(["preview", video, "--strategy", "uniform:4", "--columns", "2", "--thumb", "48",
                 "-o", out, "-q"])
    if p.returncode != 0:
        errors.append(f"preview: exit {p.returncode}: {p.stderr.strip()}")
        return
    from PIL import Image
    with Image.open(out) as im:
        size, pix = im.size, np.asarray(im.convert("RGB"))
    dw, dh = truth.display_size
    th = round(48 * dh / dw)
    if size[0] != 2 * 48 + 3 * 8 or size[1] < 2 * th + 3 * 8:
        errors.append(f"preview: sheet {size}, want width 120 and height >= {2 * th + 24}")
    elif pix.std() < 5:
        errors.append("preview: the sheet is blank")
    else:
        log.append(f"  preview: {size[0]}x{size[1]} sheet")
    os.remove(out)


def run_case(name, videodir, workdir):
    errors, log = [], []
    try:
        video = cases.make(name, videodir)
    except cases.Skip as e:
        return None, [f"  SKIP: {e}"]
    truth = Truth(video)
    if truth.problems:
        return [f"ground truth is wrong (test bug): {truth.problems[:4]}"], log
    problems = property_problems(name, truth)
    if problems:
        return [f"the case lacks what it was made for (test bug): {problems}"], log
    expected = cases.CASES[name]["frames"]
    if cases.CASES[name].get("post") != "trim" and len(truth.frames) != expected:
        return [f"ground truth: ffprobe lists {len(truth.frames)} frames, {expected} encoded"], log
    log.append(f"  {len(truth.frames)} frames, {truth.pix_fmt}, start {float(truth.start_time)}, "
               f"first frame at {float(truth.frames[0]['time'])}, ends {truth.duration():.4f}")
    if cases.CASES[name].get("may_refuse") and check_refusal(video, errors, log):
        return errors, log
    info = check_info(video, truth, errors)
    if info is None:
        return errors, log
    long = cases.CASES[name].get("long", False)
    for i, s in enumerate(strategies(truth, long)):
        check_strategy(video, truth, float(info.get("duration", 0)), s, workdir, errors, log,
                       every_frame=i == 0 and not long)
    check_keyframes(video, truth, errors, log)
    check_preview(video, truth, workdir, errors, log)
    return errors, log


def main(argv):
    videos.require_tools()
    cli.require()
    keep = None
    if argv[:1] == ["--keep"]:
        keep, argv = argv[1], argv[2:]
        os.makedirs(keep, exist_ok=True)
    names = argv or list(cases.CASES)
    failed = ran = 0
    with tempfile.TemporaryDirectory(prefix="vsample-formats-") as workdir:
        for name in names:
            t0 = time.time()
            errors, log = run_case(name, keep or workdir, workdir)
            status = "SKIP" if errors is None else "FAIL" if errors else "ok"
            print(f"{name}: {status} ({time.time() - t0:.1f} s)")
            print("\n".join(log))
            for e in errors or []:
                print(f"  ERROR {name}: {e}")
            ran += errors is not None
            failed += bool(errors)
            sys.stdout.flush()
    if not ran:
        return 77
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

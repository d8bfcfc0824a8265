"""`vsample ablate`: every figure recomputed here from independent ground truth.

Usage: /usr/bin/python3 test_ablate.py CASE    (exit 77 = skipped)

The times a strategy asks for come from `vsample plan --json` (the planner has tests of its own);
the frame each time returns, and so every figure built on frame times, comes from ffprobe's frame
list (tests/fetch/videos.py: Truth.frame_at, "the last frame whose time <= t"); the pictures carry
their frame index in their pixels, so a thumbnail names the frame it shows. Nothing below reads a
number from vsample and compares it with itself, except the consistency of the three reports.

Cases: figures, trim, reports, timeline, sheets, errors, failures, interrupt.
"""
import csv
import json
import math
import os
import re
import shutil
import signal
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
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fetch"))
import cli  # noqa: E402
import videos  # noqa: E402

FAILURES = []

# 7.5 s at 10 fps, a keyframe every 20 frames: long enough for 1-second windows to mean something,
# and its last window [7, 7.5) is a partial one.
videos.CASES["long10_mp4"] = dict(size=(96, 72), frames=75, rate="10", ext="mp4",
                                  codec=videos.X264 + ["-g", "20", "-keyint_min", "20", "-sc_threshold", "0"])

# Documented in README.md (### ablate): presets' bytes a frame (3 x H x W x 2 for f16) and tokens.
PRESET_BYTES = {"siglip-384": 3 * 384 * 384 * 2, "clip-336": 3 * 336 * 336 * 2, "internvideo2-224": 3 * 224 * 224 * 2}
PRESET_TOKENS = {"siglip-384": 27 * 27, "clip-336": 24 * 24, "internvideo2-224": 16 * 16}

# Timeline geometry (README.md, ### ablate).
AXIS_W, ROW_H, TICK_INSET = 1000, 24, 3
BAND = (0x30, 0x30, 0x30)
TICK = (0xFF, 0xB0, 0x00)
TEXT = (0xF2, 0xF2, 0xF2)
SHEET_GAP = 8


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)
    return cond


def close(a, b, tol=1e-6):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def ablate(videos_, out, strategies, *extra, code=0):
    p = cli.run(["ablate", *videos_, "--strategies", strategies, "-o", out, "--quiet", *extra], timeout=240)
    if not check(p.returncode == code, f"ablate {strategies} {extra}: exit {p.returncode}, want {code}: "
                 f"{p.stderr.strip()}"):
        raise cli.CliError("ablate failed")
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f), p


# ------------------------------------------------------------------ the reference figures

def check_duration(tag, truth, d):
    """The duration ablate worked with: ffprobe cannot say how long the last frame lasts on every
    file (VFR), so it must end after the last frame and within two frame gaps of it."""
    last = float(truth.frames[-1]["time"])
    gap = last - float(truth.frames[-2]["time"])
    return check(last < d <= last + 2 * gap + 1e-6, f"{tag}: duration {d}, last frame at {last}")


def reference(video, strategy, duration, plan_extra=(), times=None, preset="siglip-384", tokens=None):
    """Every figure of one strategy on one video that lasts `duration` (the report's, checked by
    check_duration), from `vsample plan` times (or the given ones) and ffprobe's frames."""
    truth = videos.Truth(video)
    plan = cli.plan(video, strategy, plan_extra)
    exact = times is None  # the plan's own doubles, read back exactly from JSON
    if times is None:
        times = plan["times"]
    d = duration
    start, end = 0.0, d
    ex = list(plan_extra)
    if "--start" in ex:
        start = float(ex[ex.index("--start") + 1])
    if "--end" in ex:
        end = min(float(ex[ex.index("--end") + 1]), d)
    frames = [truth.frame_at(t) for t in times]
    pts = [float(f["time"]) for f in frames]
    n = len(pts)
    dist = sorted(set(pts))
    gaps = [b - a for a, b in zip(dist, dist[1:])]
    stretch = max([dist[0] - 0, d - dist[-1]] + gaps) if dist else d
    windows = math.ceil(d - 1e-6)
    covered = len({min(max(int(math.floor(t)), 0), windows - 1) for t in dist})
    span = end - start
    tpf = tokens if tokens is not None else PRESET_TOKENS[preset]
    return dict(frames=n, targets=times, pts=pts, plan=plan["strategy"], duration=d, span=span,
                effective_fps=n / span, distinct_times=len(dist),
                gap_min=min(gaps) if gaps else None, gap_max=max(gaps) if gaps else None,
                gap_mean=(dist[-1] - dist[0]) / (len(dist) - 1) if len(dist) > 1 else None,
                longest_stretch=stretch, windows=windows, windows_covered=covered, coverage=covered / windows,
                tensor_bytes=n * PRESET_BYTES[preset], visual_tokens=n * tpf,
                frame_indices=[f["index"] for f in frames], truth=truth, exact=exact)


def check_result(tag, got, want):
    """One strategy's entry of report.json against the reference."""
    if not check(got["status"] == "ok", f"{tag}: status {got['status']}: {got.get('error')}"):
        return
    for k in ("frames", "distinct_times", "windows", "windows_covered", "tensor_bytes", "visual_tokens", "plan"):
        check(got[k] == want[k], f"{tag}: {k} = {got[k]}, want {want[k]}")
    for k in ("span", "effective_fps", "gap_min", "gap_mean", "gap_max", "longest_stretch", "coverage"):
        check(close(got[k], want[k]), f"{tag}: {k} = {got[k]}, want {want[k]}")
    check(got["targets"] == want["targets"] if want["exact"] else
          len(got["targets"]) == len(want["targets"]) and all(map(close, got["targets"], want["targets"])),
          f"{tag}: targets {got['targets']} != {want['targets']}")
    check(len(got["pts"]) == len(want["pts"]) and all(close(a, b) for a, b in zip(got["pts"], want["pts"])),
          f"{tag}: pts {got['pts']} != ffprobe's {want['pts']}")
    # every frame returned had to be decoded at least once
    check(got["frames_decoded"] >= want["distinct_times"], f"{tag}: {got['frames_decoded']} frames decoded for "
          f"{want['distinct_times']} distinct frames")
    check(got["wall_s"] > 0, f"{tag}: wall time {got['wall_s']}")


# ------------------------------------------------------------------ cases

FIG_STRATEGIES = ["fps:1", "fps:3", "uniform:7", "timestamps:0.05,0.05,3.33,7.45,2,0.3,9", "keyframes",
                  "fps:2,jitter", "clips:2,3,4"]


def case_figures(tmp):
    """Frames, gaps, longest stretch, coverage, bytes, tokens, pts, on CFR, B-frame and VFR video."""
    vids = [videos.make(n, tmp) for n in ("long10_mp4", "bframes_mp4")]
    out = os.path.join(tmp, "out")
    rep, _ = ablate(vids, out, ";".join(FIG_STRATEGIES), "--seed", "7")
    check(len(rep["videos"]) == 2 and rep["scanned"], f"{len(rep['videos'])} videos reported, scanned {rep['scanned']}")
    check(rep["strategies"] == FIG_STRATEGIES, f"strategies {rep['strategies']}")
    check(rep["tokens_per_frame"] == 729 and rep["bytes_per_frame"] == PRESET_BYTES["siglip-384"],
          f"per frame: {rep['tokens_per_frame']} tokens, {rep['bytes_per_frame']} bytes")
    for video, v in zip(vids, rep["videos"]):
        truth = videos.Truth(video)
        check(v["status"] == "ok", f"{video}: {v['error']}")
        # CFR with an index: the duration is exact
        check(close(v["duration"], truth.duration()), f"{video}: duration {v['duration']} vs {truth.duration()}")
        for s, got in zip(FIG_STRATEGIES, v["results"]):
            check_result(f"{v['key']} {s}", got, reference(video, s, v["duration"], ["--seed", "7"]))
    # hand-checked on the 7.5 s video: timestamps (repeats kept, 9 s past the end dropped)
    r = rep["videos"][0]["results"][3]
    check(r["frames"] == 6 and r["distinct_times"] == 5 and close(r["gap_min"], 0.3) and
          close(r["longest_stretch"], 4.1) and r["windows"] == 8 and r["windows_covered"] == 4,
          f"timestamps on long10_mp4 by hand: {r}")
    # ablate measures what extract spends: same frames decoded for the same strategy
    for s, k in (("fps:3", 1), ("keyframes", 4)):
        p = cli.ok(["extract", vids[0], "-o", os.path.join(tmp, "x-" + str(k)), "--strategy", s], timeout=120)
        m = re.search(r"; (\d+) decoded", p.stderr)
        got = rep["videos"][0]["results"][k]["frames_decoded"]
        check(m and int(m.group(1)) == got, f"{s}: ablate decoded {got}, extract says {p.stderr.strip()!r}")
    # VFR, no strategy that needs a scan: the source is planned on as `vsample plan` sees it
    vfr = videos.make("vfr_mp4", tmp)
    strategies = [s for s in FIG_STRATEGIES if s != "keyframes"]
    rep, _ = ablate([vfr], os.path.join(tmp, "vfr"), ";".join(strategies), "--seed", "7")
    v = rep["videos"][0]
    check(not rep["scanned"], "vfr: scanned without a strategy that needs it")
    check_duration("vfr_mp4", videos.Truth(vfr), v["duration"])
    for s, got in zip(strategies, v["results"]):
        check_result(f"vfr_mp4 {s}", got, reference(vfr, s, v["duration"], ["--seed", "7"]))
    # with one that needs it (keyframes), every strategy plans on the scanned duration: ffprobe's
    rep, _ = ablate([vfr], os.path.join(tmp, "vfr-scan"), "keyframes;uniform:4")
    v = rep["videos"][0]
    d = videos.Truth(vfr).duration()
    check(rep["scanned"] and close(v["duration"], d), f"vfr scanned: duration {v['duration']}, ffprobe {d}")
    want = [(k + 0.5) * d / 4 for k in range(4)]
    got = v["results"][1]["targets"]
    check(all(close(a, b, 1e-9) for a, b in zip(got, want)), f"uniform:4 on the scanned duration: {got}, want {want}")
    check_result("vfr_mp4 scanned uniform:4", v["results"][1], reference(vfr, "uniform:4", d, times=got))
    keys = [f["time"] for f in videos.Truth(vfr).frames if f["key"]]
    check_result("vfr_mp4 scanned keyframes", v["results"][0],
                 reference(vfr, "keyframes", d, times=[float(t) for t in keys]))


def case_trim(tmp):
    """--start/--end/--max-frames and other presets: span, effective fps, bytes and tokens follow."""
    video = videos.make("long10_mp4", tmp)
    extra = ["--start", "1.25", "--end", "6", "--max-frames", "9"]
    strategies = ["fps:4", "uniform:5", "fps:1"]
    for preset, tokens in (("clip-336", None), ("internvideo2-224", None), ("siglip-384", 100)):
        out = os.path.join(tmp, "out-" + preset)
        args = [*extra, "--preset", preset] + (["--tokens-per-frame", str(tokens)] if tokens else [])
        rep, _ = ablate([video], out, ";".join(strategies), *args)
        check(rep["tokens_from"] == ("option" if tokens else "preset"), f"{preset}: tokens_from {rep['tokens_from']}")
        for s, got in zip(strategies, rep["videos"][0]["results"]):
            want = reference(video, s, rep["videos"][0]["duration"], extra, preset=preset, tokens=tokens)
            check_result(f"{preset} {s}", got, want)
        check(close(rep["videos"][0]["results"][0]["span"], 4.75), "span of [1.25, 6)")
    # two presets: bytes and tokens add up
    rep, _ = ablate([video], os.path.join(tmp, "two"), "uniform:4", "--preset", "siglip-384,internvideo2-224")
    r = rep["videos"][0]["results"][0]
    check(r["tensor_bytes"] == 4 * (PRESET_BYTES["siglip-384"] + PRESET_BYTES["internvideo2-224"]) and
          r["visual_tokens"] == 4 * (729 + 256), f"two presets: {r['tensor_bytes']} bytes, {r['visual_tokens']} tokens")


def qwen_size(height, width, nframes):
    """qwen-vl-utils' smart_resize for a video of nframes frames (vision_process.py)."""
    f, lo, hi, total = 28, 128 * 784, 768 * 784, 24576 * 784
    max_px = max(min(hi, total / nframes * 2), int(lo * 1.05))
    h, w = max(f, round(height / f) * f), max(f, round(width / f) * f)
    if h * w > max_px:
        beta = math.sqrt(height * width / max_px)
        h, w = max(f, math.floor(height / beta / f) * f), max(f, math.floor(width / beta / f) * f)
    elif h * w < lo:
        beta = math.sqrt(lo / (height * width))
        h, w = math.ceil(height * beta / f) * f, math.ceil(width * beta / f) * f
    return h, w


def case_presets(tmp):
    """The per-video presets: qwen2vl bytes and tokens follow its size for each strategy's frame
    count (T padded to even, tokens (T/2) x (H/28) x (W/28)); apollo's two towers add up."""
    video = videos.make("long10_mp4", tmp)
    truth = videos.Truth(video)
    strategies = ["fps:1", "uniform:5", "qwen2vl", "fps:4"]
    rep, _ = ablate([video], os.path.join(tmp, "qwen"), ";".join(strategies), "--preset", "qwen2vl")
    for s, got in zip(strategies, rep["videos"][0]["results"]):
        n = len(cli.plan(video, s)["times"])
        h, w = qwen_size(truth.height, truth.width, n)
        t = n + n % 2
        check(got["frames"] == n, f"qwen2vl {s}: {got['frames']} frames, plan has {n}")
        check(got["tensor_bytes"] == t * 3 * h * w * 2, f"qwen2vl {s}: {got['tensor_bytes']} bytes, "
              f"want {t} x 3 x {h} x {w} x 2")
        check(got["visual_tokens"] == t // 2 * (h // 28) * (w // 28),
              f"qwen2vl {s}: {got['visual_tokens']} tokens, want {t // 2} x {h // 28} x {w // 28}")
    rep, _ = ablate([video], os.path.join(tmp, "apollo"), "uniform:3", "--preset", "apollo")
    r = rep["videos"][0]["results"][0]
    check(r["tensor_bytes"] == 3 * 3 * 2 * (384 * 384 + 224 * 224) and r["visual_tokens"] == 3 * (729 + 256),
          f"apollo: {r['tensor_bytes']} bytes, {r['visual_tokens']} tokens")


def parse_md(path):
    """{key: {strategy: [cells]}} from the tables of report.md."""
    tables, key = {}, None
    with open(path) as f:
        for line in f:
            m = re.match(r"## (.+) \(`(.+)`\)$", line.strip())
            if m:
                key = m.group(1)
                tables[key] = {}
            elif line.startswith("| `") and key:
                cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
                tables[key][cells[0].strip("`")] = cells[1:]
    return tables


def case_reports(tmp):
    """report.csv, report.md and report.json say the same; the files are the documented set."""
    sub = os.path.join(tmp, "sub")
    os.mkdir(sub)
    a = videos.make("cfr_mp4", tmp)
    b = os.path.join(sub, "cfr_mp4.mp4")
    shutil.copy(a, b)
    c = videos.make("vfr_mp4", tmp)
    strategies = ["fps:2", "uniform:5", "fps:2,jitter", "timestamps:0.1"]
    out = os.path.join(tmp, "out")
    rep, _ = ablate([a, b, c], out, ";".join(strategies))
    keys = [v["key"] for v in rep["videos"]]
    check(keys == ["cfr_mp4", "cfr_mp4-2", "vfr_mp4"], f"keys {keys}")
    slugs = ["fps-2", "uniform-5", "fps-2_jitter", "timestamps-0.1"]
    want = {"report.md", "report.csv", "report.json"}
    for k in keys:
        want |= {f"{k}-timeline.png"} | {f"{k}-{s}-sheet.jpg" for s in slugs}
    check(set(os.listdir(out)) == want, f"files {sorted(os.listdir(out))}, want {sorted(want)}")
    for v in rep["videos"]:
        check(v["timeline"] == f"{v['key']}-timeline.png", f"timeline {v['timeline']}")
        for s, r in zip(slugs, v["results"]):
            check(r["sheet"] == f"{v['key']}-{s}-sheet.jpg", f"sheet {r['sheet']}")
    with open(os.path.join(out, "report.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == 3 * len(strategies), f"{len(rows)} CSV rows")
    md = parse_md(os.path.join(out, "report.md"))
    check(sorted(md) == sorted(keys), f"report.md sections {sorted(md)}")
    i = 0
    for v in rep["videos"]:
        for s, r in zip(strategies, v["results"]):
            row = rows[i]
            i += 1
            tag = f"{v['key']} {s}"
            check(row["video"] == v["path"] and row["key"] == v["key"] and row["strategy"] == s and
                  row["plan"] == r["plan"] and row["status"] == "ok" and row["error"] == "", f"{tag}: CSV {row}")
            for col, k in (("duration_s", None), ("span_s", "span"), ("effective_fps", "effective_fps"),
                           ("gap_min_s", "gap_min"), ("gap_mean_s", "gap_mean"), ("gap_max_s", "gap_max"),
                           ("longest_stretch_s", "longest_stretch"), ("coverage", "coverage"),
                           ("wall_s", "wall_s")):
                j = v["duration"] if k is None else r[k]
                check((row[col] == "" and j is None) or (row[col] != "" and float(row[col]) == j),
                      f"{tag}: CSV {col} {row[col]!r} != JSON {j}")
            for col, k in (("frames", "frames"), ("frames_decoded", "frames_decoded"),
                           ("tensor_bytes", "tensor_bytes"), ("visual_tokens", "visual_tokens")):
                check(int(row[col]) == r[k], f"{tag}: CSV {col} {row[col]} != JSON {r[k]}")
            check(row["sheet"] == r["sheet"], f"{tag}: CSV sheet {row['sheet']}")
            cells = md[v["key"]].get(s)
            if not check(cells and len(cells) == 14, f"{tag}: report.md row {cells}"):
                continue

            def fixed(x, dec, scale=1):
                return "-" if x is None else f"{x * scale:.{dec}f}"
            want_md = [str(r["frames"]), fixed(r["effective_fps"], 3), fixed(r["gap_min"], 3),
                       fixed(r["gap_mean"], 3), fixed(r["gap_max"], 3), fixed(r["longest_stretch"], 3),
                       fixed(r["coverage"], 1, 100) + "%", f"{r['shots_covered']}/{len(v['shots'])}",
                       ("-" if r["redundancy"] is None else fixed(r["redundancy"], 1, 100) + "%"), str(r["frames_decoded"]), fixed(r["wall_s"], 3),
                       str(r["tensor_bytes"]), str(r["visual_tokens"]), f"[sheet](<{r['sheet']}>)"]
            check(cells == want_md, f"{tag}: report.md {cells}, JSON says {want_md}")
    text = open(os.path.join(out, "report.md")).read()
    for k in keys:
        check(f"![timeline](<{k}-timeline.png>)" in text, f"report.md does not show {k}'s timeline")
    # a one-frame strategy has no gaps: null in JSON, empty in CSV, '-' in Markdown
    r = rep["videos"][0]["results"][3]
    check(r["gap_min"] is None and rows[3]["gap_min_s"] == "" and md["cfr_mp4"]["timestamps:0.1"][2] == "-",
          f"one frame: gap_min {r['gap_min']} / {rows[3]['gap_min_s']!r} / {md['cfr_mp4']['timestamps:0.1'][2]}")


def find_rows(img):
    """(top, bottom, axis_x) of each timeline row: lines where BAND pixels are, grouped."""
    band = np.all(img == BAND, axis=2)
    lines = np.nonzero(band.any(axis=1))[0]
    rows, start = [], None
    for j, y in enumerate(lines):
        if start is None:
            start = y
        if j + 1 == len(lines) or lines[j + 1] != y + 1:
            rows.append((start, y + 1))
            start = None
    out = []
    for top, bottom in rows:
        cols = np.nonzero(band[top])[0]
        out.append((top, bottom, int(cols[0]), int(cols[-1]) - int(cols[0]) + 1, len(cols)))
    return out


def case_timeline(tmp):
    """One row per strategy; in each, tick columns at exactly the frames' times on the axis."""
    vids = [videos.make(n, tmp) for n in ("long10_mp4", "vfr_mp4")]
    strategies = ["fps:1", "uniform:9", "keyframes", "fps:10", "timestamps:0,0.05,0.1,7.4,2.2"]
    out = os.path.join(tmp, "out")
    rep, _ = ablate(vids, out, ";".join(strategies))
    for video, v in zip(vids, rep["videos"]):
        img = np.asarray(Image.open(os.path.join(out, v["timeline"])).convert("RGB"))
        rows = find_rows(img)
        if not check(len(rows) == len(strategies), f"{v['key']}: {len(rows)} timeline rows, want {len(strategies)}"):
            continue
        truth = videos.Truth(video)
        check_duration(v["key"], truth, v["duration"])
        d = Fraction(v["duration"])
        for s, (top, bottom, axis_x, width, band_cols), r in zip(strategies, rows, v["results"]):
            tag = f"{v['key']} {s}"
            check(bottom - top == ROW_H and width == AXIS_W and band_cols == AXIS_W,
                  f"{tag}: row {top}..{bottom}, axis from {axis_x}, {width} wide, {band_cols} band columns")
            ticks = np.all(img[top:bottom] == TICK, axis=2)
            cols = set((np.nonzero(ticks.any(axis=0))[0] - axis_x).tolist())
            lines = np.nonzero(ticks.any(axis=1))[0]
            check(len(lines) == 0 or (lines[0] == TICK_INSET and lines[-1] == ROW_H - 1 - TICK_INSET),
                  f"{tag}: ticks on lines {lines[:1]}..{lines[-1:]} of the row")
            # the targets' frames (the targets themselves are checked by 'figures')
            want = reference(video, s, v["duration"], times=r["targets"])
            allowed, exact = [], set()
            for f in want["frame_indices"]:
                x = truth.frames[f]["time"] * AXIS_W / d
                opts = {min(max(math.floor(x + e), 0), AXIS_W - 1) for e in (-Fraction(1, 10**6), Fraction(1, 10**6))}
                allowed.append(opts)
                exact.add(min(max(math.floor(x), 0), AXIS_W - 1))
            check(all(o & cols for o in allowed) and all(any(c in o for o in allowed) for c in cols),
                  f"{tag}: tick columns {sorted(cols)}, want {sorted(exact)}")
            check(len(cols) == len(exact) or any(len(o) > 1 for o in allowed),
                  f"{tag}: {len(cols)} tick columns, want {len(exact)}")
            # the name, drawn left of the axis
            check(np.all(img[top:bottom, :axis_x] == TEXT, axis=2).sum() > 30, f"{tag}: no name drawn")
        # the axis under the rows: labelled marks
        below = img[rows[-1][1]:]
        check(np.all(below == TEXT, axis=2).sum() > 100, f"{v['key']}: no time labels under the rows")
        header = img[:rows[0][0]]
        check(np.all(header == TEXT, axis=2).sum() > 100, f"{v['key']}: no header")


def red_tops(sheet, x, w):
    """Top lines of the red corner cells of the thumbnails whose left edge is x."""
    strip = sheet[:, x + w // 16].astype(int)
    red = (strip[:, 0] > 150) & (strip[:, 1] < 90) & (strip[:, 2] < 90)
    tops = [y for y in range(len(red)) if red[y] and (y == 0 or not red[y - 1])]
    return tops


def case_sheets(tmp):
    """A JPEG contact sheet per strategy, its thumbnails in plan order showing the frames returned."""
    video = videos.make("long10_mp4", tmp)
    strategies = ["uniform:5", "timestamps:7,0.35,3.3,3.3", "fps:2"]
    for thumb in (None, 64):
        out = os.path.join(tmp, f"out-{thumb}")
        rep, _ = ablate([video], out, ";".join(strategies), *(["--thumb", str(thumb)] if thumb else []))
        w = thumb or 160
        h = round(w * 72 / 96)
        v = rep["videos"][0]
        for s, r in zip(strategies, v["results"]):
            tag = f"--thumb {w} {s}"
            img = Image.open(os.path.join(out, r["sheet"]))
            check(img.format == "JPEG", f"{tag}: {img.format}")
            sheet = np.asarray(img.convert("RGB"))
            n = r["frames"]
            cols = math.ceil(math.sqrt(n))
            check(img.width == SHEET_GAP + cols * (w + SHEET_GAP), f"{tag}: width {img.width}")
            want = reference(video, s, v["duration"])["frame_indices"]
            for c in range(cols):
                x = SHEET_GAP + c * (w + SHEET_GAP)
                tops = red_tops(sheet, x, w)
                ks = list(range(c, n, cols))
                if not check(len(tops) == len(ks), f"{tag}: column {c}: thumbnails at {tops}, want {len(ks)}"):
                    continue
                for k, y in zip(ks, tops):
                    try:
                        got = videos.decode(sheet[y:y + h, x:x + w])
                    except videos.DecodeError as e:
                        check(False, f"{tag}: thumbnail {k}: {e}")
                        continue
                    check(got == (want[k], 0, False), f"{tag}: thumbnail {k} shows {got}, want frame {want[k]}")
        shared = v["shared_decode"]
        distinct = len({t for r in v["results"] for t in r["targets"]})
        check(shared["times"] == distinct, f"shared decode of {shared['times']} times, want {distinct}")


def listing(d):
    return sorted(os.listdir(d)) if os.path.isdir(d) else None


def case_errors(tmp):
    """Bad command lines: exit 2, one line naming the culprit, nothing written, DIR not created."""
    video = videos.make("cfr_mp4", tmp)
    empty = os.path.join(tmp, "empty")
    os.mkdir(empty)
    fresh = os.path.join(tmp, "fresh")
    afile = os.path.join(tmp, "afile")
    open(afile, "w").close()
    cases = [
        (["--strategies", "fps:1;bogus:3"], 2, "bogus"),
        (["--strategies", "fps:0"], 2, "fps:0"),
        (["--strategies", "fps:1;;fps:2"], 2, "empty"),
        (["--strategies", "fps:1; fps:1"], 2, "twice"),
        (["--strategies", ""], 2, "empty"),
        (["--strategies", "fps:1", "--strategy", "fps:2"], 2, "--strategies"),
        (["--strategies", "fps:1", "--start", "3", "--end", "2"], 2, "--start"),
        (["--strategies", "fps:1", "--tokens-per-frame", "0"], 2, "--tokens-per-frame"),
        (["--strategies", "fps:1", "--thumb", "8"], 2, "--thumb"),
        (["--strategies", "fps:1", "--size", "64x64"], 2, "--tokens-per-frame"),
        (["--strategies", "fps:1", "--preset", "nope"], 2, "nope"),
        (["--strategies", "fps:1", "--backend", "gpu"], 2, "--backend"),
        (["--strategies", "fps:1", "--bogus"], 2, "--bogus"),
        ([], 2, "--strategies"),
    ]
    for args, code, needle in cases:
        for out in (empty, fresh):
            p = cli.run(["ablate", video, "-o", out, *args], timeout=60)
            lines = p.stderr.strip().splitlines()
            check(p.returncode == code, f"{args}: exit {p.returncode}, want {code}: {p.stderr.strip()}")
            check(len(lines) == 1 and needle in lines[0], f"{args}: stderr {p.stderr!r} should be one line naming "
                  f"{needle!r}")
            check(listing(empty) == [] and listing(fresh) is None, f"{args}: left {listing(empty)} / {listing(fresh)}")
    for args, needle in ((["ablate", "--strategies", "fps:1", "-o", empty], "VIDEO"),
                         (["ablate", video, "--strategies", "fps:1"], "-o")):
        p = cli.run(args)
        check(p.returncode == 2 and needle in p.stderr, f"{args}: exit {p.returncode}: {p.stderr.strip()}")
    # outputs that cannot be written: exit 4, before any decoding
    for out in (os.path.join(tmp, "nodir", "out"), afile):
        p = cli.run(["ablate", video, "--strategies", "fps:1", "-o", out])
        check(p.returncode == 4 and len(p.stderr.strip().splitlines()) == 1 and out in p.stderr,
              f"-o {out}: exit {p.returncode}: {p.stderr.strip()!r}")
    check("ablate VIDEO" in cli.run(["--help"]).stdout, "--help does not list ablate")


def case_failures(tmp):
    """Bad videos among good ones: the good ones reported, the bad ones reported as failed with
    their error, one line each on stderr, exit 3; a strategy failing on a video likewise."""
    good = videos.make("cfr_mp4", tmp)
    good2 = videos.make("vfr_mp4", tmp)
    text = os.path.join(tmp, "notes.txt")
    with open(text, "w") as f:
        f.write("not a video\n")
    missing = os.path.join(tmp, "missing.mp4")
    trunc = os.path.join(tmp, "trunc.mp4")
    with open(good, "rb") as f:
        data = f.read()
    with open(trunc, "wb") as f:
        f.write(data[:len(data) // 2])
    inputs = [good, text, missing, trunc, good2]
    strategies = ["fps:2", "uniform:3"]
    out = os.path.join(tmp, "out")
    rep, p = ablate(inputs, out, ";".join(strategies), code=3)
    status = [v["status"] for v in rep["videos"]]
    check(status == ["ok", "failed", "failed", "failed", "ok"], f"statuses {status}")
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 3, f"stderr: {lines}")
    for bad, line in zip((text, missing, trunc), lines):
        v = rep["videos"][inputs.index(bad)]
        check(bad in (v["error"] or "") and bad in line, f"{bad}: error {v['error']!r}, stderr {line!r}")
        check(all(r["status"] == "failed" and r["error"] == v["error"] for r in v["results"]), f"{bad}: {v['results']}")
        check(v.get("timeline") is None, f"{bad}: timeline {v.get('timeline')}")
    for i in (0, 4):
        v = rep["videos"][i]
        for s, r in zip(strategies, v["results"]):
            check_duration(v["key"], videos.Truth(inputs[i]), v["duration"])
            check_result(f"{v['key']} {s}", r, reference(inputs[i], s, v["duration"]))
    files = set(os.listdir(out))
    check(files == {"report.md", "report.csv", "report.json", "cfr_mp4-timeline.png", "vfr_mp4-timeline.png",
                    "cfr_mp4-fps-2-sheet.jpg", "cfr_mp4-uniform-3-sheet.jpg", "vfr_mp4-fps-2-sheet.jpg",
                    "vfr_mp4-uniform-3-sheet.jpg"}, f"files {sorted(files)}")
    with open(os.path.join(out, "report.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    check([r["status"] for r in rows] == ["ok", "ok"] + ["failed"] * 6 + ["ok", "ok"], f"CSV {rows}")
    md = open(os.path.join(out, "report.md")).read()
    check(md.count("**failed**") == 3, "report.md does not show the three failed videos")
    # only bad videos: the report still says why, exit 3
    out2 = os.path.join(tmp, "out2")
    rep, _ = ablate([text, missing], out2, "fps:1", code=3)
    check([v["status"] for v in rep["videos"]] == ["failed", "failed"], "all failed")
    # a strategy that cannot run on the video (a recipe with --start): that row fails, the other runs
    out3 = os.path.join(tmp, "out3")
    rep, p = ablate([good], out3, "qwen2vl;fps:1", "--start", "0.5", code=3)
    r = rep["videos"][0]["results"]
    check(r[0]["status"] == "failed" and "qwen2vl" in r[0]["error"] and good in r[0]["error"] and
          r[1]["status"] == "ok", f"recipe with --start: {r[0]['error']!r}, {r[1]['status']}")
    check(len(p.stderr.strip().splitlines()) == 1, f"stderr {p.stderr!r}")


def case_interrupt(tmp):
    """SIGINT/SIGTERM mid-run: exit 130, one line, nothing left (DIR removed when ablate made it)."""
    video = os.path.join(tmp, "long.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=30", "-t", "60", "-c:v", "libx264", "-preset",
                    "ultrafast", video], check=True)
    # Times in falling order: each one seeks back and decodes from its keyframe (x264 puts one
    # every 250 frames), some 20 s of work that is still going on however fast the machine.
    backwards = "timestamps:" + ",".join(f"{59.5 - 0.29 * k:.2f}" for k in range(200))
    for sig, premade in ((signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGINT, False)):
        out = os.path.join(tmp, f"out-{sig.name}-{premade}")
        if premade:
            os.mkdir(out)
        p = subprocess.Popen([cli.BIN, "ablate", video, "-o", out, "--strategies", "fps:1;" + backwards,
                              "--quiet"], stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        running = p.poll() is None
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1]
        check(running, f"{sig.name}: ablate finished before the signal (exit {p.returncode})")
        check(p.returncode == 130, f"{sig.name}: exit {p.returncode}, want 130: {err.strip()}")
        check(len(err.strip().splitlines()) == 1, f"{sig.name}: stderr {err!r}")
        check(listing(out) == ([] if premade else None), f"{sig.name}: left {listing(out)}")


CASES = {"figures": case_figures, "trim": case_trim, "presets": case_presets, "reports": case_reports, "timeline": case_timeline,
         "sheets": case_sheets, "errors": case_errors, "failures": case_failures, "interrupt": case_interrupt}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print(f"usage: test_ablate.py {'|'.join(CASES)}", file=sys.stderr)
        return 2
    cli.require()
    videos.require_tools()
    tmp = tempfile.mkdtemp(prefix="vsample-ablate-")
    try:
        CASES[sys.argv[1]](tmp)
    except cli.CliError as e:
        check(False, str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{sys.argv[1]}: {'FAILED' if FAILURES else 'ok'}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

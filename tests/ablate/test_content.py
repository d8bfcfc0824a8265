"""Content-aware strategies on real video: shots concatenated from distinct lavfi sources with
known cut times, moving (testsrc2, mandelbrot, life) and frozen (one frame held with tpad; a
plain colour). Checks: scenes puts N frames inside each shot and none across a cut; dedup keeps
at most one frame of a frozen shot and every frame of a moving one; --max-tokens is never
exceeded; plan --json shows the scene bounds; ablate shows the new figures.

Usage: /usr/bin/python3 test_content.py    (exit 77 = skipped)
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fetch"))
import cli  # noqa: E402

FAILURES = []
R, S, SHOT = 25, "160x90", 3  # fps, size, seconds per shot
# (source, moving): each shot lasts SHOT seconds; cuts at SHOT, 2 * SHOT, ...
SHOTS = [
    (f"testsrc2=s={S}:r={R}", True),
    (f"mandelbrot=s={S}:r={R},trim=end_frame=1,tpad=stop_mode=clone:stop={SHOT * R - 1}", False),
    (f"life=s={S}:r={R}:mold=10:ratio=0.3:death_color=#C83232:life_color=#00ff00", True),
    (f"mandelbrot=s={S}:r={R}", True),
    (f"color=c=blue:s={S}:r={R}", False),
]
CUTS = [SHOT * k for k in range(1, len(SHOTS))]
DURATION = SHOT * len(SHOTS)


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg, file=sys.stderr)
    return cond


def make(tmp):
    path = os.path.join(tmp, "shots.mp4")
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"]
    for src, _ in SHOTS:
        args += ["-f", "lavfi", "-i", f"{src},trim=duration={SHOT},setpts=N/({R}*TB)"]
    inputs = "".join(f"[{i}:v]" for i in range(len(SHOTS)))
    args += ["-filter_complex", f"{inputs}concat=n={len(SHOTS)}:v=1,format=yuv420p", "-c:v", "libx264",
             "-preset", "veryfast", "-g", "50", path]
    subprocess.run(args, check=True)
    return path


def shot_of(t):
    return sum(t >= c for c in CUTS)


def test_scenes(video):
    for n in (1, 3):
        p = json.loads(cli.ok(["plan", video, "-s", f"scenes:per_scene={n}", "--json"]).stdout)
        sc = p["scenes"]
        check([round(s["start"], 6) for s in sc] == [0] + CUTS, f"scenes starts {[s['start'] for s in sc]}")
        check(all(s["score"] > 0.1 for s in sc[1:]), f"cut scores {[s['score'] for s in sc]}")
        check(all(s["frames"] == n for s in sc), f"frames per scene {[s['frames'] for s in sc]}")
        check(p["count"] == n * len(SHOTS), f"scenes:per_scene={n}: {p['count']} times")
        for k in range(len(SHOTS)):
            inside = [t for t in p["times"] if shot_of(t) == k]
            check(len(inside) == n, f"per_scene={n}: shot {k} holds {inside}")
            # none across a cut: the frame displayed at t lies in the shot (t and its frame
            # are in [start, end) of the shot, a frame's time being <= t)
            check(all(SHOT * k <= t < SHOT * (k + 1) - 1.0 / R for t in inside), f"shot {k}: {inside}")
    p = json.loads(cli.ok(["plan", video, "-s", "scenes:per_scene=2,max_frames=6", "--json"]).stdout)
    check(p["count"] <= 6 and "merged" in p["note"], f"max_frames: {p['count']} times, note {p['note']!r}")


def test_analysis_split(video, tmp):
    """The analysis pass cut into stretches decoded at once (a video with an index, 2+ cores)
    gives the very times and scores of one pass (--threads 1): checked on every analysed
    frame (a tiny threshold makes each one a cut), on the shots (every frame analysed) and on
    a 3-minute video (past 2 minutes: the first frame of each 0.25 s step, frames no other
    refers to skipped, B-frames and keyframes every 3.7 s)."""
    long = os.path.join(tmp, "long.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=96x54:r=10,trim=duration=150",
                    "-f", "lavfi", "-i", "mandelbrot=s=96x54:r=10,trim=duration=30", "-filter_complex",
                    "[0:v][1:v]concat=n=2:v=1,format=yuv420p", "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "37", "-bf", "3", long], check=True)
    every = "scenes:threshold=0.000001,min_scene=0.01"
    for v, analysed in ((video, 200), (long, 700)):  # frozen shots score 0: no cut
        one = json.loads(cli.ok(["plan", v, "-s", every, "--threads", "1", "--json"]).stdout)
        split = json.loads(cli.ok(["plan", v, "-s", every, "--json"]).stdout)
        check(one["count"] >= analysed, f"{v}: only {one['count']} analysed frames scored above 0")
        check(one["scenes"] == split["scenes"], f"{v}: the stretches' analysis differs from one pass's")


def test_dedup(video):
    for strategy in ("fps:2,dedup", "fps:5,dedup", "uniform:40,dedup"):
        base = json.loads(cli.ok(["plan", video, "-s", strategy.split(",dedup")[0], "--json"]).stdout)["times"]
        p = json.loads(cli.ok(["plan", video, "-s", strategy, "--json"]).stdout)
        kept, dropped = p["times"], [d["time"] for d in p["dropped"]]
        check(sorted(kept + dropped) == sorted(base), f"{strategy}: kept + dropped != the plan without dedup")
        for k, (_, moving) in enumerate(SHOTS):
            want = [t for t in base if shot_of(t) == k]
            got = [t for t in kept if shot_of(t) == k]
            if moving:
                check(got == want, f"{strategy}: moving shot {k} lost {sorted(set(want) - set(got))}")
            else:
                check(len(got) <= 1, f"{strategy}: frozen shot {k} kept {got}")
        check(all(d["change"] < 0.02 for d in p["dropped"]), f"{strategy}: dropped {p['dropped']}")
    # --min-frames holds: the most different of the dropped come back
    p = json.loads(cli.ok(["plan", video, "-s", "fps:2,dedup", "--min-frames", "28", "--json"]).stdout)
    check(p["count"] == 28, f"min-frames 28: {p['count']} times")


def test_dedup_extract(video, tmp):
    """extract decides dedup while it reads (one decode, the views spooled): the same times
    as plan --json, and each kept frame the very frame extract gives without dedup, on every
    path that fetches (one decoder, split decoders, the Vulkan backend where there is one)."""
    import numpy as np  # noqa: F401  (st_reader needs it)
    import st_reader

    base = cli.extract(video, os.path.join(tmp, "x-all"), "fps:5")
    p = json.loads(cli.ok(["plan", video, "-s", "fps:5,dedup", "--json"]).stdout)
    kept = p["times"]
    check(len(p["dropped"]) > 0, "fps:5,dedup dropped nothing")
    rows = [list(base[0]["target"]).index(t) for t in kept]
    paths = [("one decoder", ["--segments", "1"]), ("split", ["--segments", "2"])]
    vk = cli.run(["extract", video, "-o", os.path.join(tmp, "vk-probe"), "-s", "uniform:1", "--backend",
                  "vulkan", "-q"])
    if vk.returncode == 0:
        paths.append(("vulkan", ["--backend", "vulkan"]))
    else:
        print(f"note: no Vulkan device, its dedup path unchecked ({vk.stderr.strip()})", file=sys.stderr)
    # min_frames: dropped frames are spooled too, and the most different come back
    restored = json.loads(cli.ok(["plan", video, "-s", "fps:5,dedup", "--min-frames", "60", "--json"]).stdout)
    check(len(kept) < 60 == restored["count"], f"--min-frames 60: {restored['count']} times")
    paths.append(("min-frames", ["--min-frames", "60"]))
    for name, extra in paths:
        if name == "min-frames":
            kept, rows = restored["times"], [list(base[0]["target"]).index(t) for t in restored["times"]]
        out = os.path.join(tmp, "x-" + name.replace(" ", "-"))
        got, meta = cli.extract(video, out, "fps:5,dedup", extra)
        check(list(got["target"]) == kept, f"dedup extract ({name}): times {list(got['target'])} != plan {kept}")
        view = [k for k in got if k not in ("pts", "target", "clip")][0]
        if check(got[view].shape[0] == len(kept), f"dedup extract ({name}): {got[view].shape[0]} frames"):
            tol = 0 if name != "vulkan" else 2  # the Vulkan resampler rounds within 1-2 levels of PIL
            diff = np.abs(got[view].astype(int) - base[0][view][rows].astype(int)).max()
            check(diff <= tol, f"dedup extract ({name}): kept frames differ from the same times without "
                  f"dedup by {diff}")
        check("dropped" in meta.get("plan_note", ""), f"{name}: the note {meta.get('plan_note')!r}")
    spool = os.path.join(tmp, "no-such-dir")
    r = cli.run(["extract", video, "-o", os.path.join(tmp, "x-nospool"), "-s", "fps:5,dedup", "-q"],
                env_extra={"TMPDIR": spool})
    check(r.returncode != 0 and "spool" in r.stderr and spool in r.stderr and len(r.stderr.strip().splitlines()) == 1,
          f"dedup with TMPDIR missing: {r.returncode} {r.stderr!r}")
    check(not os.path.exists(os.path.join(tmp, "x-nospool")) or not any(
        n.endswith(".safetensors") for n in os.listdir(os.path.join(tmp, "x-nospool"))), "a partial output left")


def shard_frames(out):
    with open(os.path.join(out, "index.json")) as f:
        return json.load(f)["samples"]["shots"]


def safetensors_shapes(out):
    shapes = {}
    for name in os.listdir(out):
        if name.endswith(".safetensors"):
            with open(os.path.join(out, name), "rb") as f:
                n = struct.unpack("<Q", f.read(8))[0]
                head = json.loads(f.read(n))
            shapes.update({k: v["shape"] for k, v in head.items() if k != "__metadata__"})
    return shapes


def test_budget(video, tmp):
    for preset, budget, per in (("siglip-384", 5000, 729), ("internvideo2-224", 2600, 256), ("internvl-448", 1800, 256)):
        out = os.path.join(tmp, f"b-{preset}")
        cli.ok(["extract", video, "-o", out, "-s", "fps:2", "--preset", preset, "--max-tokens", str(budget), "-q"])
        s = shard_frames(out)
        check(s["frames"] * per <= budget and (s["frames"] + 1) * per > budget,
              f"{preset}: {s['frames']} frames of {per} tokens for a budget of {budget}")
    for budget in (300, 2000):
        out = os.path.join(tmp, f"q{budget}")
        cli.ok(["extract", video, "-o", out, "-s", "fps:2,dedup", "--preset", "qwen2vl", "--max-tokens",
                str(budget), "-q"])
        t, _, h, w = safetensors_shapes(out)["shots/qwen2vl"]
        tokens = (t + 1) // 2 * (h // 28) * (w // 28)
        check(0 < tokens <= budget, f"qwen2vl budget {budget}: {t}x{h}x{w} = {tokens} tokens")
    r = cli.run(["extract", video, "-o", os.path.join(tmp, "none"), "-s", "fps:2", "--max-tokens", "10", "-q"])
    check(r.returncode != 0 and "not even one frame" in r.stderr, f"a budget below one frame: {r.stderr!r}")


def test_ablate(video, tmp):
    out = os.path.join(tmp, "ab")
    strategies = ["fps:2", "fps:2,dedup", "scenes:per_scene=2"]
    cli.ok(["ablate", video, "-o", out, "--strategies", ";".join(strategies), "-q"], timeout=120)
    with open(os.path.join(out, "report.json")) as f:
        v = json.load(f)["videos"][0]
    check([round(s["start"], 6) for s in v["shots"]] == [0] + CUTS, f"ablate shots {v['shots']}")
    check(v["analysis_s"] > 0, "no analysis time")
    res = {r["strategy"]: r for r in v["results"]}
    for s in strategies:
        check(res[s]["shots_covered"] == len(SHOTS) and res[s]["shot_coverage"] == 1, f"{s}: shots covered")
    check(res["fps:2"]["redundancy"] > 0.2, f"fps:2 redundancy {res['fps:2']['redundancy']}")
    check(res["fps:2,dedup"]["redundancy"] == 0, f"dedup redundancy {res['fps:2,dedup']['redundancy']}")
    check(len(res["fps:2,dedup"]["dropped"]) > 0 and not res["fps:2"]["dropped"], "dropped times")
    md = open(os.path.join(out, "report.md")).read()
    check("shots covered" in md and "redundant" in md and "Analysis pass" in md, "report.md lacks the figures")
    with open(os.path.join(out, "report.csv")) as f:
        head = f.readline()
    check("shot_coverage,redundancy,dropped" in head, f"report.csv header {head}")
    try:
        import numpy as np
        from PIL import Image
    except ImportError:
        return
    img = np.asarray(Image.open(os.path.join(out, v["timeline"])).convert("RGB"))
    cut = np.all(img == (0x40, 0xC0, 0xFF), axis=2)
    drop = np.all(img == (0xA0, 0x40, 0x40), axis=2)
    check(len(set(np.nonzero(cut.any(axis=0))[0].tolist())) == len(CUTS), "timeline: shot boundary columns")
    check(drop.any(), "timeline: no dropped frame drawn")


def main():
    cli.require()
    if not shutil.which("ffmpeg"):
        print("SKIP: no ffmpeg CLI", file=sys.stderr)
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        video = make(tmp)
        test_scenes(video)
        test_analysis_split(video, tmp)
        test_dedup(video)
        test_dedup_extract(video, tmp)
        test_budget(video, tmp)
        test_ablate(video, tmp)
    print(f"content: {len(FAILURES)} failure(s)")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

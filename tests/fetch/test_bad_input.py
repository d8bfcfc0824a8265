"""Every bad input and bad option: a documented exit code (2 = usage / bad option, 3 = an input
that cannot be read as a video, 4 = output that cannot be written), ONE stderr line naming the
input and a cause, no crash or sanitizer report, done in < 30 s, and no shard or *.tmp left.
Files that are damaged but still decode in part may succeed; then every frame returned must be
a real frame of the video (its pixels carry the index of the frame its pts names).

Usage: /usr/bin/python3 test_bad_input.py   (exit 77 = skip)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    print("SKIP: numpy not found", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
import videos  # noqa: E402

USAGE, INPUT, OUTPUT = 2, 3, 4
TIME_LIMIT = 30
NOISE = ("Traceback", "AddressSanitizer", "LeakSanitizer", "runtime error:", "Assertion",
         "Segmentation", "core dumped")
VIEW = ["--size", "64x64", "--resize", "squash", "--filter", "bicubic", "--dtype", "u8",
        "--layout", "thwc", "--quiet"]


def ffmpeg(*args):
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], check=True)


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


def cut_half(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    return write_bytes(dst, data[:len(data) // 2])


def corrupt(src, dst, seed=1234):
    """Overwrite 1% of the bytes (at least 64) in the middle third with random bytes."""
    data = bytearray(open(src, "rb").read())
    rng = np.random.default_rng(seed)
    n = max(64, len(data) // 100)
    start = len(data) // 3 + int(rng.integers(0, len(data) // 3 - n))
    data[start:start + n] = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
    return write_bytes(dst, bytes(data))


def y4m(path, w, h):
    """A YUV4MPEG2 header claiming w x h, followed by one tiny (far too short) frame."""
    return write_bytes(path, f"YUV4MPEG2 W{w} H{h} F25:1 Ip A1:1 C420jpeg\n".encode()
                       + b"FRAME\n" + bytes(1000))


def make_inputs(d):
    """(name, path, partial_ok): partial_ok means exit 0 is allowed if the frames are real."""
    good = videos.make("cfr_mp4", d)
    p = lambda name: os.path.join(d, name)  # noqa: E731
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", p("audio.wav"))
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac", p("audio.m4a"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", p("still.png"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48", "-frames:v", "1", p("still.jpg"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=25", "-frames:v", "0",
           "-c:v", "libx264", p("zero_frames.mkv"))
    # A faststart copy of the good video: its index (moov) comes first, so half of it still
    # opens and part of it decodes; the default layout puts moov last, so half has no index.
    ffmpeg("-i", good, "-c", "copy", "-movflags", "+faststart", p("faststart.mp4"))
    os.mkdir(p("a_directory.mp4"))
    rng = np.random.default_rng(99)
    return [
        ("missing", p("does_not_exist.mp4"), False),
        ("empty", write_bytes(p("empty.mp4"), b""), False),
        ("directory", p("a_directory.mp4"), False),
        ("truncated_moov_at_end", cut_half(good, p("truncated_moov_end.mp4")), False),
        ("truncated_faststart", cut_half(p("faststart.mp4"), p("truncated_faststart.mp4")), True),
        ("corrupt", corrupt(good, p("corrupt.mp4")), True),
        ("garbage", write_bytes(p("garbage.mp4"), rng.integers(0, 256, 65536, dtype=np.uint8)
                                .tobytes()), False),
        ("garbage_noext", write_bytes(p("garbage"), rng.integers(0, 256, 5000, dtype=np.uint8)
                                      .tobytes()), False),
        ("audio_wav", p("audio.wav"), False),
        ("audio_m4a", p("audio.m4a"), False),
        ("still_png", p("still.png"), False),
        ("still_jpg", p("still.jpg"), False),
        ("zero_frames", p("zero_frames.mkv"), False),
        ("absurd_width", y4m(p("absurd_width.y4m"), 100000, 16), False),
        ("absurd_pixels", y4m(p("absurd_pixels.y4m"), 30000, 30000), False),
    ]


def leftovers(outdir):
    """Shards and temporary files left in outdir, and samples index.json still lists."""
    found = []
    if not os.path.isdir(outdir):
        return found
    for root, _, files in os.walk(outdir):
        for f in files:
            if f.endswith(".safetensors") or f.endswith(".tmp") or ".tmp" in f:
                found.append(os.path.relpath(os.path.join(root, f), outdir))
    index = os.path.join(outdir, "index.json")
    if os.path.exists(index):
        try:
            samples = json.load(open(index)).get("samples", {})
        except ValueError as e:
            return found + [f"index.json unreadable: {e}"]
        if samples:
            found.append(f"index.json lists {sorted(samples)}")
    return found


def run_timed(args):
    t0 = time.monotonic()
    try:
        p = cli.run(args, timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t0
    return p, time.monotonic() - t0


def check_failure(label, args, expect, name_in_msg, errors, outdir=None):
    """Run vsample ARGS, expecting exit `expect` and one stderr line naming name_in_msg."""
    p, secs = run_timed(args)
    if p is None:
        errors.append(f"{label}: still running after {TIME_LIMIT} s")
        return None
    rc, lines = p.returncode, [ln for ln in p.stderr.splitlines() if ln.strip()]
    msg = " | ".join(lines)
    if rc < 0 or rc >= 128:
        errors.append(f"{label}: crashed (exit {rc}): {msg[:500]}")
    elif rc != expect:
        errors.append(f"{label}: exit {rc}, expected {expect}: {msg[:300]}")
    if len(lines) != 1:
        errors.append(f"{label}: stderr has {len(lines)} lines, expected 1: {msg[:500]}")
    if any(n in p.stderr for n in NOISE):
        errors.append(f"{label}: crash/sanitizer noise on stderr: {msg[:500]}")
    if name_in_msg and lines and name_in_msg not in lines[-1]:
        errors.append(f"{label}: message does not name {name_in_msg!r}: {lines[-1]}")
    if lines and len(lines[-1].replace(name_in_msg or "", "").strip(" :")) < 8:
        errors.append(f"{label}: message gives no cause: {lines[-1]}")
    if outdir:
        left = leftovers(outdir)
        if left:
            errors.append(f"{label}: output left behind: {left}")
    return p, secs, (lines[-1] if lines else "")


def check_partial(label, path, outdir, truth, errors, notes, strict):
    """An exit-0 extract of a damaged file: each frame must be real (pts in the original's
    frame list, pixels carrying that frame's index). strict=False only records mismatches
    (a corrupt bitstream can make the decoder conceal a frame with another's pixels)."""
    import st_reader

    key = os.path.splitext(os.path.basename(path))[0]
    try:
        tensors, _ = st_reader.read_sample(outdir, key)
    except Exception as e:  # noqa: BLE001 - any failure to read is the finding
        errors.append(f"{label}: exit 0 but the output cannot be read: {e!r}")
        return
    by_time = {round(float(f["time"]), 6): f["index"] for f in truth.frames}
    pics, pts = tensors["custom"], tensors["pts"]
    wrong, unreadable = [], 0
    for i in range(len(pts)):
        want = by_time.get(round(float(pts[i]), 6))
        try:
            got = videos.read_index(pics[i])
        except videos.DecodeError:
            unreadable += 1
            got = None
        if want is None or got != want:
            wrong.append((round(float(pts[i]), 4), want, got))
    notes.append(f"{label}: exit 0, {len(pts)} frames, pts {sorted(set(np.round(pts, 3)))}, "
                 f"{unreadable} unreadable, {len(wrong)} not the frame their pts names")
    if wrong and strict:
        errors.append(f"{label}: frames that are not what their pts says "
                      f"(pts, expected index, picture index): {wrong[:6]}")


def check_inputs(d, errors, notes):
    truth = videos.Truth(videos.make("cfr_mp4", d))
    for name, path, partial_ok in make_inputs(d):
        outdir = os.path.join(d, "out_" + name)
        for sub in (["info", path, "--json"], ["plan", path, "--strategy", "uniform:4", "--json"]):
            if partial_ok:
                p, _ = run_timed(sub)
                if p is not None and p.returncode == 0:
                    continue
            check_failure(f"{name} ({sub[0]})", sub, INPUT, path, errors)
        args = ["extract", path, "-o", outdir, "--strategy", "fps:25", *VIEW]
        if partial_ok:
            p, secs = run_timed(args)
            if p is None:
                errors.append(f"{name}: still running after {TIME_LIMIT} s")
            elif p.returncode == 0:
                check_partial(name, path, outdir, truth, errors, notes,
                              strict=name.startswith("truncated"))
            else:
                sub = []
                check_failure(name, args, INPUT, path, sub, outdir)
                errors.extend(sub)
                notes.append(f"{name}: exit {p.returncode} in {secs:.2f} s: "
                             f"{p.stderr.strip()[:200]}")
            continue
        r = check_failure(name, args, INPUT, path, errors, outdir)
        if r:
            notes.append(f"{name}: exit {r[0].returncode} in {r[1]:.2f} s: {r[2][:200]}")


def check_options(d, errors, notes):
    good = videos.make("cfr_mp4", d)
    blocker = write_bytes(os.path.join(d, "a_file"), b"x")
    base = ["extract", good, "--strategy", "fps:2", *VIEW]
    cases = [
        ("fps:0", ["--strategy", "fps:0"], USAGE),
        ("fps:-1", ["--strategy", "fps:-1"], USAGE),
        ("fps:abc", ["--strategy", "fps:abc"], USAGE),
        ("uniform:0", ["--strategy", "uniform:0"], USAGE),
        ("uniform:-3", ["--strategy", "uniform:-3"], USAGE),
        ("nonsense strategy", ["--strategy", "nonsense"], USAGE),
        ("empty timestamps", ["--strategy", "timestamps:"], USAGE),
        ("timestamps:1,x", ["--strategy", "timestamps:1,x"], USAGE),
        ("clips:0,4,2", ["--strategy", "clips:0,4,2"], USAGE),
        ("dtype f64", ["--dtype", "f64"], USAGE),
        ("size 0x10", ["--size", "0x10"], USAGE),
        ("size 64", ["--size", "64"], USAGE),
        ("size -4x4", ["--size", "-4x4"], USAGE),
        ("resize bogus", ["--resize", "bogus"], USAGE),
        ("filter bogus", ["--filter", "bogus"], USAGE),
        ("layout bogus", ["--layout", "bogus"], USAGE),
        ("std 0", ["--dtype", "f32", "--mean", "0.5,0.5,0.5", "--std", "0,1,1"], USAGE),
        ("mean 2 values", ["--dtype", "f32", "--mean", "0.5,0.5", "--std", "1,1,1"], USAGE),
        ("shard-size 0", ["--shard-size", "0"], USAGE),
        ("preset unknown", ["--preset", "no-such-preset"], USAGE),
        ("unknown option", ["--bogus-option"], USAGE),
        ("start after end", ["--start", "1", "--end", "0.5"], USAGE),
    ]
    for label, extra, expect in cases:
        outdir = os.path.join(d, "opt_" + label.replace(" ", "_").replace(":", "_"))
        r = check_failure(label, base + ["-o", outdir] + extra, expect, None, errors, outdir)
        if r:
            notes.append(f"{label}: exit {r[0].returncode}: {r[2][:160]}")
    # missing -o, no input, unknown subcommand, bad option to plan
    for label, args, expect in [
        ("missing -o", ["extract", good, "--strategy", "fps:2"], USAGE),
        ("no input", ["extract", "-o", os.path.join(d, "opt_noinput")], USAGE),
        ("unknown subcommand", ["frobnicate", good], USAGE),
        ("no subcommand", [], USAGE),
        ("plan fps:0", ["plan", good, "--strategy", "fps:0", "--json"], USAGE),
        ("info unknown option", ["info", good, "--bogus"], USAGE),
    ]:
        r = check_failure(label, args, expect, None, errors)
        if r:
            notes.append(f"{label}: exit {r[0].returncode}: {r[2][:160]}")
    # output that cannot be written: -o names a regular file, or a path below one
    for label, out in [("-o is a file", blocker), ("-o below a file", blocker + "/sub")]:
        r = check_failure(label, ["extract", good, "-o", out, "--strategy", "fps:2", *VIEW],
                          OUTPUT, out, errors)
        if r:
            notes.append(f"{label}: exit {r[0].returncode}: {r[2][:160]}")


def check_mixed(d, errors, notes):
    """good, bad, good: both good ones written and listed, exit 3, one line for the bad one."""
    import st_reader

    a = videos.make("cfr_mp4", d)
    b = videos.make("vp9_webm", d)
    bad = write_bytes(os.path.join(d, "bad_middle.mp4"), b"not a video at all" * 50)
    outdir = os.path.join(d, "out_mixed")
    args = ["extract", a, bad, b, "-o", outdir, "--strategy", "uniform:3", *VIEW]
    p, secs = run_timed(args)
    if p is None:
        errors.append(f"mixed: still running after {TIME_LIMIT} s")
        return
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    notes.append(f"mixed good,bad,good: exit {p.returncode} in {secs:.2f} s: {lines}")
    if p.returncode != INPUT:
        errors.append(f"mixed: exit {p.returncode}, expected {INPUT}")
    if len(lines) != 1 or bad not in lines[0]:
        errors.append(f"mixed: stderr should be one line naming {bad}: {lines}")
    try:
        samples = json.load(open(os.path.join(outdir, "index.json")))["samples"]
    except (OSError, ValueError, KeyError) as e:
        errors.append(f"mixed: no readable index.json: {e!r}")
        return
    if sorted(samples) != ["cfr_mp4", "vp9_webm"]:
        errors.append(f"mixed: index.json lists {sorted(samples)}, expected cfr_mp4, vp9_webm")
    for key, path in (("cfr_mp4", a), ("vp9_webm", b)):
        if key not in samples:
            continue
        truth = videos.Truth(path)
        tensors, _ = st_reader.read_sample(outdir, key)
        for i, t in enumerate(tensors["pts"]):
            want = truth.frame_at(float(t))["index"]
            try:
                got = videos.read_index(tensors["custom"][i])
            except videos.DecodeError as e:
                got = f"unreadable: {e}"
            if got != want:
                errors.append(f"mixed: {key} frame {i} (pts {t}): picture {got}, expected {want}")
    left = [f for f in leftovers(outdir) if not f.startswith("index.json")
            and not f.endswith(".safetensors")]
    if left:
        errors.append(f"mixed: temporary files left: {left}")


def main():
    videos.require_tools()
    cli.require()
    errors, notes = [], []
    d = tempfile.mkdtemp(prefix="vsample-bad-")
    try:
        check_inputs(d, errors, notes)
        check_options(d, errors, notes)
        check_mixed(d, errors, notes)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for n in notes:
        print("  " + n)
    for e in errors:
        print("ERROR " + e)
    print(f"{len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

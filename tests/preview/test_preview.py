"""`vsample preview`: contact sheets checked with PIL/numpy against videos made at test time.

Usage: /usr/bin/python3 test_preview.py CASE    (exit 77 = skipped)

The ground truth never comes from vsample: the frame a thumbnail must show is ffprobe's frame
displayed at the strategy's time (hand-computed times, videos.Truth.frame_at), and a frame is
recognised by its solid colour (a palette chosen here) or by the index its pixels carry
(tests/fetch/videos.py). Thumbnails are found in the sheet by the documented layout: column c
starts at x = 8 + c * (WIDTH + 8); a thumbnail row is a line whose pixels in that column are
mostly of none of the sheet's own colours (background, text), and each thumbnail is exactly
WIDTH x HEIGHT with HEIGHT = round(WIDTH * display_height / display_width).

Cases: size, colors, rotation, labels, errors, jpeg, interrupt.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

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

GAP = 8                      # between thumbnails and around them (documented layout)
BG = np.array([0x20, 0x20, 0x20], np.uint8)
TEXT = np.array([0xF2, 0xF2, 0xF2], np.uint8)  # times and the header
DIM = np.array([0x9A, 0x9A, 0x9A], np.uint8)   # indices
FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)
    return cond


def preview(video, out, *args):
    cli.ok(["preview", video, "-o", out, "--quiet", *args], timeout=120)
    img = Image.open(out)
    img.load()
    return img


def rgb(img):
    return np.asarray(img.convert("RGB"))


def find_thumbs(sheet, n, cols, w, h):
    """(x, y) of thumbnail k, in plan order; fails the test when the grid is not as expected."""
    rows = -(-n // cols)
    ys = []
    for c in range(cols):
        x = GAP + c * (w + GAP)
        strip = sheet[:, x:x + w]
        drawn = ~(np.all(strip == BG, axis=2) | np.all(strip == TEXT, axis=2) | np.all(strip == DIM, axis=2))
        full = drawn.mean(axis=1) > 0.5
        # runs of thumbnail lines; a run broken by one or two lines is one run (a grey edge in
        # a thumbnail may by chance be the background colour; label and gap bands are wider)
        runs, y = [], 0
        while y < len(full):
            if full[y]:
                y0 = y
                while y < len(full) and (full[y] or full[y + 1:y + 3].any()):
                    y += 1
                runs.append((y0, y - y0))
            y += 1
        want = len(range(c, n, cols))
        if not check(len(runs) == want and all(r[1] == h for r in runs),
                     f"column {c}: thumbnail runs {runs}, want {want} of height {h}"):
            return None
        ys.append([r[0] for r in runs])
    for c in range(1, cols):
        check(ys[c] == ys[0][:len(ys[c])], f"column {c} rows {ys[c]} != column 0 rows {ys[0]}")
    return [(GAP + (k % cols) * (w + GAP), ys[0][k // cols]) for k in range(n)]


def cell(sheet, pos, w, h):
    x, y = pos
    return sheet[y:y + h, x:x + w]


# ------------------------------------------------------------------ videos

# 64 colours, at least 70 levels apart in some channel: a thumbnail's mean names its frame.
LEVELS = (20, 90, 160, 230)
PALETTE = [(LEVELS[i % 4], LEVELS[i // 4 % 4], LEVELS[i // 16]) for i in range(64)]
PALETTE = [PALETTE[(i * 23) % 64] for i in range(64)]  # neighbours far apart


def make_colors(directory, frames=40, rate=10, size=(128, 72)):
    """Frame i is a flat PALETTE[i]; lossless 4:4:4 H.264 so the colours survive."""
    path = os.path.join(directory, "colors.mp4")
    w, h = size
    raw = b"".join(np.full((h, w, 3), PALETTE[i], np.uint8).tobytes() for i in range(frames))
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                    "-s", f"{w}x{h}", "-framerate", str(rate), "-i", "-", "-c:v", "libx264",
                    "-preset", "veryfast", "-qp", "0", "-pix_fmt", "yuv444p", path],
                   input=raw, check=True)
    return path


def nearest(mean):
    d = [np.abs(np.array(p, float) - mean).max() for p in PALETTE]
    return int(np.argmin(d)), min(d)


# ------------------------------------------------------------------ cases

def case_size(tmp):
    """PNG of the expected size for N frames and C columns, thumbnails exactly W x H."""
    video = videos.make("cfr_mp4", tmp)  # 160x120, 40 frames
    for strategy, extra, n, cols, w in [("uniform:7", ["--columns", "3", "--thumb", "96"], 7, 3, 96),
                                        ("uniform:16", [], 16, 4, 240),  # defaults
                                        ("uniform:5", ["--thumb", "64"], 5, 3, 64),
                                        ("uniform:3", ["--columns", "8", "--thumb", "50"], 3, 3, 50)]:
        out = os.path.join(tmp, f"size-{n}.png")
        img = preview(video, out, "--strategy", strategy, *extra)
        h = round(w * 120 / 160)
        check(img.format == "PNG" and img.mode == "RGB", f"{strategy}: {img.format} {img.mode}")
        check(img.width == GAP + cols * (w + GAP), f"{strategy}: width {img.width}, want {GAP + cols * (w + GAP)}")
        sheet = rgb(img)
        pos = find_thumbs(sheet, n, cols, w, h)
        if pos is None:
            continue
        rows = -(-n // cols)
        last_y = pos[-1][1]
        check(img.height > last_y + h and img.height - (last_y + h) <= 40,
              f"{strategy}: height {img.height} for a last row at {last_y}..{last_y + h}")
        # empty cells of the last row stay background
        for k in range(n, rows * cols):
            x, y = GAP + (k % cols) * (w + GAP), pos[(rows - 1) * cols][1]
            check(np.all(sheet[y:y + h, x:x + w] == BG), f"{strategy}: empty cell {k} is drawn on")
        # each thumbnail shows the right frame (index pattern), upright
        truth = videos.Truth(video)
        d = truth.duration()
        for k, p in enumerate(pos):
            want = truth.frame_at((k + 0.5) * d / n)["index"]
            try:
                got = videos.decode(cell(sheet, p, w, h))
            except videos.DecodeError as e:
                check(False, f"{strategy}: thumbnail {k}: {e}")
                continue
            check(got == (want, 0, False), f"{strategy}: thumbnail {k} shows {got}, want frame {want} upright")


def case_colors(tmp):
    """Each thumbnail's mean colour is the colour of the frame displayed at its planned time."""
    video = make_colors(tmp)
    truth = videos.Truth(video)
    d = truth.duration()
    check(abs(d - 4.0) < 1e-6, f"colors.mp4 lasts {d}, want 4.0")
    plans = {
        "uniform:9": ([], [(k + 0.5) * d / 9 for k in range(9)]),
        "timestamps:0.05,1.23,3.0,0,2.99,3.95": ([], [0.05, 1.23, 3.0, 0, 2.99, 3.95]),
        "fps:3": (["--start", "1", "--end", "3"], [1 + k / 3 for k in range(6)]),
    }
    for strategy, (extra, times) in plans.items():
        out = os.path.join(tmp, "colors.png")
        n, w = len(times), 80
        h = round(w * 72 / 128)
        cols = 4
        sheet = rgb(preview(video, out, "--strategy", strategy, "--columns", str(cols), "--thumb", str(w), *extra))
        pos = find_thumbs(sheet, n, cols, w, h)
        if pos is None:
            continue
        for k, (p, t) in enumerate(zip(pos, times)):
            want = truth.frame_at(t)["index"]
            c = cell(sheet, p, w, h).reshape(-1, 3).astype(float)
            got, err = nearest(c.mean(axis=0))
            check(got == want and err < 6 and c.std(axis=0).max() < 3,
                  f"{strategy}: thumbnail {k} (t={t:.4f}) has mean {c.mean(axis=0).round(1).tolist()}: "
                  f"frame {got} (off by {err:.1f}), want frame {want} {PALETTE[want]}")


def case_rotation(tmp):
    """A video with a 90/270 degree display matrix gives portrait thumbnails, turned for display."""
    for name in ("rot90_mp4", "rot270_mp4", "cfr_mp4"):
        video = videos.make(name, tmp)
        truth = videos.Truth(video)
        dw, dh = truth.display_size
        w, n = 60, 4
        h = round(w * dh / dw)
        if name.startswith("rot"):
            check(h > w, f"{name}: display {dw}x{dh} is not portrait")
        sheet = rgb(preview(video, os.path.join(tmp, name + ".png"), "--strategy", f"uniform:{n}",
                            "--thumb", str(w)))
        pos = find_thumbs(sheet, n, 2, w, h)
        if pos is None:
            continue
        d = truth.duration()
        for k, p in enumerate(pos):
            want = (truth.frame_at((k + 0.5) * d / n)["index"], truth.rotation // 90, False)
            try:
                got = videos.decode(cell(sheet, p, w, h))
            except videos.DecodeError as e:
                check(False, f"{name}: thumbnail {k}: {e}")
                continue
            check(got == want, f"{name}: thumbnail {k} is (index, quarter turns, flip) {got}, want {want}")


def case_labels(tmp):
    """Labels are drawn in the band under each thumbnail: the time of the frame shown (two targets
    on one frame give the same time pixels, different frames different ones), the index at the
    left; the header is drawn too."""
    video = videos.make("cfr_mp4", tmp)  # 25 fps: frames at 1.00 and 1.04
    truth = videos.Truth(video)
    times = [1.0, 1.02, 1.05, 0.2, 1.0]
    frames = [truth.frame_at(t)["index"] for t in times]
    check(frames == [25, 25, 26, 5, 25], f"ground truth frames {frames}")
    w, cols, n = 240, 5, len(times)
    h = round(w * 120 / 160)
    sheet = rgb(preview(video, os.path.join(tmp, "labels.png"), "--strategy",
                        "timestamps:" + ",".join(map(str, times)), "--columns", str(cols)))
    pos = find_thumbs(sheet, n, cols, w, h)
    if pos is None:
        return
    bands = []
    for k, (x, y) in enumerate(pos):
        band = sheet[y + h:y + h + 30, x:x + w]  # the label band, up to the sheet's end
        ink = np.all(band == TEXT, axis=2)
        other = ~np.all(band == BG, axis=2)
        check(ink[:, w // 2:].sum() > 40, f"label {k}: {ink[:, w // 2:].sum()} text pixels in the time half")
        check(other[:, :w // 2].sum() > 20, f"label {k}: {other[:, :w // 2].sum()} pixels drawn in the index half")
        # right-aligned: the time ends at the thumbnail's right edge
        cols_used = np.nonzero(ink.any(axis=0))[0]
        check(len(cols_used) and cols_used[-1] >= w - 3, f"label {k}: time ends at column {cols_used[-1:]}")
        bands.append((other[:, :w // 2], ink[:, w // 2:]))
    same_time = [(0, 1), (0, 4)]
    diff_time = [(0, 2), (0, 3), (2, 3)]
    for a, b in same_time:
        check(np.array_equal(bands[a][1], bands[b][1]), f"labels {a} and {b} show one frame but differ")
        check(not np.array_equal(bands[a][0], bands[b][0]), f"labels {a} and {b}: same index pixels")
    for a, b in diff_time:
        check(not np.array_equal(bands[a][1], bands[b][1]), f"labels {a} and {b}: frames differ, times do not")
    header = sheet[:pos[0][1]]
    check(np.all(header == TEXT, axis=2).sum() > 200, "header: no text drawn")


def case_errors(tmp):
    """Bad command lines exit 2, unreadable inputs 3, unwritable outputs 4: one line on stderr
    naming the culprit, and no file left behind (temporary or final)."""
    video = videos.make("cfr_mp4", tmp)
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    text = os.path.join(tmp, "notes.txt")
    with open(text, "w") as f:
        f.write("not a video\n")
    trunc = os.path.join(tmp, "trunc.mp4")
    with open(video, "rb") as f:
        data = f.read()
    with open(trunc, "wb") as f:
        f.write(data[:len(data) // 2])
    missing = os.path.join(tmp, "missing.mp4")
    os.mkdir(os.path.join(out, "taken.png"))
    cases = [
        (["preview", video, "-o", os.path.join(out, "sheet.gif")], 2, "unknown picture type"),
        (["preview", video, "-o", os.path.join(out, "sheet")], 2, "unknown picture type"),
        (["preview", missing, "-o", os.path.join(out, "s.gif")], 2, "unknown picture type"),
        (["preview", missing, "-o", os.path.join(out, "s.png")], 3, missing),
        (["preview", text, "-o", os.path.join(out, "s.png")], 3, text),
        (["preview", tmp, "-o", os.path.join(out, "s.png")], 3, tmp),
        (["preview", trunc, "-o", os.path.join(out, "s.png")], 3, trunc),
        (["preview", missing, "-o", os.path.join(out, "s.png"), "--strategy", "bogus:3"], 2, "bogus"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--start", "3", "--end", "2"], 2, "--start"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--thumb", "8"], 2, "--thumb"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--columns", "0"], 2, "--columns"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--bogus"], 2, "--bogus"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--backend", "gpu"], 2, "--backend"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--gpu", "63"], 2, "63"),
        (["preview", video], 2, "-o"),
        (["preview", "-o", os.path.join(out, "s.png")], 2, "VIDEO"),
        (["preview", video, video, "-o", os.path.join(out, "s.png")], 2, "one video"),
        (["preview", video, "-o", os.path.join(tmp, "nodir", "s.png")], 4, os.path.join(tmp, "nodir")),
        (["preview", video, "-o", os.path.join(out, "taken.png")], 4, "taken.png"),
        (["preview", video, "-o", os.path.join(out, "s.png"), "--strategy", "uniform:64",
          "--thumb", "4096"], 2, "sheet"),
    ]
    for args, code, needle in cases:
        p = cli.run(args, timeout=60)
        lines = p.stderr.strip().splitlines()
        check(p.returncode == code, f"{args[1:]}: exit {p.returncode}, want {code}: {p.stderr.strip()}")
        check(len(lines) == 1 and needle in lines[0], f"{args[1:]}: stderr {p.stderr!r} should be one line "
              f"naming {needle!r}")
        left = sorted(os.listdir(out))
        check(left == ["taken.png"], f"{args[1:]}: files left in the output directory: {left}")
        check(os.listdir(os.path.join(out, "taken.png")) == [], f"{args[1:]}: wrote into taken.png/")
    p = cli.run(["--help"])
    check("preview VIDEO" in p.stdout, "--help does not list preview")


def case_jpeg(tmp):
    """.jpg/.jpeg (any case) write a JPEG that PIL opens, of the PNG's size and close to it."""
    video = make_colors(tmp)
    png = rgb(preview(video, os.path.join(tmp, "a.png"), "--strategy", "uniform:6")).astype(float)
    for name in ("a.jpg", "b.jpeg", "c.JPG"):
        img = preview(video, os.path.join(tmp, name), "--strategy", "uniform:6")
        check(img.format == "JPEG", f"{name}: PIL reads {img.format}")
        jpg = rgb(img).astype(float)
        if not check(jpg.shape == png.shape, f"{name}: shape {jpg.shape}, PNG {png.shape}"):
            continue
        diff = np.abs(jpg - png)
        check(diff.mean() < 2.0, f"{name}: mean difference from the PNG {diff.mean():.2f} levels")


def case_interrupt(tmp):
    """SIGINT/SIGTERM while decoding: exit 130, one line, nothing in the output directory."""
    video = os.path.join(tmp, "long.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=30", "-t", "60", "-c:v", "libx264", "-preset",
                    "ultrafast", video], check=True)
    # Times in falling order: each one seeks back and decodes from its keyframe (x264 puts one
    # every 250 frames), some 20 s of work that is still going on however fast the machine.
    backwards = "timestamps:" + ",".join(f"{59.5 - 0.29 * k:.2f}" for k in range(200))
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = os.path.join(tmp, f"out-{sig.name}")
        os.mkdir(out)
        p = subprocess.Popen([cli.BIN, "preview", video, "-o", os.path.join(out, "sheet.png"),
                              "--strategy", backwards, "--thumb", "32", "--quiet"],
                             stderr=subprocess.PIPE, text=True)
        time.sleep(0.7)
        running = p.poll() is None
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1]
        check(running, f"{sig.name}: preview finished before the signal (exit {p.returncode})")
        check(p.returncode == 130, f"{sig.name}: exit {p.returncode}, want 130: {err.strip()}")
        check(len(err.strip().splitlines()) == 1, f"{sig.name}: stderr {err!r}")
        check(os.listdir(out) == [], f"{sig.name}: left {os.listdir(out)}")
    # and the same output then takes a complete run
    out = os.path.join(tmp, "out-SIGINT", "sheet.png")
    cli.ok(["preview", video, "-o", out, "--quiet"], timeout=120)
    check(Image.open(out).size[0] == GAP + 4 * (240 + GAP), "re-run after the interrupt")


CASES = {"size": case_size, "colors": case_colors, "rotation": case_rotation, "labels": case_labels,
         "errors": case_errors, "jpeg": case_jpeg, "interrupt": case_interrupt}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print(f"usage: test_preview.py {'|'.join(CASES)}", file=sys.stderr)
        return 2
    cli.require()
    videos.require_tools()
    tmp = tempfile.mkdtemp(prefix="vsample-preview-")
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

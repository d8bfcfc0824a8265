"""The per-video presets: `qwen2vl` and `apollo`.

qwen2vl: the tensor size is qwen-vl-utils' smart_resize of the display size for the plan's frame
count (re-implemented here from vision_process.py, independently of the C code), over videos whose
sizes and frame counts hit each branch (rounding, the max_pixels budget, the min_pixels floor,
rotation); the pixels equal a squash bicubic view of that size with CLIP mean/std (whose fidelity
to PIL test_fidelity.py checks); an odd frame count is padded to even by repeating the last frame
(tensor, pts and target) and the metadata says so; a ratio above 200 is refused.
apollo: `--preset apollo` gives the two towers' tensors (their pixels: test_fidelity.py).

Needs $VSAMPLE_BIN, the ffmpeg CLI, numpy (exit 77 if not)."""
import json
import math
import os
import subprocess
import sys
import tempfile

from pp_common import SKIP, np

BIN = os.environ.get("VSAMPLE_BIN", "")
sys.path.insert(0, os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(__file__))))
CLIP_MEAN = "0.48145466,0.4578275,0.40821073"
CLIP_STD = "0.26862954,0.26130258,0.27577711"

# qwen-vl-utils (vision_process.py) constants
FACTOR, MIN_PIXELS, MAX_PIXELS, TOTAL_PIXELS, FRAME_FACTOR = 28, 128 * 784, 768 * 784, 24576 * 784, 2


def smart_resize(height, width, nframes):
    max_pixels = max(min(MAX_PIXELS, TOTAL_PIXELS / nframes * FRAME_FACTOR), int(MIN_PIXELS * 1.05))
    if max(height, width) / min(height, width) > 200:
        raise ValueError("aspect ratio above 200")
    h_bar = max(FACTOR, round(height / FACTOR) * FACTOR)
    w_bar = max(FACTOR, round(width / FACTOR) * FACTOR)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(FACTOR, math.floor(height / beta / FACTOR) * FACTOR)
        w_bar = max(FACTOR, math.floor(width / beta / FACTOR) * FACTOR)
    elif h_bar * w_bar < MIN_PIXELS:
        beta = math.sqrt(MIN_PIXELS / (height * width))
        h_bar = math.ceil(height * beta / FACTOR) * FACTOR
        w_bar = math.ceil(width * beta / FACTOR) * FACTOR
    return h_bar, w_bar


def run(args, check=True):
    p = subprocess.run(args, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[-600:]}")
    return p


def make(path, size, seconds=1, rate=10, rotate=0, codec="libx264"):
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=size={size}:rate={rate}", "-t", str(seconds), "-pix_fmt", "yuv420p",
         "-c:v", codec, path])
    if rotate:
        tmp = path + ".rot.mp4"
        run(["ffmpeg", "-v", "error", "-y", "-i", path, "-c", "copy", "-metadata:s:v:0",
             f"rotate={rotate}", tmp])
        os.replace(tmp, path)
    return path


def extract(video, out, strategy, extra):
    import st_reader
    run([BIN, "extract", video, "-o", out, "--strategy", strategy, "--dtype", "f32", "-q", *extra])
    key = os.path.splitext(os.path.basename(video))[0]
    return st_reader.read_sample(out, key)


def main():
    if not BIN or not os.access(BIN, os.X_OK):
        print("SKIP: VSAMPLE_BIN not set")
        return SKIP
    errors = []
    with tempfile.TemporaryDirectory(prefix="vsample-presets-") as tmp:
        # (video size, rotation, strategy, frames): rounding only; the per-frame budget
        # binding (1080p at 100 frames: 19267584 / 100 * 2 < 602112); the min_pixels floor
        # (a tiny video); rotation (display size is turned).
        cases = [("640x360", 0, "uniform:5", 5), ("1920x1080", 0, "fps:100", 100),
                 ("96x64", 0, "uniform:3", 3), ("640x360", 90, "uniform:4", 4),
                 ("1000x562", 0, "fps:40", 40)]
        for i, (size, rot, strategy, n) in enumerate(cases):
            video = make(os.path.join(tmp, f"v{i}.mp4"), size, rotate=rot)
            w, h = map(int, size.split("x"))
            if rot in (90, 270):
                w, h = h, w
            want_h, want_w = smart_resize(h, w, n)
            tensors, meta = extract(video, os.path.join(tmp, f"q{i}"), strategy, ["--preset", "qwen2vl"])
            got = tensors["qwen2vl"]
            padded = n + (n % 2)
            if got.shape != (padded, 3, want_h, want_w):
                errors.append(f"{size} rot {rot} {strategy}: shape {got.shape}, qwen-vl-utils gives "
                              f"({padded}, 3, {want_h}, {want_w})")
                continue
            if meta.get("padded_frames") != padded - n:
                errors.append(f"{size} {strategy}: padded_frames = {meta.get('padded_frames')}")
            if padded != n and not (np.array_equal(got[-1], got[-2]) and
                                    tensors["pts"][-1] == tensors["pts"][-2] and
                                    tensors["target"][-1] == tensors["target"][-2]):
                errors.append(f"{size} {strategy}: the padding frame is not the last frame repeated")
            custom, _ = extract(video, os.path.join(tmp, f"c{i}"), strategy,
                                ["--size", f"{want_w}x{want_h}", "--resize", "squash", "--filter",
                                 "bicubic", "--mean", CLIP_MEAN, "--std", CLIP_STD])
            if not np.array_equal(custom["custom"], got[:n]):
                errors.append(f"{size} {strategy}: pixels differ from a {want_w}x{want_h} squash "
                              f"bicubic CLIP view")
            print(f"ok   qwen2vl {size} rot {rot} {strategy}: {want_w}x{want_h}, T {n} -> {padded}")
        # the qwen2vl recipe always gives an even count: no padding
        video = os.path.join(tmp, "v0.mp4")
        tensors, meta = extract(video, os.path.join(tmp, "recipe"), "qwen2vl", ["--preset", "qwen2vl"])
        if tensors["qwen2vl"].shape[0] % 2 or meta.get("padded_frames") != 0:
            errors.append(f"qwen2vl recipe: {tensors['qwen2vl'].shape[0]} frames, padded "
                          f"{meta.get('padded_frames')}")
        # above 200:1 is refused, with the video named
        wide = make(os.path.join(tmp, "wide.mkv"), "808x4", codec="ffv1")
        p = run([BIN, "extract", wide, "-o", os.path.join(tmp, "wide"), "--preset", "qwen2vl", "-q"],
                check=False)
        if p.returncode == 0 or "200" not in p.stderr or "wide.mkv" not in p.stderr:
            errors.append(f"aspect 202: exit {p.returncode}, {p.stderr.strip()!r}")
        # apollo: both towers from one decode
        tensors, meta = extract(video, os.path.join(tmp, "apollo"), "uniform:4", ["--preset", "apollo"])
        shapes = {k: tensors[k].shape for k in ("apollo-siglip", "apollo-internvideo2") if k in tensors}
        if shapes != {"apollo-siglip": (4, 3, 384, 384), "apollo-internvideo2": (4, 3, 224, 224)}:
            errors.append(f"apollo: tensors {shapes}")
        names = [v["name"] for v in meta["views"]]
        if names != ["apollo-siglip", "apollo-internvideo2"] or any(v["resize"] != "pad" for v in meta["views"]):
            errors.append(f"apollo: views {json.dumps(meta['views'])[:200]}")
    for e in errors:
        print("FAIL", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

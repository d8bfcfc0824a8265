"""The per-video presets: `qwen2vl`, `qwen2.5vl`, `qwen3vl`, `internvl-448` and `apollo`.

qwen2vl: the tensor size is qwen-vl-utils' smart_resize of the display size for the plan's frame
count (re-implemented here from vision_process.py, independently of the C code), over videos whose
sizes and frame counts hit each branch (rounding, the max_pixels budget, the min_pixels floor,
rotation); the pixels equal a squash bicubic view of that size with CLIP mean/std (whose fidelity
to PIL test_fidelity.py checks); an odd frame count is padded to even by repeating the last frame
(tensor, pts and target) and the metadata says so; a ratio above 200 is refused.
qwen2.5vl and qwen3vl (qwen-vl-utils 0.0.14 fetch_video: factor 28 and 32, a total budget of
MODEL_SEQ_LEN * f * f * 0.9): the size that vs_view_resolve gives (resize_tool smart) over thousands
of (display size, frame count) cases, with the default and other MODEL_SEQ_LEN (set through
smart_total_pixels), against the same independent smart_resize; on real videos the tensor shape,
T padded to even, and the pixels of a squash bicubic view with each model's mean/std.
internvl-448: on a real video, against PIL's bicubic squash to 448 of the ffmpeg CLI's frames with
ImageNet mean/std (the fidelity targets of test_fidelity.py).
apollo: `--preset apollo` gives the two towers' tensors (their pixels: test_fidelity.py).

usage: test_presets.py [RESIZE_TOOL]
Needs $VSAMPLE_BIN, the ffmpeg CLI, numpy (exit 77 if not)."""
import json
import math
import os
import subprocess
import sys
import tempfile

from pp_common import SKIP, np

try:
    from PIL import Image
except ImportError:
    print("SKIP: no PIL")
    sys.exit(SKIP)

BIN = os.environ.get("VSAMPLE_BIN", "")
sys.path.insert(0, os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(__file__))))
CLIP_MEAN = "0.48145466,0.4578275,0.40821073"
CLIP_STD = "0.26862954,0.26130258,0.27577711"

# qwen-vl-utils (vision_process.py) constants, first release
FACTOR, MIN_PIXELS, MAX_PIXELS, TOTAL_PIXELS, FRAME_FACTOR = 28, 128 * 784, 768 * 784, 24576 * 784, 2
SIGLIP = "0.5,0.5,0.5"
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def qwen014_budget(preset, model_seq_len=128000):
    """qwen-vl-utils 0.0.14 fetch_video: factor = image_patch_size * SPATIAL_MERGE_SIZE (14 * 2 for
    Qwen2.5-VL, 16 * 2 for Qwen3-VL), VIDEO_MIN/MAX_TOKEN_NUM 128 / 768,
    total_pixels = MODEL_SEQ_LEN * f * f * 0.9 (a float)."""
    f = {"qwen2.5vl": 28, "qwen3vl": 32}[preset]
    return f, 128 * f * f, 768 * f * f, model_seq_len * f * f * 0.9


def smart_resize(height, width, nframes, factor=FACTOR, min_pixels=MIN_PIXELS, max_video=MAX_PIXELS,
                 total=TOTAL_PIXELS):
    max_pixels = max(min(max_video, total / nframes * FRAME_FACTOR), int(min_pixels * 1.05))
    if max(height, width) / min(height, width) > 200:
        raise ValueError("aspect ratio above 200")
    h_bar = max(factor, round(height / factor) * factor)
    w_bar = max(factor, round(width / factor) * factor)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def check_sizes(tool, errors):
    """vs_view_resolve of qwen2.5vl / qwen3vl (and qwen2vl, unchanged) against smart_resize."""
    import random
    rng = random.Random(11)
    cases = []
    sizes = [(1920, 1080), (1080, 1920), (1280, 720), (640, 360), (3840, 2160), (96, 64), (28, 28),
             (32, 32), (1, 1), (200, 1), (201, 1), (808, 4), (4000, 20), (7680, 4320), (333, 207)]
    for preset in ("qwen2.5vl", "qwen3vl", "qwen2vl"):
        for _ in range(1500):
            w, h = rng.choice(sizes) if rng.random() < 0.3 else (rng.randint(1, 5000), rng.randint(1, 5000))
            n = rng.choice([2, 4, 16, 64, 300, 301, 302, 400, 768, rng.randint(1, 4000)])
            seq = -1 if preset == "qwen2vl" or rng.random() < 0.6 else rng.choice([32768, 16384, 64000, 256000])
            cases.append((preset, w, h, n, seq))
    lines = []
    for preset, w, h, n, seq in cases:
        if preset == "qwen2vl":
            total = -1
        else:
            f = qwen014_budget(preset)[0]
            total = -1 if seq < 0 else int(seq * f * f * 0.9)
        lines.append(f"{preset} {w} {h} {n} {total}")
    out = subprocess.run([tool, "smart"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         check=True).stdout.splitlines()
    binding = 0
    for (preset, w, h, n, seq), got in zip(cases, out):
        if preset == "qwen2vl":
            budget = dict(factor=FACTOR, min_pixels=MIN_PIXELS, max_video=MAX_PIXELS, total=TOTAL_PIXELS)
        else:
            f, mn, mx, total = qwen014_budget(preset, 128000 if seq < 0 else seq)
            budget = dict(factor=f, min_pixels=mn, max_video=mx, total=total)
            binding += total / n * FRAME_FACTOR < mx
        try:
            want_h, want_w = smart_resize(h, w, n, **budget)
            want = f"{want_w} {want_h}"
        except ValueError:
            want = "error"
        if want == "error" and got.startswith("error") and "200" in got:
            continue
        if got != want:
            errors.append(f"{preset} {w}x{h} {n} frames MODEL_SEQ_LEN {seq}: vsample {got!r}, "
                          f"qwen-vl-utils {want!r}")
    if len(out) != len(cases):
        errors.append(f"resize_tool smart answered {len(out)} of {len(cases)} cases")
    print(f"ok   smart sizes: {len(cases)} cases ({binding} where the total budget binds)")


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


def check_internvl(tmp, errors):
    import test_fidelity as fid
    video = make(os.path.join(tmp, "iv.mkv"), "333x207", codec="ffv1")
    stream, pts = fid.probe(video)
    frames = fid.decode_reference(video, stream)
    tensors, _ = extract(video, os.path.join(tmp, "iv"), "uniform:3", ["--preset", "internvl-448"])
    got = tensors["internvl-448"]
    if got.shape != (3, 3, 448, 448):
        errors.append(f"internvl-448: shape {got.shape}")
        return
    mean = np.array(IMAGENET_MEAN, np.float32)[:, None, None]
    std = np.array(IMAGENET_STD, np.float32)[:, None, None]
    worst_mean = worst_p999 = 0.0
    for t, g in zip(tensors["pts"], got):
        k = int(np.argmin([abs(p - t) for p in pts]))
        ref_u8 = np.asarray(Image.fromarray(frames[k]).resize((448, 448), Image.BICUBIC))
        ref = (ref_u8.transpose(2, 0, 1).astype(np.float32) * np.float32(1 / 255) - mean) / std
        err = np.abs(g.astype(np.float64) - ref) * std * 255
        worst_mean = max(worst_mean, float(err.mean()))
        worst_p999 = max(worst_p999, float(np.percentile(err, 99.9)))
    if not (worst_mean <= fid.MAX_MEAN and worst_p999 <= fid.MAX_P999):
        errors.append(f"internvl-448: {worst_mean:.4f} levels mean, {worst_p999:.4f} p99.9 from PIL's "
                      f"bicubic squash (targets {fid.MAX_MEAN}, {fid.MAX_P999})")
    print(f"ok   internvl-448 333x207: PIL bicubic squash, mean {worst_mean:.4f} p99.9 {worst_p999:.4f} levels")


def main():
    if not BIN or not os.access(BIN, os.X_OK):
        print("SKIP: VSAMPLE_BIN not set")
        return SKIP
    errors = []
    if len(sys.argv) > 1:
        check_sizes(sys.argv[1], errors)
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
        # qwen-vl-utils 0.0.14 on real videos (the total budget binds only from 301 frames on,
        # ~540 MB of tensor: check_sizes covers it); 1280x720 meets the per-frame maximum
        for i, (preset, size, rot, strategy, n, mean, std) in enumerate([
                ("qwen2.5vl", "640x360", 0, "uniform:5", 5, CLIP_MEAN, CLIP_STD),
                ("qwen3vl", "640x360", 0, "uniform:5", 5, SIGLIP, SIGLIP),
                ("qwen3vl", "640x360", 90, "uniform:4", 4, SIGLIP, SIGLIP),
                ("qwen3vl", "96x64", 0, "uniform:3", 3, SIGLIP, SIGLIP),
                ("qwen2.5vl", "1280x720", 0, "uniform:3", 3, CLIP_MEAN, CLIP_STD)]):
            video = make(os.path.join(tmp, f"n{i}.mp4"), size, rotate=rot)
            w, h = map(int, size.split("x"))
            if rot in (90, 270):
                w, h = h, w
            f, mn, mx, total = qwen014_budget(preset)
            want_h, want_w = smart_resize(h, w, n, factor=f, min_pixels=mn, max_video=mx, total=total)
            tensors, meta = extract(video, os.path.join(tmp, f"n{i}"), strategy, ["--preset", preset])
            got = tensors[preset]
            padded = n + (n % 2)
            if got.shape != (padded, 3, want_h, want_w):
                errors.append(f"{preset} {size} rot {rot} {strategy}: shape {got.shape}, qwen-vl-utils 0.0.14 "
                              f"gives ({padded}, 3, {want_h}, {want_w})")
                continue
            if meta.get("padded_frames") != padded - n:
                errors.append(f"{preset} {size} {strategy}: padded_frames = {meta.get('padded_frames')}")
            custom, _ = extract(video, os.path.join(tmp, f"m{i}"), strategy,
                                ["--size", f"{want_w}x{want_h}", "--resize", "squash", "--filter",
                                 "bicubic", "--mean", mean, "--std", std])
            if not np.array_equal(custom["custom"], got[:n]):
                errors.append(f"{preset} {size} {strategy}: pixels differ from a {want_w}x{want_h} "
                              f"squash bicubic view with its mean/std")
            print(f"ok   {preset} {size} rot {rot} {strategy}: {want_w}x{want_h}, T {n} -> {padded}")
        # internvl-448 against PIL's bicubic squash of the ffmpeg CLI's frames
        check_internvl(tmp, errors)
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

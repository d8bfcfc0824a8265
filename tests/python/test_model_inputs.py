"""The metadata's "model" object and vsample.adapters, against independent computations:

- `vsample extract --strategy qwen3vl --preset qwen3vl` and `--strategy qwen2.5vl --preset
  qwen2.5vl` on a generated 29.97 fps video: frames_indices, total_num_frames, fps,
  sample_fps, video_grid_thw, second_per_grid_ts, timestamps and their text, each computed
  here from qwen-vl-utils 0.0.14's and transformers' published formulas (torch.linspace,
  smart_nframes, smart_resize, _calculate_timestamps) over ffprobe's frame count and rate;
- load(return_metadata=True) gives the same metadata as extract;
- qwen_fetch_video and internvl_load_video equal load() with the same recipe and preset,
  their metadata the plan's, and the ele keys they cannot honour raise vsample.Error;
- the qwen presets' pixels against PIL (the target: equal within 1 level) and torchvision's
  resize(BICUBIC, antialias=True) on the same uint8 frames (reported, not asserted).
"""
import json
import math
import os
import subprocess
import sys

from common import (SKIP, cli_ok, expect, expect_error, make_video, require_cli, require_ffmpeg, st_reader,
                    tempdir, vsample)

import numpy as np

try:
    import torch
except ImportError:
    torch = None


def ffprobe_video(path):
    """(frame count, average rate) as ffprobe reads them."""
    out = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
         "stream=avg_frame_rate,nb_read_packets,width,height", "-of", "json", path],
        check=True, capture_output=True, text=True).stdout)["streams"][0]
    num, den = (int(x) for x in out["avg_frame_rate"].split("/"))
    return int(out["nb_read_packets"]), num / den, int(out["width"]), int(out["height"])


# --------------------------------------------- qwen-vl-utils 0.0.14, written from its formulas
def smart_nframes(total, video_fps, fps=2.0, min_frames=4, max_frames=768):
    min_f = math.ceil(min_frames / 2) * 2
    max_f = math.floor(min(max_frames, total) / 2) * 2
    n = total / video_fps * fps
    n = min(min(max(n, min_f), max_f), total)
    return math.floor(n / 2) * 2


def smart_resize(h, w, factor, min_pixels, max_pixels):
    hb = max(factor, round(h / factor) * factor)
    wb = max(factor, round(w / factor) * factor)
    if hb * wb > max_pixels:
        beta = math.sqrt(h * w / max_pixels)
        hb = max(factor, math.floor(h / beta / factor) * factor)
        wb = max(factor, math.floor(w / beta / factor) * factor)
    elif hb * wb < min_pixels:
        beta = math.sqrt(min_pixels / (h * w))
        hb = math.ceil(h * beta / factor) * factor
        wb = math.ceil(w * beta / factor) * factor
    return hb, wb


def qwen_reference(path, patch):
    total, fps, w, h = ffprobe_video(path)
    n = smart_nframes(total, fps)
    idx = [int(i) for i in torch.linspace(0, total - 1, n).round().long().tolist()]
    sample_fps = n / max(total, 1e-6) * fps
    f = patch * 2
    min_px = 128 * f * f
    total_px = 128000 * f * f * 0.9
    max_px = max(min(768 * f * f, total_px / n * 2), int(min_px * 1.05))
    rh, rw = smart_resize(h, w, f, min_px, max_px)
    ref = {"fps": fps, "frames_indices": idx, "total_num_frames": total, "sample_fps": sample_fps,
           "video_grid_thw": [n // 2, rh // patch, rw // patch]}
    if patch == 14:
        ref["second_per_grid_ts"] = 2 / sample_fps
    else:  # transformers processing_qwen3_vl.py _calculate_timestamps, merge_size 2
        ind = list(idx) + [idx[-1]] * (len(idx) % 2)
        ts = [i / fps for i in ind]
        ts = [(ts[i] + ts[i + 1]) / 2 for i in range(0, len(ts), 2)]
        ref["timestamps"] = ts
        ref["timestamp_text"] = [f"<{t:.1f} seconds>" for t in ts]
    return ref


def check_model(model, ref, view, tag):
    for key in ("frames_indices", "total_num_frames"):
        expect(model[key] == ref[key], f"{tag}: {key} {model[key]} != {ref[key]}")
    for key in ("fps", "sample_fps"):
        expect(abs(model[key] - ref[key]) < 1e-9, f"{tag}: {key} {model[key]} != {ref[key]}")
    got = model["views"][view]
    expect(got["video_grid_thw"] == ref["video_grid_thw"],
           f"{tag}: video_grid_thw {got['video_grid_thw']} != {ref['video_grid_thw']}")
    if "second_per_grid_ts" in ref:
        expect(abs(got["second_per_grid_ts"] - ref["second_per_grid_ts"]) < 1e-9, f"{tag}: second_per_grid_ts")
        expect("timestamps" not in got, f"{tag}: Qwen2.5-VL has no timestamps")
    else:
        expect(np.allclose(got["timestamps"], ref["timestamps"], rtol=0, atol=1e-12), f"{tag}: timestamps")
        expect(got["timestamp_text"] == ref["timestamp_text"],
               f"{tag}: timestamp_text {got['timestamp_text']} != {ref['timestamp_text']}")
        expect("second_per_grid_ts" not in got, f"{tag}: Qwen3-VL has no second_per_grid_ts")


def test_extract_metadata(tmp, video):
    for recipe, patch in (("qwen3vl", 16), ("qwen2.5vl", 14)):
        out = os.path.join(tmp, "out-" + recipe)
        cli_ok(["extract", video, "-o", out, "--strategy", recipe, "--preset", recipe + ",siglip-384",
                "--dtype", "u8", "-q"])
        shard = sorted(f for f in os.listdir(out) if f.endswith(".safetensors"))[0]
        _, meta = st_reader.read_file(os.path.join(out, shard))
        (key,) = [k for k in meta if k != "format"]
        model = json.loads(meta[key])["model"]
        ref = qwen_reference(video, patch)
        check_model(model, ref, recipe, f"extract {recipe}")
        expect(set(model["views"]) == {recipe}, f"extract {recipe}: views {list(model['views'])}")
        expect("pts_differs" not in model, "a CFR video has no pts check")
        # the binding returns the same object
        _, _, _, lm = vsample.load(video, recipe, preset=[recipe, "siglip-384"], dtype="u8",
                                   return_metadata=True)
        expect(lm["model"] == model, f"load(return_metadata=True) {recipe}: {lm['model']} != {model}")
        print(f"extract {recipe}: {len(ref['frames_indices'])} frames, grid {ref['video_grid_thw']}")


def test_adapters(video):
    from vsample import adapters
    info = vsample.info(video, scan=True)
    num, den = (int(x) for x in info["avg_frame_rate"].split("/"))
    for patch, recipe in ((14, "qwen2.5vl"), (16, "qwen3vl")):
        (v, md), sfps = adapters.qwen_fetch_video({"type": "video", "video": "file://" + video}, patch, True, True)
        px, _, _ = vsample.load(video, recipe, preset=recipe, dtype="u8")
        got = v.numpy() if torch is not None else v
        expect(got.dtype == np.float32 and got.shape == px.shape, f"{recipe}: {got.dtype} {got.shape}")
        expect(np.array_equal(got, px.astype(np.float32)), f"{recipe}: adapter pixels differ from load()")
        p = vsample.plan(video, recipe)
        expect(md["frames_indices"] == p["indices"].tolist(), f"{recipe}: frames_indices != plan's")
        expect(md["fps"] == num / den and md["total_num_frames"] == info["counted_frames"], f"{recipe}: {md}")
        expect(abs(sfps - p["count"] / info["counted_frames"] * num / den) < 1e-12, f"{recipe}: sample_fps {sfps}")

        # recipe keys, and the pixel budgets against smart_resize written here
        f = patch * 2
        ele = {"video": video, "nframes": 8, "max_pixels": 100 * f * f, "min_pixels": 64 * f * f}
        v = adapters.qwen_fetch_video(ele, patch)
        px, _, _ = vsample.load(video, f"{recipe}:nframes=8", preset=recipe, dtype="u8")
        rh, rw = smart_resize(info["display_height"], info["display_width"], f, 64 * f * f,
                              min(100 * f * f, max(min(768 * f * f, 128000 * f * f * 0.9 / 8 * 2),
                                                   int(64 * f * f * 1.05))))
        expect(tuple(v.shape) == (8, 3, rh, rw), f"{recipe}: budgets give {tuple(v.shape)}, want {(8, 3, rh, rw)}")
        v = adapters.qwen_fetch_video({"video": video, "fps": 1, "max_frames": 6, "resized_height": 150,
                                       "resized_width": 200}, patch)
        rh, rw = smart_resize(150, 200, f, 4 * f * f, 16384 * f * f)
        expect(tuple(v.shape) == (6, 3, rh, rw), f"{recipe}: resized_* give {tuple(v.shape)}")
        v, s2 = adapters.qwen_fetch_video({"video": video, "video_start": 1.0, "video_end": 4.0}, patch,
                                          return_video_sample_fps=True)
        p2 = vsample.plan(video, f"{recipe}:video_start=1,video_end=4")
        expect(v.shape[0] == p2["count"], f"{recipe}: video_start/end {v.shape[0]} frames")

    for bad, needle in (({"video": [video]}, "list of frames"), ({"video": video, "fps": 2, "nframes": 4}, "only one"),
                        ({"video": video, "sample_fps": 2}, "sample_fps"), ({"video": video, "fps": "x"}, "not a number")):
        expect_error(lambda: adapters.qwen_fetch_video(bad), vsample.VS_ERR_INVALID_ARG, needle)
    expect_error(lambda: adapters.qwen_fetch_video({"video": video}, 15), vsample.VS_ERR_INVALID_ARG, "14")

    pv, npl = adapters.internvl_load_video(video, num_segments=8)
    ref, _, _ = vsample.load(video, "internvl:num_segments=8", preset="internvl-448", dtype="f32")
    got = pv.numpy() if torch is not None else pv
    expect(got.shape == (8, 3, 448, 448) and got.dtype == np.float32, f"internvl: {got.shape}")
    expect(np.array_equal(got, ref), "internvl: adapter pixels differ from load()")
    expect(npl == [1] * 8, f"internvl: num_patches_list {npl}")
    pv, npl = adapters.internvl_load_video(video, bound=(1, 5), num_segments=4)
    ref, _, _ = vsample.load(video, "internvl:num_segments=4,start=1,end=5", preset="internvl-448", dtype="f32")
    expect(np.array_equal(pv.numpy() if torch is not None else pv, ref), "internvl bound: differs from load()")
    print("adapters: equal to load() and the plan")


def torchvision_resize(t, h, w):
    """torchvision's resize(uint8 tensor, [h, w], BICUBIC, antialias=True): torchvision itself
    when it imports, else what its tensor path (0.14, Debian 12's) runs: interpolate in float
    with antialias, clamp to [0, 255], round, back to uint8."""
    try:
        import torchvision.transforms.functional as TF
        from torchvision.transforms import InterpolationMode
        return TF.resize(t, [h, w], interpolation=InterpolationMode.BICUBIC, antialias=True)
    except ImportError:
        out = torch.nn.functional.interpolate(t.float(), size=[h, w], mode="bicubic", align_corners=False,
                                              antialias=True)
        return out.clamp(0, 255).round().to(torch.uint8)


def test_torchvision(video):
    """The qwen presets' uint8 pixels against PIL (asserted within 1 level) and torchvision
    (reported) on the same decoded frames: the source frames are a view at the display
    size (a bicubic resize to the same size is the identity)."""
    from PIL import Image
    worst = {}
    for recipe in ("qwen2.5vl", "qwen3vl"):
        info = vsample.info(video)
        W, H = info["display_width"], info["display_height"]
        src, _, _ = vsample.load(video, recipe, preset=recipe, size=(W, H), dtype="u8", layout="thwc")
        px, _, _ = vsample.load(video, recipe, preset=recipe, dtype="u8", layout="thwc")
        h, w = px.shape[1:3]
        pil = np.stack([np.asarray(Image.fromarray(f).resize((w, h), Image.BICUBIC)) for f in src])
        d_pil = int(np.abs(pil.astype(int) - px.astype(int)).max())
        expect(d_pil <= 1, f"{recipe}: {d_pil} levels from PIL")
        line = f"{recipe}: {W}x{H} -> {w}x{h}: max |vsample - PIL| {d_pil}"
        if torch is not None:
            t = torch.from_numpy(np.ascontiguousarray(src.transpose(0, 3, 1, 2)))
            tv = torchvision_resize(t, h, w).numpy()
            diff = np.abs(tv.transpose(0, 2, 3, 1).astype(int) - px.astype(int))
            worst[recipe] = int(diff.max())
            line += f", |vsample - torchvision| max {int(diff.max())} mean {diff.mean():.4f}"
        print(line)
    return worst


def test_vfr(tmp):
    """A VFR video: a recipe's index / fps against the true PTS."""
    path = os.path.join(tmp, "vfr.mkv")
    # frames at 0, 0.04, ... until 2 s, then a 1 s gap: the average rate misplaces the late frames
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=96x64:rate=25:duration=4",
                    "-vf", "setpts='if(gte(T,2),PTS+25,PTS)'", "-fps_mode", "vfr", "-c:v", "libx264",
                    "-preset", "ultrafast", path], check=True, timeout=60)
    if vsample.info(path, scan=True)["vfr"] is not True:
        print("vfr: ffmpeg made no VFR video here; skipped")
        return
    _, pts, _, meta = vsample.load(path, "qwen2.5vl", preset="siglip-384", dtype="u8", return_metadata=True)
    m = meta["model"]
    n = len(m["frames_indices"])
    d = max(abs(i / m["fps"] - t) for i, t in zip(m["frames_indices"], pts[:n]))
    expect(abs(m["max_pts_difference"] - d) < 1e-9, f"vfr: max_pts_difference {m['max_pts_difference']} != {d}")
    expect(m["pts_differs"] == (d > 0.5 / m["fps"]), f"vfr: pts_differs {m['pts_differs']}")
    print(f"vfr: pts_differs {m['pts_differs']}, max {d:.3f} s")


def main():
    require_cli()
    require_ffmpeg()
    if torch is None:
        print("SKIP: the reference uses torch.linspace (python3-torch)", file=sys.stderr)
        return SKIP
    with tempdir() as tmp:
        video = make_video(os.path.join(tmp, "v.mp4"), size="352x200", rate="30000/1001", seconds=7)
        test_extract_metadata(tmp, video)
        test_adapters(video)
        worst = test_torchvision(video)  # an upscale (the pixel budget's minimum)
        big = make_video(os.path.join(tmp, "big.mp4"), size="1280x720", rate=25, seconds=2)
        worst_down = test_torchvision(big)  # a downscale
        test_vfr(tmp)
    print(f"torchvision max difference (levels of 255): upscale {worst}, downscale {worst_down}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

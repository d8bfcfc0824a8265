"""Drop-in replacements for the public loaders' video functions, over vsample's recipes and
presets: a training script swaps one import and gets the same frames, sizes and metadata.

    # from qwen_vl_utils import fetch_video
    from vsample.adapters import qwen_fetch_video as fetch_video

qwen_fetch_video   qwen-vl-utils 0.0.14 fetch_video (Qwen2.5-VL: image_patch_size 14;
                   Qwen3-VL: 16) for a video path or URL
internvl_load_video  the InternVL2.5/3 model cards' load_video with max_num=1

The frame choice is the library's recipe (qwen2.5vl / qwen3vl / internvl), the pixels its
preset (qwen2.5vl / qwen3vl / internvl-448): PIL's bicubic kernel, which torchvision's
antialiased bicubic follows to within a few levels. Tensors are torch tensors when torch
imports, numpy arrays otherwise.
"""
import ctypes

import numpy as np

from . import _views
from ._lib import VS_ERR_INVALID_ARG, Error, check, lib
from .video import _read_sample, _sample_settings

try:
    import torch
except ImportError:  # numpy arrays instead
    torch = None

# qwen-vl-utils 0.0.14: per-frame token budgets (VIDEO_MIN/MAX_TOKEN_NUM) and the image
# defaults its smart_resize uses for resized_height/resized_width (IMAGE_MIN/MAX_TOKEN_NUM).
_VIDEO_MIN_TOKENS, _VIDEO_MAX_TOKENS = 128, 768
_IMAGE_MIN_TOKENS, _IMAGE_MAX_TOKENS = 4, 16384
_QWEN_MODELS = {14: "qwen2.5vl", 16: "qwen3vl"}
# ele keys and the recipe key each becomes
_RECIPE_KEYS = {"fps": "fps", "nframes": "nframes", "min_frames": "min_frames", "max_frames": "max_frames",
                "video_start": "video_start", "video_end": "video_end"}
_VIEW_KEYS = ("min_pixels", "max_pixels", "total_pixels", "resized_height", "resized_width")


def _bad(msg):
    return Error(VS_ERR_INVALID_ARG, msg)


def _tensor(a):
    return torch.from_numpy(a) if torch is not None else a


def _number(key, value, integral=False):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise _bad(f"qwen_fetch_video: {key} {value!r} is not a number") from None
    if not np.isfinite(v) or v < 0 or (integral and v != int(v)):
        raise _bad(f"qwen_fetch_video: {key} {value!r} must be a non-negative "
                   f"{'whole ' if integral else ''}number")
    return v


def _video_path(ele):
    video = ele.get("video")
    if not isinstance(video, str):
        raise _bad("qwen_fetch_video: ele['video'] must be a path or URL; a list of frames (images) is not "
                   "supported")
    return video[7:] if video.startswith("file://") else video


def _qwen_strategy(ele, model):
    if "fps" in ele and "nframes" in ele:
        raise _bad("qwen_fetch_video: only one of fps and nframes may be given (qwen-vl-utils asserts the same)")
    if "video_end" in ele and ele["video_end"] is not None and _number("video_end", ele["video_end"]) == 0:
        raise _bad("qwen_fetch_video: video_end 0 gives an empty range (qwen-vl-utils raises ValueError)")
    keys = []
    for key, rkey in _RECIPE_KEYS.items():
        if ele.get(key) is None:
            continue
        v = _number(key, ele[key], integral=key in ("nframes", "min_frames", "max_frames"))
        keys.append(f"{rkey}={int(v) if v == int(v) else repr(v)}")
    return model + (":" + ",".join(keys) if keys else "")


def _qwen_view(ele, model, patch):
    """The preset's view (u8: the resized 0-255 values), its budgets set from ele."""
    (view,) = _views.build(model, "u8", "tchw")
    f = view.smart_factor
    if f != 2 * patch:
        raise _bad(f"qwen_fetch_video: preset {model} has factor {f}, not {2 * patch}")
    if "resized_height" in ele and "resized_width" in ele:
        # smart_resize(resized_height, resized_width, factor) with the image defaults, then
        # every frame squashed to it: vs_view_resolve with those budgets and no total
        rh = int(_number("resized_height", ele["resized_height"], True))
        rw = int(_number("resized_width", ele["resized_width"], True))
        probe = _views.build(model, "u8", "tchw")[0]
        probe.smart_min_pixels = _IMAGE_MIN_TOKENS * f * f
        probe.smart_max_pixels = _IMAGE_MAX_TOKENS * f * f
        probe.smart_total_pixels = 0
        check(lib().vs_view_resolve(ctypes.byref(probe), rw, rh, 0))
        view.width, view.height = probe.width, probe.height
        view.resize = lib().vs_resize_from_name(b"squash")
        return view
    min_px = _number("min_pixels", ele["min_pixels"], True) if ele.get("min_pixels") is not None \
        else _VIDEO_MIN_TOKENS * f * f
    total = _number("total_pixels", ele["total_pixels"], True) if ele.get("total_pixels") is not None \
        else view.smart_total_pixels
    if max(min_px, total) > 2**31 - 1:
        raise _bad("qwen_fetch_video: min_pixels and total_pixels must be below 2**31")
    view.smart_min_pixels = int(min_px)
    view.smart_total_pixels = int(total)
    view.smart_max_pixels = _VIDEO_MAX_TOKENS * f * f
    if ele.get("max_pixels") is not None:
        # qwen-vl-utils: min(max_pixels, max(min(frame max, total / n * 2), int(min_pixels * 1.05)));
        # the library computes max(min(its max, total / n * 2), int(min_pixels * 1.05)): the same
        # with its max = min(max_pixels, frame max), unless max_pixels is below the floor, where
        # max_pixels alone decides
        mx = _number("max_pixels", ele["max_pixels"], True)
        if mx < int(min_px * 1.05):
            if mx < min_px:
                raise _bad(f"qwen_fetch_video: max_pixels {int(mx)} is below min_pixels {int(min_px)}")
            view.smart_total_pixels = 0
            view.smart_max_pixels = int(mx)
        else:
            view.smart_max_pixels = int(min(mx, view.smart_max_pixels))
    return view


def qwen_fetch_video(ele, image_patch_size=14, return_video_sample_fps=False, return_video_metadata=False):
    """qwen-vl-utils 0.0.14's fetch_video for a video file or URL.

    Returns video, a float32 [T, 3, H, W] tensor of the resized 0-255 values (not
    normalized), or (video, metadata) with return_video_metadata, where metadata is
    {"fps", "frames_indices", "total_num_frames"} as qwen-vl-utils returns it; with
    return_video_sample_fps, (that, sample_fps). image_patch_size 14 reads with the
    qwen2.5vl recipe and preset, 16 with qwen3vl. ele keys: video (path, "file://" path
    or URL), fps or nframes, min_frames, max_frames, video_start, video_end (the recipe's
    keys), min_pixels, max_pixels, total_pixels, resized_height + resized_width (the
    view's size); "type" is ignored. Any other key, a list of frames, or a value the
    library cannot honour raises vsample.Error.
    """
    if not isinstance(ele, dict):
        raise _bad("qwen_fetch_video: ele must be a dict")
    model = _QWEN_MODELS.get(image_patch_size)
    if model is None:
        raise _bad(f"qwen_fetch_video: image_patch_size {image_patch_size!r} is not 14 (Qwen2.5-VL) or 16 "
                   "(Qwen3-VL)")
    unknown = sorted(set(ele) - set(_RECIPE_KEYS) - set(_VIEW_KEYS) - {"video", "type"})
    if unknown:
        raise _bad(f"qwen_fetch_video: cannot honour key(s) {', '.join(unknown)}")
    path = _video_path(ele)
    strategy = _qwen_strategy(ele, model)
    view = _qwen_view(ele, model, image_patch_size)
    sb = strategy.encode()
    st = _sample_settings(sb, None, None, None, None, 0)
    pixels, _, _, meta = _read_sample(path, sb, [view], st, return_metadata=True)
    m = meta["model"]
    video = _tensor(pixels.astype(np.float32))
    metadata = {"fps": m["fps"], "frames_indices": list(m["frames_indices"]),
                "total_num_frames": m["total_num_frames"]}
    out = (video, metadata) if return_video_metadata else video
    return (out, m["sample_fps"]) if return_video_sample_fps else out


def internvl_load_video(path, bound=None, input_size=448, num_segments=32):
    """The InternVL2.5/3 model cards' load_video(video_path, bound, input_size, max_num=1,
    num_segments): (pixel_values, num_patches_list), pixel_values float32
    [num_segments, 3, input_size, input_size] (one tile per frame, bicubic squash,
    ImageNet mean/std: the internvl-448 preset), num_patches_list [1] * num_segments.
    bound: (start, end) in seconds, or None for the whole video.
    """
    keys = [f"num_segments={int(num_segments)}"]
    if bound is not None:
        try:
            start, end = (float(b) for b in bound)
        except (TypeError, ValueError):
            raise _bad(f"internvl_load_video: bound {bound!r} is not (start, end)") from None
        keys += [f"start={start!r}", f"end={end!r}"]
    sb = ("internvl:" + ",".join(keys)).encode()
    size = None if int(input_size) == 448 else (int(input_size), int(input_size))
    views = _views.build("internvl-448", "f32", "tchw", size)
    st = _sample_settings(sb, None, None, None, None, 0)
    pixels, _, _ = _read_sample(path, sb, views, st)
    return _tensor(pixels), [1] * pixels.shape[0]

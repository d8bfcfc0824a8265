"""info(), plan() and load(): a video's stream info, its plan of times, and its frames
preprocessed into numpy arrays, each one call of the C library (a source; its plan; the
sample, which sizes the views, pads and reads every frame). Every handle is closed before the
call returns, also when it raises."""
import contextlib
import ctypes
import json
import os

import numpy as np

from . import _views
from ._inputs import open_source
from ._lib import VS_ERR_INVALID_ARG, VS_ERR_NOMEM, Error, check, lib
from ._structs import VsPlanInput, VsPlanSettings, VsSampleSettings



def _text(b):
    return b.decode("utf-8", "replace")


def _source(video, strategy=None, scan=False, threads=0):
    """An open VsSource (c_void_p) over a path, URL, bytes or file object (_inputs.py),
    scanned when asked or when the strategy needs it."""
    return open_source(video, scan=scan, threads=threads, strategy=strategy)


def _plan_settings(ps, start, end, min_frames, max_frames, seed):
    """The trim, budget and seed arguments into a VsPlanSettings (its defaults set)."""
    if start is not None:
        ps.start = float(start)
    if end is not None:
        ps.end = float(end)
    if min_frames is not None:
        ps.min_frames = int(min_frames)
    if max_frames is not None:
        ps.max_frames = int(max_frames)
    ps.seed = int(seed or 0)


@contextlib.contextmanager
def _plan(src, strategy, start, end, min_frames, max_frames, seed):
    h = lib()
    ps = VsPlanSettings()
    h.vs_plan_default_settings(ctypes.byref(ps))
    _plan_settings(ps, start, end, min_frames, max_frames, seed)
    if h.vs_strategy_needs_analysis(strategy):
        check(h.vs_source_analyze(src))  # scenes: the analysis pass, a cheap decode of the video
    pin = VsPlanInput()
    check(h.vs_source_plan_input(src, ctypes.byref(pin)))
    plan = ctypes.c_void_p()
    check(h.vs_plan_create(ctypes.byref(plan), ctypes.byref(pin), strategy, ctypes.byref(ps)))
    try:
        # dedup: which times to drop is seen in the frames (one decode of the planned ones)
        check(h.vs_plan_dedup(plan, src, None))
        yield plan
    finally:
        h.vs_plan_free(ctypes.byref(plan))


def _strategy_bytes(strategy):
    if not isinstance(strategy, str):
        raise Error(VS_ERR_INVALID_ARG, f"strategy: {strategy!r} is not a string")
    return strategy.encode()


def _array(ptr, n, dtype):
    """A copy of n values at ptr (a NULL pointer gives None)."""
    if not ptr:
        return None
    if n == 0:
        return np.empty(0, dtype)
    return np.ctypeslib.as_array(ptr, (n,)).astype(dtype, copy=True)


def _rational(r):
    return f"{r.num}/{r.den}"


def _info_dict(s):
    return {
        "path": os.fsdecode(s.path), "container": _text(s.container), "codec": _text(s.codec),
        "stream_index": s.stream_index, "duration": s.duration,
        "duration_source": _text(lib().vs_duration_source_name(s.duration_source) or b"unknown"),
        "start_time": s.start_time, "start_pts": s.start_pts,
        "time_base": _rational(s.time_base), "avg_frame_rate": _rational(s.avg_frame_rate),
        "real_frame_rate": _rational(s.real_frame_rate),
        "header_frames": s.header_frames, "counted_frames": s.counted_frames, "keyframes": s.keyframes,
        "coded_width": s.coded_width, "coded_height": s.coded_height, "rotation": s.rotation,
        "sample_aspect_ratio": _rational(s.sample_aspect_ratio),
        "display_width": s.display_width, "display_height": s.display_height,
        "pix_fmt": _text(s.pix_fmt), "bit_depth": s.bit_depth,
        "color_matrix": _text(s.color_matrix), "color_range": _text(s.color_range),
        "color_primaries": _text(s.color_primaries), "color_transfer": _text(s.color_transfer),
        "vfr": None if s.vfr < 0 else bool(s.vfr),
    }


def info(path, scan=False, threads=0):
    """Stream info of a video: the dict `vsample info --json` prints.

    Keys: path, container, codec, stream_index, duration (s), duration_source
    ("index", "stream", "format", "scan" or "unknown"), start_time (s), start_pts,
    time_base / avg_frame_rate / real_frame_rate / sample_aspect_ratio ("num/den"
    strings), header_frames, counted_frames (-1: not counted), keyframes (-1: no
    index), coded_width/height, rotation, display_width/height, pix_fmt, bit_depth,
    color_matrix, color_range, color_primaries, color_transfer, vfr (True, False,
    None: unknown). scan=True counts frames with a demux-only scan (`--scan`).
    Raises vsample.Error (e.g. code VS_ERR_NOT_FOUND for a missing file).
    """
    with _source(path, scan=scan, threads=threads) as src:
        return _info_dict(lib().vs_source_info(src).contents)


def plan(path, strategy="fps:2", start=None, end=None, min_frames=None, max_frames=None, seed=0):
    """The times a strategy samples from a video: `vsample plan --json`.

    Returns a dict: path, strategy (canonical text), duration (s), count, times
    (float64 ndarray, seconds from the stream start, in output order), indices
    (int64 ndarray: recipes' 0-based frame indices, else None), clips (int32 ndarray
    of clip ids for clip strategies, else None), num_clips, note (what the planner
    decided, "" if nothing), scenes (scenes: a list of {"start", "end", "score",
    "frames"} per shot, else None), dropped (dedup: a list of {"time", "change"} per
    time dropped, else None). start/end trim to [start, end); min_frames/max_frames
    and seed as the CLI's --min-frames/--max-frames/--seed. Only the content-aware
    strategies decode: scenes runs the analysis pass, dedup fetches the planned
    frames; strategies that need a packet scan (keyframes, the recipes) get one.
    Raises vsample.Error.
    """
    sb = _strategy_bytes(strategy)
    h = lib()
    with _source(path, strategy=sb) as src, _plan(src, sb, start, end, min_frames, max_frames, seed) as p:
        n = h.vs_plan_count(p)
        return {
            "path": os.fsdecode(h.vs_source_info(src).contents.path),
            "strategy": _text(h.vs_plan_strategy(p)),
            "duration": h.vs_source_info(src).contents.duration,
            "count": n,
            "times": _array(h.vs_plan_times(p), n, np.float64),
            "indices": _array(h.vs_plan_indices(p), n, np.int64),
            "clips": _array(h.vs_plan_clips(p), n, np.int32),
            "num_clips": h.vs_plan_num_clips(p),
            "note": _text(h.vs_plan_note(p)),
            "scenes": _records(h.vs_plan_scenes, p, ("start", "end", "score", "frames")),
            "dropped": _records(h.vs_plan_dropped, p, ("time", "change")),
        }


def _records(getter, p, fields):
    """A plan's scenes or dropped times as a list of dicts (None when it has none)."""
    n = ctypes.c_size_t()
    ptr = getter(p, ctypes.byref(n))
    if not ptr:
        return None
    return [{f: getattr(ptr[i], f) for f in fields} for i in range(n.value)]


def load(path, strategy="fps:2", preset="siglip-384", dtype="float16", layout="tchw", seek="exact",
         backend="cpu", *, start=None, end=None, min_frames=None, max_frames=None, seed=0, size=None,
         resize=None, filter=None, mean=None, std=None, gpu=0, prefetch=None, segments=0, threads=0, pad=True,
         max_tokens=None, return_metadata=False):
    """Frames of a video at a strategy's times, preprocessed for a vision encoder.

    Returns (pixels, pts, target): pixels an ndarray [T, 3, H, W] (layout "tchw") or
    [T, H, W, 3] ("thwc"); pts the float64 [T] presentation time of each frame
    returned, target the float64 [T] time asked for, seconds from the stream start.
    The same bytes as `vsample extract` writes for the same options (K/<view>,
    K/pts, K/target); use plan() for clip ids. return_metadata=True returns
    (pixels, pts, target, metadata): the sample's metadata dict, the JSON `extract`
    stores with the tensors (vs_sample_metadata_json), whose "model" entry holds
    what the model's processor needs (README "Model inputs": fps, frames_indices,
    total_num_frames, sample_fps, video_grid_thw, second_per_grid_ts, timestamps, ...).

    preset: a preset name ("siglip-384", "clip-336", "internvideo2-224", "qwen2vl",
    "qwen2.5vl", "qwen3vl", "internvl-448", "apollo-siglip", "apollo-internvideo2",
    vsample.presets()), "apollo" for both of Apollo's towers, or several as a list or
    comma-separated text. With more than one view, pixels is a dict {view name:
    ndarray}, all from one decode. "qwen2vl", "qwen2.5vl" and "qwen3vl" are sized per
    video (qwen-vl-utils' smart_resize of the display size for the number of frames
    planned, vs_view_resolve).
    size=(W, H) or "WxH", resize ("squash", "short-crop", "pad"), filter ("bicubic",
    "bilinear", "area", "lanczos"), mean, std (three numbers each) make one view named
    "custom", starting from preset, as the CLI's --size/--resize/--filter/--mean/--std.
    dtype: "float16"/"f16" (default), "float32"/"f32", "uint8"/"u8" (the resized RGB,
    no normalization) or "bfloat16"/"bf16", returned as its raw uint16 bits
    (vsample.bf16_to_float32 widens them; in torch,
    torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)).
    pad=True (default) pads T to a multiple of the views' t_multiple by repeating the
    last frame (pixels, pts and target), as `extract` does: the qwen presets get an even T
    as their processors need; pad=False returns the planned frames only.
    seek: "exact" (the frame displayed at each time) or "approximate" (the nearest
    frame without decoding past a keyframe). backend: "cpu" (default), "vulkan" (on
    device gpu) or "auto". prefetch: frames decoded ahead on a thread of the reader
    (None: the library's default of 3; 0: no thread). segments: decoders at once on
    stretches of a sorted plan (0: one per core, at most 4; 1: one). threads:
    decoder threads (0: one per core). start, end, min_frames, max_frames, seed: as plan().
    max_tokens: the visual tokens the sample may hold over all its views, padding
    included, as the CLI's --max-tokens: smart views get at most max_tokens * factor^2
    total pixels, then the plan keeps the most times that fit, spread evenly (None: no
    budget). A ",dedup" strategy fetches each candidate frame once, drops the nearly
    identical ones and returns the rest (T is then known only after the decode).
    Raises vsample.Error with the library's message; the GIL is released while the
    library decodes, so several Python threads can load at once.
    """
    sb = _strategy_bytes(strategy)
    views = _views.build(preset, dtype, layout, size, resize, filter, mean, std)
    st = _sample_settings(sb, start, end, min_frames, max_frames, seed, seek, backend, gpu, prefetch, segments,
                          pad)
    if max_tokens is not None:
        max_tokens = int(max_tokens)
        if max_tokens <= 0:
            raise Error(VS_ERR_INVALID_ARG, f"max_tokens: {max_tokens} is not a positive number of tokens")
        st.max_tokens = max_tokens
    return _read_sample(path, sb, views, st, threads, return_metadata)


def _sample_settings(sb, start, end, min_frames, max_frames, seed, seek="exact", backend="cpu", gpu=0,
                     prefetch=None, segments=0, pad=True):
    """load()'s arguments into a checked VsSampleSettings."""
    h = lib()
    st = VsSampleSettings()
    h.vs_sample_default_settings(ctypes.byref(st))
    st.strategy = sb
    _plan_settings(st.plan, start, end, min_frames, max_frames, seed)
    rs = st.reader
    rs.backend = _views.named("backend", backend, h.vs_backend_from_name, ("cpu", "auto", "vulkan"))
    rs.gpu = int(gpu)
    rs.seek = _views.named("seek", seek, h.vs_seek_from_name, ("exact", "approximate"))
    segments = int(segments)
    if not 0 <= segments <= 4:
        raise Error(VS_ERR_INVALID_ARG, f"segments: {segments} is out of range [0, 4]")
    rs.segments = segments
    if prefetch is not None:
        prefetch = int(prefetch)
        if not 0 <= prefetch <= 8:
            raise Error(VS_ERR_INVALID_ARG, f"prefetch: {prefetch} is out of range [0, 8]")
        rs.prefetch = prefetch if prefetch else -1
    st.pad = 1 if pad else 0
    check(h.vs_backend_available(rs.backend, rs.gpu))
    return st


def _read_sample(path, sb, views, st, threads=0, return_metadata=False):
    """Every frame of the sample of views (VsView list, as _views.build made them) with
    settings st: load()'s result."""
    h = lib()
    nv = len(views)
    meta = None
    with _source(path, strategy=sb, threads=threads) as src:
        sample = ctypes.c_void_p()
        check(h.vs_sample_open_source(ctypes.byref(sample), src, (type(views[0]) * nv)(*views), nv,
                                      ctypes.byref(st)))
        try:
            total = h.vs_sample_frames(sample)
            sized = h.vs_sample_views(sample)
            shape = (ctypes.c_int64 * 4)()
            arrays = []
            for v in range(nv):
                check(h.vs_sample_shape(sample, v, shape))
                arrays.append(np.empty(tuple(shape), _views.NUMPY_DTYPE[sized[v].dtype]))
            names = [sized[v].name.decode() for v in range(nv)]
            pts = np.empty(total, np.float64)
            target = np.empty(total, np.float64)
            dst = (ctypes.c_void_p * nv)(*[a.ctypes.data for a in arrays])
            dbl = ctypes.POINTER(ctypes.c_double)
            # one call for every frame: the GIL is released while the library decodes
            check(h.vs_sample_read(sample, dst, pts.ctypes.data_as(dbl), target.ctypes.data_as(dbl), None))
            if return_metadata:
                text = h.vs_sample_metadata_json(sample)
                if text is None:
                    check(VS_ERR_NOMEM)
                meta = json.loads(text.decode("utf-8"))
        finally:
            h.vs_sample_close(ctypes.byref(sample))
    pixels = arrays[0] if nv == 1 else dict(zip(names, arrays))
    return (pixels, pts, target, meta) if return_metadata else (pixels, pts, target)

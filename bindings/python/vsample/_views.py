"""Views (VsView) from load()'s preset / size / resize / filter / mean / std / dtype /
layout arguments, with the rules of the CLI's --preset and custom view options
(tools/view_options.c), so that load() and `vsample extract` agree byte for byte."""
import ctypes

import numpy as np

from ._lib import VS_ERR_INVALID_ARG, Error, check, lib
from ._structs import VsView

RESIZE = {"squash": 0, "short-crop": 1, "pad": 2}
FILTER = {"bicubic": 0, "bilinear": 1, "area": 2, "lanczos": 3}
LAYOUT = {"tchw": 0, "thwc": 1}
VS_RESIZE_SQUASH, VS_RESIZE_PAD, VS_RESIZE_SMART = 0, 2, 3
VS_LAYOUT_THWC = 1

# dtype names: the library's and numpy's. bf16 comes back as its raw uint16 bits.
DTYPE = {"u8": 0, "uint8": 0, "f16": 1, "float16": 1, "bf16": 2, "bfloat16": 2, "f32": 3, "float32": 3}
NUMPY_DTYPE = {0: np.uint8, 1: np.float16, 2: np.uint16, 3: np.float32}


def _bad(fmt, *args):
    return Error(VS_ERR_INVALID_ARG, fmt % args)


def _choice(what, value, table):
    if isinstance(value, str) and value in table:
        return table[value]
    raise _bad("%s: unknown value %r (expected %s)", what, value, ", ".join(table))


def dtype_code(dtype):
    """A dtype argument (library name, numpy name or numpy dtype) to enum VsDType."""
    if not isinstance(dtype, str):
        try:
            dtype = np.dtype(dtype).name
        except TypeError:
            pass
    return _choice("dtype", dtype, DTYPE)


def _triple(what, value):
    try:
        vals = [float(v) for v in value]
    except (TypeError, ValueError):
        vals = []
    if len(vals) != 3:
        raise _bad("%s: %r needs exactly three numbers", what, value)
    return vals


def _size(value):
    if isinstance(value, str):
        w, sep, h = value.partition("x")
        try:
            value = (int(w), int(h)) if sep else None
        except ValueError:
            value = None
    try:
        w, h = (int(v) for v in value)
    except (TypeError, ValueError):
        raise _bad("size: %r is not (width, height) or 'WxH'", value) from None
    if not (1 <= w <= 16384 and 1 <= h <= 16384):
        raise _bad("size: %dx%d is out of range [1, 16384]", w, h)
    return w, h


def preset_names():
    """The library's view presets, e.g. ["siglip-384", "clip-336", ...]."""
    names, p = [], lib().vs_view_preset_names()
    i = 0
    while p[i]:
        names.append(p[i].decode())
        i += 1
    return names


def build(preset, dtype, layout, size=None, resize=None, filter=None, mean=None, std=None):
    """The views load() reads: a list of VsView, validated, not yet resolved."""
    h = lib()
    names = preset.split(",") if isinstance(preset, str) else list(preset or [])
    names = [n.strip() for n in names if n.strip()]
    custom = any(v is not None for v in (size, resize, filter, mean, std))
    views = []
    for name in names:
        if name == "apollo":  # both of Apollo's towers from one decode
            expand = ["apollo-siglip", "apollo-internvideo2"]
        else:
            expand = [name]
        for n in expand:
            if any(v.name.decode() == n for v in views):
                raise _bad("preset: %r given twice", n)
            v = VsView()
            check(h.vs_view_preset(ctypes.byref(v), n.encode()))
            views.append(v)
    if not views:
        if not custom:
            raise _bad("preset: no preset named")
        v = VsView()
        h.vs_view_default(ctypes.byref(v))
        views.append(v)
    if custom:
        if len(views) > 1:
            raise _bad("size/resize/filter/mean/std make one custom view: give at most one preset")
        v = views[0]
        v.name = b"custom"
        if size is not None:
            v.width, v.height = _size(size)
            if v.resize == VS_RESIZE_SMART:
                v.resize = VS_RESIZE_SQUASH  # a size given is the size wanted
        if resize is not None:
            v.resize = _choice("resize", resize, RESIZE)
        if filter is not None:
            v.filter = _choice("filter", filter, FILTER)
        if mean is not None:
            for c, m in enumerate(_triple("mean", mean)):
                v.mean[c] = m
        if std is not None:
            for c, s in enumerate(_triple("std", std)):
                v.std[c] = s
        if mean is not None and v.resize == VS_RESIZE_PAD:
            for c in range(3):  # int(mean * 255) in float, as the CLI computes it
                f = float(np.float32(v.mean[c]) * np.float32(255))
                v.pad_fill[c] = 0 if f < 0 else 255 if f > 255 else int(f)
    code, lay = dtype_code(dtype), _choice("layout", layout, LAYOUT)
    for v in views:
        v.dtype = code
        v.layout = lay
        check(h.vs_view_validate(ctypes.byref(v)))
    return views


def frame_shape(view):
    """Shape of one frame of a (resolved) view: (3, H, W) or (H, W, 3)."""
    if view.layout == VS_LAYOUT_THWC:
        return (view.height, view.width, 3)
    return (3, view.height, view.width)

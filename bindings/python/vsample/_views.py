"""Views (VsView) from load()'s preset / size / resize / filter / mean / std / dtype /
layout arguments. The library builds them (vs_views_build, the same rules as the CLI's
--preset and custom view options), so that load() and `vsample extract` agree byte for
byte; only the argument checks and numpy's dtype names live here."""
import ctypes

import numpy as np

from ._lib import VS_ERR_INVALID_ARG, Error, check, lib
from ._structs import VsView, VsViewOptions

MAX_VIEWS = 8
# dtype names: the library's and numpy's. bf16 comes back as its raw uint16 bits.
DTYPE = {"u8": 0, "uint8": 0, "f16": 1, "float16": 1, "bf16": 2, "bfloat16": 2, "f32": 3, "float32": 3}
NUMPY_DTYPE = {0: np.uint8, 1: np.float16, 2: np.uint16, 3: np.float32}


def _bad(fmt, *args):
    return Error(VS_ERR_INVALID_ARG, fmt % args)


def _choice(what, value, table):
    if isinstance(value, str) and value in table:
        return table[value]
    raise _bad("%s: unknown value %r (expected %s)", what, value, ", ".join(table))


def named(what, value, from_name, allowed):
    """The library's enum value of a name (vs_*_from_name), for the names in allowed."""
    if isinstance(value, str) and value in allowed:
        code = from_name(value.encode())
        if code >= 0:
            return code
    raise _bad("%s: unknown value %r (expected %s)", what, value, ", ".join(allowed))


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
    """The views load() reads: a list of VsView from vs_views_build, validated, not yet
    sized for a video (the sample does that)."""
    h = lib()
    o = VsViewOptions()
    h.vs_view_options_default(ctypes.byref(o))
    names = preset.split(",") if isinstance(preset, str) else list(preset or [])
    if not all(isinstance(n, str) for n in names):
        raise _bad("preset: %r is not a preset name or a list of them", preset)
    text = ",".join(n.strip() for n in names)
    o.presets = text.encode()
    if size is not None:
        o.width, o.height = _size(size)
    if resize is not None:
        o.resize = named("resize", resize, h.vs_resize_from_name, ("squash", "short-crop", "pad"))
    if filter is not None:
        o.filter = named("filter", filter, h.vs_filter_from_name, ("bicubic", "bilinear", "area", "lanczos"))
    if mean is not None:
        o.mean_set = 1
        for c, m in enumerate(_triple("mean", mean)):
            o.mean[c] = m
    if std is not None:
        o.std_set = 1
        for c, v in enumerate(_triple("std", std)):
            o.std[c] = v
    o.dtype = dtype_code(dtype)
    o.layout = named("layout", layout, h.vs_layout_from_name, ("tchw", "thwc"))
    views = (VsView * MAX_VIEWS)()
    count = ctypes.c_size_t()
    check(h.vs_views_build(ctypes.byref(o), views, MAX_VIEWS, ctypes.byref(count)))
    return list(views[:count.value])

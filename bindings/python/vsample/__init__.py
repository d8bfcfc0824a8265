"""vsample: videos to encoder-ready tensors, from Python (ctypes + numpy, no compiled
extension).

    import vsample
    vsample.info("clip.mp4")["duration"]
    vsample.plan("clip.mp4", "uniform:16")["times"]
    pixels, pts, target = vsample.load("clip.mp4", "fps:2", preset="siglip-384")
    for sample in vsample.open_shards("out"):   # what `vsample extract -o out` wrote
        sample["siglip-384"], sample["pts"]
    for sample in vsample.ShardStream("packed", shuffle_buffer=256):  # `vsample pack` output,
        sample["key"], sample["siglip-384"]                           # split by rank and worker

libvsample is found through the VSAMPLE_LIBRARY environment variable (a path to
libvsample.so) when set, else the in-tree build (build/src/libvsample.so, when run from
the source checkout), else an installed one (sys.prefix, the system's loader,
/usr/local: vsample._lib says the order). Library failures raise
vsample.Error, whose .code is a VS_ERR_* value and whose message is the library's.
The functions can be called from several Python threads at once: each call has
sources, plans and readers of its own (the C API's contract), and ctypes releases
the GIL while the library works.
"""

from ._lib import (ERROR_NAMES, VS_ERR_INTERNAL, VS_ERR_INVALID_ARG, VS_ERR_INVALID_DATA, VS_ERR_IO,
                   VS_ERR_NO_VIDEO, VS_ERR_NOMEM, VS_ERR_NOT_FOUND, VS_ERR_UNSUPPORTED, VS_OK, Error,
                   lib as _library, library_path)
from ._views import preset_names as presets
from .shards import Sample, Shards, bf16_to_float32, open_shards
from .stream import ShardStream
from .video import info, load, plan


def version():
    """The loaded library's version, "MAJOR.MINOR.PATCH"."""
    return _library().vs_version().decode()


def backend_available(backend="vulkan", gpu=0):
    """True when load(..., backend=backend, gpu=gpu) can run here ("cpu", "auto", "vulkan")."""
    codes = {"cpu": 0, "auto": 1, "vulkan": 2}
    if backend not in codes:
        raise Error(VS_ERR_INVALID_ARG, f"backend: unknown value {backend!r} (expected cpu, auto or vulkan)")
    return _library().vs_backend_available(codes[backend], int(gpu)) == 0


__all__ = [
    "info", "plan", "load", "open_shards", "Shards", "Sample", "ShardStream", "bf16_to_float32", "presets",
    "version", "backend_available", "library_path", "Error", "ERROR_NAMES", "VS_OK",
    "VS_ERR_INVALID_ARG", "VS_ERR_NOMEM", "VS_ERR_NOT_FOUND", "VS_ERR_IO", "VS_ERR_INVALID_DATA",
    "VS_ERR_NO_VIDEO", "VS_ERR_UNSUPPORTED", "VS_ERR_INTERNAL",
]

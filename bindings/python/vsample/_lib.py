"""Loading libvsample, its error codes, and the Error exception.

The library is looked up once, on first use (so that open_shards, which needs no
library, works without one), in this order; the first that loads and whose
vs_version() has the major version this package expects (LIBRARY_MAJOR) wins:
  1. the VSAMPLE_LIBRARY environment variable, a path to libvsample.so, when set
     (then nothing else is tried);
  2. the in-tree build, build/src/libvsample.so, when this package is run from the
     source checkout (bindings/python/vsample beside the top meson.build);
  3. sys.prefix's lib/<multiarch>, lib64 and lib (`meson install --prefix` a venv);
  4. the system's loader: ctypes.util.find_library("vsample"), then "libvsample.so.0";
  5. /usr/local/lib/<multiarch> and /usr/local/lib (meson install's default prefix,
     which the loader's cache may not list until ldconfig runs).
Failing that, vsample.Error (VS_ERR_NOT_FOUND) with one line naming every place tried.
"""
import ctypes
import ctypes.util
import os
import sys
import sysconfig
import threading

from . import _structs

VS_OK = 0
VS_ERR_INVALID_ARG = -1
VS_ERR_NOMEM = -2
VS_ERR_NOT_FOUND = -3
VS_ERR_IO = -4
VS_ERR_INVALID_DATA = -5
VS_ERR_NO_VIDEO = -6
VS_ERR_UNSUPPORTED = -7
VS_ERR_INTERNAL = -8

ERROR_NAMES = {
    VS_ERR_INVALID_ARG: "VS_ERR_INVALID_ARG", VS_ERR_NOMEM: "VS_ERR_NOMEM",
    VS_ERR_NOT_FOUND: "VS_ERR_NOT_FOUND", VS_ERR_IO: "VS_ERR_IO",
    VS_ERR_INVALID_DATA: "VS_ERR_INVALID_DATA", VS_ERR_NO_VIDEO: "VS_ERR_NO_VIDEO",
    VS_ERR_UNSUPPORTED: "VS_ERR_UNSUPPORTED", VS_ERR_INTERNAL: "VS_ERR_INTERNAL",
}


class Error(Exception):
    """A libvsample failure (or a bad argument caught before calling it).

    .code is the library's negative VS_ERR_* code (vsample.VS_ERR_NOT_FOUND, ...),
    .message the one-line message naming the input and the cause (vs_last_error()),
    which is also str(error).
    """

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def code_name(self):
        """The code's name, e.g. "VS_ERR_NOT_FOUND"."""
        return ERROR_NAMES.get(self.code, str(self.code))


Error.__module__ = "vsample"  # as users name it: vsample.Error


_lock = threading.Lock()
_lib = None


LIBRARY_MAJOR = 0  # the major version of libvsample this package was written for
SONAME = f"libvsample.so.{LIBRARY_MAJOR}"


def _lib_dirs(prefix):
    multiarch = sysconfig.get_config_var("MULTIARCH")
    subdirs = (["lib/" + multiarch] if multiarch else []) + ["lib64", "lib"]
    return [os.path.join(prefix, d) for d in subdirs]


def _candidates():
    """([(path or name, is_path)], from_env): where to look, in order."""
    env = os.environ.get("VSAMPLE_LIBRARY")
    if env:
        return [(env, False)], True
    found = []
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    if (os.path.isfile(os.path.join(repo, "meson.build"))
            and here == os.path.join(repo, "bindings", "python", "vsample")):
        found.append((os.path.join(repo, "build", "src", "libvsample.so"), True))
    found += [(os.path.join(d, SONAME), True) for d in _lib_dirs(sys.prefix)]
    name = ctypes.util.find_library("vsample")
    if name:
        found.append((name, False))
    found.append((SONAME, False))
    found += [(os.path.join(d, SONAME), True) for d in _lib_dirs("/usr/local") if d != "/usr/local/lib64"]
    names, seen = [], set()
    for name, is_path in found:
        if name not in seen:
            seen.add(name)
            names.append((name, is_path))
    return names, False


def _check(handle):
    """None when handle is a libvsample this package can drive (prototypes declared), else why not."""
    try:
        _structs.declare(handle)
    except AttributeError as e:
        return f"not libvsample or too old: {e}"
    version = (handle.vs_version() or b"").decode("utf-8", "replace")
    if version.split(".")[0] != str(LIBRARY_MAJOR):
        return f"version {version!r}, expected {LIBRARY_MAJOR}.x"
    return None


def library_path():
    """The path or name of the library this process loaded (loading it if needed)."""
    return lib()._vsample_path


def lib():
    """The loaded libvsample (ctypes.CDLL) with every prototype declared."""
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is None:
            names, from_env = _candidates()
            tried = []
            for name, is_path in names:
                if is_path and not os.path.exists(name):
                    tried.append(f"{name} (absent)")
                    continue
                try:
                    handle = ctypes.CDLL(name)
                except OSError as e:
                    tried.append(f"{name} ({e})")
                    continue
                why = _check(handle)
                if why:
                    tried.append(f"{name} ({why})")
                    continue
                handle._vsample_path = name
                _lib = handle
                break
            else:
                if from_env:
                    msg = "libvsample: cannot load VSAMPLE_LIBRARY=" + tried[0]
                else:
                    msg = "libvsample: not found (set VSAMPLE_LIBRARY to its path); tried " + "; ".join(tried)
                raise Error(VS_ERR_NOT_FOUND, msg)
    return _lib


def last_error(code):
    """The Error for a failed call on this thread: vs_last_error(), else vs_strerror(code)."""
    h = lib()
    msg = h.vs_last_error()
    msg = msg.decode("utf-8", "replace") if msg else ""
    if not msg:
        msg = h.vs_strerror(code).decode("utf-8", "replace")
    return Error(code, msg)


def check(ret):
    """ret when >= 0, else raise the library's Error for it."""
    if ret < 0:
        raise last_error(ret)
    return ret

"""Loading libvsample, its error codes, and the Error exception.

The library is looked up once, on first use (so that open_shards, which needs no
library, works without one):
  1. the VSAMPLE_LIBRARY environment variable, a path to libvsample.so, when set;
  2. the in-tree build, build/src/libvsample.so in the repository around this package;
  3. the installed library: ctypes.util.find_library("vsample"), else "libvsample.so.0".
"""
import ctypes
import ctypes.util
import os
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


def _candidates():
    env = os.environ.get("VSAMPLE_LIBRARY")
    if env:
        return [env], True
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    names = []
    in_tree = os.path.join(repo, "build", "src", "libvsample.so")
    if os.path.exists(in_tree):
        names.append(in_tree)
    found = ctypes.util.find_library("vsample")
    if found:
        names.append(found)
    names.append("libvsample.so.0")
    return names, False


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
            for name in names:
                try:
                    handle = ctypes.CDLL(name)
                except OSError as e:
                    tried.append(f"{name} ({e})")
                    continue
                _structs.declare(handle)
                handle._vsample_path = name
                _lib = handle
                break
            else:
                where = "VSAMPLE_LIBRARY=" if from_env else ""
                raise Error(VS_ERR_NOT_FOUND, "libvsample: cannot load " + where + "; ".join(tried))
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

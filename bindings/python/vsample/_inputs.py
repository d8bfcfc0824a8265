"""open_source(): a VsSource over whatever names a video in Python: a path or URL, bytes in
memory (not copied), or a binary file-like object read through VsIO callbacks."""
import contextlib
import ctypes
import io
import os

import numpy as np

from ._lib import VS_ERR_INVALID_ARG, Error, check, lib
from ._structs import VS_IO_READ, VS_IO_SEEK, VS_IO_SIZE, VsInput, VsIO, VsSourceSettings


class _FileReader:
    """VsIO callbacks over a binary file-like object. An exception in a callback becomes
    -1 for the library and is kept, so that the Error raised can say what happened."""

    def __init__(self, f):
        self.f = f
        self.error = None
        self._readinto = getattr(f, "readinto", None)
        try:
            seekable = f.seekable() if hasattr(f, "seekable") else hasattr(f, "seek")
        except Exception:  # a closed file says so when it is read
            seekable = False
        # the CFUNCTYPE objects must live as long as the source: they are attributes
        self.read_cb = VS_IO_READ(self._read)
        self.seek_cb = VS_IO_SEEK(self._seek) if seekable else VS_IO_SEEK()
        self.io = VsIO(None, self.read_cb, self.seek_cb)

    def _read(self, _opaque, buf, size):
        try:
            if self._readinto is not None:  # straight into the library's buffer
                view = (ctypes.c_uint8 * size).from_address(ctypes.addressof(buf.contents))
                n = self._readinto(memoryview(view).cast("B"))
                return 0 if n is None else n
            data = self.f.read(size)
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"read() returned {type(data).__name__}, not bytes")
            n = len(data)
            if n > size:
                raise ValueError(f"read({size}) returned {n} bytes")
            ctypes.memmove(buf, bytes(data), n)
            return n
        except BaseException as e:  # noqa: B902 - nothing may cross back into C
            self.error = e
            return -1

    def _seek(self, _opaque, offset, whence):
        try:
            if whence == VS_IO_SIZE:
                pos = self.f.tell()
                end = self.f.seek(0, io.SEEK_END)
                self.f.seek(pos, io.SEEK_SET)
                return end
            return self.f.seek(offset, whence)
        except BaseException as e:  # noqa: B902
            if whence == VS_IO_SIZE:
                return -1  # an unknown size is no error
            self.error = e
            return -1


def _with_cause(err, reader):
    if reader is None or reader.error is None:
        return err
    cause = reader.error
    return Error(err.code, f"{err.message} ({type(cause).__name__}: {cause})")


def _input_for(video, name):
    """(VsInput, keepalive, reader) for video."""
    inp = VsInput()
    name_b = os.fsencode(name) if name is not None else None
    if isinstance(video, (str, os.PathLike)):
        inp.path = os.fsencode(video)
        return inp, None, None
    if isinstance(video, (bytes, bytearray, memoryview)):
        try:
            arr = np.frombuffer(video, dtype=np.uint8)  # no copy, read-only buffers too
        except (ValueError, TypeError):
            arr = np.frombuffer(bytes(video), dtype=np.uint8)  # not contiguous: one copy
        if arr.size == 0:
            raise Error(VS_ERR_INVALID_ARG, f"{name or '<memory>'}: empty buffer")
        inp.data = arr.ctypes.data
        inp.size = arr.size
        inp.name = name_b
        return inp, arr, None
    if hasattr(video, "read"):
        reader = _FileReader(video)
        inp.io = ctypes.pointer(reader.io)
        inp.name = name_b if name_b is not None else _file_name(video)
        return inp, reader, reader
    raise Error(VS_ERR_INVALID_ARG,
                f"video: {type(video).__name__} is not a path, URL, bytes or binary file object")


def _file_name(f):
    n = getattr(f, "name", None)
    if isinstance(n, (str, bytes)) and n:
        return os.fsencode(n)
    return None


@contextlib.contextmanager
def open_source(video, scan=False, threads=0, *, name=None, strategy=None, io_timeout=None):
    """An open VsSource handle (ctypes.c_void_p), closed on exit.

    video: a path or URL (str, os.PathLike); a whole file in memory (bytes, bytearray,
    memoryview: not copied, kept referenced while the source is open); or a binary
    file-like object with read() (and seek() to allow seeking: an open file, io.BytesIO,
    tarfile.extractfile()). name names a memory or file-object input in messages and
    in info's "path" (default "<memory>", the file's .name, or "<stream>").
    strategy (bytes): scan when it needs one; io_timeout: seconds, for URLs.
    An exception raised by the file object ends up in the vsample.Error raised.
    """
    h = lib()
    ss = VsSourceSettings()
    h.vs_source_default_settings(ctypes.byref(ss))
    ss.threads = int(threads)
    ss.scan = 1 if scan or (strategy is not None and h.vs_strategy_needs_scan(strategy)) else 0
    if io_timeout is not None:
        ss.io_timeout_ms = max(1, int(float(io_timeout) * 1000))
    inp, keep, reader = _input_for(video, name)
    src = ctypes.c_void_p()
    try:
        check(h.vs_source_open_input(ctypes.byref(src), ctypes.byref(inp), ctypes.byref(ss)))
    except Error as e:
        raise _with_cause(e, reader) from (reader.error if reader else None)
    try:
        yield src
    except Error as e:
        if reader is None or reader.error is None:
            raise
        raise _with_cause(e, reader) from reader.error
    finally:
        h.vs_source_close(ctypes.byref(src))
        del keep  # the buffer or callbacks outlived the source

"""vsample.info/plan/load over every kind of input the binding takes: bytes, bytearray,
memoryview, io.BytesIO, an open file, a tarfile member, against the path: identical
tensors; info(bytes) names "<memory>" (or name=); a file object whose read raises gives
vsample.Error carrying the exception's text."""
import io
import os
import tarfile

from common import expect, make_video, require_ffmpeg, tempdir

import numpy as np
import vsample
from vsample._inputs import open_source

require_ffmpeg()
with tempdir() as tmp:
    video = os.path.join(tmp, "clip.mp4")
    make_video(video, size="96x64", rate=10, seconds=3)
    with open(video, "rb") as f:
        data = f.read()
    tar_path = os.path.join(tmp, "videos.tar")
    with tarfile.open(tar_path, "w") as t:
        t.add(video, arcname="inner/clip.mp4")

    ref_info = vsample.info(video)
    for strategy in ("fps:2", "timestamps:2.5,0.4,1.5"):
        ref = vsample.load(video, strategy, dtype="uint8")
        with tarfile.open(tar_path) as t, open(video, "rb") as f:
            member = t.extractfile("inner/clip.mp4")
            for label, src in (("bytes", data), ("bytearray", bytearray(data)),
                               ("memoryview", memoryview(data)), ("BytesIO", io.BytesIO(data)),
                               ("file", f), ("tar member", member)):
                if hasattr(src, "seek"):
                    src.seek(0)
                got = vsample.load(src, strategy, dtype="uint8")
                expect(len(got) == len(ref), f"{label}: {len(got)} results")
                for a, b in zip(ref, got):
                    expect(np.array_equal(a, b), f"{label} {strategy}: differs from the path's")

    for label, src, name, want in (("bytes", data, None, "<memory>"),
                                   ("bytes named", data, "clip.mp4", "clip.mp4"),
                                   ("BytesIO", io.BytesIO(data), None, "<stream>")):
        with open_source(src, name=name) as s:
            got = vsample.video._info_dict(vsample._library().vs_source_info(s).contents)
        expect(got["path"] == want, f"{label}: path {got['path']!r}")
        got.pop("path")
        expect(got == {k: v for k, v in ref_info.items() if k != "path"}, f"{label}: info differs")
    expect(vsample.info(data)["path"] == "<memory>", "info(bytes) path")
    expect(vsample.plan(data, "fps:2")["path"] == "<memory>", "plan(bytes) path")
    expect(vsample.info(video)["path"] == video, "info(path) path")

    class Broken(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            raise OSError("the disk fell off")

    try:
        vsample.info(Broken())
        expect(False, "a raising read gave no error")
    except vsample.Error as e:
        expect("the disk fell off" in str(e) and "<stream>" in str(e), f"message: {e}")

    class Later(io.BytesIO):  # reads fail after `ok` of them (None: never)
        def __init__(self, buf, ok=None):
            super().__init__(buf)
            self.ok, self.reads = ok, 0

        def readinto(self, b):
            self.reads += 1
            if self.ok is not None and self.reads > self.ok:
                raise ValueError("gone")
            return super().readinto(b)

    big = make_video(os.path.join(tmp, "big.mp4"), size="320x240", rate=25, seconds=4)
    with open(big, "rb") as f:
        big_data = f.read()
    probe = Later(big_data)
    vsample.info(probe)  # what opening reads; the frames need more
    try:
        vsample.load(Later(big_data, probe.reads), "fps:5", dtype="uint8")
        expect(False, "a read failing mid-file gave no error")
    except vsample.Error as e:
        expect("gone" in str(e), f"mid-file message: {e}")

    try:
        vsample.info(b"")
        expect(False, "empty bytes gave no error")
    except vsample.Error as e:
        expect("empty" in str(e), f"empty: {e}")
    try:
        vsample.info(12)
        expect(False, "an int gave no error")
    except vsample.Error as e:
        expect(e.code == vsample.VS_ERR_INVALID_ARG, f"int: {e}")
print("ok: inputs")

"""An independent safetensors reader: numpy + mmap, no vsample code.

read_file(path) -> (tensors: dict name -> np.ndarray (read-only mmap views),
                    metadata: dict str -> str)
read_sample(dir, key) -> (tensors: dict suffix -> np.ndarray over all parts,
                          metadata: dict of the first part's JSON metadata)
"""
import json
import mmap
import os
import struct

import numpy as np

DTYPES = {"U8": np.uint8, "I32": np.int32, "F16": np.float16, "F32": np.float32,
          "F64": np.float64, "BF16": np.uint16}  # BF16: raw bits (numpy has no bf16)


def read_file(path):
    with open(path, "rb") as f:
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(bytes(buf[8:8 + n]))
    meta = header.pop("__metadata__", {})
    out, end = {}, 0
    for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = t["data_offsets"]
        assert b == end, f"{path}: {name} starts at {b}, previous ended at {end}"
        dt = np.dtype(DTYPES[t["dtype"]])
        count = int(np.prod(t["shape"], dtype=np.int64))
        assert e - b == count * dt.itemsize, f"{path}: {name} size mismatch"
        out[name] = np.frombuffer(buf, dtype=dt, count=count, offset=8 + n + b).reshape(t["shape"])
        end = e
    assert 8 + n + end == len(buf), f"{path}: data ends at {8 + n + end}, file is {len(buf)}"
    return out, meta


def bf16_to_f32(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32)


def read_sample(directory, key):
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    parts = index["samples"][key]["parts"]
    pieces, meta = {}, None
    for part in parts:
        tensors, m = read_file(os.path.join(directory, part["shard"]))
        if meta is None:
            meta = json.loads(m[key])
        for name, arr in tensors.items():
            if name.startswith(key + "/"):
                pieces.setdefault(name[len(key) + 1:], []).append(arr)
    return {k: np.concatenate(v) for k, v in pieces.items()}, meta

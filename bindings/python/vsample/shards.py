"""open_shards(): read the safetensors shards `vsample extract` writes (README "Output")
with numpy over mmap, no copy and no libvsample.

DIR/index.json: {"format": "vsample-shards", "shards": [...], "samples": {K: {"frames": T,
"parts": [{"shard": FILE, "start": a, "end": b}, ...], "metadata": {...}}}}; each shard holds,
per part of sample K, the tensors K/<view>, K/pts, K/target (and K/clip) of frames [a, b).
"""
import json
import mmap
import os
import struct

import numpy as np

from ._lib import VS_ERR_INVALID_DATA, VS_ERR_IO, VS_ERR_NOT_FOUND, Error

_DTYPES = {"U8": np.uint8, "I32": np.int32, "F16": np.float16, "F32": np.float32, "F64": np.float64,
           "BF16": np.uint16}  # BF16: the raw bits (numpy has no bfloat16)
_MAX_HEADER = 100 << 20


def bf16_to_float32(bits):
    """bfloat16 values stored as their uint16 bits (dtype "bf16") to float32, exactly."""
    return (np.asarray(bits, np.uint16).astype(np.uint32) << 16).view(np.float32)


def _bad(path, why):
    return Error(VS_ERR_INVALID_DATA, f"{path}: {why}")


def read_index(directory, hint):
    """(path, parsed JSON) of DIR/index.json; a missing, unreadable or non-JSON file is one
    vsample.Error naming it (hint: what a missing one suggests)."""
    path = os.path.join(directory, "index.json")
    try:
        with open(path, "rb") as f:
            return path, json.load(f)
    except FileNotFoundError:
        raise Error(VS_ERR_NOT_FOUND, f"{path}: no such file ({hint})") from None
    except OSError as e:
        raise Error(VS_ERR_IO, f"{path}: {e.strerror}") from None
    except ValueError as e:
        raise _bad(path, f"not JSON: {e}") from None


class _ShardFile:
    """One safetensors file, mapped read-only; tensors made on demand, all viewing the map."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path, "rb") as f:
                self.map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            raise Error(VS_ERR_NOT_FOUND, f"{path}: no such shard") from None
        except (OSError, ValueError) as e:  # ValueError: an empty file cannot be mapped
            raise Error(VS_ERR_IO, f"{path}: cannot map: {e}") from None
        size = len(self.map)
        if size < 8:
            raise _bad(path, "shorter than a safetensors header")
        (n,) = struct.unpack("<Q", self.map[:8])
        if n > min(size - 8, _MAX_HEADER):
            raise _bad(path, f"header of {n} bytes does not fit in the file ({size} bytes)")
        try:
            header = json.loads(bytes(self.map[8:8 + n]))
        except ValueError as e:
            raise _bad(path, f"header is not JSON: {e}") from None
        if not isinstance(header, dict):
            raise _bad(path, "header is not a JSON object")
        self.metadata = header.pop("__metadata__", {}) or {}
        self.start = 8 + n
        self.entries = header
        self.arrays = {}
        try:  # safetensors: the data ends where the file ends (a truncated copy does not)
            end = max((int(t["data_offsets"][1]) for t in header.values()), default=0)
        except (KeyError, TypeError, ValueError, IndexError):
            raise _bad(path, "a tensor without data_offsets") from None
        if self.start + end != size:
            raise _bad(path, f"tensor data ends at byte {self.start + end}, the file at {size}")

    def tensor(self, name):
        a = self.arrays.get(name)
        if a is not None:
            return a
        t = self.entries.get(name)
        if t is None:
            raise _bad(self.path, f"no tensor {name!r}")
        try:
            dt = np.dtype(_DTYPES[t["dtype"]])
            shape = [int(d) for d in t["shape"]]
            b, e = (int(x) for x in t["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise _bad(self.path, f"tensor {name!r}: bad dtype, shape or data_offsets") from None
        count = int(np.prod(shape, dtype=np.int64))
        if min(shape, default=0) < 0 or not 0 <= b <= e or self.start + e > len(self.map) \
                or e - b != count * dt.itemsize:
            raise _bad(self.path, f"tensor {name!r}: data_offsets [{b}, {e}) do not hold {shape} {t['dtype']}")
        a = np.frombuffer(self.map, dtype=dt, count=count, offset=self.start + b).reshape(shape)
        self.arrays[name] = a
        return a


class Sample:
    """One video's tensors: names are the suffixes after "K/" ("siglip-384", "pts",
    "target", "clip").

    sample[name] is an ndarray over every frame: a read-only view of the mapped file
    when the sample lies in one shard, a copy (np.concatenate) when it was split across
    shards; sample.parts gives each part's zero-copy views. .key, .frames (T),
    .metadata (the sample's JSON metadata: source, strategy, plan_note, seek,
    padded_frames, views, stream), .names.
    """

    def __init__(self, shards, key, entry):
        self.key = key
        self.frames = int(entry.get("frames", 0))
        self._shards = shards
        self._parts = entry.get("parts") or []
        self._metadata = entry.get("metadata")
        self._joined = {}
        if not self._parts:
            raise _bad(os.path.join(shards.directory, "index.json"), f"sample {key!r} has no parts")

    def _files(self):
        return [self._shards._file(p["shard"]) for p in self._parts]

    @property
    def names(self):
        """Tensor names of this sample, in file order of its first part."""
        f, prefix = self._files()[0], self.key + "/"
        return [k[len(prefix):] for k in sorted(f.entries, key=lambda k: f.entries[k]["data_offsets"][0])
                if k.startswith(prefix)]

    @property
    def parts(self):
        """Per part (in frame order): {"start", "end", "shard", "tensors": {name: ndarray view}}."""
        out = []
        for p, f in zip(self._parts, self._files()):
            tensors = {n: f.tensor(self.key + "/" + n) for n in self.names}
            for n, a in tensors.items():
                if len(a) != p["end"] - p["start"]:
                    raise _bad(f.path, f"{self.key}/{n} has {len(a)} frames, index.json says "
                                       f"[{p['start']}, {p['end']})")
            out.append({"start": p["start"], "end": p["end"], "shard": p["shard"], "tensors": tensors})
        return out

    @property
    def metadata(self):
        """The sample's JSON metadata (index.json's, else its first shard's) as a dict."""
        if self._metadata is None:
            text = self._files()[0].metadata.get(self.key)
            self._metadata = json.loads(text) if text else {}
        return self._metadata

    def __getitem__(self, name):
        if name in self._joined:
            return self._joined[name]
        parts = self.parts
        if name not in parts[0]["tensors"]:
            raise KeyError(name)
        pieces = [p["tensors"][name] for p in parts]
        a = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        if len(a) != self.frames:
            raise _bad(os.path.join(self._shards.directory, "index.json"),
                       f"sample {self.key!r}: {name} has {len(a)} frames, index.json says {self.frames}")
        self._joined[name] = a
        return a

    def __contains__(self, name):
        return name in self.names

    def keys(self):
        """The tensor names, as a dict's keys() (so dict(sample) works)."""
        return self.names

    @property
    def tensors(self):
        """{name: ndarray} of every tensor (see sample[name])."""
        return {n: self[n] for n in self.names}

    def __repr__(self):
        return f"<vsample.Sample {self.key!r}: {self.frames} frames, {len(self._parts)} part(s)>"


class Shards:
    """The samples of a shard directory: len(), keys(), `key in shards`, shards[key]
    -> Sample, and iteration over the Samples in index order. Files are mapped on
    first use and stay mapped while this object or any array from it is alive.
    """

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        path, index = read_index(self.directory, "not a vsample shard directory?")
        if not isinstance(index, dict) or not isinstance(index.get("samples"), dict):
            raise _bad(path, "no \"samples\" object")
        if index.get("format", "vsample-shards") != "vsample-shards":
            raise _bad(path, f"format {index.get('format')!r} is not vsample-shards")
        self.index = index
        self._samples = index["samples"]
        self._open = {}

    def _file(self, name):
        f = self._open.get(name)
        if f is None:
            # a relative path inside the directory (batch outputs use samples/KEY/shard-*.safetensors)
            if (not isinstance(name, str) or name.startswith("/") or "\\" in name
                    or any(p in ("", ".", "..") for p in name.split("/"))):
                raise _bad(os.path.join(self.directory, "index.json"),
                           f"shard name {name!r} is not a path inside the directory")
            f = self._open[name] = _ShardFile(os.path.join(self.directory, name))
        return f

    def keys(self):
        """Sample keys, in the order the index lists them."""
        return list(self._samples)

    def __len__(self):
        return len(self._samples)

    def __contains__(self, key):
        return key in self._samples

    def __getitem__(self, key):
        entry = self._samples.get(key)
        if entry is None:
            raise KeyError(key)
        return Sample(self, key, entry)

    def __iter__(self):
        for key in self._samples:
            yield self[key]

    def close(self):
        """Forget the mapped files (arrays still alive keep their own mapping)."""
        self._open = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<vsample.Shards {self.directory!r}: {len(self)} samples>"


def open_shards(directory):
    """The shards `vsample extract -o DIR` wrote, mapped read-only (zero copy).

    Returns a Shards: iterate it for Samples in index order, or look one up by key,
    shards["clip"]; sample["siglip-384"], sample["pts"], sample["target"] are numpy
    arrays viewing the mapped files (copies only for a sample split across shards,
    see Sample). bf16 tensors are their uint16 bits (bf16_to_float32). Raises
    vsample.Error (VS_ERR_NOT_FOUND without DIR/index.json, VS_ERR_INVALID_DATA for a
    malformed index or shard).
    """
    return Shards(directory)

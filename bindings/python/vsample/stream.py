"""ShardStream: samples of a `vsample pack` output (or an extract/batch output) streamed to a
training job, split by rank and DataLoader worker, shuffled with a buffer (docs/SCALE.md).

    ds = vsample.ShardStream("packed", shuffle_buffer=256, seed=0)
    loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=4)
    for epoch in range(n):
        ds.set_epoch(epoch)
        for sample in loader: ...   # {"key", "<view>", "pts", "target", ["clip",] "metadata"}

Shards, not samples, are dealt out: the shard list (shuffled per epoch by seed + epoch when
shuffle_buffer > 0) goes round-robin to the ranks, each rank's share round-robin to its
DataLoader workers, so each consumer maps only its own files. A sample belongs to the shard
holding its first frame and is yielded once per epoch; one that continues into later shards
is read from them too. Tensors are numpy arrays viewing the mapped file (no copy) unless the
sample is split across shards (then concatenated). With more consumers than shards some get
none: pack with a --shard-size that makes at least world_size x num_workers shards.
"""
import json
import os
import random

from ._lib import VS_ERR_INVALID_ARG, VS_ERR_INVALID_DATA, Error
from .shards import _ShardFile, read_index

try:  # an IterableDataset when torch is there, a plain iterable otherwise
    import torch
    from torch.utils.data import IterableDataset as _Base
except ImportError:  # pragma: no cover - torch is optional
    torch = None
    _Base = object


def _rank_world(rank, world_size):
    """rank/world_size as given, else torch.distributed's (initialized), else RANK/WORLD_SIZE, else 0/1."""
    if rank is not None and world_size is not None:
        return int(rank), int(world_size)
    r, w = 0, 1
    if torch is not None and torch.distributed.is_available() and torch.distributed.is_initialized():
        r, w = torch.distributed.get_rank(), torch.distributed.get_world_size()
    else:
        r, w = int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1))
    return (int(rank) if rank is not None else r), (int(world_size) if world_size is not None else w)


class ShardStream(_Base):
    """Iterate the samples of DIR once per epoch (see the module's docstring).

    rank, world_size: this process's share (default: torch.distributed, else the RANK and
    WORLD_SIZE environment variables, else 0 of 1). shuffle_buffer: 0 keeps file order (and
    shard order); N > 0 shuffles shard order per epoch and yields through a buffer of N
    samples. seed: with set_epoch(n), what fixes the order. views: the view tensors to yield
    (default all).
    """

    def __init__(self, directory, rank=None, world_size=None, shuffle_buffer=0, seed=0, views=None):
        self.directory = os.fspath(directory)
        self.rank, self.world_size = rank, world_size
        if int(shuffle_buffer) < 0:
            raise Error(VS_ERR_INVALID_ARG, f"shuffle_buffer: {shuffle_buffer} < 0")
        self.shuffle_buffer, self.seed, self.epoch = int(shuffle_buffer), int(seed), 0
        self.views = None if views is None else list(views)
        path, index = read_index(self.directory, "not a vsample output?")
        fmt = index.get("format") if isinstance(index, dict) else None
        if fmt == "vsample-pack":
            self._shards = [s["name"] for s in index["shards"]]
            self._samples = None  # read from each shard's __metadata__ when iterated
            self.num_samples = int(index["samples"])
        elif fmt == "vsample-shards":
            # extract/batch: the index lists each sample's parts; it belongs to its first part's shard
            self._shards = []
            owned = {}
            for key, s in index["samples"].items():
                first = s["parts"][0]["shard"]
                if first not in owned:
                    owned[first] = []
                    self._shards.append(first)
                owned[first].append((key, [(p["shard"], p["start"], p["end"]) for p in s["parts"]]))
            self._samples = owned
            self.num_samples = len(index["samples"])
        else:
            raise Error(VS_ERR_INVALID_DATA, f"{path}: not a vsample index (format {fmt!r})")

    def set_epoch(self, epoch):
        """The epoch whose order the next iteration follows (reshuffles when shuffle_buffer > 0)."""
        self.epoch = int(epoch)

    def shards_for(self, rank, world_size, worker=0, num_workers=1):
        """The shard names consumer (rank, worker) reads this epoch, in reading order."""
        order = list(self._shards)
        if self.shuffle_buffer:
            random.Random(f"{self.seed}/{self.epoch}").shuffle(order)
        return order[rank::world_size][worker::num_workers]

    def iter_worker(self, worker=0, num_workers=1):
        """The samples of DataLoader worker `worker` of `num_workers` on this rank (what
        __iter__ yields in that worker; callable directly to split work without processes)."""
        rank, world = _rank_world(self.rank, self.world_size)
        if not 0 <= rank < world or not 0 <= worker < num_workers:
            raise Error(VS_ERR_INVALID_ARG, f"rank {rank} of {world}, worker {worker} of {num_workers}")
        samples = self._read(self.shards_for(rank, world, worker, num_workers))
        if not self.shuffle_buffer:
            yield from samples
            return
        rng = random.Random(f"{self.seed}/{self.epoch}/{rank}/{worker}")
        buf = []
        for s in samples:
            if len(buf) < self.shuffle_buffer:
                buf.append(s)
                continue
            i = rng.randrange(len(buf))
            buf[i], s = s, buf[i]
            yield s
        rng.shuffle(buf)
        yield from buf

    def __iter__(self):
        info = torch.utils.data.get_worker_info() if torch is not None else None
        return self.iter_worker(info.id if info else 0, info.num_workers if info else 1)

    # -------------------------------------------------------------- reading

    def _open(self, cache, name):
        f = cache.get(name)
        if f is None:
            if (not isinstance(name, str) or name.startswith("/") or "\\" in name
                    or any(p in ("", ".", "..") for p in name.split("/"))):
                raise Error(VS_ERR_INVALID_DATA, f"{self.directory}/index.json: shard name {name!r} "
                                                 "is not a path inside the directory")
            f = cache[name] = _ShardFile(os.path.join(self.directory, name))
        return f

    def _read(self, names):
        cache = {}
        for i, name in enumerate(names):
            f = self._open(cache, name)
            if self._samples is not None:
                for key, parts in self._samples[name]:
                    yield self._sample(key, [(self._open(cache, s), a, b) for s, a, b in parts],
                                       f.metadata.get(key))
            else:
                yield from self._pack_shard(cache, name, f)
            cache = {n: g for n, g in cache.items() if n == name}  # what later shards may reuse: none

    def _pack_shard(self, cache, name, f):
        pos = self._shards.index(name)
        for key, text in f.metadata.items():
            meta = json.loads(text)
            first, end = meta["frames"]
            if first != 0:
                continue  # yielded with the shard holding its first frame
            parts, total, j = [(f, first, end)], int(meta["total_frames"]), pos
            while end < total:  # a sample larger than the space left goes on in the next shards
                j += 1
                if j >= len(self._shards):
                    raise Error(VS_ERR_INVALID_DATA, f"{self.directory}: sample {key!r} ends at frame {end} "
                                                     f"of {total}")
                g = self._open(cache, self._shards[j])
                a, end = json.loads(g.metadata[key])["frames"]
                parts.append((g, a, end))
            yield self._sample(key, parts, text, meta)

    def _sample(self, key, parts, text, meta=None):
        import numpy as np
        if meta is None:
            meta = json.loads(text) if text else {}
        f = parts[0][0]
        prefix = key + "/"
        names = [k[len(prefix):] for k in sorted(f.entries, key=lambda k: f.entries[k]["data_offsets"][0])
                 if k.startswith(prefix)]
        out = {"key": key}
        for n in names:
            if self.views is not None and n not in ("pts", "target", "clip") and n not in self.views:
                continue
            pieces = [p.tensor(prefix + n) for p, _, _ in parts]
            out[n] = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        if self.views is not None:
            missing = [v for v in self.views if v not in out]
            if missing:
                raise Error(VS_ERR_INVALID_ARG, f"{f.path}: sample {key!r} has no view {missing[0]!r}")
        out["metadata"] = {k: v for k, v in meta.items() if k not in ("frames", "total_frames")}
        return out

    def __repr__(self):
        return (f"<vsample.ShardStream {self.directory!r}: {self.num_samples} samples in "
                f"{len(self._shards)} shards>")

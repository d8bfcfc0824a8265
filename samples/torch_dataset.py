"""A training loader on vsample's Python binding (bindings/python/vsample), two ways:

  VideoDataset(paths, ...)  decodes each video when it is asked for (vsample.load)
  ShardDataset(dir)         reads what `vsample extract -o DIR` wrote (vsample.open_shards)

Each item is a dict: "pixels" [T, 3, H, W], "pts" and "target" [T] (seconds), "key". With
PyTorch installed both are torch.utils.data.Dataset and give tensors (bf16 as
torch.bfloat16); without it they are plain sequences of numpy arrays. Only the binding is
used: no torchvision, no decoder of PyTorch's.

  PYTHONPATH=bindings/python python3 samples/torch_dataset.py VIDEO... [--shards DIR]
"""
import argparse
import sys

import numpy as np

import vsample

try:
    import torch
    from torch.utils.data import DataLoader, Dataset
except ImportError:  # torch is optional: the datasets still work, on numpy arrays
    torch = None
    DataLoader = None
    Dataset = object


def to_torch(a, bf16=False):
    """numpy -> torch without a copy where possible; bf16 arrives as its uint16 bits."""
    if torch is None:
        return a
    if not a.flags.writeable:  # a view of a read-only mapped shard: torch wants writable memory
        a = a.copy()
    if bf16:  # torch has no uint16: reinterpret the bits as int16, then as bfloat16
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


class VideoDataset(Dataset):
    """Videos decoded on demand: item i is paths[i] sampled by `strategy` and
    preprocessed for `preset` (see vsample.load). Safe with DataLoader workers: each
    worker process loads libvsample itself, and every load() has its own source."""

    def __init__(self, paths, strategy="uniform:8", preset="siglip-384", dtype="float16", **load_options):
        self.paths = list(paths)
        self.strategy, self.preset, self.dtype = strategy, preset, dtype
        self.load_options = load_options

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        pixels, pts, target = vsample.load(self.paths[i], self.strategy, preset=self.preset, dtype=self.dtype,
                                           **self.load_options)
        bf16 = self.dtype in ("bf16", "bfloat16")
        return {"key": self.paths[i], "pixels": to_torch(pixels, bf16), "pts": to_torch(pts),
                "target": to_torch(target)}


class ShardDataset(Dataset):
    """Samples of a shard directory in index order; `view` picks the tensor (default: the
    only view). The shards stay mapped; an item copies only when handed to torch."""

    def __init__(self, directory, view=None):
        self.shards = vsample.open_shards(directory)
        self.keys = self.shards.keys()
        self.view = view

    def __len__(self):
        return len(self.keys)

    def __getitem__(self, i):
        sample = self.shards[self.keys[i]]
        view = self.view
        if view is None:
            views = [n for n in sample.names if n not in ("pts", "target", "clip")]
            if len(views) != 1:
                raise ValueError(f"{sample.key}: views {views}: pass view=")
            view = views[0]
        bf16 = any(v["name"] == view and v["dtype"] == "bf16" for v in sample.metadata.get("views", []))
        return {"key": sample.key, "pixels": to_torch(sample[view], bf16), "pts": to_torch(sample["pts"]),
                "target": to_torch(sample["target"])}


def describe(item):
    p = item["pixels"]
    kind = "torch" if torch is not None and isinstance(p, torch.Tensor) else "numpy"
    return f"{item['key']}: pixels {kind} {tuple(p.shape)} {p.dtype}, pts {np.asarray(item['pts']).round(3).tolist()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("videos", nargs="*")
    ap.add_argument("--shards", help="a directory `vsample extract` wrote")
    ap.add_argument("--strategy", default="uniform:8")
    ap.add_argument("--preset", default="siglip-384")
    ap.add_argument("--dtype", default="float16")
    args = ap.parse_args()
    print(f"vsample {vsample.version()} ({vsample.library_path()}), torch {torch.__version__ if torch else 'absent'}")
    if args.videos:
        ds = VideoDataset(args.videos, args.strategy, args.preset, args.dtype)
        for i in range(len(ds)):
            print("video", describe(ds[i]))
        if DataLoader is not None:  # a batch of same-size clips, decoded in two worker processes
            loader = DataLoader(ds, batch_size=len(ds), num_workers=min(2, len(ds)))
            batch = next(iter(loader))
            print(f"batch: pixels {tuple(batch['pixels'].shape)} {batch['pixels'].dtype}")
    if args.shards:
        ds = ShardDataset(args.shards)
        for i in range(len(ds)):
            print("shard", describe(ds[i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

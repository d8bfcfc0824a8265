"""vsample.ShardStream over `vsample pack` output (and an extract output): world size 2 x 2
workers (workers simulated by iter_worker) yield every sample exactly once with tensors equal
to the source's and zero-copy views of the mapped files; the same order for the same seed and
epoch, another for another epoch; RANK/WORLD_SIZE from the environment; views=; a real torch
DataLoader with num_workers=2 (skipped without torch)."""
import os

import numpy as np
from common import cli_ok, expect, make_video, require_cli, require_ffmpeg, st_reader, tempdir

import vsample

require_cli()
require_ffmpeg()
VIEW = ["--size", "32x24", "--dtype", "u8", "--layout", "thwc", "--filter", "bilinear", "--quiet"]


def epoch_samples(ds, world, workers):
    out = []
    for r in range(world):
        ds.rank, ds.world_size = r, world
        for w in range(workers):
            out += [(r, w, s) for s in ds.iter_worker(w, workers)]
    return out


def main():
    with tempdir() as tmp:
        videos = []
        for i in range(10):
            v = os.path.join(tmp, f"v{i}.mp4")
            make_video(v, size="64x48", seconds=2 + (i == 3) * 4)  # v3: 12 frames, spans shards
            videos.append(v)
        ex = os.path.join(tmp, "ex")
        cli_ok(["extract", *videos, "-o", ex, *VIEW])
        pk = os.path.join(tmp, "pk")
        cli_ok(["pack", ex, "-o", pk, "--shard-size", "12000", "--quiet"])
        keys = sorted(f"v{i}" for i in range(10))
        ref = {k: st_reader.read_sample(ex, k) for k in keys}

        for d in (pk, ex):
            ds = vsample.ShardStream(d, shuffle_buffer=4, seed=7)
            expect(ds.num_samples == 10, f"{d}: num_samples {ds.num_samples}")
            got = epoch_samples(ds, 2, 2)
            seen = [s["key"] for _, _, s in got]
            expect(sorted(seen) == keys, f"{d}: samples {sorted(seen)}")
            consumers = {(r, w) for r, w, _ in got}
            expect(d == ex or len(consumers) == 4, f"{d}: only {len(consumers)} consumers got samples")
            for _, _, s in got:
                want, meta = ref[s["key"]]
                for n, a in want.items():
                    expect(n in s and s[n].dtype == a.dtype and s[n].tobytes() == a.tobytes(),
                           f"{d}: {s['key']}/{n} differs")
                expect(s["metadata"] == {k: v for k, v in meta.items() if k not in ("frames", "total_frames")},
                       f"{d}: {s['key']}: metadata")
            one = [s for _, _, s in got if s["key"] == "v0"][0]["custom"]
            expect(not one.flags.owndata and not one.flags.writeable, "not a view of the mapped file")
            # the same seed and epoch: the same order; another epoch: another
            again = [s["key"] for _, _, s in epoch_samples(ds, 2, 2)]
            expect(again == seen, f"{d}: same seed, same epoch, another order")
            ds.set_epoch(1)
            other = [s["key"] for _, _, s in epoch_samples(ds, 2, 2)]
            expect(sorted(other) == keys and other != seen, f"{d}: epoch 1 has the order of epoch 0")
            ds2 = vsample.ShardStream(d, shuffle_buffer=4, seed=8)
            expect([s["key"] for _, _, s in epoch_samples(ds2, 2, 2)] != seen, f"{d}: seed changes nothing")

        # no shuffle: file order, which is key order for a pack
        ds = vsample.ShardStream(pk)
        expect([s["key"] for s in ds] == keys, "unshuffled pack is not in key order")
        # RANK / WORLD_SIZE from the environment
        os.environ["RANK"], os.environ["WORLD_SIZE"] = "1", "2"
        try:
            ds = vsample.ShardStream(pk)
            mine = [s["key"] for s in ds]
            ds0 = vsample.ShardStream(pk, rank=0, world_size=2)
            expect(sorted(mine + [s["key"] for s in ds0]) == keys and mine, f"RANK/WORLD_SIZE: {mine}")
        finally:
            del os.environ["RANK"], os.environ["WORLD_SIZE"]
        # views=
        s = next(iter(vsample.ShardStream(pk, views=["custom"])))
        expect(set(s) == {"key", "custom", "pts", "target", "metadata"}, f"views: {sorted(s)}")
        try:
            next(iter(vsample.ShardStream(pk, views=["nope"])))
            expect(False, "views=['nope'] accepted")
        except vsample.Error as e:
            expect("nope" in str(e), str(e))

        try:
            import torch
        except ImportError:
            print("torch not importable: DataLoader part skipped")
            return
        import warnings
        ds = vsample.ShardStream(pk, rank=0, world_size=1, shuffle_buffer=3, seed=1)
        expect(isinstance(ds, torch.utils.data.IterableDataset), "not an IterableDataset")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # read-only arrays: torch warns, then copies
            loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2)
            first = [s["key"] for s in loader]
            second = [s["key"] for s in loader]
        expect(sorted(first) == keys, f"DataLoader: {sorted(first)}")
        expect(first == second, "DataLoader: same epoch, another order")


main()
print("ok: ShardStream yields every sample once over 2 ranks x 2 workers, seeded order per epoch")

"""samples/torch_dataset.py runs: as a script over videos and a shard directory (with torch
when it is importable, and with torch hidden, on numpy), and its datasets' items hold what
vsample.load() and tests/st_reader.py give. The torch half is skipped without torch."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
from common import ROOT, cli_ok, expect, make_video, require_cli, require_ffmpeg, st_reader, tempdir

import vsample

require_cli()
require_ffmpeg()
SAMPLE_PY = os.path.join(ROOT, "samples", "torch_dataset.py")
try:
    import torch
except ImportError:
    torch = None
    print("torch is not importable here: its half of this test is skipped")


def run(args, hide_torch):
    pre = "import sys; sys.modules['torch'] = None; " if hide_torch else ""  # import torch -> ImportError
    code = pre + f"import runpy, sys; sys.argv = ['torch_dataset.py'] + {args!r}; " \
                 f"runpy.run_path({SAMPLE_PY!r}, run_name='__main__')"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    expect(p.returncode == 0, f"torch_dataset.py {args} (torch hidden: {hide_torch}) -> exit {p.returncode}: "
                              f"{p.stderr[-2000:]}")
    return p.stdout


with tempdir() as tmp:
    videos = [make_video(os.path.join(tmp, "a.mp4")), make_video(os.path.join(tmp, "b.mp4"), size="80x60")]
    shards = os.path.join(tmp, "shards")
    cli_ok(["extract", *videos, "-o", shards, "--strategy", "uniform:4", "--preset", "internvideo2-224",
            "--dtype", "bf16", "--backend", "cpu", "--quiet"])
    args = [*videos, "--shards", shards, "--strategy", "uniform:4", "--preset", "internvideo2-224"]
    for hide in ([True] if torch is None else [True, False]):
        out = run(args, hide)
        kind = "numpy" if hide else "torch"
        expect(out.count(f"pixels {kind} (4, 3, 224, 224)") == 4, f"output:\n{out}")
        expect(("batch: pixels (2, 4, 3, 224, 224) torch.float16" in out) == (not hide), f"output:\n{out}")

    spec = importlib.util.spec_from_file_location("torch_dataset", SAMPLE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    item = mod.VideoDataset(videos, "uniform:4", "internvideo2-224")[1]
    px, pts, _ = vsample.load(videos[1], "uniform:4", preset="internvideo2-224")
    expect(np.asarray(item["pixels"]).tobytes() == px.tobytes() and np.asarray(item["pts"]).tolist() == pts.tolist(),
           "VideoDataset item differs from vsample.load")
    item = mod.ShardDataset(shards)[0]
    want, _ = st_reader.read_sample(shards, "a")
    got = item["pixels"]
    if torch is not None:
        expect(got.dtype == torch.bfloat16, f"bf16 shard as {got.dtype}")
        got = got.view(torch.int16).numpy().view(np.uint16)
    expect(got.tobytes() == want["internvideo2-224"].tobytes(), "ShardDataset item differs from st_reader")
print(f"ok: samples/torch_dataset.py ran ({'with and without torch' if torch else 'without torch'})")

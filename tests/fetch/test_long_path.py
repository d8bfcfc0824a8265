"""A video whose path is over 1,100 bytes (nested directories under a temp dir) through
`vsample info`, `plan` and `extract`: no fixed-size path buffer truncates it."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402

cli.require()
if shutil.which("ffmpeg") is None:
    print("SKIP: ffmpeg not found", file=sys.stderr)
    sys.exit(77)
try:
    import st_reader  # noqa: F401 (numpy)
except ImportError:
    print("SKIP: numpy missing", file=sys.stderr)
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    d = tmp
    while len(d) < 1100:
        d = os.path.join(d, "a-rather-long-directory-name-" + "x" * 150)
    os.makedirs(d)
    video = os.path.join(d, "clip-" + "v" * 200 + ".mp4")
    assert len(video.encode()) > 1100, len(video)
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=160x120:rate=25", "-t", "2", "-c:v", "libx264", video], check=True)
    info = cli.info(video)
    assert info["path"] == video, f"info path is {len(info['path'])} bytes, not {len(video)}"
    plan = cli.plan(video, "fps:2")
    assert plan["path"] == video and plan["count"] == 4, plan
    out = os.path.join(d, "out")
    tensors, meta = cli.extract(video, out, "fps:2")
    assert meta["source"] == video, meta.get("source")
    assert all(a.shape[0] == 4 for a in tensors.values()), {k: a.shape for k, a in tensors.items()}
    p = cli.run(["info", video + ".missing"])
    assert p.returncode == 3 and p.stderr.strip().endswith(".missing: no such file"), p.stderr
print(f"ok: a path of {len(video)} bytes")

"""SIGINT or SIGTERM in the middle of `vsample extract`: exit 130, no shard, no temporary file,
no index; and the same directory then takes a complete run."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import cli

cli.require()
if not shutil.which("ffmpeg"):
    print("SKIP: no ffmpeg CLI", file=sys.stderr)
    sys.exit(cli.SKIP)

def temporaries(d):
    return [n for n in os.listdir(d) if n.endswith(".tmp")] if os.path.isdir(d) else []


tmp = tempfile.mkdtemp(prefix="vsample-interrupt-")
try:
    video = os.path.join(tmp, "long.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                    "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", video], check=True)
    failures = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = os.path.join(tmp, f"out-{sig.name}")
        # 30 fps sampled at 30 fps with three views: long enough to be caught mid-way.
        p = subprocess.Popen([cli.BIN, "extract", video, "-o", out, "--strategy", "fps:30",
                              "--preset", "siglip-384,clip-336,internvideo2-224", "--quiet"],
                             stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline and not temporaries(out):
            time.sleep(0.05)  # wait until a shard is being written
        time.sleep(0.3)
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1]
        left = sorted(os.listdir(out)) if os.path.isdir(out) else []
        print(f"{sig.name}: exit {p.returncode}, left {left}, stderr {err.strip()!r}")
        if p.returncode != 130:
            failures.append(f"{sig.name}: exit {p.returncode}, expected 130")
        if left:
            failures.append(f"{sig.name}: files left behind: {left}")
        if len(err.strip().splitlines()) != 1:
            failures.append(f"{sig.name}: expected one line on stderr, got {err!r}")
    # The interrupted directory takes a full run afterwards.
    out = os.path.join(tmp, "out-SIGINT")
    r = cli.run(["extract", video, "-o", out, "--strategy", "fps:1", "--quiet"], timeout=120)
    if r.returncode != 0 or not os.path.exists(os.path.join(out, "index.json")):
        failures.append(f"re-run after interrupt: exit {r.returncode}: {r.stderr.strip()}")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

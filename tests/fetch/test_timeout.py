"""`vsample extract --video-timeout`: two good videos around a stalled URL (a server that accepts
and never answers; --io-timeout far longer than the limit) and two FIFOs (one with no writer, one
whose writer never writes). The URL times out after the limit with one line and no leftovers, the
FIFOs are refused at once, the good videos are written, exit 3; --video-timeout 0 and no option
mean no limit (only checked as accepted here)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import cli
from silent_server import silent_server  # noqa: E402

cli.require()
if not shutil.which("ffmpeg"):
    print("SKIP: no ffmpeg CLI", file=sys.stderr)
    sys.exit(cli.SKIP)

failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)




tmp = tempfile.mkdtemp(prefix="vsample-timeout-")
srv, held, writer = None, [], None
try:
    for name in ("good1.mp4", "good2.mkv"):
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10",
                        "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", os.path.join(tmp, name)], check=True)
    nowriter, silent = os.path.join(tmp, "nowriter.mp4"), os.path.join(tmp, "silent.mp4")
    os.mkfifo(nowriter)
    os.mkfifo(silent)
    writer = os.open(silent, os.O_RDWR)  # holds the write end open, never writes
    srv, held = silent_server()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/stalled.mp4"
    out = os.path.join(tmp, "out")
    inputs = [os.path.join(tmp, "good1.mp4"), nowriter, url, silent, os.path.join(tmp, "good2.mkv")]
    t0 = time.monotonic()
    p = cli.run(["extract", *inputs, "-o", out, "--video-timeout", "3", "--io-timeout", "60", "--size", "32x24"],
                timeout=60)
    took = time.monotonic() - t0
    print(f"extract: exit {p.returncode} in {took:.1f} s: {p.stderr.strip()}")
    lines = p.stderr.strip().splitlines()
    expect(p.returncode == 3, f"exit {p.returncode}, expected 3")
    expect(took < 20, f"took {took:.1f} s with --video-timeout 3")
    url_lines = [line for line in lines if url in line]
    expect(len(url_lines) == 1 and url_lines[0] == f"vsample: {url}: timed out after 3 s (--video-timeout)",
           f"the stalled URL's lines: {url_lines}")
    for fifo in (nowriter, silent):
        mine = [line for line in lines if fifo in line]
        expect(len(mine) == 1 and "is a FIFO, not a file" in mine[0], f"{fifo}: lines {mine}")
    with open(os.path.join(out, "index.json")) as f:
        samples = sorted(json.load(f)["samples"])
    expect(samples == ["good1", "good2"], f"samples {samples}")
    left = [n for n in os.listdir(out) if n.endswith(".tmp") or n.startswith(".")]
    expect(not left, f"temporaries left: {left}")
    for value in ("0", "86400"):
        r = cli.run(["extract", inputs[0], "-o", os.path.join(tmp, "out" + value), "--video-timeout", value,
                     "--size", "32x24", "--quiet"])
        expect(r.returncode == 0, f"--video-timeout {value}: exit {r.returncode} {r.stderr.strip()}")
    for bad in ("-1", "soon"):
        r = cli.run(["extract", inputs[0], "-o", os.path.join(tmp, "bad"), "--video-timeout", bad])
        expect(r.returncode == 2 and "--video-timeout" in r.stderr, f"--video-timeout {bad}: exit {r.returncode}")
finally:
    if writer is not None:
        os.close(writer)
    if srv:
        srv.close()
    for c in held:
        c.close()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if failures else 0)

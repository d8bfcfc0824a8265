"""`vsample extract --backend vulkan` writes the same shard bytes as `--backend cpu` (every preset,
dtypes, layouts, a rotated odd-sized video); `--backend auto` stays on the CPU when the only Vulkan
device is a software one (lavapipe), and a missing device is a usage error (exit 2).
Skips (77) without a Vulkan device, /usr/bin/python3 or the ffmpeg CLI."""
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ.get("VSAMPLE_BIN", "")
if not BIN or not os.access(BIN, os.X_OK) or not shutil.which("ffmpeg"):
    print("SKIP: no CLI or no ffmpeg", file=sys.stderr)
    sys.exit(77)


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300)


tmp = tempfile.mkdtemp(prefix="vsample-vkcli-")
failures = []
try:
    video = os.path.join(tmp, "rot.mp4")
    plain = os.path.join(tmp, "plain.mp4")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=333x207:rate=10",
                    "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", plain], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", plain, "-c", "copy",
                    "-metadata:s:v:0", "rotate=90", video], check=True)
    probe = run("extract", video, "-o", os.path.join(tmp, "probe"), "--backend", "vulkan", "--quiet")
    if probe.returncode == 2 and "no Vulkan device" in probe.stderr:
        print("SKIP: no Vulkan device:", probe.stderr.strip(), file=sys.stderr)
        sys.exit(77)
    cases = [["--preset", "siglip-384,clip-336,internvideo2-224", "--dtype", "f16"],
             ["--preset", "clip-336", "--dtype", "f32", "--layout", "thwc"],
             ["--preset", "internvideo2-224", "--dtype", "bf16"],
             ["--size", "50x31", "--resize", "pad", "--filter", "lanczos", "--dtype", "u8"],
             # more frames than the reader's Vulkan batch of 16 (a full batch, then a partial one),
             # out of order and repeated
             ["--size", "40x30", "--dtype", "u8", "--strategy",
              "timestamps:" + ",".join(str(round(1.9 - 0.1 * k, 2)) for k in range(20)) + ",0.5,0.5,1.7"]]
    for i, opts in enumerate(cases):
        outs = {}
        for backend in ("cpu", "vulkan"):
            out = os.path.join(tmp, f"{i}-{backend}")
            strategy = [] if "--strategy" in opts else ["--strategy", "fps:3"]
            r = run("extract", video, "-o", out, *strategy, "--backend", backend, *opts)
            if r.returncode != 0:
                failures.append(f"{backend} {opts}: exit {r.returncode}: {r.stderr.strip()}")
            elif f"{backend} backend" not in r.stderr:
                failures.append(f"{backend} {opts}: summary does not name the backend: {r.stderr.strip()}")
            outs[backend] = out
        a, b = (os.path.join(outs[k], "shard-00000.safetensors") for k in ("cpu", "vulkan"))
        if os.path.exists(a) and os.path.exists(b):
            same = open(a, "rb").read() == open(b, "rb").read()
            print(f"{opts}: vulkan {'==' if same else '!='} cpu")
            if not same:
                failures.append(f"{opts}: shards differ")
    r = run("extract", video, "-o", os.path.join(tmp, "auto"), "--backend", "auto")
    software_only = "llvmpipe" in subprocess.run(["vulkaninfo", "--summary"], capture_output=True,
                                                 text=True).stdout if shutil.which("vulkaninfo") else True
    if r.returncode != 0 or (software_only and "cpu backend" not in r.stderr):
        failures.append(f"auto on a software-only device: exit {r.returncode}: {r.stderr.strip()}")
    r = run("extract", video, "-o", os.path.join(tmp, "none"), "--backend", "vulkan", "--gpu", "63")
    if r.returncode != 2 or os.path.exists(os.path.join(tmp, "none")):
        failures.append(f"--gpu 63: exit {r.returncode} (expected 2, no output): {r.stderr.strip()}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)

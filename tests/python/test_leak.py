"""No leak over thousands of calls: 1500 info()+plan() pairs and 150 load() calls, plus 150
failing calls, on a tiny video; the process's resident size (VmRSS in /proc/self/status),
measured after a warm-up, may grow by at most BOUND_MIB (measured: +0.06 to +0.1 MiB over
twice as many calls). What a leak adds (measured by disabling the binding's close calls,
over 3000 pairs): every plan left unfreed, +3.6 MiB; every source, +140 MiB; so the bound
catches a leak of ~700 bytes per info()+plan() pair or ~7 KiB per load(). Sized by
iterations: about 8 s on an idle 2-core machine."""
import ctypes
import gc
import os
import time

from common import expect, make_video, require_ffmpeg, tempdir

import vsample

require_ffmpeg()
BOUND_MIB = 1.0
N_INFO_PLAN, N_LOAD, N_ERRORS = 1500, 150, 150
libc = ctypes.CDLL("libc.so.6")


def rss_kib():
    """VmRSS after gc and malloc_trim(0): glibc then returns the free pages of every malloc
    arena to the system, so that what stays resident is what is in use (without it, which
    arena a decoder thread happens to use moves the figure by megabytes)."""
    gc.collect()
    libc.malloc_trim(0)
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def rounds(video, n_info, n_load, n_err):
    for i in range(n_info):
        vsample.info(video)
        p = vsample.plan(video, "uniform:10,jitter" if i % 2 else "fps:5", seed=i)
        expect(p["count"] == 10 if i % 2 else p["count"] == 5, f"plan {p['count']}")
    for i in range(n_load):
        px, pts, target = vsample.load(video, "uniform:3", preset="internvideo2-224" if i % 2 else "qwen2vl",
                                       dtype="u8", prefetch=None if i % 3 else 0)
        expect(len(pts) == (3 if i % 2 else 4), f"load {len(pts)}")
    for i in range(n_err):
        try:
            vsample.load(video, "uniform:0" if i % 2 else "uniform:2", preset="siglip-384" if i % 2 else "nope")
        except vsample.Error:
            pass


with tempdir() as tmp:
    video = make_video(os.path.join(tmp, "tiny.mp4"), size="64x48", rate=10, seconds=1)
    rounds(video, 300, 30, 30)  # warm-up: allocator pools, FFmpeg's tables, numpy caches
    before, t0 = rss_kib(), time.monotonic()
    rounds(video, N_INFO_PLAN, N_LOAD, N_ERRORS)
    after, dt = rss_kib(), time.monotonic() - t0
growth = (after - before) / 1024
print(f"VmRSS {before} -> {after} KiB (+{growth:.2f} MiB) over {N_INFO_PLAN} info()+plan(), {N_LOAD} load(), "
      f"{N_ERRORS} failing load() in {dt:.1f} s; bound {BOUND_MIB} MiB")
expect(growth <= BOUND_MIB, f"resident size grew by {growth:.2f} MiB > {BOUND_MIB} MiB: a leak")

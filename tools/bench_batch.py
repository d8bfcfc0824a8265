"""Workload (f) of tools/bench: `vsample batch` on many short videos, --jobs 2 against --jobs 1.

The videos: one testsrc2 stream with light temporal noise (as bench_videos.py makes, here
320x240, 30 fps, libx264 veryfast, 3 B-frames, GOP 120 = 4 s, no scene-cut keyframes) cut
by ffmpeg's segment muxer at its keyframes (stream copy) into COUNT files of exactly 4 s,
each different, cached in CACHE/batch-320x240-4s-xCOUNT/ with a manifest (one path a line).
Each run starts from an empty output directory; the figure is the ratio of the two wall
times (the same work: COUNT videos, fps:1 siglip-384 f16) and the peak RSS of one worker
process, which `vsample batch` reports from wait4.
"""
import os
import re
import shutil
import subprocess
import time

SECONDS = 4
SIZE = "320x240"
STRATEGY = "fps:1"


def make_videos(cache, count, log):
    """(manifest path, how the videos were made); cached by count."""
    d = os.path.join(cache, f"batch-{SIZE}-{SECONDS}s-x{count}")
    manifest = os.path.join(d, "manifest.txt")
    how = (f"ffmpeg -f lavfi -i testsrc2=size={SIZE}:rate=30,noise=alls=4:allf=t -t {count * SECONDS} "
           f"-c:v libx264 -preset veryfast -g {30 * SECONDS} -bf 3 -sc_threshold 0 -pix_fmt yuv420p "
           f"-f segment -segment_time {SECONDS} -reset_timestamps 1 v%04d.mp4")
    if os.path.exists(manifest):
        return manifest, how
    tmp = d + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
           f"testsrc2=size={SIZE}:rate=30,noise=alls=4:allf=t", "-t", str(count * SECONDS),
           "-c:v", "libx264", "-preset", "veryfast", "-g", str(30 * SECONDS), "-bf", "3",
           "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-f", "segment", "-segment_time", str(SECONDS),
           "-reset_timestamps", "1", os.path.join(tmp, "v%04d.mp4")]
    log(f"making {count} videos of {SECONDS} s: {' '.join(cmd)}")
    t0 = time.monotonic()
    subprocess.run(cmd, check=True)
    names = sorted(n for n in os.listdir(tmp) if n.endswith(".mp4"))
    if len(names) != count:
        raise RuntimeError(f"the segment muxer made {len(names)} videos, not {count}")
    with open(os.path.join(tmp, "manifest.txt"), "w") as f:
        f.write("".join(os.path.join(d, n) + "\n" for n in names))
    shutil.rmtree(d, ignore_errors=True)
    os.rename(tmp, d)
    log(f"  made in {time.monotonic() - t0:.0f} s")
    return manifest, how


SUMMARY = re.compile(r"batch: (\d+) of (\d+) videos done .*?(\d+) frames written, (\d+) decoded; "
                     r"([\d.]+) s, ([\d.]+) videos/s, ([\d.]+) frames/s; (\d+) jobs, peak RSS per job ([\d.]+) MB")


def parse_summary(row, out, err):
    """tools/bench's parse hook: frames, decoded, a note; returns the peak RSS of one worker
    (KiB), which becomes the row's peak RSS."""
    m = SUMMARY.search(err)
    if not m:
        return None
    done, total, frames, decoded, _, vps, fps, jobs, rss_mb = m.groups()
    row.frames, row.decoded = int(frames), int(decoded)
    row.note = (f"{done} of {total} videos, {vps} videos/s, {fps} frames/s, {jobs} worker(s); "
                f"peak RSS is one worker's")
    return float(rss_mb) * 1024

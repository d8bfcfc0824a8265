"""The test videos of tools/bench, made with the ffmpeg CLI and cached by name.

Content: testsrc2 (moving shapes, a clock, colour bars) with light temporal noise
(noise=alls=4:allf=t), so every frame differs and the H.264 is not trivially
compressible (about 0.75 Mbit/s at 640x360) without being all noise. libx264
preset veryfast (CABAC and deblocking on, as in real files; ~370 frames/s at
640x360 on 2 cores, so the hour takes about 5 minutes), GOP 250 with no
scene-cut keyframes (-sc_threshold 0) so the GOP is exactly 250, 3 B-frames.
"""
import os
import subprocess
import time

X264 = ["-c:v", "libx264", "-preset", "veryfast", "-g", "250", "-bf", "3", "-sc_threshold", "0",
        "-pix_fmt", "yuv420p"]


def _source(size):
    return ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30,noise=alls=4:allf=t"]


def _make(path, args, log):
    """Run ffmpeg into a temporary name and rename: an interrupted run leaves no half file."""
    tmp = path + ".part" + os.path.splitext(path)[1]
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", *args, tmp]
    log(f"making {os.path.basename(path)}: {' '.join(cmd)}")
    t0 = time.monotonic()
    subprocess.run(cmd, check=True)
    os.replace(tmp, path)
    log(f"  made in {time.monotonic() - t0:.0f} s")


def frame_count(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=nb_frames", "-of", "csv=p=0", path],
                         capture_output=True, text=True).stdout.strip()
    return int(out) if out.isdigit() else None


def make_videos(cache, long_s, cut_s, hd_s, log, uhd_s=20):
    """{'long', 'cut', 'hd', 'long_ts', 'cut_ts', 'uhd'} -> (path, how it was made). Cached
    files are reused. The TS files are the MP4s remuxed (-c copy): the same bitstream in a
    container without an index."""
    os.makedirs(cache, exist_ok=True)
    long = os.path.join(cache, f"h264-640x360-30fps-{long_s}s.mp4")
    # The cut is a stream copy of the long video's start: 600 s = 72 GOPs of 250, so it ends
    # on a GOP boundary and is the same bitstream the long video starts with.
    cut = os.path.join(cache, f"h264-640x360-30fps-{long_s}s-cut{cut_s}s.mp4")
    hd = os.path.join(cache, f"h264-1920x1080-30fps-{hd_s}s.mp4")
    how = {
        "long": " ".join(["ffmpeg", *_source("640x360"), "-t", str(long_s), *X264]),
        "cut": f"ffmpeg -i {os.path.basename(long)} -c copy -t {cut_s}",
        "hd": " ".join(["ffmpeg", *_source("1920x1080"), "-t", str(hd_s), *X264]),
    }
    if not os.path.exists(long):
        _make(long, _source("640x360") + ["-t", str(long_s)] + X264, log)
    if not os.path.exists(cut):
        _make(cut, ["-i", long, "-c", "copy", "-t", str(cut_s)], log)
    if not os.path.exists(hd):
        _make(hd, _source("1920x1080") + ["-t", str(hd_s)] + X264, log)
    long_ts, cut_ts = long[:-4] + ".ts", cut[:-4] + ".ts"
    uhd = os.path.join(cache, f"h264-3840x2160-30fps-{uhd_s}s.mp4")
    how.update({"long_ts": f"ffmpeg -i {os.path.basename(long)} -c copy -f mpegts",
                "cut_ts": f"ffmpeg -i {os.path.basename(cut)} -c copy -f mpegts",
                "uhd": " ".join(["ffmpeg", *_source("3840x2160"), "-t", str(uhd_s), *X264])})
    for ts, mp4 in ((long_ts, long), (cut_ts, cut)):
        if not os.path.exists(ts):
            _make(ts, ["-i", mp4, "-c", "copy", "-f", "mpegts"], log)
    if not os.path.exists(uhd):
        _make(uhd, _source("3840x2160") + ["-t", str(uhd_s)] + X264, log)
    paths = (("long", long), ("cut", cut), ("hd", hd), ("long_ts", long_ts), ("cut_ts", cut_ts), ("uhd", uhd))
    return {k: (p, how[k]) for k, p in paths}

#!/usr/bin/python3
"""The peers tools/bench measures vsample against: the loaders people write by hand.

Each runs as its own process (so the bench can take its wall time and peak RSS),
decodes VIDEO, keeps the frames displayed at TIMES (seconds, one per line in
TIMES_FILE, from `vsample plan --json`), resizes each to SIZE x SIZE with a
bicubic filter, normalizes it to float16 (x/255 - 0.5)/0.5 in CHW order, and
keeps every tensor in a list, as such loaders do: that list is where their
memory goes. It prints one JSON line: frames kept, frames decoded and, for the
pipeline, the peak RSS of both of its processes.

usage: bench_peers.py ffmpeg-cli|pyav-pil|opencv VIDEO TIMES_FILE SIZE [FPS]
(FPS: the ffmpeg CLI pipeline samples with its fps filter at that rate instead of TIMES.)
"""
import json
import math
import os
import resource
import subprocess
import sys

import numpy as np


def normalize(rgb):
    """HWC uint8 RGB -> CHW float16, computed in float32 as the HF processors do."""
    x = (rgb.astype(np.float32) / 255.0 - 0.5) / 0.5
    return np.ascontiguousarray(x.transpose(2, 0, 1)).astype(np.float16)


def ffmpeg_cli(video, times, size, fps):
    """The ffmpeg CLI decodes, samples (fps filter) and scales; numpy normalizes."""
    if fps:
        select = f"fps={fps}"
    else:
        # The CLI has no "frame displayed at t": pick frame indices from the rate, as scripts do.
        rate = probe_rate(video)
        idx = sorted({int(math.floor(t * rate + 1e-6)) for t in times})
        select = "select='" + "+".join(f"eq(n\\,{i})" for i in idx) + "'"
    # fps filter: one frame per output tick; select: passthrough keeps exactly the frames picked.
    timing = [] if fps else ["-fps_mode", "passthrough"]
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-i", video, "-vf",
           f"{select},scale={size}:{size}:flags=bicubic", *timing,
           "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    frame_bytes = size * size * 3
    kept = []
    while True:
        buf = p.stdout.read(frame_bytes)
        if len(buf) < frame_bytes:
            break
        kept.append(normalize(np.frombuffer(buf, np.uint8).reshape(size, size, 3)))
    _, status, usage = os.wait4(p.pid, 0)
    if status:
        raise SystemExit(f"ffmpeg exited with status {status >> 8}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Both processes live at once: the pipeline's peak is the sum of the two peaks.
    return {"frames": len(kept), "decoded": None, "rss_kb": own + usage.ru_maxrss}


def probe_rate(video):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=avg_frame_rate", "-of", "csv=p=0", video],
                         capture_output=True, text=True, check=True).stdout.strip()
    num, _, den = out.partition("/")
    return float(num) / float(den or 1)


def pyav_pil(video, times, size):
    """PyAV decodes every frame; the last frame with pts <= t is kept for each time t."""
    import av
    from PIL import Image
    kept, decoded = [], 0
    targets = sorted(times)
    k = 0
    with av.open(video) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # frame threads, as a tuned loader sets them
        prev = None

        def keep(frame):
            img = frame.to_image().resize((size, size), Image.BICUBIC)
            kept.append(normalize(np.asarray(img)))

        for frame in container.decode(stream):
            decoded += 1
            t = float(frame.pts * stream.time_base) if frame.pts is not None else 0.0
            while k < len(targets) and targets[k] < t:
                keep(prev if prev is not None else frame)
                k += 1
            if k >= len(targets):
                break
            prev = frame
        while k < len(targets) and prev is not None:
            keep(prev)
            k += 1
    return {"frames": len(kept), "decoded": decoded}


def opencv(video, times, size):
    """cv2.VideoCapture grabs every frame and retrieves those at the times' indices."""
    import cv2
    cap = cv2.VideoCapture(video)
    if not cap.isOpened():
        raise SystemExit(f"{video}: cv2.VideoCapture cannot open it")
    rate = cap.get(cv2.CAP_PROP_FPS)
    wanted = sorted(int(math.floor(t * rate + 1e-6)) for t in times)
    kept, decoded, k = [], 0, 0
    while k < len(wanted):
        if not cap.grab():
            break
        n = decoded
        decoded += 1
        if wanted[k] != n:
            continue
        ok, bgr = cap.retrieve()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        small = normalize(cv2.resize(rgb, (size, size), interpolation=cv2.INTER_CUBIC))
        while k < len(wanted) and wanted[k] == n:  # repeated indices keep the same frame
            kept.append(small)
            k += 1
    cap.release()
    return {"frames": len(kept), "decoded": decoded}


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    tool, video, times_file, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    fps = sys.argv[5] if len(sys.argv) > 5 else None
    with open(times_file) as f:
        times = [float(line) for line in f if line.strip()]
    if tool == "ffmpeg-cli":
        result = ffmpeg_cli(video, times, size, fps)
    elif tool == "pyav-pil":
        result = pyav_pil(video, times, size)
    elif tool == "opencv":
        result = opencv(video, times, size)
    else:
        raise SystemExit(f"bench_peers.py: unknown tool {tool}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

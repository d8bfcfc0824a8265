"""Test videos whose pixels carry their own frame index, made at test time by the ffmpeg CLI.

Each frame is a 4x4 grid of flat cells (cell edges at fractions of the picture, so any squash
resize keeps the grid):

    R G b .      R = red, G = green, B = blue: orientation markers (fixed)
    B b b b      K = black: corner markers (fixed)
    b b b b      b = one bit of the frame index (white = 1), 9 bits + 1 parity bit
    K b b K      (0,3) is black too

The red corner and the green/blue pair beside it tell which of the 8 rotations/flips the picture
went through, so a wrong rotation, a flip, a transpose or an R/B swap is detected. Frame i of the
input to ffmpeg shows index i, and frames are fed in presentation order, so the index read from a
returned picture names the frame that came back.

Ground truth is ffprobe's frame list (presentation order) and the stream start time; times are
seconds from the stream start time, as vsample reports them.
"""
import json
import os
import shutil
import subprocess
import sys
from fractions import Fraction

import numpy as np

GRID = 4
RED, GREEN, BLUE, BLACK, WHITE = (1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0), (1, 1, 1)
MARKERS = {(0, 0): RED, (0, 1): GREEN, (1, 0): BLUE, (0, 3): BLACK, (3, 0): BLACK, (3, 3): BLACK}
BIT_CELLS = [(r, c) for r in range(GRID) for c in range(GRID) if (r, c) not in MARKERS]
INDEX_BITS = len(BIT_CELLS) - 1  # the last cell holds even parity
MAX_INDEX = (1 << INDEX_BITS) - 1
LOW, HIGH = 16, 235  # drawn levels: inside every range, so no clipping on the way through


# A time closer than this below a frame's time counts as on it: times like k/25 are doubles that
# may sit one ulp below the exact frame time. Far below any tick used here (>= 11 us).
ON_FRAME = 1e-7


class DecodeError(ValueError):
    pass


def _edges(n):
    return [round(i * n / GRID) for i in range(GRID + 1)]


def _cell_colors(index):
    if not 0 <= index <= MAX_INDEX:
        raise ValueError(f"index {index} out of 0..{MAX_INDEX}")
    bits = [(index >> b) & 1 for b in range(INDEX_BITS)]
    bits.append(sum(bits) & 1)
    colors = dict(MARKERS)
    for cell, bit in zip(BIT_CELLS, bits):
        colors[cell] = WHITE if bit else BLACK
    return colors


def draw(index, width, height):
    """The picture of frame `index`: uint8 RGB, height x width x 3 (canonical orientation)."""
    img = np.empty((height, width, 3), np.uint8)
    ys, xs = _edges(height), _edges(width)
    for (r, c), color in _cell_colors(index).items():
        img[ys[r]:ys[r + 1], xs[c]:xs[c + 1]] = [HIGH if v else LOW for v in color]
    return img


def _cell_bits(img):
    """Per cell, the (R, G, B) bits from the mean of the cell's central half; raises when a
    channel is neither clearly dark nor clearly bright (a blend of two frames, a corrupt picture)."""
    h, w = img.shape[:2]
    ys, xs = _edges(h), _edges(w)
    out = {}
    for r in range(GRID):
        for c in range(GRID):
            y0, y1, x0, x1 = ys[r], ys[r + 1], xs[c], xs[c + 1]
            dy, dx = (y1 - y0) // 4, (x1 - x0) // 4
            patch = img[y0 + dy:y1 - dy, x0 + dx:x1 - dx].reshape(-1, img.shape[2])
            mean = patch[:, :3].astype(np.float64).mean(axis=0)
            if np.any((mean > 80) & (mean < 170)):
                raise DecodeError(f"cell {(r, c)} is ambiguous: mean RGB {mean.round(1).tolist()}")
            out[(r, c)] = tuple(int(v >= 128) for v in mean)
    return out


def _undo(img, k, flip):
    """Inverse of img = rot90(flip ? fliplr(canon) : canon, k)."""
    canon = np.rot90(img, -k)
    return np.fliplr(canon) if flip else canon


def decode(img):
    """(index, k, flip) such that img looks like np.rot90(fliplr?(draw(index)), k).

    img: uint8 H x W x 3 (or 4) RGB of any size. Raises DecodeError if no orientation matches,
    a cell is ambiguous or the parity is wrong."""
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[2] < 3 or min(img.shape[:2]) < GRID * 2:
        raise DecodeError(f"not an RGB picture of usable size: shape {img.shape}")
    for k in range(4):
        for flip in (False, True):
            canon = _undo(img, k, flip)
            h, w = canon.shape[:2]
            ys, xs = _edges(h), _edges(w)
            # Cheap marker test first: the red corner must be here.
            y0, y1, x0, x1 = ys[0], ys[1], xs[0], xs[1]
            m = canon[y0 + (y1 - y0) // 4:y1 - (y1 - y0) // 4,
                      x0 + (x1 - x0) // 4:x1 - (x1 - x0) // 4, :3].reshape(-1, 3).mean(axis=0)
            if not (m[0] >= 128 and m[1] < 128 and m[2] < 128):
                continue
            bits = _cell_bits(canon)
            if any(bits[cell] != color for cell, color in MARKERS.items()):
                continue
            values = []
            for cell in BIT_CELLS:
                b = bits[cell]
                if b not in (BLACK, WHITE):
                    raise DecodeError(f"bit cell {cell} is coloured {b}")
                values.append(b[0])
            if sum(values) & 1:
                raise DecodeError(f"parity error in bits {values}")
            return sum(v << i for i, v in enumerate(values[:INDEX_BITS])), k, flip
    raise DecodeError("no orientation markers found")


def read_index(img):
    """Frame index of an upright (not rotated or flipped) picture of any size."""
    index, k, flip = decode(img)
    if k or flip:
        raise DecodeError(f"picture is rotated by k={k} quarter turns (flip={flip})")
    return index


# ------------------------------------------------------------------ the cases

# Encoder settings shared by several cases (small and fast; ultrafast still makes B-frames
# only where asked, so the cases that want them say so).
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]

# Each case: size, frames, rate (input frame rate), vfr (frame times from an expression),
# codec args, container format, output args, pipe (write the container to a pipe).
CASES = {
    # constant frame rate, default x264 (B-frames on), mp4
    "cfr_mp4": dict(size=(160, 120), frames=40, rate="25", ext="mp4", codec=X264),
    # NTSC rate: frame times are not round decimals
    "ntsc_mp4": dict(size=(160, 120), frames=45, rate="30000/1001", ext="mp4", codec=X264),
    # variable frame rate, durations 20..90 ms, in mp4 (timescale 1000) and mkv
    "vfr_mp4": dict(size=(174, 98), frames=50, rate="25", vfr=True, ext="mp4",
                    codec=X264, out=["-video_track_timescale", "1000"]),
    "vfr_mkv": dict(size=(174, 98), frames=50, rate="25", vfr=True, ext="mkv", codec=X264),
    # B-frames with a B-pyramid, short GOPs
    "bframes_mp4": dict(size=(160, 120), frames=60, rate="30", ext="mp4",
                        codec=X264 + ["-bf", "3", "-x264-params",
                                      "b-pyramid=normal:keyint=12:min-keyint=12:scenecut=0"]),
    # open GOP: leading B-frames after a non-IDR I-frame refer to the previous GOP
    "opengop_mkv": dict(size=(160, 120), frames=60, rate="25", ext="mkv",
                        codec=X264 + ["-bf", "3", "-x264-params",
                                      "open-gop=1:keyint=10:min-keyint=10:scenecut=0:b-pyramid=normal"]),
    "opengop_mp4": dict(size=(160, 120), frames=60, rate="25", ext="mp4",
                        codec=X264 + ["-bf", "3", "-x264-params",
                                      "open-gop=1:keyint=10:min-keyint=10:scenecut=0:b-pyramid=normal"]),
    # start time other than 0
    "offset_mp4": dict(size=(160, 120), frames=40, rate="25", ext="mp4", codec=X264,
                       out=["-output_ts_offset", "5"]),
    "mpegts": dict(size=(160, 120), frames=50, rate="25", ext="ts",
                   codec=X264 + ["-bf", "2", "-g", "15"]),
    # display matrix rotation: the "rotate" tag, set by a stream-copy remux (FFmpeg 5.1 drops it
    # when encoding); validate() checks the display against ffmpeg's autorotate
    "rot90_mp4": dict(size=(160, 96), frames=30, rate="25", ext="mp4", codec=X264, rotate=90),
    "rot270_mp4": dict(size=(160, 96), frames=30, rate="25", ext="mp4", codec=X264, rotate=270),
    # odd sizes (4:4:4 allows odd dimensions)
    "odd444_mkv": dict(size=(175, 99), frames=30, rate="24", ext="mkv",
                       codec=["-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                              "-pix_fmt", "yuv444p"]),
    # pixel formats
    "mjpeg422_avi": dict(size=(174, 98), frames=30, rate="25", ext="avi",
                         codec=["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj422p"]),
    "hevc10_mkv": dict(size=(160, 120), frames=30, rate="25", ext="mkv",
                       codec=["-c:v", "libx265", "-preset", "ultrafast", "-crf", "20",
                              "-pix_fmt", "yuv420p10le", "-x265-params", "log-level=error"]),
    "h264_10_mp4": dict(size=(160, 120), frames=30, rate="25", ext="mp4",
                        codec=["-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
                               "-pix_fmt", "yuv420p10le"]),
    # other codecs / containers
    "vp9_webm": dict(size=(160, 120), frames=40, rate="25", ext="webm",
                     codec=["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                            "-crf", "30", "-b:v", "0", "-g", "15", "-pix_fmt", "yuv420p"]),
    "mpeg4_avi": dict(size=(160, 120), frames=40, rate="25", ext="avi",
                      codec=["-c:v", "mpeg4", "-q:v", "3", "-g", "12"]),
    # header frame count / duration missing: containers written to a pipe
    "pipe_avi": dict(size=(160, 120), frames=40, rate="25", ext="avi", pipe=True,
                     codec=["-c:v", "mpeg4", "-q:v", "3", "-g", "12"]),
    "pipe_mkv": dict(size=(160, 120), frames=40, rate="25", ext="mkv", pipe=True, codec=X264),
}

FORMATS = {"mp4": "mp4", "mkv": "matroska", "ts": "mpegts", "webm": "webm", "avi": "avi"}

# Frame times (ms) of the VFR cases: a base of 40 ms, +30 ms before every 5th frame and
# +-20 ms alternating, so durations take the values 20, 50, 60 and 90 ms.
VFR_EXPR = "(N*40+30*floor(N/5)+20*mod(N\\,2))/1000/TB"


def require_tools():
    """Exit 77 (skip) when the ffmpeg CLI is missing."""
    for tool in ("ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not found", file=sys.stderr)
            sys.exit(77)


def make(name, directory):
    """Write case `name` into directory (once; later calls reuse it) and return its path."""
    case = CASES[name]
    path = os.path.join(directory, f"{name}.{case['ext']}")
    if os.path.exists(path):
        return path
    w, h = case["size"]
    n = case["frames"]
    raw = b"".join(draw(i, w, h).tobytes() for i in range(n))
    # VFR: frame times in ms from an expression; the encoder time base must be 1/1000 too, or
    # ffmpeg rounds the times to its default 1/framerate.
    vf = (["-vf", f"settb=1/1000,setpts={VFR_EXPR}", "-enc_time_base", "1/1000"]
          if case.get("vfr") else [])
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-y",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-framerate", case["rate"],
           "-i", "-", *vf, "-fps_mode", "passthrough", *case["codec"], "-an",
           *case.get("out", []), "-f", FORMATS[case["ext"]]]
    tmp = path + ".part"
    if case.get("pipe"):
        with open(tmp, "wb") as f:
            subprocess.run(cmd + ["-"], input=raw, stdout=f, check=True)
    else:
        subprocess.run(cmd + [tmp], input=raw, check=True)
    if case.get("rotate") is not None:
        tmp2 = path + ".rot.part"
        subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", tmp, "-c", "copy",
                        "-metadata:s:v:0", f"rotate={case['rotate']}", "-f",
                        FORMATS[case["ext"]], tmp2], check=True)
        os.replace(tmp2, tmp)
    os.replace(tmp, path)
    return path


def make_all(directory, names=None):
    return {n: make(n, directory) for n in (names or CASES)}


# ------------------------------------------------------------------ ground truth

def _frac(text):
    if text in (None, "N/A", "0/0"):
        return None
    return Fraction(text)


class Truth:
    """ffprobe's view of a video.

    frames: list of dicts in presentation order with 'index' (position = drawn index), 'time'
    (seconds from stream start, exact Fraction when pts is known), 'key', 'duration'.
    Also: start_time (Fraction), time_base, width, height, pix_fmt, avg_frame_rate,
    r_frame_rate (Fractions), rotation (CCW degrees, 0/90/180/270), nb_frames, stream."""

    def __init__(self, path):
        out = subprocess.run(
            ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_streams",
             "-show_entries", "frame=pts,pts_time,best_effort_timestamp,"
             "best_effort_timestamp_time,pkt_duration_time,key_frame,pict_type",
             "-of", "json", path], capture_output=True, check=True, text=True).stdout
        data = json.loads(out)
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        st = data["streams"][0]
        self.stream = st
        self.time_base = Fraction(st["time_base"])
        self.start_pts = int(st["start_pts"]) if st.get("start_pts", "N/A") != "N/A" else None
        self.start_time = (self.start_pts * self.time_base if self.start_pts is not None
                           else Fraction(st.get("start_time", "0")))
        self.width, self.height = int(st["width"]), int(st["height"])
        self.pix_fmt = st["pix_fmt"]
        self.avg_frame_rate = _frac(st.get("avg_frame_rate"))
        self.r_frame_rate = _frac(st.get("r_frame_rate"))
        nb = st.get("nb_frames", "N/A")
        self.nb_frames = int(nb) if nb != "N/A" else None
        rot = 0
        for sd in st.get("side_data_list", []):
            if "rotation" in sd:
                rot = int(sd["rotation"])
        self.rotation = rot % 360
        self.frames = []
        for i, f in enumerate(data["frames"]):
            ts = f.get("pts", f.get("best_effort_timestamp"))
            if ts is None or ts == "N/A":
                ts = f.get("best_effort_timestamp")
            if ts is None or ts == "N/A":
                # MPEG-PS's last frame can come out of the decoder with no time at all: one
                # frame interval after the frame before it, as the decoder would guess
                ts = self.frames[-1]["pts"] + round(1 / (self.avg_frame_rate * self.time_base))
            ts = int(ts)
            dur = f.get("pkt_duration_time")
            self.frames.append(dict(index=i, pts=ts, time=ts * self.time_base - self.start_time,
                                    key=int(f.get("key_frame", 0)), pict_type=f.get("pict_type"),
                                    duration=Fraction(dur) if dur not in (None, "N/A") else None))
        self.times = [float(f["time"]) for f in self.frames]

    @property
    def display_size(self):
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height

    def duration(self):
        """Seconds from start_time to the end of the last frame."""
        last = self.frames[-1]
        d = last["duration"]
        if not d:
            d = self.frames[-1]["time"] - self.frames[-2]["time"]
        return float(last["time"] + d)

    def frame_at(self, t, on_frame=ON_FRAME):
        """The frame displayed at t: the last whose time <= t, the first when t precedes all.
        A t within on_frame below a frame's time counts as on it."""
        best = self.frames[0]
        t = Fraction(float(t)) + Fraction(on_frame)
        for f in self.frames:
            if f["time"] <= t:
                best = f
            else:
                break
        return best


def leading_frames(path):
    """Presentation indices of open-GOP leading frames: frames decoded after a keyframe (other
    than the first) yet shown before it, so they need the GOP before that keyframe."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=pts,flags", "-of", "csv=p=0", path],
                         capture_output=True, check=True, text=True).stdout
    pkts = []
    for line in out.split():
        pts, flags = line.split(",")[:2]
        if pts != "N/A":
            pkts.append((int(pts), "K" in flags))
    order = sorted(p for p, _ in pkts)
    lead = set()
    for i, (pts, key) in enumerate(pkts):
        if key and i > 0:
            lead.update(order.index(p) for p, _ in pkts[i + 1:] if p < pts)
    return sorted(lead)


def decode_frames(path, autorotate=False):
    """Every frame as ffmpeg decodes it (RGB, presentation order), as a list of arrays."""
    truth = Truth(path)
    cmd = ["ffmpeg", "-v", "error", "-nostdin"]
    if not autorotate:
        cmd.append("-noautorotate")
    cmd += ["-i", path, "-map", "0:v:0", "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    w, h = truth.width, truth.height
    if autorotate and truth.rotation in (90, 270):
        w, h = h, w
    size = w * h * 3
    assert len(raw) % size == 0, f"{path}: {len(raw)} bytes is not a whole number of frames"
    arr = np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)
    return list(arr)


def validate(name, directory):
    """Check a case's ground truth: ffprobe's frames are in presentation order, the pixels of
    frame i (ffmpeg-decoded, and squashed to 64x64 with PIL bicubic) carry index i, rotation
    follows np.rot90(coded, k=rotation/90), and the case has the property it was made for.
    Returns a list of problems (empty when fine)."""
    from PIL import Image

    problems = []
    path = make(name, directory)
    case = CASES[name]
    truth = Truth(path)
    n = case["frames"]
    if len(truth.frames) != n:
        problems.append(f"ffprobe lists {len(truth.frames)} frames, {n} were encoded")
    times = [f["time"] for f in truth.frames]
    if any(b <= a for a, b in zip(times, times[1:])):
        problems.append("frame times are not strictly increasing")
    coded = decode_frames(path)
    if len(coded) != len(truth.frames):
        problems.append(f"ffmpeg decodes {len(coded)} frames, ffprobe lists {len(truth.frames)}")
    for i, img in enumerate(coded):
        try:
            got = read_index(img)
            small = np.asarray(Image.fromarray(img).resize((64, 64), Image.BICUBIC))
            got_small = read_index(small)
        except DecodeError as e:
            problems.append(f"frame {i}: {e}")
            continue
        if got != i or got_small != i:
            problems.append(f"frame {i}: pixels say {got} (64x64: {got_small})")
    if truth.rotation:
        shown = decode_frames(path, autorotate=True)
        for i, img in enumerate(shown[:3]):
            idx, k, flip = decode(img)
            if (idx, k, flip) != (i, truth.rotation // 90, False):
                problems.append(f"autorotated frame {i}: index {idx} k={k} flip={flip}, "
                                f"expected k={truth.rotation // 90}")
            if not np.array_equal(img, np.rot90(coded[i], truth.rotation // 90)):
                problems.append(f"autorotated frame {i} != np.rot90(coded, {truth.rotation // 90})")
    # the property each case exists for
    durs = {b - a for a, b in zip(times, times[1:])}
    if case.get("vfr") and len(durs) < 3:
        problems.append(f"VFR case has frame durations {sorted(durs)}")
    if not case.get("vfr") and len(durs) > 2:
        problems.append(f"CFR case has frame durations {sorted(map(float, durs))}")
    if "bframes" in name or "opengop" in name:
        types = "".join(f["pict_type"] or "?" for f in truth.frames)
        if "B" not in types:
            problems.append(f"no B-frames: {types}")
    if "opengop" in name and not leading_frames(path):
        problems.append("open GOP case has no leading frames (decoded after a later keyframe)")
    if name == "offset_mp4" and abs(truth.start_time - 5) > Fraction(1, 100):
        problems.append(f"start_time {float(truth.start_time)}, wanted 5")
    if name == "mpegts" and truth.start_time == 0:
        problems.append("mpegts start_time is 0")
    if name.startswith("rot"):
        if truth.rotation != case["rotate"]:
            problems.append(f"rotation {truth.rotation}, wanted {case['rotate']}")
    if name.startswith("pipe_"):
        st = truth.stream
        fmt = json.loads(subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", path],
            capture_output=True, check=True, text=True).stdout).get("format", {})
        if name == "pipe_avi" and truth.nb_frames == n:
            problems.append(f"avi from a pipe has the right nb_frames {truth.nb_frames}")
        if name == "pipe_mkv" and (st.get("duration") not in (None, "N/A") or
                                   fmt.get("duration") not in (None, "N/A")):
            problems.append(f"mkv from a pipe has a duration {fmt.get('duration')}")
    return problems


if __name__ == "__main__":
    # Validate every case's ground truth: /usr/bin/python3 videos.py [DIR] [CASE...]
    import tempfile
    import time

    require_tools()
    d = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="vsample-videos-")
    names = sys.argv[2:] or list(CASES)
    bad = 0
    for n in names:
        t0 = time.time()
        p = validate(n, d)
        tr = Truth(make(n, d))
        print(f"{n:14s} {time.time() - t0:5.2f}s start={float(tr.start_time):.4f} "
              f"frames={len(tr.frames)} rot={tr.rotation} {tr.pix_fmt} "
              f"nb_frames={tr.nb_frames} {'OK' if not p else p}")
        bad += bool(p)
    sys.exit(1 if bad else 0)

"""End-to-end fidelity: `vsample extract` tensors against the encoders' own
preprocessing computed independently: decode with the ffmpeg CLI to rgb24 at
full resolution (bilinear chroma, the frame's matrix and range), take the
frame whose pts vsample returned, PIL resize with the preset's filter, crop,
rescale, normalize (f32).

Target per (video, preset): mean absolute error <= 0.5 and 99.9th percentile
<= 2, in levels of 255 (|diff| * std * 255). The measured figures are printed.

Needs $VSAMPLE_BIN, the ffmpeg and ffprobe CLIs, numpy and PIL (exit 77 if not)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from pp_common import PRESETS, SKIP, np, reference_u8

MAX_MEAN, MAX_P999 = 0.5, 2.0
TIMES = "0.25,0.61"  # 10 fps sources: frames at pts 0.2 and 0.6

# name, pix_fmt, encoder, container, size, extra encoder args, rotation
CASES = [
    ("yuv420p", "yuv420p", "libx264", "mp4", "320x240", [], 0),
    # width % 64 in 17..21: swscale's SIMD converter needs a wider row than 3 * width
    ("yuv420p-w84", "yuv420p", "libx264", "mp4", "84x64", [], 0),
    ("yuv420p-odd", "yuv420p", "ffv1", "mkv", "333x207", [], 0),
    ("yuv422p", "yuv422p", "libx264", "mp4", "320x240", [], 0),
    ("yuv444p-odd", "yuv444p", "libx264", "mp4", "333x207", [], 0),
    ("yuvj420p", "yuvj420p", "libx264", "mp4", "320x240", [], 0),
    # libx264 turns a full-range yuv420p into yuvj420p; FFV1 keeps the tag
    ("yuv420p-pc", "yuv420p", "ffv1", "mkv", "320x240", ["-color_range", "pc"], 0),
    ("yuv420p10le", "yuv420p10le", "libx264", "mp4", "320x240", [], 0),
    ("bt709", "yuv420p", "libx264", "mp4", "320x240",
     ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"], 0),
    ("gbrp-x264rgb", "bgr0", "libx264rgb", "mp4", "320x240", [], 0),
    ("bgr0-ffv1-odd", "bgr0", "ffv1", "mkv", "333x207", [], 0),
    ("nv12", "nv12", "rawvideo", "nut", "320x240", [], 0),
    ("gray-odd", "gray", "ffv1", "mkv", "333x207", [], 0),
    ("yuv420p-rot90", "yuv420p", "libx264", "mp4", "320x240", [], 90),
    ("yuv444p-odd-rot270", "yuv444p", "libx264", "mp4", "333x207", [], 270),
]

# negative controls: case -> the setting the reference gets wrong
CONTROLS = {"bt709": "matrix", "yuv420p-pc": "range"}


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}: "
                           f"{p.stderr.decode(errors='replace').strip()[-800:]}")
    return p.stdout


def make_video(path, pix_fmt, encoder, size, extra, rotation):
    w, h = size.split("x")
    # testsrc2 has gradients, edges and text; noise makes it camera-like; the
    # final scale gives odd sizes (testsrc2 itself only makes even ones).
    src = f"testsrc2=size=352x256:rate=10,scale={w}:{h}:flags=bicubic,noise=alls=12:allf=t+u"
    run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src, "-t", "1", "-pix_fmt", pix_fmt,
         "-c:v", encoder] + extra + [path])
    if rotation:
        # ffmpeg 5.1 drops the rotate tag when it encodes; a stream copy keeps
        # it and writes the display matrix.
        tmp = path + ".rot." + path.rsplit(".", 1)[1]
        run(["ffmpeg", "-v", "error", "-y", "-i", path, "-c", "copy", "-metadata:s:v:0",
             f"rotate={rotation}", tmp])
        os.replace(tmp, path)


def probe(path):
    out = json.loads(run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,start_time,color_space,color_range,pix_fmt:"
                          "frame=pts_time,best_effort_timestamp_time", "-of", "json", path]))
    st = out["streams"][0]
    start = float(st.get("start_time", 0) or 0)
    pts = []
    for fr in out["frames"]:
        t = fr.get("pts_time", fr.get("best_effort_timestamp_time"))
        pts.append(float(t) - start)
    return st, pts


def decode_reference(path, st, wrong=None):
    """All frames as rgb24, in presentation order, through the ffmpeg CLI.
    wrong="matrix" / "range" swaps that setting (a negative control)."""
    w, h = int(st["width"]), int(st["height"])
    matrix = "bt709" if st.get("color_space") == "bt709" else "bt601"
    full = st.get("color_range") == "pc" or st.get("pix_fmt", "").startswith("yuvj")
    if wrong == "matrix":
        matrix = "bt601" if matrix == "bt709" else "bt709"
    elif wrong == "range":
        full = not full
    vf = (f"scale=flags=bilinear:in_color_matrix={matrix}:in_range={'pc' if full else 'tv'},"
          "format=rgb24")
    raw = run(["ffmpeg", "-v", "error", "-noautorotate", "-i", path, "-vf", vf,
               "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, h, w, 3)


def levels_error(got, ref_u8, preset):
    """|got - reference| in levels of 255, reference in float32 from PIL's u8."""
    side, resize, filt, rounding, mean, std = PRESETS[preset]
    mean = np.array(mean, np.float32)[:, None, None]
    std = np.array(std, np.float32)[:, None, None]
    ref = (ref_u8.transpose(2, 0, 1).astype(np.float32) * np.float32(1 / 255) - mean) / std
    return np.abs(got.astype(np.float64) - ref) * std * 255


def check_case(tmp, vsample, st_reader, case):
    name, pix_fmt, encoder, ext, size, extra, rotation = case
    video = os.path.join(tmp, f"{name}.{ext}")
    make_video(video, pix_fmt, encoder, size, extra, rotation)
    stream, pts = probe(video)
    frames = decode_reference(video, stream)
    if len(frames) != len(pts):
        raise RuntimeError(f"{name}: ffmpeg gave {len(frames)} frames, ffprobe {len(pts)}")
    out = os.path.join(tmp, f"out-{name}")
    run([vsample, "extract", video, "-o", out, "--strategy", f"timestamps:{TIMES}",
         "--preset", ",".join(PRESETS), "--dtype", "f32", "-q"])
    tensors, _ = st_reader.read_sample(out, name)
    ok = all(compare(name, tensors, frames, pts, rotation))
    if name in CONTROLS:
        # The tolerance must tell a wrong matrix or range apart from the right
        # one: every preset must fail against this reference.
        wrong = decode_reference(video, stream, CONTROLS[name])
        ok &= not any(compare(f"{name} (wrong {CONTROLS[name]})", tensors, wrong, pts, rotation,
                              control=True))
    return ok


def compare(name, tensors, frames, pts, rotation, control=False):
    """Per preset: True where the error is within the target."""
    results = []
    for preset in PRESETS:
        side, resize, filt, rounding, mean, std = PRESETS[preset]
        got_all = tensors[preset]
        errs = []
        for t, got in zip(tensors["pts"], got_all):
            idx = int(np.argmin([abs(p - t) for p in pts]))
            if abs(pts[idx] - t) > 1e-3:
                raise RuntimeError(f"{name}: returned pts {t} is no frame's pts")
            ref_u8 = reference_u8(frames[idx], rotation, side, side, resize, filt, rounding, mean)
            if got.shape != (3, side, side):
                raise RuntimeError(f"{name}/{preset}: shape {got.shape}")
            errs.append(levels_error(got, ref_u8, preset).ravel())
        err = np.concatenate(errs)
        mean_e, p999 = float(err.mean()), float(np.percentile(err, 99.9))
        good = mean_e <= MAX_MEAN and p999 <= MAX_P999
        results.append(good)
        if control:  # a control must exceed the target
            tag = "FAIL" if good else "ok  "
        else:
            tag = "ok  " if good else "FAIL"
        print(f"{tag} {name:28s} {preset:17s} mean {mean_e:.4f} "
              f"p99.9 {p999:.4f} max {float(err.max()):.4f} levels ({len(errs)} frames)")
    return results


def main():
    vsample = os.environ.get("VSAMPLE_BIN", "")
    tests_dir = os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    if not vsample or not os.path.exists(vsample):
        print("SKIP: VSAMPLE_BIN not set or missing")
        return SKIP
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        print("SKIP: needs the ffmpeg and ffprobe CLIs")
        return SKIP
    sys.path.insert(0, tests_dir)
    import st_reader
    ok = True
    with tempfile.TemporaryDirectory(prefix="vs-fidelity-") as tmp:
        for case in CASES:
            try:
                ok &= check_case(tmp, vsample, st_reader, case)
            except (RuntimeError, KeyError, OSError) as e:
                print(f"FAIL {case[0]}: {e}")
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

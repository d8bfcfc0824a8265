"""The codec/container sweep: many real encoders and containers, each a small video made at test
time by the ffmpeg CLI whose pixels carry their frame index (tests/fetch/videos.py's pattern).

A case is a dict:
  size (w, h), frames, rate      input picture size, frame count and frame rate (fed in order)
  codec                           encoder arguments; ext/fmt: file extension and muxer
  need                            more encoders that must exist (the -c:v one always must)
  out                             extra output arguments
  in_fmt                          raw input pixel format (rgb24, or rgba for an alpha channel)
  vf                              a filter graph (GIF palette)
  audio                           (audio codec, video delay in s, audio length in s): adds an
                                  audio track that starts that much before the video (and
                                  ends with it when no length is given)
  post                            a step after encoding: 'trim' (remux with -ss: MP4 edit list),
                                  'packed' (rewrite an AVI with DivX packed B-frames), 'cover'
                                  (remux with a PNG attached picture)
  may_refuse                      vsample may refuse the file (exit 3 with one clear line)
  long                            a long video: far seeks instead of the usual strategies
  prop                            the properties the case exists for, checked on the file
                                  (test_formats.PROPERTIES)

make(name, dir) writes the case once and returns its path, or raises Skip.
"""
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "fetch"))
import videos  # noqa: E402


class Skip(Exception):
    """This ffmpeg cannot make the case (an encoder or muxer is missing)."""


X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"]
MPEG2 = ["-c:v", "mpeg2video", "-q:v", "2", "-bf", "2", "-g", "12"]
MPEG4 = ["-c:v", "mpeg4", "-q:v", "2", "-bf", "2", "-g", "12"]
QVGA = (160, 120)

CASES = {
    # H.264 in other ISO-BMFF brands and in FLV (millisecond time base, composition offsets)
    "h264_mov": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mov", fmt="mov"),
    "h264_flv": dict(size=QVGA, frames=40, rate="30", codec=X264, ext="flv", fmt="flv",
                     prop=["bframes"]),
    "h264_3gp": dict(size=(176, 144), frames=40, rate="15", ext="3gp", fmt="3gp",
                     codec=["-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
                            "-profile:v", "baseline", "-pix_fmt", "yuv420p"]),
    # HEVC with B-frames
    "hevc_bf_mp4": dict(size=QVGA, frames=40, rate="25", ext="mp4", fmt="mp4", prop=["bframes"],
                        codec=["-c:v", "libx265", "-preset", "ultrafast", "-crf", "18",
                               "-pix_fmt", "yuv420p", "-tag:v", "hvc1",
                               "-x265-params", "log-level=error:bframes=3:keyint=20"]),
    # AV1: libaom (realtime speed 8) in mp4 and mkv, SVT-AV1 in mkv
    "av1_aom_mp4": dict(size=QVGA, frames=40, rate="25", ext="mp4", fmt="mp4",
                        codec=["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime",
                               "-crf", "20", "-b:v", "0", "-g", "20", "-pix_fmt", "yuv420p"]),
    "av1_aom_mkv": dict(size=QVGA, frames=40, rate="25", ext="mkv", fmt="matroska",
                        codec=["-c:v", "libaom-av1", "-cpu-used", "8", "-usage", "realtime",
                               "-crf", "20", "-b:v", "0", "-g", "20", "-pix_fmt", "yuv420p"]),
    "av1_svt_mkv": dict(size=QVGA, frames=40, rate="25", ext="mkv", fmt="matroska",
                        codec=["-c:v", "libsvtav1", "-preset", "12", "-crf", "20", "-g", "20",
                               "-pix_fmt", "yuv420p"]),
    # VP8 and VP9 (alpha channel; 4:4:4 profile 1) in WebM
    "vp8_webm": dict(size=QVGA, frames=40, rate="25", ext="webm", fmt="webm",
                     codec=["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
                            "-crf", "4", "-b:v", "2M", "-g", "15", "-auto-alt-ref", "0"]),
    "vp9_alpha_webm": dict(size=QVGA, frames=40, rate="25", ext="webm", fmt="webm",
                           in_fmt="rgba", prop=["alpha"],
                           codec=["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                  "-crf", "20", "-b:v", "0", "-g", "15",
                                  "-pix_fmt", "yuva420p"]),
    "vp9_444_webm": dict(size=QVGA, frames=40, rate="25", ext="webm", fmt="webm",
                         codec=["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
                                "-crf", "20", "-b:v", "0", "-g", "15", "-pix_fmt", "yuv444p"]),
    # MPEG-2: program stream (its last frame has no timestamp), transport stream, and
    # interlaced (field DCT + field motion, top field first)
    "mpeg2_mpg": dict(size=QVGA, frames=40, rate="25", codec=MPEG2, ext="mpg", fmt="mpeg",
                      prop=["bframes", "untimed_frame"]),
    "mpeg2_ts": dict(size=QVGA, frames=40, rate="25", codec=MPEG2, ext="ts", fmt="mpegts",
                     prop=["bframes"]),
    "mpeg2_interlaced_ts": dict(size=(160, 128), frames=40, rate="25", ext="ts", fmt="mpegts",
                                codec=MPEG2 + ["-flags", "+ildct+ilme", "-top", "1"],
                                prop=["interlaced"]),
    # MPEG-4 part 2 with B-frames: AVI (decode order, no pts), DivX packed B-frames, MP4
    "mpeg4_bf_avi": dict(size=QVGA, frames=40, rate="25", codec=MPEG4, ext="avi", fmt="avi",
                         prop=["bframes"]),
    "mpeg4_packed_avi": dict(size=QVGA, frames=40, rate="25", codec=MPEG4, ext="avi", fmt="avi",
                             post="packed", prop=["bframes", "packed"]),
    "mpeg4_bf_mp4": dict(size=QVGA, frames=40, rate="25", codec=MPEG4, ext="mp4", fmt="mp4",
                         prop=["bframes"]),
    # intra-only professional and lossless codecs
    # (ProRes with a timecode track, as cameras write it)
    "prores_mov": dict(size=QVGA, frames=30, rate="25", ext="mov", fmt="mov",
                       codec=["-c:v", "prores_ks", "-profile:v", "2",
                              "-pix_fmt", "yuv422p10le"],
                       out=["-timecode", "01:00:00:00"], prop=["timecode"]),
    "dnxhr_mov": dict(size=(256, 144), frames=30, rate="25", ext="mov", fmt="mov",
                      codec=["-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"]),
    "mjpeg_mov": dict(size=QVGA, frames=30, rate="25", ext="mov", fmt="mov",
                      codec=["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj420p"]),
    "ffv1_mkv": dict(size=QVGA, frames=30, rate="25", ext="mkv", fmt="matroska",
                     codec=["-c:v", "ffv1", "-level", "3", "-g", "10", "-pix_fmt", "yuv420p"]),
    "huffyuv_avi": dict(size=QVGA, frames=30, rate="25", ext="avi", fmt="avi",
                        codec=["-c:v", "huffyuv", "-pix_fmt", "yuv422p"]),
    "utvideo_avi": dict(size=QVGA, frames=30, rate="25", ext="avi", fmt="avi",
                        codec=["-c:v", "utvideo", "-pix_fmt", "yuv420p"]),
    # older delivery codecs
    "theora_ogv": dict(size=QVGA, frames=40, rate="25", ext="ogv", fmt="ogg",
                       codec=["-c:v", "libtheora", "-q:v", "9", "-g", "15"]),
    "wmv2_asf": dict(size=QVGA, frames=40, rate="25", ext="wmv", fmt="asf",
                     codec=["-c:v", "wmv2", "-q:v", "2", "-g", "12"]),
    "h263_3gp": dict(size=(176, 144), frames=40, rate="30000/1001", ext="3gp", fmt="3gp",
                     codec=["-c:v", "h263", "-q:v", "2", "-g", "12"]),
    "gif": dict(size=QVGA, frames=30, rate="25", ext="gif", fmt="gif",
                vf="split[a][b];[a]palettegen=reserve_transparent=0:stats_mode=full[p];"
                   "[b][p]paletteuse=dither=none",
                codec=["-c:v", "gif"]),
    # H.264 elementary stream: no container timestamps (vsample may refuse it, clearly)
    "h264_raw": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="h264", fmt="h264",
                     may_refuse=True, prop=["bframes", "untimed"]),
    # audio starting 0.5 s before the video
    "audio_first_mp4": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mp4", fmt="mp4",
                            audio=("aac", 0.5, None), prop=["audio_first"]),
    "audio_first_mkv": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mkv",
                            fmt="matroska", audio=("libopus", 0.5, None), prop=["audio_first"]),
    # audio lasting 2 s longer than the video (1.6 s): the file's duration is not the video's
    "audio_longer_mkv": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mkv",
                             fmt="matroska", audio=("libopus", 0, 3.6), prop=["audio_longer"]),
    "audio_longer_ts": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="ts",
                            fmt="mpegts", audio=("aac", 0, 3.6), prop=["audio_longer"]),
    # MP4 edit list trimming the start: stream copy from 0.5 s, mid-GOP
    "editlist_mp4": dict(size=QVGA, frames=50, rate="25", ext="mp4", fmt="mp4", post="trim",
                         codec=X264 + ["-x264-params", "keyint=10:min-keyint=10:scenecut=0"],
                         prop=["editlist"]),
    # fragmented MP4 (moof fragments, no sample table in moov; B-frames, no edit list)
    "fmp4": dict(size=QVGA, frames=40, rate="25", ext="mp4", fmt="mp4", prop=["fragmented"],
                 codec=X264 + ["-g", "10"],
                 out=["-movflags", "frag_keyframe+empty_moov+default_base_moof"]),
    # MPEG-TS whose 33-bit timestamps wrap around 0.8 s into the video
    "ts_wrap": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="ts", fmt="mpegts",
                    out=["-output_ts_offset", "95441.5"], prop=["pts_wrap"]),
    # cover art: an attached picture beside the video (MP4 covr atom, Matroska attachment)
    "cover_mp4": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mp4", fmt="mp4",
                      post="cover", prop=["cover"]),
    "cover_mkv": dict(size=QVGA, frames=40, rate="25", codec=X264, ext="mkv", fmt="matroska",
                      post="cover", prop=["cover"]),
    # long (64 s at 5 fps) in the containers whose seeking is least exact: far targets out of
    # order (seek_targets in test_formats.py)
    "long_mpeg2_mpg": dict(size=QVGA, frames=320, rate="5", ext="mpg", fmt="mpeg", long=True,
                           codec=MPEG2[:-1] + ["25"]),
    "long_theora_ogv": dict(size=QVGA, frames=320, rate="5", ext="ogv", fmt="ogg", long=True,
                            codec=["-c:v", "libtheora", "-q:v", "9", "-g", "25"]),
    "long_wmv2_asf": dict(size=QVGA, frames=320, rate="5", ext="wmv", fmt="asf", long=True,
                          codec=["-c:v", "wmv2", "-q:v", "2", "-g", "25"]),
    # tiny and odd-rate videos
    "one_frame_mp4": dict(size=QVGA, frames=1, rate="25", codec=X264, ext="mp4", fmt="mp4"),
    "two_frames_mp4": dict(size=QVGA, frames=2, rate="25", codec=X264, ext="mp4", fmt="mp4"),
    "short_mkv": dict(size=QVGA, frames=3, rate="30", codec=X264, ext="mkv", fmt="matroska"),
    "ntsc100_mp4": dict(size=QVGA, frames=100, rate="30000/1001", codec=X264, ext="mp4",
                        fmt="mp4"),
}

# ------------------------------------------------------------------ encoders present

_ENCODERS = None


def encoders():
    global _ENCODERS
    if _ENCODERS is None:
        out = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], capture_output=True,
                             text=True).stdout
        _ENCODERS = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
                _ENCODERS.add(parts[1])
    return _ENCODERS


def missing(name):
    """Why case `name` cannot be made here (None when it can)."""
    case = CASES[name]
    need = list(case.get("need", []))
    codec = case["codec"]
    if "-c:v" in codec:
        need.append(codec[codec.index("-c:v") + 1])
    if case.get("audio"):
        need.append(case["audio"][0])
    lacking = [e for e in need if e not in encoders()]
    return f"this ffmpeg lacks the encoder(s) {', '.join(lacking)}" if lacking else None


# ------------------------------------------------------------------ making a case

def _raw(case):
    w, h = case["size"]
    frames = []
    for i in range(case["frames"]):
        img = videos.draw(i, w, h)
        if case.get("in_fmt") == "rgba":
            # a real alpha plane (not constant, so the encoder keeps it): the left half
            # opaque, the right half 3/4 opaque; colours are not premultiplied
            a = videos.np.full((h, w, 1), 255, videos.np.uint8)
            a[:, w // 2:] = 192
            img = videos.np.concatenate([img, a], axis=2)
        frames.append(img.tobytes())
    return b"".join(frames)


def _ffmpeg(args, **kw):
    p = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-y", *args], capture_output=True,
                       **kw)
    if p.returncode != 0:
        raise RuntimeError(f"ffmpeg {' '.join(args)} failed: {p.stderr.decode()[-600:]}")
    return p


def make(name, directory):
    """Write case `name` into directory (once) and return its path; raises Skip."""
    case = CASES[name]
    why = missing(name)
    if why:
        raise Skip(why)
    path = os.path.join(directory, f"{name}.{case['ext']}")
    if os.path.exists(path):
        return path
    w, h = case["size"]
    tmp = path + ".part"
    video_in = ["-f", "rawvideo", "-pix_fmt", case.get("in_fmt", "rgb24"), "-s", f"{w}x{h}",
                "-framerate", case["rate"], "-i", "-"]
    if case.get("audio"):
        acodec, delay, seconds = case["audio"]
        # audio from 0, video delayed by `delay`: the audio starts first
        inputs = ["-f", "lavfi", "-i",
                  f"sine=frequency=440:sample_rate=48000:duration={seconds or 3}",
                  "-itsoffset", str(delay), *video_in]
        maps = ["-map", "1:v", "-map", "0:a", "-c:a", acodec, "-b:a", "64k"]
        if not seconds:
            maps.append("-shortest")
    else:
        inputs, maps = video_in, ["-an"]
    vf = ["-vf", case["vf"]] if case.get("vf") else []
    _ffmpeg([*inputs, *vf, "-fps_mode", "passthrough", *case["codec"], *maps,
             *case.get("out", []), "-f", case["fmt"], tmp], input=_raw(case))
    if case.get("post") == "trim":
        tmp2 = path + ".trim.part"
        _ffmpeg(["-ss", "0.5", "-i", tmp, "-c", "copy", "-f", case["fmt"], tmp2])
        os.replace(tmp2, tmp)
    elif case.get("post") == "packed":
        pack_avi(tmp)
    elif case.get("post") == "cover":
        add_cover(tmp, case["fmt"], path + ".cover.part")
    os.replace(tmp, path)
    return path


def add_cover(path, fmt, tmp):
    """Remux `path` with a PNG cover as an attached picture."""
    png = path + ".png"
    _ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=96x64:d=1", "-frames:v", "1", "-f", "image2",
             "-c:v", "png", png])
    if fmt == "matroska":
        args = ["-i", path, "-map", "0", "-c", "copy", "-attach", png,
                "-metadata:s:t", "mimetype=image/png"]
    else:
        args = ["-i", path, "-i", png, "-map", "0", "-map", "1", "-c", "copy", "-c:v:1", "png",
                "-disposition:v:1", "attached_pic"]
    _ffmpeg([*args, "-f", fmt, tmp])
    os.replace(tmp, path)
    os.remove(png)


# ------------------------------------------------------------------ DivX packed B-frames

def _avi_chunks(data, start, end):
    """(fourcc, offset of payload, size) of the chunks in data[start:end] (RIFF lists entered)."""
    pos = start
    while pos + 8 <= end:
        fourcc, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if fourcc in (b"RIFF", b"LIST"):
            yield fourcc + data[pos + 8:pos + 12], pos + 12, size - 4
            yield from _avi_chunks(data, pos + 12, pos + 8 + size)
        else:
            yield fourcc, pos + 8, size
        pos += 8 + size + (size & 1)


def _vops(payload):
    """Split an MPEG-4 part 2 packet into (headers, [vop, ...]) at VOP start codes (00 00 01 B6)."""
    cuts = []
    i = payload.find(b"\x00\x00\x01\xb6")
    while i >= 0:
        cuts.append(i)
        i = payload.find(b"\x00\x00\x01\xb6", i + 4)
    if not cuts:
        return payload, []
    return payload[:cuts[0]], [payload[a:b] for a, b in zip(cuts, cuts[1:] + [len(payload)])]


def _vop_type(vop):
    return "IPBS"[vop[4] >> 6]


def _read_vol_time_bits(payload):
    """Bits of vop_time_increment from the VOL header (vop_time_increment_resolution)."""
    i = payload.find(b"\x00\x00\x01\x20")
    if i < 0:
        return None
    bits = "".join(f"{b:08b}" for b in payload[i + 4:i + 24])
    p = 0
    p += 1 + 8  # random_accessible_vol, video_object_type_indication
    is_ol_id = bits[p] == "1"
    p += 1
    if is_ol_id:
        p += 4 + 3
    ar = int(bits[p:p + 4], 2)
    p += 4
    if ar == 15:
        p += 16
    vol_control = bits[p] == "1"
    p += 1
    if vol_control:
        p += 2 + 1
        vbv = bits[p] == "1"
        p += 1
        if vbv:
            p += 79
    p += 2 + 1  # shape, marker
    res = int(bits[p:p + 16], 2)
    return max(1, (res - 1).bit_length())


def _coded_n_vop(vop, time_bits):
    """An N-VOP (vop_coded = 0) with the same type and time fields as `vop`."""
    bits = "".join(f"{b:08b}" for b in vop[4:12])
    p = 2
    while bits[p] == "1":
        p += 1
    p += 1 + 1 + time_bits + 1  # the 0 ending modulo_time_base, marker, increment, marker
    head = "01" + bits[2:p] + "0"  # coding type P, time fields, vop_coded = 0
    head += "0" + "1" * ((8 - (len(head) + 1) % 8) % 8)  # stuffing: 0 then 1s to the byte
    return b"\x00\x00\x01\xb6" + int(head, 2).to_bytes(len(head) // 8, "big")


def pack_avi(path):
    """Rewrite an AVI of MPEG-4 part 2 with B-frames (one VOP per chunk, decode order) the way
    DivX 5 / Xvid wrote them: each B-frame is packed into the chunk of the reference frame
    before it, and an N-VOP (not coded) takes the B-frame's own slot; a "DivX503b1393p"
    user data in the first chunk announces it. Chunk sizes change, so the movi list and the
    idx1 index are rebuilt; everything else is copied."""
    data = bytearray(open(path, "rb").read())
    chunks = list(_avi_chunks(data, 0, len(data)))
    movi = next(c for c in chunks if c[0] == b"LISTmovi")
    idx1 = next((c for c in chunks if c[0] == b"idx1"), None)
    vids = [(off, size) for fourcc, off, size in chunks
            if fourcc == b"00dc" and movi[1] <= off < movi[1] + movi[2]]
    payloads = [bytes(data[off:off + size]) for off, size in vids]
    time_bits = _read_vol_time_bits(payloads[0])
    # decode order: I P B B P B B ...; pack each run of B-frames behind its reference frame
    out, i = [], 0
    while i < len(payloads):
        head, vops = _vops(payloads[i])
        j = i + 1
        bs = []
        while j < len(payloads) and [_vop_type(v) for v in _vops(payloads[j])[1]] == ["B"]:
            bs.append(payloads[j])
            j += 1
        if bs:
            # ref + first B in one chunk, then an N-VOP for the slot the first B left (the
            # decoder decodes the buffered B instead of that chunk), then the other B-frames
            out.append(payloads[i] + bs[0])
            out.append(_coded_n_vop(_vops(bs[0])[1][0], time_bits))
            out.extend(bs[1:])
        else:
            out.append(payloads[i])
        i = j
    assert len(out) == len(payloads), (len(out), len(payloads))
    ud = b"\x00\x00\x01\xb2DivX503b1393p"
    h, v = _vops(out[0])
    out[0] = h + ud + b"".join(v)
    # rebuild movi: keep non-video chunks in place, replace the video chunks in order
    body = bytearray()
    index = []
    it = iter(out)
    for fourcc, off, size in chunks:
        if not movi[1] <= off < movi[1] + movi[2] or fourcc.startswith(b"LIST"):
            continue
        payload = next(it) if fourcc == b"00dc" else bytes(data[off:off + size])
        key = fourcc == b"00dc" and _vops(payload)[1] and _vop_type(_vops(payload)[1][0]) == "I"
        index.append((fourcc, 0x10 if key else 0, len(body) + 4, len(payload)))
        body += fourcc + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) & 1
                                                                         else b"")
    movi_start = movi[1] - 12  # the LIST header
    new = bytearray(data[:movi_start])
    new += b"LIST" + struct.pack("<I", len(body) + 4) + b"movi" + body
    if idx1 is not None:
        ix = b"".join(f + struct.pack("<III", fl, o, s) for f, fl, o, s in index)
        new += b"idx1" + struct.pack("<I", len(ix)) + ix
    struct.pack_into("<I", new, 4, len(new) - 8)
    with open(path, "wb") as f:
        f.write(new)

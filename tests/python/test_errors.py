"""Failures raise vsample.Error carrying the library's code and its one-line message (the
message `vsample` prints for the same input), and leave the binding usable."""
import os
import subprocess
import threading

from common import SAMPLE, cli, expect, expect_error, make_video, require_cli, require_ffmpeg, tempdir

import vsample
from vsample import (VS_ERR_INVALID_ARG, VS_ERR_INVALID_DATA, VS_ERR_NO_VIDEO, VS_ERR_NOT_FOUND,
                     VS_ERR_UNSUPPORTED)

require_cli()
require_ffmpeg()


def same_as_cli(err, args):
    """The CLI fails on the same input with the same library message (it adds "vsample: PATH: ")."""
    p = cli(args)
    expect(p.returncode != 0 and err.message in p.stderr, f"{err.message!r} not in `vsample {' '.join(args)}` "
           f"stderr {p.stderr!r}")


with tempdir() as tmp:
    missing = os.path.join(tmp, "no such.mp4")
    for fn in (lambda: vsample.info(missing), lambda: vsample.plan(missing), lambda: vsample.load(missing)):
        e = expect_error(fn, VS_ERR_NOT_FOUND, missing)
    expect(e.code_name == "VS_ERR_NOT_FOUND", e.code_name)
    same_as_cli(e, ["info", missing])

    text = os.path.join(tmp, "notes.mp4")
    with open(text, "w") as f:
        f.write("not a video\n" * 100)
    e = expect_error(lambda: vsample.load(text), VS_ERR_INVALID_DATA, text)
    same_as_cli(e, ["info", text])
    e = expect_error(lambda: vsample.info(tmp), VS_ERR_INVALID_DATA, tmp, "directory")
    same_as_cli(e, ["info", tmp])
    audio = os.path.join(tmp, "tone.m4a")
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", audio], check=True)
    e = expect_error(lambda: vsample.plan(audio), VS_ERR_NO_VIDEO, audio)
    same_as_cli(e, ["plan", audio])

    video = make_video(os.path.join(tmp, "small.mp4"))
    for strategy in ("fps:x", "uniform:0", "bogus", "clips:1,2", "qwen2vl:nope=1"):
        e = expect_error(lambda: vsample.plan(video, strategy), VS_ERR_INVALID_ARG, strategy.split(":")[0])
        same_as_cli(e, ["plan", video, "--strategy", strategy])
        expect_error(lambda: vsample.load(video, strategy), VS_ERR_INVALID_ARG, strategy.split(":")[0])
    e = expect_error(lambda: vsample.plan(video, "qwen2vl", start=0.5), VS_ERR_INVALID_ARG, "qwen2vl")
    same_as_cli(e, ["plan", video, "--strategy", "qwen2vl", "--start", "0.5"])
    e = expect_error(lambda: vsample.plan(video, "fps:2", start=1.0, end=1.0), VS_ERR_INVALID_ARG)

    # views: the library builds them (vs_views_build), with the CLI's message, less its "--"
    e = expect_error(lambda: vsample.load(video, "uniform:2", preset="nope"), VS_ERR_INVALID_ARG, "'nope'",
                     "siglip-384")
    expect(e.message.startswith("preset: unknown preset 'nope'"), e.message)
    cli_out = cli(["extract", video, "-o", os.devnull, "--preset", "nope"])
    expect(cli_out.returncode == 2 and cli_out.stderr.strip() == f"vsample: --{e.message} (see vsample --help)", cli_out.stderr)
    expect_error(lambda: vsample.load(video, "uniform:2", preset="clip-336,nope"), VS_ERR_INVALID_ARG, "'nope'")
    expect_error(lambda: vsample.load(video, "uniform:2", preset=""), VS_ERR_INVALID_ARG, "preset")
    expect_error(lambda: vsample.load(video, "uniform:2", preset="clip-336,clip-336"), VS_ERR_INVALID_ARG, "twice")
    expect_error(lambda: vsample.load(video, "uniform:2", dtype="int8"), VS_ERR_INVALID_ARG, "dtype", "int8")
    expect_error(lambda: vsample.load(video, "uniform:2", layout="nchw"), VS_ERR_INVALID_ARG, "layout")
    expect_error(lambda: vsample.load(video, "uniform:2", seek="fast"), VS_ERR_INVALID_ARG, "seek")
    expect_error(lambda: vsample.load(video, "uniform:2", backend="cuda"), VS_ERR_INVALID_ARG, "backend")
    expect_error(lambda: vsample.load(video, "uniform:2", size="0x10"), VS_ERR_INVALID_ARG, "size")
    expect_error(lambda: vsample.load(video, "uniform:2", mean=(1, 2)), VS_ERR_INVALID_ARG, "mean")
    expect_error(lambda: vsample.load(video, "uniform:2", prefetch=9), VS_ERR_INVALID_ARG, "prefetch")
    expect_error(lambda: vsample.load(video, "uniform:2", std=(0, 1, 1)), VS_ERR_INVALID_ARG, "std")
    expect_error(lambda: vsample.load(video, 7), VS_ERR_INVALID_ARG, "strategy")
    e = expect_error(lambda: vsample.load(video, "uniform:2", backend="vulkan", gpu=63), VS_ERR_UNSUPPORTED, "Vulkan")
    same_as_cli(e, ["extract", video, "-o", os.path.join(tmp, "x"), "--backend", "vulkan", "--gpu", "63"])
    expect(not vsample.backend_available("vulkan", 63) and vsample.backend_available("cpu"), "backend_available")

    # the message is per thread: a failure on another thread does not replace ours
    ready, done = threading.Barrier(2), threading.Event()

    def other():
        ready.wait()
        try:
            vsample.info(os.path.join(tmp, "other thread.mp4"))
        except vsample.Error:
            done.set()

    t = threading.Thread(target=other)
    t.start()
    try:
        vsample.info(missing)
    except vsample.Error:
        ready.wait()
        t.join()
        expect(done.is_set(), "the other thread did not fail")
        msg = vsample._lib.lib().vs_last_error().decode()
        expect(missing in msg and "other thread" not in msg, f"this thread's last error is {msg!r}")

    # still usable after all that
    px, pts, _ = vsample.load(video, "uniform:2", preset="internvideo2-224")
    expect(px.shape == (2, 3, 224, 224) and len(pts) == 2, f"after errors: {px.shape}")
    expect(vsample.info(SAMPLE)["codec"] == "h264", "info after errors")
print("ok: every failure raised vsample.Error with the library's code and message")

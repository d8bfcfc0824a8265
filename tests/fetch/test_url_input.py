"""Videos read from http:// URLs, served by a small HTTP/1.1 server in this test: with Range
support (206), without it (always 200 and the whole file), one that closes the connection
part-way through the file, and one that accepts and never answers.

Checks: extract over a URL gives tensors byte-identical to the path's; info and plan work;
a plan that seeks back works with Range and, without it, works or fails with one line
naming the URL and the cause; a dropped connection and a silent server end in exit code 3
with one line naming the URL, within seconds, leaving no file in the output directory."""
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli  # noqa: E402
from silent_server import silent_server  # noqa: E402

cli.require()
if shutil.which("ffmpeg") is None:
    print("SKIP: ffmpeg not found", file=sys.stderr)
    sys.exit(77)
try:
    import numpy as np  # noqa: F401
    import st_reader
except ImportError:
    print("SKIP: numpy missing", file=sys.stderr)
    sys.exit(77)

FILES = {}        # name -> bytes
CLOSE_AFTER = {}  # name -> byte offset the "close" mode stops at


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        mode, _, name = self.path.lstrip("/").partition("/")
        data = FILES.get(name.split("?")[0])
        if data is None:
            self.send_error(404)
            return
        start, end = 0, len(data) - 1
        rng = self.headers.get("Range")
        ranged = mode in ("range", "close") and rng and rng.startswith("bytes=")
        if ranged:
            a, _, b = rng[6:].partition("-")
            start = int(a or 0)
            end = min(int(b), end) if b else end
            if start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        else:
            self.send_response(200)
        if mode in ("range", "close"):
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        body = data[start:end + 1]
        if mode == "close":  # the connection drops at CLOSE_AFTER bytes into the file
            body = body[:max(0, CLOSE_AFTER[name] - start)]
            try:
                self.wfile.write(body)
                self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            self.wfile.write(body)
        except OSError:
            pass


def serve():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def make_video(path, faststart):
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-f", "lavfi", "-i",
           "testsrc2=size=320x240:rate=25", "-t", "6", "-c:v", "libx264", "-g", "25",
           "-pix_fmt", "yuv420p"]
    if faststart:
        cmd += ["-movflags", "+faststart"]
    subprocess.run(cmd + [path], check=True)


def tensors(directory):
    out = {}
    for n in sorted(os.listdir(directory)):
        if n.endswith(".safetensors"):
            t, _ = st_reader.read_file(os.path.join(directory, n))
            out.update({k: v.tobytes() for k, v in t.items()})
    return out


def extract(video, out, strategy, extra=(), timeout=120):
    return cli.run(["extract", video, "-o", out, "--strategy", strategy, "--preset", "siglip-384",
                    *extra], timeout=timeout)


def one_line(stderr):
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    return len(lines) == 1, lines


failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


with tempfile.TemporaryDirectory() as tmp:
    paths = {}
    for name, fast in (("moovlast.mp4", False), ("fast.mp4", True)):
        paths[name] = os.path.join(tmp, name)
        make_video(paths[name], fast)
        with open(paths[name], "rb") as f:
            FILES[name] = f.read()
        CLOSE_AFTER[name] = len(FILES[name]) // 2
    srv = serve()
    base = f"http://127.0.0.1:{srv.server_address[1]}"

    def out_dir(tag):
        d = os.path.join(tmp, "out-" + tag)
        return d

    # info and plan over a URL, as by path
    for name in paths:
        url = f"{base}/range/{name}"
        a, b = cli.info(paths[name]), cli.info(url)
        expect(b["path"] == url, f"info path {b['path']!r}")
        a.pop("path"), b.pop("path")
        expect(a == b, f"{name}: info differs by URL: {a} vs {b}")
        pa, pb = cli.plan(paths[name], "fps:2"), cli.plan(url, "fps:2")
        expect(pa["times"] == pb["times"], f"{name}: plan differs by URL")

    # extract: tensors byte-identical to the path's, in order and seeking back
    for strategy in ("fps:2", "timestamps:4.5,1.2,3.0,0.1"):
        for name in paths:
            ref = out_dir(f"ref-{name}-{strategy}")
            p = extract(paths[name], ref, strategy)
            expect(p.returncode == 0, f"extract {paths[name]}: {p.stderr}")
            url_out = out_dir(f"url-{name}-{strategy}")
            p = extract(f"{base}/range/{name}?token=abc#frag", url_out, strategy)
            expect(p.returncode == 0, f"extract range URL {name} {strategy}: {p.stderr}")
            if p.returncode == 0:
                a, b = tensors(ref), tensors(url_out)
                # keys come from the base name without the URL's query and fragment
                expect(sorted(a) == sorted(b), f"{name}: tensor names {sorted(a)} vs {sorted(b)}")
                expect(a == b, f"{name} {strategy}: tensors differ over a URL")

            # without Range: works, or fails with one line naming the URL and the cause
            url = f"{base}/norange/{name}"
            nr = out_dir(f"norange-{name}-{strategy}")
            t0 = time.monotonic()
            p = extract(url, nr, strategy, timeout=120)
            took = time.monotonic() - t0
            expect(took < 30, f"no-Range extract took {took:.1f} s")
            if p.returncode == 0:
                expect(tensors(ref) == tensors(nr), f"no-Range {name} {strategy}: tensors differ")
            else:
                single, lines = one_line(p.stderr)
                expect(p.returncode == 3 and single and url in lines[0] and "cannot seek" in lines[0],
                       f"no-Range {name} {strategy}: exit {p.returncode}, {lines}")
                expect(not os.path.exists(nr) or not os.listdir(nr),
                       f"no-Range failure left {os.listdir(nr)}")
            print(f"no Range, {name}, {strategy}: exit {p.returncode} {p.stderr.strip()}")
    # the moov-last file cannot be decoded without seeking back to its data
    p = extract(f"{base}/norange/moovlast.mp4", out_dir("nr-ml"), "fps:2")
    expect(p.returncode == 3 and "no HTTP Range support" in p.stderr, f"moov-last no-Range: {p.stderr}")

    # the connection drops half-way: exit 3, one line naming the URL, no file left
    url = f"{base}/close/fast.mp4"
    d = out_dir("close")
    t0 = time.monotonic()
    p = extract(url, d, "fps:5", timeout=120)
    took = time.monotonic() - t0
    single, lines = one_line(p.stderr)
    expect(p.returncode == 3, f"dropped connection: exit {p.returncode} ({p.stderr.strip()})")
    expect(single and url in lines[0], f"dropped connection: message {lines}")
    expect(took < 15, f"dropped connection: took {took:.1f} s")
    expect(not os.path.exists(d) or not os.listdir(d), f"dropped connection left {os.listdir(d)}")
    print(f"dropped connection: {took:.2f} s: {p.stderr.strip()}")

    # a server that never answers: --io-timeout bounds the wait
    s, held = silent_server()
    url = f"http://127.0.0.1:{s.getsockname()[1]}/clip.mp4"
    for cmd in (["info", url, "--io-timeout", "1"],
                ["extract", url, "-o", out_dir("silent"), "--io-timeout", "1"]):
        t0 = time.monotonic()
        p = cli.run(cmd, timeout=60)
        took = time.monotonic() - t0
        single, lines = one_line(p.stderr)
        expect(p.returncode == 3 and single and url in lines[0],
               f"{cmd[0]} silent server: exit {p.returncode}, {lines}")
        expect(took < 8, f"{cmd[0]} silent server: took {took:.1f} s with --io-timeout 1")
        print(f"silent server, {cmd[0]}: {took:.2f} s: {p.stderr.strip()}")
    expect(not os.path.exists(out_dir("silent")) or not os.listdir(out_dir("silent")), "silent left files")
    p = cli.run(["info", url, "--io-timeout", "0"])
    expect(p.returncode == 2, f"--io-timeout 0: exit {p.returncode}")
    s.close()
    for c in held:
        c.close()

    # a missing file on the server
    p = cli.run(["info", f"{base}/range/missing.mp4"])
    expect(p.returncode == 3 and "missing.mp4" in p.stderr, f"404: exit {p.returncode} {p.stderr}")
    srv.shutdown()

if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("ok: URL inputs")

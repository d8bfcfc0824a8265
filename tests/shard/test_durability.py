"""Durability and checksums of what extract and batch write (README "Output").

Usage: /usr/bin/python3 test_durability.py CASE    (exit 77 = skipped)

  fsync    strace of a small extract: each shard and index.json is fsynced (on an fd opened
           on its temporary name) before its rename, and the directory is fsynced after the
           rename; with --no-fsync nothing is fsynced. Skips without strace (or where ptrace
           is not allowed).
  sha256   index.json's "files" of extract and batch (the sample's own and the catalogue)
           against hashlib's SHA-256 and os.path.getsize of every shard.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ.get("VSAMPLE_BIN", "")
FAILURES = []
VIEW = ["--size", "32x24", "--dtype", "u8", "--layout", "thwc", "--filter", "bilinear", "--quiet"]


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)
    return cond


def skip(why):
    print("SKIP:", why, file=sys.stderr)
    sys.exit(77)


def make_video(path, seconds=2):
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=64x48:rate=10", "-t", str(seconds), "-pix_fmt", "yuv420p", path],
                   check=True)


LINE = re.compile(r"^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+)")


def trace_events(path):
    """[(call, args, result)] of the strace log, fds mapped to the paths they were opened on."""
    fds, events = {}, []
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        _, call, args, res = m.groups()
        res = int(res)
        if call == "openat" and res >= 0:
            fds[res] = re.search(r'"([^"]*)"', args).group(1)
        elif call in ("fsync", "fdatasync"):
            events.append(("fsync", fds.get(int(args), "?"), res))
        elif call.startswith("rename"):
            names = re.findall(r'"([^"]*)"', args)
            events.append(("rename", names[-2], names[-1]))
    return events


def case_fsync(tmp):
    if not shutil.which("strace"):
        skip("strace not found (apt-get install strace)")
    if subprocess.run(["strace", "-o", os.devnull, "true"], capture_output=True).returncode != 0:
        skip("strace cannot trace here (ptrace not allowed)")
    video = os.path.join(tmp, "a.mp4")
    make_video(video)
    shutil.copy(video, os.path.join(tmp, "b.mp4"))
    for no_fsync in (False, True):
        out, log = os.path.join(tmp, "out"), os.path.join(tmp, "strace.txt")
        shutil.rmtree(out, ignore_errors=True)
        # a shard size that makes each video a shard of its own: two shard renames and the index's
        r = subprocess.run(["strace", "-f", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2,openat",
                            "-o", log, BIN, "extract", "a.mp4", "b.mp4", "-o", "out", "--shard-size", "15000",
                            *VIEW, *(["--no-fsync"] if no_fsync else [])],
                           cwd=tmp, capture_output=True, text=True,
                           # LeakSanitizer cannot run under ptrace: the ASan build's leak check off here
                           env={**os.environ, "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"})
        if not check(r.returncode == 0, f"extract under strace: {r.returncode} {r.stderr}"):
            return
        ev = trace_events(log)
        renames = [e for e in ev if e[0] == "rename"]
        fsyncs = [e for e in ev if e[0] == "fsync"]
        finals = sorted(os.path.basename(e[2]) for e in renames)
        check(finals == ["index.json", "shard-00000.safetensors", "shard-00001.safetensors"],
              f"renames: {finals}")
        if no_fsync:
            check(not fsyncs, f"--no-fsync still fsyncs: {fsyncs}")
            continue
        for i, e in enumerate(ev):
            if e[0] != "rename":
                continue
            tmpname, final = e[1], e[2]
            before = [x for x in ev[:i] if x[0] == "fsync" and x[1] == tmpname and x[2] == 0]
            check(before, f"{final}: no fsync of {tmpname} before its rename")
            # the directory's fsync follows, before any other rename
            after = []
            for x in ev[i + 1:]:
                if x[0] == "rename":
                    break
                if x[0] == "fsync" and os.path.normpath(x[1]) == os.path.dirname(final) and x[2] == 0:
                    after.append(x)
            check(after, f"{final}: no fsync of its directory after the rename")
            # and the fsync of the file is its last write barrier: no rename of it without it
            check(not any(x[0] == "rename" and x[1] == tmpname for x in ev[:i]), f"{tmpname} renamed twice")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def check_files(directory, what):
    index = json.load(open(os.path.join(directory, "index.json")))
    files = index.get("files")
    if not check(isinstance(files, dict), f"{what}: index.json has no \"files\""):
        return
    shards = {p["shard"] for s in index["samples"].values() for p in s["parts"]}
    check(set(files) == shards, f"{what}: files {sorted(files)} != shards {sorted(shards)}")
    for name, info in files.items():
        path = os.path.join(directory, name)
        check(info.get("bytes") == os.path.getsize(path), f"{what}: {name}: bytes {info.get('bytes')}")
        check(info.get("sha256") == sha256(path), f"{what}: {name}: sha256 differs from hashlib's")


def case_sha256(tmp):
    for n in ("a", "b", "c"):
        make_video(os.path.join(tmp, n + ".mp4"), seconds=2)
    r = subprocess.run([BIN, "extract", "a.mp4", "b.mp4", "c.mp4", "-o", "ex", "--shard-size", "50000", *VIEW],
                       cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, f"extract: {r.stderr}")
    check_files(os.path.join(tmp, "ex"), "extract")
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("a.mp4\nb.mp4\nc.mp4\n")
    r = subprocess.run([BIN, "batch", "m.txt", "-o", "bt", "--jobs", "2", "--shard-size", "30000", *VIEW],
                       cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, f"batch: {r.stderr}")
    check_files(os.path.join(tmp, "bt"), "batch catalogue")
    for key in os.listdir(os.path.join(tmp, "bt", "samples")):
        check_files(os.path.join(tmp, "bt", "samples", key), f"batch sample {key}")
    r = subprocess.run([BIN, "batch", "--merge-index", "bt"], cwd=tmp, capture_output=True, text=True)
    check(r.returncode == 0, f"--merge-index: {r.stderr}")
    check_files(os.path.join(tmp, "bt"), "merged catalogue")


def main():
    if not BIN or not os.access(BIN, os.X_OK):
        skip("VSAMPLE_BIN not set")
    if not shutil.which("ffmpeg"):
        skip("ffmpeg not found")
    case = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        {"fsync": case_fsync, "sha256": case_sha256}[case](tmp)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()

"""`vsample batch`: manifests, keys, failures, resume, crashes, partitions (docs/SCALE.md).

Usage: /usr/bin/python3 test_batch.py CASE    (exit 77 = skipped)

Independent references: keys and partitions are recomputed here from the documented rule
(hashlib's SHA-1, not vsample's); the times each per-entry option asks for are hand-computed
for 10 fps videos; each sample's tensors must be byte-identical to `vsample extract` of the same
video with the same options (batch is extract per video); and a run that was killed (SIGKILL at
random moments, in a shard write, in the commit, in the catalogue rewrite) and re-run must leave
exactly the bytes of an uninterrupted run, file for file.

Cases: manifests, keys, errors, resume, crash, interrupt, timeout, partitions, env, usage.
"""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np  # noqa: F401  (st_reader needs it)
except ImportError:
    print("SKIP: numpy not found (run with /usr/bin/python3)", file=sys.stderr)
    sys.exit(77)

BIN = os.environ.get("VSAMPLE_BIN", "")
TESTS = os.environ.get("VSAMPLE_TESTS", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, TESTS)
import st_reader  # noqa: E402
from silent_server import silent_server  # noqa: E402

FAILURES = []
VIEW = ["--size", "32x24", "--dtype", "u8", "--layout", "thwc", "--filter", "bilinear"]


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)
    return cond


def run(args, cwd, env=None, timeout=120):
    e = dict(os.environ)
    for k in ("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
              "JOB_COMPLETION_INDEX", "VSAMPLE_NUM_SHARDS", "VSAMPLE_BATCH_STALL"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run([BIN, *args], cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)


def make_video(path, seconds=2, size="64x48", fmt=None):
    """testsrc2 at 10 fps: frame k is shown from k/10 s."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=10",
           "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-pix_fmt", "yuv420p"]
    subprocess.run(cmd + (["-f", fmt] if fmt else []) + [path], check=True)


# The documented rules (README.md, ### batch; docs/SCALE.md), written again here.
def default_key(path):
    base = path.encode()[path.encode().rfind(b"/") + 1:]
    dot = base.rfind(b".")
    stem = base[:dot] if dot > 0 else base
    stem = re.sub(rb"[^A-Za-z0-9_.-]", b"_", stem[:64])
    if stem.startswith(b"."):
        stem = b"_" + stem[1:]
    stem = stem or b"video"
    return stem.decode() + "-" + hashlib.sha1(path.encode()).hexdigest()[:16]


def partition(key, k):
    return int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big") % k


def no_dupes(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise AssertionError(f"duplicate JSON keys: {sorted(k for k in keys if keys.count(k) > 1)}")
    return dict(pairs)


def load_index(d, name="index.json"):
    with open(os.path.join(d, name)) as f:
        return json.load(f, object_pairs_hook=no_dupes)


def errors(d, name="errors.jsonl"):
    with open(os.path.join(d, name)) as f:
        return [json.loads(line) for line in f]


def files(d):
    """relative path -> bytes of every file under d, hidden ones included."""
    out = {}
    for root, dirs, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, d)] = f.read()
        for n in dirs:
            if not os.listdir(os.path.join(root, n)):
                out[os.path.relpath(os.path.join(root, n), d) + "/"] = b""
    return out


def visible(tree):
    """The tree less DIR/.lock, which only serializes the catalogue rewrites."""
    return {k: v for k, v in tree.items() if k != ".lock"}


def same_tree(got, want, what):
    g, w = visible(files(got)), visible(files(want))
    missing, extra = sorted(set(w) - set(g)), sorted(set(g) - set(w))
    differ = sorted(k for k in set(g) & set(w) if g[k] != w[k])
    return check(not missing and not extra and not differ,
                 f"{what}: missing {missing[:5]}, extra {extra[:5]}, different bytes {differ[:5]}")


def summary(stderr):
    m = re.search(r"batch: (\d+) of (\d+) videos done in .*?: (\d+) written now, (\d+) done before, (\d+) failed"
                  r".*?; (\d+) frames written, (\d+) decoded", stderr)
    if not m:
        raise AssertionError(f"no summary line in {stderr!r}")
    names = ["done", "total", "now", "before", "failed", "frames", "decoded"]
    return dict(zip(names, map(int, m.groups())))


def sample(d, key):
    tensors, meta = st_reader.read_sample(d, key)
    return tensors, meta


def extract_ref(tmp, video, key_opts, name):
    """The same video through `vsample extract` (key: the file's stem)."""
    out = os.path.join(tmp, "ref-" + name)
    shutil.rmtree(out, ignore_errors=True)
    r = run(["extract", video, "-o", out, *VIEW, "--quiet", *key_opts], tmp)
    if not check(r.returncode == 0, f"extract {video}: {r.stderr}"):
        return {}
    stem = os.path.splitext(os.path.basename(video))[0]
    return sample(out, stem)[0]


def same_tensors(got, want, what):
    ok = set(got) == set(want) and all(got[k].dtype == want[k].dtype and got[k].shape == want[k].shape
                                       and got[k].tobytes() == want[k].tobytes() for k in want)
    return check(ok, f"{what}: tensors differ from vsample extract's")


# ------------------------------------------------------------------------------------------ cases

def case_manifests(tmp):
    make_video(os.path.join(tmp, "v1.mp4"))
    make_video(os.path.join(tmp, "v2.mkv"))
    # text: comments, blank lines, blanks around a path
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("# two videos\n\n   v1.mp4  \r\n\t# indented comment\nv2.mkv\n")
    r = run(["batch", "m.txt", "-o", "out-text", "--strategy", "uniform:3", "--jobs", "2", *VIEW], tmp)
    check(r.returncode == 0, f"text manifest: exit {r.returncode}: {r.stderr}")
    idx = load_index(os.path.join(tmp, "out-text"))
    keys = {default_key("v1.mp4"), default_key("v2.mkv")}
    check(set(idx["samples"]) == keys, f"text manifest keys {sorted(idx['samples'])}, expected {sorted(keys)}")
    for path in ("v1.mp4", "v2.mkv"):
        t, meta = sample(os.path.join(tmp, "out-text"), default_key(path))
        check(np.allclose(t["target"], [1 / 3, 1, 5 / 3]), f"{path}: uniform:3 targets {t['target']}")
        check(np.allclose(t["pts"], [0.3, 1.0, 1.6]), f"{path}: uniform:3 pts {t['pts']}")
        check(meta["source"] == path, f"{path}: metadata source {meta['source']!r}")
        same_tensors(t, extract_ref(tmp, path, ["--strategy", "uniform:3"], "u3"), f"text {path}")

    # JSONL: per-entry key, start/end, strategy, null, escapes, members vsample does not know
    lines = [
        '# a JSONL manifest',
        json.dumps({"path": "v1.mp4", "key": "one", "start": 0.5, "end": 1.5,
                    "caption": {"text": "a [nested] \"thing\" }", "n": [1, 2.5e3, None, True]}}),
        '',
        '{"path": "v2.mkv", "strategy": "timestamps:0.25,1.05", "start": null, "tags": []}',
        '{"path": "v\\u0031.mp4", "key": "esc"}',
    ]
    with open(os.path.join(tmp, "m.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    r = run(["batch", "m.jsonl", "-o", "out-jsonl", "--jobs", "2", *VIEW], tmp)
    check(r.returncode == 0, f"JSONL manifest: exit {r.returncode}: {r.stderr}")
    d = os.path.join(tmp, "out-jsonl")
    idx = load_index(d)
    want = {"one", "esc", default_key("v2.mkv")}
    check(set(idx["samples"]) == want, f"JSONL keys {sorted(idx['samples'])}, expected {sorted(want)}")
    cases = [("one", "v1.mp4", [0.5, 1.0], [0.5, 1.0], ["--start", "0.5", "--end", "1.5"]),
             (default_key("v2.mkv"), "v2.mkv", [0.25, 1.05], [0.2, 1.0], ["--strategy", "timestamps:0.25,1.05"]),
             ("esc", "v1.mp4", [0, 0.5, 1, 1.5], [0, 0.5, 1, 1.5], [])]
    for key, path, targets, pts, opts in cases:
        if key not in idx["samples"]:
            continue
        t, meta = sample(d, key)
        check(np.allclose(t["target"], targets), f"{key}: targets {t['target']}, expected {targets}")
        check(np.allclose(t["pts"], pts), f"{key}: pts {t['pts']}, expected {pts}")
        check(meta["source"] == path, f"{key}: source {meta['source']!r}, expected {path!r}")
        same_tensors(t, extract_ref(tmp, path, opts, key), f"JSONL {key}")

    # bad manifests: exit 2, one line naming MANIFEST:LINE, nothing written
    bad = [
        ('{"path": "v1.mp4"}\nnot json\n', "bad.jsonl:2"),
        ('{"key": "x"}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4", "start": 2, "end": 1}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4"}\n{"path": "v2.mkv", "strategy": "fps:0"}\n', "bad.jsonl:2"),
        ('{"path": "v1.mp4", "key": "../x"}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4", "key": ".x"}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4", "start": "1"}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4"} {"path": "v2.mkv"}\n', "bad.jsonl:1"),
        ('{"path": "v1.mp4", "key": "a"}\n\n{"path": "v2.mkv", "key": "a"}\n', "bad.jsonl:3"),
        ("v1.mp4\n# again\nv1.mp4\n", "bad.jsonl:3"),
        ("# nothing\n\n", "bad.jsonl"),
        ('{"path": "v1.mp4"}\n{"path": "v2.mkv",\n', "bad.jsonl:2"),
        ('{"path": "v1.mp4"}\n\n{"path": "v2.mkv", "key": "\\ud800"}\n', "bad.jsonl:3"),
        ('{"path": "v1.mp4"}\n[1, 2]\n', "bad.jsonl:2"),
    ]
    for text, where in bad:
        with open(os.path.join(tmp, "bad.jsonl"), "w") as f:
            f.write(text)
        r = run(["batch", "bad.jsonl", "-o", "out-bad", *VIEW], tmp)
        check(r.returncode == 2, f"bad manifest {text!r}: exit {r.returncode}, expected 2")
        lines = r.stderr.strip().splitlines()
        check(len(lines) == 1 and where in lines[0], f"bad manifest {text!r}: stderr {r.stderr!r}, expected {where}")
        check(not os.path.exists(os.path.join(tmp, "out-bad")), f"bad manifest {text!r}: output written")
    # A malformed line: one line naming MANIFEST:LINE and the parser's cause (README: exit 2).
    with open(os.path.join(tmp, "bad.jsonl"), "w") as f:
        f.write('{"path": "v1.mp4"}\n# c\n{"path": "v2.mkv", "start": 1,}\n')
    r = run(["batch", "bad.jsonl", "-o", "out-bad", *VIEW], tmp)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("vsample: bad.jsonl:3: ")
          and "column" in lines[0], f"malformed JSONL line: exit {r.returncode} {r.stderr!r}")
    # Every partition checks the whole manifest: one bad entry stops them all alike.
    with open(os.path.join(tmp, "bad.jsonl"), "w") as f:
        f.write("".join(json.dumps({"path": f"x{i}.mp4"}) + "\n" for i in range(12)))
        f.write('{"path": "y.mp4", "strategy": "uniform:0"}\n')
    for i in range(3):
        r = run(["batch", "bad.jsonl", "-o", "out-bad", "--shard-index", str(i), "--num-shards", "3"], tmp)
        check(r.returncode == 2 and "bad.jsonl:13" in r.stderr, f"partition {i}: exit {r.returncode} {r.stderr!r}")
    r = run(["batch", "nonexistent.txt", "-o", "out-bad"], tmp)
    check(r.returncode == 2 and "nonexistent.txt" in r.stderr, f"missing manifest: exit {r.returncode} {r.stderr!r}")


def case_keys(tmp):
    paths = ["a/clip.mp4", "a/clip.mkv", "b/clip.mp4", "sp ace é.mp4", ".hidden.mp4", "noext",
             "dir.with.dots/v.1.mp4", "x" * 80 + ".mp4"]
    for p in paths:
        make_video(os.path.join(tmp, p), fmt="mp4" if p == "noext" else None)
    paths.append(os.path.join(tmp, "a/clip.mp4"))  # the same file, written otherwise: another key
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    want = {default_key(p): p for p in paths}
    check(len(want) == len(paths), "the test's own keys collide")
    check(len({k.rsplit("-", 1)[0] for k in want if "clip" in k}) == 1, "clip stems differ")
    r = run(["batch", "m.txt", "-o", "out", *VIEW], tmp)
    check(r.returncode == 0, f"keys: exit {r.returncode}: {r.stderr}")
    d = os.path.join(tmp, "out")
    idx = load_index(d)
    check(set(idx["samples"]) == set(want), f"keys {sorted(idx['samples'])}, expected {sorted(want)}")
    check(sorted(os.listdir(os.path.join(d, "samples"))) == sorted(want), "sample directories are not the keys")
    for key, p in want.items():
        if key in idx["samples"]:
            check(idx["samples"][key]["metadata"]["source"] == p, f"{key}: source is not {p!r}")
    check(default_key("sp ace é.mp4").startswith("sp_ace___-"), "UTF-8 bytes become one '_' each")
    # Partitioned: the same keys, whichever partition each lands in.
    for i in range(3):
        r = run(["batch", "m.txt", "-o", "out3", "--shard-index", str(i), "--num-shards", "3", *VIEW], tmp)
        check(r.returncode == 0, f"partition {i}: exit {r.returncode}: {r.stderr}")
        got = set(load_index(os.path.join(tmp, "out3"), f"index-{i}-of-3.json")["samples"])
        check(got == {k for k in want if partition(k, 3) == i}, f"partition {i} of 3 holds {sorted(got)}")
    check(set(load_index(os.path.join(tmp, "out3"))["samples"]) == set(want), "partitioned keys differ")


def case_errors(tmp):
    for n in ("good1.mp4", "good2.mkv", "good3.mp4"):
        make_video(os.path.join(tmp, n))
    with open(os.path.join(tmp, "garbage.mp4"), "w") as f:
        f.write("this is not a video\n")
    open(os.path.join(tmp, "empty.mp4"), "w").close()
    with open(os.path.join(tmp, "good1.mp4"), "rb") as f:
        head = f.read()
    with open(os.path.join(tmp, "trunc.mp4"), "wb") as f:
        f.write(head[: len(head) // 3])
    good = ["good1.mp4", "good2.mkv", "good3.mp4"]
    badp = ["garbage.mp4", "missing.mp4", "empty.mp4", "trunc.mp4"]
    order = ["good1.mp4", "garbage.mp4", "missing.mp4", "good2.mkv", "empty.mp4", "trunc.mp4", "good3.mp4"]
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(order) + "\n")
    r = run(["batch", "m.txt", "-o", "out", "--jobs", "2", *VIEW], tmp)
    check(r.returncode == 3, f"errors: exit {r.returncode}, expected 3: {r.stderr}")
    check(r.stdout == "", f"errors: stdout {r.stdout!r}")
    d = os.path.join(tmp, "out")
    errs = errors(d)
    check([e["key"] for e in errs] == sorted(default_key(p) for p in badp),
          f"errors.jsonl keys {[e['key'] for e in errs]}")
    for e in errs:
        check(set(e) == {"key", "path", "error", "exit_code"}, f"errors.jsonl fields {sorted(e)}")
        check(e["path"] in badp and e["path"] in e["error"] and e["exit_code"] == 3,
              f"errors.jsonl line {e}")
        check(sum(1 for line in r.stderr.splitlines() if e["path"] + ":" in line) == 1,
              f"{e['path']}: not one line on stderr: {r.stderr!r}")
    check(set(load_index(d)["samples"]) == {default_key(p) for p in good}, "the good videos are not all done")
    s = summary(r.stderr)
    check((s["done"], s["total"], s["failed"]) == (3, 7, 4), f"summary {s}")
    check(not os.path.exists(os.path.join(d, ".work")), "work directories left")
    # Mend two of the bad ones: their entries leave errors.jsonl, the good ones are not redone.
    make_video(os.path.join(tmp, "garbage.mp4"))
    make_video(os.path.join(tmp, "missing.mp4"))
    r = run(["batch", "m.txt", "-o", "out", *VIEW], tmp)
    s = summary(r.stderr)
    check(r.returncode == 3 and (s["now"], s["before"], s["failed"]) == (2, 3, 2), f"mended: exit {r.returncode}, {s}")
    check([e["path"] for e in errors(d)] == sorted(["empty.mp4", "trunc.mp4"], key=default_key),
          f"mended: errors.jsonl {errors(d)}")
    for p in ("empty.mp4", "trunc.mp4"):
        make_video(os.path.join(tmp, p))
    r = run(["batch", "m.txt", "-o", "out", *VIEW], tmp)
    check(r.returncode == 0 and errors(d) == [], f"all mended: exit {r.returncode}, errors {errors(d)}")
    check(len(load_index(d)["samples"]) == 7, "all mended: not 7 samples")
    # A committed sample whose index.json is corrupt (truncated, then not a vsample index): one
    # line naming that file and the cause; it is left out of the catalogue; the run goes on.
    k = default_key("good1.mp4")
    bad_index = os.path.join(d, "samples", k, "index.json")
    with open(bad_index) as f:
        text = f.read()
    for corrupt, cause in ((text[: len(text) // 2], "not valid JSON: line"), ('{"format": "x"}', "not a vsample index")):
        with open(bad_index, "w") as f:
            f.write(corrupt)
        r = run(["batch", "--merge-index", "out"], tmp)
        lines = [line for line in r.stderr.splitlines() if bad_index.split(tmp + "/")[-1] in line]
        check(r.returncode == 0 and len(r.stderr.strip().splitlines()) == 1 and len(lines) == 1
              and cause in lines[0], f"corrupt {bad_index}: exit {r.returncode} {r.stderr!r}")
        check(set(load_index(d)["samples"]) == {default_key(p) for p in order} - {k},
              "corrupt sample index: catalogue is not the other samples")
    with open(bad_index, "w") as f:
        f.write(text)


def case_resume(tmp):
    paths = [f"v{i}.mp4" for i in range(8)]
    for p in paths:
        make_video(os.path.join(tmp, p))
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(paths[:6]) + "\n")
    d = os.path.join(tmp, "out")
    r = run(["batch", "m.txt", "-o", "out", "--jobs", "2", *VIEW], tmp)
    s = summary(r.stderr)
    check(r.returncode == 0 and s["now"] == 6 and s["decoded"] > 0, f"first run: exit {r.returncode}, {s}")

    def stamps():
        out = {}
        for root, _, names in os.walk(os.path.join(d, "samples")):
            for n in names:
                st = os.stat(os.path.join(root, n))
                out[os.path.join(root, n)] = (st.st_ino, st.st_mtime_ns)
        return out

    before, index = stamps(), files(d)["index.json"]
    time.sleep(0.05)
    r = run(["batch", "m.txt", "-o", "out", "--jobs", "2", *VIEW], tmp)
    s = summary(r.stderr)
    check(r.returncode == 0 and (s["now"], s["before"], s["decoded"], s["frames"]) == (0, 6, 0, 0),
          f"re-run decoded again: exit {r.returncode}, {s}")
    check(stamps() == before, "re-run touched committed samples")
    check(files(d)["index.json"] == index, "re-run changed index.json")
    # Two more entries: only they are done.
    with open(os.path.join(tmp, "m.txt"), "a") as f:
        f.write("\n".join(paths[6:]) + "\n")
    r = run(["batch", "m.txt", "-o", "out", *VIEW], tmp)
    s = summary(r.stderr)
    check(r.returncode == 0 and (s["now"], s["before"]) == (2, 6), f"grown manifest: {s}")
    after = stamps()
    check(all(after.get(k) == v for k, v in before.items()), "grown manifest: old samples touched")
    check(len(load_index(d)["samples"]) == 8, "grown manifest: not 8 samples")
    # A sample directory without its index.json is no commit: redone.
    os.unlink(os.path.join(d, "samples", default_key("v0.mp4"), "index.json"))
    r = run(["batch", "m.txt", "-o", "out", *VIEW], tmp)
    s = summary(r.stderr)
    check(r.returncode == 0 and (s["now"], s["before"]) == (1, 7), f"broken sample not redone: {s}")


CRASH_VIEW = ["--size", "48x40", "--dtype", "f32", "--strategy", "fps:5", "--shard-size", "60000"]


def crash_setup(tmp, n):
    rng = random.Random(7)
    paths = []
    for i in range(n):
        p = f"v/{i:02d}.{'mkv' if i % 3 == 0 else 'mp4'}"
        make_video(os.path.join(tmp, p), seconds=rng.choice([1, 2, 3]), size=rng.choice(["96x72", "128x96"]))
        paths.append(p)
    paths.insert(5, "v/missing.mp4")  # a failure too: errors.jsonl must come out the same
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    return paths


def start_batch(tmp, out, env=None, jobs=2):
    e = dict(os.environ)
    e.pop("VSAMPLE_BATCH_STALL", None)
    e.update(env or {})
    return subprocess.Popen([BIN, "batch", "m.txt", "-o", out, "--jobs", str(jobs), *CRASH_VIEW], cwd=tmp, env=e,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True)


def wait_for(cond, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.002)
    return False


def in_shard_write(out):
    w = os.path.join(out, ".work")
    try:
        return any(n.endswith(".safetensors.tmp") for d in os.listdir(w) for n in os.listdir(os.path.join(w, d)))
    except OSError:
        return False


def case_crash(tmp):
    crash_setup(tmp, 20)
    ref = os.path.join(tmp, "ref")
    t0 = time.time()
    r = run(["batch", "m.txt", "-o", "ref", "--jobs", "2", *CRASH_VIEW], tmp)
    full = time.time() - t0
    check(r.returncode == 3, f"reference run: exit {r.returncode}: {r.stderr}")
    nshards = sum(len(s["parts"]) for s in load_index(ref)["samples"].values())
    check(nshards > 2 * len(load_index(ref)["samples"]), f"samples should span several shards ({nshards})")
    rng = random.Random(int(os.environ.get("BATCH_CRASH_SEED", "20240611")))
    # (how, kills): SIGKILL to the main process at random moments (its workers die with it), to the
    # whole process group, inside a shard write, in the commit rename's window, in the catalogue's
    # rewrite; several kills on one directory before the final run.
    trials = [("random", 1), ("random", 1), ("random-group", 1), ("random", 3), ("shard-write", 1),
              ("stall:commit", 1), ("stall:index.json", 1), ("stall:errors.jsonl", 1), ("random-group", 2)]
    for n, (how, kills) in enumerate(trials):
        out = os.path.join(tmp, f"crash{n}")
        notes = []
        for _ in range(kills):
            env = {"VSAMPLE_BATCH_STALL": how.split(":")[1]} if how.startswith("stall:") else None
            p = start_batch(tmp, out, env)
            if how.startswith("random"):
                time.sleep(rng.uniform(0, full))
            elif how == "shard-write":
                check(wait_for(lambda: in_shard_write(out)), f"trial {n}: never saw a shard being written")
            else:
                check(wait_for(lambda: p.poll() is None and stalled(out, how)), f"trial {n}: never reached {how}")
            if how == "random-group":
                os.killpg(p.pid, signal.SIGKILL)
            else:
                p.kill()
            p.communicate()
            work = os.path.join(out, ".work")
            notes.append(f"killed, {len(os.listdir(work)) if os.path.isdir(work) else 0} work dirs left")
        # No catalogue lists a sample that is not wholly there.
        if os.path.exists(os.path.join(out, "index.json")):
            for key, s in load_index(out)["samples"].items():
                for part in s["parts"]:
                    check(os.path.exists(os.path.join(out, part["shard"])), f"trial {n}: index lists a missing shard")
        time.sleep(0.05)  # the killed workers' PDEATHSIG
        r = run(["batch", "m.txt", "-o", out, "--jobs", "2", *CRASH_VIEW], tmp)
        s = summary(r.stderr)
        print(f"trial {n} ({how} x{kills}): {'; '.join(notes)}; re-run {s['now']} now, {s['before']} before")
        check(r.returncode == 3, f"trial {n}: re-run exit {r.returncode}: {r.stderr}")
        same_tree(out, ref, f"trial {n} ({how})")
        hidden = [k for k in files(out) if k.startswith(".") and k != ".lock"]
        check(not hidden, f"trial {n}: hidden files left: {hidden}")
    # One worker killed alone (the OOM killer, a crash in a decoder): its entry fails with that
    # cause, a new worker goes on with the others, and a re-run mends it.
    out = os.path.join(tmp, "worker-killed")
    p = start_batch(tmp, out, jobs=1)
    check(wait_for(lambda: in_shard_write(out)), "worker: never saw a shard being written")
    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
        workers = [int(x) for x in f.read().split()]
    check(len(workers) == 1, f"--jobs 1 runs {len(workers)} workers")
    os.kill(workers[0], signal.SIGKILL)
    err = p.communicate(timeout=120)[1]
    check(p.returncode == 3, f"worker killed: exit {p.returncode}: {err}")
    killed = [e for e in errors(out) if e["error"] == "worker killed by signal 9 (SIGKILL)"]
    check(len(killed) == 1 and killed[0]["exit_code"] == 1, f"worker killed: errors.jsonl {errors(out)}")
    check(len(load_index(out)["samples"]) == len(load_index(ref)["samples"]) - 1, "worker killed: the others not done")
    r = run(["batch", "m.txt", "-o", out, "--jobs", "2", *CRASH_VIEW], tmp)
    check(r.returncode == 3 and summary(r.stderr)["now"] == 1, f"worker killed: re-run {r.returncode} {r.stderr}")
    same_tree(out, ref, "worker killed, then re-run")


def stalled(out, how):
    point = how.split(":")[1]
    if point == "commit":
        w = os.path.join(out, ".work")
        try:  # a finished work directory: index.json written, rename pending
            return any(os.path.exists(os.path.join(w, d, "index.json")) for d in os.listdir(w))
        except OSError:
            return False
    try:
        return any(n.startswith("." + point + ".") and n.endswith(".tmp") for n in os.listdir(out))
    except OSError:
        return False


def case_interrupt(tmp):
    crash_setup(tmp, 10)
    r = run(["batch", "m.txt", "-o", "ref", "--jobs", "2", *CRASH_VIEW], tmp)
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = os.path.join(tmp, f"out-{sig.name}")
        p = start_batch(tmp, out)
        check(wait_for(lambda: in_shard_write(out)), f"{sig.name}: never saw a shard being written")
        p.send_signal(sig)
        err = p.communicate(timeout=60)[1]
        check(p.returncode == 130, f"{sig.name}: exit {p.returncode}, expected 130")
        lines = err.strip().splitlines()
        check(len(lines) == 1 and "interrupted" in lines[0], f"{sig.name}: stderr {err!r}")
        check(not os.path.exists(os.path.join(out, ".work")), f"{sig.name}: work directories left")
        idx = load_index(out)
        done = sorted(os.listdir(os.path.join(out, "samples")))
        check(sorted(idx["samples"]) == done, f"{sig.name}: index.json {sorted(idx['samples'])} vs samples {done}")
        check(len(done) < 10, f"{sig.name}: everything was done before the signal")
        r = run(["batch", "m.txt", "-o", out, "--jobs", "2", *CRASH_VIEW], tmp)
        check(r.returncode == 3, f"{sig.name}: re-run exit {r.returncode}")
        same_tree(out, os.path.join(tmp, "ref"), f"{sig.name} then re-run")




def case_timeout(tmp):
    """--video-timeout: a stalled URL (--io-timeout far longer) times out, FIFOs are refused at
    once (with no writer, and with a writer that never writes), the good videos are done, no
    work directory is left; a re-run skips the timeout unless --retry-timeouts; a worker that
    ignores its limit (VSAMPLE_BATCH_STALL=video:KEY) is killed by the watchdog 5 s past it."""
    make_video(os.path.join(tmp, "good1.mp4"))
    make_video(os.path.join(tmp, "good2.mkv"))
    os.mkfifo(os.path.join(tmp, "nowriter.mp4"))
    os.mkfifo(os.path.join(tmp, "silent.mp4"))
    writer = os.open(os.path.join(tmp, "silent.mp4"), os.O_RDWR)  # a writer that never writes
    srv, held = silent_server()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/stalled.mp4"
    order = ["good1.mp4", "nowriter.mp4", url, "silent.mp4", "good2.mkv"]
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(order) + "\n")
    d = os.path.join(tmp, "out")
    opts = ["--jobs", "2", "--video-timeout", "3", "--io-timeout", "60", *VIEW]
    try:
        t0 = time.monotonic()
        r = run(["batch", "m.txt", "-o", "out", *opts], tmp, timeout=60)
        took = time.monotonic() - t0
        check(r.returncode == 3, f"timeout: exit {r.returncode}: {r.stderr}")
        check(took < 20, f"timeout: the batch took {took:.1f} s with --video-timeout 3")
        errs = {e["path"]: e for e in errors(d)}
        check(sorted(errs) == sorted(["nowriter.mp4", "silent.mp4", url]), f"timeout: errors.jsonl {errs}")
        e = errs.get(url, {})
        check(e.get("cause") == "timeout" and e.get("exit_code") == 3 and url + ": timed out after 3 s" in e["error"],
              f"timeout: the stalled URL's line {e}")
        for p in ("nowriter.mp4", "silent.mp4"):
            e = errs.get(p, {})
            check("cause" not in e and "is a FIFO, not a file" in e.get("error", ""), f"timeout: FIFO line {e}")
        for p in order:
            check(sum(1 for line in r.stderr.splitlines() if p + ":" in line) == (p not in ("good1.mp4", "good2.mkv")),
                  f"timeout: {p}: not one line on stderr: {r.stderr!r}")
        check(set(load_index(d)["samples"]) == {default_key("good1.mp4"), default_key("good2.mkv")},
              "timeout: the good videos are not both done")
        check(not os.path.exists(os.path.join(d, ".work")), "timeout: work directories left")
        # A re-run does not wait for the stalled input again; its line stays in errors.jsonl.
        t0 = time.monotonic()
        r = run(["batch", "m.txt", "-o", "out", *opts], tmp, timeout=60)
        took = time.monotonic() - t0
        s = summary(r.stderr)
        check(r.returncode == 3 and took < 2.5 and (s["before"], s["failed"]) == (2, 3)
              and "1 video timed out in an earlier run" in r.stderr, f"re-run: exit {r.returncode} in {took:.1f} s {r.stderr!r}")
        check(errs[url] == {e["path"]: e for e in errors(d)}.get(url), f"re-run: errors.jsonl {errors(d)}")
        # --retry-timeouts tries it again, here in a worker that ignores its limit: killed.
        t0 = time.monotonic()
        r = run(["batch", "m.txt", "-o", "out", *opts, "--video-timeout", "1", "--retry-timeouts"], tmp,
                env={"VSAMPLE_BATCH_STALL": "video:" + default_key(url)}, timeout=60)
        took = time.monotonic() - t0
        e = {e["path"]: e for e in errors(d)}.get(url, {})
        check(r.returncode == 3 and 5.5 < took < 15, f"watchdog: exit {r.returncode} in {took:.1f} s {r.stderr!r}")
        check(e.get("cause") == "timeout" and "timed out after 1 s" in e["error"] and "killed" in e["error"],
              f"watchdog: errors.jsonl line {e}")
        check(not os.path.exists(os.path.join(d, ".work")), "watchdog: work directories left")
        for bad in ("-1", "x"):
            r = run(["batch", "m.txt", "-o", "out2", "--video-timeout", bad, *VIEW], tmp)
            check(r.returncode == 2 and "--video-timeout" in r.stderr, f"--video-timeout {bad}: exit {r.returncode}")
    finally:
        os.close(writer)
        srv.close()
        for c in held:
            c.close()


def case_partitions(tmp):
    paths = [f"p/{i:02d}.mp4" for i in range(14)] + ["p/missing.mkv"]
    for p in paths[:-1]:
        make_video(os.path.join(tmp, p), seconds=1)
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    r = run(["batch", "m.txt", "-o", "full", "--jobs", "1", *VIEW], tmp)
    check(r.returncode == 3, f"full run: exit {r.returncode}: {r.stderr}")
    r = run(["batch", "m.txt", "-o", "full2", "--jobs", "2", *VIEW], tmp)
    same_tree(os.path.join(tmp, "full2"), os.path.join(tmp, "full"), "--jobs 2 against --jobs 1")
    # K = 3 processes at once into one directory.
    K = 3
    procs = [subprocess.Popen([BIN, "batch", "m.txt", "-o", "same", "--shard-index", str(i), "--num-shards", str(K),
                               "--jobs", "1", *VIEW], cwd=tmp, stderr=subprocess.PIPE, text=True) for i in range(K)]
    outs = [p.communicate(timeout=120)[1] for p in procs]
    want_part = {default_key(p): partition(default_key(p), K) for p in paths}
    seen = []
    for i, (p, err) in enumerate(zip(procs, outs)):
        mine = {k for k, v in want_part.items() if v == i}
        fails = {k for k in mine if k == default_key("p/missing.mkv")}
        check(p.returncode == (3 if fails else 0), f"partition {i}: exit {p.returncode}: {err}")
        got = set(load_index(os.path.join(tmp, "same"), f"index-{i}-of-{K}.json")["samples"])
        check(got == mine - fails, f"partition {i}: holds {sorted(got)}, expected {sorted(mine - fails)}")
        check(summary(err)["total"] == len(mine), f"partition {i}: {summary(err)} for {len(mine)} entries")
        seen += sorted(got)
    check(len(seen) == len(set(seen)), "a sample in two partitions")
    check(set(seen) | {default_key("p/missing.mkv")} == set(want_part), "the partitions miss an entry")
    full, same = visible(files(os.path.join(tmp, "full"))), visible(files(os.path.join(tmp, "same")))
    parts = {k for k in same if re.fullmatch(r"(index|errors)-\d-of-3\.jsonl?", k)}
    check(set(same) - parts == set(full), f"union differs: {sorted(set(same) ^ set(full))[:6]}")
    check(all(same[k] == full[k] for k in full if k in same), "union: some file's bytes differ from the full run's")
    # K = 3 into separate directories, gathered into one, --merge-index.
    for i in range(K):
        r = run(["batch", "m.txt", "-o", f"sep{i}", "--shard-index", str(i), "--num-shards", str(K), *VIEW], tmp)
        check(r.returncode in (0, 3), f"separate partition {i}: exit {r.returncode}")
    merged = os.path.join(tmp, "merged")
    os.makedirs(os.path.join(merged, "samples"))
    for i in range(K):
        d = os.path.join(tmp, f"sep{i}")
        for key in os.listdir(os.path.join(d, "samples")):
            os.rename(os.path.join(d, "samples", key), os.path.join(merged, "samples", key))
        for n in os.listdir(d):
            if n.startswith("errors-"):
                shutil.copy(os.path.join(d, n), merged)
    r = run(["batch", "--merge-index", "merged"], tmp)
    check(r.returncode == 0, f"--merge-index: exit {r.returncode}: {r.stderr}")
    for n in ("index.json", "errors.jsonl"):
        check(files(merged)[n] == full[n], f"--merge-index: {n} differs from the full run's")


def case_env(tmp):
    paths = [f"e/{i}.mp4" for i in range(8)]
    for p in paths:
        make_video(os.path.join(tmp, p), seconds=1)
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("\n".join(paths) + "\n")
    keys = [default_key(p) for p in paths]
    envs = [({"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, [], 2, 4, "SLURM_ARRAY_TASK_ID"),
            ({"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "1"}, [], 2, 3,
             "SLURM_ARRAY_TASK_ID"),
            ({"JOB_COMPLETION_INDEX": "1", "VSAMPLE_NUM_SHARDS": "2"}, [], 1, 2, "JOB_COMPLETION_INDEX"),
            ({"JOB_COMPLETION_INDEX": "0"}, ["--num-shards", "2"], 0, 2, "JOB_COMPLETION_INDEX"),
            ({"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"}, ["--shard-index", "3"], 3, 4, "--shard-index")]
    for n, (env, opts, i, k, src) in enumerate(envs):
        out = f"out{n}"
        r = run(["batch", "m.txt", "-o", out, *opts, *VIEW], tmp, env=env)
        check(r.returncode == 0, f"{env} {opts}: exit {r.returncode}: {r.stderr}")
        check(f"(partition {i} of {k}, from {src})" in r.stderr, f"{env} {opts}: summary {r.stderr!r}")
        got = set(load_index(os.path.join(tmp, out), f"index-{i}-of-{k}.json")["samples"])
        check(got == {key for key in keys if partition(key, k) == i}, f"{env} {opts}: partition holds {sorted(got)}")
    # A count with no index, an index out of range: usage errors, nothing written.
    for env, opts in (({"VSAMPLE_NUM_SHARDS": "3"}, []), ({"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, []),
                      ({}, ["--num-shards", "2", "--shard-index", "2"]), ({"JOB_COMPLETION_INDEX": "x"}, ["--num-shards", "2"])):
        r = run(["batch", "m.txt", "-o", "bad", *opts, *VIEW], tmp, env=env)
        check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, f"{env} {opts}: exit {r.returncode} {r.stderr!r}")
        check(not os.path.exists(os.path.join(tmp, "bad")), f"{env} {opts}: output written")


def case_usage(tmp):
    make_video(os.path.join(tmp, "v.mp4"), seconds=1)
    with open(os.path.join(tmp, "m.txt"), "w") as f:
        f.write("v.mp4\n")
    for args in (["batch"], ["batch", "m.txt"], ["batch", "-o", "out"], ["batch", "m.txt", "m.txt", "-o", "out"],
                 ["batch", "m.txt", "-o", "out", "--jobs", "0"], ["batch", "m.txt", "-o", "out", "--bogus"],
                 ["batch", "m.txt", "-o", "out", "--strategy", "nope:1"],
                 ["batch", "--merge-index", "out", "m.txt"], ["batch", "m.txt", "-o", "out", "--dtype", "f64"]):
        r = run(args, tmp)
        check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, f"{args}: exit {r.returncode} {r.stderr!r}")
        check(not os.path.exists(os.path.join(tmp, "out")), f"{args}: output written")
    with open(os.path.join(tmp, "afile"), "w") as f:
        f.write("x")
    r = run(["batch", "m.txt", "-o", "afile/out", *VIEW], tmp)
    check(r.returncode == 4 and "afile/out" in r.stderr, f"unwritable output: exit {r.returncode} {r.stderr!r}")
    r = run(["batch", "--merge-index", "nothing-here"], tmp)
    check(r.returncode == 2, f"--merge-index of no directory: exit {r.returncode} {r.stderr!r}")
    r = run(["batch", "m.txt", "-o", "out", "--quiet", *VIEW], tmp)
    check(r.returncode == 0 and r.stderr == "", f"--quiet: exit {r.returncode} {r.stderr!r}")
    with open(os.path.join(tmp, "m2.txt"), "w") as f:
        f.write("v.mp4\nmissing.mp4\n")
    r = run(["batch", "m2.txt", "-o", "out2", "--quiet", *VIEW], tmp)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 3 and len(lines) == 1 and lines[0].startswith("vsample: missing.mp4: "),
          f"--quiet still names a failed video, and only that: exit {r.returncode} {r.stderr!r}")
    r = run(["--help"], tmp)
    check("batch MANIFEST -o DIR" in r.stdout, "--help does not list batch")


CASES = {"manifests": case_manifests, "keys": case_keys, "errors": case_errors, "resume": case_resume,
         "crash": case_crash, "interrupt": case_interrupt, "timeout": case_timeout, "partitions": case_partitions,
         "env": case_env, "usage": case_usage}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in CASES:
        print(f"usage: test_batch.py {'|'.join(CASES)}", file=sys.stderr)
        return 2
    if not BIN or not os.access(BIN, os.X_OK):
        print(f"SKIP: VSAMPLE_BIN {BIN!r} is not an executable", file=sys.stderr)
        return 77
    if not shutil.which("ffmpeg"):
        print("SKIP: no ffmpeg CLI", file=sys.stderr)
        return 77
    tmp = tempfile.mkdtemp(prefix="vsample-batch-")
    try:
        CASES[sys.argv[1]](tmp)
    except AssertionError as e:
        FAILURES.append(str(e))
        print("FAIL:", e)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{sys.argv[1]}: {'FAILED' if FAILURES else 'ok'}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""tools/bench --quick into a temporary cache: its Markdown table must have a row for every
tool of every workload, none failed (a tool that may be unsupported says n/a), and the
frame counts a hand count gives. Speed is never asserted here.

usage: test_bench_smoke.py TOOLS_BENCH [--vk-bench PATH]   (VSAMPLE_BIN: the CLI)"""
import os
import subprocess
import sys
import tempfile

SKIP = 77


def main():
    bench, extra = sys.argv[1], sys.argv[2:]
    for module in ("numpy", "av", "PIL", "cv2"):
        try:
            __import__(module)
        except ImportError:
            print(f"SKIP: {module} not importable under {sys.executable} (scripts/setup.sh)")
            return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "PERF.md")
        cmd = [sys.executable, bench, "--quick", "--out", out, "--cache", tmp,
               "--vsample", os.environ["VSAMPLE_BIN"], *extra]
        print(" ".join(cmd))
        p = subprocess.run(cmd, capture_output=True, text=True)
        print(p.stdout)
        print(p.stderr, file=sys.stderr)
        if p.returncode:
            print(f"FAIL: tools/bench exited {p.returncode}")
            return 1
        with open(out) as f:
            text = f.read()
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| (") and len(cells) == 9:
            rows[(cells[0][1], cells[1])] = cells
    failures = []
    expect = {w: ["full decode", "vsample", "ffmpeg-cli", "pyav-pil", "opencv"] for w in "ad"}
    expect["a"].append("vsample fsync")
    expect["b"] = ["full decode", "vsample", "vsample approx"]
    expect["c"] = ["full decode", "vsample"]
    expect["e"] = ["vk_bench"]
    expect["g"] = ["vsample", "vsample approx"]
    expect["h"] = ["full decode", "vsample"]
    expect["i"] = ["full decode", "vsample"]
    expect["j"] = ["vsample pack + stream"]
    expect["k"] = ["full decode", "vsample", "vsample scenes"]
    for workload, tools in expect.items():
        for tool in tools:
            r = rows.get((workload, tool))
            if r is None:
                failures.append(f"no row ({workload}) {tool}")
            elif r[2] == "FAILED":
                failures.append(f"({workload}) {tool} failed (see Notes in the report)")
            elif r[2] != "n/a" and not r[2].replace(".", "").isdigit():
                failures.append(f"({workload}) {tool}: wall '{r[2]}' is not a number")
    # Hand counts: the 20 s cut runs a little past 20.0 s (B-frame reorder), so fps:2 gives
    # 0, 0.5, ..., 20.0 = 41 times; the 60 s video gives 120; the 10 s 1080p one 20 or 21;
    # uniform:32 gives 32; the 2 s 4K video 4 or 5.
    for key, allowed in {("a", "vsample"): {"41"}, ("a", "pyav-pil"): {"41"}, ("a", "opencv"): {"41"},
                         ("b", "vsample"): {"32"}, ("b", "vsample approx"): {"32"},
                         ("c", "vsample"): {"120", "121"},
                         ("d", "vsample"): {"20", "21"},
                         ("g", "vsample"): {"32"}, ("g", "vsample approx"): {"32"},
                         ("h", "vsample"): {"41"}, ("i", "vsample"): {"4", "5"}}.items():
        r = rows.get(key)
        if r and r[2] != "n/a" and r[6] not in allowed:
            failures.append(f"({key[0]}) {key[1]}: {r[6]} frames out, expected {sorted(allowed)}")
    for msg in failures:
        print("FAIL:", msg)
    if "## Machine" not in text or "tools/bench --quick" not in text:
        print("FAIL: the report lacks the machine or the command")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Recipes against the reference loaders re-written in Python (references.py, numpy + real torch),
over thousands of synthetic videos (frame count, average fps, parameters), through recipe_driver
(vs_plan_create on a synthetic VsPlanInput). Every index list must be equal, and a case where the
reference raises must be refused. Includes torch.linspace's float32 rounding (qwen2vl, e.g. 108000
frames with 768 samples) and torch.arange's (hf-transformers, torchcodec).

usage: test_recipes_pure.py RECIPE_DRIVER      (exit 77 when numpy or torch is missing)
"""
import json
import os
import random
import subprocess
import sys

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"SKIP: {e}", file=sys.stderr)
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import references as ref  # noqa: E402

RATES = [24000 / 1001, 24, 25, 30000 / 1001, 30, 50, 60000 / 1001, 60, 1, 0.5, 5, 12.5, 120, 15, 7.5]


class Driver:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def plan(self, strategy, fps, n, times=None, duration=None):
        if duration is None:
            duration = n / fps
        field = "cfr" if times is None else ",".join(repr(float(t)) for t in times)
        self.p.stdin.write(f"{strategy}\t{fps!r}\t{duration!r}\t{n}\t{field}\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


class Check:
    def __init__(self):
        self.cases = self.errors_agreed = 0
        self.failures = []

    def compare(self, label, got, fn):
        """fn() gives the reference (indices, clips) or raises when the loader would fail."""
        self.cases += 1
        try:
            want, clips = fn()
        except (ValueError, ZeroDivisionError, IndexError, RuntimeError) as e:
            if "error" not in got:
                self.failures.append(f"{label}: the reference fails ({type(e).__name__}: {e}) "
                                     f"but vsample chose {got.get('indices', [])[:10]}...")
            else:
                self.errors_agreed += 1
            return
        if "error" in got and not want:
            self.errors_agreed += 1  # nothing chosen: vsample refuses an empty plan
            return
        if "error" in got:
            self.failures.append(f"{label}: vsample refuses ({got['error']}), the reference "
                                 f"chooses {want[:10]}... ({len(want)})")
            return
        if got["indices"] != want:
            diff = [i for i, (a, b) in enumerate(zip(got["indices"], want)) if a != b]
            self.failures.append(f"{label}: {len(got['indices'])} indices vs {len(want)}; first "
                                 f"differences at {diff[:5]}: {[got['indices'][i] for i in diff[:5]]} "
                                 f"vs {[want[i] for i in diff[:5]]}")
        elif clips is not None and got["clips"] != clips:
            self.failures.append(f"{label}: clips {got['clips'][:12]} vs {clips[:12]}")
        elif clips is None and got["clips"] is not None:
            self.failures.append(f"{label}: clips where the reference has none")


def rand_total(rng):
    return rng.choice([rng.randint(1, 60), rng.randint(60, 3000), rng.randint(3000, 250000)])


def check_qwen2vl(d, c, rng):
    # the example: one hour at 30 fps, 768 frames
    for total, fps in [(108000, 30.0), (108000, 30000 / 1001), (1, 30.0), (3, 25.0), (75, 30.0),
                       (105, 30.0)]:
        got = d.plan("qwen2vl", fps, total)
        c.compare(f"qwen2vl total={total} fps={fps}", got, lambda: ref.qwen2vl(total, fps))
    for _ in range(600):
        total, fps = rand_total(rng), rng.choice(RATES)
        kw = dict(fps=rng.choice([2.0, 1.0, 0.5, 4.0, rng.uniform(0.1, 10)]),
                  min_frames=rng.choice([4, 1, 2, 8, 16]), max_frames=rng.choice([768, 64, 32, 1000, 5]),
                  frame_factor=rng.choice([2, 2, 1, 4]))
        s = "qwen2vl:" + ",".join(f"{k}={v!r}" for k, v in kw.items())
        c.compare(s + f" total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.qwen2vl(total, fps, **kw))
    # torch.linspace(0, total - 1, n) over many (total, n): qwen2vl with frame_factor=1 and a
    # high rate asks for exactly max_frames = n frames
    for _ in range(3000):
        total = rng.randint(2, 400000)
        n = rng.randint(2, min(total, 2000))
        s = f"qwen2vl:fps=100000,min_frames=1,max_frames={n},frame_factor=1"
        c.compare(f"linspace total={total} n={n}", d.plan(s, 30.0, total),
                  lambda: ref.qwen2vl(total, 30.0, fps=100000, min_frames=1, max_frames=n, frame_factor=1))


QWEN_VL_UTILS = ("qwen2.5vl", "qwen3vl")


def strategy_text(name, kw):
    return name + (":" + ",".join(f"{k}={v!r}" for k, v in kw.items()) if kw else "")


def check_qwen_vl_utils(d, c, rng):
    """qwen-vl-utils 0.0.14: defaults from 1 s to 1 h of frames, every key at random (ranges past
    the duration, min_frames above the frame count, nframes given), VFR, and torch.linspace from a
    first frame other than 0 over many (first, last, n)."""
    for total, fps in [(108000, 30.0), (108000, 30000 / 1001), (1, 30.0), (3, 25.0), (75, 30.0), (105, 30.0),
                       (2, 30.0), (5, 1.0)]:
        for name in QWEN_VL_UTILS:
            c.compare(f"{name} total={total} fps={fps}", d.plan(name, fps, total),
                      lambda: ref.qwen_vl_utils(total, fps))
    for seconds in [1, 2, 3, 7, 10, 30, 60, 61, 300, 383, 384, 385, 600, 1800, 3599, 3600]:
        for fps in RATES[:8]:
            total = max(1, round(seconds * fps))
            name = rng.choice(QWEN_VL_UTILS)
            c.compare(f"{name} {seconds} s total={total} fps={fps}", d.plan(name, fps, total),
                      lambda: ref.qwen_vl_utils(total, fps))
    for _ in range(1500):
        total, fps = rand_total(rng), rng.choice(RATES + [rng.uniform(0.2, 120)])
        duration = total / fps
        kw = {}
        if rng.random() < 0.5:
            kw["fps"] = rng.choice([2.0, 1.0, 0.5, 4.0, rng.uniform(0.05, 30)])
        if rng.random() < 0.4:
            kw["min_frames"] = rng.choice([4, 1, 2, 3, 8, 16, total, total + 1, total + 7])
        if rng.random() < 0.4:
            kw["max_frames"] = rng.choice([768, 64, 32, 1000, 5, 3, 2, 1, total, total + 3])
        if rng.random() < 0.25:
            kw["nframes"] = rng.choice([1, 2, 3, 4, 5, 7, 8, 32, 33, total, total + 1, total - 1,
                                        rng.randint(1, 3000)])
            kw["nframes"] = max(kw["nframes"], 1)
        if rng.random() < 0.4:
            kw["video_start"] = rng.choice([0, 0.5, 1, rng.uniform(0, duration), duration, duration + 5,
                                            rng.uniform(0, 2 * duration)])
        if rng.random() < 0.4:
            kw["video_end"] = rng.choice([1, 2.5, rng.uniform(0, duration), duration, duration - 1 / fps,
                                          duration + 10, 1e6, rng.uniform(0, 2 * duration)])
            kw["video_end"] = kw["video_end"] if kw["video_end"] > 0 else 0.5
        name = rng.choice(QWEN_VL_UTILS)
        s = strategy_text(name, kw)
        c.compare(s + f" total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.qwen_vl_utils(total, fps, **kw))
    # VFR: the frames' times do not enter, only their count and the average rate
    for _ in range(150):
        times, end = vfr_times(rng, rng.randint(1, 3000))
        total, fps = len(times), len(times) / end
        kw = rng.choice([{}, {"video_start": 1.5, "video_end": end / 2}, {"nframes": 16}, {"fps": 0.5}])
        s = strategy_text(rng.choice(QWEN_VL_UTILS), kw)
        c.compare(s + f" vfr total={total} fps={fps}", d.plan(s, fps, total, times=times, duration=end),
                  lambda: ref.qwen_vl_utils(total, fps, **kw))
    # torch.linspace(first, last, n) in float32 with first > 0: nframes (even) over random ranges
    for _ in range(2500):
        total, fps = rng.randint(100, 400000), rng.choice([25.0, 30.0, 24000 / 1001, 60.0])
        a, b = sorted(rng.uniform(0, total / fps) for _ in range(2))
        n = rng.randint(1, 1000) * 2
        kw = {"nframes": n, "video_start": a, "video_end": b}
        s = strategy_text("qwen3vl", kw)
        c.compare(f"linspace {s} total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.qwen_vl_utils(total, fps, **kw))


def check_internvl(d, c, rng):
    """The model cards' get_index: defaults, num_segments above the frame count, bounds past the
    end, start after end, 1 s to 1 h of frames, VFR."""
    for seconds in [1, 2, 10, 60, 600, 3600]:
        for fps in RATES[:8]:
            total = max(1, round(seconds * fps))
            c.compare(f"internvl {seconds} s total={total} fps={fps}", d.plan("internvl", fps, total),
                      lambda: ref.internvl(total, fps))
    for _ in range(1500):
        vfr = rng.random() < 0.15
        if vfr:
            times, end = vfr_times(rng, rng.randint(1, 3000))
            total, fps = len(times), len(times) / end
        else:
            total, fps, times, end = rand_total(rng), rng.choice(RATES + [rng.uniform(0.2, 120)]), None, None
        duration = total / fps
        kw = {}
        if rng.random() < 0.7:
            kw["num_segments"] = rng.choice([32, 8, 16, 1, 2, 3, 64, 100, total, total + 1, total + 9,
                                             rng.randint(1, 2000)])
        if rng.random() < 0.4:
            kw["start"] = rng.choice([0, 0.5, rng.uniform(0, duration), duration, duration + 3,
                                      (total - 0.5) / fps, rng.uniform(0, 2 * duration)])
        if rng.random() < 0.4:
            kw["end"] = rng.choice([0, 1, rng.uniform(0, duration), duration, duration + 10,
                                    rng.uniform(0, 2 * duration)])
        s = strategy_text("internvl", kw)
        c.compare(s + f" total={total} fps={fps} vfr={vfr}", d.plan(s, fps, total, times=times, duration=end),
                  lambda: ref.internvl(total, fps, **kw))


def float64_disagreements(rng):
    """How many of the linspace cases above a float64 formula gets wrong: the check has teeth."""
    bad = 0
    for total, n in [(108000, 768)] + [(rng.randint(2, 400000), rng.randint(2, 2000)) for _ in range(3000)]:
        n = min(n, total)
        t = torch.linspace(0, total - 1, n).round().long().numpy()
        f = np.rint(np.linspace(0, total - 1, n)).astype(np.int64)
        bad += int((t != f).any())
    return bad


def check_apollo(d, c, rng):
    for _ in range(700):
        total, fps = rand_total(rng), rng.choice(RATES + [rng.uniform(0.2, 60)])
        kw = dict(clip_duration=rng.choice([2, 1, 0.5, 3, 4]), frames_per_clip=rng.choice([4, 8, 2, 16, 3]),
                  clip_sampling_ratio=rng.choice([0.65, 1, 0.5, 0.1]),
                  model_max_length=rng.choice([32768, 16384, 4096, 512]),
                  tokens_per_clip=rng.choice([128, 32, 64, 256]))
        s = "apollo:" + ",".join(f"{k}={v!r}" for k, v in kw.items())
        c.compare(s + f" total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.apollo(total, fps, **kw))


def check_llava_video(d, c, rng):
    for _ in range(600):
        total, fps = rand_total(rng), rng.choice(RATES)
        kw = dict(fps=rng.choice([1, 2, 1, 0.5, 3, 10]), max_frames=rng.choice([0, 64, 32, 8, 1]),
                  force_sample=rng.choice([False, True]))
        s = f"llava-video:fps={kw['fps']},max_frames={kw['max_frames']},force_sample={int(kw['force_sample'])}"
        c.compare(s + f" total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.llava_video(total, fps, **kw))


def check_lmms_eval(d, c, rng):
    for _ in range(500):
        total, m = rand_total(rng), rng.choice([32, 1, 8, 16, 64, 100, rng.randint(1, 500)])
        s = f"lmms-eval:max_frames={m}" if m != 32 else "lmms-eval"
        c.compare(s + f" total={total}", d.plan(s, 30.0, total), lambda: ref.lmms_eval(total, m))


def check_hf(d, c, rng):
    for _ in range(900):
        total, fps = rand_total(rng), rng.choice(RATES)
        mode = rng.choice(["fps", "num", "none", "both"])
        f = rng.choice([1, 2, 0.5, 4, rng.uniform(0.01, 5)])
        n = rng.choice([8, 16, 32, rng.randint(1, 300), total, total + 1])
        kw = dict(fps=f if mode in ("fps", "both") else None, num_frames=n if mode in ("num", "both") else None)
        s = f"hf-transformers:fps={kw['fps'] or 0!r},num_frames={kw['num_frames'] or 0}"
        c.compare(s + f" total={total} fps={fps}", d.plan(s, fps, total),
                  lambda: ref.hf_transformers(total, fps, **kw))


def vfr_times(rng, n):
    # a first frame at 0.04 s: float32(0.04) is before it, and torchcodec refuses
    t, out = rng.choice([0.0, 0.0, 0.0, 0.5, 0.04]), []
    for _ in range(n):
        out.append(t)
        t += rng.choice([0.02, 0.05, 0.06, 0.09, 1 / 30, 0.04])
    return out, t


def check_torchcodec(d, c, rng):
    # float32 rounding puts a clip's last time on the end (found by search): the end policy acts
    for fps, total, F, sbf, S in [(30, 70, 8, 1 / 3, 0.965216199811862), (60, 11, 12, None, 0.39155611890670516),
                                  (7, 10, 11, None, 2.2978237988732104)]:
        times, end = [k / fps for k in range(total)], total / fps
        for policy in ("repeat_last", "wrap", "error"):
            s = (f"torchcodec-regular:seconds_between_clip_starts={S!r},num_frames_per_clip={F},"
                 f"seconds_between_frames={sbf or 0!r},policy={policy}")
            c.compare(s + f" total={total} fps={fps}", d.plan(s, float(fps), total),
                      lambda: ref.torchcodec_regular(times, end, S, F, sbf, policy))
    for _ in range(1000):
        vfr = rng.random() < 0.4
        total = rng.choice([rng.randint(1, 50), rng.randint(50, 4000)])
        if vfr:
            times, end = vfr_times(rng, total)
            fps = total / (end - times[0])
        else:
            fps = rng.choice(RATES)
            times, end = [k / fps for k in range(total)], total / fps
        kw = dict(seconds_between_clip_starts=rng.choice([1, 2, 0.5, 0.3, 10, rng.uniform(0.05, 5)]),
                  num_frames_per_clip=rng.choice([1, 2, 4, 8, 16, 5]),
                  seconds_between_frames=rng.choice([None, None, 0.1, 0.5, rng.uniform(0.01, 1)]),
                  policy=rng.choice(["repeat_last", "wrap", "error"]))
        s = ("torchcodec-regular:" + f"seconds_between_clip_starts={kw['seconds_between_clip_starts']!r},"
             f"num_frames_per_clip={kw['num_frames_per_clip']},"
             f"seconds_between_frames={kw['seconds_between_frames'] or 0!r},policy={kw['policy']}")
        got = d.plan(s, fps, total, times=None if not vfr else times, duration=end)
        c.compare(s + f" total={total} fps={fps} vfr={vfr}", got,
                  lambda: ref.torchcodec_regular(times, end, **kw))


def check_canonical(d, failures):
    """Unset keys show their defaults, and the canonical text plans the same frames."""
    want = {"qwen2vl": "qwen2vl:fps=2,min_frames=4,max_frames=768,frame_factor=2",
            "lmms-eval": "lmms-eval:max_frames=32",
            "llava-video": "llava-video:fps=1,max_frames=0,force_sample=0",
            "hf-transformers": "hf-transformers:fps=0,num_frames=0",
            "qwen2.5vl": "qwen2.5vl:fps=2,min_frames=4,max_frames=768,nframes=0,video_start=0,video_end=0",
            "qwen3vl": "qwen3vl:fps=2,min_frames=4,max_frames=768,nframes=0,video_start=0,video_end=0",
            "internvl": "internvl:num_segments=32,start=0,end=1e+05",
            "apollo": "apollo:clip_duration=2,frames_per_clip=4,clip_sampling_ratio=0.65,"
                      "model_max_length=32768,tokens_per_clip=128"}
    for s, w in want.items():
        got = d.plan(s, 30.0, 900)
        if got.get("strategy") != w:
            failures.append(f"canonical of {s}: {got.get('strategy')!r}, want {w!r}")
        elif d.plan(w, 30.0, 900)["indices"] != got["indices"]:
            failures.append(f"canonical {w} plans other frames than {s}")


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    d = Driver(sys.argv[1])
    rng = random.Random(20240611)
    c = Check()
    for fn in (check_qwen2vl, check_qwen_vl_utils, check_internvl, check_apollo, check_llava_video, check_lmms_eval, check_hf, check_torchcodec):
        before, errs = c.cases, c.errors_agreed
        fn(d, c, rng)
        print(f"{fn.__name__[6:]}: {c.cases - before} cases, {c.errors_agreed - errs} refused by both")
    check_canonical(d, c.failures)
    d.close()
    teeth = float64_disagreements(random.Random(7))
    print(f"a float64 linspace would disagree with torch on {teeth} of 3001 (total, n) pairs")
    if teeth == 0:
        c.failures.append("no (total, n) pair tells float32 from float64 linspace: the check has no teeth")
    for f in c.failures[:30]:
        print("FAIL:", f)
    print(f"{c.cases} cases, {len(c.failures)} failures")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())

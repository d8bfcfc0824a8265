"""The reference loaders' frame choice, re-written in Python with numpy and torch (Debian's
python3-torch) from each loader's source, independently of vsample's C code.

Each function takes the video as its loader sees it (frame count, average fps and, for torchcodec,
the frame times and the end of the last frame) and returns (indices, clips): the 0-based frame
indices in presentation order that the loader decodes, and the clip of each (None when the loader
has no clips). A loader that raises raises here too (ValueError, ZeroDivisionError, IndexError).
"""
import math

import numpy as np
import torch


def _decord_batch(indices, total):
    """decord VideoReader.get_batch: negative indices count from the end; others must be in range."""
    out = []
    for i in indices:
        i = int(i)
        if i < 0:
            i += total
        if not 0 <= i < total:
            raise IndexError(f"index {i} of {total} frames")
        out.append(i)
    return out


# ------------------------------------------------------------------------------- apollo
# apollo/mm_utils.py: calculate_sample_indices and ApolloMMLoader.load_video (decord).

def _apollo_calculate_sample_indices(clip_duration, frames_per_clip, total_frames, original_fps,
                                     video_duration, clip_sampling_ratio=1):
    sample_video_fps = frames_per_clip / clip_duration
    num_clips = math.ceil((video_duration / clip_duration) * clip_sampling_ratio)
    frame_step = original_fps / sample_video_fps
    partition_len = total_frames // num_clips
    clip_indices = []
    if frame_step > 0.5:
        frame_step = max(1, int(original_fps / sample_video_fps))
        clip_len = int(frames_per_clip * frame_step)
        sample_len = min(clip_len, total_frames)
        clip_step = (total_frames - clip_len) // max(1, (num_clips - 1)) if total_frames > clip_len else 0
        for i in range(num_clips):
            if partition_len > clip_len:
                start_idx = (partition_len - clip_len) // 2
                end_idx = start_idx + clip_len
                indices = np.arange(start_idx, end_idx, frame_step)
                indices = np.clip(indices, 0, partition_len - 1).astype(np.int64)
                indices = indices + i * partition_len
            else:
                indices = np.arange(0, sample_len, frame_step)
                if len(indices) < frames_per_clip:
                    padding = np.full(frames_per_clip - len(indices), sample_len)
                    indices = np.concatenate((indices, padding))
                indices = np.clip(indices, 0, sample_len - 1).astype(np.int64)
                indices = indices + i * clip_step
            clip_indices.append(indices)
    else:
        num_sample = int(np.ceil(1 / frame_step))
        clip_len = int(frames_per_clip * frame_step)
        indices = np.repeat(np.arange(clip_len), num_sample)
        clip_len = min(clip_len, len(indices))
        clip_step = (total_frames - clip_len) // max(1, (num_clips - 1)) if total_frames > clip_len else 0
        sample_len = min(clip_len, total_frames)
        if len(indices) < frames_per_clip:
            padding = np.full(frames_per_clip - len(indices), sample_len)
            indices = np.concatenate((indices, padding))
        for i in range(num_clips):
            current = np.clip(indices, 0, sample_len - 1).astype(np.int64)
            clip_indices.append(current + i * clip_step)
    return clip_indices


def apollo(total, fps, clip_duration=2, frames_per_clip=4, clip_sampling_ratio=0.65,
           model_max_length=32768, tokens_per_clip=128):
    video_duration = total / fps
    total_token_at_full_coverage = video_duration * tokens_per_clip / clip_duration
    ratio = min(1, (model_max_length * clip_sampling_ratio) / total_token_at_full_coverage)
    clips = _apollo_calculate_sample_indices(clip_duration, frames_per_clip, total, fps,
                                              video_duration, clip_sampling_ratio=ratio)
    indices = _decord_batch([i for c in clips for i in c], total)
    return indices, [k for k, c in enumerate(clips) for _ in c]


# ------------------------------------------------------------------------------ qwen2vl
# qwen-vl-utils/src/qwen_vl_utils/vision_process.py (first release), fetch_video.

def _round_by_factor(number, factor):
    return round(number / factor) * factor


def _ceil_by_factor(number, factor):
    return math.ceil(number / factor) * factor


def _floor_by_factor(number, factor):
    return math.floor(number / factor) * factor


def qwen2vl(total, fps_src, fps=2.0, min_frames=4, max_frames=768, frame_factor=2):
    # max_frames: the release applies min(., total) to its default only; vsample's parameter
    # always has a value, so it applies it always (README says so).
    min_f = _ceil_by_factor(min_frames, frame_factor)
    max_f = _floor_by_factor(min(max_frames, total), frame_factor)
    nframes = total / fps_src * fps
    nframes = min(max(nframes, min_f), max_f)
    nframes = _round_by_factor(nframes, frame_factor)
    if not (frame_factor <= nframes and nframes <= total):
        raise ValueError(f"nframes should in interval [{frame_factor}, {total}], but got {nframes}.")
    idx = torch.linspace(0, total - 1, nframes).round().long()
    return idx.tolist(), None


# ----------------------------------------------------------------- qwen2.5vl and qwen3vl
# qwen-vl-utils 0.0.14 (QwenLM/Qwen3-VL) vision_process.py: calculate_video_frame_range,
# smart_nframes, the decord reader. Keys left out of `ele` are absent, as in the release.

QWEN_FRAME_FACTOR, QWEN_FPS, QWEN_MIN_FRAMES, QWEN_MAX_FRAMES = 2, 2.0, 4, 768


def _qwen_frame_range(ele, total_frames, video_fps):
    if video_fps <= 0:
        raise ValueError("video_fps must be a positive number")
    if total_frames <= 0:
        raise ValueError("total_frames must be a positive integer")
    video_start, video_end = ele.get("video_start"), ele.get("video_end")
    if video_start is None and video_end is None:
        return 0, total_frames - 1, total_frames
    max_duration = total_frames / video_fps
    start_frame = 0
    if video_start is not None:
        start_frame = math.ceil(max(0.0, min(video_start, max_duration)) * video_fps)
    end_frame = total_frames - 1
    if video_end is not None:
        end_frame = min(math.floor(max(0.0, min(video_end, max_duration)) * video_fps), total_frames - 1)
    if start_frame >= end_frame:
        raise ValueError(f"invalid range: start frame {start_frame} >= end frame {end_frame}")
    return start_frame, end_frame, end_frame - start_frame + 1


def _qwen_smart_nframes(ele, total_frames, video_fps):
    if "nframes" in ele:
        nframes = _round_by_factor(ele["nframes"], QWEN_FRAME_FACTOR)
    else:
        fps = ele.get("fps", QWEN_FPS)
        min_frames = _ceil_by_factor(ele.get("min_frames", QWEN_MIN_FRAMES), QWEN_FRAME_FACTOR)
        max_frames = _floor_by_factor(ele.get("max_frames", min(QWEN_MAX_FRAMES, total_frames)), QWEN_FRAME_FACTOR)
        nframes = total_frames / video_fps * fps
        nframes = min(min(max(nframes, min_frames), max_frames), total_frames)
        nframes = _floor_by_factor(nframes, QWEN_FRAME_FACTOR)
    if not (QWEN_FRAME_FACTOR <= nframes <= total_frames):
        raise ValueError(f"nframes should in interval [{QWEN_FRAME_FACTOR}, {total_frames}], but got {nframes}.")
    return nframes


def qwen_vl_utils(total, fps_src, **ele):
    """The recipe's keys map to `ele`; vsample's 0 (nframes, video_end) is an absent key."""
    ele = {k: v for k, v in ele.items() if not (k in ("nframes", "video_end") and v == 0)}
    start, end, in_range = _qwen_frame_range(ele, total, fps_src)
    nframes = _qwen_smart_nframes(ele, in_range, fps_src)
    idx = torch.linspace(start, end, nframes).round().long().tolist()
    return _decord_batch(idx, total), None


# ------------------------------------------------------------------------------ internvl
# InternVL2.5/3 model cards: load_video (decord, max_frame = len(vr) - 1) and get_index.

def internvl(total, fps_src, num_segments=32, start=None, end=None):
    bound = None if start is None and end is None else (start or 0, 100000 if end is None else end)
    lo, hi = bound if bound else (-100000, 100000)
    start_idx = max(0, round(lo * fps_src))
    end_idx = min(round(hi * fps_src), total - 1)
    seg_size = float(end_idx - start_idx) / num_segments
    idx = [int(start_idx + seg_size / 2 + np.round(seg_size * i)) for i in range(num_segments)]
    return _decord_batch(idx, total), None


# -------------------------------------------------------------------------- llava-video
# LLaVA-NeXT llava/train/train.py, process_video_with_decord.

def llava_video(total, fps_src, fps=1, max_frames=0, force_sample=False):
    avg_fps = round(fps_src / fps)
    frame_idx = [i for i in range(0, total, avg_fps)]
    if max_frames > 0:
        if len(frame_idx) > max_frames or force_sample:
            frame_idx = np.linspace(0, total - 1, max_frames, dtype=int).tolist()
    return _decord_batch(frame_idx, total), None


# ---------------------------------------------------------------------------- lmms-eval
# lmms_eval/models/llava_vid.py, load_video.

def lmms_eval(total, max_frames=32):
    return _decord_batch(np.linspace(0, total - 1, max_frames, dtype=int).tolist(), total), None


# ---------------------------------------------------------------------- hf-transformers
# transformers BaseVideoProcessor.sample_frames.

def hf_transformers(total, fps_src, fps=None, num_frames=None):
    if fps is not None and num_frames is not None:
        raise ValueError("num_frames and fps are mutually exclusive")
    if num_frames is None and fps is not None:
        num_frames = int(total / fps_src * fps)
    if num_frames is not None and num_frames > total:
        raise ValueError(f"num_frames={num_frames} exceeds total_num_frames={total}")
    if num_frames is not None:
        indices = torch.arange(0, total, total / num_frames).int()
    else:
        indices = torch.arange(0, total).int()
    return _decord_batch(indices.tolist(), total), None


# ------------------------------------------------------------------- torchcodec-regular
# torchcodec samplers/_time_based.py (clips_at_regular_timestamps), _common.py (policies),
# decoder metadata after a scan (begin = first pts, end = end of the last frame,
# average_fps = frames / (end - begin)), get_frames_played_at.

def _repeat_last(values, n):
    return values + [values[-1]] * (n - len(values))


def _wrap(values, n):
    return (values * (n // len(values) + 1))[:n]


def _error(values, n):
    raise ValueError("You set the 'error' policy, and the sampler tried to decode a frame "
                     "that is beyond the number of frames in the video.")


POLICIES = {"repeat_last": _repeat_last, "wrap": _wrap, "error": _error}


def torchcodec_regular(frame_times, end_stream, seconds_between_clip_starts, num_frames_per_clip=1,
                       seconds_between_frames=None, policy="repeat_last"):
    begin = frame_times[0]
    average_fps = len(frame_times) / (end_stream - begin)
    if seconds_between_frames is None:
        seconds_between_frames = 1 / average_fps
    sampling_range_start = begin
    sampling_range_end = end_stream - (num_frames_per_clip - 1) * seconds_between_frames
    if sampling_range_start >= sampling_range_end:
        raise ValueError("sampling_range_start must be smaller than sampling_range_end")
    sampling_range_end = min(sampling_range_end, end_stream)
    starts = torch.arange(sampling_range_start, sampling_range_end, seconds_between_clip_starts)
    if starts[-1] >= sampling_range_end:
        starts = starts[starts < sampling_range_end]
    all_ts, clips = [], []
    for k, start_seconds in enumerate(starts):
        ts = [t for i in range(num_frames_per_clip)
              if (t := start_seconds + i * seconds_between_frames) < end_stream]
        if len(ts) < num_frames_per_clip:
            ts = POLICIES[policy](ts, num_frames_per_clip)
        all_ts += ts
        clips += [k] * len(ts)
    seconds = torch.tensor([float(t) for t in all_ts], dtype=torch.float64)
    if ((seconds < begin) | (seconds >= end_stream)).any():
        raise ValueError("frame pts out of range")
    # played at t: the first frame whose next frame starts after t
    nxt = torch.tensor(list(frame_times[1:]) + [end_stream], dtype=torch.float64)
    idx = torch.searchsorted(nxt, seconds, right=True)
    return idx.tolist(), clips

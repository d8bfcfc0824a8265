/* recipe_loaders: the frame choice of each reference loader, transcribed
 * operation for operation. Python's semantics are spelled out where C's
 * differ: round() is half to even (rint under the default rounding mode),
 * int() and numpy's astype(int) truncate, // floors, and numpy's
 * linspace(..., dtype=int) computes i * step in float64 then truncates.
 * torch's float32 arithmetic comes from torchmath.c. */
#include "recipe_loaders.h"
#include "internal.h"
#include "strategy.h"
#include "torchmath.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ----------------------------------------------------------------- helpers */

static int out_alloc(RecipeCtx *c, int64_t n, int with_clips)
{
    VsRecipeOut *o = c->out;
    if (n > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s selects %" PRId64 " frames, more than the limit %d",
                        c->shown, c->name, n, VS_PLAN_MAX_TIMES);
    size_t m = n > 0 ? (size_t)n : 1;
    o->indices = malloc(m * sizeof(*o->indices));
    o->clips = with_clips ? malloc(m * sizeof(*o->clips)) : NULL;
    if (!o->indices || (with_clips && !o->clips))
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory for %" PRId64 " frames", c->shown, n);
    return 0;
}

static int need_fps(const RecipeCtx *c)
{
    if (!(isfinite(c->v->fps) && c->v->fps > 0))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s needs the video's average frame rate, "
                        "and the stream has none", c->shown, c->name);
    return 0;
}

/* np.linspace(0, stop, num, dtype=int): y = arange(num) * (stop / (num - 1))
 * in float64, the last set to stop, truncated. */
static void np_linspace_int(int64_t stop, int64_t num, int64_t *out)
{
    if (num == 1) {
        out[0] = 0;
        return;
    }
    double step = (double)stop / (double)(num - 1);
    for (int64_t i = 0; i < num - 1; i++)
        out[i] = (int64_t)((double)i * step);
    out[num - 1] = stop;
}

static int64_t max_i64(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

static int64_t min_i64(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* ------------------------------------------------------------------ apollo */

/* apollo/mm_utils.py, ApolloMMLoader.load_video + calculate_sample_indices:
 * clips of D seconds at F / D frames per second, as many as the model's
 * context allows. */
int vs_recipe_apollo(RecipeCtx *c)
{
    const double *p = c->p;
    int64_t total = c->v->frames, F = (int64_t)p[AP_FRAMES_PER_CLIP];
    double D = p[AP_CLIP_DURATION];
    int ret = need_fps(c);
    if (ret < 0)
        return ret;
    double fps = c->v->fps;
    double duration = (double)total / fps;
    double full_coverage = duration * p[AP_TOKENS_PER_CLIP] / D;
    double ratio = fmin(1.0, p[AP_MODEL_MAX_LENGTH] * p[AP_CLIP_SAMPLING_RATIO] / full_coverage);
    double sample_fps = (double)F / D;
    double clips_d = ceil(duration / D * ratio);
    if (!(clips_d >= 1 && clips_d <= VS_PLAN_MAX_TIMES))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': apollo makes %g clips of %" PRId64 " frames at %g fps",
                        c->shown, clips_d, total, fps);
    int64_t num_clips = (int64_t)clips_d;
    double frame_step = fps / sample_fps;
    int64_t partition = total / num_clips;
    int high = frame_step > 0.5;
    int64_t step = 1, repeat = 1, clip_len, per_clip, listed = 0;
    /* absurd clip lengths or rates would overflow the integer arithmetic below */
    if (!(F <= VS_PLAN_MAX_TIMES && frame_step < 1e9 && 1.0 / frame_step < VS_PLAN_MAX_TIMES))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': apollo samples %g frames per second of a %g fps video",
                        c->shown, sample_fps, fps);
    if (high) {
        double s = fps / sample_fps; /* max(1, int(...)), as the loader recomputes it */
        step = s < 1 ? 1 : (int64_t)s;
        clip_len = F * step;
        per_clip = F;
    } else {
        /* Source rate too low: frames 0 .. int(F * frame_step) - 1, each
         * repeated ceil(1 / frame_step) times (more than F entries at times). */
        repeat = (int64_t)ceil(1.0 / frame_step);
        clip_len = (int64_t)((double)F * frame_step);
        listed = clip_len * repeat;
        clip_len = min_i64(clip_len, listed);
        per_clip = max_i64(listed, F);
    }
    int64_t sample_len = min_i64(clip_len, total);
    int64_t clip_step = total > clip_len ? (total - clip_len) / max_i64(1, num_clips - 1) : 0;
    if (num_clips > VS_PLAN_MAX_TIMES / per_clip)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': apollo makes %" PRId64 " clips of %" PRId64
                        " frames, more than the limit %d", c->shown, num_clips, per_clip, VS_PLAN_MAX_TIMES);
    if ((ret = out_alloc(c, num_clips * per_clip, 1)) < 0)
        return ret;
    VsRecipeOut *o = c->out;
    for (int64_t i = 0; i < num_clips; i++) {
        for (int64_t k = 0; k < per_clip; k++) {
            int64_t idx;
            if (high && partition > clip_len) {
                /* arange(start, start + clip_len, step), clipped to the partition */
                idx = (partition - clip_len) / 2 + k * step;
                idx = min_i64(max_i64(idx, 0), partition - 1) + i * partition;
            } else {
                /* arange(0, sample_len, step) (or the repeated frames), padded
                 * with sample_len; np.clip applies its upper bound last, so
                 * sample_len 0 gives -1 (decord reads the last frame). */
                int64_t v = high ? k * step : k < listed ? k / repeat : sample_len;
                if (high && v >= sample_len)
                    v = sample_len;
                idx = min_i64(max_i64(v, 0), sample_len - 1) + i * clip_step;
            }
            o->clips[o->n] = (int32_t)i;
            o->indices[o->n++] = idx;
        }
    }
    o->num_clips = (int32_t)num_clips;
    snprintf(o->note, sizeof(o->note), "apollo: %" PRId64 " frames at %g fps: %" PRId64 " clips of %" PRId64
             " frames (clip sampling ratio %g)", total, fps, num_clips, per_clip, ratio);
    return 0;
}

/* ----------------------------------------------------------------- qwen2vl */

/* qwen-vl-utils vision_process.py (first release), fetch_video: nframes from
 * the rate, clamped and rounded to the frame factor, then
 * torch.linspace(0, total - 1, nframes).round(). */
int vs_recipe_qwen2vl(RecipeCtx *c)
{
    const double *p = c->p;
    int64_t total = c->v->frames;
    double factor = p[QW_FRAME_FACTOR];
    int ret = need_fps(c);
    if (ret < 0)
        return ret;
    double min_frames = ceil(p[QW_MIN_FRAMES] / factor) * factor;
    double max_frames = floor(fmin(p[QW_MAX_FRAMES], (double)total) / factor) * factor;
    double n = (double)total / c->v->fps * p[QW_FPS];
    n = fmin(fmax(n, min_frames), max_frames);
    n = rint(n / factor) * factor;
    if (!(factor <= n && n <= (double)total))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': qwen2vl: nframes %g is outside [%g, %" PRId64 "] "
                        "for %" PRId64 " frames at %g fps (qwen-vl-utils raises ValueError)",
                        c->shown, n, factor, total, total, c->v->fps);
    int64_t nframes = (int64_t)n;
    if ((ret = out_alloc(c, nframes, 0)) < 0)
        return ret;
    float *lin = malloc((size_t)nframes * sizeof(*lin));
    if (!lin)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", c->shown);
    vs_torch_linspace_f32(0.0, (double)(total - 1), nframes, lin);
    for (int64_t i = 0; i < nframes; i++)
        c->out->indices[i] = (int64_t)rintf(lin[i]);
    c->out->n = (size_t)nframes;
    free(lin);
    snprintf(c->out->note, sizeof(c->out->note), "qwen2vl: %" PRId64 " frames at %g fps: nframes %" PRId64
             " (sample_fps %g)", total, c->v->fps, nframes, (double)nframes / (double)total * c->v->fps);
    return 0;
}

/* --------------------------------------------------- qwen2.5vl and qwen3vl */

/* qwen-vl-utils 0.0.14 calculate_video_frame_range: the first and last frame
 * of [video_start, video_end] seconds (each clamped to the duration N / R),
 * the whole video when neither is set. */
static int qwen_frame_range(RecipeCtx *c, int64_t *first, int64_t *last)
{
    const double *p = c->p;
    int64_t total = c->v->frames;
    double fps = c->v->fps, max_duration = (double)total / fps;
    *first = 0;
    *last = total - 1;
    if (!(p[QU_VIDEO_START] > 0) && !(p[QU_VIDEO_END] > 0))
        return 0;
    if (p[QU_VIDEO_START] > 0)
        *first = (int64_t)ceil(fmax(0.0, fmin(p[QU_VIDEO_START], max_duration)) * fps);
    if (p[QU_VIDEO_END] > 0)
        *last = min_i64((int64_t)floor(fmax(0.0, fmin(p[QU_VIDEO_END], max_duration)) * fps), total - 1);
    if (*first >= *last)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s: video_start %g s and video_end %g s give frames "
                        "%" PRId64 " to %" PRId64 " of %" PRId64 " at %g fps, an empty range (qwen-vl-utils raises "
                        "ValueError)", c->shown, c->name, p[QU_VIDEO_START], p[QU_VIDEO_END], *first, *last,
                        total, fps);
    return 0;
}

/* qwen-vl-utils 0.0.14 (QwenLM/Qwen3-VL) vision_process.py, fetch_video with
 * decord: the frame range, then smart_nframes over the frames in it (the
 * rate's count clamped, then floored to the frame factor 2, unlike the
 * first release's rounding; or nframes rounded to 2), then
 * torch.linspace(first, last, nframes).round(). */
int vs_recipe_qwen_vl_utils(RecipeCtx *c)
{
    const double *p = c->p;
    const double factor = 2; /* FRAME_FACTOR */
    int64_t first, last;
    int ret = need_fps(c);
    if (ret < 0 || (ret = qwen_frame_range(c, &first, &last)) < 0)
        return ret;
    int64_t total = last - first + 1;
    double n;
    if (p[QU_NFRAMES] > 0) {
        n = rint(p[QU_NFRAMES] / factor) * factor;
    } else {
        double min_frames = ceil(p[QU_MIN_FRAMES] / factor) * factor;
        double max_frames = floor(p[QU_MAX_FRAMES] / factor) * factor;
        n = (double)total / c->v->fps * p[QU_FPS];
        n = fmin(fmin(fmax(n, min_frames), max_frames), (double)total);
        n = floor(n / factor) * factor;
    }
    if (!(factor <= n && n <= (double)total))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s: nframes %g is outside [%g, %" PRId64 "] "
                        "for frames %" PRId64 " to %" PRId64 " at %g fps (qwen-vl-utils raises ValueError)",
                        c->shown, c->name, n, factor, total, first, last, c->v->fps);
    int64_t nframes = (int64_t)n;
    if ((ret = out_alloc(c, nframes, 0)) < 0)
        return ret;
    float *lin = malloc((size_t)nframes * sizeof(*lin));
    if (!lin)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", c->shown);
    vs_torch_linspace_f32((double)first, (double)last, nframes, lin);
    for (int64_t i = 0; i < nframes; i++)
        c->out->indices[i] = (int64_t)rintf(lin[i]);
    c->out->n = (size_t)nframes;
    c->out->total = total; /* its total_frames after calculate_video_frame_range */
    free(lin);
    snprintf(c->out->note, sizeof(c->out->note), "%s: frames %" PRId64 " to %" PRId64 " of %" PRId64
             " at %g fps: nframes %" PRId64 " (sample_fps %g)", c->name, first, last, c->v->frames, c->v->fps,
             nframes, (double)nframes / (double)total * c->v->fps);
    return 0;
}

/* ---------------------------------------------------------------- internvl */

/* InternVL2.5/3 model cards, load_video + get_index (decord): num_segments
 * frames, one in the middle of each equal segment of [round(start * R),
 * min(round(end * R), N - 1)]: int(first + seg / 2 + np.round(seg * i)). */
int vs_recipe_internvl(RecipeCtx *c)
{
    const double *p = c->p;
    int64_t total = c->v->frames, n = (int64_t)p[IV_NUM_SEGMENTS];
    int ret = need_fps(c);
    if (ret < 0)
        return ret;
    double first = fmax(0.0, rint(p[IV_START] * c->v->fps));
    double last = fmin(rint(p[IV_END] * c->v->fps), (double)(total - 1));
    if (!(first <= 9e15 && isfinite(p[IV_END] * c->v->fps)))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': internvl: the bound (%g, %g) s is beyond any video "
                        "(Python's round overflows or decord raises IndexError)", c->shown, p[IV_START], p[IV_END]);
    double seg = (last - first) / (double)n;
    if ((ret = out_alloc(c, n, 0)) < 0)
        return ret;
    for (int64_t i = 0; i < n; i++) {
        double k = trunc(first + seg / 2 + rint(seg * (double)i));
        /* decord's vr[k] raises outside [-N, N) */
        if (!(k >= -(double)total && k < (double)total))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': internvl chose frame %.0f of a video of %" PRId64
                            " frames (start %g s is past the end; decord raises IndexError)", c->shown, k, total,
                            p[IV_START]);
        c->out->indices[c->out->n++] = (int64_t)k;
    }
    snprintf(c->out->note, sizeof(c->out->note), "internvl: %" PRId64 " segments of frames %.0f to %.0f "
             "(%" PRId64 " frames at %g fps)", n, first, last, total, c->v->fps);
    return 0;
}

/* ------------------------------------------------------------- llava-video */

/* LLaVA-NeXT llava/train/train.py, process_video_with_decord: every
 * round(avg_fps / fps)-th frame; above max_frames (or with force_sample)
 * np.linspace(0, total - 1, max_frames, dtype=int) instead. */
int vs_recipe_llava_video(RecipeCtx *c)
{
    const double *p = c->p;
    int64_t total = c->v->frames, max_frames = (int64_t)p[LV_MAX_FRAMES];
    int ret = need_fps(c);
    if (ret < 0)
        return ret;
    double stride_d = rint(c->v->fps / p[LV_FPS]);
    if (stride_d < 1)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': llava-video: round(%g / %g) = 0 is no frame step "
                        "(Python's range() raises ValueError)", c->shown, c->v->fps, p[LV_FPS]);
    int64_t stride = stride_d >= (double)total ? total : (int64_t)stride_d;
    int64_t n = (total + stride - 1) / stride;
    int uniform = max_frames > 0 && (n > max_frames || p[LV_FORCE_SAMPLE] != 0);
    if (uniform)
        n = max_frames;
    if ((ret = out_alloc(c, n, 0)) < 0)
        return ret;
    if (uniform)
        np_linspace_int(total - 1, n, c->out->indices);
    else
        for (int64_t i = 0; i < n; i++)
            c->out->indices[i] = i * stride;
    c->out->n = (size_t)n;
    snprintf(c->out->note, sizeof(c->out->note), "llava-video: %" PRId64 " frames at %g fps: %s",
             total, c->v->fps, uniform ? "uniform (linspace)" : "every stride-th frame");
    return 0;
}

/* --------------------------------------------------------------- lmms-eval */

/* lmms-eval lmms_eval/models/llava_vid.py, load_video:
 * np.linspace(0, total - 1, max_frames_num, dtype=int). */
int vs_recipe_lmms_eval(RecipeCtx *c)
{
    int64_t n = (int64_t)c->p[LE_MAX_FRAMES];
    int ret = out_alloc(c, n, 0);
    if (ret < 0)
        return ret;
    np_linspace_int(c->v->frames - 1, n, c->out->indices);
    c->out->n = (size_t)n;
    snprintf(c->out->note, sizeof(c->out->note), "lmms-eval: %" PRId64 " of %" PRId64 " frames",
             n, c->v->frames);
    return 0;
}

/* --------------------------------------------------------- hf-transformers */

/* transformers BaseVideoProcessor.sample_frames: num_frames, or
 * int(total / fps_src * fps); torch.arange(0, total, total / num).int();
 * every frame when neither is set. */
int vs_recipe_hf_transformers(RecipeCtx *c)
{
    const double *p = c->p;
    int64_t total = c->v->frames, num = (int64_t)p[HF_NUM_FRAMES];
    int ret;
    if (p[HF_FPS] > 0 && num > 0)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': hf-transformers: fps and num_frames are mutually "
                        "exclusive (set one, or neither for every frame)", c->shown);
    if (p[HF_FPS] > 0) {
        if ((ret = need_fps(c)) < 0)
            return ret;
        double n = (double)total / c->v->fps * p[HF_FPS];
        if (n < 1)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': hf-transformers: int(%" PRId64 " / %g * %g) = 0 "
                            "frames (transformers divides by it and fails)", c->shown, total, c->v->fps, p[HF_FPS]);
        if (n >= (double)total + 1)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': hf-transformers: int(%" PRId64 " / %g * %g) frames "
                            "exceed the %" PRId64 " frames of the video (transformers raises ValueError)",
                            c->shown, total, c->v->fps, p[HF_FPS], total);
        num = (int64_t)n;
    }
    if (num > total)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': hf-transformers: num_frames=%" PRId64 " exceeds the "
                        "%" PRId64 " frames of the video (transformers raises ValueError)", c->shown, num, total);
    if (num == 0) {
        if ((ret = out_alloc(c, total, 0)) < 0)
            return ret;
        for (int64_t i = 0; i < total; i++)
            c->out->indices[i] = i;
        c->out->n = (size_t)total;
        snprintf(c->out->note, sizeof(c->out->note), "hf-transformers: all %" PRId64 " frames", total);
        return 0;
    }
    double step = (double)total / (double)num;
    int64_t n = vs_torch_arange_len(0.0, (double)total, step);
    if ((ret = out_alloc(c, n, 0)) < 0)
        return ret;
    float *ar = malloc((size_t)(n > 0 ? n : 1) * sizeof(*ar));
    if (!ar)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", c->shown);
    vs_torch_arange_f32(0.0, step, n, ar);
    for (int64_t i = 0; i < n; i++)
        c->out->indices[i] = (int32_t)ar[i]; /* .int(): truncation to int32 */
    c->out->n = (size_t)n;
    free(ar);
    snprintf(c->out->note, sizeof(c->out->note), "hf-transformers: %" PRId64 " of %" PRId64 " frames",
             n, total);
    return 0;
}

/* ------------------------------------------------------ torchcodec-regular */

/* Last frame whose time is <= t (t >= the first frame's time). */
static int64_t frame_at(const VsRecipeVideo *v, double t)
{
    int64_t lo = 0, hi = v->frames; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (v->frame_times[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Clip starts: torch.arange(begin, range_end, S) in float32, those at or
 * past range_end (in float32, as torch compares) dropped. */
static int clip_starts(RecipeCtx *c, double begin, double range_end, float **starts, int64_t *n)
{
    double S = c->p[TC_SECONDS_BETWEEN_CLIP_STARTS];
    *n = vs_torch_arange_len(begin, range_end, S);
    if (*n < 1 || *n > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: clip starts every %g s in "
                        "[%g, %g) are too many", c->shown, S, begin, range_end);
    *starts = malloc((size_t)*n * sizeof(**starts));
    if (!*starts)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", c->shown);
    vs_torch_arange_f32(begin, S, *n, *starts);
    float end32 = (float)range_end;
    int64_t kept = 0;
    for (int64_t i = 0; i < *n; i++)
        if ((*starts)[i] < end32)
            (*starts)[kept++] = (*starts)[i];
    *n = kept;
    return 0;
}

/* One clip's sampling times (float32 values, as torch holds them) after the
 * end policy; returns how many are valid before the policy, or an error. */
static int clip_times(RecipeCtx *c, float start, double sbf, double end, float *t)
{
    int64_t F = (int64_t)c->p[TC_NUM_FRAMES_PER_CLIP], kept = 0;
    float end32 = (float)end;
    for (int64_t i = 0; i < F; i++) {
        /* start_seconds (a float32 tensor) + i * seconds_between_frames (a
         * Python float, cast to float32): one float addition. */
        float ts = (float)((double)start + (double)(float)((double)i * sbf));
        if (ts < end32)
            t[kept++] = ts;
    }
    if (kept < F) {
        int policy = (int)c->p[TC_POLICY];
        if (policy == VS_TC_ERROR || kept == 0)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: a clip starting at %g s "
                            "runs past the end %g s and policy=error", c->shown, (double)start, end);
        for (int64_t i = kept; i < F; i++)
            t[i] = policy == VS_TC_WRAP ? t[i % kept] : t[kept - 1];
    }
    return 0;
}

/* torchcodec samplers/_time_based.py, clips_at_regular_timestamps: clips of
 * F frames seconds_between_frames apart (default 1 / average_fps), starting
 * every S seconds from the first frame while the whole clip fits; each time
 * shows the frame played then. Its scan ends the stream at max(pts +
 * packet duration): at the last frame's start when packets carry no
 * duration, which then leaves that frame out of reach. */
int vs_recipe_torchcodec_regular(RecipeCtx *c)
{
    const VsRecipeVideo *v = c->v;
    int64_t F = (int64_t)c->p[TC_NUM_FRAMES_PER_CLIP];
    double begin = v->frame_times[0], end = v->packet_end > 0 ? v->packet_end : v->duration;
    if (F > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: %" PRId64 " frames per clip is "
                        "more than the limit %d", c->shown, F, VS_PLAN_MAX_TIMES);
    if (!(end > begin))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: the stream ends (%g s) before "
                        "its first frame (%g s)", c->shown, end, begin);
    /* average_fps from the scan: frames over the span of their times */
    double sbf = c->p[TC_SECONDS_BETWEEN_FRAMES] > 0 ? c->p[TC_SECONDS_BETWEEN_FRAMES]
                                                      : 1.0 / ((double)v->frames / (end - begin));
    double range_end = end - (double)(F - 1) * sbf;
    if (!(begin < range_end))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: a clip of %" PRId64 " frames %g s "
                        "apart does not fit in [%g, %g) (torchcodec raises ValueError)", c->shown, F, sbf, begin, end);
    range_end = fmin(range_end, end);
    float *starts = NULL, *t = malloc((size_t)F * sizeof(*t));
    int64_t num_clips = 0;
    int ret = t ? clip_starts(c, begin, range_end, &starts, &num_clips)
                : vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", c->shown);
    if (ret < 0)
        goto done;
    if (num_clips > VS_PLAN_MAX_TIMES / F) {
        ret = vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular makes %" PRId64 " clips of %" PRId64
                       " frames, more than the limit %d", c->shown, num_clips, F, VS_PLAN_MAX_TIMES);
        goto done;
    }
    if ((ret = out_alloc(c, num_clips * F, 1)) < 0)
        goto done;
    for (int64_t k = 0; k < num_clips; k++) {
        if ((ret = clip_times(c, starts[k], sbf, end, t)) < 0)
            goto done;
        for (int64_t i = 0; i < F; i++) {
            /* torchcodec accepts a time in [begin, end) only */
            if (!((double)t[i] >= begin && (double)t[i] < end)) {
                ret = vs_error(VS_ERR_INVALID_ARG, "strategy '%s': torchcodec-regular: time %.9g s (float32) is "
                               "outside [%g, %g) (torchcodec raises)", c->shown, (double)t[i], begin, end);
                goto done;
            }
            c->out->clips[c->out->n] = (int32_t)k;
            c->out->indices[c->out->n++] = frame_at(v, (double)t[i]);
        }
    }
    c->out->num_clips = (int32_t)num_clips;
    snprintf(c->out->note, sizeof(c->out->note), "torchcodec-regular: %" PRId64 " clips of %" PRId64
             " frames %g s apart", num_clips, F, sbf);
done:
    free(starts);
    free(t);
    return ret;
}

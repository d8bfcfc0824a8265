/* plan: which times to sample. A pure function of the video's duration (and
 * keyframe times), the strategy and the trim/budget settings; no I/O.
 *
 * Every time lies in the span [s, e): s = settings.start, e = settings.end
 * (or the duration), capped at the duration. Grid times are computed from
 * their index (s + k / F), never by accumulating a step, so that the k-th
 * time does not drift on long videos. */
#include "internal.h"
#include "strategy.h"
#include "thumb.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct VsPlan {
    double *times;
    int32_t *clips;     /* NULL unless the strategy makes clips */
    int64_t *indices;   /* recipes: the frame index of each time, else NULL */
    int64_t loader_frames; /* recipes: the frame count the loader reports, else 0 */
    size_t n;
    int32_t num_clips;
    char *strategy;     /* canonical text */
    char note[512];
    VsPlanScene *scenes; /* scenes: the shots found */
    size_t n_scenes;
    VsPlanDrop *dropped; /* dedup: the times dropped */
    size_t n_dropped;
    double dedup_pending; /* dedup's threshold while the times to drop are undecided (0: none) */
    int64_t dedup_min_frames; /* min_frames, which dedup keeps */
    size_t dedup_seen, dedup_kept; /* frames fed to the choice so far, and kept of them */
    uint8_t *dedup_keep;  /* [n] while pending: 1 for each time kept so far */
    double *dedup_change; /* [n] while pending: each frame's change from the last kept */
    uint8_t dedup_last[VS_THUMB_BYTES]; /* the last kept frame's thumbnail */
};

/* Everything the generators read, gathered once. */
typedef struct PlanJob {
    const VsStrategy *st;
    const VsPlanInput *in;
    const VsPlanSettings *set;
    const char *shown;  /* the strategy text as it appears in messages */
    double s, e;        /* the span */
    VsPlan *plan;
} PlanJob;

/* ----------------------------------------------------------------- random */

/* Jitter must give the same times on every platform and compiler, so the
 * generator is ours and integer only: xoshiro256** seeded by splitmix64
 * (the seeding its authors recommend), 53 random bits per double. */
typedef struct Rng {
    uint64_t s[4];
} Rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1). */
static double rng_unit(Rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* ------------------------------------------------------------------- grids */

/* n intervals covering [s, e): interval k starts at s + k / rate (a time
 * grid), or at s + k * (e - s) / n (equal segments) when rate is 0. */
typedef struct Grid {
    double s, e, rate;
    int64_t n;
} Grid;

/* Position x (in intervals) on the grid, never past e. */
static double grid_at(const Grid *g, double x)
{
    double t = g->rate > 0 ? g->s + x / g->rate : g->s + x * (g->e - g->s) / (double)g->n;
    return t < g->e ? t : g->e;
}

/* Rounding can land a computed time on e itself; the plan promises t < e,
 * and the frame displayed just before e is the one meant. */
static double below(double t, double e)
{
    return t < e ? t : nextafter(e, -INFINITY);
}

/* One time per interval: at `offset` intervals into it (0 = its start,
 * 0.5 = its centre), or at a random point inside it when rng is set. */
static void grid_fill(double *times, const Grid *g, double offset, Rng *rng)
{
    for (int64_t k = 0; k < g->n; k++) {
        double t;
        if (rng) {
            double a = grid_at(g, (double)k), b = grid_at(g, (double)(k + 1));
            t = a + rng_unit(rng) * (b - a);
            if (t >= b) /* the product rounded up to the interval's end */
                t = a;
        } else {
            t = grid_at(g, (double)k + offset);
        }
        times[k] = below(t, g->e);
    }
}

/* How many k >= 0 have s + k / rate < e. Above twice the limit the exact
 * count no longer matters (the plan is refused or capped), so the estimate
 * stands and the adjustment loops stay short. */
static int64_t fps_count(double s, double e, double rate)
{
    double est = (e - s) * rate;
    if (!(est <= 2.0 * VS_PLAN_MAX_TIMES))
        return est < 1e18 ? (int64_t)est : INT64_C(1000000000000000000);
    int64_t n = (int64_t)ceil(est);
    if (n < 1)
        n = 1;
    while (n > 1 && s + (double)(n - 1) / rate >= e)
        n--;
    while (s + (double)n / rate < e)
        n++;
    return n;
}

/* ------------------------------------------------------------------- plans */

static int plan_alloc(PlanJob *job, size_t n, int with_clips)
{
    VsPlan *p = job->plan;
    p->times = malloc((n ? n : 1) * sizeof(*p->times));
    if (with_clips)
        p->clips = malloc((n ? n : 1) * sizeof(*p->clips));
    if (!p->times || (with_clips && !p->clips))
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory for %zu times", job->shown, n);
    return 0;
}

static const char *plural(int64_t n)
{
    return n == 1 ? "" : "s";
}

static int too_many(const PlanJob *job, int64_t n)
{
    return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %" PRId64 " times in [%g, %g) is more than the limit %d",
                    job->shown, n, job->s, job->e, VS_PLAN_MAX_TIMES);
}

/* fps:F, with max_frames/min_frames: a grid of the wrong size is replaced by
 * the budget's count of equal segments over the same span. */
static int plan_fps(PlanJob *job)
{
    const VsStrategy *st = job->st;
    const VsPlanSettings *set = job->set;
    VsPlan *p = job->plan;
    Grid g = { job->s, job->e, st->rate, fps_count(job->s, job->e, st->rate) };
    int64_t budget = 0;
    const char *why = NULL;
    if (set->max_frames > 0 && g.n > set->max_frames) {
        budget = set->max_frames;
        why = "more than max_frames";
    } else if (set->min_frames > 0 && g.n < set->min_frames) {
        budget = set->min_frames;
        why = "fewer than min_frames";
    }
    if (why) {
        snprintf(p->note, sizeof(p->note), "%s gives %" PRId64 " time%s, %s %" PRId64
                 ": %" PRId64 " times spread uniformly instead",
                 p->strategy, g.n, plural(g.n), why, budget, budget);
        g.rate = 0;
        g.n = budget;
    }
    if (g.n > VS_PLAN_MAX_TIMES)
        return too_many(job, g.n);
    Rng rng;
    rng_seed(&rng, set->seed);
    int ret = plan_alloc(job, (size_t)g.n, 0);
    if (ret < 0)
        return ret;
    grid_fill(p->times, &g, 0.0, st->jitter ? &rng : NULL);
    p->n = (size_t)g.n;
    return 0;
}

static int plan_uniform(PlanJob *job)
{
    VsPlan *p = job->plan;
    Grid g = { job->s, job->e, 0.0, job->st->count };
    Rng rng;
    rng_seed(&rng, job->set->seed);
    int ret = plan_alloc(job, (size_t)g.n, 0);
    if (ret < 0)
        return ret;
    grid_fill(p->times, &g, 0.5, job->st->jitter ? &rng : NULL);
    p->n = (size_t)g.n;
    return 0;
}

/* Where clip j starts. A clip of F frames 1/FPS apart covers F / FPS seconds
 * (each frame stands for 1/FPS of video), centred on the centre of the j-th
 * of C equal segments; at an edge it moves inward to fit the span. */
static double clip_start(const PlanJob *job, int64_t j)
{
    const VsStrategy *st = job->st;
    double s = job->s, e = job->e;
    double centre = s + ((double)j + 0.5) * (e - s) / (double)st->count;
    double length = (double)st->frames / st->rate;
    double start = centre - (double)(st->frames - 1) / (2.0 * st->rate);
    if (length > e - s)
        return s;
    if (start + length > e)
        start = e - length;
    return start < s ? s : start;
}

static int plan_clips(PlanJob *job)
{
    const VsStrategy *st = job->st;
    VsPlan *p = job->plan;
    size_t n = (size_t)(st->count * st->frames);
    int ret = plan_alloc(job, n, 1);
    if (ret < 0)
        return ret;
    double length = (double)st->frames / st->rate;
    int longer = length > job->e - job->s;
    for (int64_t j = 0; j < st->count; j++) {
        double start = clip_start(job, j);
        for (int64_t i = 0; i < st->frames; i++) {
            double t = start + (double)i / st->rate;
            /* A clip longer than the span (starting at s, so i > 0 here)
             * repeats its last time inside the span, as loaders pad a short
             * video; otherwise only rounding can reach e. */
            if (t >= job->e)
                t = longer && i > 0 ? p->times[p->n - 1] : below(t, job->e);
            p->times[p->n] = t;
            p->clips[p->n++] = (int32_t)j;
        }
    }
    p->num_clips = (int32_t)st->count;
    if (longer)
        snprintf(p->note, sizeof(p->note), "%s: a clip covers %g s, more than the span [%g, %g): "
                 "every clip starts at %g and repeats its last time before %g",
                 p->strategy, length, job->s, job->e, job->s, job->e);
    return 0;
}

static int in_span(const PlanJob *job, double t)
{
    return t >= job->s && t < job->e;
}

static int plan_keyframes(PlanJob *job)
{
    const VsPlanInput *in = job->in;
    VsPlan *p = job->plan;
    if (!in->keyframe_times)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': keyframes strategy needs the keyframe index",
                        job->shown);
    size_t n = 0;
    for (size_t i = 0; i < in->n_keyframes; i++)
        n += in_span(job, in->keyframe_times[i]);
    if (n > VS_PLAN_MAX_TIMES)
        return too_many(job, (int64_t)n);
    int ret = plan_alloc(job, n, 0);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < in->n_keyframes; i++)
        if (in_span(job, in->keyframe_times[i]))
            p->times[p->n++] = in->keyframe_times[i];
    return 0;
}

static int plan_timestamps(PlanJob *job)
{
    const VsStrategy *st = job->st;
    VsPlan *p = job->plan;
    int ret = plan_alloc(job, st->n_times, 0);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < st->n_times; i++)
        if (in_span(job, st->times[i]))
            p->times[p->n++] = st->times[i];
    size_t dropped = st->n_times - p->n;
    if (dropped && p->n)
        snprintf(p->note, sizeof(p->note), "%zu of %zu timestamp%s outside [%g, %g) dropped",
                 dropped, st->n_times, plural((int64_t)st->n_times), job->s, job->e);
    return 0;
}

/* A recipe (recipes.c) picks frame indices over the whole video, as its
 * loader does; each time is the presentation time of the chosen frame, so
 * that fetch returns exactly that frame. */
static int plan_recipe(PlanJob *job)
{
    const VsPlanInput *in = job->in;
    const VsPlanSettings *set = job->set;
    VsPlan *p = job->plan;
    if (!in->frame_times || !in->n_frame_times)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': a recipe needs every frame's time: open the source "
                        "with scan (VsSourceSettings.scan = 1)", job->shown);
    if (job->s > 0 || job->e < in->duration || set->min_frames > 0 || set->max_frames > 0)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': a recipe chooses frames from the whole video as its "
                        "loader does: start, end, min_frames and max_frames do not apply", job->shown);
    VsRecipeVideo v = { (int64_t)in->n_frame_times, in->avg_frame_rate, in->frame_times, in->duration,
                        in->packet_end };
    VsRecipeOut out;
    int ret = vs_recipe_run(&job->st->recipe, &v, job->shown, &out);
    if (ret < 0)
        return ret;
    p->indices = out.indices;
    p->clips = out.clips;
    p->num_clips = out.num_clips;
    p->loader_frames = out.total;
    snprintf(p->note, sizeof(p->note), "%s", out.note);
    if ((ret = plan_alloc(job, out.n, 0)) < 0)
        return ret;
    for (size_t i = 0; i < out.n; i++)
        p->times[i] = in->frame_times[out.indices[i]];
    p->n = out.n;
    return 0;
}

/* ---------------------------------------------------------- content-aware */

/* dedup: a time whose frame's thumbnail differs from the last kept time's by
 * less than T is dropped; when that leaves fewer than min_frames, the most
 * different of the dropped come back. The frames arrive one by one (as they
 * are fetched), so the choice is made as they come and needs no thumbnail but
 * the last kept one; it is a pure function of the thumbnails, so every caller
 * that fetched the same frames drops the same times. */
void vs_plan_dedup_restart(VsPlan *p)
{
    p->dedup_seen = p->dedup_kept = 0;
}

int vs_plan_dedup_feed(VsPlan *p, const uint8_t *thumb)
{
    if (!(p->dedup_pending > 0) || p->dedup_seen >= p->n)
        return vs_error(VS_ERR_INTERNAL, "strategy '%s': no dedup pending, or more frames than times", p->strategy);
    if (!p->dedup_keep) {
        p->dedup_keep = malloc(p->n);
        p->dedup_change = malloc(p->n * sizeof(double));
        if (!p->dedup_keep || !p->dedup_change) {
            free(p->dedup_keep);
            free(p->dedup_change);
            p->dedup_keep = NULL;
            p->dedup_change = NULL;
            return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", p->strategy);
        }
    }
    size_t i = p->dedup_seen++;
    double c = p->dedup_kept ? vs_thumb_change(thumb, p->dedup_last) : 1.0;
    p->dedup_change[i] = c;
    p->dedup_keep[i] = !(c < p->dedup_pending);
    if (p->dedup_keep[i]) {
        memcpy(p->dedup_last, thumb, VS_THUMB_BYTES);
        p->dedup_kept++;
    }
    return p->dedup_keep[i];
}

/* A dropped time while min_frames is met: where it is in the plan. */
typedef struct Drop {
    double change;
    size_t at;
} Drop;

static int cmp_drop_change(const void *a, const void *b)
{
    const Drop *x = a, *y = b; /* most different first; then earlier */
    if (x->change != y->change)
        return x->change < y->change ? 1 : -1;
    return (x->at > y->at) - (x->at < y->at);
}

int vs_plan_dedup_finish(VsPlan *p, uint8_t *keep_out)
{
    if (!(p->dedup_pending > 0) || p->dedup_seen != p->n)
        return vs_error(VS_ERR_INTERNAL, "strategy '%s': dedup saw %zu frames of %zu", p->strategy, p->dedup_seen,
                        p->n);
    uint8_t *keep = p->dedup_keep;
    size_t want = p->dedup_min_frames > 0 ? (size_t)p->dedup_min_frames : 0, restored = 0;
    size_t nd = p->n - p->dedup_kept;
    if (p->dedup_kept < want && nd) {
        Drop *drops = malloc(nd * sizeof(*drops));
        if (!drops)
            return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", p->strategy);
        for (size_t i = 0, k = 0; i < p->n; i++)
            if (!keep[i])
                drops[k++] = (Drop){p->dedup_change[i], i};
        vs_sort(drops, nd, sizeof(*drops), cmp_drop_change);
        for (; restored < nd && p->dedup_kept + restored < want; restored++)
            keep[drops[restored].at] = 1;
        free(drops);
        nd -= restored;
    }
    VsPlanDrop *out = malloc((nd ? nd : 1) * sizeof(*out));
    if (!out)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", p->strategy);
    size_t w = 0, d = 0, before = p->n;
    for (size_t i = 0; i < p->n; i++) {
        if (!keep[i]) {
            out[d++] = (VsPlanDrop){p->times[i], p->dedup_change[i]};
            continue;
        }
        p->times[w] = p->times[i];
        if (p->clips)
            p->clips[w] = p->clips[i];
        if (p->indices)
            p->indices[w] = p->indices[i];
        w++;
    }
    if (keep_out)
        memcpy(keep_out, keep, p->n);
    p->n = w;
    free(p->dropped);
    p->dropped = out;
    p->n_dropped = nd;
    size_t len = strlen(p->note);
    snprintf(p->note + len, sizeof(p->note) - len, "%sdedup=%g: %zu of %zu times dropped as nearly identical to "
             "the last kept%s", len ? "; " : "", p->dedup_pending, nd, before,
             restored ? " (some kept for min_frames)" : "");
    p->dedup_pending = 0;
    free(p->dedup_keep);
    free(p->dedup_change);
    p->dedup_keep = NULL;
    p->dedup_change = NULL;
    return 0;
}

/* scenes: cuts where a frame's score exceeds the threshold, at least
 * min_scene from the previous cut and from the end; N frames at the centres of
 * N equal parts of each shot; over max_frames, the shortest group of shots
 * merges with its shorter neighbour until the groups' frames fit. */
static int plan_scenes(PlanJob *job)
{
    const VsStrategy *st = job->st;
    const VsPlanInput *in = job->in;
    VsPlan *p = job->plan;
    double s = job->s, e = job->e;
    if (!in->analysis_times || !in->analysis_scores || !in->n_analysis)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': a content-aware strategy needs the analysis pass: "
                        "call vs_source_analyze before vs_source_plan_input", job->shown);
    size_t n = 1;
    for (size_t i = 1; i < in->n_analysis; i++)
        n += in->analysis_scores[i] > st->threshold;
    if (!(p->scenes = malloc(n * sizeof(*p->scenes))))
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", job->shown);
    p->scenes[0] = (VsPlanScene){s, e, 0, 0};
    p->n_scenes = 1;
    for (size_t i = 1; i < in->n_analysis; i++) {
        double t = in->analysis_times[i], score = in->analysis_scores[i];
        VsPlanScene *cur = &p->scenes[p->n_scenes - 1];
        if (!(score > st->threshold) || t <= s || t >= e || t - cur->start < st->min_scene || e - t < st->min_scene)
            continue;
        cur->end = t;
        p->scenes[p->n_scenes++] = (VsPlanScene){t, e, score, 0};
    }
    /* groups of consecutive shots: group g is shots [first[g], first[g + 1]) */
    size_t groups = p->n_scenes;
    int64_t per = st->per_scene;
    int64_t cap = st->max_frames;
    if (job->set->max_frames > 0 && (!cap || job->set->max_frames < cap))
        cap = job->set->max_frames;
    if (cap && per > cap)
        per = cap;
    size_t *first = malloc((groups + 1) * sizeof(*first));
    if (!first)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", job->shown);
    for (size_t g = 0; g <= groups; g++)
        first[g] = g;
    while (cap && groups > 1 && (int64_t)groups * per > cap) {
        size_t best = 0;
        double best_len = INFINITY;
        for (size_t g = 0; g < groups; g++) {
            double len = p->scenes[first[g + 1] - 1].end - p->scenes[first[g]].start;
            if (len < best_len)
                best = g, best_len = len;
        }
        /* merge with the shorter neighbour (the earlier on a tie) */
        size_t other = best;
        if (best == 0)
            other = 1;
        else if (best + 1 == groups)
            other = best - 1;
        else {
            double lp = p->scenes[first[best] - 1].end - p->scenes[first[best - 1]].start;
            double ln = p->scenes[first[best + 2] - 1].end - p->scenes[first[best + 1]].start;
            other = ln < lp ? best + 1 : best - 1;
        }
        size_t drop = other > best ? other : best; /* the later group's first goes */
        memmove(&first[drop], &first[drop + 1], (groups - drop) * sizeof(*first));
        groups--;
    }
    int ret = plan_alloc(job, (size_t)((int64_t)groups * per), 0);
    for (size_t g = 0; ret >= 0 && g < groups; g++) {
        double a = p->scenes[first[g]].start, b = p->scenes[first[g + 1] - 1].end;
        for (int64_t j = 0; j < per; j++)
            p->times[p->n++] = below(a + ((double)j + 0.5) * (b - a) / (double)per, b);
    }
    for (size_t k = 0, i = 0; ret >= 0 && k < p->n_scenes; k++)
        for (; i < p->n && p->times[i] < p->scenes[k].end; i++)
            p->scenes[k].frames++;
    if (ret >= 0 && groups < p->n_scenes)
        snprintf(p->note, sizeof(p->note), "%zu shots x %" PRId64 " frames > max_frames %" PRId64 ": the shortest "
                 "shots merged with their shorter neighbours into %zu groups of %" PRId64 " frames", p->n_scenes,
                 st->per_scene, cap, groups, per);
    free(first);
    return ret;
}

/* --------------------------------------------------------------- settings */

/* The span [s, e), or an error naming what makes it empty. */
static int plan_span(PlanJob *job)
{
    double dur = job->in->duration, start = job->set->start, end = job->set->end;
    if (!(isfinite(dur) && dur > 0))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': video has no usable duration (%g)", job->shown, dur);
    if (isnan(start) || isnan(end))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': start or end is not a number", job->shown);
    if (start < 0)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': start %g is negative", job->shown, start);
    if (start >= dur)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': start %g is not before the video's duration %g",
                        job->shown, start, dur);
    double e = end >= 0 && end < dur ? end : dur;
    if (start >= e)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': start %g is not before end %g", job->shown, start, e);
    job->s = start;
    job->e = e;
    return 0;
}

static int check_budgets(const PlanJob *job)
{
    const VsPlanSettings *set = job->set;
    if (set->min_frames < 0 || set->max_frames < 0)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': min_frames %" PRId64 " and max_frames %" PRId64
                        " must not be negative", job->shown, set->min_frames, set->max_frames);
    if (set->min_frames > 0 && set->max_frames > 0 && set->min_frames > set->max_frames)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': min_frames %" PRId64 " is more than max_frames %" PRId64,
                        job->shown, set->min_frames, set->max_frames);
    return 0;
}

static int plan_times(PlanJob *job)
{
    switch (job->st->kind) {
    case VS_STRATEGY_FPS: return plan_fps(job);
    case VS_STRATEGY_UNIFORM: return plan_uniform(job);
    case VS_STRATEGY_CLIPS: return plan_clips(job);
    case VS_STRATEGY_KEYFRAMES: return plan_keyframes(job);
    case VS_STRATEGY_TIMESTAMPS: return plan_timestamps(job);
    case VS_STRATEGY_RECIPE: return plan_recipe(job);
    case VS_STRATEGY_SCENES: return plan_scenes(job);
    default: return vs_error(VS_ERR_INTERNAL, "strategy '%s': unhandled kind %d", job->shown, job->st->kind);
    }
}

/* ------------------------------------------------------------- public API */

void vs_plan_default_settings(VsPlanSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->start = 0;
    s->end = -1;
}

/* The plan of a parsed strategy (consumed: cleared before returning). */
static int plan_make(VsPlan **out, const VsPlanInput *in, VsStrategy *st, const char *shown,
                     const VsPlanSettings *settings)
{
    VsPlanSettings defaults;
    if (!settings) {
        vs_plan_default_settings(&defaults);
        settings = &defaults;
    }
    PlanJob job = { .st = st, .in = in, .set = settings, .shown = shown };
    int ret;
    if ((ret = plan_span(&job)) < 0 || (ret = check_budgets(&job)) < 0)
        goto fail;

    job.plan = calloc(1, sizeof(*job.plan));
    if (!job.plan || !(job.plan->strategy = vs_strategy_canonical(st))) {
        ret = vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory", shown);
        goto fail;
    }
    if ((ret = plan_times(&job)) < 0)
        goto fail;
    /* which times dedup drops is seen in the frames: decided when they are
     * fetched (vs_plan_dedup, the sample), by vs_plan_dedup_feed/_finish */
    job.plan->dedup_pending = st->dedup;
    job.plan->dedup_min_frames = settings->min_frames;
    if (job.plan->n == 0) {
        ret = vs_error(VS_ERR_INVALID_ARG, "strategy '%s' selects no time in [%g, %g)", shown, job.s, job.e);
        goto fail;
    }
    *out = job.plan;
    job.plan = NULL;
fail:
    vs_plan_free(&job.plan);
    vs_strategy_clear(st);
    return ret;
}

int vs_plan_create(VsPlan **out, const VsPlanInput *in, const char *strategy, const VsPlanSettings *settings)
{
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "vs_plan_create: out is NULL");
    *out = NULL;
    if (!in || !strategy)
        return vs_error(VS_ERR_INVALID_ARG, "vs_plan_create: %s is NULL", in ? "strategy" : "in");
    char shown[128];
    vs_strategy_shorten(shown, sizeof(shown), strategy);
    VsStrategy st;
    int ret = vs_strategy_parse(&st, strategy, shown);
    return ret < 0 ? ret : plan_make(out, in, &st, shown, settings);
}

int vs_plan_from_times(VsPlan **out, const VsPlanInput *in, const double *times, size_t n,
                       const VsPlanSettings *settings)
{
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "vs_plan_from_times: out is NULL");
    *out = NULL;
    if (!in || (!times && n))
        return vs_error(VS_ERR_INVALID_ARG, "vs_plan_from_times: %s is NULL", in ? "times" : "in");
    if (n > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "timestamps: %zu times is more than the limit %d", n,
                        VS_PLAN_MAX_TIMES);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(times[i]))
            return vs_error(VS_ERR_INVALID_ARG, "timestamps: time %zu is not a finite number", i + 1);
    VsStrategy st = { .kind = VS_STRATEGY_TIMESTAMPS, .n_times = n };
    if (n && !(st.times = malloc(n * sizeof(*times))))
        return vs_error(VS_ERR_NOMEM, "timestamps: out of memory for %zu times", n);
    if (n)
        memcpy(st.times, times, n * sizeof(*times));
    return plan_make(out, in, &st, "timestamps", settings);
}

void vs_plan_free(VsPlan **plan)
{
    if (!plan || !*plan)
        return;
    free((*plan)->times);
    free((*plan)->clips);
    free((*plan)->indices);
    free((*plan)->strategy);
    free((*plan)->scenes);
    free((*plan)->dropped);
    free((*plan)->dedup_keep);
    free((*plan)->dedup_change);
    free(*plan);
    *plan = NULL;
}

int vs_plan_dedup_pending(const VsPlan *plan)
{
    return plan && plan->dedup_pending > 0;
}

size_t vs_plan_count(const VsPlan *plan)
{
    return plan ? plan->n : 0;
}

const double *vs_plan_times(const VsPlan *plan)
{
    return plan ? plan->times : NULL;
}

const int32_t *vs_plan_clips(const VsPlan *plan)
{
    return plan ? plan->clips : NULL;
}

const int64_t *vs_plan_indices(const VsPlan *plan)
{
    return plan ? plan->indices : NULL;
}

int64_t vs_plan_loader_frames(const VsPlan *plan)
{
    return plan ? plan->loader_frames : 0;
}

int32_t vs_plan_num_clips(const VsPlan *plan)
{
    return plan ? plan->num_clips : 0;
}

const char *vs_plan_strategy(const VsPlan *plan)
{
    return plan ? plan->strategy : "";
}

const char *vs_plan_note(const VsPlan *plan)
{
    return plan ? plan->note : "";
}

const VsPlanScene *vs_plan_scenes(const VsPlan *plan, size_t *n)
{
    if (n)
        *n = plan ? plan->n_scenes : 0;
    return plan ? plan->scenes : NULL;
}

const VsPlanDrop *vs_plan_dropped(const VsPlan *plan, size_t *n)
{
    if (n)
        *n = plan ? plan->n_dropped : 0;
    return plan ? plan->dropped : NULL;
}

int vs_plan_thin(VsPlan *p, size_t keep, const char *why)
{
    if (!keep || keep >= p->n)
        return 0;
    for (size_t j = 0; j < keep; j++) {
        size_t i = (size_t)(((double)j + 0.5) * (double)p->n / (double)keep);
        p->times[j] = p->times[i];
        if (p->clips)
            p->clips[j] = p->clips[i];
        if (p->indices)
            p->indices[j] = p->indices[i];
    }
    size_t len = strlen(p->note);
    snprintf(p->note + len, sizeof(p->note) - len, "%s%s: %zu of %zu times kept, spread evenly", len ? "; " : "", why,
             keep, p->n);
    p->n = keep;
    for (size_t k = 0, i = 0; k < p->n_scenes; k++) {
        p->scenes[k].frames = 0;
        for (; i < p->n && p->times[i] < p->scenes[k].end; i++)
            p->scenes[k].frames++;
    }
    return 0;
}

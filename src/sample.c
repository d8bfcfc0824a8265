/* The sample: one video's source, plan, views sized for it, padding and
 * reader, read frame by frame, into caller arrays or into a shard writer. */
#include "sample_internal.h"
#include "strategy.h"

#include <inttypes.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

void vs_sample_default_settings(VsSampleSettings *s)
{
    if (!s)
        return;
    memset(s, 0, sizeof(*s));
    vs_plan_default_settings(&s->plan);
    vs_source_default_settings(&s->source);
    vs_reader_default_settings(&s->reader);
    s->pad = 1;
}

static const char *strategy_of(const VsSampleSettings *s)
{
    return s->strategy ? s->strategy : "fps:2";
}

/* Views sized for this video and plan, and the multiple the frame count is padded to. */
static int resolve_views(VsSample *s, const VsView *views, size_t nviews)
{
    const VsStreamInfo *in = vs_source_info(s->src);
    size_t multiple = 1;
    if (!(s->views = malloc(nviews * sizeof(*s->views))))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", in->path);
    memcpy(s->views, views, nviews * sizeof(*views));
    s->nviews = nviews;
    for (size_t v = 0; v < nviews; v++) {
        int ret = vs_view_resolve(&s->views[v], in->display_width, in->display_height, s->n);
        if (ret < 0)
            return ret;
        if (s->pad && s->views[v].t_multiple > (int)multiple)
            multiple = (size_t)s->views[v].t_multiple;
    }
    s->multiple = multiple;
    return 0;
}

/* Tokens of the sample if the plan kept `frames` times: the views resolved for that
 * many (into s->views) and summed; -1 when a view's count is unknown. */
static int64_t tokens_for(VsSample *s, const VsView *views, size_t frames, int64_t max_tokens)
{
    const VsStreamInfo *in = vs_source_info(s->src);
    int64_t total = 0;
    for (size_t v = 0; v < s->nviews; v++) {
        s->views[v] = views[v];
        if (views[v].resize == VS_RESIZE_SMART) {
            int64_t f2 = (int64_t)views[v].smart_factor * views[v].smart_factor;
            if (max_tokens < INT32_MAX / f2 && (!views[v].smart_total_pixels ||
                                                max_tokens * f2 < views[v].smart_total_pixels))
                s->views[v].smart_total_pixels = (int)(max_tokens * f2);
            if (vs_view_resolve(&s->views[v], in->display_width, in->display_height, frames) < 0)
                return -1;
        }
        int64_t t = vs_view_tokens(&s->views[v], frames);
        if (t <= 0)
            return vs_error(VS_ERR_INVALID_ARG, "%s: max_tokens: no token count is known for view '%s'", in->path,
                            views[v].name), -1;
        total += t;
    }
    return total;
}

/* The token budget: the most planned times whose tokens fit, the plan thinned to them. */
static int fit_tokens(VsSample *s, const VsView *views, size_t nviews, int64_t max_tokens)
{
    const VsStreamInfo *in = vs_source_info(s->src);
    if (!(s->views = malloc(nviews * sizeof(*s->views))))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", in->path);
    s->nviews = nviews;
    int64_t t = tokens_for(s, views, s->n, max_tokens);
    if (t < 0)
        return VS_ERR_INVALID_ARG;
    if (t <= max_tokens)
        return 0;
    /* tokens grow with frames (a smart view shrinks only down to its minimum size) */
    size_t lo = 0, hi = s->n; /* the most that fit lies in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((t = tokens_for(s, views, mid, max_tokens)) < 0)
            return VS_ERR_INVALID_ARG;
        *(t <= max_tokens ? &lo : &hi) = mid;
    }
    while (lo > 0 && tokens_for(s, views, lo, max_tokens) > max_tokens)
        lo--; /* rounding of the smart size: step down until it fits */
    if (!lo)
        return vs_error(VS_ERR_INVALID_ARG, "%s: max_tokens %" PRId64 ": not even one frame fits (%" PRId64
                        " tokens)", in->path, max_tokens, tokens_for(s, views, 1, max_tokens));
    char why[64];
    snprintf(why, sizeof(why), "max_tokens %" PRId64, max_tokens);
    vs_plan_thin(s->plan, lo, why);
    s->n = lo;
    return 0;
}

static int sample_start(VsSample *s, const VsView *views, size_t nviews, const VsSampleSettings *set)
{
    int ret;
    s->reader_settings = set->reader;
    s->pad = set->pad;
    /* the one decode before the plan, shared by every sample over this source */
    if (vs_strategy_needs_analysis(strategy_of(set)) && (ret = vs_source_analyze(s->src)) < 0)
        return ret;
    if ((ret = vs_source_plan_input(s->src, &s->plan_in)) < 0 ||
        (ret = vs_plan_create(&s->plan, &s->plan_in, strategy_of(set), &set->plan)) < 0)
        return ret;
    s->n = vs_plan_count(s->plan);
    if (set->max_tokens < 0)
        return vs_error(VS_ERR_INVALID_ARG, "%s: max_tokens %" PRId64 " is negative", vs_source_info(s->src)->path,
                        set->max_tokens);
    if (set->max_tokens > 0) {
        if ((ret = fit_tokens(s, views, nviews, set->max_tokens)) < 0)
            return ret;
        views = s->views; /* smart views with the budget's total pixels */
        s->views = NULL;
    }
    ret = resolve_views(s, views, nviews);
    if (set->max_tokens > 0)
        free((void *)views);
    if (ret < 0)
        return ret;
    /* dedup: the views are sized for every candidate time, the most there can be */
    if (vs_plan_dedup_pending(s->plan)) {
        ret = vs_sample_spool(s, set->plan.min_frames > 0);
        s->n = vs_plan_count(s->plan);
    } else {
        ret = vs_reader_open(&s->reader, s->src, s->plan, s->views, s->nviews, &s->reader_settings);
    }
    s->total = (s->n + s->multiple - 1) / s->multiple * s->multiple;
    return ret;
}

static int check_args(VsSample **out, const VsView *views, size_t nviews, const char *fn)
{
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (!views || !nviews)
        return vs_error(VS_ERR_INVALID_ARG, "%s: no view", fn);
    return 0;
}

int vs_sample_open_source(VsSample **out, VsSource *src, const VsView *views, size_t nviews,
                          const VsSampleSettings *settings)
{
    VsSampleSettings defaults;
    int ret = check_args(out, views, nviews, "vs_sample_open_source");
    if (ret < 0)
        return ret;
    if (!src)
        return vs_error(VS_ERR_INVALID_ARG, "vs_sample_open_source: src is NULL");
    if (!settings) {
        vs_sample_default_settings(&defaults);
        settings = &defaults;
    }
    VsSample *s = calloc(1, sizeof(*s));
    if (!s)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", vs_source_info(src)->path);
    s->src = src;
    if ((ret = sample_start(s, views, nviews, settings)) < 0) {
        vs_sample_close(&s);
        return ret;
    }
    *out = s;
    return 0;
}

int vs_sample_open(VsSample **out, const VsInput *input, const VsView *views, size_t nviews,
                   const VsSampleSettings *settings)
{
    VsSampleSettings defaults;
    int ret = check_args(out, views, nviews, "vs_sample_open");
    if (ret < 0)
        return ret;
    if (!settings) {
        vs_sample_default_settings(&defaults);
        settings = &defaults;
    }
    VsSourceSettings ss = settings->source;
    ss.scan = ss.scan || vs_strategy_needs_scan(strategy_of(settings));
    VsSource *src = NULL;
    if ((ret = vs_source_open_input(&src, input, &ss)) < 0)
        return ret;
    if ((ret = vs_sample_open_source(out, src, views, nviews, settings)) < 0) {
        vs_source_close(&src);
        return ret;
    }
    (*out)->own_src = 1;
    return 0;
}

void vs_sample_close(VsSample **ps)
{
    if (!ps || !*ps)
        return;
    VsSample *s = *ps;
    vs_reader_close(&s->reader);
    vs_sample_spool_close(s);
    vs_plan_free(&s->plan);
    if (s->own_src)
        vs_source_close(&s->src);
    for (size_t v = 0; s->last && v < s->nviews; v++)
        free(s->last[v]);
    free(s->last);
    free(s->views);
    free(s->meta);
    free(s);
    *ps = NULL;
}

VsSource *vs_sample_source(const VsSample *s)
{
    return s ? s->src : NULL;
}

const VsPlan *vs_sample_plan(const VsSample *s)
{
    return s ? s->plan : NULL;
}

size_t vs_sample_planned_frames(const VsSample *s)
{
    return s ? s->n : 0;
}

size_t vs_sample_frames(const VsSample *s)
{
    return s ? s->total : 0;
}

size_t vs_sample_num_views(const VsSample *s)
{
    return s ? s->nviews : 0;
}

const VsView *vs_sample_views(const VsSample *s)
{
    return s ? s->views : NULL;
}

int vs_sample_shape(const VsSample *s, size_t v, int64_t shape[4])
{
    if (!s || !shape || v >= s->nviews)
        return vs_error(VS_ERR_INVALID_ARG, "vs_sample_shape: no view %zu", v);
    const VsView *view = &s->views[v];
    shape[0] = (int64_t)s->total;
    if (view->layout == VS_LAYOUT_THWC) {
        shape[1] = view->height, shape[2] = view->width, shape[3] = 3;
    } else {
        shape[1] = 3, shape[2] = view->height, shape[3] = view->width;
    }
    return 0;
}

int64_t vs_sample_frames_decoded(const VsSample *s)
{
    return !s ? 0 : s->spooled ? s->spool_decoded : vs_reader_frames_decoded(s->reader);
}

int vs_sample_backend(const VsSample *s)
{
    return !s ? VS_BACKEND_CPU : s->spooled ? s->spool_backend : vs_reader_backend(s->reader);
}

/* Before the padding: keep the last planned frame's pixels to repeat them. */
static int keep_last(VsSample *s, void *const *dst)
{
    if (!(s->last = calloc(s->nviews, sizeof(*s->last))))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", vs_source_info(s->src)->path);
    for (size_t v = 0; v < s->nviews; v++) {
        size_t bytes = vs_view_frame_bytes(&s->views[v]);
        if (!(s->last[v] = malloc(bytes)))
            return vs_error(VS_ERR_NOMEM, "%s: out of memory", vs_source_info(s->src)->path);
        memcpy(s->last[v], dst[v], bytes);
    }
    return 0;
}

int vs_sample_next(VsSample *s, void *const *dst, VsFrameInfo *info)
{
    if (!s || !info)
        return vs_error(VS_ERR_INVALID_ARG, "vs_sample_next: NULL argument");
    if (s->next >= s->total)
        return 0;
    if (s->next < s->n) {
        int ret = s->spooled ? vs_sample_spool_next(s, dst, info) : vs_reader_next(s->reader, dst, info);
        if (ret < 0)
            return ret;
        if (ret == 0 || info->index != s->next)
            return vs_error(VS_ERR_INTERNAL, "%s: the reader returned frame %zu as frame %zu of %zu",
                            vs_source_info(s->src)->path, ret ? info->index : s->n, s->next, s->n);
        if (s->next + 1 == s->n && s->total > s->n) {
            s->last_info = *info;
            if (dst && (ret = keep_last(s, dst)) < 0)
                return ret;
        }
    } else {
        if (dst && !s->last)
            return vs_error(VS_ERR_INVALID_ARG, "vs_sample_next: a padded frame repeats the last frame's "
                            "pixels, which were fetched without buffers");
        for (size_t v = 0; dst && v < s->nviews; v++)
            memcpy(dst[v], s->last[v], vs_view_frame_bytes(&s->views[v]));
        *info = s->last_info;
        info->index = s->next;
    }
    s->next++;
    return 1;
}

int vs_sample_read(VsSample *s, void *const *dst, double *pts, double *target, int32_t *clip)
{
    if (!s)
        return vs_error(VS_ERR_INVALID_ARG, "vs_sample_read: NULL sample");
    void **rows = NULL;
    if (dst && !(rows = malloc(s->nviews * sizeof(*rows))))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", vs_source_info(s->src)->path);
    VsFrameInfo fi;
    int ret;
    for (;;) {
        size_t i = s->next;
        for (size_t v = 0; rows && v < s->nviews; v++)
            rows[v] = (uint8_t *)dst[v] + i * vs_view_frame_bytes(&s->views[v]);
        if ((ret = vs_sample_next(s, rows, &fi)) != 1)
            break;
        if (pts)
            pts[i] = fi.pts;
        if (target)
            target[i] = fi.target;
        if (clip)
            clip[i] = fi.clip;
    }
    free(rows);
    return ret < 0 ? ret : 0;
}

int vs_sample_write(VsSample *s, VsShardWriter *w, const char *key, VsProgressCallback progress, void *opaque,
                    int *output_failed)
{
    int dummy, ret = 0, began = 0;
    int *out_failed = output_failed ? output_failed : &dummy;
    *out_failed = 0;
    if (!s || !w || !key)
        return vs_error(VS_ERR_INVALID_ARG, "vs_sample_write: NULL argument");
    const char *path = vs_source_info(s->src)->path;
    VsShardTensor *tensors = calloc(s->nviews, sizeof(*tensors));
    void **bufs = calloc(s->nviews, sizeof(*bufs));
    const char *meta = vs_sample_metadata_json(s);
    if (!tensors || !bufs || !meta) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    for (size_t v = 0; v < s->nviews; v++) {
        int64_t shape[4];
        vs_sample_shape(s, v, shape);
        tensors[v] = (VsShardTensor){s->views[v].name, s->views[v].dtype, 3, {shape[1], shape[2], shape[3], 0}};
        if (!(bufs[v] = malloc(vs_view_frame_bytes(&s->views[v])))) {
            ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
            goto done;
        }
    }
    if ((ret = vs_shard_begin_sample(w, key, meta, tensors, s->nviews, (int64_t)s->total,
                                     vs_plan_clips(s->plan) != NULL)) < 0) {
        *out_failed = 1;
        goto done;
    }
    began = 1;
    VsFrameInfo fi;
    while ((ret = vs_sample_next(s, bufs, &fi)) == 1) {
        if ((ret = vs_shard_write_frame(w, (int64_t)fi.index, (const void *const *)bufs, fi.pts, fi.target,
                                        fi.clip)) < 0) {
            *out_failed = 1;
            goto done;
        }
        if (progress && progress(opaque, fi.index + 1, s->total)) {
            ret = vs_error(VS_ERR_CANCELLED, "%s: cancelled", path);
            goto done;
        }
    }
    if (ret < 0)
        goto done;
    if ((ret = vs_shard_end_sample(w)) < 0) {
        *out_failed = 1;
        goto done;
    }
    began = 0;
done:
    if (began)
        vs_shard_abort_sample(w);
    for (size_t v = 0; bufs && v < s->nviews; v++)
        free(bufs[v]);
    free(bufs);
    free(tensors);
    return ret;
}

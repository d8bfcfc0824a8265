/* model_inputs: the processor's inputs besides the pixels, each from the
 * public code named beside it (docs REFERENCES.md "Time inputs"). Times here
 * are index / average fps, as the loaders compute them, not the frames' PTS:
 * on variable-frame-rate video the two differ, and the object says by how much. */
#include "model_inputs.h"
#include "info_json.h"
#include "internal.h"
#include "strategy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum QwenKind { NOT_QWEN, QWEN_CUSTOM, QWEN2VL, QWEN25VL, QWEN3VL };

/* Views made from a Qwen preset keep its name; a custom view that still
 * smart-resizes with an even T is Qwen-like (a grid, no time inputs). */
static int qwen_kind(const VsView *v)
{
    if (!strcmp(v->name, "qwen2vl"))
        return QWEN2VL;
    if (!strcmp(v->name, "qwen2.5vl"))
        return QWEN25VL;
    if (!strcmp(v->name, "qwen3vl"))
        return QWEN3VL;
    return v->resize == VS_RESIZE_SMART && v->t_multiple == 2 ? QWEN_CUSTOM : NOT_QWEN;
}

void vs_format_1f(char *buf, size_t size, double v)
{
    VsCLocale loc;
    vs_c_locale_enter(&loc);
    snprintf(buf, size, "%.1f", v);
    vs_c_locale_leave(&loc);
}

/* Adds value under key to obj, stealing the reference; -1 when either is missing. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return value && obj ? json_object_set_new(obj, key, value) : (json_decref(value), -1);
}

static int append(json_t *arr, json_t *value)
{
    return value ? json_array_append_new(arr, value) : -1;
}

/* The frame index of each planned frame: the recipe's, else the frame shown
 * at each time. */
static json_t *indices_json(const VsModelInputs *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < m->n; i++)
        if (append(a, json_integer(m->indices[i])) < 0)
            json_decref(a), a = NULL;
    return a;
}

/* Qwen3-VL (transformers processing_qwen3_vl.py _calculate_timestamps): the
 * indices padded with the last to the padded T (and to even), then per
 * temporal patch of 2 the mean of idx / fps of its two frames, shown as
 * "<%.1f seconds>". */
static int qwen3_timestamps(const VsModelInputs *m, json_t *out)
{
    size_t t = m->padded > m->n ? m->padded : m->n;
    t += t & 1;
    json_t *ts = json_array(), *text = json_array();
    int ret = ts && text ? 0 : -1;
    for (size_t k = 0; ret == 0 && k < t; k += 2) {
        int64_t a = m->indices[k < m->n ? k : m->n - 1], b = m->indices[k + 1 < m->n ? k + 1 : m->n - 1];
        double mean = ((double)a / m->fps + (double)b / m->fps) / 2;
        char num[64], buf[80];
        vs_format_1f(num, sizeof(num), mean);
        snprintf(buf, sizeof(buf), "<%s seconds>", num);
        if (append(ts, vs_json_real(mean)) < 0 || append(text, json_string(buf)) < 0)
            ret = -1;
    }
    if (ret == 0 && put(out, "timestamps", ts) == 0)
        return put(out, "timestamp_text", text);
    json_decref(ts);
    json_decref(text);
    return -1;
}

/* The items of one view, or an empty object when none applies. */
static json_t *view_json(const VsModelInputs *m, const VsView *v, double sample_fps)
{
    json_t *o = json_object();
    int kind = qwen_kind(v), f = v->smart_factor;
    if (!o || kind == NOT_QWEN)
        return o;
    /* the processor pads T to even and cuts patch (f / 2)-sided squares, merged 2 x 2 */
    if (f >= 2 && !(f & 1) && v->width % f == 0 && v->height % f == 0) {
        json_int_t t = (json_int_t)((m->padded + 1) / 2);
        if (put(o, "video_grid_thw", json_pack("[I, i, i]", t, v->height / (f / 2), v->width / (f / 2))) < 0)
            goto fail;
    }
    /* Qwen2.5-VL's processor: temporal_patch_size / fps, fps = the sample fps */
    if (kind == QWEN25VL && sample_fps > 0 && put(o, "second_per_grid_ts", vs_json_real(2.0 / sample_fps)) < 0)
        goto fail;
    if (kind == QWEN3VL && m->indices && m->n && m->fps > 0 && qwen3_timestamps(m, o) < 0)
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

/* Apollo's prompt (apollo/mm_utils.py): per clip "{t0:.1f}-{t1:.1f} seconds"
 * with t0, t1 = the clip's first and last index / fps. */
static int apollo_clips(const VsModelInputs *m, json_t *out)
{
    json_t *times = json_array(), *text = json_array();
    int ret = times && text ? 0 : -1;
    for (int32_t c = 0; ret == 0 && c < m->num_clips; c++) {
        size_t first = m->n, last = 0;
        for (size_t i = 0; i < m->n; i++)
            if (m->clips[i] == c) {
                first = first < i ? first : i;
                last = i;
            }
        if (first == m->n)
            continue;
        double t0 = (double)m->indices[first] / m->fps, t1 = (double)m->indices[last] / m->fps;
        char a[64], b[64], buf[160];
        vs_format_1f(a, sizeof(a), t0);
        vs_format_1f(b, sizeof(b), t1);
        snprintf(buf, sizeof(buf), "%s-%s seconds", a, b);
        if (append(times, json_pack("[o, o]", vs_json_real(t0), vs_json_real(t1))) < 0 ||
            append(text, json_string(buf)) < 0)
            ret = -1;
    }
    if (ret == 0 && put(out, "clip_times", times) == 0)
        return put(out, "clip_text", text);
    json_decref(times);
    json_decref(text);
    return -1;
}

/* The loaders' times (index / fps) against the true PTS of the same frames. */
static int pts_check(const VsModelInputs *m, json_t *out)
{
    double worst = 0;
    for (size_t i = 0; i < m->n; i++) {
        double d = fabs((double)m->indices[i] / m->fps - m->times[i]);
        worst = d > worst ? d : worst;
    }
    if (put(out, "pts_differs", json_boolean(worst > 0.5 / m->fps)) < 0)
        return -1;
    return put(out, "max_pts_difference", vs_json_real(worst));
}

json_t *vs_model_inputs_json(const VsModelInputs *m)
{
    json_t *o = json_object(), *views = NULL;
    if (!o)
        return NULL;
    int rate = m->fps > 0 && isfinite(m->fps);
    double sample_fps = rate && m->total_frames > 0 ? (double)m->n / (double)m->total_frames * m->fps : 0;
    if (rate && put(o, "fps", vs_json_real(m->fps)) < 0)
        goto fail;
    if (m->indices && put(o, "frames_indices", indices_json(m)) < 0)
        goto fail;
    if (m->total_frames > 0 && put(o, "total_num_frames", json_integer(m->total_frames)) < 0)
        goto fail;
    if (sample_fps > 0 && put(o, "sample_fps", vs_json_real(sample_fps)) < 0)
        goto fail;
    if (m->apollo && rate && m->indices && m->clips && apollo_clips(m, o) < 0)
        goto fail;
    if (m->vfr == 1 && rate && m->indices && m->times && pts_check(m, o) < 0)
        goto fail;
    if (!(views = json_object()))
        goto fail;
    for (size_t v = 0; v < m->nviews; v++) {
        json_t *vj = view_json(m, &m->views[v], sample_fps);
        if (!vj)
            goto fail;
        if (json_object_size(vj) ? json_object_set_new(views, m->views[v].name, vj) < 0 : (json_decref(vj), 0))
            goto fail;
    }
    if (json_object_size(views))
        return put(o, "views", views) < 0 ? (json_decref(o), NULL) : o;
    json_decref(views);
    return o;
fail:
    json_decref(views);
    json_decref(o);
    return NULL;
}

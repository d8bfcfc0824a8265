/* report.json: everything the other reports hold, with full precision, plus
 * the time asked for and the time returned of every frame. */
#include "ablate.h"

#include <stdlib.h>

/* Member k of o set to v (taken); a failure leaves o marked by a NULL get. */
static void set(json_t *o, const char *k, json_t *v, int *ok)
{
    if (!o || !v || json_object_set_new(o, k, v) < 0)
        *ok = 0;
}

static json_t *times(const double *t, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, cli_json_real(t[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *result(const AblateOptions *o, const StrategyResult *r, size_t k, int *ok)
{
    json_t *j = json_object();
    set(j, "strategy", cli_json_text(o->strategies[k]), ok);
    set(j, "plan", cli_json_text_or_null(r->plan), ok);
    set(j, "note", cli_json_text_or_null(r->note), ok);
    set(j, "status", json_string(r->error ? "failed" : "ok"), ok);
    set(j, "error", cli_json_text_or_null(r->error), ok);
    if (r->error)
        return j;
    const Figures *g = &r->fig;
    set(j, "frames", json_integer((json_int_t)r->frames), ok);
    set(j, "distinct_times", json_integer((json_int_t)g->distinct), ok);
    const struct {
        const char *name;
        double v;
    } nums[] = {{"span", g->span}, {"effective_fps", g->effective_fps}, {"gap_min", g->gap_min},
                {"gap_mean", g->gap_mean}, {"gap_max", g->gap_max}, {"longest_stretch", g->longest_stretch},
                {"coverage", g->coverage}, {"shot_coverage", g->shot_coverage}, {"redundancy", g->redundancy}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
        set(j, nums[i].name, cli_json_real(nums[i].v), ok);
    set(j, "windows", json_integer((json_int_t)g->windows), ok);
    set(j, "windows_covered", json_integer((json_int_t)g->windows_covered), ok);
    set(j, "frames_decoded", json_integer(r->frames_decoded), ok);
    set(j, "wall_s", cli_json_real(r->wall_s), ok);
    set(j, "tensor_bytes", json_integer((json_int_t)r->tensor_bytes), ok);
    set(j, "visual_tokens", json_integer((json_int_t)r->tokens), ok);
    set(j, "sheet", cli_json_text_or_null(r->sheet), ok);
    set(j, "sheet_note", cli_json_text_or_null(r->sheet_note), ok);
    set(j, "shots_covered", json_integer((json_int_t)g->shots_covered), ok);
    set(j, "dropped", times(r->dropped, r->n_dropped), ok);
    set(j, "targets", times(r->targets, r->frames), ok);
    set(j, "pts", times(r->pts, r->frames), ok);
    return j;
}

static json_t *video(const AblateOptions *o, const VideoResult *v, int *ok)
{
    json_t *j = json_object();
    set(j, "path", cli_json_text(v->path), ok);
    set(j, "key", cli_json_text(v->key), ok);
    set(j, "status", json_string(v->error ? "failed" : "ok"), ok);
    set(j, "error", cli_json_text_or_null(v->error), ok);
    if (!v->error) {
        set(j, "duration", cli_json_real(v->duration), ok);
        set(j, "width", json_integer(v->width), ok);
        set(j, "height", json_integer(v->height), ok);
        set(j, "frame_count", json_integer(v->frame_count), ok);
        set(j, "open_s", cli_json_real(v->open_s), ok);
        set(j, "shared_decode",
            json_pack("{s:I, s:I, s:o}", "times", (json_int_t)v->shared_times, "frames_decoded",
                      (json_int_t)v->shared_decoded, "wall_s", cli_json_real(v->pictures_s)), ok);
        set(j, "timeline", cli_json_text_or_null(v->timeline), ok);
        set(j, "analysis_s", cli_json_real(v->analysis_s), ok);
        json_t *shots = json_array();
        for (size_t i = 0; shots && v->shots && i < v->nshots; i++)
            if (json_array_append_new(shots, json_pack("{s:o, s:o, s:o}", "start", cli_json_real(v->shots[i].start),
                                                       "end", cli_json_real(v->shots[i].end), "score",
                                                       cli_json_real(v->shots[i].score))) < 0)
                *ok = 0;
        set(j, "shots", v->shots ? shots : (json_decref(shots), json_null()), ok);
    }
    json_t *results = json_array();
    for (size_t k = 0; results && k < o->nstrategies; k++)
        if (json_array_append_new(results, result(o, &v->res[k], k, ok)) < 0)
            *ok = 0;
    set(j, "results", results, ok);
    return j;
}

static json_t *report(const AblateOptions *o, const VideoResult *videos, size_t nvideos, int *ok)
{
    json_t *j = json_object(), *views = json_array(), *strategies = json_array(), *vids = json_array();
    size_t bytes = 0;
    for (size_t i = 0; views && i < o->nviews; i++) {
        const VsView *w = &o->views[i];
        bytes += vs_view_frame_bytes(w);
        if (json_array_append_new(views, json_pack("{s:o, s:i, s:i, s:s, s:s, s:I}", "name", cli_json_text(w->name),
                                                   "width", w->width, "height", w->height, "dtype",
                                                   vs_dtype_name(w->dtype), "layout", vs_layout_name(w->layout),
                                                   "frame_bytes", (json_int_t)vs_view_frame_bytes(w))) < 0)
            *ok = 0;
    }
    set(j, "views", views, ok);
    set(j, "bytes_per_frame", json_integer((json_int_t)bytes), ok);
    set(j, "tokens_per_frame", json_integer(o->tokens_per_frame), ok);
    set(j, "tokens_from", json_string(o->tokens_given ? "option" : "preset"), ok);
    const VsPlanSettings *s = &o->plan.settings;
    set(j, "plan_settings",
        json_pack("{s:o, s:o, s:I, s:I, s:I}", "start", cli_json_real(s->start), "end",
                  s->end >= 0 ? cli_json_real(s->end) : json_null(), "min_frames", (json_int_t)s->min_frames,
                  "max_frames", (json_int_t)s->max_frames, "seed", (json_int_t)s->seed),
        ok);
    set(j, "scanned", json_boolean(o->scan), ok);
    for (size_t k = 0; strategies && k < o->nstrategies; k++)
        if (json_array_append_new(strategies, cli_json_text(o->strategies[k])) < 0)
            *ok = 0;
    set(j, "strategies", strategies, ok);
    for (size_t i = 0; vids && i < nvideos; i++)
        if (json_array_append_new(vids, video(o, &videos[i], ok)) < 0)
            *ok = 0;
    set(j, "videos", vids, ok);
    return j;
}

int report_write_json(const AblateOptions *o, Staging *st, const VideoResult *videos, size_t nvideos)
{
    char *path = NULL;
    FILE *f = report_open(st, "report.json", &path);
    if (!f) {
        free(path);
        return EXIT_OUTPUT;
    }
    int ok = 1;
    json_t *j = report(o, videos, nvideos, &ok);
    if (!ok) {
        json_decref(j);
        j = NULL;
    }
    int code = 0;
    if (cli_json_print(f, j, JSON_INDENT(1)) < 0 && !j) {
        fprintf(stderr, "vsample: %s: out of memory\n", path);
        code = EXIT_INTERNAL;
    }
    int closed = report_close(f, path); // a failed write is reported here
    free(path);
    return code ? code : closed;
}

/* report.json: everything the other reports hold, with full precision, plus
 * the time asked for and the time returned of every frame. */
#include "ablate.h"

#include <math.h>
#include <stdlib.h>

static void key(FILE *f, const char *k)
{
    fprintf(f, ", \"%s\": ", k);
}

static void string_or_null(FILE *f, const char *s)
{
    if (s)
        json_string(f, s);
    else
        fputs("null", f);
}

static void times(FILE *f, const double *t, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        json_number(f, t[i]);
    }
    fputc(']', f);
}

static void result(FILE *f, const AblateOptions *o, const StrategyResult *r, size_t k)
{
    fputs("{\"strategy\": ", f);
    json_string(f, o->strategies[k]);
    key(f, "plan");
    string_or_null(f, r->plan);
    key(f, "note");
    string_or_null(f, r->note);
    fprintf(f, ", \"status\": \"%s\"", r->error ? "failed" : "ok");
    key(f, "error");
    string_or_null(f, r->error);
    if (r->error) {
        fputc('}', f);
        return;
    }
    const Figures *g = &r->fig;
    fprintf(f, ", \"frames\": %zu, \"distinct_times\": %zu", r->frames, g->distinct);
    const struct {
        const char *name;
        double v;
    } nums[] = {{"span", g->span}, {"effective_fps", g->effective_fps}, {"gap_min", g->gap_min},
                {"gap_mean", g->gap_mean}, {"gap_max", g->gap_max}, {"longest_stretch", g->longest_stretch},
                {"coverage", g->coverage}};
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        key(f, nums[i].name);
        json_number(f, nums[i].v);
    }
    fprintf(f, ", \"windows\": %zu, \"windows_covered\": %zu, \"frames_decoded\": %lld", g->windows,
            g->windows_covered, (long long)r->frames_decoded);
    key(f, "wall_s");
    json_number(f, r->wall_s);
    fprintf(f, ", \"tensor_bytes\": %llu, \"visual_tokens\": %llu", (unsigned long long)r->tensor_bytes,
            (unsigned long long)r->tokens);
    key(f, "sheet");
    string_or_null(f, r->sheet);
    key(f, "sheet_note");
    string_or_null(f, r->sheet_note);
    key(f, "targets");
    times(f, r->targets, r->frames);
    key(f, "pts");
    times(f, r->pts, r->frames);
    fputc('}', f);
}

static void video(FILE *f, const AblateOptions *o, const VideoResult *v)
{
    fputs("{\"path\": ", f);
    json_string(f, v->path);
    key(f, "key");
    json_string(f, v->key);
    fprintf(f, ", \"status\": \"%s\"", v->error ? "failed" : "ok");
    key(f, "error");
    string_or_null(f, v->error);
    if (!v->error) {
        key(f, "duration");
        json_number(f, v->duration);
        fprintf(f, ", \"width\": %d, \"height\": %d, \"frame_count\": %lld", v->width, v->height,
                (long long)v->frame_count);
        key(f, "open_s");
        json_number(f, v->open_s);
        fprintf(f, ", \"shared_decode\": {\"times\": %zu, \"frames_decoded\": %lld, \"wall_s\": ", v->shared_times,
                (long long)v->shared_decoded);
        json_number(f, v->pictures_s);
        fputc('}', f);
        key(f, "timeline");
        string_or_null(f, v->timeline);
    }
    fputs(", \"results\": [", f);
    for (size_t k = 0; k < o->nstrategies; k++) {
        fputs(k ? ",\n    " : "\n    ", f);
        result(f, o, &v->res[k], k);
    }
    fputs("]}", f);
}

int report_write_json(const AblateOptions *o, Staging *st, const VideoResult *videos, size_t nvideos)
{
    char *path = NULL;
    FILE *f = report_open(st, "report.json", &path);
    if (!f) {
        free(path);
        return EXIT_OUTPUT;
    }
    size_t bytes = 0;
    fputs("{\"views\": [", f);
    for (size_t i = 0; i < o->nviews; i++) {
        const VsView *w = &o->views[i];
        bytes += vs_view_frame_bytes(w);
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        json_string(f, w->name);
        fprintf(f, ", \"width\": %d, \"height\": %d, \"dtype\": \"%s\", \"layout\": \"%s\", \"frame_bytes\": %zu}",
                w->width, w->height, vs_dtype_name(w->dtype), w->layout == VS_LAYOUT_THWC ? "thwc" : "tchw",
                vs_view_frame_bytes(w));
    }
    fprintf(f, "],\n \"bytes_per_frame\": %zu, \"tokens_per_frame\": %lld, \"tokens_from\": \"%s\"", bytes,
            (long long)o->tokens_per_frame, o->tokens_given ? "option" : "preset");
    const VsPlanSettings *s = &o->plan.settings;
    fputs(",\n \"plan_settings\": {\"start\": ", f);
    json_number(f, s->start);
    fputs(", \"end\": ", f);
    if (s->end >= 0)
        json_number(f, s->end);
    else
        fputs("null", f);
    fprintf(f, ", \"min_frames\": %lld, \"max_frames\": %lld, \"seed\": %llu}", (long long)s->min_frames,
            (long long)s->max_frames, (unsigned long long)s->seed);
    fprintf(f, ",\n \"scanned\": %s, \"strategies\": [", o->scan ? "true" : "false");
    for (size_t k = 0; k < o->nstrategies; k++) {
        if (k)
            fputs(", ", f);
        json_string(f, o->strategies[k]);
    }
    fputs("],\n \"videos\": [", f);
    for (size_t i = 0; i < nvideos; i++) {
        fputs(i ? ",\n  " : "\n  ", f);
        video(f, o, &videos[i]);
    }
    fputs("]}\n", f);
    int code = report_close(f, path);
    free(path);
    return code;
}

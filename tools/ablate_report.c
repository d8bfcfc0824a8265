/* report.md (a table per video, for people) and report.csv (one row per video
 * x strategy, for spreadsheets), from the same results as report.json. The
 * CSV holds the numbers in full (short text that reads back as the same
 * double); the Markdown rounds them for reading. */
#include "ablate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

FILE *report_open(Staging *st, const char *name, char **path)
{
    *path = staging_path(st, name);
    FILE *f = *path ? fopen(*path, "w") : NULL;
    if (!f)
        fprintf(stderr, "vsample: %s/%s: cannot write: %s\n", st->dir, name, *path ? strerror(errno) : "out of memory");
    return f;
}

int report_close(FILE *f, const char *path)
{
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "vsample: %s: cannot write: %s\n", path, strerror(errno ? errno : EIO));
        return EXIT_OUTPUT;
    }
    return 0;
}

/* ------------------------------------------------------------------ csv */

static void csv_text(FILE *f, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* Empty when unknown; else the shorter of %.15g and %.17g that reads back as
 * the same double. */
static void csv_number(FILE *f, double v)
{
    if (!isfinite(v))
        return;
    char buf[40];
    snprintf(buf, sizeof(buf), "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof(buf), "%.17g", v);
    fputs(buf, f);
}

int report_write_csv(const AblateOptions *o, Staging *st, const VideoResult *videos, size_t nvideos)
{
    char *path = NULL;
    FILE *f = report_open(st, "report.csv", &path);
    if (!f) {
        free(path);
        return EXIT_OUTPUT;
    }
    fputs("video,key,strategy,plan,status,error,duration_s,frames,span_s,effective_fps,gap_min_s,gap_mean_s,"
          "gap_max_s,longest_stretch_s,coverage,frames_decoded,wall_s,tensor_bytes,visual_tokens,sheet,"
          "shots,shots_covered,shot_coverage,redundancy,dropped\n", f);
    for (size_t i = 0; i < nvideos; i++) {
        const VideoResult *v = &videos[i];
        for (size_t k = 0; k < o->nstrategies; k++) {
            const StrategyResult *r = &v->res[k];
            csv_text(f, v->path);
            fputc(',', f);
            csv_text(f, v->key);
            fputc(',', f);
            csv_text(f, o->strategies[k]);
            fputc(',', f);
            csv_text(f, r->plan);
            fputs(r->error ? ",failed," : ",ok,", f);
            csv_text(f, r->error);
            fputc(',', f);
            if (!v->error)
                csv_number(f, v->duration);
            if (r->error) {
                fputs(",,,,,,,,,,,,,,,,,,\n", f);
                continue;
            }
            const Figures *g = &r->fig;
            fprintf(f, ",%zu,", r->frames);
            const double nums[] = {g->span, g->effective_fps, g->gap_min, g->gap_mean, g->gap_max,
                                   g->longest_stretch, g->coverage};
            for (size_t j = 0; j < sizeof(nums) / sizeof(nums[0]); j++) {
                csv_number(f, nums[j]);
                fputc(',', f);
            }
            fprintf(f, "%lld,", (long long)r->frames_decoded);
            csv_number(f, r->wall_s);
            fprintf(f, ",%llu,%llu,", (unsigned long long)r->tensor_bytes, (unsigned long long)r->tokens);
            csv_text(f, r->sheet);
            if (v->shots)
                fprintf(f, ",%zu,%zu,", v->nshots, g->shots_covered);
            else
                fputs(",,,", f);
            csv_number(f, g->shot_coverage);
            fputc(',', f);
            csv_number(f, g->redundancy);
            fprintf(f, ",%zu\n", r->n_dropped);
        }
    }
    int code = report_close(f, path);
    free(path);
    return code;
}

/* ------------------------------------------------------------------ markdown */

/* Table cells: '|' would end the cell, a newline the row. */
static void md_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
}

static void md_fixed(FILE *f, double v, int decimals, const char *suffix)
{
    if (isfinite(v))
        fprintf(f, " %.*f%s |", decimals, v, suffix);
    else
        fputs(" - |", f);
}

static void md_views(FILE *f, const AblateOptions *o)
{
    size_t bytes = 0;
    int per_video = 0;
    fputs("Views: ", f);
    for (size_t i = 0; i < o->nviews; i++) {
        const VsView *w = &o->views[i];
        if (w->resize == VS_RESIZE_SMART) { /* sized per video and frame count */
            per_video = 1;
            fprintf(f, "%s`%s` (Qwen2-VL smart resize per video, %s, T padded to a multiple of %d)",
                    i ? ", " : "", w->name, vs_dtype_name(w->dtype), w->t_multiple);
            continue;
        }
        bytes += vs_view_frame_bytes(w);
        fprintf(f, "%s`%s` (3x%dx%d %s, %zu bytes a frame)", i ? ", " : "", w->name, w->height, w->width,
                vs_dtype_name(w->dtype), vs_view_frame_bytes(w));
    }
    if (per_video || (!o->tokens_given && !o->tokens_per_frame))
        fputs("; tensor bytes as extract writes them (sizes per video). Visual tokens: per-frame patches "
              "of each fixed view's encoder, and for a smart view Qwen2-VL's (T/2) x (H/28) x (W/28).\n\n", f);
    else
        fprintf(f, "; tensor bytes = frames x %zu. Visual tokens = frames x %lld (%s).\n\n", bytes,
                (long long)o->tokens_per_frame, o->tokens_given ? "--tokens-per-frame" : "the preset's patches");
}

static void md_video(FILE *f, const AblateOptions *o, const VideoResult *v)
{
    fputs("## ", f);
    md_text(f, v->key);
    fputs(" (`", f);
    md_text(f, v->path);
    fputs("`)\n\n", f);
    if (v->error) {
        fputs("**failed**: ", f);
        md_text(f, v->error);
        fputs("\n\n", f);
        return;
    }
    fprintf(f, "Duration %.3f s, %dx%d", v->duration, v->width, v->height);
    if (v->frame_count > 0)
        fprintf(f, ", %lld frames", (long long)v->frame_count);
    fprintf(f, ". Opened%s once for all strategies in %.3f s.", o->scan ? " and scanned" : "", v->open_s);
    if (v->shots)
        fprintf(f, " Analysis pass (shared, not in the figures): %.3f s, %zu shot%s.", v->analysis_s, v->nshots,
                v->nshots == 1 ? "" : "s");
    if (v->shared_times)
        fprintf(f, " Pictures: one decode of the %zu distinct times of all strategies (%lld frames decoded, "
                "%.3f s, not in the figures).", v->shared_times, (long long)v->shared_decoded, v->pictures_s);
    fputs("\n\n", f);
    if (v->timeline)
        fprintf(f, "![timeline](<%s>)\n\n", v->timeline);
    fputs("| strategy | frames | eff. fps | gap min (s) | gap mean (s) | gap max (s) | longest stretch (s) | "
          "coverage | shots covered | redundant | decoded | wall (s) | tensor bytes | tokens | sheet |\n"
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n", f);
    for (size_t k = 0; k < o->nstrategies; k++) {
        const StrategyResult *r = &v->res[k];
        fputs("| `", f);
        md_text(f, o->strategies[k]);
        fputs("` |", f);
        if (r->error) {
            fputs(" failed: ", f);
            md_text(f, r->error);
            fputs(" | | | | | | | | | | | | | |\n", f);
            continue;
        }
        const Figures *g = &r->fig;
        fprintf(f, " %zu |", r->frames);
        md_fixed(f, g->effective_fps, 3, "");
        md_fixed(f, g->gap_min, 3, "");
        md_fixed(f, g->gap_mean, 3, "");
        md_fixed(f, g->gap_max, 3, "");
        md_fixed(f, g->longest_stretch, 3, "");
        md_fixed(f, g->coverage * 100, 1, "%");
        if (v->shots)
            fprintf(f, " %zu/%zu |", g->shots_covered, v->nshots);
        else
            fputs(" - |", f);
        md_fixed(f, g->redundancy * 100, 1, "%");
        fprintf(f, " %lld |", (long long)r->frames_decoded);
        md_fixed(f, r->wall_s, 3, "");
        fprintf(f, " %llu | %llu |", (unsigned long long)r->tensor_bytes, (unsigned long long)r->tokens);
        if (r->sheet)
            fprintf(f, " [sheet](<%s>) |\n", r->sheet);
        else {
            fputc(' ', f);
            md_text(f, r->sheet_note ? r->sheet_note : "-");
            fputs(" |\n", f);
        }
    }
    fputc('\n', f);
}

int report_write_md(const AblateOptions *o, Staging *st, const VideoResult *videos, size_t nvideos)
{
    char *path = NULL;
    FILE *f = report_open(st, "report.md", &path);
    if (!f) {
        free(path);
        return EXIT_OUTPUT;
    }
    fputs("# vsample ablate\n\n", f);
    md_views(f, o);
    fputs("Figures per strategy, from the times of the frames returned: effective fps = frames / the span "
          "sampled; gaps between consecutive distinct times; the longest stretch of the video without a "
          "frame (from 0 to the first and from the last to the end included); coverage = share of the "
          "1-second windows of the video holding a frame; shots covered = the video's shots (the scenes "
          "strategy's, with its defaults) holding a frame; redundant = share of the distinct frames whose "
          "change since the one before is below the dedup default; wall time = planning, decoding and "
          "preprocessing into a scratch buffer. See README.md (ablate).\n\n", f);
    for (size_t i = 0; i < nvideos; i++)
        md_video(f, o, &videos[i]);
    int code = report_close(f, path);
    free(path);
    return code;
}

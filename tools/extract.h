/* What `vsample extract` and `vsample batch` share: the extract options and
 * one video into a shard writer (tools/cmd_extract.c). */
#ifndef VSAMPLE_EXTRACT_H
#define VSAMPLE_EXTRACT_H

#include "view_options.h"
#include "vsample/shard.h"

typedef struct Extract {
    PlanOptions plan;
    ViewOptions view_opts;
    VsView views[MAX_VIEWS];
    size_t nviews;
    const char *out_dir;
    VsShardSettings shard;
    VsReaderSettings reader;
    int quiet, progress;
    char **keys;
    size_t nkeys;
    int64_t frames_written, frames_decoded;
    int backend_used; /* VS_BACKEND_CPU / VULKAN, of the last reader */
    /* --video-timeout: seconds one video may take, 0 = no limit; < 0 = not given: batch's
     * default (extract_time_limit) */
    double video_timeout;
    int timed_out; /* the last extract_sample() stopped at its limit */
    /* NULL, or told each video's limit again once its duration is known (batch's worker
     * tells its main process, whose watchdog enforces it) */
    void (*limit_known)(void *opaque, double seconds);
    void *limit_opaque;
} Extract;

/* vsample batch's default limit per video: a base for opening and planning, which can be
 * what hangs, then 2 s per second of video once the duration is known (docs/SCALE.md). */
#define BATCH_TIMEOUT_BASE 120.0
#define BATCH_TIMEOUT_PER_SECOND 2.0
/* The seconds a video may take (0 = no limit): --video-timeout as given, else batch's
 * default for a video of duration seconds (unknown, <= 0 or NaN: the base alone). */
double extract_time_limit(const Extract *x, double duration);

void extract_defaults(Extract *x);
/* If argv[*i] is an extract option (plan, view, --shard-size, --backend, --gpu,
 * --prefetch, --seek, --video-timeout, --quiet), consume it and its value: 1; not one: 0; bad
 * value: EXIT_USAGE (message printed). */
int extract_option(Extract *x, int argc, char **argv, int *i);
/* After the options: the backend exists, the views build, the plan options
 * can be satisfied. EXIT_OK or EXIT_USAGE (message printed). */
int extract_check_options(Extract *x);
/* One video, as sample `key`, into the writer (x->out_dir names it in
 * messages). 0, or an exit code (the error reported on stderr): EXIT_INPUT with
 * x->timed_out set when it ran past its limit ("PATH: timed out after N s"). */
int extract_sample(Extract *x, VsShardWriter *w, const char *path, const char *key);

#endif

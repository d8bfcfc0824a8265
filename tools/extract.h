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
} Extract;

void extract_defaults(Extract *x);
/* If argv[*i] is an extract option (plan, view, --shard-size, --backend, --gpu,
 * --prefetch, --seek, --quiet), consume it and its value: 1; not one: 0; bad
 * value: EXIT_USAGE (message printed). */
int extract_option(Extract *x, int argc, char **argv, int *i);
/* After the options: the backend exists, the views build, the plan options
 * can be satisfied. EXIT_OK or EXIT_USAGE (message printed). */
int extract_check_options(Extract *x);
/* One video, as sample `key`, into the writer (x->out_dir names it in
 * messages). 0, or an exit code (the error reported on stderr). */
int extract_sample(Extract *x, VsShardWriter *w, const char *path, const char *key);

#endif

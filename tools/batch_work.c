/* A worker process of vsample batch: it reads "UNIT UNIQ" lines from the
 * main process, does each entry and answers with a result line on its stderr
 * (which the main process reads), after the entry's own messages.
 *
 * One entry: the extract writer makes the sample in DIR/.work/KEY.UNIQ/ (its
 * shards and its own index.json), then one rename makes it DIR/samples/KEY:
 * the commit. Killed at any instant before, it leaves only the work
 * directory, which the next run removes; after, the sample is complete. */
#include "batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The entry's limit, for the main process's watchdog. */
static void tell_limit(void *opaque, double seconds)
{
    (void)opaque;
    fprintf(stderr, "%c %.17g\n", BATCH_LIMIT, seconds);
    fflush(stderr);
}

static int work_one(Batch *b, const PlanOptions *base, const BatchEntry *e, const char *work_dir,
                    BatchResult *res)
{
    Extract *x = &b->x;
    x->plan = *base; /* this entry's options over the command line's */
    if (e->strategy)
        x->plan.strategy = e->strategy;
    if (e->has_start)
        x->plan.settings.start = e->start;
    if (e->has_end)
        x->plan.settings.end = e->end;
    x->out_dir = b->dir;
    x->progress = 0;
    x->frames_written = x->frames_decoded = 0;
    x->limit_known = tell_limit;

    char stall[BATCH_KEY_MAX + 8];
    snprintf(stall, sizeof(stall), "video:%s", e->key);
    batch_stall(stall); /* the test of the watchdog: a video that ignores its deadline */
    VsShardWriter *w = NULL;
    int code, ret = vs_shard_writer_open(&w, work_dir, &x->shard);
    if (ret < 0) {
        report_error(work_dir, ret);
        code = EXIT_OUTPUT;
    } else if ((code = extract_sample(x, w, e->path, e->key)) != EXIT_OK) {
        vs_shard_writer_discard(&w);
    } else if ((ret = vs_shard_writer_close(&w)) < 0) {
        report_error(work_dir, ret);
        code = EXIT_OUTPUT;
    } else {
        batch_stall("commit");
        char *dest = fs_join3(b->dir, "samples", e->key);
        if (!dest) {
            fprintf(stderr, "vsample: %s: out of memory\n", e->path);
            code = EXIT_INTERNAL;
        } else if (rename(work_dir, dest) < 0 && errno != EEXIST && errno != ENOTEMPTY) {
            /* (EEXIST, ENOTEMPTY: committed meanwhile by another process
             * running this partition too; the same bytes, theirs are kept) */
            fprintf(stderr, "vsample: %s: cannot commit the sample: %s\n", dest, strerror(errno));
            code = EXIT_OUTPUT;
        } else if (!x->shard.no_fsync) {
            /* the commit lasts once DIR/samples is synced (the sample's files were) */
            char *samples = fs_join(b->dir, "samples");
            if (!samples || fs_fsync_dir(samples) < 0) {
                fprintf(stderr, "vsample: %s: cannot commit the sample: fsync of %s/samples: %s\n", dest,
                        b->dir, samples ? strerror(errno) : "out of memory");
                code = EXIT_OUTPUT;
            }
            free(samples);
        }
        free(dest);
    }
    if (code != EXIT_OK || access(work_dir, F_OK) == 0)
        fs_remove_tree(work_dir);
    res->code = code;
    res->frames_written = x->frames_written;
    res->frames_decoded = x->frames_decoded;
    res->backend = x->backend_used;
    res->timed_out = code == EXIT_INPUT && x->timed_out;
    return code;
}

char *batch_work_dir(const Batch *b, size_t unit, const char *uniq)
{
    char *p;
    return asprintf(&p, "%s/.work/%s.%s", b->dir, b->m.e[unit].key, uniq) < 0 ? NULL : p;
}

void batch_worker(Batch *b, int task_fd)
{
    FILE *tasks = fdopen(task_fd, "r");
    PlanOptions base = b->x.plan;
    char line[64];
    while (tasks && fgets(line, sizeof(line), tasks)) {
        unsigned long long unit;
        char uniq[17], *work;
        if (sscanf(line, "%llu %16s", &unit, uniq) != 2 || unit >= b->m.n ||
            !(work = batch_work_dir(b, (size_t)unit, uniq)))
            break;
        BatchResult res = {0};
        work_one(b, &base, &b->m.e[unit], work, &res);
        free(work);
        fflush(stderr);
        fprintf(stderr, "%c %d %d %lld %lld %d\n", BATCH_RESULT, res.code, res.backend,
                (long long)res.frames_written, (long long)res.frames_decoded, res.timed_out);
        fflush(stderr);
    }
    _exit(EXIT_OK); /* the main process closed the tasks: no more work */
}

/* vsample batch MANIFEST -o DIR [--jobs N] [--shard-index I --num-shards K]
 * [extract options]: every video of the manifest (this partition's share of
 * it) into DIR; vsample batch --merge-index DIR: rebuild DIR's catalogues.
 * The layout and the crash-safety argument: tools/batch.h, docs/SCALE.md. */
#include "batch.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CPUs this process may use: its affinity mask (SLURM, taskset), capped by a
 * cgroup v2 CPU quota (Kubernetes limits). */
static int usable_cores(void)
{
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 0;
    if (n < 1)
        n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r");
    long quota, period;
    if (f && fscanf(f, "%ld %ld", &quota, &period) == 2 && quota > 0 && period > 0) {
        int q = (int)((quota + period - 1) / period);
        if (q < n)
            n = q;
    }
    if (f)
        fclose(f);
    return n < 1 ? 1 : n;
}

typedef struct Args {
    const char *merge_dir;
    int64_t jobs, index, count;
    int has_jobs, has_index, has_count;
} Args;

static int parse_args(Batch *b, Args *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int r = extract_option(&b->x, argc, argv, &i);
        if (r == EXIT_USAGE)
            return EXIT_USAGE;
        if (r)
            continue;
        const char *o = argv[i];
        int64_t *num = NULL, max = 0, min = 0;
        int *has = NULL;
        if (!strcmp(o, "-o") || !strcmp(o, "--output") || !strcmp(o, "--merge-index")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a directory", o);
            if (!strcmp(o, "--merge-index"))
                a->merge_dir = argv[++i];
            else
                b->dir = argv[++i];
            continue;
        } else if (!strcmp(o, "--retry-timeouts")) {
            b->retry_timeouts = 1;
            continue;
        } else if (!strcmp(o, "--jobs") || !strcmp(o, "-j")) {
            num = &a->jobs, has = &a->has_jobs, min = 1, max = 1024;
        } else if (!strcmp(o, "--shard-index")) {
            num = &a->index, has = &a->has_index, min = 0, max = 999999;
        } else if (!strcmp(o, "--num-shards")) {
            num = &a->count, has = &a->has_count, min = 1, max = 1000000;
        } else if (o[0] == '-' && o[1]) {
            return usage_error("batch: unknown option %s", o);
        } else {
            if (b->manifest_path)
                return usage_error("batch: one MANIFEST only (%s, then %s)", b->manifest_path, o);
            b->manifest_path = o;
            continue;
        }
        if (i + 1 >= argc)
            return usage_error("%s needs a value", o);
        if (parse_int64(o, argv[++i], min, max, num) < 0)
            return EXIT_USAGE;
        *has = 1;
    }
    return EXIT_OK;
}

/* An environment variable as a whole number in [min, max]; 0 unset, 1 read,
 * EXIT_USAGE bad (message printed). */
static int env_int(const char *name, int64_t min, int64_t max, int64_t *out)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    return parse_int64(name, v, min, max, out) < 0 ? EXIT_USAGE : 1;
}

/* I of K: the options, else SLURM's job array, else Kubernetes' Indexed Job
 * (JOB_COMPLETION_INDEX, with K from VSAMPLE_NUM_SHARDS), else 0 of 1. */
static int partition(Batch *b, const Args *a)
{
    int64_t k = 1, i = 0, min = 0;
    int r;
    b->part_from = NULL;
    if (a->has_count) {
        k = a->count;
    } else if ((r = env_int("SLURM_ARRAY_TASK_COUNT", 1, 1000000, &k))) {
        if (r == EXIT_USAGE)
            return r;
        b->part_from = "SLURM_ARRAY_TASK_ID";
    } else if ((r = env_int("VSAMPLE_NUM_SHARDS", 1, 1000000, &k))) {
        if (r == EXIT_USAGE)
            return r;
    }
    if (a->has_index) {
        i = a->index;
        b->part_from = "--shard-index";
    } else if (k > 1 && (r = env_int("SLURM_ARRAY_TASK_ID", 0, INT64_MAX, &i))) {
        if (r == EXIT_USAGE || (r = env_int("SLURM_ARRAY_TASK_MIN", 0, INT64_MAX, &min)) == EXIT_USAGE)
            return EXIT_USAGE;
        i -= min; /* --array=1-K counts from 1 */
        b->part_from = "SLURM_ARRAY_TASK_ID";
    } else if (k > 1 && (r = env_int("JOB_COMPLETION_INDEX", 0, INT64_MAX, &i))) {
        if (r == EXIT_USAGE)
            return r;
        b->part_from = "JOB_COMPLETION_INDEX";
    } else if (k > 1) {
        return usage_error("batch: %lld partitions, but which one is this? (--shard-index I, or "
                           "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)", (long long)k);
    } else {
        b->part_from = NULL;
    }
    if (i < 0 || i >= k)
        return usage_error("batch: partition %lld (%s) is not in [0, %lld)", (long long)i,
                           b->part_from ? b->part_from : "?", (long long)k);
    b->part = (int)i;
    b->nparts = (int)k;
    return EXIT_OK;
}

/* DIR, DIR/samples and DIR/.work, writable; EXIT_OUTPUT reported. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir), *samples = fs_join(dir, "samples"), *work = fs_join(dir, ".work");
    int rc = p && samples && work ? 0 : -1;
    for (char *s = p ? p + 1 : NULL; s && !rc; s++) { /* mkdir -p */
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = 0;
        rc = fs_mkdir(p);
        *s = c;
        if (!c)
            break;
    }
    if (!rc && (fs_mkdir(samples) < 0 || fs_mkdir(work) < 0 || access(dir, W_OK | X_OK) < 0 ||
                access(samples, W_OK | X_OK) < 0 || access(work, W_OK | X_OK) < 0))
        rc = -1;
    if (rc)
        fprintf(stderr, "vsample: %s: cannot create or write the output directory: %s\n", dir, strerror(errno));
    free(p);
    free(samples);
    free(work);
    return rc ? EXIT_OUTPUT : EXIT_OK;
}

static void summary(const Batch *b, double seconds)
{
    char part[96] = "", errors[64];
    if (b->nparts > 1)
        snprintf(part, sizeof(part), " (partition %d of %d%s%s)", b->part, b->nparts,
                 b->part_from ? ", from " : "", b->part_from ? b->part_from : "");
    if (b->nparts > 1)
        snprintf(errors, sizeof(errors), "errors-%d-of-%d.jsonl", b->part, b->nparts);
    else
        snprintf(errors, sizeof(errors), "errors.jsonl");
    size_t settled = b->done_before + b->done_now;
    fprintf(stderr, "vsample: batch: %zu of %zu videos done in %s%s: %zu written now, %zu done before, "
            "%zu failed%s%s%s; %lld frames written, %lld decoded; %.1f s, %.2f videos/s, %.1f frames/s; "
            "%d jobs, peak RSS per job %.1f MB; %s backend\n",
            settled, b->m.n, b->dir, part, b->done_now, b->done_before, b->failed,
            b->failed ? " (see " : "", b->failed ? errors : "", b->failed ? ")" : "",
            (long long)b->frames_written, (long long)b->frames_decoded, seconds,
            seconds > 0 ? b->done_now / seconds : 0.0, seconds > 0 ? b->frames_written / seconds : 0.0, b->jobs,
            b->peak_rss_kb / 1024.0, vs_backend_name(b->backend_used));
}

static int out_of_memory(const char *path)
{
    fprintf(stderr, "vsample: %s: out of memory\n", path);
    return EXIT_INTERNAL;
}

static int run(Batch *b, const Args *a)
{
    double t0 = batch_now();
    int code = manifest_read(&b->m, b->manifest_path, b->part, b->nparts);
    if (code)
        return code;
    b->cores = usable_cores();
    b->jobs = a->has_jobs ? (int)a->jobs : b->cores;
    if (!b->x.plan.threads) /* the cores shared among the workers' decoders */
        b->x.plan.threads = b->cores / b->jobs > 1 ? b->cores / b->jobs : 1;
    if (!b->x.reader.segments) /* the same for split plans: workers x segments <= cores */
        b->x.reader.segments = b->cores / b->jobs > 1 ? b->cores / b->jobs : 1;
    b->state = calloc(b->m.n + 1, 1);
    b->error = calloc(b->m.n + 1, sizeof(*b->error));
    b->error_code = calloc(b->m.n + 1, sizeof(*b->error_code));
    b->timed_out = calloc(b->m.n + 1, 1);
    if (!b->state || !b->error || !b->error_code || !b->timed_out)
        return out_of_memory(b->manifest_path);
    if ((code = make_dirs(b->dir)))
        return code;
    int stop = batch_run(b);
    if (stop == EXIT_INTERRUPTED) {
        /* the catalogues as they stand; a second signal ends this at once */
        fprintf(stderr, "vsample: interrupted; %zu of %zu videos done, a re-run does the rest\n",
                b->done_before + b->done_now, b->m.n);
    }
    code = catalog_update(b);
    if (!b->x.quiet && stop != EXIT_INTERRUPTED && b->timed_out_before)
        fprintf(stderr, "vsample: batch: %zu video%s timed out in an earlier run, not tried again "
                "(--retry-timeouts redoes %s)\n", b->timed_out_before, b->timed_out_before > 1 ? "s" : "",
                b->timed_out_before > 1 ? "them" : "it");
    if (!b->x.quiet && stop != EXIT_INTERRUPTED)
        summary(b, batch_now() - t0);
    if (stop)
        return stop;
    if (code)
        return code;
    return b->failed ? EXIT_INPUT : EXIT_OK;
}

int cmd_batch(int argc, char **argv)
{
    Batch b;
    Args a;
    memset(&b, 0, sizeof(b));
    memset(&a, 0, sizeof(a));
    extract_defaults(&b.x);
    int code = parse_args(&b, &a, argc, argv);
    if (code)
        return code;
    if (a.merge_dir) {
        if (b.manifest_path || b.dir)
            return usage_error("batch: --merge-index DIR takes no MANIFEST and no -o");
        return catalog_merge_dir(a.merge_dir);
    }
    if (!b.manifest_path)
        return usage_error("batch: no MANIFEST given");
    if (!b.dir)
        return usage_error("batch: missing -o DIR");
    if ((code = extract_check_options(&b.x)) || (code = partition(&b, &a)))
        return code;
    b.x.progress = !b.x.quiet && isatty(STDERR_FILENO);
    code = run(&b, &a);
    for (size_t i = 0; i < b.m.n && b.error; i++)
        free(b.error[i]);
    free(b.error);
    free(b.error_code);
    free(b.timed_out);
    free(b.state);
    manifest_free(&b.m);
    return code;
}

/* vsample extract VIDEO... -o DIR: plan, fetch and preprocess each video into
 * safetensors shards. One bad video never stops the others; the exit code says
 * whether any failed. */
#include "extract.h"
#include "vsample/sample.h"

#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The file's base name without extension, safe in a tensor name, unique in this run. */
static char *make_key(Extract *x, const char *path)
{
    char *key = unique_video_key(x->keys, x->nkeys, path);
    char **keys = key ? realloc(x->keys, (x->nkeys + 1) * sizeof(*keys)) : NULL;
    if (!keys) {
        free(key);
        return NULL;
    }
    x->keys = keys;
    return x->keys[x->nkeys++] = key;
}

typedef struct Progress {
    const Extract *x;
    const char *key;
    double t0, last;
    double start;             /* when the video began, opening included */
    _Atomic double deadline;  /* now() past it: stop (0 = none); readers' threads read it */
} Progress;

static int expired(Progress *p)
{
    double d = atomic_load(&p->deadline);
    return d > 0 && now() > d;
}

/* The source's interrupt callback, asked from the decoders' and prefetch threads too. */
static int on_interrupt(void *opaque)
{
    return cli_interrupted || expired(opaque);
}

double extract_time_limit(const Extract *x, double duration)
{
    if (x->video_timeout >= 0)
        return x->video_timeout;
    return BATCH_TIMEOUT_BASE + (duration > 0 && isfinite(duration) ? BATCH_TIMEOUT_PER_SECOND * duration : 0);
}

static void set_limit(Extract *x, Progress *p, double limit)
{
    atomic_store(&p->deadline, limit > 0 ? p->start + limit : 0);
    if (x->limit_known)
        x->limit_known(x->limit_opaque, limit);
}

/* The failure of a video that ran out of time: one line, EXIT_INPUT. */
static int timed_out(Extract *x, const char *path, const Progress *p)
{
    x->timed_out = 1;
    fprintf(stderr, "vsample: %s: timed out after %g s (--video-timeout)\n", path,
            atomic_load(&p->deadline) - p->start);
    return EXIT_INPUT;
}

static void show_progress(const Progress *p, size_t done, size_t total, int final)
{
    double dt = now() - p->t0;
    int width = 30, fill = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\r%-24.24s [%.*s%*s] %zu/%zu frames %6.1f fps", p->key, fill,
            "##############################", width - fill, "", done, total, dt > 0 ? done / dt : 0.0);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* After each frame: a bar a few times a second; stop on SIGINT/SIGTERM. */
static int on_frame(void *opaque, size_t done, size_t total)
{
    Progress *p = opaque;
    if (cli_interrupted || expired(p))
        return 1;
    if (p->x->progress && now() - p->last > 0.2) {
        p->last = now();
        show_progress(p, done, total, 0);
    }
    return 0;
}

/* One video into the writer. Returns 0, or an exit code (error reported). */
int extract_sample(Extract *x, VsShardWriter *w, const char *path, const char *key)
{
    VsSample *s = NULL;
    VsSampleSettings set;
    vs_sample_default_settings(&set);
    set.strategy = x->plan.strategy;
    set.plan = x->plan.settings;
    set.max_tokens = x->plan.max_tokens;
    set.source.threads = x->plan.threads;
    set.source.io_timeout_ms = x->plan.io_timeout_ms;
    set.reader = x->reader;
    /* the limit holds from the start: opening is what hangs on a stalled input */
    Progress p = {.x = x, .key = key, .start = now()};
    x->timed_out = 0;
    set_limit(x, &p, extract_time_limit(x, -1));
    set.source.interrupt = on_interrupt;
    set.source.interrupt_opaque = &p;
    VsInput input = {.path = path};
    int ret = vs_sample_open(&s, &input, x->views, x->nviews, &set), output_failed = 0;
    if (ret < 0 && expired(&p))
        return timed_out(x, path, &p);
    if (ret == VS_ERR_CANCELLED && cli_interrupted)
        return EXIT_INTERRUPTED;
    if (ret < 0) /* the options were checked: what fails now is about this input */
        return report_error(path, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
    if (x->video_timeout < 0) /* batch's default grows with the duration, now known */
        set_limit(x, &p, extract_time_limit(x, vs_source_info(vs_sample_source(s))->duration));
    p.t0 = now();
    ret = vs_sample_write(s, w, key, on_frame, &p, &output_failed);
    int code = EXIT_OK;
    if (ret < 0 && !output_failed && expired(&p))
        code = timed_out(x, path, &p);
    else if (ret == VS_ERR_CANCELLED)
        code = EXIT_INTERRUPTED;
    else if (ret < 0 && output_failed)
        code = report_error(x->out_dir, ret) == EXIT_USAGE ? EXIT_USAGE : EXIT_OUTPUT;
    else if (ret < 0)
        code = report_error(path, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
    if (!code) {
        if (x->progress)
            show_progress(&p, vs_sample_planned_frames(s), vs_sample_planned_frames(s), 1);
        x->frames_written += (int64_t)vs_sample_frames(s);
        x->frames_decoded += vs_sample_frames_decoded(s);
        x->backend_used = vs_sample_backend(s);
    }
    vs_sample_close(&s);
    return code;
}

static int out_of_memory(const char *path)
{
    fprintf(stderr, "vsample: %s: out of memory\n", path);
    return EXIT_INTERNAL;
}

void extract_defaults(Extract *x)
{
    memset(x, 0, sizeof(*x));
    plan_options_default(&x->plan);
    view_options_default(&x->view_opts);
    vs_shard_default_settings(&x->shard);
    vs_reader_default_settings(&x->reader);
    x->reader.backend = VS_BACKEND_AUTO;
    x->video_timeout = -1;
}

int extract_option(Extract *x, int argc, char **argv, int *pi)
{
    int r = plan_option(&x->plan, argc, argv, pi);
    if (!r)
        r = view_option(&x->view_opts, argc, argv, pi);
    if (!r)
        r = backend_option(&x->reader, argc, argv, pi);
    if (r)
        return r < 0 ? EXIT_USAGE : 1;
    int i = *pi;
    const char *a = argv[i];
    if (!strcmp(a, "--shard-size")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--shard-size needs a value");
        if (parse_int64(a, argv[++i], 1, INT64_MAX, &n) < 0)
            return EXIT_USAGE;
        x->shard.shard_size = (uint64_t)n;
    } else if (!strcmp(a, "--prefetch")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--prefetch needs a value");
        if (parse_int64(a, argv[++i], 0, 8, &n) < 0)
            return EXIT_USAGE;
        x->reader.prefetch = n ? (int)n : -1;
    } else if (!strcmp(a, "--segments")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--segments needs a value");
        if (parse_int64(a, argv[++i], 1, 4, &n) < 0)
            return EXIT_USAGE;
        x->reader.segments = (int)n;
    } else if (!strcmp(a, "--seek")) {
        if (i + 1 >= argc)
            return usage_error("--seek needs a value");
        const char *v = argv[++i];
        int seek = vs_seek_from_name(v);
        if (seek >= 0)
            x->reader.seek = seek;
        else
            return usage_error("--seek: unknown value '%s' (expected exact or approximate)", v);
    } else if (!strcmp(a, "--video-timeout")) {
        double t;
        if (i + 1 >= argc)
            return usage_error("--video-timeout needs a value");
        if (parse_double(a, argv[++i], &t) < 0)
            return EXIT_USAGE;
        if (!(t >= 0 && t <= 1e7))
            return usage_error("--video-timeout: %s is not between 0 (no limit) and 10000000 seconds", argv[i]);
        x->video_timeout = t;
    } else if (!strcmp(a, "--no-fsync")) {
        x->shard.no_fsync = 1; /* scratch runs: renamed files may lack their data after a crash */
    } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
        x->quiet = 1;
    } else {
        return 0;
    }
    *pi = i;
    return 1;
}

int extract_check_options(Extract *x)
{
    if (vs_backend_available(x->reader.backend, x->reader.gpu) < 0)
        return usage_error("--backend: %s", vs_last_error());
    int code = view_options_build(&x->view_opts, x->views, MAX_VIEWS, &x->nviews);
    return code ? code : check_plan_options(&x->plan);
}

static int parse_args(Extract *x, int argc, char **argv, char ***inputs, int *ninputs)
{
    for (int i = 1; i < argc; i++) {
        int r = extract_option(x, argc, argv, &i);
        if (r == EXIT_USAGE)
            return EXIT_USAGE;
        if (r)
            continue;
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a directory", a);
            x->out_dir = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("extract: unknown option %s", a);
        } else {
            (*inputs)[(*ninputs)++] = argv[i];
        }
    }
    if (!*ninputs)
        return usage_error("extract: no VIDEO given");
    if (!x->out_dir)
        return usage_error("extract: missing -o DIR");
    return extract_check_options(x);
}

int cmd_extract(int argc, char **argv)
{
    Extract x;
    extract_defaults(&x);
    char **inputs = calloc((size_t)argc, sizeof(*inputs));
    int ninputs = 0, code = EXIT_OK;
    if (!inputs)
        return EXIT_INTERNAL;
    if ((code = parse_args(&x, argc, argv, &inputs, &ninputs)) != EXIT_OK)
        goto done;
    x.progress = !x.quiet && isatty(STDERR_FILENO);
    if (x.video_timeout < 0)
        x.video_timeout = 0; /* extract's default: no limit */

    cli_catch_interrupts();

    VsShardWriter *w = NULL;
    int ret = vs_shard_writer_open(&w, x.out_dir, &x.shard);
    if (ret < 0) {
        report_error(x.out_dir, ret);
        code = ret == VS_ERR_INVALID_ARG ? EXIT_USAGE : EXIT_OUTPUT;
        goto done;
    }
    int failed = 0;
    for (int i = 0; i < ninputs; i++) {
        const char *key = make_key(&x, inputs[i]);
        int r = key ? extract_sample(&x, w, inputs[i], key) : out_of_memory(inputs[i]);
        if (r == EXIT_OUTPUT || r == EXIT_INTERRUPTED || r == EXIT_INTERNAL || r == EXIT_USAGE) {
            if (r == EXIT_INTERRUPTED)
                fprintf(stderr, "vsample: interrupted; temporary files removed\n");
            vs_shard_writer_discard(&w);
            code = r;
            goto done;
        }
        failed += r != EXIT_OK;
    }
    if (failed == ninputs) {
        vs_shard_writer_discard(&w); /* nothing to index: leave no file behind */
        code = EXIT_INPUT;
        goto done;
    }
    if ((ret = vs_shard_writer_close(&w)) < 0) {
        report_error(x.out_dir, ret);
        code = EXIT_OUTPUT;
        goto done;
    }
    if (!x.quiet)
        fprintf(stderr, "vsample: %d of %d videos written to %s (%lld frames; %lld decoded; %s backend)\n",
                ninputs - failed, ninputs, x.out_dir, (long long)x.frames_written, (long long)x.frames_decoded,
                vs_backend_name(x.backend_used));
    code = failed ? EXIT_INPUT : EXIT_OK;
done:
    for (size_t i = 0; i < x.nkeys; i++)
        free(x.keys[i]);
    free(x.keys);
    free(inputs);
    return code;
}

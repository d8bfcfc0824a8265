/* Errors, number parsing and plan options shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vsample: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs(" (see vsample --help)\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

int exit_code_for(int err)
{
    switch (err) {
    case VS_ERR_INVALID_ARG: return EXIT_USAGE;
    case VS_ERR_NOT_FOUND:
    case VS_ERR_INVALID_DATA:
    case VS_ERR_NO_VIDEO:
    case VS_ERR_UNSUPPORTED:
    case VS_ERR_IO: return EXIT_INPUT;
    default: return EXIT_INTERNAL;
    }
}

int report_error(const char *path, int err)
{
    const char *msg = vs_last_error();
    if (!msg || !*msg)
        msg = vs_strerror(err);
    if (path && !strstr(msg, path))
        fprintf(stderr, "vsample: %s: %s\n", path, msg);
    else
        fprintf(stderr, "vsample: %s\n", msg);
    return exit_code_for(err);
}

int parse_double(const char *opt, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v)) {
        usage_error("%s: '%s' is not a number", opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

int parse_int64(const char *opt, const char *text, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || errno) {
        usage_error("%s: '%s' is not an integer", opt, text);
        return -1;
    }
    if (v < min || v > max) {
        usage_error("%s: %lld is out of range [%lld, %lld]", opt, v, (long long)min, (long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

void plan_options_default(PlanOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->strategy = "fps:2";
    vs_plan_default_settings(&o->settings);
}

static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        usage_error("%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

int plan_option(PlanOptions *o, int argc, char **argv, int *i)
{
    const char *opt = argv[*i], *v;
    int64_t n;
    if (!strcmp(opt, "--strategy") || !strcmp(opt, "-s")) {
        if (!(v = option_value(argc, argv, i)))
            return -1;
        o->strategy = v;
    } else if (!strcmp(opt, "--start") || !strcmp(opt, "--end")) {
        double t;
        if (!(v = option_value(argc, argv, i)) || parse_double(opt, v, &t) < 0)
            return -1;
        if (t < 0) {
            usage_error("%s: %s is negative", opt, v);
            return -1;
        }
        *(opt[2] == 's' ? &o->settings.start : &o->settings.end) = t;
    } else if (!strcmp(opt, "--min-frames") || !strcmp(opt, "--max-frames")) {
        if (!(v = option_value(argc, argv, i)) || parse_int64(opt, v, 1, 10000000, &n) < 0)
            return -1;
        *(opt[3] == 'i' ? &o->settings.min_frames : &o->settings.max_frames) = n;
    } else if (!strcmp(opt, "--max-tokens")) {
        if (!(v = option_value(argc, argv, i)) || parse_int64(opt, v, 1, INT32_MAX, &n) < 0)
            return -1;
        o->max_tokens = n;
    } else if (!strcmp(opt, "--seed")) {
        if (!(v = option_value(argc, argv, i)) || parse_int64(opt, v, 0, INT64_MAX, &n) < 0)
            return -1;
        o->settings.seed = (uint64_t)n;
    } else if (!strcmp(opt, "--io-timeout")) {
        return io_timeout_option(&o->io_timeout_ms, argc, argv, i);
    } else if (!strcmp(opt, "--threads")) {
        if (!(v = option_value(argc, argv, i)) || parse_int64(opt, v, 0, 256, &n) < 0)
            return -1;
        o->threads = (int)n;
    } else {
        return 0;
    }
    return 1;
}

const char *video_base_name(const char *path, size_t *len)
{
    size_t end = strlen(path);
    if (strstr(path, "://")) /* a URL: its path ends at the query or fragment */
        end = strcspn(path, "?#");
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *len = end - start;
    return path + start;
}

char *unique_video_key(char *const *keys, size_t nkeys, const char *path)
{
    size_t n;
    const char *base = video_base_name(path, &n);
    const char *dot = memrchr(base, '.', n);
    if (dot && dot != base)
        n = (size_t)(dot - base);
    char *stem = n ? strndup(base, n) : strdup("video");
    if (!stem)
        return NULL;
    for (char *p = stem; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' || *p == '/')
            *p = '_';
    char *key = strdup(stem);
    for (int k = 2; key;) {
        int taken = 0;
        for (size_t i = 0; i < nkeys && !taken; i++)
            taken = !strcmp(keys[i], key);
        if (!taken)
            break;
        free(key);
        if (asprintf(&key, "%s-%d", stem, k++) < 0)
            key = NULL;
    }
    free(stem);
    return key;
}

int io_timeout_option(int *ms, int argc, char **argv, int *i)
{
    if (strcmp(argv[*i], "--io-timeout"))
        return 0;
    if (*i + 1 >= argc)
        return usage_error("--io-timeout needs a value"), -1;
    const char *v = argv[++*i];
    double t;
    if (parse_double("--io-timeout", v, &t) < 0)
        return -1;
    if (!(t >= 0.001 && t <= 86400))
        return usage_error("--io-timeout: %s is not between 0.001 and 86400 seconds", v), -1;
    *ms = (int)ceil(t * 1000);
    return 1;
}

int open_and_plan(const char *path, const PlanOptions *o, VsSource **src, VsPlan **plan)
{
    VsSourceSettings ss;
    VsPlanInput in;
    vs_source_default_settings(&ss);
    ss.threads = o->threads;
    ss.scan = vs_strategy_needs_scan(o->strategy);
    ss.io_timeout_ms = o->io_timeout_ms;
    ss.interrupt = cli_interrupt_requested;
    int ret = vs_source_open(src, path, &ss);
    if (ret < 0)
        return ret;
    if ((vs_strategy_needs_analysis(o->strategy) && (ret = vs_source_analyze(*src)) < 0) ||
        (ret = vs_source_plan_input(*src, &in)) < 0 ||
        (ret = vs_plan_create(plan, &in, o->strategy, &o->settings)) < 0 ||
        (ret = vs_plan_dedup(*plan, *src, NULL)) < 0) { /* dedup: the frames decide what is dropped */
        vs_plan_free(plan);
        vs_source_close(src);
    }
    return ret;
}

int backend_option(VsReaderSettings *rs, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--backend") && strcmp(a, "--gpu"))
        return 0;
    if (*i + 1 >= argc)
        return usage_error("%s needs a value", a), -1;
    const char *v = argv[++*i];
    if (!strcmp(a, "--gpu")) {
        int64_t n;
        if (parse_int64(a, v, 0, 64, &n) < 0)
            return -1;
        rs->gpu = (int)n;
        if (rs->backend == VS_BACKEND_AUTO)
            rs->backend = VS_BACKEND_VULKAN; /* a device named is a device wanted */
        return 1;
    }
    int k = vs_backend_from_name(v);
    if (k >= 0) {
        rs->backend = k;
        return 1;
    }
    return usage_error("--backend: unknown value '%s' (expected auto, vulkan or cpu)", v), -1;
}

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "cli_interrupted is set from a signal handler: it must be lock-free");
atomic_int cli_interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

int cli_interrupt_requested(void *opaque)
{
    (void)opaque;
    return cli_interrupted;
}

void cli_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

json_t *cli_json_real(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *cli_json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j || !s)
        return j;
    char *t = strdup(s);
    for (char *p = t; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = t ? json_string(t) : NULL;
    free(t);
    return j;
}

json_t *cli_json_text_or_null(const char *s)
{
    return s ? cli_json_text(s) : json_null();
}

int cli_json_print(FILE *f, json_t *v, size_t flags)
{
    int rc = v && json_dumpf(v, f, flags) == 0 && fputc('\n', f) != EOF ? 0 : -1;
    json_decref(v);
    return rc;
}

/* vsample pack SRC... -o DIR [--shard-size BYTES] [--no-fsync] [--quiet]:
 * every sample of extract and batch outputs, sorted by key, into size-capped
 * shards of many samples each, through the library's shard writer with its
 * compact index (VS_SHARD_INDEX_SHARDS). docs/SCALE.md says why the layout.
 *
 * Re-runnable after a crash: the output is a pure function of the sources
 * and the shard size, and a run starts by removing what an earlier pack left
 * in DIR (its index first), so a re-run after kill -9 writes the same bytes
 * as an uninterrupted run; until index.json is back, DIR is not an output. */
#include "cli.h"
#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* shard-NNNNN.safetensors, or a temporary of the shard writer (.shard-*.tmp, .index.json.tmp) */
static int ours(const char *name)
{
    int n = 0, k = 0;
    size_t len = strlen(name);
    if (sscanf(name, "shard-%d.safetensors%n", &k, &n) == 1 && (size_t)n == len)
        return 1;
    return (!strncmp(name, ".shard-", 7) || !strcmp(name, ".index.json.tmp")) && len > 4 &&
           !strcmp(name + len - 4, ".tmp");
}

/* DIR made ready: it must be empty of anything but an earlier pack's files,
 * which are removed (its index.json first, so that DIR never names shards
 * that are gone). EXIT_OK, or EXIT_USAGE / EXIT_OUTPUT (reported). */
static int clear_dir(const char *dir, int sync)
{
    char *index = NULL;
    if (asprintf(&index, "%s/index.json", dir) < 0)
        return EXIT_INTERNAL;
    json_error_t err;
    json_t *x = json_load_file(index, 0, &err);
    const char *format = json_string_value(json_object_get(x, "format"));
    struct stat st;
    int code = EXIT_OK;
    if (!x && stat(index, &st) == 0) {
        fprintf(stderr, "vsample: pack: %s: not a pack output (its index.json: %s); give an empty or new -o DIR\n",
                dir, err.text);
        code = EXIT_USAGE;
    } else if (x && (!format || strcmp(format, "vsample-pack"))) {
        fprintf(stderr, "vsample: pack: %s holds another output (%s); give an empty or new -o DIR\n", dir,
                format ? format : "unknown format");
        code = EXIT_USAGE;
    } else if (x && unlink(index) < 0) {
        fprintf(stderr, "vsample: %s: cannot remove: %s\n", index, strerror(errno));
        code = EXIT_OUTPUT;
    } else if (x && sync) {
        /* the removal lasts before any shard changes */
        DIR *d = opendir(dir);
        if (d && fsync(dirfd(d)) < 0 && errno != EINVAL) {
            fprintf(stderr, "vsample: %s: fsync failed: %s\n", dir, strerror(errno));
            code = EXIT_OUTPUT;
        }
        if (d)
            closedir(d);
    }
    json_decref(x);
    free(index);
    DIR *d = code ? NULL : opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (!ours(de->d_name))
            continue;
        char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, de->d_name) >= 0 && unlink(p) < 0 && errno != ENOENT) {
            fprintf(stderr, "vsample: %s: cannot remove: %s\n", p, strerror(errno));
            code = EXIT_OUTPUT;
        }
        free(p);
    }
    if (d)
        closedir(d);
    return code;
}

/* DIR is one of the sources, or inside one (judged by its nearest existing
 * ancestor when it does not exist yet). */
static const char *overlaps(const char *dir, const char **src, int nsrc)
{
    char d[PATH_MAX], s[PATH_MAX], up[PATH_MAX];
    snprintf(up, sizeof(up), "%s", dir);
    while (!realpath(up, d)) {
        char *slash = strrchr(up, '/');
        if (!slash || slash == up) {
            snprintf(up, sizeof(up), "%s", slash == up ? "/" : ".");
            if (!realpath(up, d))
                return NULL;
            break;
        }
        *slash = 0;
    }
    for (int i = 0; i < nsrc; i++) {
        size_t n;
        if (realpath(src[i], s) && !strncmp(d, s, n = strlen(s)) && (d[n] == '/' || d[n] == 0))
            return src[i];
    }
    return NULL;
}

int cmd_pack(int argc, char **argv)
{
    const char *dir = NULL, **src = calloc((size_t)argc, sizeof(*src));
    int nsrc = 0, quiet = 0, code = EXIT_OK;
    VsShardSettings set;
    vs_shard_default_settings(&set);
    set.index_format = VS_SHARD_INDEX_SHARDS;
    if (!src)
        return EXIT_INTERNAL;
    for (int i = 1; i < argc && !code; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc)
                code = usage_error("%s needs a directory", a);
            else
                dir = argv[++i];
        } else if (!strcmp(a, "--shard-size")) {
            int64_t n;
            if (i + 1 >= argc)
                code = usage_error("--shard-size needs a value");
            else if (parse_int64(a, argv[++i], 1, INT64_MAX, &n) < 0)
                code = EXIT_USAGE;
            else
                set.shard_size = (uint64_t)n;
        } else if (!strcmp(a, "--no-fsync")) {
            set.no_fsync = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            code = usage_error("pack: unknown option %s", a);
        } else {
            src[nsrc++] = a;
        }
    }
    if (!code && !nsrc)
        code = usage_error("pack: no SRC given (extract or batch output directories)");
    if (!code && !dir)
        code = usage_error("pack: missing -o DIR");
    const char *o = code ? NULL : overlaps(dir, src, nsrc);
    if (o)
        code = usage_error("pack: -o %s is inside the source %s", dir, o);
    if (code) {
        free(src);
        return code;
    }

    double t0 = now();
    PackList list;
    PackFiles *files = NULL;
    VsShardWriter *w = NULL;
    int64_t frames = 0;
    uint64_t bytes = 0;
    if ((code = pack_list(&list, src, (size_t)nsrc)))
        goto done;
    if (!list.n) {
        code = usage_error("pack: the sources hold no sample");
        goto done;
    }
    cli_catch_interrupts();
    struct stat st;
    if (stat(dir, &st) == 0 && (code = clear_dir(dir, !set.no_fsync)))
        goto done;
    int rc = vs_shard_writer_open(&w, dir, &set);
    if (rc < 0) {
        report_error(dir, rc);
        code = rc == VS_ERR_INVALID_ARG ? EXIT_USAGE : EXIT_OUTPUT;
        goto done;
    }
    if (pack_files_open(&files) < 0) {
        code = EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < list.n && !code; i++) {
        if (cli_interrupted) {
            code = EXIT_INTERRUPTED;
            break;
        }
        code = pack_sample(files, &list, &list.v[i], w, dir, &frames, &bytes);
        if (!quiet && isatty(STDERR_FILENO) && (i % 64 == 63 || i + 1 == list.n))
            fprintf(stderr, "\rvsample: pack: %zu/%zu samples", i + 1, list.n);
    }
    if (!quiet && isatty(STDERR_FILENO))
        fputc('\n', stderr);
    if (code) {
        if (code == EXIT_INTERRUPTED)
            fprintf(stderr, "vsample: interrupted; temporary files removed (a re-run packs again)\n");
        vs_shard_writer_discard(&w);
        goto done;
    }
    if ((rc = vs_shard_writer_close(&w)) < 0) {
        report_error(dir, rc);
        code = EXIT_OUTPUT;
        goto done;
    }
    double dt = now() - t0;
    if (!quiet)
        fprintf(stderr, "vsample: pack: %zu samples (%lld frames) from %d source%s into %s: %.1f MB of tensors "
                "in %.2f s (%.0f samples/s, %.1f MB/s)\n", list.n, (long long)frames, nsrc, nsrc > 1 ? "s" : "",
                dir, bytes / 1e6, dt, dt > 0 ? list.n / dt : 0.0, dt > 0 ? bytes / 1e6 / dt : 0.0);
done:
    vs_shard_writer_discard(&w);
    pack_files_close(&files);
    pack_list_free(&list);
    free(src);
    return code;
}

/* vsample verify DIR: re-read every shard an extract, batch or pack output
 * lists and check it (vs_shard_verify: size and SHA-256 where the index
 * records them, and the safetensors structure). One line per bad shard;
 * EXIT_CORRUPT when there is any. */
#include "cli.h"
#include "vsample/shard.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Shard {
    const char *name; /* relative to DIR, borrowed from the index */
    int64_t bytes;    /* -1: not recorded */
    const char *sha256;
} Shard;

typedef struct Shards {
    Shard *v;
    size_t n, cap;
} Shards;

static int add(Shards *s, const char *name, json_t *info)
{
    for (size_t i = 0; i < s->n; i++) // a shard named by several samples' parts is checked once
        if (!strcmp(s->v[i].name, name))
            return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        Shard *v = realloc(s->v, cap * sizeof(*v));
        if (!v)
            return -1;
        s->v = v, s->cap = cap;
    }
    json_t *b = json_object_get(info, "bytes");
    s->v[s->n++] = (Shard){name, json_is_integer(b) ? json_integer_value(b) : -1,
                           json_string_value(json_object_get(info, "sha256"))};
    return 0;
}

/* A shard name from an index: a relative path that stays inside DIR. */
static int inside(const char *name)
{
    if (!*name || name[0] == '/' || strstr(name, "\\"))
        return 0;
    for (const char *p = name; p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p = slash ? slash + 1 : NULL;
    }
    return 1;
}

/* The shards an index lists: "vsample-shards" (extract, batch: "shards", the
 * parts' shards, "files" for sizes and hashes) or "vsample-pack". NULL or why not. */
static const char *list_shards(json_t *index, Shards *out)
{
    const char *format = json_string_value(json_object_get(index, "format"));
    json_t *shards = json_object_get(index, "shards"), *v, *files = json_object_get(index, "files");
    size_t i;
    if (!json_is_object(index) || !format || json_integer_value(json_object_get(index, "version")) != 1 ||
        !json_is_array(shards))
        return "not a vsample index";
    if (!strcmp(format, "vsample-pack")) {
        json_array_foreach(shards, i, v) {
            const char *name = json_string_value(json_object_get(v, "name"));
            if (!name)
                return "a shard without \"name\"";
            if (add(out, name, v) < 0)
                return "out of memory";
        }
        return NULL;
    }
    if (strcmp(format, "vsample-shards"))
        return "not a vsample index";
    json_array_foreach(shards, i, v) {
        const char *name = json_string_value(v);
        if (!name)
            return "a shard name is not a string";
        if (add(out, name, json_object_get(files, name)) < 0)
            return "out of memory";
    }
    const char *key;
    json_t *sample, *part;
    json_object_foreach(json_object_get(index, "samples"), key, sample) {
        json_array_foreach(json_object_get(sample, "parts"), i, part) {
            const char *name = json_string_value(json_object_get(part, "shard"));
            if (!name)
                return "a part without \"shard\"";
            if (add(out, name, json_object_get(files, name)) < 0)
                return "out of memory";
        }
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int cmd_verify(int argc, char **argv)
{
    const char *dir = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("verify: unknown option %s", argv[i]);
        else if (dir)
            return usage_error("verify: one DIR only (%s, then %s)", dir, argv[i]);
        else
            dir = argv[i];
    }
    if (!dir)
        return usage_error("verify: no DIR given");
    char *path = NULL;
    if (asprintf(&path, "%s/index.json", dir) < 0)
        return EXIT_INTERNAL;
    json_error_t err;
    json_t *index = json_load_file(path, 0, &err);
    Shards s = {0};
    const char *why = index ? list_shards(index, &s) : NULL;
    int code = EXIT_OK;
    if (!index || why) {
        fprintf(stderr, "vsample: %s: %s\n", path, index ? why : err.text);
        code = why && !strcmp(why, "out of memory") ? EXIT_INTERNAL : EXIT_CORRUPT;
        goto done;
    }
    double t0 = now();
    uint64_t total = 0;
    size_t bad = 0;
    for (size_t i = 0; i < s.n; i++) {
        char *file = NULL;
        if (!inside(s.v[i].name)) {
            fprintf(stderr, "vsample: %s: shard name '%s' is not a path inside %s\n", path, s.v[i].name, dir);
            bad++;
            continue;
        }
        if (asprintf(&file, "%s/%s", dir, s.v[i].name) < 0) {
            code = EXIT_INTERNAL;
            break;
        }
        int rc = vs_shard_verify(file, s.v[i].bytes, s.v[i].sha256);
        if (rc == VS_ERR_NOMEM) {
            report_error(file, rc);
            code = EXIT_INTERNAL;
            free(file);
            break;
        }
        if (rc) {
            fprintf(stderr, "vsample: %s\n", vs_last_error()); // names the file and the cause
            bad++;
        } else {
            total += s.v[i].bytes > 0 ? (uint64_t)s.v[i].bytes : 0;
        }
        free(file);
    }
    double dt = now() - t0;
    if (!code && bad)
        code = EXIT_CORRUPT;
    if (!code && !quiet)
        fprintf(stderr, "vsample: verify: %s: %zu shard%s good (%.1f MB, %.1f MB/s)\n", dir, s.n,
                s.n == 1 ? "" : "s", total / 1e6, dt > 0 ? total / 1e6 / dt : 0.0);
    else if (code == EXIT_CORRUPT && !quiet)
        fprintf(stderr, "vsample: verify: %s: %zu of %zu shards bad\n", dir, bad, s.n);
done:
    json_decref(index);
    free(s.v);
    free(path);
    return code;
}

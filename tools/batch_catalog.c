/* The catalogues of vsample batch, rebuilt from what is committed:
 * index.json (which sample lives in which shard, the extract writer's format
 * with shard paths "samples/KEY/shard-NNNNN.safetensors") and errors.jsonl.
 *
 * Each sample's own DIR/samples/KEY/index.json was written by the shard
 * writer:
 *     {"format": "vsample-shards", "version": 1, "shards": [...],
 *      "samples": {"KEY": {"frames": T, "parts": [{"shard": "shard-00000.safetensors",
 *                                                   "start": S, "end": E}, ...],
 *                          "metadata": {...}}}}
 * The catalogues are written in that same format, so they are read back the
 * same way (jansson) when partitions are merged. Every rebuild runs under
 * flock(DIR/.lock), so two partitions finishing together cannot lose each
 * other's samples, and writes each file under a temporary name and renames it. */
#include "batch.h"
#include "batch_index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* An index file in the writer's format into out (index_parse). */
static const char *parse_index(const char *path, const char *prefix, const char *want_key, Entries *out,
                               char *buf, size_t size)
{
    json_error_t err;
    json_t *index = json_load_file(path, 0, &err);
    return index_parse(index, &err, prefix, want_key, out, buf, size);
}

/* DIR/samples/KEY/index.json into es; 1 read, 0 not committed, -1 unusable
 * (reported; the sample is left out of the catalogue). */
static int read_sample(const char *dir, const char *key, Entries *es)
{
    char *path = NULL, *prefix = NULL;
    if (asprintf(&path, "%s/samples/%s/index.json", dir, key) < 0 ||
        asprintf(&prefix, "samples/%s/", key) < 0) {
        es->oom = 1;
        free(path);
        return -1;
    }
    int rc = 1;
    struct stat st;
    if (stat(path, &st) < 0) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc)
            fprintf(stderr, "vsample: %s: cannot read: %s\n", path, strerror(errno));
    } else {
        char buf[512];
        const char *why = parse_index(path, prefix, key, es, buf, sizeof(buf));
        if (why) {
            fprintf(stderr, "vsample: %s: %s; left out of the catalogue (remove %s/samples/%s to redo it)\n",
                    path, why, dir, key);
            rc = -1;
        }
    }
    free(prefix);
    free(path);
    return rc;
}

static char *errors_text(Entries *es)
{
    entries_sort(es);
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        return NULL;
    int ok = 1;
    for (size_t i = 0; i < es->n; i++)
        ok = ok && cli_json_print(f, json_incref(es->v[i].error), 0) == 0;
    if (fclose(f) != 0 || !ok) {
        free(out);
        return NULL;
    }
    return out;
}

/* The lines of an errors file into es (the key read from each line); lines
 * that are not such objects are reported and dropped. */
static void read_errors(const char *path, Entries *es)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (f && getline(&line, &cap, f) >= 0) {
        n++;
        json_error_t err;
        json_t *o = json_loads(line, 0, &err);
        const char *key = json_string_value(json_object_get(o, "key"));
        if (!key) {
            if (o)
                fprintf(stderr, "vsample: %s:%d: no \"key\"; line dropped\n", path, n);
            else
                fprintf(stderr, "vsample: %s:%d: %s (column %d); line dropped\n", path, n, err.text, err.column);
            json_decref(o);
            continue;
        }
        Entry *e = entries_push(es);
        if (e && (e->key = strdup(key)))
            e->error = o;
        else
            es->oom = 1, json_decref(o);
    }
    free(line);
    if (f)
        fclose(f);
}

static int write_file(const char *dir, const char *name, char *text, int sync)
{
    int rc = 0;
    if (!text) {
        fprintf(stderr, "vsample: %s/%s: out of memory\n", dir, name);
        return EXIT_INTERNAL;
    }
    if (fs_write_atomic(dir, name, text, strlen(text), sync) < 0) {
        fprintf(stderr, "vsample: %s/%s: cannot write: %s\n", dir, name, strerror(errno));
        rc = EXIT_OUTPUT;
    }
    free(text);
    return rc;
}

/* Exclusive lock on DIR/.lock; -1 reported. Temporaries of a rebuild that
 * was killed are removed once it is held: nobody else writes any then. */
static int lock_dir(const char *dir)
{
    char *path = fs_join(dir, ".lock");
    int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;
    while (fd >= 0 && flock(fd, LOCK_EX) < 0 && errno == EINTR) {
    }
    if (fd < 0)
        fprintf(stderr, "vsample: %s: cannot lock: %s\n", path ? path : dir, strerror(errno));
    free(path);
    DIR *d = fd >= 0 ? opendir(dir) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (de->d_name[0] == '.' && n > 4 && !strcmp(de->d_name + n - 4, ".tmp")) {
            char *p = fs_join(dir, de->d_name);
            if (p)
                unlink(p);
            free(p);
        }
    }
    if (d)
        closedir(d);
    return fd;
}

/* This partition's errors as Entries. */
static void own_errors(const Batch *b, Entries *es)
{
    for (size_t i = 0; i < b->m.n; i++) {
        if (b->state[i] != UNIT_FAILED)
            continue;
        const BatchEntry *be = &b->m.e[i];
        Entry *e = entries_push(es);
        if (!e)
            return;
        e->error = json_pack("{s:o, s:o, s:o, s:i}", "key", cli_json_text(be->key), "path", cli_json_text(be->path),
                             "error", cli_json_text(b->error[i] ? b->error[i] : "failed"), "exit_code",
                             b->error_code[i]);
        if (e->error && b->timed_out[i] && json_object_set_new(e->error, "cause", json_string("timeout")) < 0)
            json_decref(e->error), e->error = NULL;
        if (!e->error || !(e->key = strdup(be->key)))
            es->oom = 1;
    }
}

static int cmp_unit_key(const void *a, const void *b, void *arg)
{
    const Manifest *m = arg;
    return strcmp(m->e[*(const size_t *)a].key, m->e[*(const size_t *)b].key);
}

/* This partition's errors file of the last run. */
static char *errors_path(const Batch *b)
{
    char name[64];
    if (b->nparts > 1)
        snprintf(name, sizeof(name), "errors-%d-of-%d.jsonl", b->part, b->nparts);
    else
        snprintf(name, sizeof(name), "errors.jsonl");
    return fs_join(b->dir, name);
}

void catalog_previous_timeouts(Batch *b)
{
    Entries es = {0};
    char *path = errors_path(b);
    size_t *order = b->m.n ? malloc(b->m.n * sizeof(*order)) : NULL;
    if (path && order)
        read_errors(path, &es);
    for (size_t i = 0; order && i < b->m.n; i++)
        order[i] = i;
    if (es.n && b->m.n > 1) /* keys are unique in a manifest: found by binary search */
        qsort_r(order, b->m.n, sizeof(*order), cmp_unit_key, &b->m);
    for (size_t i = 0; i < es.n; i++) {
        const char *error = json_string_value(json_object_get(es.v[i].error, "error"));
        const char *cause = json_string_value(json_object_get(es.v[i].error, "cause"));
        if (!cause || strcmp(cause, "timeout"))
            continue;
        size_t lo = 0, hi = b->m.n, u = (size_t)-1;
        while (lo < hi && u == (size_t)-1) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(b->m.e[order[mid]].key, es.v[i].key);
            if (!c)
                u = order[mid];
            else if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (u == (size_t)-1 || b->state[u] != UNIT_PENDING)
            continue; /* not this manifest's any more, or done since (--retry-timeouts) */
        b->state[u] = UNIT_FAILED;
        b->error[u] = strdup(error ? error : "timed out");
        b->error_code[u] = (int)json_integer_value(json_object_get(es.v[i].error, "exit_code"));
        if (!b->error_code[u])
            b->error_code[u] = EXIT_INPUT;
        b->timed_out[u] = 1;
        b->failed++;
        b->timed_out_before++;
    }
    entries_free(&es);
    free(order);
    free(path);
}

/* Merge index-J-of-K.json and errors-J-of-K.jsonl of every J into index.json
 * and errors.jsonl, when all K partitions have written theirs. */
static int merge_partitions(const char *dir, int nparts, int sync)
{
    Entries idx = {0}, err = {0};
    int code = EXIT_OK;
    for (int j = 0; j < nparts && !code; j++) {
        char name[64];
        snprintf(name, sizeof(name), "index-%d-of-%d.json", j, nparts);
        char *path = fs_join(dir, name), buf[512];
        struct stat st;
        if (path && stat(path, &st) < 0 && errno == ENOENT) { /* not yet: its own run merges */
            free(path);
            entries_free(&idx);
            entries_free(&err);
            return EXIT_OK;
        }
        const char *why = path ? parse_index(path, NULL, NULL, &idx, buf, sizeof(buf)) : "out of memory";
        if (why) {
            fprintf(stderr, "vsample: %s: %s\n", path ? path : name, why);
            code = EXIT_OUTPUT;
        }
        free(path);
        snprintf(name, sizeof(name), "errors-%d-of-%d.jsonl", j, nparts);
        if ((path = fs_join(dir, name)))
            read_errors(path, &err);
        free(path);
    }
    if (!code && (idx.oom || err.oom))
        code = EXIT_INTERNAL;
    if (!code)
        code = write_file(dir, "index.json", index_text(&idx), sync);
    if (!code)
        code = write_file(dir, "errors.jsonl", errors_text(&err), sync);
    entries_free(&idx);
    entries_free(&err);
    return code;
}

int catalog_update(const Batch *b)
{
    int fd = lock_dir(b->dir);
    if (fd < 0)
        return EXIT_OUTPUT;
    Entries idx = {0}, err = {0};
    int code = EXIT_OK;
    for (size_t i = 0; i < b->m.n; i++)
        read_sample(b->dir, b->m.e[i].key, &idx);
    own_errors(b, &err);
    char iname[64], ename[64];
    if (b->nparts > 1) {
        snprintf(iname, sizeof(iname), "index-%d-of-%d.json", b->part, b->nparts);
        snprintf(ename, sizeof(ename), "errors-%d-of-%d.jsonl", b->part, b->nparts);
    } else {
        snprintf(iname, sizeof(iname), "index.json");
        snprintf(ename, sizeof(ename), "errors.jsonl");
    }
    if (idx.oom || err.oom)
        code = EXIT_INTERNAL;
    int sync = !b->x.shard.no_fsync;
    if (!code)
        code = write_file(b->dir, ename, errors_text(&err), sync);
    if (!code)
        code = write_file(b->dir, iname, index_text(&idx), sync);
    if (!code && b->nparts > 1)
        code = merge_partitions(b->dir, b->nparts, sync);
    if (code == EXIT_INTERNAL)
        fprintf(stderr, "vsample: %s: out of memory while writing the catalogue\n", b->dir);
    entries_free(&idx);
    entries_free(&err);
    close(fd);
    return code;
}

static int is_partition_errors(const char *name)
{
    int j, k, n = 0;
    return sscanf(name, "errors-%d-of-%d.jsonl%n", &j, &k, &n) == 2 && n == (int)strlen(name);
}

int catalog_merge_dir(const char *dir)
{
    char *samples = fs_join(dir, "samples");
    DIR *d = samples ? opendir(samples) : NULL;
    if (!d) {
        fprintf(stderr, "vsample: %s: cannot read: %s\n", samples ? samples : dir, strerror(errno));
        free(samples);
        return errno == ENOENT ? EXIT_USAGE : EXIT_OUTPUT;
    }
    int fd = lock_dir(dir);
    if (fd < 0) {
        closedir(d);
        free(samples);
        return EXIT_OUTPUT;
    }
    Entries idx = {0}, err = {0}, kept = {0};
    struct dirent *de;
    while ((de = readdir(d)))
        if (!batch_key_problem(de->d_name))
            read_sample(dir, de->d_name, &idx);
    closedir(d);
    free(samples);
    /* errors: every partition's, or errors.jsonl of an unpartitioned run */
    DIR *top = opendir(dir);
    int partitions = 0;
    while (top && (de = readdir(top)))
        if (is_partition_errors(de->d_name)) {
            char *p = fs_join(dir, de->d_name);
            if (p)
                read_errors(p, &err);
            free(p);
            partitions = 1;
        }
    if (top)
        closedir(top);
    if (!partitions) {
        char *p = fs_join(dir, "errors.jsonl");
        if (p)
            read_errors(p, &err);
        free(p);
    }
    entries_sort(&idx);
    entries_sort(&err);
    const char *prev = NULL;
    for (size_t i = 0; i < err.n; i++) { /* less the keys now done, each key once */
        Entry probe = {err.v[i].key, NULL, NULL};
        if ((prev && !strcmp(err.v[i].key, prev)) ||
            (idx.n && bsearch(&probe, idx.v, idx.n, sizeof(*idx.v), entry_cmp)))
            continue;
        Entry *e = entries_push(&kept);
        if (e) {
            *e = err.v[i]; /* moved: kept frees it */
            err.v[i] = (Entry){0};
            prev = e->key;
        }
    }
    int code = idx.oom || err.oom || kept.oom ? EXIT_INTERNAL : EXIT_OK;
    if (!code)
        code = write_file(dir, "errors.jsonl", errors_text(&kept), 1);
    if (!code)
        code = write_file(dir, "index.json", index_text(&idx), 1);
    if (code == EXIT_INTERNAL)
        fprintf(stderr, "vsample: %s: out of memory while writing the catalogue\n", dir);
    entries_free(&idx);
    entries_free(&err);
    entries_free(&kept);
    close(fd);
    return code;
}

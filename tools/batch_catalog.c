/* The catalogues of vsample batch, rebuilt from what is committed:
 * index.json (which sample lives in which shard, the extract writer's format
 * with shard paths "samples/KEY/shard-NNNNN.safetensors") and errors.jsonl.
 *
 * Each sample's own DIR/samples/KEY/index.json was written by the shard
 * writer, one sample a line:
 *     {"format": "vsample-shards", "version": 1,
 *      "shards": [...],
 *      "samples": {
 *       "KEY": {"frames": T, "parts": [{"shard": "shard-00000.safetensors", ...}], "metadata": {...}}
 *      }}
 * The catalogues are written in that same layout, so they are read back the
 * same way when partitions are merged. Keys hold only [A-Za-z0-9_.-]: no
 * escapes, no brackets. Every rebuild runs under flock(DIR/.lock), so two
 * partitions finishing together cannot lose each other's samples, and writes
 * each file under a temporary name and renames it. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Entry {
    char *key;
    char *value; /* {"frames": ..., "parts": [...], "metadata": {...}}, shard paths from DIR */
    char *line;  /* an errors.jsonl line */
} Entry;

typedef struct Entries {
    Entry *v;
    size_t n, cap;
    int oom;
} Entries;

static Entry *push(Entries *es)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? 2 * es->cap : 64;
        Entry *v = realloc(es->v, cap * sizeof(*v));
        if (!v) {
            es->oom = 1;
            return NULL;
        }
        es->v = v;
        es->cap = cap;
    }
    Entry *e = &es->v[es->n++];
    memset(e, 0, sizeof(*e));
    return e;
}

static void entries_free(Entries *es)
{
    for (size_t i = 0; i < es->n; i++) {
        free(es->v[i].key);
        free(es->v[i].value);
        free(es->v[i].line);
    }
    free(es->v);
    memset(es, 0, sizeof(*es));
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->key, ((const Entry *)b)->key);
}

static void sort_entries(Entries *es)
{
    if (es->n > 1) /* (qsort's base must not be NULL, even for nothing) */
        qsort(es->v, es->n, sizeof(*es->v), cmp_entry);
}

static const char PARTS[] = "\"parts\": [", META[] = "], \"metadata\": ", SHARD[] = "\"shard\": \"";

/* The value of one entry line with prefix put before every shard name. */
static char *rewrite_parts(const char *value, const char *prefix)
{
    const char *p = strstr(value, PARTS), *end = p ? strstr(p, META) : NULL;
    if (!p || !end || strncmp(value, "{\"frames\": ", 11))
        return NULL;
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        return NULL;
    const char *s = value;
    for (const char *q = p; (q = strstr(q, SHARD)) && q < end; q += sizeof(SHARD) - 1) {
        fwrite(s, 1, (size_t)(q - s) + sizeof(SHARD) - 1, f);
        fputs(prefix, f);
        s = q + sizeof(SHARD) - 1;
    }
    fputs(s, f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The sample lines of an index file in the writer's layout. prefix (or NULL)
 * goes before each shard name; want_key (or NULL): the one key it must hold. */
static const char *parse_lines(char *text, const char *prefix, const char *want_key, Entries *out)
{
    char *s = strstr(text, "\n \"samples\": {");
    if (strncmp(text, "{\"format\": \"vsample-shards\", \"version\": 1,", 42) || !s)
        return "not a vsample index";
    size_t found = 0;
    for (char *line = strchr(s + 1, '\n'), *next; line; line = next) {
        line++;
        next = strchr(line, '\n');
        if (next)
            *next = 0;
        if (strncmp(line, "  \"", 3))
            continue;
        char *key = line + 3, *q = strchr(key, '"');
        if (!q || strncmp(q, "\": {", 4) || memchr(key, '\\', (size_t)(q - key)))
            return "not a vsample index";
        *q = 0;
        char *value = q + 3;
        size_t n = strlen(value);
        if (n && value[n - 1] == ',')
            value[--n] = 0;
        if (n < 2 || value[n - 1] != '}' || !strstr(value, PARTS) || !strstr(value, META))
            return "not a vsample index";
        if (want_key && strcmp(key, want_key))
            return "holds another key";
        Entry *e = push(out);
        if (!e)
            return "out of memory";
        e->key = strdup(key);
        e->value = prefix ? rewrite_parts(value, prefix) : strdup(value);
        if (!e->key || !e->value)
            return "out of memory";
        found++;
    }
    return want_key && found != 1 ? "does not hold exactly its sample" : NULL;
}

/* parse_lines, all or nothing: out is as it was when the file is refused. */
static const char *parse_index(char *text, const char *prefix, const char *want_key, Entries *out)
{
    size_t n = out->n;
    const char *why = parse_lines(text, prefix, want_key, out);
    while (why && out->n > n) {
        Entry *e = &out->v[--out->n];
        free(e->key);
        free(e->value);
        free(e->line);
    }
    return why;
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
    char *text = fs_read(path, NULL);
    if (!text) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc)
            fprintf(stderr, "vsample: %s: cannot read: %s\n", path, strerror(errno));
    } else {
        const char *why = parse_index(text, prefix, key, es);
        if (why) {
            fprintf(stderr, "vsample: %s: %s; left out of the catalogue (remove %s/samples/%s to redo it)\n",
                    path, why, dir, key);
            rc = -1;
        }
    }
    free(text);
    free(prefix);
    free(path);
    return rc;
}

static char *index_text(Entries *es)
{
    sort_entries(es);
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        return NULL;
    fputs("{\"format\": \"vsample-shards\", \"version\": 1,\n \"shards\": [", f);
    int first = 1;
    for (size_t i = 0; i < es->n; i++) {
        const char *v = es->v[i].value, *end = strstr(v, META);
        for (const char *q = v; (q = strstr(q, SHARD)) && q < end;) {
            q += sizeof(SHARD) - 1;
            const char *e = strchr(q, '"');
            fprintf(f, "%s\"%.*s\"", first ? "" : ", ", (int)(e - q), q);
            first = 0;
        }
    }
    fputs("],\n \"samples\": {", f);
    for (size_t i = 0; i < es->n; i++)
        fprintf(f, "%s\"%s\": %s", i ? ",\n  " : "\n  ", es->v[i].key, es->v[i].value);
    fputs(es->n ? "\n }}\n" : "}}\n", f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static char *errors_text(Entries *es)
{
    sort_entries(es);
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    if (!f)
        return NULL;
    for (size_t i = 0; i < es->n; i++)
        fprintf(f, "%s\n", es->v[i].line);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* The lines of an errors file into es (the key read from each line). */
static void read_errors(const char *path, Entries *es)
{
    char *text = fs_read(path, NULL);
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (strncmp(line, "{\"key\": \"", 9))
            continue;
        char *q = strchr(line + 9, '"');
        Entry *e = q ? push(es) : NULL;
        if (e && (!(e->key = strndup(line + 9, (size_t)(q - line - 9))) || !(e->line = strdup(line))))
            es->oom = 1;
    }
    free(text);
}

static int write_file(const char *dir, const char *name, char *text)
{
    int rc = 0;
    if (!text) {
        fprintf(stderr, "vsample: %s/%s: out of memory\n", dir, name);
        return EXIT_INTERNAL;
    }
    if (fs_write_atomic(dir, name, text, strlen(text)) < 0) {
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

static void error_line(FILE *f, const BatchEntry *e, const char *error, int code)
{
    fprintf(f, "{\"key\": \"%s\", \"path\": ", e->key);
    json_string(f, e->path);
    fputs(", \"error\": ", f);
    json_string(f, error);
    fprintf(f, ", \"exit_code\": %d}", code);
}

/* This partition's errors as Entries. */
static void own_errors(const Batch *b, Entries *es)
{
    for (size_t i = 0; i < b->m.n; i++) {
        if (b->state[i] != UNIT_FAILED)
            continue;
        const BatchEntry *be = &b->m.e[i];
        Entry *e = push(es);
        size_t size;
        FILE *f = e ? open_memstream(&e->line, &size) : NULL;
        if (f) {
            error_line(f, be, b->error[i] ? b->error[i] : "failed", b->error_code[i]);
            if (fclose(f) != 0)
                e->line = NULL;
        }
        if (!e || !f || !e->line || !(e->key = strdup(be->key)))
            es->oom = 1;
    }
}

/* Merge index-J-of-K.json and errors-J-of-K.jsonl of every J into index.json
 * and errors.jsonl, when all K partitions have written theirs. */
static int merge_partitions(const char *dir, int nparts)
{
    Entries idx = {0}, err = {0};
    int code = EXIT_OK;
    for (int j = 0; j < nparts && !code; j++) {
        char name[64];
        snprintf(name, sizeof(name), "index-%d-of-%d.json", j, nparts);
        char *path = fs_join(dir, name), *text = path ? fs_read(path, NULL) : NULL;
        if (!text && errno == ENOENT) { /* not yet: its own run merges */
            free(path);
            entries_free(&idx);
            entries_free(&err);
            return EXIT_OK;
        }
        const char *why = text ? parse_index(text, NULL, NULL, &idx) : strerror(errno);
        if (why) {
            fprintf(stderr, "vsample: %s: %s\n", path ? path : name, why);
            code = EXIT_OUTPUT;
        }
        free(text);
        free(path);
        snprintf(name, sizeof(name), "errors-%d-of-%d.jsonl", j, nparts);
        if ((path = fs_join(dir, name)))
            read_errors(path, &err);
        free(path);
    }
    if (!code && (idx.oom || err.oom))
        code = EXIT_INTERNAL;
    if (!code)
        code = write_file(dir, "index.json", index_text(&idx));
    if (!code)
        code = write_file(dir, "errors.jsonl", errors_text(&err));
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
    if (!code)
        code = write_file(b->dir, ename, errors_text(&err));
    if (!code)
        code = write_file(b->dir, iname, index_text(&idx));
    if (!code && b->nparts > 1)
        code = merge_partitions(b->dir, b->nparts);
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
    sort_entries(&idx);
    sort_entries(&err);
    const char *prev = NULL;
    for (size_t i = 0; i < err.n; i++) { /* less the keys now done, each key once */
        Entry probe = {err.v[i].key, NULL, NULL};
        if ((prev && !strcmp(err.v[i].key, prev)) ||
            (idx.n && bsearch(&probe, idx.v, idx.n, sizeof(*idx.v), cmp_entry)))
            continue;
        Entry *e = push(&kept);
        if (e) {
            *e = err.v[i]; /* moved: kept frees it */
            err.v[i] = (Entry){0};
            prev = e->key;
        }
    }
    int code = idx.oom || err.oom || kept.oom ? EXIT_INTERNAL : EXIT_OK;
    if (!code)
        code = write_file(dir, "errors.jsonl", errors_text(&kept));
    if (!code)
        code = write_file(dir, "index.json", index_text(&idx));
    if (code == EXIT_INTERNAL)
        fprintf(stderr, "vsample: %s: out of memory while writing the catalogue\n", dir);
    entries_free(&idx);
    entries_free(&err);
    entries_free(&kept);
    close(fd);
    return code;
}

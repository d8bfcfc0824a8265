/* What the shard writer committed, and index.json (see shard_index.h). */
#include "shard_index.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; // FNV-1a
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return (size_t)h;
}

/* Slot of key in the set: its entry, or the free slot where it would go. */
static size_t keyset_slot(const VsShardIndex *x, const char *key)
{
    size_t mask = x->keyset_cap - 1, i = hash_str(key) & mask;
    while (x->keyset[i] && strcmp(x->done[x->keyset[i] - 1].key, key) != 0)
        i = (i + 1) & mask;
    return i;
}

int vs_shard_index_has(const VsShardIndex *x, const char *key)
{
    return x->keyset_cap && x->keyset[keyset_slot(x, key)];
}

/* Add done[idx] to the set, growing it to keep it at most half full. */
static int keyset_add(VsShardIndex *x, size_t idx)
{
    if (2 * (idx + 1) > x->keyset_cap) {
        size_t cap = x->keyset_cap ? 2 * x->keyset_cap : 64;
        size_t *old = x->keyset, old_cap = x->keyset_cap;
        x->keyset = calloc(cap, sizeof(*x->keyset));
        if (!x->keyset) {
            x->keyset = old;
            return VS_ERR_NOMEM;
        }
        x->keyset_cap = cap;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                x->keyset[keyset_slot(x, x->done[old[i] - 1].key)] = old[i];
        free(old);
    }
    x->keyset[keyset_slot(x, x->done[idx].key)] = idx + 1;
    return 0;
}

int vs_shard_index_add(VsShardIndex *x, VsShardSample *s)
{
    if (x->ndone == x->done_cap) {
        size_t cap = x->done_cap ? 2 * x->done_cap : 16;
        VsShardCommitted *d = realloc(x->done, cap * sizeof(*d));
        if (!d)
            return vs_error(VS_ERR_NOMEM, "shards: out of memory");
        x->done = d;
        x->done_cap = cap;
    }
    VsShardCommitted *c = &x->done[x->ndone];
    c->parts = calloc(s->nparts, sizeof(*c->parts));
    if (!c->parts)
        return vs_error(VS_ERR_NOMEM, "shards: out of memory");
    for (size_t i = 0; i < s->nparts; i++)
        c->parts[i] = (VsShardIndexPart){s->parts[i].file->index, s->parts[i].first, s->parts[i].end};
    c->nparts = s->nparts;
    c->frames = s->frames;
    c->key = s->key;
    c->meta = s->meta;
    if (keyset_add(x, x->ndone)) {
        free(c->parts);
        return vs_error(VS_ERR_NOMEM, "shards: out of memory");
    }
    s->key = s->meta = NULL;
    x->ndone++;
    return 0;
}

static void put_index(const VsShardIndex *x, int nshards, VsBuf *b)
{
    vs_buf_puts(b, "{\"format\": \"vsample-shards\", \"version\": 1,\n \"shards\": [");
    for (int i = 0; i < nshards; i++)
        vs_buf_printf(b, "%s\"shard-%05d.safetensors\"", i ? ", " : "", i);
    vs_buf_puts(b, "],\n \"samples\": {");
    for (size_t i = 0; i < x->ndone; i++) {
        const VsShardCommitted *c = &x->done[i];
        vs_buf_puts(b, i ? ",\n  \"" : "\n  \"");
        vs_buf_json_escape(b, c->key, strlen(c->key));
        vs_buf_printf(b, "\": {\"frames\": %" PRId64 ", \"parts\": [", c->frames);
        for (size_t j = 0; j < c->nparts; j++)
            vs_buf_printf(b, "%s{\"shard\": \"shard-%05d.safetensors\", \"start\": %" PRId64
                          ", \"end\": %" PRId64 "}",
                          j ? ", " : "", c->parts[j].shard, c->parts[j].start, c->parts[j].end);
        vs_buf_puts(b, "], \"metadata\": ");
        vs_buf_puts(b, c->meta);
        vs_buf_puts(b, "}");
    }
    vs_buf_puts(b, x->ndone ? "\n }}\n" : "}}\n");
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int vs_shard_index_write(const VsShardIndex *x, const char *dir, int nshards)
{
    VsBuf b = {0};
    char *path = NULL, *tmp = NULL;
    int rc = 0;
    put_index(x, nshards, &b);
    path = join(dir, "index.json");
    tmp = join(dir, ".index.json.tmp");
    if (b.oom || !path || !tmp) {
        rc = vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
        goto fail;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = vs_error(VS_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        goto fail;
    }
    rc = vs_write_all(fd, b.data, b.len, 0, path);
    if (close(fd) < 0 && !rc)
        rc = vs_error(VS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    if (!rc && rename(tmp, path) < 0)
        rc = vs_error(VS_ERR_IO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
fail:
    free(path);
    free(tmp);
    vs_buf_free(&b);
    return rc;
}

void vs_shard_index_free(VsShardIndex *x)
{
    for (size_t i = 0; i < x->ndone; i++) {
        free(x->done[i].key);
        free(x->done[i].meta);
        free(x->done[i].parts);
    }
    free(x->done);
    free(x->keyset);
    memset(x, 0, sizeof(*x));
}

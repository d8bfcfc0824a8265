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
    c->meta = x->format == VS_SHARD_INDEX_SHARDS ? NULL : s->meta;
    if (keyset_add(x, x->ndone)) {
        free(c->parts);
        return vs_error(VS_ERR_NOMEM, "shards: out of memory");
    }
    if (!c->meta)
        json_decref(s->meta);
    s->key = NULL;
    s->meta = NULL;
    x->ndone++;
    return 0;
}

int vs_shard_index_file(VsShardIndex *x, int shard, uint64_t bytes, const char *sha256)
{
    if ((size_t)shard >= x->files_cap) {
        size_t cap = x->files_cap ? 2 * x->files_cap : 16;
        while (cap <= (size_t)shard)
            cap *= 2;
        VsShardFileInfo *f = realloc(x->files, cap * sizeof(*f));
        if (!f)
            return vs_error(VS_ERR_NOMEM, "shards: out of memory");
        memset(f + x->files_cap, 0, (cap - x->files_cap) * sizeof(*f));
        x->files = f;
        x->files_cap = cap;
    }
    x->files[shard].bytes = bytes;
    memcpy(x->files[shard].sha256, sha256, sizeof(x->files[shard].sha256));
    return 0;
}

static json_t *file_info(const VsShardIndex *x, int shard)
{
    const VsShardFileInfo *f = (size_t)shard < x->files_cap ? &x->files[shard] : NULL;
    if (!f || !f->sha256[0])
        return NULL; // never sealed: a bug
    return json_pack("{s:I, s:s}", "bytes", (json_int_t)f->bytes, "sha256", f->sha256);
}

/* The compact index (VS_SHARD_INDEX_SHARDS): {"format": "vsample-pack",
 * "version", "samples", "frames", "shards": [{"name", "bytes", "sha256",
 * "keys", "frames"}]}. Samples were committed in file order, their parts in
 * shard order, so appending as they come keeps each shard's keys in file order. */
static char *pack_text(const VsShardIndex *x, int nshards)
{
    char name[64];
    json_t *shards = json_array(), *index = NULL;
    json_int_t frames = 0;
    char *text = NULL;
    for (int i = 0; shards && i < nshards; i++) {
        snprintf(name, sizeof(name), "shard-%05d.safetensors", i);
        json_t *info = json_pack("{s:s}", "name", name), *f = file_info(x, i);
        if (!info || !f || json_object_update(info, f) < 0 ||
            json_object_set_new(info, "keys", json_array()) < 0 ||
            json_object_set_new(info, "frames", json_array()) < 0 || json_array_append(shards, info) < 0) {
            json_decref(info);
            json_decref(f);
            goto end;
        }
        json_decref(info);
        json_decref(f);
    }
    for (size_t i = 0; shards && i < x->ndone; i++) {
        const VsShardCommitted *c = &x->done[i];
        frames += c->frames;
        for (size_t j = 0; j < c->nparts; j++) {
            json_t *sh = json_array_get(shards, (size_t)c->parts[j].shard);
            if (json_array_append_new(json_object_get(sh, "keys"), json_string(c->key)) < 0 ||
                json_array_append_new(json_object_get(sh, "frames"),
                                      json_integer(c->parts[j].end - c->parts[j].start)) < 0)
                goto end;
        }
    }
    index = shards ? json_pack("{s:s, s:i, s:I, s:I, s:O}", "format", "vsample-pack", "version", 1, "samples",
                               (json_int_t)x->ndone, "frames", frames, "shards", shards)
                   : NULL;
    text = index ? json_dumps(index, JSON_COMPACT) : NULL; // compact: ~40 bytes a sample
end:
    json_decref(shards);
    json_decref(index);
    return text;
}

/* index.json: {"format", "version", "shards": [names], "files": {name:
 * {"bytes", "sha256"}}, "samples": {KEY: {"frames", "parts": [{"shard",
 * "start", "end"}], "metadata"}}}. */
static char *index_text(const VsShardIndex *x, int nshards)
{
    char name[64];
    if (x->format == VS_SHARD_INDEX_SHARDS)
        return pack_text(x, nshards);
    json_t *shards = json_array(), *samples = json_object(), *files = json_object();
    for (int i = 0; shards && files && i < nshards; i++) {
        snprintf(name, sizeof(name), "shard-%05d.safetensors", i);
        if (json_array_append_new(shards, json_string(name)) < 0 ||
            json_object_set_new(files, name, file_info(x, i)) < 0)
            goto fail;
    }
    for (size_t i = 0; samples && i < x->ndone; i++) {
        const VsShardCommitted *c = &x->done[i];
        json_t *parts = json_array();
        for (size_t j = 0; parts && j < c->nparts; j++) {
            snprintf(name, sizeof(name), "shard-%05d.safetensors", c->parts[j].shard);
            if (json_array_append_new(parts, json_pack("{s:s, s:I, s:I}", "shard", name, "start",
                                                       (json_int_t)c->parts[j].start, "end",
                                                       (json_int_t)c->parts[j].end)) < 0) {
                json_decref(parts);
                parts = NULL;
            }
        }
        if (json_object_set_new(samples, c->key, json_pack("{s:I, s:o, s:O}", "frames", (json_int_t)c->frames,
                                                           "parts", parts, "metadata", c->meta)) < 0)
            goto fail;
    }
    json_t *index = json_pack("{s:s, s:i, s:o, s:o, s:o}", "format", "vsample-shards", "version", 1, "shards",
                              shards, "files", files, "samples", samples);
    char *text = index ? json_dumps(index, JSON_INDENT(1)) : NULL;
    json_decref(index);
    return text;
fail:
    json_decref(shards);
    json_decref(samples);
    json_decref(files);
    return NULL;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int vs_shard_index_prepare(VsShardIndexFile *f, const VsShardIndex *x, const char *dir, int nshards)
{
    f->text = index_text(x, nshards);
    f->path = join(dir, "index.json");
    f->tmp = join(dir, ".index.json.tmp");
    if (!f->text || !f->path || !f->tmp) {
        vs_shard_index_file_free(f);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
    }
    return 0;
}

void vs_shard_index_file_free(VsShardIndexFile *f)
{
    free(f->text);
    free(f->path);
    free(f->tmp);
    memset(f, 0, sizeof(*f));
}

int vs_shard_index_commit(VsShardIndexFile *f, const char *dir, int sync)
{
    int rc = 0;
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = vs_error(VS_ERR_IO, "%s: cannot create: %s", f->path, strerror(errno));
        goto end;
    }
    rc = vs_write_all(fd, f->text, strlen(f->text), 0, f->path);
    if (!rc)
        rc = vs_write_all(fd, "\n", 1, strlen(f->text), f->path);
    if (!rc && sync && fsync(fd) < 0)
        rc = vs_error(VS_ERR_IO, "%s: fsync failed: %s", f->path, strerror(errno));
    if (close(fd) < 0 && !rc)
        rc = vs_error(VS_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    if (!rc && rename(f->tmp, f->path) < 0)
        rc = vs_error(VS_ERR_IO, "%s: cannot rename into place: %s", f->path, strerror(errno));
    if (rc)
        unlink(f->tmp);
    else if (sync)
        rc = vs_fsync_dir(dir, f->path);
end:
    vs_shard_index_file_free(f);
    return rc;
}

void vs_shard_index_free(VsShardIndex *x)
{
    for (size_t i = 0; i < x->ndone; i++) {
        free(x->done[i].key);
        json_decref(x->done[i].meta);
        free(x->done[i].parts);
    }
    free(x->done);
    free(x->keyset);
    free(x->files);
    memset(x, 0, sizeof(*x));
}

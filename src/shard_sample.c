/* One sample being written by the shard writer (see shard_sample.h). */
#include "shard_sample.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keeps every offset computation far from overflow. */
#define MAX_SAMPLE_BYTES ((uint64_t)1 << 60)

/* Keys and tensor names go into JSON keys and file listings: refuse what
 * would need guessing. */
int vs_shard_check_name(const char *what, const char *s, int allow_slash)
{
    if (!s || !*s)
        return vs_error(VS_ERR_INVALID_ARG, "shards: empty %s", what);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return vs_error(VS_ERR_INVALID_ARG, "shards: %s contains a control character", what);
        if (*p == '"')
            return vs_error(VS_ERR_INVALID_ARG, "shards: %s '%s' contains '\"'", what, s);
        if (*p == '/' && !allow_slash) // K/<name> must split back into K and name
            return vs_error(VS_ERR_INVALID_ARG, "shards: %s '%s' contains '/'", what, s);
    }
    json_t *j = json_string(s); // NULL for invalid UTF-8
    if (!j)
        return vs_error(VS_ERR_INVALID_ARG, "shards: %s is not valid UTF-8", what);
    json_decref(j);
    return 0;
}

int vs_shard_check_tensors(const char *key, const VsShardTensor *tensors, size_t ntensors)
{
    if (ntensors && !tensors)
        return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': no tensors given", key);
    for (size_t i = 0; i < ntensors; i++) {
        const VsShardTensor *t = &tensors[i];
        int rc = vs_shard_check_name("tensor name", t->name, 0);
        if (rc)
            return rc;
        if (!strcmp(t->name, "pts") || !strcmp(t->name, "target") || !strcmp(t->name, "clip"))
            return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor name '%s' is reserved", key, t->name);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(tensors[j].name, t->name))
                return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor '%s' given twice", key, t->name);
        if (t->dtype < VS_DTYPE_U8 || t->dtype > VS_DTYPE_F32)
            return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor '%s' has unknown dtype %d",
                            key, t->name, t->dtype);
        if (t->ndim < 1 || t->ndim > 4)
            return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor '%s' has %d dimensions (1..4)",
                            key, t->name, t->ndim);
        for (int d = 0; d < t->ndim; d++)
            if (t->dims[d] < 1 || t->dims[d] > INT32_MAX)
                return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor '%s' has dimension %" PRId64,
                                key, t->name, t->dims[d]);
    }
    return 0;
}

void vs_shard_sample_free(VsShardSample **ps)
{
    VsShardSample *s = *ps;
    if (!s)
        return;
    for (size_t i = 0; i < s->nent; i++)
        free(s->ent[i].name);
    free(s->ent);
    free(s->key);
    json_decref(s->meta);
    free(s->pts);
    free(s->target);
    free(s->clip);
    free(s->written);
    free(s->order);
    free(s->off);
    for (size_t i = 0; i < s->nparts; i++)
        free(s->parts[i].off);
    free(s->parts);
    free(s);
    *ps = NULL;
}

static int add_entry(VsShardSample *s, const char *suffix, int dtype, int ndim, const int64_t *dims, int src)
{
    VsShardEntry *e = &s->ent[s->nent++];
    e->dtype = dtype;
    e->ndim = ndim;
    e->src = src;
    e->frame_bytes = vs_shard_dtype_size(dtype);
    for (int d = 0; d < ndim; d++) {
        e->dims[d] = dims[d];
        if (__builtin_mul_overflow(e->frame_bytes, (uint64_t)dims[d], &e->frame_bytes) ||
            e->frame_bytes > MAX_SAMPLE_BYTES)
            return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': tensor '%s' is too large", s->key, suffix);
    }
    json_t *name = NULL;
    if (asprintf(&e->name, "%s/%s", s->key, suffix) < 0)
        e->name = NULL;
    if (e->name && (name = json_string(e->name)))
        e->name_len = vs_json_len(name);
    json_decref(name);
    return e->name_len ? 0 : VS_ERR_NOMEM;
}

/* Entries by element size, largest first, stable: the order part_layout() starts from. */
static void order_entries(VsShardSample *s)
{
    for (size_t i = 1; i < s->nent; i++) {
        VsShardEntry e = s->ent[i];
        size_t j = i;
        for (; j > 0 && vs_shard_dtype_size(s->ent[j - 1].dtype) < vs_shard_dtype_size(e.dtype); j--)
            s->ent[j] = s->ent[j - 1];
        s->ent[j] = e;
    }
    s->frame_bytes = 0;
    for (size_t i = 0; i < s->nent; i++)
        s->frame_bytes += s->ent[i].frame_bytes;
}

int vs_shard_sample_create(VsShardSample **out, const char *key, json_t *meta,
                           const VsShardTensor *tensors, size_t ntensors, int64_t frames, int with_clip)
{
    static const int64_t one = 1;
    VsShardSample *s = calloc(1, sizeof(*s));
    int rc = VS_ERR_NOMEM;
    if (!s) {
        json_decref(meta);
        goto fail;
    }
    s->meta = meta;
    s->frames = frames;
    s->ent = calloc(ntensors + 3, sizeof(*s->ent));
    s->order = calloc(ntensors + 3, sizeof(*s->order));
    s->off = calloc(ntensors + 3, sizeof(*s->off));
    s->key = strdup(key);
    s->pts = malloc((size_t)frames * sizeof(*s->pts));
    s->target = malloc((size_t)frames * sizeof(*s->target));
    s->clip = with_clip ? malloc((size_t)frames * sizeof(*s->clip)) : NULL;
    s->written = calloc((size_t)frames, 1);
    if (!s->ent || !s->order || !s->off || !s->key || !s->pts || !s->target ||
        (with_clip && !s->clip) || !s->written)
        goto fail;
    if ((rc = add_entry(s, "pts", VS_SHARD_DT_F64, 1, &one, VS_SHARD_SRC_PTS)) ||
        (rc = add_entry(s, "target", VS_SHARD_DT_F64, 1, &one, VS_SHARD_SRC_TARGET)) ||
        (with_clip && (rc = add_entry(s, "clip", VS_SHARD_DT_I32, 1, &one, VS_SHARD_SRC_CLIP))))
        goto fail;
    for (size_t i = 0; i < ntensors; i++)
        if ((rc = add_entry(s, tensors[i].name, tensors[i].dtype, tensors[i].ndim, tensors[i].dims, (int)i)))
            goto fail;
    order_entries(s);
    if (s->frame_bytes > MAX_SAMPLE_BYTES / (uint64_t)frames) {
        rc = vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s' is too large", key);
        goto fail;
    }
    *out = s;
    return 0;
fail:
    vs_shard_sample_free(&s);
    return rc == VS_ERR_NOMEM ? vs_error(rc, "shards: sample '%s': out of memory", key) : rc;
}

/* Trailing zero bits of v mod 8 (3 for a multiple of 8): how aligned an offset is. */
static int alignment(uint64_t v)
{
    v %= 8;
    return v == 0 ? 3 : v % 4 == 0 ? 2 : v % 2 == 0 ? 1 : 0;
}

/* File order and offsets of the entries of a part of n frames at data offset
 * base. Parts are contiguous (safetensors allows no gaps), so a part starts
 * misaligned when the one before has a size that is not a multiple of 8 (an
 * odd number of I32 clip ids, a view with an odd frame size). Greedy: next
 * comes an entry aligned to its element size where it lands, and among those
 * the one that leaves the offset most aligned, ties in element size order
 * (largest first, as the safetensors library writes). A part that starts
 * 8-aligned has every tensor aligned; one that starts 4 bytes off after an
 * odd clip count gets back in step if it has an odd clip count too. */
static void part_layout(VsShardSample *s, uint64_t base, int64_t n)
{
    size_t m = s->nent;
    uint64_t pos = base;
    for (size_t i = 0; i < m; i++)
        s->order[i] = i;
    for (size_t k = 0; k < m; k++) {
        size_t best = k;
        int best_score = -1;
        for (size_t j = k; j < m; j++) {
            const VsShardEntry *e = &s->ent[s->order[j]];
            int score = (pos % vs_shard_dtype_size(e->dtype) == 0) * 4 +
                        alignment(pos + (uint64_t)n * e->frame_bytes);
            if (score > best_score) {
                best = j;
                best_score = score;
            }
        }
        size_t pick = s->order[best];
        memmove(&s->order[k + 1], &s->order[k], (best - k) * sizeof(*s->order));
        s->order[k] = pick;
        s->off[pick] = pos;
        pos += (uint64_t)n * s->ent[pick].frame_bytes;
    }
}

/* The header entry of tensor e in a part of n frames at data offset off. */
static json_t *tensor_entry(const VsShardEntry *e, uint64_t off, int64_t n)
{
    json_t *shape = json_array();
    json_array_append_new(shape, json_integer(n));
    for (int d = 0; d < e->ndim; d++)
        if (e->src >= 0) // pts/target/clip are [n]: their one dim is the frame
            json_array_append_new(shape, json_integer(e->dims[d]));
    if (!shape || json_array_size(shape) != (size_t)(e->src >= 0 ? 1 + e->ndim : 1)) {
        json_decref(shape);
        return NULL;
    }
    return json_pack("{s:s, s:o, s:[I,I]}", "dtype", vs_shard_dtype_name(e->dtype), "shape", shape, "data_offsets",
                     (json_int_t)off, (json_int_t)(off + (uint64_t)n * e->frame_bytes));
}

/* The sample's "__metadata__" value for a part: safetensors metadata values
 * are strings, so it is the caller's object with "frames" [first, end) and
 * "total_frames" set, as JSON text. */
static json_t *meta_entry(const VsShardSample *s, int64_t first, int64_t n)
{
    json_t *m = json_copy(s->meta), *v = NULL;
    char *text = NULL;
    if (m && !json_object_set_new(m, "frames", json_pack("[I,I]", (json_int_t)first, (json_int_t)(first + n))) &&
        !json_object_set_new(m, "total_frames", json_integer(s->frames)) &&
        (text = json_dumps(m, 0)))
        v = json_string(text);
    free(text);
    json_decref(m);
    return v;
}

/* Header entries of the part laid out by part_layout(): added to f when f is
 * not NULL. Their bytes as vs_json_entry_len counts; 0 and s->oom set when
 * out of memory. */
static uint64_t put_entries(VsShardSample *s, int64_t first, int64_t n, VsShardFile *f)
{
    uint64_t len = 0;
    for (size_t k = 0; k < s->nent && !s->oom; k++) {
        const VsShardEntry *e = &s->ent[s->order[k]];
        json_t *v = tensor_entry(e, s->off[s->order[k]], n);
        size_t vn = v ? vs_json_len(v) : 0;
        if (!vn || (f && json_object_set(f->tensors, e->name, v) < 0))
            s->oom = 1;
        len += 1 + e->name_len + 1 + vn;
        json_decref(v);
    }
    json_t *m = s->oom ? NULL : meta_entry(s, first, n);
    size_t mn = m ? vs_json_entry_len(s->key, m) : 0;
    if (!mn || (f && json_object_set(f->meta, s->key, m) < 0))
        s->oom = 1;
    json_decref(m);
    return s->oom ? 0 : len + mn;
}

uint64_t vs_shard_fragments_len(VsShardSample *s, uint64_t base, int64_t first, int64_t n)
{
    part_layout(s, base, n);
    return put_entries(s, first, n, NULL);
}

int vs_shard_grow_parts(VsShardSample *s)
{
    if (s->nparts < s->parts_cap)
        return 0;
    size_t cap = s->parts_cap ? 2 * s->parts_cap : 4;
    VsShardPart *p = realloc(s->parts, cap * sizeof(*p));
    if (!p)
        return vs_error(VS_ERR_NOMEM, "shards: sample '%s': out of memory", s->key);
    s->parts = p;
    s->parts_cap = cap;
    return 0;
}

int vs_shard_add_part(VsShardSample *s, VsShardFile *f, int64_t first, int64_t n)
{
    VsShardPart *p = &s->parts[s->nparts++];
    p->file = f;
    p->first = first;
    p->end = first + n;
    p->off = malloc(s->nent * sizeof(*p->off));
    if (!p->off)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", f->path);
    part_layout(s, f->data_used, n);
    memcpy(p->off, s->off, s->nent * sizeof(*p->off));
    f->entries_len += put_entries(s, first, n, f);
    f->data_used += (uint64_t)n * s->frame_bytes;
    if (s->oom)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", f->path);
    return 0;
}

const VsShardPart *vs_shard_find_part(const VsShardSample *s, int64_t frame)
{
    size_t lo = 0, hi = s->nparts;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->parts[mid].first <= frame)
            lo = mid;
        else
            hi = mid;
    }
    return &s->parts[lo];
}

int vs_shard_write_tensors(VsShardSample *s, int64_t frame, const void *const *data)
{
    const VsShardPart *p = vs_shard_find_part(s, frame);
    uint64_t k = (uint64_t)(frame - p->first);
    for (size_t i = 0; i < s->nent; i++) {
        const VsShardEntry *e = &s->ent[i];
        if (e->src < 0)
            continue;
        int rc = vs_shard_file_write(p->file, data[e->src], e->frame_bytes,
                                     p->off[i] + k * e->frame_bytes);
        if (rc)
            return rc;
    }
    return 0;
}

int vs_shard_write_scalars(VsShardSample *s)
{
    for (size_t i = 0; i < s->nparts; i++) {
        const VsShardPart *p = &s->parts[i];
        uint64_t n = (uint64_t)(p->end - p->first);
        for (size_t j = 0; j < s->nent; j++) {
            const VsShardEntry *e = &s->ent[j];
            const void *src = e->src == VS_SHARD_SRC_PTS      ? (const void *)(s->pts + p->first)
                              : e->src == VS_SHARD_SRC_TARGET ? (const void *)(s->target + p->first)
                              : e->src == VS_SHARD_SRC_CLIP   ? (const void *)(s->clip + p->first)
                                                              : NULL;
            if (!src)
                continue;
            int rc = vs_shard_file_write(p->file, src, n * e->frame_bytes, p->off[j]);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* The sources of vsample pack: their index.json files (jansson), and their
 * shards mapped read-only so that each frame goes from the source's page
 * cache straight into the writer's pwrite (see pack.h). */
#include "cli.h"
#include "pack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* ----------------------------------------------------------------- indexes */

static int cmp_item(const void *a, const void *b)
{
    const PackItem *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->src > y->src) - (x->src < y->src);
}

int pack_list(PackList *l, const char **src, size_t nsrc)
{
    memset(l, 0, sizeof(*l));
    l->src = src;
    l->nsrc = nsrc;
    if (!(l->index = calloc(nsrc, sizeof(*l->index))))
        return EXIT_INTERNAL;
    size_t total = 0;
    for (size_t i = 0; i < nsrc; i++) {
        char *path = NULL;
        json_error_t err;
        if (asprintf(&path, "%s/index.json", src[i]) < 0)
            return EXIT_INTERNAL;
        json_t *x = l->index[i] = json_load_file(path, 0, &err);
        const char *format = json_string_value(json_object_get(x, "format"));
        const char *why = !x ? err.text
                          : format && !strcmp(format, "vsample-pack")
                              ? "a pack output (pack reads extract and batch outputs)"
                          : !format || strcmp(format, "vsample-shards") ||
                                  json_integer_value(json_object_get(x, "version")) != 1 ||
                                  !json_is_object(json_object_get(x, "samples"))
                              ? "not a vsample index"
                              : NULL;
        if (why) {
            fprintf(stderr, "vsample: %s: %s\n", path, why);
            free(path);
            return x || err.line > 0 ? EXIT_CORRUPT : EXIT_USAGE; // no index at all: not an output
        }
        free(path);
        total += json_object_size(json_object_get(x, "samples"));
    }
    if (total && !(l->v = malloc(total * sizeof(*l->v))))
        return EXIT_INTERNAL;
    for (size_t i = 0; i < nsrc; i++) {
        const char *key;
        json_t *value;
        json_object_foreach(json_object_get(l->index[i], "samples"), key, value)
            l->v[l->n++] = (PackItem){key, (int)i, value};
    }
    cli_sort(l->v, l->n, sizeof(*l->v), cmp_item);
    for (size_t i = 1; i < l->n; i++) {
        if (!strcmp(l->v[i].key, l->v[i - 1].key)) {
            fprintf(stderr, "vsample: pack: sample '%s' is in both %s and %s (keys must be unique)\n",
                    l->v[i].key, src[l->v[i - 1].src], src[l->v[i].src]);
            return EXIT_USAGE;
        }
    }
    return EXIT_OK;
}

void pack_list_free(PackList *l)
{
    for (size_t i = 0; l->index && i < l->nsrc; i++)
        json_decref(l->index[i]);
    free(l->index);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------------ shards */

typedef struct Mapped {
    char *path;
    const uint8_t *map;
    size_t size;
    uint64_t data; /* where the tensor data starts */
    json_t *header;
} Mapped;

#define CACHED 32 /* shards mapped at once: an extract's samples, sorted by key, come from a few */

struct PackFiles {
    Mapped m[CACHED];
    size_t next; /* slot replaced next (round robin) */
};

int pack_files_open(PackFiles **out)
{
    return (*out = calloc(1, sizeof(**out))) ? 0 : -1;
}

static void unmap(Mapped *m)
{
    if (m->map)
        munmap((void *)m->map, m->size);
    free(m->path);
    json_decref(m->header);
    memset(m, 0, sizeof(*m));
}

void pack_files_close(PackFiles **pf)
{
    if (!*pf)
        return;
    for (size_t i = 0; i < CACHED; i++)
        unmap(&(*pf)->m[i]);
    free(*pf);
    *pf = NULL;
}

/* path mapped, its header parsed; NULL (reported) when it cannot be. */
static const Mapped *get_file(PackFiles *f, const char *path)
{
    for (size_t i = 0; i < CACHED; i++)
        if (f->m[i].path && !strcmp(f->m[i].path, path))
            return &f->m[i];
    Mapped *m = &f->m[f->next];
    f->next = (f->next + 1) % CACHED;
    unmap(m);
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    const char *why = NULL;
    if (fd < 0 || fstat(fd, &st) < 0) {
        fprintf(stderr, "vsample: %s: %s\n", path, errno == ENOENT ? "missing" : strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    m->size = (size_t)st.st_size;
    void *p = m->size >= 8 ? mmap(NULL, m->size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (p == MAP_FAILED) {
        fprintf(stderr, "vsample: %s: %s\n", path, m->size < 8 ? "shorter than a safetensors header" : strerror(errno));
        m->size = 0;
        return NULL;
    }
    m->map = p;
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n |= (uint64_t)m->map[i] << (8 * i);
    json_error_t err;
    if (n > m->size - 8)
        why = "header does not fit in the file";
    else if (!(m->header = json_loadb((const char *)m->map + 8, n, 0, &err)) || !json_is_object(m->header))
        why = "header is not a JSON object";
    if (why || !(m->path = strdup(path))) {
        fprintf(stderr, "vsample: %s: %s\n", path, why ? why : "out of memory");
        unmap(m);
        return NULL;
    }
    m->data = 8 + n;
    return m;
}

/* ------------------------------------------------------------------ sample */

#define MAX_TENSORS 16 /* views of a sample, plus pts, target and clip */

/* One tensor of the sample: as the first part has it. */
typedef struct Tensor {
    char suffix[128];
    char dtype[8];
    int ndim; /* of one frame */
    int64_t dims[4];
} Tensor;

/* Where tensor T (K/suffix) of a part of n frames lies in m (*base), after
 * checking that its dtype, shape and byte range are those of the first part. */
static const char *locate(const Mapped *m, const char *key, const Tensor *T, int64_t n, const uint8_t **base)
{
    char name[1024];
    if (snprintf(name, sizeof(name), "%s/%s", key, T->suffix) >= (int)sizeof(name))
        return "a tensor name too long";
    json_t *t = json_object_get(m->header, name), *shape = json_object_get(t, "shape");
    json_t *offs = json_object_get(t, "data_offsets");
    const char *dt = json_string_value(json_object_get(t, "dtype"));
    if (!t)
        return "a tensor of the sample is missing from this part";
    if (!dt || strcmp(dt, T->dtype) || json_array_size(shape) != (size_t)T->ndim + 1 ||
        json_integer_value(json_array_get(shape, 0)) != n)
        return "a tensor's dtype or shape differs from the index or the first part";
    uint64_t fb = vs_safetensors_dtype_size(dt);
    for (int d = 0; d < T->ndim; d++) {
        if (json_integer_value(json_array_get(shape, (size_t)d + 1)) != T->dims[d])
            return "a tensor's shape differs between the sample's parts";
        fb *= (uint64_t)T->dims[d];
    }
    json_int_t b = json_integer_value(json_array_get(offs, 0)), e = json_integer_value(json_array_get(offs, 1));
    if (json_array_size(offs) != 2 || b < 0 || e < b || (uint64_t)e > m->size - m->data ||
        (uint64_t)(e - b) != fb * (uint64_t)n)
        return "a tensor's data_offsets do not hold its shape";
    *base = m->map + m->data + (uint64_t)b;
    return NULL;
}

/* The tensors of sample key in its first part, views in file order, then
 * pts, target and clip (when there); their count, or -1 (why set). */
static int sample_tensors(const Mapped *m, const char *key, Tensor *T, const char **why)
{
    const char *name;
    json_t *v;
    size_t klen = strlen(key);
    uint64_t order[MAX_TENSORS];
    int n = 0, clip = 0;
    json_object_foreach(m->header, name, v) {
        if (strncmp(name, key, klen) || name[klen] != '/' || strchr(name + klen + 1, '/'))
            continue;
        const char *suffix = name + klen + 1, *dt = json_string_value(json_object_get(v, "dtype"));
        json_t *shape = json_object_get(v, "shape");
        if (!strcmp(suffix, "clip"))
            clip = 1;
        if (!strcmp(suffix, "pts") || !strcmp(suffix, "target") || !strcmp(suffix, "clip"))
            continue;
        if (n + 3 >= MAX_TENSORS || strlen(suffix) >= sizeof(T->suffix) || vs_safetensors_dtype(dt) < 0 ||
            json_array_size(shape) < 2 || json_array_size(shape) > 5) {
            *why = "a view tensor pack cannot carry (its dtype, shape, or too many views)";
            return -1;
        }
        int k = n++;
        uint64_t off = (uint64_t)json_integer_value(json_array_get(json_object_get(v, "data_offsets"), 0));
        for (; k > 0 && order[k - 1] > off; k--) /* insertion by data offset */
            order[k] = order[k - 1], T[k] = T[k - 1];
        order[k] = off;
        memset(&T[k], 0, sizeof(T[k]));
        snprintf(T[k].suffix, sizeof(T[k].suffix), "%s", suffix);
        snprintf(T[k].dtype, sizeof(T[k].dtype), "%s", dt);
        T[k].ndim = (int)json_array_size(shape) - 1;
        for (int d = 0; d < T[k].ndim; d++) {
            T[k].dims[d] = json_integer_value(json_array_get(shape, (size_t)d + 1));
            if (T[k].dims[d] < 1 || T[k].dims[d] > INT32_MAX) {
                *why = "a view tensor with a bad shape";
                return -1;
            }
        }
    }
    static const char *const scalars[] = {"pts", "target", "clip"};
    for (int i = 0; i < 2 + clip; i++) {
        memset(&T[n], 0, sizeof(T[n]));
        snprintf(T[n].suffix, sizeof(T[n].suffix), "%s", scalars[i]);
        snprintf(T[n].dtype, sizeof(T[n].dtype), "%s", i == 2 ? "I32" : "F64");
        n++;
    }
    return n;
}

int pack_sample(PackFiles *f, const PackList *l, const PackItem *it, VsShardWriter *w, const char *out_dir,
                int64_t *frames_out, uint64_t *bytes_out)
{
    const char *src = l->src[it->src], *key = it->key, *why = NULL;
    json_t *parts = json_object_get(it->value, "parts"), *meta = json_object_get(it->value, "metadata");
    int64_t frames = json_integer_value(json_object_get(it->value, "frames")), at = 0;
    size_t nparts = json_array_size(parts);
    char *path = NULL, *meta_text = NULL;
    Tensor T[MAX_TENSORS];
    VsShardTensor views[MAX_TENSORS];
    const uint8_t *base[MAX_TENSORS];
    const void *data[MAX_TENSORS];
    int nt = 0, nviews = 0, began = 0, code = EXIT_OK, rc = 0;
    uint64_t bytes = 0;
    if (frames < 1 || !nparts || !json_is_object(meta)) {
        fprintf(stderr, "vsample: %s/index.json: sample '%s' has no frames, parts or metadata\n", src, key);
        return EXIT_CORRUPT;
    }
    if (!(meta_text = json_dumps(meta, JSON_COMPACT)))
        return EXIT_INTERNAL;
    /* part by part: map it, find its tensors, copy its frames (a sample's
     * parts need not be mapped all at once) */
    for (size_t p = 0; p < nparts && !rc; p++) {
        json_t *part = json_array_get(parts, p);
        const char *shard = json_string_value(json_object_get(part, "shard"));
        int64_t a = json_integer_value(json_object_get(part, "start")), b = json_integer_value(json_object_get(part, "end"));
        if (!shard || strstr(shard, "..") || shard[0] == '/' || a != at || b <= a || b > frames) {
            fprintf(stderr, "vsample: %s/index.json: sample '%s': bad part %zu\n", src, key, p);
            code = EXIT_CORRUPT;
            goto end;
        }
        at = b;
        free(path);
        if (asprintf(&path, "%s/%s", src, shard) < 0) {
            path = NULL;
            code = EXIT_INTERNAL;
            goto end;
        }
        const Mapped *m = get_file(f, path);
        if (!m) {
            code = EXIT_CORRUPT;
            goto end;
        }
        if (p == 0) {
            if ((nt = sample_tensors(m, key, T, &why)) < 0)
                goto bad;
            for (int k = 0; k < nt && strcmp(T[k].suffix, "pts"); k++, nviews++) {
                views[k] = (VsShardTensor){T[k].suffix, vs_safetensors_dtype(T[k].dtype), T[k].ndim, {0}};
                memcpy(views[k].dims, T[k].dims, sizeof(views[k].dims));
            }
        }
        for (int k = 0; k < nt && !why; k++)
            why = locate(m, key, &T[k], b - a, &base[k]);
        if (why)
            goto bad;
        if (p == 0) {
            rc = vs_shard_begin_sample(w, key, meta_text, views, (size_t)nviews, frames, nt - nviews == 3);
            began = !rc;
        }
        for (int64_t i = 0; !rc && i < b - a; i++) {
            double pts, target;
            int32_t c = 0;
            for (int k = 0; k < nviews; k++) {
                uint64_t fb = (uint64_t)(views[k].dtype == VS_DTYPE_U8 ? 1 : views[k].dtype == VS_DTYPE_F32 ? 4 : 2);
                for (int d = 0; d < views[k].ndim; d++)
                    fb *= (uint64_t)views[k].dims[d];
                data[k] = base[k] + (uint64_t)i * fb;
                bytes += fb;
            }
            memcpy(&pts, base[nviews] + 8 * (uint64_t)i, 8); /* (memcpy: not 8-aligned after odd clip counts) */
            memcpy(&target, base[nviews + 1] + 8 * (uint64_t)i, 8);
            if (nt - nviews == 3)
                memcpy(&c, base[nviews + 2] + 4 * (uint64_t)i, 4);
            rc = vs_shard_write_frame(w, a + i, data, pts, target, c);
        }
    }
    if (!rc && at != frames) {
        fprintf(stderr, "vsample: %s/index.json: sample '%s': parts end at frame %lld of %lld\n", src, key,
                (long long)at, (long long)frames);
        code = EXIT_CORRUPT;
        goto end;
    }
    if (!rc)
        rc = vs_shard_end_sample(w);
    if (rc) {
        code = report_error(out_dir, rc) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_OUTPUT;
        goto end;
    }
    began = 0;
    *frames_out += frames;
    *bytes_out += bytes;
    goto end;
bad:
    fprintf(stderr, "vsample: %s: sample '%s': %s\n", path, key, why);
    code = EXIT_CORRUPT;
end:
    if (began)
        vs_shard_abort_sample(w);
    free(path);
    free(meta_text);
    return code;
}

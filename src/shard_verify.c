/* vs_shard_verify(): one safetensors file checked as a reader would find it
 * (size, structure, SHA-256). The structure is checked before the hash, so
 * that a broken header is named as such rather than as a mere mismatch. */
#include "shard_file.h"
#include "vsample/shard.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Range {
    uint64_t begin, end;
    const char *name;
} Range;

static int cmp_range(const void *a, const void *b)
{
    const Range *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : x->end < y->end ? -1 : x->end > y->end;
}

#define BAD(...) vs_error(VS_ERR_INVALID_DATA, __VA_ARGS__)

/* One tensor entry: its byte range [b, e) of the data, or an error. */
static int check_tensor(const char *path, const char *name, json_t *t, uint64_t data, Range *r)
{
    json_t *shape = json_object_get(t, "shape"), *offs = json_object_get(t, "data_offsets"), *d;
    const char *dtype = json_string_value(json_object_get(t, "dtype"));
    unsigned size = vs_safetensors_dtype_size(dtype);
    size_t i;
    if (!json_is_object(t))
        return BAD("%s: tensor '%s' is not an object", path, name);
    if (!size)
        return BAD("%s: tensor '%s' has unknown dtype %s", path, name, dtype ? dtype : "(none)");
    if (!json_is_array(shape) || !json_is_array(offs) || json_array_size(offs) != 2 ||
        !json_is_integer(json_array_get(offs, 0)) || !json_is_integer(json_array_get(offs, 1)))
        return BAD("%s: tensor '%s' lacks a shape or data_offsets [begin, end]", path, name);
    uint64_t bytes = size;
    json_array_foreach(shape, i, d) {
        json_int_t n = json_integer_value(d);
        if (!json_is_integer(d) || n < 0)
            return BAD("%s: tensor '%s' has a bad shape", path, name);
        if (__builtin_mul_overflow(bytes, (uint64_t)n, &bytes))
            return BAD("%s: tensor '%s' is too large", path, name);
    }
    json_int_t b = json_integer_value(json_array_get(offs, 0)), e = json_integer_value(json_array_get(offs, 1));
    if (b < 0 || e < b || (uint64_t)e > data)
        return BAD("%s: tensor '%s': data_offsets [%" PRId64 ", %" PRId64 ") outside the %" PRIu64
                   " bytes of data", path, name, (int64_t)b, (int64_t)e, data);
    if ((uint64_t)(e - b) != bytes)
        return BAD("%s: tensor '%s': %" PRId64 " bytes of data for %" PRIu64 " bytes of %s", path, name,
                   (int64_t)(e - b), bytes, dtype);
    *r = (Range){(uint64_t)b, (uint64_t)e, name};
    return 0;
}

/* The header and the ranges of its tensors against a data region of `data` bytes. */
static int check_header(const char *path, const char *text, size_t len, uint64_t data)
{
    json_error_t err;
    json_t *h = json_loadb(text, len, 0, &err), *v;
    const char *name;
    Range *r = NULL;
    size_t n = 0;
    int rc = 0;
    if (!h)
        return BAD("%s: header is not JSON: %s (column %d)", path, err.text, err.column);
    if (!json_is_object(h)) {
        json_decref(h);
        return BAD("%s: header is not a JSON object", path);
    }
    if (json_object_size(h) && !(r = malloc(json_object_size(h) * sizeof(*r)))) {
        json_decref(h);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
    }
    json_object_foreach(h, name, v) {
        if (!strcmp(name, "__metadata__")) {
            const char *k;
            json_t *m;
            if (!json_is_object(v))
                rc = BAD("%s: __metadata__ is not an object", path);
            json_object_foreach(v, k, m)
                if (!rc && !json_is_string(m))
                    rc = BAD("%s: __metadata__ value of '%s' is not a string", path, k);
        } else {
            rc = check_tensor(path, name, v, data, &r[n]);
            n += !rc;
        }
        if (rc)
            break;
    }
    if (!rc) {
        qsort(r, n, sizeof(*r), cmp_range);
        uint64_t at = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            if (r[i].begin != at)
                rc = BAD("%s: tensor '%s' starts at data byte %" PRIu64 ", not %" PRIu64 " (%s)", path,
                         r[i].name, r[i].begin, at, r[i].begin > at ? "a gap" : "overlapping");
            at = r[i].end;
        }
        if (!rc && at != data)
            rc = BAD("%s: tensors end at data byte %" PRIu64 ", the file at %" PRIu64, path, at, data);
    }
    free(r);
    json_decref(h);
    return rc;
}

int vs_shard_verify(const char *path, int64_t size, const char *sha256_hex)
{
    if (!path || !*path)
        return vs_error(VS_ERR_INVALID_ARG, "verify: no file");
    if (sha256_hex && strlen(sha256_hex) != 64)
        return vs_error(VS_ERR_INVALID_ARG, "%s: a SHA-256 has 64 hex digits", path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return vs_error(errno == ENOENT ? VS_ERR_NOT_FOUND : VS_ERR_IO, "%s: %s", path,
                        errno == ENOENT ? "missing" : strerror(errno));
    char *header = NULL;
    unsigned char len8[8];
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0) {
        rc = vs_error(VS_ERR_IO, "%s: %s", path, strerror(errno));
        goto end;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = vs_error(VS_ERR_IO, "%s: not a regular file", path);
        goto end;
    }
    uint64_t fsize = (uint64_t)st.st_size;
    if (size >= 0 && fsize != (uint64_t)size) {
        rc = BAD("%s: %" PRIu64 " bytes, the index says %" PRId64 " (%s)", path, fsize, size,
                 fsize < (uint64_t)size ? "truncated" : "grown");
        goto end;
    }
    if (fsize < 8 || pread(fd, len8, 8, 0) != 8) {
        rc = BAD("%s: shorter than a safetensors header", path);
        goto end;
    }
    uint64_t n = 0;
    for (int i = 0; i < 8; i++)
        n |= (uint64_t)len8[i] << (8 * i);
    if (n > VS_SAFETENSORS_MAX_HEADER || n > fsize - 8) {
        rc = BAD("%s: header of %" PRIu64 " bytes does not fit in the file (%" PRIu64 " bytes)", path, n, fsize);
        goto end;
    }
    if (!(header = malloc(n ? n : 1))) {
        rc = vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
        goto end;
    }
    if (pread(fd, header, n, 8) != (ssize_t)n) {
        rc = vs_error(VS_ERR_IO, "%s: read failed: %s", path, strerror(errno));
        goto end;
    }
    if ((rc = check_header(path, header, n, fsize - 8 - n)))
        goto end;
    if (sha256_hex) {
        char got[65];
        if ((rc = vs_sha256_fd(fd, fsize, got, path)))
            goto end;
        if (strcasecmp(got, sha256_hex))
            rc = BAD("%s: SHA-256 %s, the index says %s (content changed)", path, got, sha256_hex);
    }
end:
    free(header);
    close(fd);
    return rc;
}

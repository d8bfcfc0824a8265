/* One safetensors file being written (see shard_file.h).
 *
 * Layout of a finished file: u64 little-endian N, N bytes of JSON header
 * padded with spaces, then the tensor data. 8 + N is kept a multiple of 8 so
 * that the data starts aligned for readers that map the file. While the file
 * is written the header is unknown, so the data starts after a reserved
 * region; if the header outgrows it, the file is rebuilt with a header of
 * the right size and a copy of the data (copy_file_range: in-kernel, often
 * without touching the data at all). */
#include "shard_file.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; this writer copies host bytes as they are"
#endif

/* The header is {"__metadata__":{...},"NAME":{...},...} dumped compact: its
 * length is that of the entries (each with a comma) less one comma, plus
 * {"__metadata__":{}} and the closing brace. */
static const char META_KEY[] = "__metadata__";

static uint64_t header_len(uint64_t entries_len)
{
    return entries_len - 1 + (sizeof("{\"__metadata__\":{}") - 1) + 1;
}

size_t vs_json_len(const json_t *v)
{
    return json_dumpb(v, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
}

size_t vs_json_entry_len(const char *key, const json_t *value)
{
    json_t *k = json_string(key);
    size_t kn = k ? vs_json_len(k) : 0, vn = vs_json_len(value);
    json_decref(k);
    return kn && vn ? 1 + kn + 1 + vn : 0;
}

static uint64_t round8(uint64_t v)
{
    return (v + 7) & ~(uint64_t)7;
}

uint64_t vs_shard_file_size(uint64_t reserve, uint64_t entries_len, uint64_t data)
{
    uint64_t head = round8(8 + header_len(entries_len));
    if (head - 8 > VS_SAFETENSORS_MAX_HEADER)
        return UINT64_MAX;
    return (head > reserve ? head : reserve) + data;
}

int vs_write_all(int fd, const void *buf, size_t n, uint64_t off, const char *name)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t k = pwrite(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return vs_error(VS_ERR_IO, "%s: write failed: %s", name, k < 0 ? strerror(errno) : "no progress");
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

int vs_shard_file_create(VsShardFile **out, const char *dir, int index, uint64_t reserve, int sync)
{
    VsShardFile *f = calloc(1, sizeof(*f));
    if (!f)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
    f->index = index;
    f->fd = -1;
    f->reserve = reserve;
    f->sync = sync;
    f->dir = strdup(dir);
    if (asprintf(&f->path, "%s/shard-%05d.safetensors", dir, index) < 0)
        f->path = NULL;
    if (asprintf(&f->tmp_path, "%s/.shard-%05d.safetensors.tmp", dir, index) < 0)
        f->tmp_path = NULL;
    if (asprintf(&f->copy_path, "%s/.shard-%05d.safetensors.copy.tmp", dir, index) < 0)
        f->copy_path = NULL;
    f->meta = json_object();
    f->tensors = json_object();
    if (!f->path || !f->tmp_path || !f->copy_path || !f->meta || !f->tensors || !f->dir) {
        vs_shard_file_remove(&f);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
    }
    f->fd = open(f->tmp_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (f->fd < 0) {
        int rc = vs_error(VS_ERR_IO, "%s: cannot create: %s", f->path, strerror(errno));
        free(f->tmp_path); // nothing to delete
        f->tmp_path = NULL;
        vs_shard_file_remove(&f);
        return rc;
    }
    *out = f;
    return 0;
}

int vs_shard_file_write(VsShardFile *f, const void *p, size_t n, uint64_t off)
{
    return vs_write_all(f->fd, p, n, f->reserve + off, f->path);
}

/* Keep the first n members of *obj (insertion order); 0 or out of memory. */
static int keep_first(json_t **obj, size_t n)
{
    if (json_object_size(*obj) <= n)
        return 0;
    json_t *kept = json_object();
    if (!kept)
        return VS_ERR_NOMEM;
    const char *k;
    json_t *v;
    json_object_foreach(*obj, k, v) {
        if (json_object_size(kept) == n)
            break;
        if (json_object_set(kept, k, v) < 0) {
            json_decref(kept);
            return VS_ERR_NOMEM;
        }
    }
    json_decref(*obj);
    *obj = kept;
    return 0;
}

int vs_shard_file_rollback(VsShardFile *f, uint64_t data_used, size_t nmeta, size_t ntensors,
                           uint64_t entries_len)
{
    f->data_used = data_used;
    f->entries_len = entries_len;
    if (keep_first(&f->meta, nmeta) || keep_first(&f->tensors, ntensors))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", f->path);
    if (ftruncate(f->fd, (off_t)(f->reserve + data_used)) < 0)
        return vs_error(VS_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    return 0;
}

/* The 8-byte length and the header, padded with spaces to `total` bytes
 * (malloc'd into *out). need is the length vs_shard_file_size() counted. */
static int build_header(const VsShardFile *f, uint64_t total, uint64_t need, char **out)
{
    json_t *h = json_object();
    char *buf = NULL;
    int rc = VS_ERR_NOMEM;
    if (!h || json_object_set(h, META_KEY, f->meta) < 0 || json_object_update(h, f->tensors) < 0)
        goto fail;
    size_t n = json_dumpb(h, NULL, 0, JSON_COMPACT);
    if (8 + n != need) { // the sizes that placed the samples were wrong: a bug
        rc = vs_error(VS_ERR_INTERNAL, "%s: header is %zu bytes, %llu were counted", f->path, n,
                      (unsigned long long)(need - 8));
        goto fail;
    }
    if (!(buf = malloc(total)) || json_dumpb(h, buf + 8, n, JSON_COMPACT) != n)
        goto fail;
    memset(buf + 8 + n, ' ', total - 8 - n);
    for (int i = 0; i < 8; i++)
        buf[i] = (char)((total - 8) >> (8 * i));
    json_decref(h);
    *out = buf;
    return 0;
fail:
    json_decref(h);
    free(buf);
    return rc == VS_ERR_NOMEM ? vs_error(rc, "%s: out of memory", f->path) : rc;
}

/* Copy n bytes from in at off_in to out at off_out. */
static int copy_data(int in, uint64_t off_in, int out, uint64_t off_out, uint64_t n, const char *name)
{
    loff_t ri = (loff_t)off_in, ro = (loff_t)off_out;
    while (n > 0) {
        ssize_t k = copy_file_range(in, &ri, out, &ro, n > (1u << 30) ? (1u << 30) : n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP))
            break; // not supported here: plain copy below
        if (k < 0)
            return vs_error(VS_ERR_IO, "%s: write failed: %s", name, strerror(errno));
        if (k == 0)
            return vs_error(VS_ERR_IO, "%s: write failed: temporary file shorter than its data", name);
        n -= (uint64_t)k;
    }
    char *buf = n ? malloc(1 << 20) : NULL;
    if (n && !buf)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", name);
    int rc = 0;
    while (n > 0 && !rc) {
        ssize_t k = pread(in, buf, n > (1u << 20) ? (1u << 20) : n, (off_t)ri);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = vs_error(VS_ERR_IO, "%s: read back failed: %s", name, k < 0 ? strerror(errno) : "short file");
            break;
        }
        rc = vs_write_all(out, buf, (size_t)k, (uint64_t)ro, name);
        ri += k, ro += k, n -= (uint64_t)k;
    }
    free(buf);
    return rc;
}

/* The header did not fit the reserved room: write a new file with a header
 * of the right size and the data copied after it, and swap it in. */
static int rebuild(VsShardFile *f, const char *h, uint64_t len)
{
    int rc;
    int out = open(f->copy_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0)
        return vs_error(VS_ERR_IO, "%s: cannot create: %s", f->path, strerror(errno));
    rc = vs_write_all(out, h, len, 0, f->path);
    if (!rc)
        rc = copy_data(f->fd, f->reserve, out, len, f->data_used, f->path);
    if (rc)
        goto fail;
    close(f->fd);
    unlink(f->tmp_path);
    f->fd = out;
    char *t = f->tmp_path; // from now on the copy is the temporary
    f->tmp_path = f->copy_path;
    f->copy_path = t;
    return 0;
fail:
    close(out);
    unlink(f->copy_path);
    return rc;
}

int vs_shard_file_seal(VsShardFile *f, uint64_t *header_bytes)
{
    char *h = NULL;
    uint64_t need = 8 + header_len(f->entries_len);
    uint64_t total = need > f->reserve ? round8(need) : f->reserve;
    int rc = build_header(f, total, need, &h);
    if (rc)
        goto fail;
    if (need > f->reserve) {
        rc = rebuild(f, h, total);
    } else {
        rc = vs_write_all(f->fd, h, total, 0, f->path);
        // The data already ends there; this only matters if the last bytes were never written.
        if (!rc && ftruncate(f->fd, (off_t)(f->reserve + f->data_used)) < 0)
            rc = vs_error(VS_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
    }
    // Hashed by reading the finished file back (from the page cache, as a rule):
    // frames arrive in any order, the header is written last and a rebuild
    // copies the data in the kernel, so there is no single pass to hash on the way.
    if (!rc)
        rc = vs_sha256_fd(f->fd, total + f->data_used, f->sha256, f->path);
    if (!rc && f->sync && fsync(f->fd) < 0)
        rc = vs_error(VS_ERR_IO, "%s: fsync failed: %s", f->path, strerror(errno));
    if (!rc) {
        f->bytes = total + f->data_used;
        *header_bytes = need;
    }
fail:
    free(h);
    return rc;
}

int vs_shard_file_commit(VsShardFile *f)
{
    int rc = 0;
    if (close(f->fd) < 0) {
        f->fd = -1;
        rc = vs_error(VS_ERR_IO, "%s: write failed: %s", f->path, strerror(errno));
        goto fail;
    }
    f->fd = -1;
    if (rename(f->tmp_path, f->path) < 0) {
        rc = vs_error(VS_ERR_IO, "%s: cannot rename into place: %s", f->path, strerror(errno));
        goto fail;
    }
    free(f->tmp_path);
    f->tmp_path = NULL; // finalized: nothing left to delete
    if (f->sync)
        rc = vs_fsync_dir(f->dir, f->path);
fail:
    return rc;
}

int vs_shard_file_finalize(VsShardFile *f, uint64_t *header_bytes)
{
    int rc = vs_shard_file_seal(f, header_bytes);
    return rc ? rc : vs_shard_file_commit(f);
}

int vs_fsync_dir(const char *dir, const char *name)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return vs_error(VS_ERR_IO, "%s: cannot open its directory to fsync it: %s", name, strerror(errno));
    int rc = 0;
    if (fsync(fd) < 0 && errno != EINVAL) // EINVAL: a file system that cannot sync directories
        rc = vs_error(VS_ERR_IO, "%s: fsync of its directory failed: %s", name, strerror(errno));
    close(fd);
    return rc;
}

int vs_sha256_fd(int fd, uint64_t size, char hex[65], const char *name)
{
    enum { CHUNK = 1 << 20 };
    uint8_t *buf = malloc(CHUNK), digest[SHA256_DIGEST_SIZE];
    if (!buf)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", name);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    uint64_t off = 0;
    int rc = 0;
    while (off < size) {
        ssize_t k = pread(fd, buf, size - off < CHUNK ? (size_t)(size - off) : CHUNK, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = vs_error(VS_ERR_IO, "%s: read failed: %s", name, k < 0 ? strerror(errno) : "file shorter than expected");
            break;
        }
        sha256_update(&ctx, (size_t)k, buf);
        off += (uint64_t)k;
    }
    free(buf);
    if (rc)
        return rc;
    sha256_digest(&ctx, sizeof(digest), digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

void vs_shard_file_remove(VsShardFile **pf)
{
    VsShardFile *f = *pf;
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->path);
    free(f->tmp_path);
    free(f->copy_path);
    free(f->dir);
    json_decref(f->meta);
    json_decref(f->tensors);
    free(f);
    *pf = NULL;
}

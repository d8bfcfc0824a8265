/* The shard writer (sink): places samples into size-capped safetensors files
 * and writes index.json at close.
 *
 * A sample's layout is decided when it begins (its frame count and frame
 * sizes are known then), so every frame is written straight to its final
 * offset and only per-frame scalars (pts, target, clip) are held until the
 * sample ends. One sample at a time: shard_sample.c; one file: shard_file.c;
 * what was committed and index.json: shard_index.c. */
#include "internal.h"
#include "shard_file.h"
#include "shard_index.h"
#include "shard_sample.h"
#include "vsample/shard.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESERVE_FLOOR ((uint64_t)64 << 10)
#define RESERVE_START_CEIL ((uint64_t)1 << 20)
#define RESERVE_CEIL ((uint64_t)64 << 20) // below VS_SAFETENSORS_MAX_HEADER

struct VsShardWriter {
    char *dir;
    uint64_t cap;
    uint64_t reserve_min, reserve_max, reserve_next; // header room of new shards
    int next_index;
    VsShardFile *cur;   // holds finished samples only; may take more
    VsShardSample *smp; // in progress, or NULL
    VsShardIndex index;
    int sync;           // fsync shards, index and directory (!no_fsync)
    int failed;         // first I/O or memory error: every later call returns it
    char *errmsg;       // the first error's message (owned)
};

_Static_assert(sizeof(VsShardSettings) == 72, "VsShardSettings changed size: take new fields from reserved");

void vs_shard_default_settings(VsShardSettings *s)
{
    memset(s, 0, sizeof(*s));
    s->shard_size = (uint64_t)1 << 30;
}

static int fail(VsShardWriter *w, int rc)
{
    if (!w->failed) {
        w->failed = rc;
        vs_keep_text(&w->errmsg, vs_last_error());
    }
    return rc;
}

static int reraise(const VsShardWriter *w)
{
    return vs_error(w->failed, "%s", vs_text(w->errmsg));
}

static uint64_t round8(uint64_t v)
{
    return (v + 7) & ~(uint64_t)7;
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Every temporary the writer holds: the current shard and the shards of the
 * sample in progress. */
static void remove_temporaries(VsShardWriter *w)
{
    if (w->smp)
        for (size_t i = 0; i < w->smp->nparts; i++)
            if (w->smp->parts[i].file != w->cur)
                vs_shard_file_remove(&w->smp->parts[i].file);
    vs_shard_file_remove(&w->cur);
}

static void writer_free(VsShardWriter *w)
{
    vs_shard_sample_free(&w->smp);
    vs_shard_index_free(&w->index);
    free(w->errmsg);
    free(w->dir);
    free(w);
}

/* -------------------------------------------------------------------- open */

/* mkdir -p: directories that already exist are fine. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    struct stat st;
    int rc = 0;
    if (!p)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) < 0 && errno != EEXIST && !(stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
            rc = vs_error(VS_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    if (!rc && stat(dir, &st) < 0)
        rc = vs_error(VS_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
    else if (!rc && !S_ISDIR(st.st_mode))
        rc = vs_error(VS_ERR_IO, "%s: cannot create directory: %s", dir, strerror(ENOTDIR));
    free(p);
    return rc;
}

int vs_shard_writer_open(VsShardWriter **out, const char *dir, const VsShardSettings *s)
{
    VsShardSettings def;
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "shards: no writer to open");
    *out = NULL;
    if (!dir || !*dir)
        return vs_error(VS_ERR_INVALID_ARG, "shards: no output directory");
    if (!s) {
        vs_shard_default_settings(&def);
        s = &def;
    }
    if (s->shard_size == 0)
        return vs_error(VS_ERR_INVALID_ARG, "%s: shard size must be > 0", dir);
    if (s->index_format != VS_SHARD_INDEX_SAMPLES && s->index_format != VS_SHARD_INDEX_SHARDS)
        return vs_error(VS_ERR_INVALID_ARG, "%s: unknown index format %d", dir, s->index_format);
    int rc = make_dirs(dir);
    if (rc)
        return rc;
    if (access(dir, W_OK | X_OK) < 0)
        return vs_error(VS_ERR_IO, "%s: not writable: %s", dir, strerror(errno));

    VsShardWriter *w = calloc(1, sizeof(*w));
    if (!w || !(w->dir = strdup(dir))) {
        free(w);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", dir);
    }
    size_t n = strlen(w->dir);
    while (n > 1 && w->dir[n - 1] == '/') // "out/" names "out/shard-...", not "out//shard-..."
        w->dir[--n] = '\0';
    w->cap = s->shard_size;
    w->sync = !s->no_fsync;
    w->index.format = s->index_format;
    // Header room: cap / 4096 within [64 KiB, 1 MiB] to start with, grown
    // after headers that did not fit (finalize_file). It counts against the
    // cap, so it is at most an eighth of it; a header that outgrows it makes
    // the file be rebuilt (shard_file.c). The room left is padded with spaces.
    w->reserve_max = clamp_u64(w->cap / 8, 16, RESERVE_CEIL) & ~(uint64_t)7;
    w->reserve_min = round8(clamp_u64(w->cap / 4096, RESERVE_FLOOR, RESERVE_START_CEIL));
    if (w->reserve_min > w->reserve_max)
        w->reserve_min = w->reserve_max;
    w->reserve_next = w->reserve_min;
    *out = w;
    return 0;
}

/* -------------------------------------------------------------- placement */

/* Size of the shard once it holds n more frames from `first`. */
static uint64_t part_size(VsShardSample *s, uint64_t reserve, uint64_t data, uint64_t entries,
                          int64_t first, int64_t n)
{
    uint64_t header = entries + vs_shard_fragments_len(s, data, first, n);
    return vs_shard_file_size(reserve, header, data + (uint64_t)n * s->frame_bytes);
}

/* Most frames from `first` (at most `left`) that a shard with this reserve,
 * data bytes and header entries can take within the cap; 0 if none. The
 * header counts: the finished file must be within the cap. */
static int64_t fit_frames(VsShardWriter *w, VsShardSample *s, uint64_t reserve, uint64_t data,
                          uint64_t entries, int64_t first, int64_t left)
{
    uint64_t F = s->frame_bytes;
    // Estimate with the header entries of all `left` frames, then adjust: the
    // entries of n frames differ only in the digits of their numbers.
    uint64_t fixed = vs_shard_file_size(reserve, entries + vs_shard_fragments_len(s, data, first, left), data);
    int64_t n = 0;
    if (fixed < w->cap)
        n = (w->cap - fixed) / F < (uint64_t)left ? (int64_t)((w->cap - fixed) / F) : left;
    while (n > 0 && part_size(s, reserve, data, entries, first, n) > w->cap)
        n--;
    while (n < left && part_size(s, reserve, data, entries, first, n + 1) <= w->cap)
        n++;
    return n;
}

/* Where the sample goes: all of it in the current shard if it fits; else in
 * a new shard if it fits an empty one; else as many frames as fit in the
 * current shard and the rest in new shards, each taking what fits (at least
 * one frame: a frame larger than the cap gets a shard of its own). */
static int place_sample(VsShardWriter *w, VsShardSample *s)
{
    int64_t first = 0, frames = s->frames;
    int rc = 0;
    VsShardFile *f = w->cur;
    if (f) {
        int64_t n = fit_frames(w, s, f->reserve, f->data_used, f->entries_len, 0, frames);
        if (n < frames && fit_frames(w, s, w->reserve_next, 0, 0, 0, frames) == frames)
            n = 0; // the current shard is complete: finalized when this sample ends
        if (n > 0 && !(rc = vs_shard_grow_parts(s)))
            rc = vs_shard_add_part(s, f, 0, n);
        first = n;
    }
    while (!rc && first < frames) {
        VsShardFile *g;
        if ((rc = vs_shard_grow_parts(s)) ||
            (rc = vs_shard_file_create(&g, w->dir, w->next_index, w->reserve_next, w->sync)))
            break;
        w->next_index++;
        int64_t n = fit_frames(w, s, g->reserve, 0, 0, first, frames - first);
        rc = vs_shard_add_part(s, g, first, n > 0 ? n : 1);
        first += n > 0 ? n : 1;
    }
    if (!rc && s->oom)
        rc = vs_error(VS_ERR_NOMEM, "%s: out of memory", w->dir);
    return rc;
}

/* ------------------------------------------------------------------ sample */

int vs_shard_begin_sample(VsShardWriter *w, const char *key, const char *metadata_json,
                          const VsShardTensor *tensors, size_t ntensors, int64_t frames, int with_clip)
{
    int rc;
    if (!w)
        return vs_error(VS_ERR_INVALID_ARG, "shards: no writer");
    if (w->failed)
        return reraise(w);
    if (w->smp)
        return vs_error(VS_ERR_INVALID_ARG, "%s: sample '%s' is still in progress", w->dir, w->smp->key);
    if ((rc = vs_shard_check_name("sample key", key, 1)))
        return rc;
    if (vs_shard_index_has(&w->index, key))
        return vs_error(VS_ERR_INVALID_ARG, "%s: sample key '%s' used twice", w->dir, key);
    if (frames < 1 || frames > INT32_MAX)
        return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': %" PRId64 " frames", key, frames);
    if ((rc = vs_shard_check_tensors(key, tensors, ntensors)))
        return rc;
    json_error_t jerr;
    json_t *meta = metadata_json ? json_loads(metadata_json, 0, &jerr) : json_object();
    if (!meta && !metadata_json)
        return vs_error(VS_ERR_NOMEM, "shards: sample '%s': out of memory", key);
    if (!meta)
        return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': metadata is not a JSON object: %s (column %d)",
                        key, jerr.text, jerr.column);
    if (!json_is_object(meta)) {
        json_decref(meta);
        return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': metadata is not a JSON object", key);
    }
    VsShardSample *s = NULL;
    if ((rc = vs_shard_sample_create(&s, key, meta, tensors, ntensors, frames, with_clip)))
        return rc; // nothing was touched: the writer stays usable
    if (w->cur) {
        s->cur_data = w->cur->data_used;
        s->cur_meta = json_object_size(w->cur->meta);
        s->cur_tensors = json_object_size(w->cur->tensors);
        s->cur_entries = w->cur->entries_len;
    }
    s->next_index = w->next_index;
    w->smp = s; // from here its files are tracked, also for cleanup after a failure
    if ((rc = place_sample(w, s)))
        return fail(w, rc);
    return 0;
}

int vs_shard_write_frame(VsShardWriter *w, int64_t frame, const void *const *data, double pts,
                         double target, int32_t clip)
{
    if (!w)
        return vs_error(VS_ERR_INVALID_ARG, "shards: no writer");
    if (w->failed)
        return reraise(w);
    VsShardSample *s = w->smp;
    if (!s)
        return vs_error(VS_ERR_INVALID_ARG, "%s: frame written with no sample in progress", w->dir);
    if (frame < 0 || frame >= s->frames)
        return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': frame %" PRId64 " out of range [0, %" PRId64 ")",
                        s->key, frame, s->frames);
    for (size_t i = 0; i < s->nent; i++)
        if (s->ent[i].src >= 0 && (!data || !data[s->ent[i].src]))
            return vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': frame %" PRId64 ": no data for tensor %d",
                            s->key, frame, s->ent[i].src);
    int rc = vs_shard_write_tensors(s, frame, data);
    if (rc)
        return fail(w, rc);
    s->pts[frame] = pts;
    s->target[frame] = target;
    if (s->clip)
        s->clip[frame] = clip;
    s->written[frame] = 1;
    return 0;
}

/* Seal a complete shard (header, hash, fsync), record its size and hash, and
 * size the next reservation after its header (a quarter more), within the
 * bounds set at open. */
static int seal_file(VsShardWriter *w, VsShardFile *f)
{
    uint64_t hb;
    int rc = vs_shard_file_seal(f, &hb);
    if (!rc)
        rc = vs_shard_index_file(&w->index, f->index, f->bytes, f->sha256);
    if (!rc)
        w->reserve_next = clamp_u64(round8(hb + hb / 4), w->reserve_min, w->reserve_max);
    return rc;
}

/* Seal a complete shard, rename it into place and free it. */
static int finalize_file(VsShardWriter *w, VsShardFile **pf)
{
    int rc = seal_file(w, *pf);
    if (!rc)
        rc = vs_shard_file_commit(*pf);
    if (!rc)
        vs_shard_file_remove(pf);
    return rc;
}

int vs_shard_end_sample(VsShardWriter *w)
{
    if (!w)
        return vs_error(VS_ERR_INVALID_ARG, "shards: no writer");
    if (w->failed)
        return reraise(w);
    VsShardSample *s = w->smp;
    if (!s)
        return vs_error(VS_ERR_INVALID_ARG, "%s: end of sample with no sample in progress", w->dir);
    for (int64_t i = 0; i < s->frames; i++) {
        if (!s->written[i]) {
            int rc = vs_error(VS_ERR_INVALID_ARG, "shards: sample '%s': frame %" PRId64 " of %" PRId64
                              " was not written; sample dropped", s->key, i, s->frames);
            vs_shard_abort_sample(w);
            return w->failed ? reraise(w) : rc;
        }
    }
    int rc = vs_shard_write_scalars(s);
    if (!rc)
        rc = vs_shard_index_add(&w->index, s);
    // Every shard of the sample but the last is full, and so is a current
    // shard the sample did not go into.
    if (!rc && w->cur && w->cur != s->parts[0].file)
        rc = finalize_file(w, &w->cur);
    for (size_t i = 0; !rc && i + 1 < s->nparts; i++) {
        if (s->parts[i].file == w->cur)
            w->cur = NULL; // owned by the part until finalized
        rc = finalize_file(w, &s->parts[i].file);
    }
    if (rc)
        return fail(w, rc);
    w->cur = s->parts[s->nparts - 1].file;
    vs_shard_sample_free(&w->smp);
    return 0;
}

void vs_shard_abort_sample(VsShardWriter *w)
{
    if (!w || !w->smp || w->failed) // a failed writer removes everything at close
        return;
    VsShardSample *s = w->smp;
    for (size_t i = 0; i < s->nparts; i++) {
        if (s->parts[i].file != w->cur) {
            vs_shard_file_remove(&s->parts[i].file); // created for this sample
        } else {
            int rc = vs_shard_file_rollback(w->cur, s->cur_data, s->cur_meta, s->cur_tensors,
                                            s->cur_entries);
            if (rc)
                fail(w, rc);
        }
    }
    w->next_index = s->next_index;
    if (!w->failed)
        vs_shard_sample_free(&w->smp);
}

/* ------------------------------------------------------------------ close */

int vs_shard_writer_close(VsShardWriter **pw)
{
    if (!pw || !*pw)
        return 0;
    VsShardWriter *w = *pw;
    *pw = NULL;
    vs_shard_abort_sample(w);
    int rc = w->failed ? reraise(w) : 0;
    VsShardIndexFile idx = { 0 };
    if (!rc && w->cur) // sealed (hashed) first, so that the index can list it
        rc = seal_file(w, w->cur);
    if (!rc) // before the last shard is renamed into place: out of memory leaves no shard without an index
        rc = vs_shard_index_prepare(&idx, &w->index, w->dir, w->next_index);
    if (!rc && w->cur && !(rc = vs_shard_file_commit(w->cur)))
        vs_shard_file_remove(&w->cur);
    if (!rc)
        rc = vs_shard_index_commit(&idx, w->dir, w->sync);
    vs_shard_index_file_free(&idx);
    if (rc)
        remove_temporaries(w);
    writer_free(w);
    return rc;
}

void vs_shard_writer_discard(VsShardWriter **pw)
{
    if (!pw || !*pw)
        return;
    remove_temporaries(*pw);
    writer_free(*pw);
    *pw = NULL;
}

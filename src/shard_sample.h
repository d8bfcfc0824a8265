/* One sample being written by the shard writer: its checked arguments, its
 * tensors in file order, the parts it is split into, and the per-frame
 * scalars held until it ends. */
#ifndef VSAMPLE_SHARD_SAMPLE_H
#define VSAMPLE_SHARD_SAMPLE_H

#include "shard_file.h"
#include "vsample/shard.h"

#include <stdint.h>

/* Where an entry's bytes come from: the caller's data[i] (i >= 0) or these. */
enum { VS_SHARD_SRC_PTS = -1, VS_SHARD_SRC_TARGET = -2, VS_SHARD_SRC_CLIP = -3 };

/* One tensor of the sample, K/<suffix>, with shape [n, dims...] in a part of n frames. */
typedef struct VsShardEntry {
    char *name;           ///< "K/<suffix>"
    size_t name_len;      ///< bytes of the name as a JSON string
    int dtype, ndim;      ///< file dtype (VsDType, or F64/I32 for the scalars); dims of one frame
    int64_t dims[4];
    uint64_t frame_bytes;
    int src;              ///< data[] index or VS_SHARD_SRC_*
} VsShardEntry;

/* Frames [first, end) of the sample in one shard. */
typedef struct VsShardPart {
    VsShardFile *file;
    int64_t first, end;
    uint64_t *off;        ///< data offset in the file of each entry (ent order)
} VsShardPart;

typedef struct VsShardSample {
    char *key;            ///< as given
    json_t *meta;         ///< the caller's metadata object
    int oom;              ///< a header entry could not be made or measured
    VsShardEntry *ent;    ///< element size descending (the order parts start from)
    size_t nent;
    size_t *order;        ///< scratch: file order of a part's entries
    uint64_t *off;        ///< scratch: their offsets
    uint64_t frame_bytes; ///< of all entries
    int64_t frames;
    double *pts, *target;
    int32_t *clip;        ///< NULL without clips
    unsigned char *written;
    VsShardPart *parts;   ///< in frame order
    size_t nparts, parts_cap;
    // what the current shard and the numbering were before the sample (abort)
    uint64_t cur_data, cur_entries;
    size_t cur_meta, cur_tensors; ///< member counts
    int next_index;
} VsShardSample;

/* Keys and tensor names: not empty, no '"', no control characters, UTF-8,
 * and no '/' unless allow_slash. */
int vs_shard_check_name(const char *what, const char *s, int allow_slash);
/* The writer's dtypes beyond enum VsDType: its per-frame scalars. */
enum { VS_SHARD_DT_F64 = 4, VS_SHARD_DT_I32 = 5 };
/* A writer dtype's safetensors name and byte size (src/shard_dtype.c; NULL, 0 unknown). */
const char *vs_shard_dtype_name(int code);
unsigned vs_shard_dtype_size(int code);

/* Check the arguments of vs_shard_begin_sample() that describe tensors. */
int vs_shard_check_tensors(const char *key, const VsShardTensor *tensors, size_t ntensors);

/* Copy what the sample needs (arguments already checked, except sizes); on
 * success the sample owns meta (a JSON object), on failure it is released. */
int vs_shard_sample_create(VsShardSample **out, const char *key, json_t *meta,
                           const VsShardTensor *tensors, size_t ntensors, int64_t frames, int with_clip);
void vs_shard_sample_free(VsShardSample **s);

/* Bytes the header entries of a part of n frames from `first` placed at data
 * offset base would take (as vs_json_entry_len counts); 0 and s->oom set
 * when out of memory. */
uint64_t vs_shard_fragments_len(VsShardSample *s, uint64_t base, int64_t first, int64_t n);

/* Lay frames [first, first + n) at the end of f's data. */
int vs_shard_add_part(VsShardSample *s, VsShardFile *f, int64_t first, int64_t n);
/* Room for one more part (so that a new file can be owned at once). */
int vs_shard_grow_parts(VsShardSample *s);
const VsShardPart *vs_shard_find_part(const VsShardSample *s, int64_t frame);

/* Write frame `frame` of every caller tensor at its place. */
int vs_shard_write_tensors(VsShardSample *s, int64_t frame, const void *const *data);
/* Write the pts/target/clip of every part (held until the sample ends). */
int vs_shard_write_scalars(VsShardSample *s);

#endif

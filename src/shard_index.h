/* What the shard writer committed: the samples and their parts, a set of
 * their keys (each is unique), and index.json written from them. */
#ifndef VSAMPLE_SHARD_INDEX_H
#define VSAMPLE_SHARD_INDEX_H

#include "shard_sample.h"

typedef struct VsShardIndexPart {
    int shard;
    int64_t start, end;
} VsShardIndexPart;

typedef struct VsShardCommitted {
    char *key;
    json_t *meta;       ///< the caller's metadata object
    int64_t frames;
    VsShardIndexPart *parts;
    size_t nparts;
} VsShardCommitted;

typedef struct VsShardIndex {
    VsShardCommitted *done;
    size_t ndone, done_cap;
    size_t *keyset;     ///< open addressing over done: 1 + index, 0 = free
    size_t keyset_cap;
} VsShardIndex;

int vs_shard_index_has(const VsShardIndex *x, const char *key);

/* Record a finished sample; on success x owns s's key and meta (set to NULL in s). */
int vs_shard_index_add(VsShardIndex *x, VsShardSample *s);

/* DIR/index.json listing shards 0..nshards-1, through a temporary and a rename. */
int vs_shard_index_write(const VsShardIndex *x, const char *dir, int nshards);

void vs_shard_index_free(VsShardIndex *x);

#endif

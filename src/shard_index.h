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

/* DIR/index.json listing shards 0..nshards-1, in two steps: prepare does all
 * that allocates, so that the writer can fail for memory before it renames a
 * last shard into place; commit writes it through a temporary and a rename. */
typedef struct VsShardIndexFile {
    char *text, *path, *tmp;
} VsShardIndexFile;
int vs_shard_index_prepare(VsShardIndexFile *f, const VsShardIndex *x, const char *dir, int nshards);
/* Frees f in every case. */
int vs_shard_index_commit(VsShardIndexFile *f);
void vs_shard_index_file_free(VsShardIndexFile *f);

void vs_shard_index_free(VsShardIndex *x);

#endif

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

/* A finalized shard. */
typedef struct VsShardFileInfo {
    uint64_t bytes;
    char sha256[65];
} VsShardFileInfo;

typedef struct VsShardIndex {
    int format;         ///< enum VsShardIndexFormat
    VsShardFileInfo *files; ///< per shard number, once finalized
    size_t files_cap;
    VsShardCommitted *done;
    size_t ndone, done_cap;
    size_t *keyset;     ///< open addressing over done: 1 + index, 0 = free
    size_t keyset_cap;
} VsShardIndex;

int vs_shard_index_has(const VsShardIndex *x, const char *key);

/* Record a finished sample; on success x owns s's key and meta (set to NULL in s;
 * with VS_SHARD_INDEX_SHARDS the meta is released: the index does not list it). */
int vs_shard_index_add(VsShardIndex *x, VsShardSample *s);

/* Record shard number `shard`'s size and SHA-256 (a sealed file). */
int vs_shard_index_file(VsShardIndex *x, int shard, uint64_t bytes, const char *sha256);

/* DIR/index.json listing shards 0..nshards-1, in two steps: prepare does all
 * that allocates, so that the writer can fail for memory before it renames a
 * last shard into place; commit writes it through a temporary and a rename. */
typedef struct VsShardIndexFile {
    char *text, *path, *tmp;
} VsShardIndexFile;
int vs_shard_index_prepare(VsShardIndexFile *f, const VsShardIndex *x, const char *dir, int nshards);
/* Frees f in every case; sync: fsync the file before its rename, the directory after. */
int vs_shard_index_commit(VsShardIndexFile *f, const char *dir, int sync);
void vs_shard_index_file_free(VsShardIndexFile *f);

void vs_shard_index_free(VsShardIndex *x);

#endif

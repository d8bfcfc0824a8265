/* vsample pack SRC... -o DIR: the samples of extract and batch outputs into
 * large shards (tools/cmd_pack.c), read from their sources here
 * (tools/pack_source.c). */
#ifndef VSAMPLE_PACK_H
#define VSAMPLE_PACK_H

#include "vsample/shard.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* One sample of a source: its entry of SRC/index.json. */
typedef struct PackItem {
    const char *key;  /* borrowed from value's index */
    int src;          /* index into the SRC list */
    json_t *value;    /* {"frames", "parts": [{"shard", "start", "end"}], "metadata"} (borrowed) */
} PackItem;

typedef struct PackList {
    json_t **index;   /* per SRC, its index.json (owned) */
    const char **src; /* the SRC paths (borrowed from argv) */
    size_t nsrc;
    PackItem *v;
    size_t n;
} PackList;

/* Every sample of every SRC, sorted by key. EXIT_OK, or EXIT_USAGE for a key in
 * two SRCs (naming both), EXIT_CORRUPT for an unreadable index, EXIT_INTERNAL;
 * the error reported. */
int pack_list(PackList *l, const char **src, size_t nsrc);
void pack_list_free(PackList *l);

/* The shards of the sources, mapped (a few at a time). */
typedef struct PackFiles PackFiles;
int pack_files_open(PackFiles **out);
void pack_files_close(PackFiles **f);

/* Sample it into the writer: its tensors byte for byte, its pts/target/clip, its
 * metadata. EXIT_OK, EXIT_CORRUPT (a source shard does not hold what its
 * index says: reported), EXIT_OUTPUT (the writer failed: reported against
 * out_dir), EXIT_INTERNAL. */
int pack_sample(PackFiles *f, const PackList *l, const PackItem *it, VsShardWriter *w, const char *out_dir,
                int64_t *frames, uint64_t *bytes);

#endif

/* Index files in the shard writer's format ({"format": "vsample-shards",
 * "version": 1, "shards": [...], "samples": {KEY: {...}}}) read into entries and
 * written back: what batch's catalogues are made of. Apart from batch_catalog.c
 * so that tests/fuzz can link it without the CLI. */
#ifndef VSAMPLE_BATCH_INDEX_H
#define VSAMPLE_BATCH_INDEX_H

#include <jansson.h>
#include <stddef.h>

typedef struct Entry {
    char *key;
    json_t *value; /* {"frames": ..., "parts": [...], "metadata": {...}}, shard paths from DIR */
    json_t *error; /* an errors.jsonl line: {"key", "path", "error", "exit_code"[, "cause"]} */
    json_t *files; /* {shard path from DIR: {"bytes", "sha256"}} of its parts' shards, or NULL */
} Entry;

typedef struct Entries {
    Entry *v;
    size_t n, cap;
    int oom;
} Entries;

/* A new zeroed entry at the end; NULL (and es->oom set) when out of memory. */
Entry *entries_push(Entries *es);
void entry_free(Entry *e);
void entries_free(Entries *es);
/* By key (strcmp), for qsort and bsearch. */
int entry_cmp(const void *a, const void *b);
void entries_sort(Entries *es);

/* The samples of a parsed index file (index, taken: it is released; NULL when
 * jansson could not read it, err then says why) into out, all or nothing.
 * prefix (or NULL) goes before each shard name; want_key (or NULL): the one key
 * it must hold. NULL or the cause, in buf when it is jansson's. */
const char *index_parse(json_t *index, const json_error_t *err, const char *prefix, const char *want_key,
                        Entries *out, char *buf, size_t size);
/* The index file of es (sorted by key first), malloc'd; NULL when out of memory. */
char *index_text(Entries *es);

#endif

/* The index files of the shard writer's format as batch reads them
 * (tools/batch_index.c: parse, write back, parse again), and the shard
 * writer's metadata JSON: a one-frame sample with the input as its metadata,
 * whose index.json batch must then read. */
#include "fuzz.h"

#include "batch_index.h"
#include "vsample/shard.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static void remove_dir(void)
{
    if (dir[0])
        rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/vsfuzz-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror(dir);
        abort();
    }
    atexit(remove_dir);
    return 0;
}

/* Empty the directory; abort when a file is left that should not be. */
static void clean_dir(int expect_files)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[512];
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (!expect_files) {
            fprintf(stderr, "fuzz_shards: %s left after a failed sample\n", de->d_name);
            abort();
        }
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
}

static void parse_catalog(const uint8_t *data, size_t size)
{
    char buf[512];
    Entries es = { 0 };
    json_error_t err;
    json_t *index = json_loadb((const char *)data, size, 0, &err);
    /* as batch reads a sample's own index: prefix and the one key it must hold */
    json_t *samples = json_object_get(index, "samples");
    void *it = json_object_iter(samples);
    char *key = it ? strdup(json_object_iter_key(it)) : NULL;
    if (key) {
        index_parse(json_deep_copy(index), &err, "samples/k/", key, &es, buf, sizeof(buf));
        entries_free(&es);
    }
    free(key);
    /* as --merge-index reads partitions': every key; written back, it reads the same */
    if (!index_parse(index, &err, NULL, NULL, &es, buf, sizeof(buf))) {
        size_t n = es.n;
        char *text = index_text(&es);
        entries_free(&es);
        if (text) {
            json_t *again = json_loads(text, 0, &err);
            if (index_parse(again, &err, NULL, NULL, &es, buf, sizeof(buf)) || es.n != n) {
                fprintf(stderr, "fuzz_shards: the catalogue written does not read back: %s\n", buf);
                abort();
            }
            entries_free(&es);
        }
        free(text);
    }
    entries_free(&es);
}

static void write_sample(const uint8_t *data, size_t size)
{
    char *meta = malloc(size + 1);
    if (!meta)
        return;
    memcpy(meta, data, size);
    meta[size] = 0;
    VsShardSettings set;
    vs_shard_default_settings(&set);
    set.shard_size = 4096;
    VsShardWriter *w = NULL;
    const VsShardTensor t = { .name = "v", .dtype = VS_DTYPE_U8, .ndim = 1, .dims = { 4 } };
    const uint8_t frame[4] = { 1, 2, 3, 4 };
    const void *const frames[1] = { frame };
    int rc = vs_shard_writer_open(&w, dir, &set);
    if (!rc && !(rc = vs_shard_begin_sample(w, "k", meta, &t, 1, 1, 0)) &&
        !(rc = vs_shard_write_frame(w, 0, frames, 0.0, 0.0, -1)))
        rc = vs_shard_end_sample(w);
    if (rc)
        vs_shard_writer_discard(&w);
    else
        rc = vs_shard_writer_close(&w);
    free(meta);
    if (rc) {
        clean_dir(0);
        return;
    }
    char path[128], buf[512];
    snprintf(path, sizeof(path), "%s/index.json", dir);
    json_error_t err;
    Entries es = { 0 };
    const char *why = index_parse(json_load_file(path, 0, &err), &err, "samples/k/", "k", &es, buf, sizeof(buf));
    if (why) {
        fprintf(stderr, "fuzz_shards: batch cannot read the writer's index.json: %s\n", why);
        abort();
    }
    entries_free(&es);
    clean_dir(1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_catalog(data, size);
    write_sample(data, size);
    return 0;
}

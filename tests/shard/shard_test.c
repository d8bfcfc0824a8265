/* Shard writer tests.
 *
 *   shard_test            error paths and failure handling (suite 'unit')
 *   shard_test gen OUT    write the scenarios that check_shards.py verifies:
 *                         OUT/<name>/ (the shards) plus OUT/<name>.expect.json
 *                         and OUT/<name>.expect.bin (what every committed
 *                         sample must hold, straight from the generator)
 */
#include "vsample/shard.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQUIRE(cond)                                                                       \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed (last error: %s)\n", __FILE__,       \
                    __LINE__, #cond, vs_last_error());                                      \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

#define REQUIRE_OK(expr) REQUIRE((expr) == 0)

static const unsigned DSIZE[] = {1, 2, 2, 4}; // U8 F16 BF16 F32
static const char *DNAME[] = {"U8", "F16", "BF16", "F32"};

/* ------------------------------------------------------------------ random */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u); // splitmix64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static int64_t rng_range(int64_t lo, int64_t hi) // inclusive
{
    return lo + (int64_t)(rng_next() % (uint64_t)(hi - lo + 1));
}

static void rng_fill(void *p, size_t n)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)rng_next();
}

/* ------------------------------------------------------------- file system */

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    REQUIRE(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Number of entries in dir whose name contains `part` ("" = all but . and ..). */
static int count_files(const char *dir, const char *part)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part))
            n++;
    closedir(d);
    return n;
}

static int exists(const char *dir, const char *name)
{
    char *p = path_join(dir, name);
    int r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = path_join(dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *t = path_join(base, "vs_shard_test.XXXXXX");
    REQUIRE(mkdtemp(t));
    return t;
}

/* -------------------------------------------------------------- generation */

enum { COMMIT, ABORT_MID, MISSING_FRAME };

typedef struct Gen {
    VsShardWriter *w;
    FILE *json, *bin;
    int nsamples, naborted;
    char aborted[4096];
} Gen;

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static size_t frame_bytes(const VsShardTensor *t)
{
    size_t n = DSIZE[t->dtype];
    for (int d = 0; d < t->ndim; d++)
        n *= (size_t)t->dims[d];
    return n;
}

/* Write one sample of random data with frames in random order; `mode` makes
 * it an aborted one. Committed samples go to the expectation files. */
static void gen_sample(Gen *g, const char *key, const char *meta, const VsShardTensor *t, size_t nt,
                       int64_t T, int with_clip, int mode)
{
    unsigned char *data[8];
    size_t fb[8];
    REQUIRE(nt <= 8);
    for (size_t i = 0; i < nt; i++) {
        fb[i] = frame_bytes(&t[i]);
        data[i] = malloc(fb[i] * (size_t)T);
        REQUIRE(data[i]);
        rng_fill(data[i], fb[i] * (size_t)T);
    }
    double *pts = malloc(sizeof(double) * (size_t)T), *target = malloc(sizeof(double) * (size_t)T);
    int32_t *clip = malloc(sizeof(int32_t) * (size_t)T);
    int64_t *order = malloc(sizeof(int64_t) * (size_t)T);
    REQUIRE(pts && target && clip && order);
    for (int64_t f = 0; f < T; f++) {
        pts[f] = (double)f / 25.0 + (double)(rng_next() % 1000) * 1e-6;
        target[f] = (double)f / 25.0;
        clip[f] = (int32_t)(f / 4) - (int32_t)(rng_next() % 3);
        order[f] = f;
    }
    for (int64_t f = T - 1; f > 0; f--) { // Fisher-Yates
        int64_t j = rng_range(0, f), x = order[f];
        order[f] = order[j];
        order[j] = x;
    }

    REQUIRE_OK(vs_shard_begin_sample(g->w, key, meta, t, nt, T, with_clip));
    int64_t nwrite = mode == ABORT_MID ? T / 2 : mode == MISSING_FRAME ? T - 1 : T;
    for (int64_t k = 0; k < nwrite; k++) {
        int64_t f = order[k];
        const void *ptr[8];
        for (size_t i = 0; i < nt; i++)
            ptr[i] = data[i] + (size_t)f * fb[i];
        REQUIRE_OK(vs_shard_write_frame(g->w, f, ptr, pts[f], target[f], clip[f]));
    }
    if (mode == ABORT_MID) {
        vs_shard_abort_sample(g->w);
    } else if (mode == MISSING_FRAME) {
        REQUIRE(vs_shard_end_sample(g->w) == VS_ERR_INVALID_ARG);
        REQUIRE(strstr(vs_last_error(), "was not written"));
    } else {
        REQUIRE_OK(vs_shard_end_sample(g->w));
    }

    if (mode != COMMIT) {
        size_t len = strlen(g->aborted);
        snprintf(g->aborted + len, sizeof(g->aborted) - len, "%s\"%s\"", g->naborted++ ? ", " : "", key);
    } else {
        fprintf(g->json, "%s\n  {\"key\": ", g->nsamples++ ? "," : "");
        json_str(g->json, key);
        fprintf(g->json, ", \"frames\": %" PRId64 ", \"meta\": %s, \"tensors\": [", T, meta ? meta : "{}");
        for (size_t i = 0; i < nt; i++) {
            fprintf(g->json, "%s{\"name\": \"%s\", \"dtype\": \"%s\", \"dims\": [", i ? ", " : "", t[i].name,
                    DNAME[t[i].dtype]);
            for (int d = 0; d < t[i].ndim; d++)
                fprintf(g->json, "%s%" PRId64, d ? ", " : "", t[i].dims[d]);
            fprintf(g->json, "], \"offset\": %ld}", ftell(g->bin));
            REQUIRE(fwrite(data[i], fb[i], (size_t)T, g->bin) == (size_t)T);
        }
        fprintf(g->json, "], \"pts\": %ld", ftell(g->bin));
        REQUIRE(fwrite(pts, sizeof(double), (size_t)T, g->bin) == (size_t)T);
        fprintf(g->json, ", \"target\": %ld", ftell(g->bin));
        REQUIRE(fwrite(target, sizeof(double), (size_t)T, g->bin) == (size_t)T);
        if (with_clip) {
            fprintf(g->json, ", \"clip\": %ld}", ftell(g->bin));
            REQUIRE(fwrite(clip, sizeof(int32_t), (size_t)T, g->bin) == (size_t)T);
        } else {
            fprintf(g->json, ", \"clip\": null}");
        }
    }
    for (size_t i = 0; i < nt; i++)
        free(data[i]);
    free(pts);
    free(target);
    free(clip);
    free(order);
}

static void gen_open(Gen *g, const char *out, const char *name, uint64_t cap)
{
    char file[512];
    VsShardSettings s;
    memset(g, 0, sizeof(*g));
    vs_shard_default_settings(&s);
    s.shard_size = cap;
    char *dir = path_join(out, name);
    REQUIRE_OK(vs_shard_writer_open(&g->w, dir, &s));
    free(dir);
    snprintf(file, sizeof(file), "%s/%s.expect.json", out, name);
    g->json = fopen(file, "w");
    snprintf(file, sizeof(file), "%s/%s.expect.bin", out, name);
    g->bin = fopen(file, "wb");
    REQUIRE(g->json && g->bin);
    fprintf(g->json, "{\"name\": \"%s\", \"cap\": %" PRIu64 ", \"samples\": [", name, cap);
}

static void gen_close(Gen *g)
{
    REQUIRE_OK(vs_shard_writer_close(&g->w));
    REQUIRE(g->w == NULL);
    fprintf(g->json, "\n ], \"aborted\": [%s]}\n", g->aborted);
    REQUIRE(fclose(g->json) == 0);
    REQUIRE(fclose(g->bin) == 0);
}

/* Views of several dtypes and layouts; frame sizes are multiples of 8 except
 * "odd" (3 x 5 x 5 u8), which shows parts need not keep 8-byte alignment. */
static const VsShardTensor VIEWS[] = {
    {"siglip", VS_DTYPE_F16, 3, {3, 6, 6}},
    {"thumb", VS_DTYPE_U8, 3, {4, 4, 3}},
    {"clip-f32", VS_DTYPE_F32, 3, {3, 4, 4}},
    {"bf", VS_DTYPE_BF16, 3, {2, 4, 4}},
    {"odd", VS_DTYPE_U8, 3, {3, 5, 5}},
};

static void gen_key(char *key, size_t n, const char *prefix, int i)
{
    snprintf(key, n, "%s/video_%03d.mp4", prefix, i);
}

static void gen_meta(char *meta, size_t n, int i)
{
    snprintf(meta, n, "{\"source\": \"videos/clip_%d.mp4\", \"strategy\": \"fps:2\", \"fps\": %d.5}", i, i % 7);
}

/* Everything in one shard, including keys and metadata that need escaping. */
static void scenario_single(const char *out)
{
    Gen g;
    char key[64], meta[256];
    gen_open(&g, out, "single", (uint64_t)1 << 30);
    gen_sample(&g, "caf\xc3\xa9 \\ back", "  {\"a\": \"q\\\"uote\\\\ \\u00e9\", \"n\": [1, -2.5e3, null, true, {}]}  ",
               VIEWS, 3, 5, 1, COMMIT);
    // control characters, raw and escaped non-ASCII UTF-8 (a surrogate pair too),
    // quotes and backslashes: check_shards.py reads them back with Python's json
    gen_sample(&g, "\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x8e\xa5 clip",
               "{\"t\": \"tab\\there\\nnew\\u0001\\u001f\\r\\b\\f\", \"u\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", "
               "\"e\": \"\\ud83d\\ude00 \\u00e9 \\/\", \"\\\"k\\\\\": [\"\\\\\\\"\"], \"big\": 9007199254740993, "
               "\"r\": 0.1}",
               VIEWS, 2, 3, 0, COMMIT);
    gen_sample(&g, "no-meta", NULL, VIEWS + 1, 1, 3, 0, COMMIT);
    gen_sample(&g, "empty-meta", " { } ", VIEWS + 3, 2, 4, 0, COMMIT);
    gen_sample(&g, "no-views", "{}", NULL, 0, 4, 1, COMMIT);
    for (int i = 0; i < 9; i++) {
        gen_key(key, sizeof(key), "single", i);
        gen_meta(meta, sizeof(meta), i);
        gen_sample(&g, key, meta, VIEWS + i % 3, 1 + (size_t)(i % 3), rng_range(1, 20), i % 2, COMMIT);
    }
    gen_close(&g);
}

/* A few samples per shard, with aborted samples in the middle. */
static void scenario_several(const char *out)
{
    Gen g;
    char key[64], meta[256];
    gen_open(&g, out, "several", 80 * 1024);
    for (int i = 0; i < 30; i++) {
        gen_key(key, sizeof(key), "several", i);
        gen_meta(meta, sizeof(meta), i);
        int mode = i == 7 ? ABORT_MID : i == 15 ? MISSING_FRAME : COMMIT;
        gen_sample(&g, key, meta, VIEWS, 4, rng_range(10, 30), i % 3 == 0, mode);
    }
    gen_close(&g);
}

/* Samples split over 3+ shards, an aborted one spanning shards, and views
 * whose frame size is odd. */
static void scenario_split(const char *out)
{
    Gen g;
    char key[64], meta[256];
    gen_open(&g, out, "split", 32 * 1024);
    for (int i = 0; i < 12; i++) {
        gen_key(key, sizeof(key), "split", i);
        gen_meta(meta, sizeof(meta), i);
        int64_t T = i % 4 == 1 ? rng_range(150, 220) : rng_range(3, 15);
        int mode = i == 5 ? ABORT_MID : COMMIT;
        gen_sample(&g, key, meta, VIEWS + (i % 2), 4, T, i % 2, mode);
    }
    gen_close(&g);
}

/* Frames larger than the cap: a shard of their own each. */
static void scenario_bigframe(const char *out)
{
    static const VsShardTensor big[] = {{"big", VS_DTYPE_U8, 3, {3, 40, 40}}, {"small", VS_DTYPE_F16, 1, {8}}};
    Gen g;
    gen_open(&g, out, "bigframe", 4096);
    gen_sample(&g, "before", "{\"i\": 0}", VIEWS + 1, 1, 3, 0, COMMIT);
    gen_sample(&g, "big", "{\"i\": 1}", big, 2, 3, 1, COMMIT);
    gen_sample(&g, "big-aborted", "{\"i\": 2}", big, 2, 4, 0, ABORT_MID);
    gen_sample(&g, "after", "{\"i\": 3}", VIEWS + 1, 1, 2, 0, COMMIT);
    gen_close(&g);
}

/* Many tiny samples: headers outgrow the reserved room (the rebuild path). */
static void scenario_overflow(const char *out)
{
    static const VsShardTensor tiny[] = {{"t", VS_DTYPE_U8, 2, {2, 4}}};
    Gen g;
    char key[64], meta[256];
    gen_open(&g, out, "overflow", 96 * 1024);
    for (int i = 0; i < 420; i++) {
        gen_key(key, sizeof(key), "overflow", i);
        gen_meta(meta, sizeof(meta), i);
        gen_sample(&g, key, meta, tiny, 1, rng_range(1, 3), i % 2, i == 200 ? ABORT_MID : COMMIT);
    }
    gen_close(&g);
}

/* Odd clip counts: every part but the first starts 4 bytes off 8-alignment,
 * and the clip ids placed first bring it back; every tensor stays aligned. */
static void scenario_clips(const char *out)
{
    Gen g;
    char key[64], meta[256];
    gen_open(&g, out, "clips", 1 << 20);
    for (int i = 0; i < 40; i++) {
        gen_key(key, sizeof(key), "clips", i);
        gen_meta(meta, sizeof(meta), i);
        gen_sample(&g, key, meta, VIEWS, 3, 2 * rng_range(0, 8) + 1, 1, COMMIT);
    }
    gen_close(&g);
}

/* Nothing committed: an index without samples and no shard. */
static void scenario_empty(const char *out)
{
    Gen g;
    gen_open(&g, out, "empty", 4096);
    gen_sample(&g, "only-aborted", "{}", VIEWS + 1, 1, 40, 0, ABORT_MID);
    gen_close(&g);
}

static int generate(const char *out)
{
    rng_state = 12345;
    mkdir(out, 0777);
    scenario_single(out);
    scenario_several(out);
    scenario_split(out);
    scenario_bigframe(out);
    scenario_overflow(out);
    scenario_clips(out);
    scenario_empty(out);
    return 0;
}

/* ------------------------------------------------------------ unit checks */

static const VsShardTensor T1[] = {{"v", VS_DTYPE_U8, 2, {4, 4}}};

/* Begin, write every frame, end. */
static int write_sample(VsShardWriter *w, const char *key, int64_t T)
{
    unsigned char buf[16] = {0};
    const void *data[1] = {buf};
    int rc = vs_shard_begin_sample(w, key, "{}", T1, 1, T, 0);
    for (int64_t f = 0; f < T && !rc; f++)
        rc = vs_shard_write_frame(w, f, data, 0.0, 0.0, 0);
    return rc ? rc : vs_shard_end_sample(w);
}

static void test_invalid_args(const char *tmp)
{
    VsShardWriter *w = NULL;
    VsShardSettings s;
    vs_shard_default_settings(&s);
    REQUIRE(s.shard_size == (uint64_t)1 << 30);
    char *dir = path_join(tmp, "args/nested/deeper"); // created like mkdir -p
    REQUIRE(vs_shard_writer_open(NULL, dir, NULL) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_writer_open(&w, "", NULL) == VS_ERR_INVALID_ARG);
    s.shard_size = 0;
    REQUIRE(vs_shard_writer_open(&w, dir, &s) == VS_ERR_INVALID_ARG && !w);
    REQUIRE_OK(vs_shard_writer_open(&w, dir, NULL));

    const VsShardTensor bad_dtype[] = {{"v", 7, 1, {4}}};
    const VsShardTensor bad_ndim[] = {{"v", VS_DTYPE_U8, 0, {4}}};
    const VsShardTensor bad_dim[] = {{"v", VS_DTYPE_U8, 2, {4, 0}}};
    const VsShardTensor slash[] = {{"a/b", VS_DTYPE_U8, 1, {4}}};
    const VsShardTensor reserved[] = {{"pts", VS_DTYPE_U8, 1, {4}}};
    const VsShardTensor twice[] = {{"v", VS_DTYPE_U8, 1, {4}}, {"v", VS_DTYPE_U8, 1, {4}}};
    const VsShardTensor quote[] = {{"a\"b", VS_DTYPE_U8, 1, {4}}};
    const VsShardTensor unnamed[] = {{NULL, VS_DTYPE_U8, 1, {4}}};
    REQUIRE(vs_shard_begin_sample(w, "", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, NULL, "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "a\"b", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "a\nb", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "a\tb", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "bad\xff", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "[1]", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": }", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": 1} {}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": \"x\ny\"}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": 01}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": \"\xc0\xaf\"}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": \"\\ud800\"}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{\"a\": [1, 2", T1, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(strstr(vs_last_error(), "'k': metadata is not a JSON object") && !strchr(vs_last_error(), '\n'));
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", T1, 1, 0, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", NULL, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", bad_dtype, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", bad_ndim, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", bad_dim, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", slash, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", reserved, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", twice, 2, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", quote, 1, 2, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", unnamed, 1, 2, 0) == VS_ERR_INVALID_ARG);

    unsigned char buf[16] = {0};
    const void *data[1] = {buf};
    REQUIRE(vs_shard_write_frame(w, 0, data, 0, 0, 0) == VS_ERR_INVALID_ARG); // no sample
    REQUIRE(vs_shard_end_sample(w) == VS_ERR_INVALID_ARG);
    vs_shard_abort_sample(w); // nothing to abort: no-op
    REQUIRE_OK(vs_shard_begin_sample(w, "k", "{\"deep\": [[[[1]]]]}", T1, 1, 2, 0));
    REQUIRE(vs_shard_begin_sample(w, "k2", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG); // one at a time
    REQUIRE(vs_shard_write_frame(w, 2, data, 0, 0, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_write_frame(w, -1, data, 0, 0, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_shard_write_frame(w, 0, NULL, 0, 0, 0) == VS_ERR_INVALID_ARG);
    REQUIRE_OK(vs_shard_write_frame(w, 1, data, 0, 0, 0));
    REQUIRE_OK(vs_shard_write_frame(w, 0, data, 0, 0, 0));
    REQUIRE_OK(vs_shard_end_sample(w));
    REQUIRE(vs_shard_begin_sample(w, "k", "{}", T1, 1, 2, 0) == VS_ERR_INVALID_ARG); // duplicate
    REQUIRE(strstr(vs_last_error(), "'k' used twice"));
    REQUIRE_OK(write_sample(w, "k2", 3)); // still usable after every refusal
    REQUIRE_OK(vs_shard_writer_close(&w));
    REQUIRE(w == NULL);
    REQUIRE_OK(vs_shard_writer_close(&w)); // NULL is fine
    vs_shard_writer_discard(&w);
    REQUIRE(exists(dir, "index.json") && exists(dir, "shard-00000.safetensors"));
    REQUIRE(count_files(dir, "") == 2);
    free(dir);
}

static void test_unwritable(const char *tmp)
{
    VsShardWriter *w = NULL;
    char *file = path_join(tmp, "plain-file");
    FILE *f = fopen(file, "w");
    REQUIRE(f && fclose(f) == 0);
    char *under = path_join(file, "out"); // a directory under a regular file
    REQUIRE(vs_shard_writer_open(&w, under, NULL) == VS_ERR_IO && !w);
    REQUIRE(strstr(vs_last_error(), under) && strstr(vs_last_error(), "Not a directory"));
    REQUIRE(vs_shard_writer_open(&w, file, NULL) == VS_ERR_IO && !w);
    REQUIRE(strstr(vs_last_error(), "Not a directory"));
    if (geteuid() != 0) { // root writes anywhere: only checkable as a user
        char *ro = path_join(tmp, "read-only");
        REQUIRE(mkdir(ro, 0555) == 0);
        REQUIRE(vs_shard_writer_open(&w, ro, NULL) == VS_ERR_IO && !w);
        REQUIRE(strstr(vs_last_error(), "Permission denied"));
        free(ro);
    }
    free(under);
    free(file);
}

/* A write that fails (the file size limit stands in for a full disk): a clean
 * error naming the shard, then every call fails and close leaves no
 * temporary and no index, but keeps shards finalized before. */
static void test_write_failure(const char *tmp)
{
    VsShardWriter *w = NULL;
    VsShardSettings s;
    struct rlimit old, lim;
    char *dir = path_join(tmp, "full");
    vs_shard_default_settings(&s);
    s.shard_size = 8 * 1024;
    REQUIRE_OK(vs_shard_writer_open(&w, dir, &s));
    REQUIRE_OK(write_sample(w, "a", 200)); // 200 * 32 bytes: fills most of shard 0
    REQUIRE_OK(write_sample(w, "b", 200)); // does not fit: shard 0 is finalized
    REQUIRE(exists(dir, "shard-00000.safetensors"));

    signal(SIGXFSZ, SIG_IGN);
    REQUIRE(getrlimit(RLIMIT_FSIZE, &old) == 0);
    lim = old;
    lim.rlim_cur = 4000;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    int rc = write_sample(w, "c", 200); // goes to shard 2, past the limit
    REQUIRE(setrlimit(RLIMIT_FSIZE, &old) == 0);
    REQUIRE(rc == VS_ERR_IO);
    REQUIRE(strstr(vs_last_error(), "/shard-00002.safetensors: write failed: File too large"));
    REQUIRE(strncmp(vs_last_error(), dir, strlen(dir)) == 0);

    REQUIRE(write_sample(w, "d", 1) == VS_ERR_IO); // failed state
    REQUIRE(strstr(vs_last_error(), "write failed"));
    vs_shard_abort_sample(w);
    REQUIRE(vs_shard_writer_close(&w) == VS_ERR_IO && !w);
    REQUIRE(strstr(vs_last_error(), "write failed"));
    REQUIRE(count_files(dir, ".tmp") == 0);
    REQUIRE(!exists(dir, "index.json") && !exists(dir, "shard-00001.safetensors"));
    REQUIRE(!exists(dir, "shard-00002.safetensors") && count_files(dir, "") == 1);
    REQUIRE(exists(dir, "shard-00000.safetensors"));
    free(dir);
}

/* Rolling back, then discarding: finalized shards stay, temporaries go. */
static void test_abort_and_discard(const char *tmp)
{
    VsShardWriter *w = NULL;
    VsShardSettings s;
    char *dir = path_join(tmp, "discard");
    unsigned char buf[16] = {0};
    const void *data[1] = {buf};
    vs_shard_default_settings(&s);
    s.shard_size = 4096;
    REQUIRE_OK(vs_shard_writer_open(&w, dir, &s));
    REQUIRE_OK(write_sample(w, "a", 50));
    // Spans several shards, then dropped: only shard 0's temporary is left.
    REQUIRE_OK(vs_shard_begin_sample(w, "big", "{}", T1, 1, 600, 0));
    REQUIRE(count_files(dir, ".tmp") >= 4);
    REQUIRE_OK(vs_shard_write_frame(w, 599, data, 0, 0, 0));
    vs_shard_abort_sample(w);
    REQUIRE(count_files(dir, ".tmp") == 1 && count_files(dir, "") == 1);
    REQUIRE_OK(write_sample(w, "big", 300)); // the key is free again
    REQUIRE(exists(dir, "shard-00001.safetensors") && exists(dir, "shard-00002.safetensors"));
    REQUIRE_OK(vs_shard_begin_sample(w, "c", "{}", T1, 1, 10, 0));
    vs_shard_writer_discard(&w);
    REQUIRE(!w);
    REQUIRE(count_files(dir, ".tmp") == 0 && !exists(dir, "index.json"));
    REQUIRE(exists(dir, "shard-00000.safetensors"));
    free(dir);
}

/* Extreme caps: 1 byte (every frame over it) and the largest possible. */
static void test_extreme_caps(const char *tmp)
{
    VsShardWriter *w = NULL;
    VsShardSettings s;
    char *dir = path_join(tmp, "tiny");
    vs_shard_default_settings(&s);
    s.shard_size = 1;
    REQUIRE_OK(vs_shard_writer_open(&w, dir, &s));
    REQUIRE_OK(write_sample(w, "a", 3));
    REQUIRE_OK(write_sample(w, "b", 2));
    REQUIRE_OK(vs_shard_writer_close(&w));
    REQUIRE(count_files(dir, ".safetensors") == 5 && count_files(dir, ".tmp") == 0);
    free(dir);

    dir = path_join(tmp, "huge");
    s.shard_size = UINT64_MAX;
    REQUIRE_OK(vs_shard_writer_open(&w, dir, &s));
    for (int i = 0; i < 20; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        REQUIRE_OK(write_sample(w, key, 1 + i));
    }
    REQUIRE_OK(vs_shard_writer_close(&w));
    REQUIRE(count_files(dir, ".safetensors") == 1);
    struct stat st;
    char *p = path_join(dir, "shard-00000.safetensors");
    REQUIRE(stat(p, &st) == 0 && st.st_size == (1 << 20) + 210 * 32); // 1 MiB header room + data
    free(p);
    free(dir);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "gen"))
        return generate(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: %s [gen OUTDIR]\n", argv[0]);
        return 2;
    }
    char *tmp = make_temp_dir();
    test_invalid_args(tmp);
    test_unwritable(tmp);
    test_write_failure(tmp);
    test_abort_and_discard(tmp);
    test_extreme_caps(tmp);
    remove_tree(tmp);
    free(tmp);
    printf("shard tests passed\n");
    return 0;
}

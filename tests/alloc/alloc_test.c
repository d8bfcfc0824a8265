/* Allocation failures: one info + plan + extract run of a video through the
 * library (open a sample, its stream info and metadata as JSON, write it into a
 * shard writer, close the writer), first counting the allocations it makes,
 * then once for every N with the N-th allocation failing. Each run must end in
 * success or a negative VS_ERR_* code, leak nothing (LeakSanitizer, under the
 * ASan build) and leave no file in the output directory when it fails.
 *
 * The allocations that can fail are the library's own: the program is linked
 * with -Wl,--wrap for the C allocators, asprintf/vasprintf/strdup and the FFmpeg
 * calls that allocate (av_malloc, av_frame_alloc, sws_getContext, ...) that
 * src/ calls, so every allocation src/ asks for is one N; jansson's go through
 * json_set_alloc_funcs, except while it parses (json_loads and json_loadb are
 * wrapped too): its lexer drops the byte it could not store in its token
 * buffer (lex_save ignores strbuffer_append_byte's failure) and then trips its
 * own assert(0) on the shortened escape, or reads past the token; that is
 * jansson 2.14's, found by this test with a path one character longer. Allocations inside FFmpeg and libc (a failing
 * avformat_open_input returns AVERROR(ENOMEM), like any other error code) are
 * not counted: they cannot be reached with --wrap, and an LD_PRELOAD allocator
 * does not mix with ASan's. The run is single-threaded (one decoder thread, no
 * prefetch thread, one segment) so that the N-th allocation is the same one
 * each time. usage: alloc_test VIDEO */
#include "vsample/sample.h"
#include "vsample/shard.h"
#include "vsample/vsample.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_LSAN 1
#endif
#endif
#ifdef HAVE_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* ------------------------------------------------------------ the failing allocator */

static atomic_long counted; /* allocations since armed */
static atomic_long fail_at; /* the one to fail (1-based); 0 = none */
static atomic_int armed;
static atomic_int parsing; /* inside jansson's loader: its allocations do not fail */

/* 1 when this allocation is to fail. */
static int fail_now(void)
{
    if (!atomic_load(&armed))
        return 0;
    long n = atomic_fetch_add(&counted, 1) + 1;
    return n == atomic_load(&fail_at);
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
int __real_posix_memalign(void **p, size_t align, size_t n);
char *__real_strdup(const char *s);
int __real_vasprintf(char **p, const char *fmt, va_list ap);
void *__real_av_malloc(size_t n);
void *__real_av_mallocz(size_t n);
AVFrame *__real_av_frame_alloc(void);
AVPacket *__real_av_packet_alloc(void);
AVFormatContext *__real_avformat_alloc_context(void);
AVIOContext *__real_avio_alloc_context(unsigned char *buf, int size, int write_flag, void *opaque,
                                       int (*read)(void *, uint8_t *, int), int (*write)(void *, uint8_t *, int),
                                       int64_t (*seek)(void *, int64_t, int));
AVCodecContext *__real_avcodec_alloc_context3(const AVCodec *codec);
struct SwsContext *__real_sws_getContext(int sw, int sh, enum AVPixelFormat sf, int dw, int dh,
                                         enum AVPixelFormat df, int flags, SwsFilter *a, SwsFilter *b,
                                         const double *param);
int __real_av_dict_set(AVDictionary **pm, const char *key, const char *value, int flags);

/* The wrappers (prototypes for -Wmissing-prototypes). */
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t align, size_t n);
int __wrap_posix_memalign(void **p, size_t align, size_t n);
char *__wrap_strdup(const char *s);
int __wrap_vasprintf(char **p, const char *fmt, va_list ap);
int __wrap_asprintf(char **p, const char *fmt, ...);
void *__wrap_av_malloc(size_t n);
void *__wrap_av_mallocz(size_t n);
AVFrame *__wrap_av_frame_alloc(void);
AVPacket *__wrap_av_packet_alloc(void);
AVFormatContext *__wrap_avformat_alloc_context(void);
AVIOContext *__wrap_avio_alloc_context(unsigned char *buf, int size, int write_flag, void *opaque,
                                       int (*read)(void *, uint8_t *, int), int (*write)(void *, uint8_t *, int),
                                       int64_t (*seek)(void *, int64_t, int));
AVCodecContext *__wrap_avcodec_alloc_context3(const AVCodec *codec);
struct SwsContext *__wrap_sws_getContext(int sw, int sh, enum AVPixelFormat sf, int dw, int dh,
                                         enum AVPixelFormat df, int flags, SwsFilter *a, SwsFilter *b,
                                         const double *param);
int __wrap_av_dict_set(AVDictionary **pm, const char *key, const char *value, int flags);

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}
void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return fail_now() ? NULL : __real_aligned_alloc(align, n);
}
int __wrap_posix_memalign(void **p, size_t align, size_t n)
{
    return fail_now() ? ENOMEM : __real_posix_memalign(p, align, n);
}
char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}
int __wrap_vasprintf(char **p, const char *fmt, va_list ap)
{
    return fail_now() ? -1 : __real_vasprintf(p, fmt, ap);
}
int __wrap_asprintf(char **p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = __wrap_vasprintf(p, fmt, ap);
    va_end(ap);
    return r;
}
void *__wrap_av_malloc(size_t n)
{
    return fail_now() ? NULL : __real_av_malloc(n);
}
void *__wrap_av_mallocz(size_t n)
{
    return fail_now() ? NULL : __real_av_mallocz(n);
}
AVFrame *__wrap_av_frame_alloc(void)
{
    return fail_now() ? NULL : __real_av_frame_alloc();
}
AVPacket *__wrap_av_packet_alloc(void)
{
    return fail_now() ? NULL : __real_av_packet_alloc();
}
AVFormatContext *__wrap_avformat_alloc_context(void)
{
    return fail_now() ? NULL : __real_avformat_alloc_context();
}
AVIOContext *__wrap_avio_alloc_context(unsigned char *buf, int size, int write_flag, void *opaque,
                                       int (*read)(void *, uint8_t *, int), int (*write)(void *, uint8_t *, int),
                                       int64_t (*seek)(void *, int64_t, int))
{
    return fail_now() ? NULL : __real_avio_alloc_context(buf, size, write_flag, opaque, read, write, seek);
}
AVCodecContext *__wrap_avcodec_alloc_context3(const AVCodec *codec)
{
    return fail_now() ? NULL : __real_avcodec_alloc_context3(codec);
}
struct SwsContext *__wrap_sws_getContext(int sw, int sh, enum AVPixelFormat sf, int dw, int dh,
                                         enum AVPixelFormat df, int flags, SwsFilter *a, SwsFilter *b,
                                         const double *param)
{
    return fail_now() ? NULL : __real_sws_getContext(sw, sh, sf, dw, dh, df, flags, a, b, param);
}
int __wrap_av_dict_set(AVDictionary **pm, const char *key, const char *value, int flags)
{
    return fail_now() ? AVERROR(ENOMEM) : __real_av_dict_set(pm, key, value, flags);
}

/* jansson's allocations (its own, in libjansson.so) */
static void *json_alloc(size_t n)
{
    return !atomic_load(&parsing) && fail_now() ? NULL : __real_malloc(n);
}

json_t *__real_json_loads(const char *input, size_t flags, json_error_t *error);
json_t *__real_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);
json_t *__wrap_json_loads(const char *input, size_t flags, json_error_t *error);
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

json_t *__wrap_json_loads(const char *input, size_t flags, json_error_t *error)
{
    atomic_store(&parsing, 1);
    json_t *v = __real_json_loads(input, flags, error);
    atomic_store(&parsing, 0);
    return v;
}
json_t *__wrap_json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error)
{
    atomic_store(&parsing, 1);
    json_t *v = __real_json_loadb(buffer, buflen, flags, error);
    atomic_store(&parsing, 0);
    return v;
}

/* ------------------------------------------------------------------- the run */

static void quiet(void *opaque, int level, const char *message)
{
    (void)opaque, (void)level, (void)message;
}

/* Files in dir (not . and ..); removes them when clean. */
static int files_in(const char *dir, int clean, int print)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    char path[4096];
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        n++;
        if (print)
            fprintf(stderr, "  left: %s\n", de->d_name);
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (clean)
            unlink(path);
    }
    if (d)
        closedir(d);
    return n;
}

/* One info + plan + extract run; 0 or a VS_ERR_* code. */
static int run(const char *video, const char *out)
{
    VsViewOptions vo;
    vs_view_options_default(&vo);
    vo.width = vo.height = 32;
    vo.dtype = VS_DTYPE_U8;
    VsView views[4];
    size_t nviews = 0;
    VsSampleSettings set;
    vs_sample_default_settings(&set);
    set.strategy = "uniform:2";
    set.source.threads = 1;
    set.reader.prefetch = -1;
    set.reader.segments = 1;
    VsSample *s = NULL;
    VsShardWriter *w = NULL;
    int rc = vs_views_build(&vo, views, 4, &nviews);
    if (!rc)
        rc = vs_sample_open(&s, &(VsInput){ .path = video }, views, nviews, &set);
    if (!rc) {
        char *info = vs_stream_info_json(vs_source_info(vs_sample_source(s)));
        if (!info)
            rc = VS_ERR_NOMEM;
        free(info);
    }
    if (!rc && !vs_sample_metadata_json(s))
        rc = VS_ERR_NOMEM;
    if (!rc)
        rc = vs_shard_writer_open(&w, out, NULL);
    if (!rc)
        rc = vs_sample_write(s, w, "k", NULL, NULL, NULL);
    if (!rc)
        rc = vs_shard_writer_close(&w);
    vs_shard_writer_discard(&w);
    vs_sample_close(&s);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: alloc_test VIDEO\n");
        return 2;
    }
    vs_set_log_callback(quiet, NULL, VS_LOG_ERROR);
    av_log_set_level(AV_LOG_QUIET);
    json_set_alloc_funcs(json_alloc, free);
    char dir[] = "/tmp/vs-alloc-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char out[sizeof(dir) + 8];
    snprintf(out, sizeof(out), "%s/out", dir);

    atomic_store(&armed, 1);
    int rc = run(argv[1], out);
    atomic_store(&armed, 0);
    long total = atomic_load(&counted);
    if (rc) {
        fprintf(stderr, "alloc_test: the run without failures failed: %d: %s\n", rc, vs_last_error());
        return 1;
    }
    if (files_in(out, 1, 0) != 2) {
        fprintf(stderr, "alloc_test: the run without failures did not write a shard and index.json\n");
        return 1;
    }
    printf("alloc_test: %ld allocations in a run; failing each in turn\n", total);
    int bad = 0, ok = 0, errors = 0;
    for (long n = 1; n <= total; n++) {
        atomic_store(&counted, 0);
        atomic_store(&fail_at, n);
        atomic_store(&armed, 1);
        rc = run(argv[1], out);
        atomic_store(&armed, 0);
        if (rc > 0) {
            fprintf(stderr, "alloc_test: allocation %ld failing: return %d, not a VS_ERR_* code\n", n, rc);
            bad++;
        }
        rc ? errors++ : ok++;
        int left = files_in(out, 1, rc != 0);
        if (rc && left) {
            fprintf(stderr, "alloc_test: allocation %ld failing (%s): %d files left in the output\n", n,
                    vs_last_error(), left);
            bad++;
        }
#ifdef HAVE_LSAN
        if ((n % 64 == 0 || n == total) && __lsan_do_recoverable_leak_check()) {
            fprintf(stderr, "alloc_test: a run failing one of allocations %ld..%ld leaks\n", n - (n - 1) % 64, n);
            bad++;
        }
#endif
        if (bad > 5)
            break;
    }
    rmdir(out);
    rmdir(dir);
    printf("alloc_test: %d runs failed cleanly, %d succeeded anyway, %d problems\n", errors, ok, bad);
    return bad ? 1 : 0;
}

/* Batches: vs_vk_preprocessor_run_batch() / vs_backend_run_batch() must give
 * the bytes of one CPU-backend run per frame (the reference, itself checked
 * against PIL and the ffmpeg CLI in tests/preprocess), for batch sizes 1, 3
 * and 17, over a stream that changes size, pixel format and rotation in the
 * middle of a batch (each change ends a submission), with skipped frames and
 * skipped views, on both YUV conversions (GPU and libswscale); a batch whose
 * upload buffer is larger than one storage-buffer binding (lavapipe: 128
 * MiB); a bad frame failing the call before anything is written. Any
 * validation message fails. Exit 77 without a Vulkan device. */
#include "backend.h"
#include "preprocess.h"
#include "rgb.h"
#include "vulkan/vk_preprocess.h"

#include "vk_frames.h"
#include "vk_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVIEWS 3
#define NFRAMES 24

typedef struct Stream {
    AVFrame *f[NFRAMES];
    int rot[NFRAMES];
    uint8_t *ref[NFRAMES][NVIEWS]; /* CPU backend, every view */
} Stream;

static void make_views(VsView *v)
{
    vs_view_preset(&v[0], "siglip-384");
    vs_view_preset(&v[1], "internvideo2-224");
    v[1].dtype = VS_DTYPE_U8;
    v[1].layout = VS_LAYOUT_THWC;
    vs_view_preset(&v[2], "clip-336");
    v[2].resize = VS_RESIZE_PAD;
    v[2].filter = VS_FILTER_LANCZOS;
    v[2].width = 150;
    v[2].height = 200;
    v[2].dtype = VS_DTYPE_BF16;
}

/* Frame i of the stream: runs of one geometry, broken by a rotation of odd
 * quarter turns, another size, nv12, 10-bit and gray (converted on the CPU). */
static AVFrame *stream_frame(int i, int *rot)
{
    enum AVPixelFormat fmt = AV_PIX_FMT_YUV420P;
    int w = 96, h = 54;
    *rot = (i % 5 == 3) ? 90 : (i % 7 == 2 ? 180 : 0);
    if (i >= 9 && i < 12)
        fmt = AV_PIX_FMT_NV12;
    if (i == 14)
        fmt = AV_PIX_FMT_GRAY8;
    if (i == 15 || i == 16) {
        fmt = AV_PIX_FMT_YUV420P10LE;
        w = 71;
        h = 40;
    }
    if (i >= 19)
        w = 95; /* odd width: another swscale path */
    return vk_test_frame(fmt, w, h, i % 2 ? AVCOL_SPC_BT709 : AVCOL_SPC_BT470BG,
                         i % 3 ? AVCOL_RANGE_MPEG : AVCOL_RANGE_JPEG, (uint32_t)(i + 11));
}

static int make_stream(Stream *s, const VsView *views)
{
    VsPreprocessor *cpu = NULL;
    if (vs_preprocessor_create(&cpu, views, NVIEWS) < 0)
        return -1;
    int ret = 0;
    for (int i = 0; i < NFRAMES && ret == 0; i++) {
        s->f[i] = stream_frame(i, &s->rot[i]);
        for (int v = 0; v < NVIEWS; v++)
            s->ref[i][v] = malloc(vs_view_frame_bytes(&views[v]));
        if (!s->f[i] || vs_preprocessor_run(cpu, s->f[i], s->rot[i], (void *const *)s->ref[i]) < 0)
            ret = -1;
    }
    vs_preprocessor_destroy(&cpu);
    return ret;
}

static void free_stream(Stream *s)
{
    for (int i = 0; i < NFRAMES; i++) {
        av_frame_free(&s->f[i]);
        for (int v = 0; v < NVIEWS; v++)
            free(s->ref[i][v]);
    }
}

/* Frame i's destinations in this pattern: frame 5 skipped, view 1 of
 * frame 7 and view 0 of frame 20 skipped (those stay 0xa5). */
static int skipped(int i, int v)
{
    return i == 5 || (i == 7 && v == 1) || (i == 20 && v == 0);
}

/* Run the stream through run (Vulkan or backend) and compare. */
static void check_stream(const char *what, const Stream *s, const VsView *views,
                         int (*run)(void *ctx, const AVFrame *const *, const int *, size_t,
                                    void *const *const *),
                         void *ctx)
{
    uint8_t *out[NFRAMES][NVIEWS];
    void *sets[NFRAMES][NVIEWS];
    void *const *dst[NFRAMES];
    for (int i = 0; i < NFRAMES; i++) {
        for (int v = 0; v < NVIEWS; v++) {
            out[i][v] = malloc(vs_view_frame_bytes(&views[v]));
            memset(out[i][v], 0xa5, vs_view_frame_bytes(&views[v]));
            sets[i][v] = skipped(i, v) ? NULL : out[i][v];
        }
        dst[i] = i == 5 ? NULL : (void *const *)sets[i];
    }
    int ret = run(ctx, (const AVFrame *const *)s->f, s->rot, NFRAMES, dst);
    CHECK(ret == 0, "%s: run", what);
    size_t differ = 0, untouched = 0;
    for (int i = 0; ret == 0 && i < NFRAMES; i++)
        for (int v = 0; v < NVIEWS; v++) {
            size_t n = vs_view_frame_bytes(&views[v]);
            if (skipped(i, v)) {
                for (size_t b = 0; b < n; b++)
                    untouched += out[i][v][b] != 0xa5;
                continue;
            }
            if (memcmp(out[i][v], s->ref[i][v], n) != 0) {
                differ++;
                fprintf(stderr, "%s: frame %d view %s differs from the CPU backend\n", what, i,
                        views[v].name);
            }
        }
    CHECK(differ == 0, "%s: %zu tensors differ", what, differ);
    CHECK(untouched == 0, "%s: %zu bytes of skipped tensors written", what, untouched);
    printf("%s: %d frames x %d views, %zu tensors differ\n", what, NFRAMES, NVIEWS, differ);
    for (int i = 0; i < NFRAMES; i++)
        for (int v = 0; v < NVIEWS; v++)
            free(out[i][v]);
}

static int run_vk(void *ctx, const AVFrame *const *f, const int *rot, size_t n,
                  void *const *const *dst)
{
    return vs_vk_preprocessor_run_batch(ctx, f, rot, n, dst);
}

/* Frame by frame through the single-frame entry point. */
static int run_vk_single(void *ctx, const AVFrame *const *f, const int *rot, size_t n,
                         void *const *const *dst)
{
    for (size_t i = 0; i < n; i++) {
        int ret;
        if (dst[i] && (ret = vs_vk_preprocessor_run(ctx, f[i], rot[i], dst[i])) < 0)
            return ret;
    }
    return 0;
}

static int run_backend(void *ctx, const AVFrame *const *f, const int *rot, size_t n,
                       void *const *const *dst)
{
    return vs_backend_run_batch(ctx, f, rot, n, dst);
}

static void test_stream(void)
{
    VsView views[NVIEWS];
    Stream s;
    memset(&s, 0, sizeof(s));
    make_views(views);
    CHECK(make_stream(&s, views) == 0, "CPU reference");
    VsVkPreprocessor *gpu = NULL;
    CHECK(vs_vk_preprocessor_create(&gpu, views, NVIEWS, 0) == 0, "vulkan create");
    for (int yuv = 1; gpu && yuv >= 0; yuv--) {
        char what[96];
        vs_vk_preprocessor_set_gpu_yuv(gpu, yuv);
        snprintf(what, sizeof(what), "%s conversion, single frames", yuv ? "GPU" : "CPU");
        check_stream(what, &s, views, run_vk_single, gpu);
        const int sizes[] = {1, 3, 17};
        for (int b = 0; b < 3; b++) {
            vs_vk_preprocessor_set_batch(gpu, sizes[b]);
            snprintf(what, sizeof(what), "%s conversion, batch %d", yuv ? "GPU" : "CPU",
                     sizes[b]);
            check_stream(what, &s, views, run_vk, gpu);
        }
    }
    vs_vk_preprocessor_destroy(&gpu);
    /* The backend's batch entry point, both backends. */
    for (int kind = 0; kind < 2; kind++) {
        VsReaderSettings st;
        VsBackend b;
        vs_reader_default_settings(&st);
        st.backend = kind ? VS_BACKEND_VULKAN : VS_BACKEND_CPU;
        CHECK(vs_backend_open(&b, views, NVIEWS, &st) == 0, "backend open");
        CHECK(b.kind == st.backend, "backend kind");
        check_stream(kind ? "vs_backend_run_batch (vulkan)" : "vs_backend_run_batch (cpu)", &s,
                     views, run_backend, &b);
        vs_backend_close(&b);
    }
    free_stream(&s);
}

/* 24 full-HD frames converted on the CPU: 24 x 6.2 MB of upload in one slot,
 * over lavapipe's 128 MiB binding limit, bound one frame at a time. */
static void test_large_batch(void)
{
    VsView v;
    vs_view_preset(&v, "internvideo2-224");
    v.dtype = VS_DTYPE_U8;
    enum { N = 24 };
    AVFrame *f[N];
    uint8_t *ref[N], *out[N];
    void *sets[N][1];
    void *const *dst[N];
    VsPreprocessor *cpu = NULL;
    VsVkPreprocessor *gpu = NULL;
    size_t bytes = vs_view_frame_bytes(&v), differ = 0;
    CHECK(vs_preprocessor_create(&cpu, &v, 1) == 0, "cpu create");
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 1, 0) == 0, "vulkan create");
    for (int i = 0; i < N; i++) {
        f[i] = vk_test_frame(AV_PIX_FMT_YUV420P, 1920, 1080, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG,
                             (uint32_t)i + 1);
        ref[i] = malloc(bytes);
        out[i] = calloc(1, bytes);
        sets[i][0] = out[i];
        dst[i] = (void *const *)sets[i];
        void *r[1] = {ref[i]};
        CHECK(cpu && f[i] && vs_preprocessor_run(cpu, f[i], 0, r) == 0, "cpu run");
    }
    if (gpu) {
        vs_vk_preprocessor_set_gpu_yuv(gpu, 0);
        vs_vk_preprocessor_set_batch(gpu, N);
        CHECK(vs_vk_preprocessor_run_batch(gpu, (const AVFrame *const *)f, NULL, N, dst) == 0,
              "large batch");
        for (int i = 0; i < N; i++)
            differ += memcmp(ref[i], out[i], bytes) != 0;
    }
    CHECK(differ == 0, "large batch: %zu frames differ", differ);
    printf("batch of %d 1080p frames converted on the CPU (%.0f MiB of upload): %zu differ\n", N,
           N * (double)vs_rgb_size(1920, 1080) / 1048576.0, differ);
    for (int i = 0; i < N; i++) {
        av_frame_free(&f[i]);
        free(ref[i]);
        free(out[i]);
    }
    vs_preprocessor_destroy(&cpu);
    vs_vk_preprocessor_destroy(&gpu);
}

/* A bad frame anywhere fails the whole call before anything is written. */
static void test_bad_frame(void)
{
    VsView v;
    vs_view_preset(&v, "internvideo2-224");
    VsVkPreprocessor *gpu = NULL;
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 1, 0) == 0, "vulkan create");
    AVFrame *f[3];
    uint8_t *out[3];
    void *sets[3][1];
    void *const *dst[3];
    int rot[3] = {0, 0, 45};
    for (int i = 0; i < 3; i++) {
        f[i] = vk_test_frame(AV_PIX_FMT_YUV420P, 64, 48, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG, 3);
        out[i] = malloc(vs_view_frame_bytes(&v));
        memset(out[i], 0xa5, vs_view_frame_bytes(&v));
        sets[i][0] = out[i];
        dst[i] = (void *const *)sets[i];
    }
    if (gpu) {
        CHECK(vs_vk_preprocessor_run_batch(gpu, (const AVFrame *const *)f, rot, 3, dst) ==
                  VS_ERR_UNSUPPORTED,
              "rotation 45 in a batch");
        CHECK(out[0][0] == 0xa5 && out[1][0] == 0xa5, "nothing written");
        f[1]->width = 0;
        rot[2] = 0;
        CHECK(vs_vk_preprocessor_run_batch(gpu, (const AVFrame *const *)f, rot, 3, dst) ==
                  VS_ERR_INVALID_DATA,
              "empty frame in a batch");
        CHECK(vs_vk_preprocessor_run_batch(gpu, NULL, NULL, 0, NULL) == 0, "no frames");
    }
    for (int i = 0; i < 3; i++) {
        av_frame_free(&f[i]);
        free(out[i]);
    }
    vs_vk_preprocessor_destroy(&gpu);
}

int main(void)
{
    vk_test_hold_driver();
    if (vs_vk_device_count() == 0) {
        printf("SKIP: no Vulkan device\n");
        return 77;
    }
    vs_set_log_callback(NULL, NULL, VS_LOG_WARNING);
    vk_test_check_validation_layer();
    test_bad_frame();
    test_stream();
    test_large_batch();
    return vk_test_finish();
}

/* The Vulkan backend against the CPU backend (the reference, itself checked
 * against PIL and the ffmpeg CLI in tests/preprocess) on the same frames:
 * every preset plus PAD / AREA / LANCZOS views, every dtype and layout,
 * rotations 0/90/180/270, odd sizes, up- and downscaling, 14 source pixel
 * formats (each libswscale code path) and the matrices, with the YUV -> RGB
 * conversion on the GPU and on the CPU. The tolerance: u8 may differ
 * by at most one level; floats by at most 1/255 before normalization
 * (|diff| * std), with a bf16 rounding step of slack; the count of elements
 * not identical is printed (0 today). Any validation-layer message fails the
 * test. Exit 77 without a Vulkan device. */
#include "preprocess.h"
#include "vulkan/vk_preprocess.h"

#include "dtype.h"
#include "vk_frames.h"
#include "vk_test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVIEWS 5

typedef struct Case {
    enum AVPixelFormat fmt;
    int w, h;
    enum AVColorSpace cs;
    enum AVColorRange range;
} Case;

/* Sizes pick libswscale's code paths (src/vulkan/vk_yuv.h): an even height
 * of 4:2:0 / 4:2:2 takes the SIMD converter, an odd width full chroma, an
 * even width with an odd height (or NV12, 10-bit) half chroma. Widths stay
 * clear of the one src/rgb.c loses columns at (docs/VULKAN.md). */
static const Case CASES[] = {
    {AV_PIX_FMT_YUV420P, 321, 199, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_YUVJ420P, 97, 61, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_YUV444P, 33, 47, AVCOL_SPC_BT470BG, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_YUV422P, 400, 226, AVCOL_SPC_BT2020_NCL, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_NV12, 224, 224, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_YUV420P10LE, 130, 72, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_RGB24, 75, 101, AVCOL_SPC_RGB, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_GRAY8, 384, 384, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_YUV420P, 160, 90, AVCOL_SPC_SMPTE240M, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_YUV420P, 96, 55, AVCOL_SPC_FCC, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_NV12, 75, 41, AVCOL_SPC_BT470BG, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_YUV422P10LE, 64, 35, AVCOL_SPC_BT2020_NCL, AVCOL_RANGE_MPEG},
    {AV_PIX_FMT_YUV444P10LE, 31, 20, AVCOL_SPC_BT709, AVCOL_RANGE_JPEG},
    {AV_PIX_FMT_BGRA, 50, 30, AVCOL_SPC_RGB, AVCOL_RANGE_JPEG},
};

static void make_views(VsView *v, int dtype, int layout)
{
    vs_view_preset(&v[0], "siglip-384");
    vs_view_preset(&v[1], "clip-336");
    vs_view_preset(&v[2], "internvideo2-224");
    vs_view_preset(&v[3], "clip-336"); /* Apollo-like expand2square */
    snprintf(v[3].name, sizeof(v[3].name), "pad");
    v[3].resize = VS_RESIZE_PAD;
    v[3].filter = VS_FILTER_LANCZOS;
    v[3].width = 150;
    v[3].height = 200;
    vs_view_default(&v[4]);
    snprintf(v[4].name, sizeof(v[4].name), "area");
    v[4].filter = VS_FILTER_AREA;
    v[4].width = 97;
    v[4].height = 33;
    for (int i = 0; i < NVIEWS; i++) {
        v[i].dtype = dtype;
        v[i].layout = layout;
    }
}

static double element(const uint8_t *buf, int dtype, size_t e)
{
    uint16_t h;
    float f;
    uint32_t u;
    switch (dtype) {
    case VS_DTYPE_U8: return buf[e];
    case VS_DTYPE_F16: memcpy(&h, buf + 2 * e, 2); return vs_f16_to_f32(h);
    case VS_DTYPE_BF16:
        memcpy(&h, buf + 2 * e, 2);
        u = (uint32_t)h << 16;
        memcpy(&f, &u, 4);
        return f;
    default: memcpy(&f, buf + 4 * e, 4); return f;
    }
}

/* Compare one view; returns the number of elements that are not identical. */
static size_t compare(const VsView *v, const uint8_t *cpu, const uint8_t *gpu, const char *what,
                      double *worst)
{
    size_t npix = (size_t)v->width * (size_t)v->height, differ = 0;
    for (size_t e = 0; e < 3 * npix; e++) {
        int c = v->layout == VS_LAYOUT_TCHW ? (int)(e / npix) : (int)(e % 3);
        double a = element(cpu, v->dtype, e), b = element(gpu, v->dtype, e);
        if (a == b)
            continue;
        differ++;
        /* u8 within one level; floats within one level of 1/255 before
         * normalization, plus one bf16 rounding step of the value. */
        double level = v->dtype == VS_DTYPE_U8 ? fabs(a - b) : fabs(a - b) * v->std[c] * 255.0;
        double slack = v->dtype == VS_DTYPE_U8 ? 0 : fabs(a) * v->std[c] * 255.0 / 256.0;
        if (level - slack > *worst)
            *worst = level - slack;
        if (level > 1.0 + slack + 1e-9) {
            fprintf(stderr, "FAIL %s view %s element %zu (channel %d): cpu %g vulkan %g\n", what,
                    v->name, e, c, a, b);
            failures++;
            return differ;
        }
    }
    return differ;
}

static void run_case(VsPreprocessor *cpu, VsVkPreprocessor *gpu, const VsView *views,
                     const AVFrame *f, int rotation, uint8_t **a, uint8_t **b, int nviews,
                     size_t *differ, double *worst)
{
    char what[128];
    snprintf(what, sizeof(what), "%s %dx%d rot %d dtype %s layout %d",
             av_get_pix_fmt_name((enum AVPixelFormat)f->format), f->width, f->height, rotation,
             vs_dtype_name(views[0].dtype), views[0].layout);
    int r1 = vs_preprocessor_run(cpu, f, rotation, (void *const *)a);
    CHECK(r1 == 0, "%s: cpu run", what);
    for (int v = 0; v < nviews; v++)
        memset(b[v], 0xa5, vs_view_frame_bytes(&views[v]));
    int r2 = vs_vk_preprocessor_run(gpu, f, rotation, (void *const *)b);
    CHECK(r2 == 0, "%s: vulkan run", what);
    if (r1 || r2)
        return;
    for (int v = 0; v < nviews; v++)
        *differ += compare(&views[v], a[v], b[v], what, worst);
}

/* Every dtype and layout, with the GPU YUV conversion (gpu_yuv 1) or
 * libswscale's on the CPU (0). */
static void test_matrix(int gpu_yuv)
{
    for (int dtype = 0; dtype < 4; dtype++) {
        for (int layout = 0; layout < 2; layout++) {
            VsView views[NVIEWS];
            uint8_t *a[NVIEWS], *b[NVIEWS];
            make_views(views, dtype, layout);
            for (int v = 0; v < NVIEWS; v++) {
                a[v] = malloc(vs_view_frame_bytes(&views[v]));
                b[v] = malloc(vs_view_frame_bytes(&views[v]));
            }
            VsPreprocessor *cpu = NULL;
            VsVkPreprocessor *gpu = NULL;
            CHECK(vs_preprocessor_create(&cpu, views, NVIEWS) == 0, "cpu create");
            CHECK(vs_vk_preprocessor_create(&gpu, views, NVIEWS, 0) == 0, "vulkan create");
            CHECK(vs_vk_preprocessor_set_gpu_yuv(gpu, gpu_yuv) == 0, "YUV conversion");
            size_t differ = 0, runs = 0;
            double worst = 0;
            for (size_t i = 0; cpu && gpu && i < sizeof(CASES) / sizeof(CASES[0]); i++) {
                const Case *c = &CASES[i];
                AVFrame *f = vk_test_frame(c->fmt, c->w, c->h, c->cs, c->range, (uint32_t)i + 1);
                CHECK(f != NULL, "frame %s", av_get_pix_fmt_name(c->fmt));
                /* Every rotation on the first frames, one each on the rest;
                 * bf16 and f32 differ from f16 only in the packing, so they
                 * take fewer frames: keeps the matrix (and the ASan run) short. */
                int all = i < 2 && dtype <= VS_DTYPE_F16;
                for (int rot = 0; f && rot < 360; rot += 90) {
                    if (!all && rot != (int)((i + (size_t)dtype) % 4) * 90)
                        continue;
                    if (dtype > VS_DTYPE_F16 && i % 2)
                        continue;
                    run_case(cpu, gpu, views, f, rot, a, b, NVIEWS, &differ, &worst);
                    runs++;
                }
                av_frame_free(&f);
            }
            printf("%s YUV: dtype %-4s layout %s: %zu runs x %d views, %zu elements not "
                   "identical, worst excess %.3f level\n",
                   gpu_yuv ? "GPU" : "CPU", vs_dtype_name(dtype), layout ? "thwc" : "tchw", runs,
                   NVIEWS, differ, worst);
            vs_preprocessor_destroy(&cpu);
            vs_vk_preprocessor_destroy(&gpu);
            for (int v = 0; v < NVIEWS; v++) {
                free(a[v]);
                free(b[v]);
            }
        }
    }
}

/* Errors: a missing device, a bad rotation, a frame without a picture; and a
 * NULL dst entry leaves that view alone. */
static void test_errors(void)
{
    VsView v;
    VsVkPreprocessor *gpu = NULL;
    vs_view_preset(&v, "internvideo2-224");
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 1, 1000) == VS_ERR_UNSUPPORTED && !gpu,
          "device 1000 must not exist");
    CHECK(strstr(vs_last_error(), "no Vulkan device") != NULL, "message names the cause");
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 0, 0) == VS_ERR_INVALID_ARG, "no views");
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 1, 0) == 0, "create");
    AVFrame *f = vk_test_frame(AV_PIX_FMT_YUV420P, 64, 48, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG, 9);
    uint8_t *buf = malloc(vs_view_frame_bytes(&v));
    void *dst[1] = {buf};
    CHECK(vs_vk_preprocessor_run(gpu, f, 45, dst) == VS_ERR_UNSUPPORTED, "rotation 45");
    void *none[1] = {NULL};
    CHECK(vs_vk_preprocessor_run(gpu, f, 0, none) == 0, "NULL dst entry");
    CHECK(vs_vk_preprocessor_run(gpu, f, -90, dst) == 0, "rotation -90");
    f->width = 0;
    CHECK(vs_vk_preprocessor_run(gpu, f, 0, dst) == VS_ERR_INVALID_DATA, "empty frame");
    free(buf);
    av_frame_free(&f);
    vs_vk_preprocessor_destroy(&gpu);
    vs_vk_preprocessor_destroy(&gpu); /* NULL is fine */
}

/* A view skipped (NULL dst) on a frame that replaced the picture buffer must
 * still be right when asked for again: 500x260 turned and 260x500 upright
 * give the view the same geometry but need a larger picture buffer. */
static void test_skipped_view(void)
{
    VsView views[2];
    vs_view_preset(&views[0], "clip-336");
    vs_view_preset(&views[1], "internvideo2-224");
    views[1].dtype = VS_DTYPE_U8;
    uint8_t *a[2], *b[2];
    for (int v = 0; v < 2; v++) {
        a[v] = malloc(vs_view_frame_bytes(&views[v]));
        b[v] = malloc(vs_view_frame_bytes(&views[v]));
    }
    VsPreprocessor *cpu = NULL;
    VsVkPreprocessor *gpu = NULL;
    CHECK(vs_preprocessor_create(&cpu, views, 2) == 0, "cpu create");
    CHECK(vs_vk_preprocessor_create(&gpu, views, 2, 0) == 0, "vulkan create");
    AVFrame *small = vk_test_frame(AV_PIX_FMT_YUV420P, 500, 260, AVCOL_SPC_BT709,
                                   AVCOL_RANGE_MPEG, 3);
    AVFrame *big = vk_test_frame(AV_PIX_FMT_YUV420P, 260, 500, AVCOL_SPC_BT709,
                                 AVCOL_RANGE_MPEG, 4);
    void *only0[2] = {b[0], NULL};
    size_t differ = 0;
    double worst = 0;
    if (cpu && gpu && small && big) {
        CHECK(vs_vk_preprocessor_run(gpu, small, 90, (void *const *)b) == 0, "small, both");
        CHECK(vs_vk_preprocessor_run(gpu, big, 0, only0) == 0, "big, view 0 only");
        run_case(cpu, gpu, views, big, 0, a, b, 2, &differ, &worst);
    }
    CHECK(differ == 0, "skipped view: %zu elements differ", differ);
    av_frame_free(&small);
    av_frame_free(&big);
    vs_preprocessor_destroy(&cpu);
    vs_vk_preprocessor_destroy(&gpu);
    for (int v = 0; v < 2; v++) {
        free(a[v]);
        free(b[v]);
    }
}

int main(void)
{
    vk_test_hold_driver();
    int n = vs_vk_device_count();
    if (n == 0) {
        printf("SKIP: no Vulkan device\n");
        return 77;
    }
    printf("%d Vulkan device(s)\n", n);
    vs_set_log_callback(NULL, NULL, VS_LOG_WARNING);
    vk_test_check_validation_layer();
    test_errors();
    test_skipped_view();
    test_matrix(1);
    test_matrix(0);
    return vk_test_finish();
}

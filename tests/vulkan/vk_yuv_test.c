/* The GPU YUV -> RGB24 conversion (shaders/yuv.comp) against libswscale
 * itself: the picture the CPU backend starts from is sws_scale(SWS_BILINEAR)
 * at the frame's size with the frame's matrix and range (src/rgb.c); here the
 * same call writes into rows with room to spare (src/rgb.c's stride is too
 * tight for swscale's 16-pixel SIMD blocks at some widths, see
 * docs/VULKAN.md), and every byte of the GPU picture must be equal: every
 * supported source format, BT.601/709/2020/SMPTE-240M/FCC, both ranges, odd
 * and tiny sizes. Prints max / mean difference per format. Any validation
 * message fails. Exit 77 without a Vulkan device. */
#include "preprocess.h"
#include "vulkan/vk_preprocess.h"
#include "vulkan/vk_yuv.h"

#include "vk_frames.h"
#include "vk_test_util.h"

#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum AVPixelFormat FORMATS[] = {
    AV_PIX_FMT_YUV420P,     AV_PIX_FMT_YUVJ420P,    AV_PIX_FMT_YUV422P,
    AV_PIX_FMT_YUVJ422P,    AV_PIX_FMT_YUV444P,     AV_PIX_FMT_YUVJ444P,
    AV_PIX_FMT_NV12,        AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV422P10LE,
    AV_PIX_FMT_YUV444P10LE, AV_PIX_FMT_RGB24,       AV_PIX_FMT_BGR24,
    AV_PIX_FMT_RGBA,        AV_PIX_FMT_BGRA,        AV_PIX_FMT_ARGB,
    AV_PIX_FMT_ABGR,        AV_PIX_FMT_RGB0,        AV_PIX_FMT_0BGR,
};
#define NFORMATS (sizeof(FORMATS) / sizeof(FORMATS[0]))

/* Sizes: even and odd in each direction (they pick different swscale code
 * paths), the width whose last columns src/rgb.c's stride loses, tiny ones. */
static const int SIZES[][2] = {{64, 36}, {33, 17}, {40, 23}, {21, 10}, {1, 1}, {2, 3},
                               {3, 2},   {5, 7},   {321, 199}, {130, 72}};

static const enum AVColorSpace SPACES[] = {AVCOL_SPC_BT709, AVCOL_SPC_BT470BG,
                                           AVCOL_SPC_BT2020_NCL, AVCOL_SPC_SMPTE240M,
                                           AVCOL_SPC_FCC, AVCOL_SPC_UNSPECIFIED};

typedef struct Stats {
    long bytes, differ;
    int max;
    double sum;
    int modes; /* bit mask of enum VsVkYuvMode seen */
} Stats;

/* libswscale's RGB24 picture of f, as src/rgb.c asks for it. */
static int reference(const AVFrame *f, uint8_t *dst, int stride)
{
    int fmt, cs, full;
    vs_vk_yuv_frame_key(f, &fmt, &cs, &full);
    struct SwsContext *s = sws_getContext(f->width, f->height, fmt, f->width, f->height,
                                          AV_PIX_FMT_RGB24, SWS_BILINEAR, NULL, NULL, NULL);
    if (!s)
        return -1;
    const int *coefs = sws_getCoefficients(cs);
    sws_setColorspaceDetails(s, coefs, full, coefs, 1, 0, 1 << 16, 1 << 16);
    uint8_t *planes[4] = {dst};
    int strides[4] = {stride};
    int n = sws_scale(s, (const uint8_t *const *)f->data, f->linesize, 0, f->height, planes,
                      strides);
    sws_freeContext(s);
    return n == f->height ? 0 : -1;
}

static void check(VsVkPreprocessor *gpu, enum AVPixelFormat fmt, int w, int h,
                  enum AVColorSpace cs, enum AVColorRange range, uint32_t seed, Stats *st)
{
    AVFrame *f = vk_test_frame(fmt, w, h, cs, range, seed);
    /* 16 pixels of slack per row: swscale's SIMD writes whole blocks. */
    int stride = ((w + 16) * 3 + 63) & ~63;
    uint8_t *ref = calloc((size_t)stride * (size_t)h + 64, 1);
    uint8_t *out = calloc((size_t)stride * (size_t)h + 64, 1);
    CHECK(f && ref && out, "allocation");
    if (!f || !ref || !out)
        goto done;
    CHECK(reference(f, ref, stride) == 0, "sws_scale %s %dx%d", av_get_pix_fmt_name(fmt), w, h);
    int mode = vs_vk_preprocessor_debug_rgb(gpu, f, out, stride);
    CHECK(mode > 0, "%s %dx%d: GPU conversion (returned %d)", av_get_pix_fmt_name(fmt), w, h,
          mode);
    if (mode <= 0)
        goto done;
    st->modes |= 1 << mode;
    long differ = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < 3 * w; x++) {
            int d = abs(out[y * stride + x] - ref[y * stride + x]);
            differ += d != 0;
            st->max = d > st->max ? d : st->max;
            st->sum += d;
        }
    st->bytes += 3L * w * h;
    st->differ += differ;
    /* The issue allows one level; we hold the conversion to equality. */
    CHECK(differ == 0, "%s %dx%d cs %d range %d (%s): %ld bytes differ from libswscale",
          av_get_pix_fmt_name(fmt), w, h, cs, range, vs_vk_yuv_mode_name(mode), differ);
done:
    free(ref);
    free(out);
    av_frame_free(&f);
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
    VsView v;
    vs_view_preset(&v, "internvideo2-224");
    VsVkPreprocessor *gpu = NULL;
    CHECK(vs_vk_preprocessor_create(&gpu, &v, 1, 0) == 0, "vulkan create");
    CHECK(vs_vk_preprocessor_set_gpu_yuv(gpu, 1) == 0, "GPU conversion on");
    for (size_t i = 0; gpu && i < NFORMATS; i++) {
        Stats st = {0};
        for (size_t s = 0; s < sizeof(SIZES) / sizeof(SIZES[0]); s++)
            for (int r = 0; r < 2; r++) {
                enum AVColorSpace cs = SPACES[(i + s + (size_t)r) % 6];
                enum AVColorRange range = r ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
                check(gpu, FORMATS[i], SIZES[s][0], SIZES[s][1], cs, range,
                      (uint32_t)(i * 100 + s * 2 + (size_t)r + 1), &st);
            }
        char modes[64] = "";
        for (int m = 1; m <= VS_VK_YUV_PACKED; m++)
            if (st.modes & (1 << m))
                snprintf(modes + strlen(modes), sizeof(modes) - strlen(modes), "%s%s",
                         modes[0] ? "," : "", vs_vk_yuv_mode_name(m));
        printf("%-12s %7ld bytes: %ld differ, max %d, mean %.4f (%s)\n",
               av_get_pix_fmt_name(FORMATS[i]), st.bytes, st.differ, st.max,
               st.bytes ? st.sum / (double)st.bytes : 0.0, modes);
    }
    /* One full-HD frame of the commonest formats. */
    for (int i = 0; gpu && i < 3; i++) {
        Stats st = {0};
        enum AVPixelFormat fmt[3] = {AV_PIX_FMT_YUV420P, AV_PIX_FMT_NV12, AV_PIX_FMT_YUV420P10LE};
        check(gpu, fmt[i], 1920, 1080, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG, 77, &st);
        printf("%-12s 1920x1080: %ld differ, max %d\n", av_get_pix_fmt_name(fmt[i]), st.differ,
               st.max);
    }
    /* Formats without a GPU conversion report it and leave rgb alone. */
    AVFrame *gray = vk_test_frame(AV_PIX_FMT_GRAY8, 16, 16, AVCOL_SPC_UNSPECIFIED,
                                  AVCOL_RANGE_JPEG, 1);
    uint8_t buf[16 * 48];
    CHECK(gpu && gray && vs_vk_preprocessor_debug_rgb(gpu, gray, buf, 48) == VS_VK_YUV_CPU,
          "gray8 stays on the CPU");
    av_frame_free(&gray);
    vs_vk_preprocessor_destroy(&gpu);
    return vk_test_finish();
}

/* The preprocessor's contract beyond pixel values (those are compared with
 * PIL in test_geometry.py / test_fidelity.py): argument checks, errors,
 * caches that follow size, format and colour changes, several views at once. */
#include "preprocess.h"

#include <libavutil/frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed (%s)\n", __FILE__, __LINE__, #cond, \
                    vs_last_error());                                                  \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* A deterministic test picture of any planar/packed 8-bit format. */
static AVFrame *make_frame(int w, int h, enum AVPixelFormat fmt, unsigned seed)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return NULL;
    f->width = w;
    f->height = h;
    f->format = fmt;
    if (av_frame_get_buffer(f, 0) < 0) {
        av_frame_free(&f);
        return NULL;
    }
    for (int p = 0; p < 4 && f->data[p]; p++) {
        int rows = (p == 0 || fmt == AV_PIX_FMT_YUV444P) ? h : (h + 1) / 2;
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < f->linesize[p]; x++)
                f->data[p][y * f->linesize[p] + x] =
                    (uint8_t)((x * 3 + y * 5 + (int)seed * 7 + (x * y) % 11) & 0xff);
    }
    return f;
}

/* Run views on frame with a fresh preprocessor; returns malloc'ed outputs. */
static int run_fresh(const VsView *views, size_t n, const AVFrame *f, int rot, uint8_t **out)
{
    VsPreprocessor *p = NULL;
    int ret = vs_preprocessor_create(&p, views, n);
    if (ret < 0)
        return ret;
    void *dst[4];
    for (size_t i = 0; i < n; i++)
        dst[i] = out[i] = calloc(1, vs_view_frame_bytes(&views[i]));
    ret = vs_preprocessor_run(p, f, rot, dst);
    vs_preprocessor_destroy(&p);
    REQUIRE(p == NULL);
    return ret;
}

static void test_errors(void)
{
    VsPreprocessor *p = (VsPreprocessor *)1;
    VsView v;
    vs_view_preset(&v, "clip-336");
    REQUIRE(vs_preprocessor_create(&p, &v, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(p == NULL);
    REQUIRE(vs_preprocessor_create(&p, NULL, 1) == VS_ERR_INVALID_ARG);
    v.std[2] = 0;
    REQUIRE(vs_preprocessor_create(&p, &v, 1) == VS_ERR_INVALID_ARG);
    REQUIRE(strstr(vs_last_error(), "std[2]") != NULL);
    vs_view_preset(&v, "clip-336");
    REQUIRE(vs_preprocessor_create(&p, &v, 1) == 0);

    AVFrame *f = make_frame(64, 48, AV_PIX_FMT_YUV420P, 1);
    uint8_t *buf = malloc(vs_view_frame_bytes(&v));
    void *dst[1] = {buf};
    REQUIRE(vs_preprocessor_run(p, f, 45, dst) == VS_ERR_UNSUPPORTED);
    REQUIRE(strstr(vs_last_error(), "rotation 45") != NULL);
    REQUIRE(vs_preprocessor_run(p, NULL, 0, dst) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_preprocessor_run(p, f, 0, NULL) == 0); /* fetch without preprocessing */
    REQUIRE(vs_preprocessor_run(p, f, -90, dst) == 0); /* -90 is 270 */

    /* A format swscale cannot read: a hardware surface. */
    AVFrame *hw = make_frame(64, 48, AV_PIX_FMT_YUV420P, 1);
    hw->format = AV_PIX_FMT_VAAPI;
    REQUIRE(vs_preprocessor_run(p, hw, 0, dst) == VS_ERR_UNSUPPORTED);
    REQUIRE(strstr(vs_last_error(), "vaapi") != NULL);
    /* and the preprocessor still works afterwards */
    REQUIRE(vs_preprocessor_run(p, f, 0, dst) == 0);
    av_frame_free(&hw);

    AVFrame *empty = av_frame_alloc();
    REQUIRE(vs_preprocessor_run(p, empty, 0, dst) == VS_ERR_INVALID_DATA);
    av_frame_free(&empty);
    av_frame_free(&f);
    free(buf);
    vs_preprocessor_destroy(&p);
    vs_preprocessor_destroy(&p);
    vs_preprocessor_destroy(NULL);
}

/* One preprocessor fed frames whose size, format, colour and rotation change
 * must give the bytes a fresh one gives for each frame. */
static void test_cache_changes(void)
{
    VsView views[4];
    vs_view_preset(&views[0], "siglip-384");
    vs_view_preset(&views[1], "clip-336");
    vs_view_preset(&views[2], "internvideo2-224");
    vs_view_default(&views[3]);
    views[3].width = 50, views[3].height = 30, views[3].resize = VS_RESIZE_PAD;
    views[3].filter = VS_FILTER_LANCZOS, views[3].dtype = VS_DTYPE_U8;
    views[3].layout = VS_LAYOUT_THWC, views[3].pad_fill[1] = 200;
    views[0].dtype = VS_DTYPE_BF16, views[1].dtype = VS_DTYPE_F32;

    struct {
        int w, h, fmt, rot, cs, range;
    } seq[] = {
        {64, 48, AV_PIX_FMT_YUV420P, 0, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_MPEG},
        {64, 48, AV_PIX_FMT_YUV420P, 0, AVCOL_SPC_BT709, AVCOL_RANGE_MPEG},
        {64, 48, AV_PIX_FMT_YUV420P, 0, AVCOL_SPC_BT709, AVCOL_RANGE_JPEG},
        {64, 48, AV_PIX_FMT_YUV420P, 90, AVCOL_SPC_BT709, AVCOL_RANGE_JPEG},
        {31, 77, AV_PIX_FMT_YUV444P, 90, AVCOL_SPC_BT2020_NCL, AVCOL_RANGE_MPEG},
        {31, 77, AV_PIX_FMT_RGB24, 180, AVCOL_SPC_RGB, AVCOL_RANGE_JPEG},
        {640, 360, AV_PIX_FMT_YUVJ420P, 270, AVCOL_SPC_SMPTE240M, AVCOL_RANGE_UNSPECIFIED},
        {64, 48, AV_PIX_FMT_YUV420P, 0, AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_MPEG},
    };
    VsPreprocessor *p = NULL;
    REQUIRE(vs_preprocessor_create(&p, views, 4) == 0);
    uint8_t *kept[4], *fresh[4], *first[4] = {NULL};
    void *dst[4];
    for (int i = 0; i < 4; i++)
        dst[i] = kept[i] = malloc(vs_view_frame_bytes(&views[i]));
    size_t last = sizeof(seq) / sizeof(seq[0]) - 1;
    for (size_t s = 0; s <= last; s++) {
        AVFrame *f = make_frame(seq[s].w, seq[s].h, seq[s].fmt, 3);
        f->colorspace = seq[s].cs;
        f->color_range = seq[s].range;
        REQUIRE(vs_preprocessor_run(p, f, seq[s].rot, dst) == 0);
        REQUIRE(run_fresh(views, 4, f, seq[s].rot, fresh) == 0);
        for (int i = 0; i < 4; i++) {
            size_t n = vs_view_frame_bytes(&views[i]);
            if (memcmp(kept[i], fresh[i], n) != 0) {
                fprintf(stderr, "step %zu view %d: reused preprocessor differs\n", s, i);
                failures++;
            }
            /* BT.709 must not give BT.601's colours; back at the first
             * frame, the first bytes again. */
            if (s == 1)
                REQUIRE(memcmp(first[i], fresh[i], n) != 0);
            if (s == last)
                REQUIRE(memcmp(first[i], fresh[i], n) == 0);
            if (s == 0)
                first[i] = fresh[i];
            else
                free(fresh[i]);
        }
        av_frame_free(&f);
    }
    for (int i = 0; i < 4; i++) {
        free(kept[i]);
        free(first[i]);
    }
    vs_preprocessor_destroy(&p);
}

/* Several views from one call equal each view run alone; a NULL dst[v]
 * skips that view. */
static void test_views_independent(void)
{
    VsView views[3];
    vs_view_preset(&views[0], "siglip-384");
    vs_view_preset(&views[1], "internvideo2-224");
    vs_view_preset(&views[2], "clip-336");
    views[2].layout = VS_LAYOUT_THWC;
    AVFrame *f = make_frame(100, 70, AV_PIX_FMT_YUV420P, 9);
    uint8_t *all[3] = {0}, *one[1] = {0};
    REQUIRE(run_fresh(views, 3, f, 0, all) == 0);
    for (int i = 0; i < 3; i++) {
        REQUIRE(run_fresh(&views[i], 1, f, 0, one) == 0);
        REQUIRE(memcmp(all[i], one[0], vs_view_frame_bytes(&views[i])) == 0);
        free(one[0]);
        free(all[i]);
    }
    VsPreprocessor *p = NULL;
    REQUIRE(vs_preprocessor_create(&p, views, 3) == 0);
    uint8_t *b = malloc(vs_view_frame_bytes(&views[1]));
    void *dst[3] = {NULL, b, NULL};
    REQUIRE(vs_preprocessor_run(p, f, 0, dst) == 0);
    free(b);
    vs_preprocessor_destroy(&p);
    av_frame_free(&f);
}

int main(void)
{
    test_errors();
    test_cache_changes();
    test_views_independent();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

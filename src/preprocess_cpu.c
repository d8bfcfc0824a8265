/* The CPU preprocessing backend: the reference every other backend matches.
 *
 * Per frame: libswscale -> full-resolution RGB24 (the frame's own matrix and
 * range), turn by the display rotation, then per view: geometry (squash,
 * cover-and-crop, pad to square), the PIL-exact resampler, rescale and
 * normalize through a per-channel table, dtype and layout. Every buffer and
 * table is kept between frames and rebuilt only when a size changes. */
#include "preprocess.h"

#include "dtype.h"
#include "geometry.h"
#include "internal.h"
#include "resample.h"
#include "rgb.h"

#include <libavutil/mem.h>
#include <libavutil/pixdesc.h>
#include <stdlib.h>
#include <string.h>

/* A growable buffer, kept for the life of the preprocessor. */
typedef struct Buffer {
    uint8_t *data;
    size_t size;
} Buffer;

typedef struct ViewState {
    VsView view;
    /* Geometry of the last frame: the resampler input and output sizes and
     * the window of the output that is kept. */
    int in_w, in_h; /* picture the view was set up for (after rotation) */
    VsResampler rs;
    int have_rs;
    int win_x, win_y;
    Buffer pad;      /* VS_RESIZE_PAD: the square picture, border filled once */
    Buffer resized;  /* window as RGB24 when it cannot go straight to dst */
    float value[3][256];     /* (v * rescale - mean) / std per channel */
    uint16_t half[3][256];   /* the same in f16 or bf16 */
} ViewState;

struct VsPreprocessor {
    size_t nviews;
    ViewState *views;

    VsRgbConverter conv;
    uint8_t *rgb; /* av_malloc'ed: swscale likes aligned rows */
    size_t rgb_size;
    int rgb_stride;

    Buffer rotated;
    Buffer scratch;
};

static int buffer_reserve(Buffer *b, size_t size)
{
    if (b->size >= size)
        return 0;
    uint8_t *p = realloc(b->data, size);
    if (!p)
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory for a %zu-byte buffer", size);
    b->data = p;
    b->size = size;
    return 0;
}

static void buffer_free(Buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->size = 0;
}

/* ------------------------------------------------------------ normalize */

static void build_tables(ViewState *vs)
{
    const VsView *v = &vs->view;
    for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 256; i++) {
            /* float32 throughout, one rounding per operation. */
            float x = (float)i * v->rescale;
            x = x - v->mean[c];
            x = x / v->std[c];
            vs->value[c][i] = x;
            vs->half[c][i] = v->dtype == VS_DTYPE_BF16 ? vs_f32_to_bf16(x) : vs_f32_to_f16(x);
        }
    }
}

/* dst is caller memory of unknown alignment: store through memcpy. */
static void write_f32(const ViewState *vs, const uint8_t *rgb, size_t npix, uint8_t *dst)
{
    if (vs->view.layout == VS_LAYOUT_THWC) {
        for (size_t i = 0; i < npix * 3; i += 3)
            for (int c = 0; c < 3; c++)
                memcpy(dst + 4 * (i + (size_t)c), &vs->value[c][rgb[i + (size_t)c]], 4);
        return;
    }
    for (int c = 0; c < 3; c++) {
        uint8_t *plane = dst + (size_t)c * npix * 4;
        for (size_t i = 0; i < npix; i++)
            memcpy(plane + 4 * i, &vs->value[c][rgb[3 * i + (size_t)c]], 4);
    }
}

static void write_half(const ViewState *vs, const uint8_t *rgb, size_t npix, uint8_t *dst)
{
    if (vs->view.layout == VS_LAYOUT_THWC) {
        for (size_t i = 0; i < npix * 3; i += 3)
            for (int c = 0; c < 3; c++)
                memcpy(dst + 2 * (i + (size_t)c), &vs->half[c][rgb[i + (size_t)c]], 2);
        return;
    }
    for (int c = 0; c < 3; c++) {
        uint8_t *plane = dst + (size_t)c * npix * 2;
        for (size_t i = 0; i < npix; i++)
            memcpy(plane + 2 * i, &vs->half[c][rgb[3 * i + (size_t)c]], 2);
    }
}

static void write_u8_planar(const uint8_t *rgb, size_t npix, uint8_t *dst)
{
    for (int c = 0; c < 3; c++) {
        uint8_t *plane = dst + (size_t)c * npix;
        for (size_t i = 0; i < npix; i++)
            plane[i] = rgb[3 * i + (size_t)c];
    }
}

static void write_output(const ViewState *vs, const uint8_t *rgb, uint8_t *dst)
{
    size_t npix = (size_t)vs->view.width * (size_t)vs->view.height;
    switch (vs->view.dtype) {
    case VS_DTYPE_U8:
        if (vs->view.layout == VS_LAYOUT_TCHW)
            write_u8_planar(rgb, npix, dst);
        else if (rgb != dst)
            memcpy(dst, rgb, npix * 3);
        break;
    case VS_DTYPE_F32: write_f32(vs, rgb, npix, dst); break;
    default: write_half(vs, rgb, npix, dst); break;
    }
}

/* -------------------------------------------------------------- geometry */

/* Set the view up for pictures of in_w x in_h (after rotation). */
static int setup_view(ViewState *vs, int in_w, int in_h)
{
    const VsView *v = &vs->view;
    VsViewGeometry g;
    int ret;
    vs_view_geometry(v, in_w, in_h, &g);
    int rin_w = g.rin_w, rin_h = g.rin_h, rout_w = g.rout_w, rout_h = g.rout_h;
    vs->win_x = g.win_x;
    vs->win_y = g.win_y;
    if (v->resize == VS_RESIZE_PAD) {
        size_t bytes = (size_t)rin_w * (size_t)rin_h * 3;
        if ((ret = buffer_reserve(&vs->pad, bytes)) < 0)
            return ret;
        for (size_t i = 0; i < bytes; i++)
            vs->pad.data[i] = v->pad_fill[i % 3];
    }
    if (vs->have_rs)
        vs_resampler_free(&vs->rs);
    vs->have_rs = 0;
    if ((ret = vs_resampler_init(&vs->rs, rin_w, rin_h, rout_w, rout_h, v->filter)) < 0)
        return ret;
    vs->have_rs = 1;
    vs->in_w = in_w;
    vs->in_h = in_h;
    return 0;
}

/* Apollo's expand2square: paste at ((side - w) // 2, (side - h) // 2); the
 * border was filled when the geometry was set up and is never written. */
static const uint8_t *paste_square(ViewState *vs, const uint8_t *rgb, int w, int h,
                                   ptrdiff_t stride)
{
    int side = vs->rs.in_w;
    int ox = (side - w) / 2, oy = (side - h) / 2;
    for (int y = 0; y < h; y++)
        memcpy(vs->pad.data + ((size_t)(oy + y) * (size_t)side + (size_t)ox) * 3,
               rgb + (ptrdiff_t)y * stride, (size_t)w * 3);
    return vs->pad.data;
}

static int run_view(VsPreprocessor *p, ViewState *vs, const uint8_t *rgb, int w, int h,
                    ptrdiff_t stride, uint8_t *dst)
{
    const VsView *v = &vs->view;
    int ret;
    if (!vs->have_rs || vs->in_w != w || vs->in_h != h)
        if ((ret = setup_view(vs, w, h)) < 0)
            return ret;
    if (v->resize == VS_RESIZE_PAD) {
        rgb = paste_square(vs, rgb, w, h, stride);
        stride = (ptrdiff_t)vs->rs.in_w * 3;
    }
    size_t need = vs_resample_scratch_size(&vs->rs, vs->win_y, v->width, v->height);
    if ((ret = buffer_reserve(&p->scratch, need ? need : 1)) < 0)
        return ret;
    /* u8 THWC is exactly the resampler's output: write it in place. */
    uint8_t *out = dst;
    if (v->dtype != VS_DTYPE_U8 || v->layout != VS_LAYOUT_THWC) {
        if ((ret = buffer_reserve(&vs->resized, (size_t)v->width * (size_t)v->height * 3)) < 0)
            return ret;
        out = vs->resized.data;
    }
    vs_resample_rgb24(&vs->rs, rgb, stride, out, (ptrdiff_t)v->width * 3, vs->win_x, vs->win_y,
                      v->width, v->height, p->scratch.data);
    write_output(vs, out, dst);
    return 0;
}

/* --------------------------------------------------------- colour, turn */

static int to_rgb(VsPreprocessor *p, const AVFrame *frame)
{
    size_t need = vs_rgb_size(frame->width, frame->height);
    if (need > p->rgb_size) {
        av_free(p->rgb);
        p->rgb_size = 0;
        if (!(p->rgb = av_malloc(need)))
            return vs_error(VS_ERR_NOMEM, "preprocess: out of memory for a %dx%d RGB picture",
                            frame->width, frame->height);
        p->rgb_size = need;
    }
    p->rgb_stride = vs_rgb_stride(frame->width);
    return vs_rgb_convert(&p->conv, frame, p->rgb);
}

/* Source pixel of output (i, j) (row, column) for k quarter turns
 * counter-clockwise, as numpy's rot90(img, k): in[j][w-1-i] for k = 1,
 * in[h-1-i][w-1-j] for 2, in[h-1-j][i] for 3. */
static const uint8_t *turned_pixel(const uint8_t *in, ptrdiff_t stride, int w, int h, int k,
                                   int i, int j)
{
    int sx = k == 1 ? w - 1 - i : k == 2 ? w - 1 - j : i;
    int sy = k == 1 ? j : k == 2 ? h - 1 - i : h - 1 - j;
    return in + (ptrdiff_t)sy * stride + (ptrdiff_t)sx * 3;
}

/* Turn w x h RGB24 by k quarter turns; tiles keep the column-wise reads of
 * a quarter turn within the cache. */
static void rotate_rgb(const uint8_t *in, ptrdiff_t stride, int w, int h, int k, uint8_t *out)
{
    enum { TILE = 32 };
    int ow = (k == 2) ? w : h, oh = (k == 2) ? h : w;
    for (int ti = 0; ti < oh; ti += TILE) {
        for (int tj = 0; tj < ow; tj += TILE) {
            int ei = ti + TILE < oh ? ti + TILE : oh, ej = tj + TILE < ow ? tj + TILE : ow;
            for (int i = ti; i < ei; i++) {
                uint8_t *o = out + ((size_t)i * (size_t)ow + (size_t)tj) * 3;
                for (int j = tj; j < ej; j++, o += 3)
                    memcpy(o, turned_pixel(in, stride, w, h, k, i, j), 3);
            }
        }
    }
}

/* ------------------------------------------------------------------ API */

int vs_preprocessor_create(VsPreprocessor **out, const VsView *views, size_t nviews)
{
    int ret;
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no output handle");
    *out = NULL;
    if (!views || nviews == 0)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no views given");
    for (size_t i = 0; i < nviews; i++)
        if ((ret = vs_view_validate(&views[i])) < 0)
            return ret;
    VsPreprocessor *p = calloc(1, sizeof(*p));
    if (!p)
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
    p->views = calloc(nviews, sizeof(*p->views));
    if (!p->views) {
        free(p);
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
    }
    p->nviews = nviews;
    for (size_t i = 0; i < nviews; i++) {
        p->views[i].view = views[i];
        build_tables(&p->views[i]);
    }
    *out = p;
    return 0;
}

int vs_preprocessor_run(VsPreprocessor *p, const AVFrame *frame, int rotation, void *const *dst)
{
    int ret;
    if (!p || !frame)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no preprocessor or no frame");
    if (!dst)
        return 0;
    if (frame->width < 1 || frame->height < 1 || !frame->data[0])
        return vs_error(VS_ERR_INVALID_DATA, "preprocess: frame has no picture (%dx%d)",
                        frame->width, frame->height);
    int turn = ((rotation % 360) + 360) % 360;
    if (turn % 90 != 0)
        return vs_error(VS_ERR_UNSUPPORTED, "preprocess: rotation %d is not a multiple of 90",
                        rotation);
    if ((ret = to_rgb(p, frame)) < 0)
        return ret;

    const uint8_t *rgb = p->rgb;
    ptrdiff_t stride = p->rgb_stride;
    int w = frame->width, h = frame->height;
    if (turn) {
        int k = turn / 90;
        if ((ret = buffer_reserve(&p->rotated, (size_t)w * (size_t)h * 3)) < 0)
            return ret;
        rotate_rgb(p->rgb, p->rgb_stride, w, h, k, p->rotated.data);
        if (k != 2) {
            int t = w;
            w = h;
            h = t;
        }
        rgb = p->rotated.data;
        stride = (ptrdiff_t)w * 3;
    }
    for (size_t v = 0; v < p->nviews; v++) {
        if (!dst[v])
            continue;
        if ((ret = run_view(p, &p->views[v], rgb, w, h, stride, dst[v])) < 0)
            return ret;
    }
    return 0;
}

void vs_preprocessor_destroy(VsPreprocessor **pp)
{
    if (!pp || !*pp)
        return;
    VsPreprocessor *p = *pp;
    for (size_t v = 0; v < p->nviews; v++) {
        ViewState *vs = &p->views[v];
        if (vs->have_rs)
            vs_resampler_free(&vs->rs);
        buffer_free(&vs->pad);
        buffer_free(&vs->resized);
    }
    free(p->views);
    vs_rgb_free(&p->conv);
    av_free(p->rgb);
    buffer_free(&p->rotated);
    buffer_free(&p->scratch);
    free(p);
    *pp = NULL;
}

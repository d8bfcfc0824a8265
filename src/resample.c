/* PIL-exact separable resampling of RGB24 pictures.
 *
 * Every floating-point expression below is written in the same order as
 * Pillow 9.4's libImaging/Resample.c, because a weight that differs in its
 * last bit can round to a different fixed-point coefficient and change an
 * output byte; the tests compare with PIL bit for bit. */
#include "resample.h"

#include "internal.h"
#include "resample_fast.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef double (*KernelFn)(double x);

static double box_kernel(double x)
{
    return (x > -0.5 && x <= 0.5) ? 1.0 : 0.0;
}

static double triangle_kernel(double x)
{
    if (x < 0.0)
        x = -x;
    return x < 1.0 ? 1.0 - x : 0.0;
}

/* Keys cubic convolution with a = -0.5. */
static double cubic_kernel(double x)
{
    const double a = -0.5;
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

static double sinc(double x)
{
    if (x == 0.0)
        return 1.0;
    x = x * M_PI;
    return sin(x) / x;
}

static double lanczos3_kernel(double x)
{
    if (-3.0 <= x && x < 3.0)
        return sinc(x) * sinc(x / 3);
    return 0.0;
}

static int kernel_of(int filter, KernelFn *fn, double *support)
{
    switch (filter) {
    case VS_FILTER_AREA: *fn = box_kernel; *support = 0.5; return 0;
    case VS_FILTER_BILINEAR: *fn = triangle_kernel; *support = 1.0; return 0;
    case VS_FILTER_BICUBIC: *fn = cubic_kernel; *support = 2.0; return 0;
    case VS_FILTER_LANCZOS: *fn = lanczos3_kernel; *support = 3.0; return 0;
    default: return -1;
    }
}

/* PIL rounds each normalised weight to PRECISION_BITS away from zero. */
static int32_t to_fixed(double w)
{
    const double one = (double)(1 << VS_RESAMPLE_PRECISION_BITS);
    return (int32_t)(w < 0 ? -0.5 + w * one : 0.5 + w * one);
}

/* Weights of output pixel xx: PIL's precompute_coeffs for a box (0, in_size). */
static void axis_pixel_weights(VsResampleAxis *ax, int xx, KernelFn fn, double support,
                               double scale, double filterscale)
{
    double *k = &ax->weights[(size_t)xx * (size_t)ax->ksize];
    double center = (xx + 0.5) * scale; /* box starts at 0 */
    double ss = 1.0 / filterscale;
    double ww = 0.0;
    /* (int) truncates toward zero, as in PIL; negatives are clamped anyway. */
    int xmin = (int)(center - support + 0.5);
    if (xmin < 0)
        xmin = 0;
    int xmax = (int)(center + support + 0.5);
    if (xmax > ax->in_size)
        xmax = ax->in_size;
    xmax -= xmin;
    int x = 0;
    for (; x < xmax; x++) {
        double w = fn((x + xmin - center + 0.5) * ss);
        k[x] = w;
        ww += w;
    }
    for (x = 0; x < xmax; x++)
        if (ww != 0.0)
            k[x] /= ww;
    for (; x < ax->ksize; x++)
        k[x] = 0;
    ax->first[xx] = xmin;
    ax->count[xx] = xmax > 0 ? xmax : 0;
}

int vs_resample_axis_init(VsResampleAxis *ax, int in_size, int out_size, int filter)
{
    KernelFn fn;
    double support;
    memset(ax, 0, sizeof(*ax));
    if (in_size < 1 || out_size < 1 || kernel_of(filter, &fn, &support) < 0)
        return vs_error(VS_ERR_INVALID_ARG, "resample: bad axis %d -> %d, filter %d", in_size,
                        out_size, filter);
    /* PIL computes in1 - in0 in float, then divides in double. */
    double scale = (double)((float)in_size - 0.0f) / out_size;
    double filterscale = scale < 1.0 ? 1.0 : scale;
    support = support * filterscale;
    ax->in_size = in_size;
    ax->out_size = out_size;
    ax->filter = filter;
    ax->ksize = (int)ceil(support) * 2 + 1;
    size_t n = (size_t)out_size * (size_t)ax->ksize;
    ax->first = malloc((size_t)out_size * sizeof(*ax->first));
    ax->count = malloc((size_t)out_size * sizeof(*ax->count));
    ax->weights = malloc(n * sizeof(*ax->weights));
    ax->coeffs = malloc(n * sizeof(*ax->coeffs));
    if (!ax->first || !ax->count || !ax->weights || !ax->coeffs) {
        vs_resample_axis_free(ax);
        return vs_error(VS_ERR_NOMEM, "resample: out of memory for %d -> %d weights", in_size,
                        out_size);
    }
    for (int xx = 0; xx < out_size; xx++)
        axis_pixel_weights(ax, xx, fn, support, scale, filterscale);
    for (size_t i = 0; i < n; i++)
        ax->coeffs[i] = to_fixed(ax->weights[i]);
    return 0;
}

void vs_resample_axis_free(VsResampleAxis *ax)
{
    if (!ax)
        return;
    free(ax->first);
    free(ax->count);
    free(ax->weights);
    free(ax->coeffs);
    memset(ax, 0, sizeof(*ax));
}

int vs_resample_impl_supported(int impl)
{
    switch (impl) {
    case VS_RESAMPLE_AUTO:
    case VS_RESAMPLE_REFERENCE: return 1;
    case VS_RESAMPLE_AVX2: return vs_resample_avx2_available();
    default: return 0;
    }
}

const char *vs_resample_impl_name(int impl)
{
    switch (impl) {
    case VS_RESAMPLE_AUTO: return "auto";
    case VS_RESAMPLE_REFERENCE: return "reference";
    case VS_RESAMPLE_AVX2: return "avx2";
    default: return "unknown";
    }
}

/* VSAMPLE_CPU=reference forces the plain C code (to compare, or to rule out
 * the fast path when hunting a bug). */
static int pick_impl(void)
{
    const char *env = getenv("VSAMPLE_CPU");
    if (env && strcmp(env, "reference") == 0)
        return VS_RESAMPLE_REFERENCE;
    if (vs_resample_avx2_available())
        return VS_RESAMPLE_AVX2;
    return VS_RESAMPLE_REFERENCE;
}

int vs_resampler_init(VsResampler *r, int in_w, int in_h, int out_w, int out_h, int filter)
{
    return vs_resampler_init_impl(r, in_w, in_h, out_w, out_h, filter, VS_RESAMPLE_AUTO);
}

int vs_resampler_init_impl(VsResampler *r, int in_w, int in_h, int out_w, int out_h, int filter,
                           int impl)
{
    int ret;
    memset(r, 0, sizeof(*r));
    if (!vs_resample_impl_supported(impl))
        return vs_error(VS_ERR_UNSUPPORTED, "resample: this CPU or build has no %s code",
                        vs_resample_impl_name(impl));
    r->in_w = in_w;
    r->in_h = in_h;
    r->out_w = out_w;
    r->out_h = out_h;
    r->filter = filter;
    r->need_h = in_w != out_w;
    r->need_v = in_h != out_h;
    if ((ret = vs_resample_axis_init(&r->h, in_w, out_w, filter)) < 0 ||
        (ret = vs_resample_axis_init(&r->v, in_h, out_h, filter)) < 0) {
        vs_resampler_free(r);
        return ret;
    }
    r->impl = impl == VS_RESAMPLE_AUTO ? pick_impl() : impl;
    if (r->impl == VS_RESAMPLE_AVX2 && !(r->fast = vs_resample_avx2_prepare(r))) {
        vs_resampler_free(r);
        return vs_error(VS_ERR_NOMEM, "resample: out of memory for %dx%d -> %dx%d tables", in_w,
                        in_h, out_w, out_h);
    }
    return 0;
}

void vs_resampler_free(VsResampler *r)
{
    if (!r)
        return;
    if (r->impl == VS_RESAMPLE_AVX2)
        vs_resample_avx2_free(r->fast);
    r->fast = NULL;
    vs_resample_axis_free(&r->h);
    vs_resample_axis_free(&r->v);
}

/* Input rows [*row0, *row1) that output rows [y0, y0+h) read. */
static void rows_needed(const VsResampler *r, int y0, int h, int *row0, int *row1)
{
    if (!r->need_v) {
        *row0 = y0;
        *row1 = y0 + h;
        return;
    }
    /* first[] and first[] + count[] never decrease with the output index. */
    *row0 = r->v.first[y0];
    *row1 = r->v.first[y0 + h - 1] + r->v.count[y0 + h - 1];
}

static size_t align_up(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

size_t vs_resample_scratch_size(const VsResampler *r, int y0, int w, int h)
{
    int row0, row1;
    if (w < 1 || h < 1)
        return 0;
    rows_needed(r, y0, h, &row0, &row1);
    size_t tmp = r->need_h && r->need_v ? (size_t)w * 3 * (size_t)(row1 - row0) : 0;
    size_t acc = r->need_v ? (size_t)w * 3 * sizeof(int32_t) : 0;
    return align_up(tmp) + acc;
}

/* PIL's clip8: the sum carries a bias of one half, so the shift rounds. */
static uint8_t clip8(int32_t v)
{
    if (v < 0)
        return 0;
    v >>= VS_RESAMPLE_PRECISION_BITS;
    return v > 255 ? 255 : (uint8_t)v;
}

/* Horizontal pass over one row: output columns [x0, x0+w). */
static void resample_row(const VsResampleAxis *ax, const uint8_t *in, uint8_t *out, int x0,
                         int w)
{
    const int32_t bias = 1 << (VS_RESAMPLE_PRECISION_BITS - 1);
    for (int xx = 0; xx < w; xx++) {
        int ox = x0 + xx;
        const int32_t *k = &ax->coeffs[(size_t)ox * (size_t)ax->ksize];
        const uint8_t *p = in + (size_t)ax->first[ox] * 3;
        int32_t s0 = bias, s1 = bias, s2 = bias;
        for (int x = 0; x < ax->count[ox]; x++) {
            s0 += p[3 * x + 0] * k[x];
            s1 += p[3 * x + 1] * k[x];
            s2 += p[3 * x + 2] * k[x];
        }
        out[3 * xx + 0] = clip8(s0);
        out[3 * xx + 1] = clip8(s1);
        out[3 * xx + 2] = clip8(s2);
    }
}

/* Vertical pass for output row oy: a weighted sum of whole rows, accumulated
 * row by row (integer sums are exact, so the order does not matter and the
 * inner loop runs over contiguous bytes). in points at input row 0 and
 * column 0 of the window. */
static void resample_column_row(const VsResampleAxis *ax, int oy, const uint8_t *in,
                                ptrdiff_t in_stride, int row_base, uint8_t *out, int n,
                                int32_t *acc)
{
    const int32_t bias = 1 << (VS_RESAMPLE_PRECISION_BITS - 1);
    const int32_t *k = &ax->coeffs[(size_t)oy * (size_t)ax->ksize];
    for (int i = 0; i < n; i++)
        acc[i] = bias;
    for (int y = 0; y < ax->count[oy]; y++) {
        const uint8_t *row = in + (ptrdiff_t)(ax->first[oy] + y - row_base) * in_stride;
        int32_t c = k[y];
        for (int i = 0; i < n; i++)
            acc[i] += row[i] * c;
    }
    for (int i = 0; i < n; i++)
        out[i] = clip8(acc[i]);
}

/* The horizontal pass of `rows` rows with the resampler's implementation. */
static void h_pass(const VsResampler *r, const uint8_t *in, ptrdiff_t in_stride, uint8_t *out,
                   ptrdiff_t out_stride, int rows, int x0, int w)
{
    if (r->impl == VS_RESAMPLE_AVX2) {
        vs_resample_avx2_hrows(r, in, in_stride, out, out_stride, rows, x0, w);
        return;
    }
    for (int y = 0; y < rows; y++)
        resample_row(&r->h, in + (ptrdiff_t)y * in_stride, out + (ptrdiff_t)y * out_stride, x0, w);
}

/* The vertical pass of output row oy; acc is the reference's n int32. */
static void v_pass(const VsResampler *r, int oy, const uint8_t *in, ptrdiff_t in_stride,
                   int row_base, uint8_t *out, int n, int32_t *acc)
{
    if (r->impl == VS_RESAMPLE_AVX2)
        vs_resample_avx2_vrow(r, oy, in, in_stride, row_base, out, n);
    else
        resample_column_row(&r->v, oy, in, in_stride, row_base, out, n, acc);
}

void vs_resample_rgb24(const VsResampler *r, const uint8_t *src, ptrdiff_t src_stride,
                       uint8_t *dst, ptrdiff_t dst_stride, int x0, int y0, int w, int h,
                       uint8_t *scratch)
{
    int row0, row1;
    if (w < 1 || h < 1)
        return;
    rows_needed(r, y0, h, &row0, &row1);
    size_t n = (size_t)w * 3;

    if (!r->need_h && !r->need_v) {
        for (int y = 0; y < h; y++)
            memcpy(dst + (ptrdiff_t)y * dst_stride, src + (ptrdiff_t)(y0 + y) * src_stride +
                   (ptrdiff_t)x0 * 3, n);
        return;
    }
    if (!r->need_v) { /* horizontal only: straight into dst */
        h_pass(r, src + (ptrdiff_t)y0 * src_stride, src_stride, dst, dst_stride, h, x0, w);
        return;
    }

    const uint8_t *vin;
    ptrdiff_t vin_stride;
    int32_t *acc;
    if (r->need_h) {
        uint8_t *tmp = scratch;
        h_pass(r, src + (ptrdiff_t)row0 * src_stride, src_stride, tmp, (ptrdiff_t)n, row1 - row0,
               x0, w);
        vin = tmp;
        vin_stride = (ptrdiff_t)n;
        acc = (int32_t *)(void *)(scratch + align_up(n * (size_t)(row1 - row0)));
    } else { /* vertical only: read the source window in place */
        vin = src + (ptrdiff_t)row0 * src_stride + (ptrdiff_t)x0 * 3;
        vin_stride = src_stride;
        acc = (int32_t *)(void *)scratch;
    }
    for (int y = 0; y < h; y++)
        v_pass(r, y0 + y, vin, vin_stride, row0, dst + (ptrdiff_t)y * dst_stride, (int)n, acc);
}

/* Separable resampling that reproduces PIL's Image.resize (Pillow 9.4,
 * libImaging/Resample.c) bit for bit on 8-bit RGB.
 *
 * The weights are computed once per (input size, output size, filter) and
 * shared by every backend: the CPU path below uses the fixed-point
 * coefficients, a GPU backend uploads the same bounds and coefficients so
 * that both give identical bytes. */
#ifndef VSAMPLE_RESAMPLE_H
#define VSAMPLE_RESAMPLE_H

#include <stddef.h>
#include <stdint.h>

/* PIL's 8-bit path: 8 bits of result, 2 bits of headroom for kernels whose
 * partial sums leave 0..1. */
#define VS_RESAMPLE_PRECISION_BITS (32 - 8 - 2)

/* One axis: output pixel i reads input pixels first[i] .. first[i]+count[i]-1
 * with weights w[i * ksize + j] (j < count[i]; the rest are zero). */
typedef struct VsResampleAxis {
    int in_size, out_size;
    int filter;      /* enum VsFilter */
    int ksize;       /* coefficients stored per output pixel */
    int *first;      /* [out_size] */
    int *count;      /* [out_size] */
    double *weights; /* [out_size * ksize], normalised to sum 1 per output pixel */
    int32_t *coeffs; /* [out_size * ksize], weights in fixed point (PRECISION_BITS) */
} VsResampleAxis;

/* Compute the weights of one axis. Returns 0 or VS_ERR_NOMEM /
 * VS_ERR_INVALID_ARG (sizes < 1, unknown filter). */
int vs_resample_axis_init(VsResampleAxis *ax, int in_size, int out_size, int filter);
void vs_resample_axis_free(VsResampleAxis *ax);

/* A 2-D resize in_w x in_h -> out_w x out_h: the horizontal pass first, then
 * the vertical one, rounding to uint8 after each; an axis that keeps its size
 * is not resampled (as PIL skips that pass). */
typedef struct VsResampler {
    int in_w, in_h, out_w, out_h, filter;
    int need_h, need_v;
    VsResampleAxis h, v;
    int impl;   /* enum VsResampleImpl actually used (never AUTO) */
    void *fast; /* coefficient tables of the fast path; NULL for the reference */
} VsResampler;

/* Which code computes the pixels. Every implementation gives the same bytes;
 * the reference is the plain C one, the others are faster versions for some
 * CPUs. AUTO takes the fastest this CPU runs, or the reference when the
 * environment variable VSAMPLE_CPU is "reference". */
enum VsResampleImpl {
    VS_RESAMPLE_AUTO = 0,
    VS_RESAMPLE_REFERENCE = 1,
    VS_RESAMPLE_AVX2 = 2, /* x86-64 with AVX2 */
};

/* Whether this build and CPU can run impl (AUTO and REFERENCE always can). */
int vs_resample_impl_supported(int impl);
/* Short name of an implementation ("reference", "avx2"). */
const char *vs_resample_impl_name(int impl);

/* vs_resampler_init() uses VS_RESAMPLE_AUTO. Thread-safety: Safe (distinct
 * resamplers); a resampler is read-only after init, so one may be shared. */
int vs_resampler_init(VsResampler *r, int in_w, int in_h, int out_w, int out_h, int filter);
/* The same with a chosen implementation; VS_ERR_UNSUPPORTED when this CPU or
 * build cannot run it. */
int vs_resampler_init_impl(VsResampler *r, int in_w, int in_h, int out_w, int out_h, int filter,
                           int impl);
void vs_resampler_free(VsResampler *r);

/* Bytes of scratch vs_resample_rgb24() needs for an output window w x h. */
size_t vs_resample_scratch_size(const VsResampler *r, int y0, int w, int h);

/* Resize packed RGB24 src (in_w x in_h, src_stride bytes per row) and write
 * the window [x0, x0+w) x [y0, y0+h) of the out_w x out_h result to dst
 * (dst_stride bytes per row). Pixels outside the window are not computed, so a
 * centre crop costs only what it keeps; the bytes equal the same window of the
 * full result. scratch holds vs_resample_scratch_size() bytes. */
void vs_resample_rgb24(const VsResampler *r, const uint8_t *src, ptrdiff_t src_stride,
                       uint8_t *dst, ptrdiff_t dst_stride, int x0, int y0, int w, int h,
                       uint8_t *scratch);

#endif

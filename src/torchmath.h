/* torchmath: the float32 arithmetic of torch's CPU kernels that recipes must
 * reproduce bit for bit (torch.linspace and torch.arange with the default
 * dtype float32), as torch 1.13 computes them on an x86-64 CPU with AVX2
 * (Debian's python3-torch; checked against it by tests/recipes). Rounding an
 * index near .5 depends on every bit, so a float64 formula is not enough. */
#ifndef VSAMPLE_TORCHMATH_H
#define VSAMPLE_TORCHMATH_H

#include <stdint.h>

/* torch.linspace(start, end, steps) in float32: out[steps]. Exact for
 * steps <= 32768 (torch's GRAIN_SIZE); above that torch splits the range
 * between its threads, which moves its 8-lane blocks, and this reproduces a
 * single thread. */
void vs_torch_linspace_f32(double start, double end, int64_t steps, float *out);

/* len(torch.arange(start, end, step)): ceil((end - start) / step) in double,
 * or -1 when torch refuses (step <= 0, a bound not finite, too many). */
int64_t vs_torch_arange_len(double start, double end, double step);

/* torch.arange(start, end, step) in float32: out[n], n from vs_torch_arange_len. */
void vs_torch_arange_f32(double start, double step, int64_t n, float *out);

#endif

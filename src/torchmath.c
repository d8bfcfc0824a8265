/* torchmath: torch's float32 linspace/arange, operation for operation.
 *
 * torch's CPU kernels (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp)
 * fill the output through cpu_serial_kernel_vec: blocks of two 8-lane AVX2
 * vectors (16 values) from the start, then the remaining values one at a
 * time. A vector's first lane is computed like a scalar value; its other
 * lanes are that value plus j * step. In torch's AVX2 build GCC fuses the
 * scalar formula (start + step * i) into one fused multiply-add but not
 * the per-lane (base + j * step), where j * step is rounded first; the tests
 * confirmed exactly this model against torch and no other.
 *
 * Each float operation below is written so that it rounds once, whatever
 * the compiler's contraction setting: a product or sum of two floats is
 * exact in double (or rounds the same way twice), so (float)((double)a op b)
 * is the float result, and fmaf() is the fused one. */
#include "torchmath.h"

#include <math.h>

#define LANES 8
#define BLOCK (2 * LANES)

static float mul_f32(float a, float b)
{
    return (float)((double)a * (double)b);
}

static float add_f32(float a, float b)
{
    return (float)((double)a + (double)b);
}

/* Value i of linspace: the first half counts up from start, the second
 * half down from end (so that both ends are exact). */
static float linspace_at(float start, float end, float step, int64_t steps, int64_t i)
{
    if (i < steps / 2)
        return fmaf(step, (float)i, start);
    return fmaf(-step, (float)(steps - i - 1), end);
}

void vs_torch_linspace_f32(double start_d, double end_d, int64_t steps, float *out)
{
    float start = (float)start_d, end = (float)end_d;
    if (steps <= 0)
        return;
    if (steps == 1) {
        out[0] = start;
        return;
    }
    /* step_t is float for a float output; steps - 1 converts to float. */
    float step = (float)((double)add_f32(end, -start) / (double)(float)(steps - 1));
    int64_t i = 0;
    for (; i + BLOCK <= steps; i += BLOCK) {
        for (int64_t b = i; b < i + BLOCK; b += LANES) {
            /* The whole vector takes the half of its first lane. */
            float base = linspace_at(start, end, step, steps, b);
            out[b] = base;
            for (int j = 1; j < LANES; j++)
                out[b + j] = add_f32(base, mul_f32((float)j, step));
        }
    }
    for (; i < steps; i++)
        out[i] = linspace_at(start, end, step, steps, i);
}

int64_t vs_torch_arange_len(double start, double end, double step)
{
    if (!(step > 0) || !isfinite(start) || !isfinite(end) || !isfinite(step) || end < start)
        return -1;
    double n = ceil((end - start) / step);
    return n < 9e15 ? (int64_t)n : -1;
}

/* arange accumulates in double (acc_type<float> on the CPU) and stores
 * floats; a vector's lanes add j * step to its first lane after that lane
 * was rounded to float. */
void vs_torch_arange_f32(double start, double step, int64_t n, float *out)
{
    int64_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        for (int64_t b = i; b < i + BLOCK; b += LANES) {
            float base = (float)(start + step * (double)b);
            out[b] = base;
            for (int j = 1; j < LANES; j++)
                out[b + j] = (float)((double)base + (double)j * step);
        }
    }
    for (; i < n; i++)
        out[i] = (float)(start + step * (double)i);
}

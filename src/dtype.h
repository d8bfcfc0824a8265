/* float32 -> float16 / bfloat16, in plain C (no _Float16, no intrinsics), so
 * that every compiler and every backend's reference gives the same bits. */
#ifndef VSAMPLE_DTYPE_H
#define VSAMPLE_DTYPE_H

#include <stdint.h>

/* IEEE 754 binary16, round to nearest even; overflow gives +-Inf, values
 * below the smallest subnormal round to +-0, NaN stays NaN (quiet, sign kept). */
uint16_t vs_f32_to_f16(float f);

/* bfloat16 (the top half of binary32), round to nearest even; NaN stays NaN
 * (quiet, sign kept) rather than rounding into Inf. */
uint16_t vs_f32_to_bf16(float f);

/* The exact float value of a binary16 (for tests and reports). */
float vs_f16_to_f32(uint16_t h);

#endif

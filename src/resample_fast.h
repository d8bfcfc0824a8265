/* The faster implementations of the resampler's two passes, private to
 * resample*.c. resample.c keeps the plain C reference and picks one of these
 * at init time; each must give exactly the reference's bytes (checked by
 * tests/preprocess/resample_fast_test.c). */
#ifndef VSAMPLE_RESAMPLE_FAST_H
#define VSAMPLE_RESAMPLE_FAST_H

#include "resample.h"

/* AVX2 (x86-64 only; elsewhere available() is 0 and nothing else is called). */
int vs_resample_avx2_available(void);
/* Coefficient tables for r's axes, or NULL when out of memory. */
void *vs_resample_avx2_prepare(const VsResampler *r);
void vs_resample_avx2_free(void *tables);
/* Horizontal pass of `rows` rows: output columns [x0, x0+w) of each. */
void vs_resample_avx2_hrows(const VsResampler *r, const uint8_t *in, ptrdiff_t in_stride,
                            uint8_t *out, ptrdiff_t out_stride, int rows, int x0, int w);
/* Vertical pass for output row oy over n bytes; in points at input row
 * row_base (column 0 of the window). */
void vs_resample_avx2_vrow(const VsResampler *r, int oy, const uint8_t *in, ptrdiff_t in_stride,
                           int row_base, uint8_t *out, int n);

#endif

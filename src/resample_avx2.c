/* AVX2 version of the PIL-exact resampler's two passes.
 *
 * PIL sums pixel * coefficient in int32 with 22-bit coefficients, so the
 * products need more than the 16 bits that pmaddwd multiplies. Each
 * coefficient is split as c = hi * 2^15 + lo with 0 <= lo < 2^15, two
 * pmaddwd accumulate pixel * lo and pixel * hi, and the sum is
 * (hi_sum << 15) + lo_sum. That equals PIL's int32 sum modulo 2^32, and PIL's
 * sum never leaves the int32 range, so the bytes are the same (Pillow-SIMD
 * instead rounds the coefficients to 16 bits and gives different bytes).
 *
 * Horizontal pass: a 16-byte load at input pixel j holds pixels j..j+3; one
 * shuffle spreads them as int16 pairs (R_j, R_j+1) (G..) (B..) (0) in the low
 * 128-bit lane and the same for pixels j+2, j+3 in the high lane, so one
 * pmaddwd does four taps of three channels. Four rows share each coefficient
 * load. A load that would run past the end of the input row reads a padded
 * copy of the row's last bytes instead (only the last few output pixels).
 *
 * Vertical pass: two input rows are interleaved byte by byte, widened to
 * int16 pairs and multiplied by the two rows' coefficients; each 32-byte
 * chunk of the output row accumulates in registers over all its input rows. */
#include "resample_fast.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))

#include <immintrin.h>

#define AVX2_FN __attribute__((target("avx2")))
#define AVX2_INLINE static inline __attribute__((always_inline, target("avx2")))

enum { LO_BITS = 15 };

/* Output pixel of the horizontal pass. */
typedef struct HPix {
    size_t offset; /* byte offset of its first input pixel in the row */
    size_t coef;   /* index of its first group in Tables.hcoef */
    int groups;    /* groups of four taps */
    int safe;      /* groups whose 16-byte load stays inside the row */
} HPix;

typedef struct Tables {
    HPix *hpix;      /* [h.out_size] */
    __m256i *hcoef;  /* per group: lo then hi coefficients as int16 pairs */
    int32_t *vcoef;  /* per output row, vpairs x (lo pair, hi pair) */
    int vpairs;
} Tables;

int vs_resample_avx2_available(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
}

static int16_t coef_lo(int32_t c)
{
    return (int16_t)(c & ((1 << LO_BITS) - 1));
}

/* Exact: c - lo is a multiple of 2^15. */
static int16_t coef_hi(int32_t c)
{
    return (int16_t)((c - coef_lo(c)) / (1 << LO_BITS));
}

static uint32_t pair(int16_t a, int16_t b)
{
    return (uint32_t)(uint16_t)a | (uint32_t)(uint16_t)b << 16;
}

static int prepare_h(Tables *t, const VsResampleAxis *ax)
{
    size_t groups = 0;
    for (int i = 0; i < ax->out_size; i++)
        groups += (size_t)(ax->count[i] + 3) / 4;
    t->hpix = malloc((size_t)ax->out_size * sizeof(*t->hpix));
    t->hcoef = aligned_alloc(32, (groups + 1) * 2 * sizeof(__m256i));
    if (!t->hpix || !t->hcoef)
        return -1;
    size_t row_bytes = (size_t)ax->in_size * 3, gi = 0;
    for (int i = 0; i < ax->out_size; i++) {
        HPix *px = &t->hpix[i];
        int n = ax->count[i];
        const int32_t *k = &ax->coeffs[(size_t)i * (size_t)ax->ksize];
        px->offset = (size_t)ax->first[i] * 3;
        px->coef = gi;
        px->groups = (n + 3) / 4;
        px->safe = 0;
        while (px->safe < px->groups && px->offset + 12 * (size_t)px->safe + 16 <= row_bytes)
            px->safe++;
        for (int g = 0; g < px->groups; g++) {
            int16_t lo[16], hi[16];
            /* Low lane: taps 4g, 4g+1; high lane: taps 4g+2, 4g+3. */
            for (int e = 0; e < 16; e++) {
                int tap = 4 * g + (e >= 8 ? 2 : 0) + (e & 1);
                int32_t c = tap < n ? k[tap] : 0;
                lo[e] = coef_lo(c);
                hi[e] = coef_hi(c);
            }
            memcpy(&t->hcoef[2 * (gi + (size_t)g)], lo, sizeof(lo));
            memcpy(&t->hcoef[2 * (gi + (size_t)g) + 1], hi, sizeof(hi));
        }
        gi += (size_t)px->groups;
    }
    return 0;
}

static int prepare_v(Tables *t, const VsResampleAxis *ax)
{
    t->vpairs = (ax->ksize + 1) / 2;
    t->vcoef = malloc((size_t)ax->out_size * (size_t)t->vpairs * 2 * sizeof(*t->vcoef));
    if (!t->vcoef)
        return -1;
    for (int i = 0; i < ax->out_size; i++) {
        const int32_t *k = &ax->coeffs[(size_t)i * (size_t)ax->ksize];
        int32_t *dst = &t->vcoef[(size_t)i * (size_t)t->vpairs * 2];
        for (int p = 0; p < t->vpairs; p++) {
            int32_t c0 = 2 * p < ax->count[i] ? k[2 * p] : 0;
            int32_t c1 = 2 * p + 1 < ax->count[i] ? k[2 * p + 1] : 0;
            dst[2 * p] = (int32_t)pair(coef_lo(c0), coef_lo(c1));
            dst[2 * p + 1] = (int32_t)pair(coef_hi(c0), coef_hi(c1));
        }
    }
    return 0;
}

void vs_resample_avx2_free(void *tables)
{
    Tables *t = tables;
    if (!t)
        return;
    free(t->hpix);
    free(t->hcoef);
    free(t->vcoef);
    free(t);
}

void *vs_resample_avx2_prepare(const VsResampler *r)
{
    Tables *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    if ((r->need_h && prepare_h(t, &r->h) < 0) || (r->need_v && prepare_v(t, &r->v) < 0)) {
        vs_resample_avx2_free(t);
        return NULL;
    }
    return t;
}

/* ------------------------------------------------------------ horizontal */

AVX2_INLINE __m256i load_pixels(const uint8_t *p)
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* Rows the horizontal pass does at once: they share each coefficient load
 * and the per-pixel bookkeeping. */
enum { HROWS = 4 };

/* One group of four taps: pixels at p, coefficients cl and ch. */
AVX2_INLINE void h_group(const uint8_t *p, __m256i cl, __m256i ch, __m256i *lo, __m256i *hi)
{
    const __m256i spread = _mm256_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1,
                                            -1, 6, -1, 9, -1, 7, -1, 10, -1, 8, -1, 11, -1, -1,
                                            -1, -1, -1);
    __m256i x = _mm256_shuffle_epi8(load_pixels(p), spread);
    *lo = _mm256_add_epi32(*lo, _mm256_madd_epi16(x, cl));
    *hi = _mm256_add_epi32(*hi, _mm256_madd_epi16(x, ch));
}

/* int32 R, G, B, 0 of one output pixel from its two accumulators. */
AVX2_INLINE __m128i h_fold(__m256i lo, __m256i hi)
{
    __m256i s = _mm256_add_epi32(_mm256_slli_epi32(hi, LO_BITS), lo);
    return _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
}

/* Sums of output pixel px in rows[0..nr). A group whose 16-byte load would
 * pass the row end (one that starts within its last 15 bytes) reads the copy
 * of the row's last 16 bytes in tails[r], which 16 zero bytes follow. */
AVX2_INLINE void h_pixel(const Tables *t, const HPix *px, const uint8_t *const *rows,
                         const uint8_t (*tails)[32], size_t row_bytes, int nr, __m128i *res)
{
    const __m256i *c = &t->hcoef[2 * px->coef];
    __m256i lo[HROWS], hi[HROWS];
    for (int r = 0; r < nr; r++)
        lo[r] = hi[r] = _mm256_setzero_si256();
    size_t off = px->offset;
    int g = 0;
    for (; g < px->safe; g++, off += 12, c += 2) {
        __m256i cl = _mm256_load_si256(c), ch = _mm256_load_si256(c + 1);
        for (int r = 0; r < nr; r++)
            h_group(rows[r] + off, cl, ch, &lo[r], &hi[r]);
    }
    for (; g < px->groups; g++, off += 12, c += 2) {
        __m256i cl = _mm256_load_si256(c), ch = _mm256_load_si256(c + 1);
        for (int r = 0; r < nr; r++)
            h_group(tails[r] + (off + 16 - row_bytes), cl, ch, &lo[r], &hi[r]);
    }
    for (int r = 0; r < nr; r++)
        res[r] = h_fold(lo[r], hi[r]);
}

/* PIL's rounding (the bias), shift and clip to 0..255 of four pixels, packed
 * as 12 bytes R G B R G B ... (and 4 zero bytes). */
AVX2_INLINE __m128i h_finish4(__m128i p0, __m128i p1, __m128i p2, __m128i p3)
{
    const __m128i bias = _mm_set1_epi32(1 << (VS_RESAMPLE_PRECISION_BITS - 1));
    const __m128i compact = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    p0 = _mm_srai_epi32(_mm_add_epi32(p0, bias), VS_RESAMPLE_PRECISION_BITS);
    p1 = _mm_srai_epi32(_mm_add_epi32(p1, bias), VS_RESAMPLE_PRECISION_BITS);
    p2 = _mm_srai_epi32(_mm_add_epi32(p2, bias), VS_RESAMPLE_PRECISION_BITS);
    p3 = _mm_srai_epi32(_mm_add_epi32(p3, bias), VS_RESAMPLE_PRECISION_BITS);
    /* Negative sums saturate to 0, those over 255 to 255: PIL's clip8. */
    __m128i bytes = _mm_packus_epi16(_mm_packs_epi32(p0, p1), _mm_packs_epi32(p2, p3));
    return _mm_shuffle_epi8(bytes, compact);
}

AVX2_INLINE void store12(uint8_t *dst, __m128i v)
{
    _mm_storel_epi64((__m128i *)(void *)dst, v);
    uint32_t last = (uint32_t)_mm_extract_epi32(v, 2);
    memcpy(dst + 8, &last, 4);
}

/* Output columns [x0, x0+w) of rows[0..nr) into outs[0..nr). */
AVX2_INLINE void h_rows(const Tables *t, size_t row_bytes, const uint8_t *const *rows,
                        uint8_t *const *outs, int x0, int w, int nr)
{
    const HPix *pix = &t->hpix[x0];
    __m128i p0[HROWS], p1[HROWS], p2[HROWS], p3[HROWS];
    uint8_t tails[HROWS][32];
    for (int r = 0; r < nr; r++) {
        size_t keep = row_bytes < 16 ? row_bytes : 16;
        memset(tails[r], 0, sizeof(tails[r]));
        memcpy(tails[r] + 16 - keep, rows[r] + row_bytes - keep, keep);
    }
    if (w < 4) {
        for (int xx = 0; xx < w; xx++) {
            h_pixel(t, &pix[xx], rows, tails, row_bytes, nr, p0);
            for (int r = 0; r < nr; r++) {
                uint8_t tmp[16];
                _mm_storeu_si128((__m128i *)(void *)tmp, h_finish4(p0[r], p0[r], p0[r], p0[r]));
                memcpy(outs[r] + 3 * xx, tmp, 3);
            }
        }
        return;
    }
    /* Four pixels at a time; the last four overlap the previous ones when w is
     * not a multiple of four (the same bytes are written again). */
    for (int xx = 0;; xx += 4) {
        if (xx > w - 4)
            xx = w - 4;
        h_pixel(t, &pix[xx], rows, tails, row_bytes, nr, p0);
        h_pixel(t, &pix[xx + 1], rows, tails, row_bytes, nr, p1);
        h_pixel(t, &pix[xx + 2], rows, tails, row_bytes, nr, p2);
        h_pixel(t, &pix[xx + 3], rows, tails, row_bytes, nr, p3);
        for (int r = 0; r < nr; r++)
            store12(outs[r] + 3 * xx, h_finish4(p0[r], p1[r], p2[r], p3[r]));
        if (xx == w - 4)
            break;
    }
}

static AVX2_FN void h_rows4(const Tables *t, size_t row_bytes, const uint8_t *const *rows,
                            uint8_t *const *outs, int x0, int w)
{
    h_rows(t, row_bytes, rows, outs, x0, w, HROWS);
}

static AVX2_FN void h_rows1(const Tables *t, size_t row_bytes, const uint8_t *const *rows,
                            uint8_t *const *outs, int x0, int w)
{
    h_rows(t, row_bytes, rows, outs, x0, w, 1);
}

void vs_resample_avx2_hrows(const VsResampler *r, const uint8_t *in, ptrdiff_t in_stride,
                            uint8_t *out, ptrdiff_t out_stride, int rows, int x0, int w)
{
    const Tables *t = r->fast;
    size_t row_bytes = (size_t)r->h.in_size * 3;
    for (int y = 0; y < rows;) {
        int nr = rows - y >= HROWS ? HROWS : 1;
        const uint8_t *ins[HROWS];
        uint8_t *outs[HROWS];
        for (int i = 0; i < nr; i++) {
            ins[i] = in + (y + i) * in_stride;
            outs[i] = out + (y + i) * out_stride;
        }
        if (nr == HROWS)
            h_rows4(t, row_bytes, ins, outs, x0, w);
        else
            h_rows1(t, row_bytes, ins, outs, x0, w);
        y += nr;
    }
}

/* -------------------------------------------------------------- vertical */

/* Accumulators of one 32-byte chunk: lo and hi sums of four groups of 8. */
typedef struct VAcc {
    __m256i lo[4], hi[4];
} VAcc;

/* Bytes of rows a and b times their coefficients (int16 pairs cl, ch). */
AVX2_INLINE void v_step(VAcc *s, __m256i a, __m256i b, __m256i cl, __m256i ch)
{
    const __m256i z = _mm256_setzero_si256();
    __m256i x0 = _mm256_unpacklo_epi8(a, b), x1 = _mm256_unpackhi_epi8(a, b);
    __m256i w[4] = {_mm256_unpacklo_epi8(x0, z), _mm256_unpackhi_epi8(x0, z),
                    _mm256_unpacklo_epi8(x1, z), _mm256_unpackhi_epi8(x1, z)};
    for (int i = 0; i < 4; i++) {
        s->lo[i] = _mm256_add_epi32(s->lo[i], _mm256_madd_epi16(w[i], cl));
        s->hi[i] = _mm256_add_epi32(s->hi[i], _mm256_madd_epi16(w[i], ch));
    }
}

/* The in-lane unpacks above and the in-lane packs here cancel, so the 32
 * bytes come out in input order. */
AVX2_INLINE __m256i v_finish(const VAcc *s)
{
    const __m256i bias = _mm256_set1_epi32(1 << (VS_RESAMPLE_PRECISION_BITS - 1));
    __m256i d[4];
    for (int i = 0; i < 4; i++) {
        __m256i v = _mm256_add_epi32(_mm256_slli_epi32(s->hi[i], LO_BITS), s->lo[i]);
        d[i] = _mm256_srai_epi32(_mm256_add_epi32(v, bias), VS_RESAMPLE_PRECISION_BITS);
    }
    return _mm256_packus_epi16(_mm256_packs_epi32(d[0], d[1]), _mm256_packs_epi32(d[2], d[3]));
}

AVX2_INLINE __m256i loadu32(const uint8_t *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

/* Rows shorter than one chunk: plain C with the same sums. */
static void v_row_short(const VsResampleAxis *ax, int oy, const uint8_t *base,
                        ptrdiff_t stride, uint8_t *out, int n)
{
    const int32_t *k = &ax->coeffs[(size_t)oy * (size_t)ax->ksize];
    for (int i = 0; i < n; i++) {
        int32_t s = 1 << (VS_RESAMPLE_PRECISION_BITS - 1);
        for (int y = 0; y < ax->count[oy]; y++)
            s += base[y * stride + i] * k[y];
        s = s < 0 ? 0 : s >> VS_RESAMPLE_PRECISION_BITS;
        out[i] = (uint8_t)(s > 255 ? 255 : s);
    }
}

static AVX2_FN void v_row(const int32_t *coef, int count, const uint8_t *base, ptrdiff_t stride,
                          uint8_t *out, int n)
{
    int pairs = count / 2;
    /* Chunks of 32 bytes; the last one overlaps when n is not a multiple. */
    for (int i = 0;; i += 32) {
        if (i > n - 32)
            i = n - 32;
        VAcc s;
        for (int j = 0; j < 4; j++)
            s.lo[j] = s.hi[j] = _mm256_setzero_si256();
        const uint8_t *p = base + i;
        const int32_t *c = coef;
        for (int q = 0; q < pairs; q++, p += 2 * stride, c += 2)
            v_step(&s, loadu32(p), loadu32(p + stride), _mm256_set1_epi32(c[0]),
                   _mm256_set1_epi32(c[1]));
        if (count & 1) /* the last row alone; its partner's coefficient is 0 */
            v_step(&s, loadu32(p), _mm256_setzero_si256(), _mm256_set1_epi32(c[0]),
                   _mm256_set1_epi32(c[1]));
        _mm256_storeu_si256((__m256i *)(void *)(out + i), v_finish(&s));
        if (i == n - 32)
            break;
    }
}

void vs_resample_avx2_vrow(const VsResampler *r, int oy, const uint8_t *in, ptrdiff_t in_stride,
                           int row_base, uint8_t *out, int n)
{
    const Tables *t = r->fast;
    const VsResampleAxis *ax = &r->v;
    const uint8_t *base = in + (ptrdiff_t)(ax->first[oy] - row_base) * in_stride;
    if (n < 32)
        v_row_short(ax, oy, base, in_stride, out, n);
    else
        v_row(&t->vcoef[(size_t)oy * (size_t)t->vpairs * 2], ax->count[oy], base, in_stride, out,
              n);
}

#else /* not x86-64: only the reference exists */

int vs_resample_avx2_available(void)
{
    return 0;
}

void *vs_resample_avx2_prepare(const VsResampler *r)
{
    (void)r;
    return NULL;
}

void vs_resample_avx2_free(void *tables)
{
    (void)tables;
}

void vs_resample_avx2_hrows(const VsResampler *r, const uint8_t *in, ptrdiff_t in_stride,
                            uint8_t *out, ptrdiff_t out_stride, int rows, int x0, int w)
{
    (void)r, (void)in, (void)in_stride, (void)out, (void)out_stride, (void)rows, (void)x0,
        (void)w;
}

void vs_resample_avx2_vrow(const VsResampler *r, int oy, const uint8_t *in, ptrdiff_t in_stride,
                           int row_base, uint8_t *out, int n)
{
    (void)r, (void)oy, (void)in, (void)in_stride, (void)row_base, (void)out, (void)n;
}

#endif

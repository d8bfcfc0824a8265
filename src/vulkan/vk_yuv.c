/* Set-up of the GPU YUV -> RGB24 conversion: which libswscale code path the
 * CPU backend's sws_scale() call takes for a frame, and that path's filters,
 * tables and coefficients (see vk_yuv.h). The arithmetic below was written
 * from the FFmpeg 5.1 sources (libswscale/utils.c initFilter() for the
 * SWS_BILINEAR filters, yuv2rgb.c ff_yuv2rgb_c_init_tables()) and is checked
 * bit for bit against sws_scale() by tests/vulkan/vk_preprocess_test.c. */
#include "vk_yuv.h"

#include "internal.h"

#include <libavutil/cpu.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

const char *vs_vk_yuv_mode_name(int mode)
{
    switch (mode) {
    case VS_VK_YUV_UNSCALED: return "unscaled";
    case VS_VK_YUV_HALF: return "half-chroma";
    case VS_VK_YUV_FULL: return "full-chroma";
    case VS_VK_YUV_PACKED: return "packed-rgb";
    default: return "cpu";
    }
}

void vs_vk_yuv_frame_key(const AVFrame *f, int *fmt, int *cs, int *full)
{
    /* As ../rgb.c: the yuvj formats are their yuv twins with full range;
     * BT.709, BT.2020, SMPTE-240M and FCC when tagged so, else BT.601. */
    *full = f->color_range == AVCOL_RANGE_JPEG;
    switch (f->format) {
    case AV_PIX_FMT_YUVJ420P: *full = 1; *fmt = AV_PIX_FMT_YUV420P; break;
    case AV_PIX_FMT_YUVJ422P: *full = 1; *fmt = AV_PIX_FMT_YUV422P; break;
    case AV_PIX_FMT_YUVJ444P: *full = 1; *fmt = AV_PIX_FMT_YUV444P; break;
    case AV_PIX_FMT_YUVJ440P: *full = 1; *fmt = AV_PIX_FMT_YUV440P; break;
    case AV_PIX_FMT_YUVJ411P: *full = 1; *fmt = AV_PIX_FMT_YUV411P; break;
    default: *fmt = f->format; break;
    }
    switch (f->colorspace) {
    case AVCOL_SPC_BT709: *cs = SWS_CS_ITU709; break;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: *cs = SWS_CS_BT2020; break;
    case AVCOL_SPC_SMPTE240M: *cs = SWS_CS_SMPTE240M; break;
    case AVCOL_SPC_FCC: *cs = SWS_CS_FCC; break;
    default: *cs = SWS_CS_DEFAULT; break;
    }
}

/* ------------------------------------------------------------ filters */

static int ilog2(unsigned v)
{
    int n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Division rounding half away from zero (FFmpeg's ROUNDED_DIV). */
static int64_t rounded_div(int64_t a, int64_t b)
{
    return (a >= 0 ? a + (b >> 1) : a - (b >> 1)) / b;
}

/* The SWS_BILINEAR filter libswscale makes for one axis src -> dst (never a
 * downscale here) with default chroma siting (both positions 128/256 of a
 * sample), coefficients summing to `one`, the size rounded up to `align` as
 * on x86 (4 horizontally, 2 vertically, except that a one-tap vertical filter
 * stays one tap). Steps: raw weights in 2^54 fixed point; trim near-zero
 * taps at both ends; clamp at the borders; normalise with error diffusion. */
static int bilinear_filter(int src, int dst, int align, int one, int32_t **out_pos,
                           int32_t **out_coef, int *out_size)
{
    const int64_t fone = 1LL << (54 - FFMIN(ilog2((unsigned)(src / dst)), 8));
    const int inc = (int)((((int64_t)src << 16) + (dst >> 1)) / dst);
    int raw, size, ret = VS_ERR_NOMEM;
    int64_t *f = NULL, *g = NULL;
    int32_t *pos = calloc((size_t)dst, sizeof(*pos)), *coef = NULL;
    if (!pos)
        goto done;
    if (abs(inc - 0x10000) < 10) {
        raw = 1;
        if (!(f = calloc((size_t)dst, sizeof(*f))))
            goto done;
        for (int i = 0; i < dst; i++) {
            f[i] = fone;
            pos[i] = i;
        }
    } else {
        raw = inc <= 1 << 16 ? 3 : 1 + (2 * src + dst - 1) / dst;
        raw = FFMAX(FFMIN(raw, src - 2), 1);
        if (!(f = calloc((size_t)dst * (size_t)raw, sizeof(*f))))
            goto done;
        /* Source position of output i in 1/2^17 units, both sitings 128. */
        int64_t at = (((int64_t)128 * inc) >> 7) - ((128 * 0x10000LL) >> 7);
        for (int i = 0; i < dst; i++) {
            int xx = (int)((at - (raw - 2) * (1LL << 16)) / (1 << 17));
            pos[i] = xx;
            for (int j = 0; j < raw; j++, xx++) {
                int64_t d = llabs((int64_t)xx * (1 << 17) - at) << 13;
                if (inc > 1 << 16)
                    d = d * dst / src;
                int64_t c = (1 << 30) - d;
                f[(size_t)i * raw + j] = (c < 0 ? 0 : c) * (fone >> 30);
            }
            at += 2LL * inc;
        }
    }
    /* Trim: shift near-zero leading taps out (keeping positions increasing)
     * and count the taps the widest output needs. */
    int need = 0;
    for (int i = dst - 1; i >= 0; i--) {
        int64_t *row = f + (size_t)i * raw, cut = 0;
        int n = raw;
        for (int j = 0; j < raw; j++) {
            cut += llabs(row[0]);
            if ((double)cut > 0.002 * (double)fone) /* SWS_MAX_REDUCE_CUTOFF */
                break;
            if (i < dst - 1 && pos[i] >= pos[i + 1])
                break;
            memmove(row, row + 1, (size_t)(raw - 1) * sizeof(*row));
            row[raw - 1] = 0;
            pos[i]++;
        }
        cut = 0;
        for (int j = raw - 1; j > 0; j--) {
            cut += llabs(row[j]);
            if ((double)cut > 0.002 * (double)fone)
                break;
            n--;
        }
        need = FFMAX(need, n);
    }
    if (need == 1 && align == 2)
        align = 1;
    size = (need + align - 1) & ~(align - 1);
    if (!(g = calloc((size_t)dst * (size_t)size, sizeof(*g))))
        goto done;
    for (int i = 0; i < dst; i++)
        for (int j = 0; j < size && j < raw; j++)
            g[(size_t)i * size + j] = f[(size_t)i * raw + j];
    /* Borders: taps left of 0 fold onto sample 0; a window past the end moves
     * left, and what fell off folds onto the last sample. */
    for (int i = 0; i < dst; i++) {
        int64_t *row = g + (size_t)i * size;
        if (pos[i] < 0) {
            for (int j = 1; j < size; j++) {
                int left = FFMAX(j + pos[i], 0);
                row[left] += row[j];
                row[j] = 0;
            }
            pos[i] = 0;
        }
        if (pos[i] + size > src) {
            int shift = pos[i] + FFMIN(size - src, 0);
            int64_t acc = 0;
            for (int j = size - 1; j >= 0; j--)
                if (pos[i] + j >= src) {
                    acc += row[j];
                    row[j] = 0;
                }
            for (int j = size - 1; j >= 0; j--)
                row[j] = j < shift ? 0 : row[j - shift];
            pos[i] -= shift;
            row[src - 1 - pos[i]] += acc;
        }
    }
    if (!(coef = calloc((size_t)dst * (size_t)size, sizeof(*coef))))
        goto done;
    for (int i = 0; i < dst; i++) {
        int64_t *row = g + (size_t)i * size, sum = 0, err = 0;
        for (int j = 0; j < size; j++)
            sum += row[j];
        sum = (sum + one / 2) / one;
        if (!sum)
            sum = 1;
        for (int j = 0; j < size; j++) {
            int64_t v = row[j] + err;
            int64_t c = rounded_div(v, sum);
            coef[(size_t)i * size + j] = (int16_t)c;
            err = v - c * sum;
        }
    }
    *out_pos = pos;
    *out_coef = coef;
    *out_size = size;
    pos = NULL;
    coef = NULL;
    ret = 0;
done:
    free(pos);
    free(coef);
    free(f);
    free(g);
    if (ret < 0)
        vs_error(ret, "vulkan: out of memory for the YUV filters");
    return ret;
}

/* Drop the taps that are zero for every output (the x86 size rounding adds
 * them): they add nothing to the sums the GPU computes. Not for the vertical
 * filter, whose size picks swscale's writer. */
static void trim_taps(int32_t *coef, int n, int *size)
{
    int used = 1, k = *size;
    for (int i = 0; i < n; i++)
        for (int j = used; j < k; j++)
            if (coef[(size_t)i * k + j])
                used = j + 1;
    for (int i = 0; i < n; i++)
        memmove(coef + (size_t)i * used, coef + (size_t)i * k, (size_t)used * sizeof(*coef));
    *size = used;
}

static int is_identity(const int32_t *pos, const int32_t *coef, int n, int size, int one)
{
    if (size != 1)
        return 0;
    for (int i = 0; i < n; i++)
        if (pos[i] != i || coef[i] != one)
            return 0;
    return 1;
}

/* ------------------------------------------------------------- tables */

/* FFmpeg's roundToInt16(): 16.16 -> int16 with rounding and saturation. */
static int32_t round_int16(int64_t f)
{
    int64_t r = (f + (1 << 15)) >> 16;
    if (r < -0x7fff)
        return -0x8000;
    return (int32_t)(r > 0x7fff ? 0x7fff : r);
}

static int clip_u8(int64_t v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (int)v;
}

/* ff_yuv2rgb_c_init_tables() for 24-bit RGB, brightness 0, contrast and
 * saturation 1: the SIMD converter's and the full-chroma writer's int16
 * coefficients, and the lookup tables of the half-chroma writer. */
static void make_tables(VsVkYuv *y)
{
    const int *inv = sws_getCoefficients(y->cs);
    int64_t crv = inv[0], cbu = inv[1], cgu = -inv[2], cgv = -inv[3];
    int64_t cy = 1 << 16, oy = 0;
    if (!y->full) {
        cy = (cy * 255) / 219;
        oy = 16 << 16;
    } else {
        crv = (crv * 224) / 255;
        cbu = (cbu * 224) / 255;
        cgu = (cgu * 224) / 255;
        cgv = (cgv * 224) / 255;
    }
    if (y->mode == VS_VK_YUV_UNSCALED) {
        y->coef[0] = round_int16(oy * (1 << 3));
        y->coef[1] = round_int16(cy * (1 << 13));
        y->coef[2] = round_int16(crv * (1 << 13));
        y->coef[3] = round_int16(cbu * (1 << 13));
        y->coef[4] = round_int16(cgu * (1 << 13));
        y->coef[5] = round_int16(cgv * (1 << 13));
    } else if (y->mode == VS_VK_YUV_FULL) {
        y->coef[0] = round_int16(oy * (1 << 9));
        y->coef[1] = round_int16(cy * (1 << 13));
        y->coef[2] = round_int16(crv * (1 << 13));
        y->coef[3] = round_int16(cgv * (1 << 13));
        y->coef[4] = round_int16(cgu * (1 << 13));
        y->coef[5] = round_int16(cbu * (1 << 13));
    }
    /* The tables hold chroma contributions in luma steps (divided by cy). */
    crv = ((crv * (1 << 16)) + 0x8000) / cy;
    cbu = ((cbu * (1 << 16)) + 0x8000) / cy;
    cgu = ((cgu * (1 << 16)) + 0x8000) / cy;
    cgv = ((cgv * (1 << 16)) + 0x8000) / cy;
    int64_t yb = -(384 << 16) - 512 * cy - oy;
    for (int i = 0; i < 2048; i++, yb += cy)
        y->ytab[i] = clip_u8((yb + 0x8000) >> 16);
    /* Entry (luma Y, chroma C) of a channel is ytab[Y + off[C]]. */
    const int yoffs = (y->full ? 384 : 326) + 512;
    for (int c = 0; c < 256; c++) {
        y->rv[c] = (int32_t)(yoffs - (crv >> 9) + ((c * crv) >> 16));
        y->gu[c] = (int32_t)(yoffs - (cgu >> 9) + ((c * cgu) >> 16));
        y->gv[c] = (int32_t)(-(cgv >> 9) + ((c * cgv) >> 16));
        y->bu[c] = (int32_t)(yoffs - (cbu >> 9) + ((c * cbu) >> 16));
    }
}

/* ------------------------------------------------------------- set-up */

/* The UNSCALED arithmetic (shaders/yuv.comp's unscaled()) for one pixel. */
static void unscaled_pixel(const int32_t *k, int Y, int u, int v, uint8_t *rgb)
{
    int yy = ((Y * 8 - k[0]) * k[1]) >> 16, U = u * 8 - 1024, V = v * 8 - 1024;
    rgb[0] = (uint8_t)clip_u8(yy + ((V * k[2]) >> 16));
    rgb[1] = (uint8_t)clip_u8(yy + ((U * k[4]) >> 16) + ((V * k[5]) >> 16));
    rgb[2] = (uint8_t)clip_u8(yy + ((U * k[3]) >> 16));
}

static int unscaled_ok;

/* Whether this process's libswscale converts yuv420p with the x86 SIMD
 * arithmetic reproduced here: an FFmpeg built without assembly, or another
 * version, would not. A 32x4 picture (all 256 luma values, 64 chroma pairs)
 * per range and two matrices, compared byte for byte. */
static void probe_unscaled(void)
{
    enum { W = 32, H = 4, STRIDE = 3 * W + 64 };
    uint8_t luma[W * H], cb[W / 2 * H / 2], cr[W / 2 * H / 2], out[STRIDE * H], mine[3];
    for (int i = 0; i < W * H; i++)
        luma[i] = (uint8_t)(i * 2 + (i >> 7));
    for (int i = 0; i < W / 2 * H / 2; i++) {
        cb[i] = (uint8_t)(i * 8 + 3);
        cr[i] = (uint8_t)(255 - i * 8);
    }
    const uint8_t *planes[4] = {luma, cb, cr, NULL};
    const int strides[4] = {W, W / 2, W / 2, 0};
    int ok = 1;
    for (int t = 0; t < 4 && ok; t++) {
        VsVkYuv y = {.mode = VS_VK_YUV_UNSCALED, .cs = t & 1 ? SWS_CS_ITU709 : SWS_CS_DEFAULT,
                     .full = t >> 1};
        struct SwsContext *sws = sws_getContext(W, H, AV_PIX_FMT_YUV420P, W, H, AV_PIX_FMT_RGB24,
                                                SWS_BILINEAR, NULL, NULL, NULL);
        const int *coefs = sws_getCoefficients(y.cs);
        uint8_t *dst[4] = {out, NULL, NULL, NULL};
        int dst_strides[4] = {STRIDE, 0, 0, 0};
        ok = sws && sws_setColorspaceDetails(sws, coefs, y.full, coefs, 1, 0, 1 << 16,
                                             1 << 16) >= 0 &&
             sws_scale(sws, planes, strides, 0, H, dst, dst_strides) == H;
        sws_freeContext(sws);
        make_tables(&y);
        for (int i = 0; ok && i < W * H; i++) {
            int c = (i / W / 2) * (W / 2) + (i % W) / 2;
            unscaled_pixel(y.coef, luma[i], cb[c], cr[c], mine);
            ok = memcmp(mine, out + (i / W) * STRIDE + 3 * (i % W), 3) == 0;
        }
    }
    unscaled_ok = ok;
}

/* Whether libswscale takes its x86 SIMD yuv2rgb converter (the UNSCALED
 * path) for yuv420p / yuv422p of an even height, with the arithmetic
 * reproduced here. Elsewhere (no SSSE3 / MMXEXT, other CPUs, an FFmpeg
 * without assembly) that conversion is a different one, so those frames
 * stay on the CPU. */
static int simd_yuv2rgb(void)
{
#if defined(__x86_64__) || defined(__i386__)
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    if (!(av_get_cpu_flags() & (AV_CPU_FLAG_SSSE3 | AV_CPU_FLAG_MMXEXT)))
        return 0;
    pthread_once(&once, probe_unscaled);
    return unscaled_ok;
#else
    return 0;
#endif
}

/* Byte offsets of R, G, B and the pixel size of a packed RGB format, which
 * sws_scale() turns into RGB24 by a byte shuffle; 0 if fmt is not one. */
static int packed_layout(int fmt, int32_t *k)
{
    static const struct {
        int fmt, r, g, b, bpp;
    } tab[] = {
        {AV_PIX_FMT_RGB24, 0, 1, 2, 3}, {AV_PIX_FMT_BGR24, 2, 1, 0, 3},
        {AV_PIX_FMT_RGBA, 0, 1, 2, 4},  {AV_PIX_FMT_RGB0, 0, 1, 2, 4},
        {AV_PIX_FMT_BGRA, 2, 1, 0, 4},  {AV_PIX_FMT_BGR0, 2, 1, 0, 4},
        {AV_PIX_FMT_ARGB, 1, 2, 3, 4},  {AV_PIX_FMT_0RGB, 1, 2, 3, 4},
        {AV_PIX_FMT_ABGR, 3, 2, 1, 4},  {AV_PIX_FMT_0BGR, 3, 2, 1, 4},
    };
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (tab[i].fmt == fmt) {
            k[0] = tab[i].r;
            k[1] = tab[i].g;
            k[2] = tab[i].b;
            k[3] = tab[i].bpp;
            return 1;
        }
    return 0;
}

static int choose_mode(VsVkYuv *y)
{
    /* The arithmetic reproduced is libswscale 6's (FFmpeg 5.x). */
    if (swscale_version() >> 16 != 6)
        return VS_VK_YUV_CPU;
    if (packed_layout(y->fmt, y->coef))
        return VS_VK_YUV_PACKED;
    switch (y->fmt) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUV422P:
        if (y->h % 2 == 0)
            return simd_yuv2rgb() ? VS_VK_YUV_UNSCALED : VS_VK_YUV_CPU;
        break;
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_NV12:
    case AV_PIX_FMT_YUV420P10LE:
    case AV_PIX_FMT_YUV422P10LE:
    case AV_PIX_FMT_YUV444P10LE:
        break;
    default:
        return VS_VK_YUV_CPU;
    }
    /* The scaler: swscale turns on full chroma interpolation for an odd
     * width and for input without chroma subsampling. */
    return (y->w & 1) || (y->log2_cw == 0 && y->log2_ch == 0) ? VS_VK_YUV_FULL : VS_VK_YUV_HALF;
}

void vs_vk_yuv_free(VsVkYuv *y)
{
    free(y->hpos);
    free(y->hcoef);
    free(y->vpos);
    free(y->vcoef);
    memset(y, 0, sizeof(*y));
}

int vs_vk_yuv_matches(const VsVkYuv *y, const AVFrame *f)
{
    int fmt, cs, full;
    vs_vk_yuv_frame_key(f, &fmt, &cs, &full);
    return y->w == f->width && y->h == f->height && y->fmt == fmt && y->cs == cs &&
           y->full == full;
}

int vs_vk_yuv_setup(VsVkYuv *y, const AVFrame *f, int allow_gpu)
{
    vs_vk_yuv_free(y);
    vs_vk_yuv_frame_key(f, &y->fmt, &y->cs, &y->full);
    y->w = f->width;
    y->h = f->height;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(y->fmt);
    if (!d)
        return 0;
    y->log2_cw = d->log2_chroma_w;
    y->log2_ch = d->log2_chroma_h;
    y->nv12 = y->fmt == AV_PIX_FMT_NV12;
    y->bytes = d->comp[0].depth > 8 ? 2 : 1;
    /* hScale8To15 shifts by 7, hScale16To15 by depth - 1. */
    y->shift = d->comp[0].depth > 8 ? d->comp[0].depth - 1 : 7;
    y->cw = AV_CEIL_RSHIFT(y->w, y->log2_cw);
    y->ch = AV_CEIL_RSHIFT(y->h, y->log2_ch);
    y->mode = allow_gpu ? choose_mode(y) : VS_VK_YUV_CPU;
    if (y->mode == VS_VK_YUV_CPU)
        return 0;
    if (y->mode == VS_VK_YUV_PACKED) {
        y->log2_cw = y->log2_ch = 0;
        return 0;
    }
    make_tables(y);
    if (y->mode == VS_VK_YUV_UNSCALED)
        return 0;
    /* Chroma columns the writer reads: w / 2 for half chroma, else w. */
    y->cdw = y->mode == VS_VK_YUV_HALF ? y->w >> 1 : y->w;
    int ret = bilinear_filter(y->cw, y->cdw, 4, 1 << 14, &y->hpos, &y->hcoef, &y->hsize);
    if (ret >= 0)
        trim_taps(y->hcoef, y->cdw, &y->hsize);
    if (ret >= 0)
        ret = bilinear_filter(y->ch, y->h, 2, 1 << 12, &y->vpos, &y->vcoef, &y->vsize);
    if (ret < 0) {
        vs_vk_yuv_free(y);
        return ret;
    }
    y->hident = is_identity(y->hpos, y->hcoef, y->cdw, y->hsize, 1 << 14);
    y->vident = is_identity(y->vpos, y->vcoef, y->h, y->vsize, 1 << 12);
    return 0;
}

void vs_vk_yuv_layout(const VsVkYuv *y, VsVkYuvLayout *l)
{
    int n = 8; /* coef[6], padded */
    l->hpos = n;
    n += y->cdw;
    l->hcoef = n;
    n += y->cdw * y->hsize;
    l->vpos = n;
    n += y->vpos ? y->h : 0;
    l->vcoef = n;
    n += y->vpos ? y->h * y->vsize : 0;
    l->ytab = n;
    n += y->mode == VS_VK_YUV_HALF ? 2048 : 0;
    l->rv = n;
    l->gu = n + 256;
    l->gv = n + 512;
    l->bu = n + 768;
    n += y->mode == VS_VK_YUV_HALF ? 1024 : 0;
    l->words = n;
}

void vs_vk_yuv_fill(const VsVkYuv *y, const VsVkYuvLayout *l, int32_t *dst)
{
    memset(dst, 0, (size_t)l->words * 4);
    memcpy(dst, y->coef, sizeof(y->coef));
    if (y->mode == VS_VK_YUV_UNSCALED || y->mode == VS_VK_YUV_PACKED)
        return;
    memcpy(dst + l->hpos, y->hpos, (size_t)y->cdw * 4);
    memcpy(dst + l->hcoef, y->hcoef, (size_t)y->cdw * (size_t)y->hsize * 4);
    memcpy(dst + l->vpos, y->vpos, (size_t)y->h * 4);
    memcpy(dst + l->vcoef, y->vcoef, (size_t)y->h * (size_t)y->vsize * 4);
    if (y->mode != VS_VK_YUV_HALF)
        return;
    memcpy(dst + l->ytab, y->ytab, sizeof(y->ytab));
    memcpy(dst + l->rv, y->rv, sizeof(y->rv));
    memcpy(dst + l->gu, y->gu, sizeof(y->gu));
    memcpy(dst + l->gv, y->gv, sizeof(y->gv));
    memcpy(dst + l->bu, y->bu, sizeof(y->bu));
}

int vs_vk_yuv_planes(const VsVkYuv *y)
{
    return y->mode == VS_VK_YUV_PACKED ? 1 : y->nv12 ? 2 : 3;
}

int vs_vk_yuv_plane_rows(const VsVkYuv *y, int plane)
{
    return plane == 0 ? y->h : y->ch;
}

int vs_vk_yuv_plane_row_bytes(const VsVkYuv *y, int plane)
{
    if (y->mode == VS_VK_YUV_PACKED)
        return y->w * y->coef[3];
    if (plane == 0)
        return y->w * y->bytes;
    return (y->nv12 ? 2 : 1) * y->cw * y->bytes;
}

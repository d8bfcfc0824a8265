/* YUV -> RGB24 on the GPU with libswscale's own arithmetic.
 *
 * The CPU backend converts with sws_scale(SWS_BILINEAR) at the frame's size
 * (../rgb.c). Which code inside libswscale 6.7 (FFmpeg 5.1) then runs depends
 * on the format and the size, and each has its own chroma upsampling and
 * fixed-point matrix (read from the FFmpeg 5.1.9 sources, confirmed by
 * experiment, see docs/VULKAN.md):
 *
 *  UNSCALED  yuv420p / yuv422p with an even height on x86 (SSSE3 or MMXEXT):
 *            the special-cased SIMD converter (x86/yuv_2_rgb.asm): nearest
 *            chroma, 16-bit pmulhw arithmetic on values scaled by 8.
 *  HALF      the scaler (nv12, 10-bit, odd heights) with an even width:
 *            chroma is interpolated to half the width (pairs of pixels share
 *            it), vertical chroma per output row either the nearest line or
 *            the mean of two (yuv2packed1) or a full filter (yuv2packedX);
 *            RGB through swscale's lookup tables (yuv2rgb.c, 24 bpp).
 *  FULL      the scaler with an odd width or 4:4:4 input (swscale forces full
 *            chroma interpolation there): horizontal and vertical bilinear
 *            chroma filters, RGB in 30-bit fixed point (yuv2rgb_write_full).
 *  PACKED    rgb24, bgr24 and the 32-bit RGB orders: a byte shuffle.
 *
 * Everything that depends only on the format, size, matrix and range (filter
 * positions and coefficients, tables, coefficients) is computed here on the
 * CPU, once per geometry, and uploaded; shaders/yuv.comp does the per-pixel
 * part. Other formats (gray, 4:1:1, 12-bit, ...) keep the CPU path, and so
 * does everything with a libswscale other than major version 6, and UNSCALED
 * where a once-per-process probe finds libswscale's output different from
 * the arithmetic reproduced (e.g. an FFmpeg built without assembly). */
#ifndef VSAMPLE_VK_YUV_H
#define VSAMPLE_VK_YUV_H

#include <libavutil/frame.h>
#include <stddef.h>
#include <stdint.h>

enum VsVkYuvMode {
    VS_VK_YUV_CPU = 0, /* not converted on the GPU: libswscale on the CPU */
    VS_VK_YUV_UNSCALED = 1,
    VS_VK_YUV_HALF = 2,
    VS_VK_YUV_FULL = 3,
    VS_VK_YUV_PACKED = 4, /* packed RGB/BGR(A): swscale's byte shuffle */
};

typedef struct VsVkYuv {
    int mode;               /* enum VsVkYuvMode */
    int w, h, fmt, cs, full; /* what it was made for (fmt after yuvj -> yuv) */
    int nv12;               /* U and V interleaved in plane 1 */
    int bytes;              /* bytes per sample, 1 or 2 */
    int shift;              /* 15-bit intermediate = (sample * coef) >> shift */
    int log2_cw, log2_ch;   /* chroma subsampling of the source */
    int cw, ch;             /* chroma plane size */
    int cdw;                /* chroma columns after the horizontal filter */
    int hsize, vsize;       /* taps per output of the two chroma filters */
    int hident, vident;     /* that filter is the identity (one tap, weight 1) */
    int32_t *hpos, *hcoef;  /* [cdw], [cdw * hsize] (14-bit coefficients) */
    int32_t *vpos, *vcoef;  /* [h], [h * vsize] (12-bit coefficients) */
    int32_t coef[6];        /* UNSCALED: yOffset yCoeff vr ub ug vg;
                             * FULL: y_offset y_coeff v2r v2g u2g u2b;
                             * PACKED: R G B byte offsets, bytes per pixel */
    int32_t ytab[2048];     /* HALF: the 24-bpp luma table */
    int32_t rv[256], gu[256], gv[256], bu[256]; /* HALF: table offsets */
} VsVkYuv;

/* Word offsets of the parts of the table buffer (vs_vk_yuv_fill). */
typedef struct VsVkYuvLayout {
    int hpos, hcoef, vpos, vcoef, ytab, rv, gu, gv, bu, words;
} VsVkYuvLayout;

/* The libswscale colour space constant (SWS_CS_*) of a frame's matrix and its
 * range, as ../rgb.c chooses them; fmt gets the yuvj formats' yuv twin. */
void vs_vk_yuv_frame_key(const AVFrame *f, int *fmt, int *cs, int *full);

/* Set y up for frames like f. mode VS_VK_YUV_CPU (and 0 returned) when the
 * format or this CPU's libswscale path is not reproduced; allow_gpu 0 forces
 * that. VS_ERR_NOMEM on allocation failure. */
int vs_vk_yuv_setup(VsVkYuv *y, const AVFrame *f, int allow_gpu);

/* Whether y was made for frames like f. */
int vs_vk_yuv_matches(const VsVkYuv *y, const AVFrame *f);

void vs_vk_yuv_layout(const VsVkYuv *y, VsVkYuvLayout *l);
/* Write coefficients, filters and tables to dst (l->words 32-bit words). */
void vs_vk_yuv_fill(const VsVkYuv *y, const VsVkYuvLayout *l, int32_t *dst);

/* Planes to upload, and rows and bytes per row of plane i. */
int vs_vk_yuv_planes(const VsVkYuv *y);
int vs_vk_yuv_plane_rows(const VsVkYuv *y, int plane);
int vs_vk_yuv_plane_row_bytes(const VsVkYuv *y, int plane);

const char *vs_vk_yuv_mode_name(int mode);

void vs_vk_yuv_free(VsVkYuv *y);

#endif

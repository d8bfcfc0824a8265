/* rgb: frame -> RGB24 with libswscale, the first step of both backends. */
#include "rgb.h"

#include "internal.h"

#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* Same flags as `ffmpeg -vf scale=flags=bilinear,format=rgb24`, the fidelity
 * reference: measured, SWS_ACCURATE_RND moves 4:2:0/4:2:2 output away from it
 * (41% of bytes, mean 1.7 levels) and SWS_FULL_CHR_H_INT moves 10-bit and
 * NV12 output (mean 2.2 levels). */
#define VS_SWS_FLAGS SWS_BILINEAR

int vs_rgb_stride(int w)
{
    /* libswscale's x86 converter for yuv420p/yuv422p writes whole blocks of
     * 16 pixels and leaves the last columns unwritten when the row has no room
     * for the rounded-up block (widths with w % 64 in 17..21, measured). */
    return (3 * ((w + 15) & ~15) + 63) & ~63;
}

size_t vs_rgb_size(int w, int h)
{
    return (size_t)vs_rgb_stride(w) * (size_t)h + 64;
}

static int sws_colorspace(enum AVColorSpace cs)
{
    switch (cs) {
    case AVCOL_SPC_BT709: return SWS_CS_ITU709;
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020;
    case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M;
    case AVCOL_SPC_FCC: return SWS_CS_FCC;
    default: return SWS_CS_DEFAULT; /* BT.601, also for untagged video */
    }
}

/* The deprecated yuvj formats are the yuv ones with full range: give
 * swscale the plain format (it warns about yuvj) and the range explicitly. */
static enum AVPixelFormat unjpeg(enum AVPixelFormat fmt, int *full)
{
    switch (fmt) {
    case AV_PIX_FMT_YUVJ420P: *full = 1; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: *full = 1; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: *full = 1; return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: *full = 1; return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: *full = 1; return AV_PIX_FMT_YUV411P;
    default: return fmt;
    }
}

static int setup(VsRgbConverter *c, int w, int h, enum AVPixelFormat fmt, int cs, int full)
{
    const char *name = av_get_pix_fmt_name(fmt);
    sws_freeContext(c->sws);
    c->sws = NULL;
    if (!sws_isSupportedInput(fmt))
        return vs_error(VS_ERR_UNSUPPORTED, "preprocess: frames in pixel format %s "
                        "cannot be converted to RGB", name ? name : "unknown");
    c->sws = sws_getContext(w, h, fmt, w, h, AV_PIX_FMT_RGB24, VS_SWS_FLAGS, NULL, NULL, NULL);
    if (!c->sws)
        return vs_error(VS_ERR_UNSUPPORTED, "preprocess: cannot convert %dx%d %s frames "
                        "to RGB", w, h, name ? name : "unknown-format");
    const int *coefs = sws_getCoefficients(cs);
    /* RGB output is always full range; brightness 0, contrast and
     * saturation 1.0 in 16.16 fixed point. */
    if (sws_setColorspaceDetails(c->sws, coefs, full, coefs, 1, 0, 1 << 16, 1 << 16) < 0)
        vs_log(VS_LOG_DEBUG, "preprocess: %s: colour details not applied",
               name ? name : "?");
    c->w = w;
    c->h = h;
    c->fmt = fmt;
    c->cs = cs;
    c->full = full;
    return 0;
}

int vs_rgb_convert(VsRgbConverter *c, const AVFrame *frame, uint8_t *dst)
{
    int full = frame->color_range == AVCOL_RANGE_JPEG;
    enum AVPixelFormat fmt = unjpeg((enum AVPixelFormat)frame->format, &full);
    int cs = sws_colorspace(frame->colorspace);
    int ret;
    if (!c->sws || c->w != frame->width || c->h != frame->height || c->fmt != (int)fmt ||
        c->cs != cs || c->full != full)
        if ((ret = setup(c, frame->width, frame->height, fmt, cs, full)) < 0)
            return ret;
    uint8_t *planes[4] = {dst, NULL, NULL, NULL};
    int strides[4] = {vs_rgb_stride(frame->width), 0, 0, 0};
    ret = sws_scale(c->sws, (const uint8_t *const *)frame->data, frame->linesize, 0,
                    frame->height, planes, strides);
    if (ret != frame->height)
        return vs_error(VS_ERR_INTERNAL, "preprocess: swscale converted %d of %d rows",
                        ret, frame->height);
    return 0;
}

void vs_rgb_free(VsRgbConverter *c)
{
    sws_freeContext(c->sws);
    c->sws = NULL;
}

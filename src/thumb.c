/* thumb: a frame's luma, area-averaged to 64x36, and the change between two. */
#include "thumb.h"
#include "internal.h"

#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <stdlib.h>

int vs_thumb_make(struct SwsContext **sws, const AVFrame *f, uint8_t *out, const char *path)
{
    *sws = sws_getCachedContext(*sws, f->width, f->height, (enum AVPixelFormat)f->format, VS_THUMB_W, VS_THUMB_H,
                                AV_PIX_FMT_GRAY8, SWS_AREA, NULL, NULL, NULL);
    if (!*sws)
        return vs_error(VS_ERR_UNSUPPORTED, "%s: cannot make thumbnails of %s frames", path,
                        av_get_pix_fmt_name((enum AVPixelFormat)f->format));
    uint8_t *dst[4] = {out};
    int stride[4] = {VS_THUMB_W};
    if (sws_scale(*sws, (const uint8_t *const *)f->data, f->linesize, 0, f->height, dst, stride) < 0)
        return vs_error(VS_ERR_INTERNAL, "%s: thumbnail scaling failed", path);
    return 0;
}

double vs_thumb_change(const uint8_t *a, const uint8_t *b)
{
    unsigned sum = 0;
    for (int i = 0; i < VS_THUMB_BYTES; i++)
        sum += (unsigned)abs((int)a[i] - (int)b[i]);
    return (double)sum / (255.0 * VS_THUMB_BYTES);
}

/* Synthetic decoded frames for the Vulkan backend's tests and benchmark. */
#ifndef VSAMPLE_TESTS_VK_FRAMES_H
#define VSAMPLE_TESTS_VK_FRAMES_H

#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <stdint.h>

/* A w x h frame of fmt with a gradient plus noise in every plane (values
 * within the format's bit depth), tagged with colorspace and range. */
static inline AVFrame *vk_test_frame(enum AVPixelFormat fmt, int w, int h,
                                     enum AVColorSpace cs, enum AVColorRange range,
                                     uint32_t seed)
{
    AVFrame *f = av_frame_alloc();
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    if (!f || !d)
        goto fail;
    f->format = fmt;
    f->width = w;
    f->height = h;
    f->colorspace = cs;
    f->color_range = range;
    if (av_frame_get_buffer(f, 0) < 0)
        goto fail;
    int depth = d->comp[0].depth;
    for (int i = 0; i < 4 && f->data[i]; i++) {
        int chroma = (i == 1 || i == 2) && !(d->flags & AV_PIX_FMT_FLAG_RGB);
        int ph = chroma ? AV_CEIL_RSHIFT(h, d->log2_chroma_h) : h;
        for (int y = 0; y < ph; y++) {
            uint8_t *row = f->data[i] + (ptrdiff_t)y * f->linesize[i];
            for (int x = 0; x < f->linesize[i] / (depth > 8 ? 2 : 1); x++) {
                seed = seed * 1664525u + 1013904223u;
                uint32_t v = (uint32_t)(x * (3 + i) + y * (5 - i)) + ((seed >> 24) & 63);
                if (depth > 8) {
                    uint16_t s = (uint16_t)(v * 4 & ((1u << depth) - 1));
                    memcpy(row + 2 * x, &s, 2);
                } else {
                    row[x] = (uint8_t)v;
                }
            }
        }
    }
    return f;
fail:
    av_frame_free(&f);
    return NULL;
}

#endif

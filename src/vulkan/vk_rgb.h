/* Frame -> full-resolution RGB24 on the CPU, with the very libswscale call
 * the CPU backend makes (same flags, matrix, range), so both backends start
 * from the same bytes. */
#ifndef VSAMPLE_VK_RGB_H
#define VSAMPLE_VK_RGB_H

#include <libavutil/frame.h>
#include <stdint.h>

typedef struct VsVkRgb {
    struct SwsContext *sws;
    int w, h, fmt, cs, full;
} VsVkRgb;

/* Row stride of the RGB24 picture of a frame w pixels wide. */
int vs_vk_rgb_stride(int w);

/* Bytes dst must hold for a w x h picture (with swscale's slack). */
size_t vs_vk_rgb_size(int w, int h);

/* Convert frame into dst (vs_vk_rgb_size() bytes, vs_vk_rgb_stride() per row). */
int vs_vk_rgb_convert(VsVkRgb *c, const AVFrame *frame, uint8_t *dst);

void vs_vk_rgb_free(VsVkRgb *c);

#endif

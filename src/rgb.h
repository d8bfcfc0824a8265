/* rgb: a decoded frame -> full-resolution RGB24 with libswscale: the frame's
 * own matrix (BT.709, BT.2020, SMPTE-240M, FCC when tagged so, else BT.601)
 * and range. Both backends start from these bytes. */
#ifndef VSAMPLE_RGB_H
#define VSAMPLE_RGB_H

#include <libavutil/frame.h>
#include <stdint.h>

typedef struct VsRgbConverter {
    struct SwsContext *sws;
    int w, h, fmt, cs, full;
} VsRgbConverter;

/* Row stride of the RGB24 picture of a frame w pixels wide. */
int vs_rgb_stride(int w);

/* Bytes dst must hold for a w x h picture (with swscale's slack). */
size_t vs_rgb_size(int w, int h);

/* Convert frame into dst (vs_rgb_size() bytes, vs_rgb_stride() per row). */
int vs_rgb_convert(VsRgbConverter *c, const AVFrame *frame, uint8_t *dst);

void vs_rgb_free(VsRgbConverter *c);

#endif

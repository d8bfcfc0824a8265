/* preprocess: one decoded frame -> one tensor frame per view (CPU backend).
 *
 * The CPU path is the reference: libswscale converts the frame at full
 * resolution to RGB24 with the frame's own matrix and range (BT.709 when
 * tagged so, BT.2020 when tagged so, else BT.601), the picture is turned by the
 * display rotation, and a separable resampler that reproduces PIL's
 * Image.resize (kernel, support widened by the scale, horizontal then vertical
 * pass, rounding to uint8 after each pass) resizes it. Then crop or pad,
 * rescale, normalize, dtype and layout. */
#ifndef VSAMPLE_PREPROCESS_H
#define VSAMPLE_PREPROCESS_H

#include "vsample/vsample.h"

#include <libavutil/frame.h>

typedef struct VsPreprocessor VsPreprocessor;

/* views are copied. */
int vs_preprocessor_create(VsPreprocessor **out, const VsView *views, size_t nviews);

/* Write view v of frame into dst[v] (vs_view_frame_bytes(&views[v]) bytes).
 * rotation: 0/90/180/270 degrees counter-clockwise to turn the decoded picture
 * for display (VsStreamInfo.rotation). Caches (swscale contexts, filter
 * weights) are kept per geometry, so a stream of same-sized frames costs no
 * set-up after the first. */
int vs_preprocessor_run(VsPreprocessor *p, const AVFrame *frame, int rotation, void *const *dst);

void vs_preprocessor_destroy(VsPreprocessor **p);

#endif

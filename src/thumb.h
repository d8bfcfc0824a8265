/* thumb: the small luma picture that content-aware choices compare. One rule
 * for the analysis pass (scenes) and for dedup's choice at fetch time, so that
 * a change score means the same thing in both. */
#ifndef VSAMPLE_THUMB_H
#define VSAMPLE_THUMB_H

#include <libavutil/frame.h>
#include <stddef.h>
#include <stdint.h>

/* The Y plane area-averaged to this size (whatever the aspect ratio: only
 * differences between frames matter). */
#define VS_THUMB_W 64
#define VS_THUMB_H 36
#define VS_THUMB_BYTES (VS_THUMB_W * VS_THUMB_H)

struct SwsContext;
/* f's luma into out[VS_THUMB_BYTES]; *sws is the caller's cached scaler (one per
 * thread, sws_freeContext when done). path names the input in errors. */
int vs_thumb_make(struct SwsContext **sws, const AVFrame *f, uint8_t *out, const char *path);
/* Mean |a - b| / 255 over two thumbnails: 0 (identical) .. 1. */
double vs_thumb_change(const uint8_t *a, const uint8_t *b);

#endif

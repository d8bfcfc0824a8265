/* keytimes: presentation times of keyframes whose packets carry none,
 * found by decoding from each such keyframe (see keytimes.c for why). */
#ifndef VSAMPLE_KEYTIMES_H
#define VSAMPLE_KEYTIMES_H

#include <stddef.h>
#include <stdint.h>

typedef struct VsKeyPacket {
    int64_t ts;  /* presentation time (time-base units): guessed until resolved */
    int64_t dts; /* decode time, AV_NOPTS_VALUE if none */
    int64_t pos; /* byte position in the file, -1 if unknown */
    int guessed; /* ts came from dts or counting, not from the packet */
    int had_pts; /* the packet carried ts itself (a reader can check a seek's landing by it) */
    int64_t frame; /* its place among the stream's packets (decode order) */
    int nal;       /* elementary streams: its enum VsNalKind (nal.h) */
    int params;    /* elementary streams: it carries its parameter sets */
} VsKeyPacket;

struct VsSource;
/* Replace the guessed ts of keys[] by the time the decoder gives their frame
 * (left as guessed when the frame cannot be found). Moves the demuxer: the
 * caller rewinds. Returns 0 or a negative VS_ERR_*. */
int vs_keytimes_resolve(struct VsSource *src, VsKeyPacket *keys, size_t n);

#endif

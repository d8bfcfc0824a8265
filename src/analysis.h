/* analysis: the one pass that decodes to plan. A cheap decode of the video into
 * small luma thumbnails, and a change score per analysed frame, which the
 * content-aware strategies (scenes, dedup) read through VsPlanInput. */
#ifndef VSAMPLE_ANALYSIS_H
#define VSAMPLE_ANALYSIS_H

#include <stddef.h>

/* Up to this duration every frame is analysed; past it, the first frame of
 * each 1 / VS_ANALYSIS_LONG_RATE s step of time, and the decoder skips the
 * frames no other frame refers to (see README "Content-aware strategies"). */
#define VS_ANALYSIS_SHORT_S 120.0
#define VS_ANALYSIS_LONG_RATE 4.0

typedef struct VsAnalysis {
    double *times;   /* presentation times of the analysed frames, increasing */
    double *scores;  /* scores[i]: vs_thumb_change of frames i - 1 and i (src/thumb.h), 0..1; scores[0] = 0 */
    size_t n, cap;
    double stride;   /* minimum seconds between analysed frames (0: every frame) */
    double seconds;  /* wall time of the pass */
} VsAnalysis;

struct VsSource;
/* Decode src from its start (rewinding it when it was read) into *out. The
 * source's demuxer is reused; the decoder is a second one of its own, with the
 * loop filter off (invisible at 64x36). */
int vs_analysis_run(struct VsSource *src, VsAnalysis *out);
void vs_analysis_free(VsAnalysis *a);

#endif

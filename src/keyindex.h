/* keyindex: every packet's timing from a demux-only scan (no decoding):
 * frame count, keyframe presentation times, real duration, constant or
 * variable frame rate. Built once per source, when something needs it. */
#ifndef VSAMPLE_KEYINDEX_H
#define VSAMPLE_KEYINDEX_H

#include <stdint.h>
#include <stddef.h>

typedef struct VsKeyIndex {
    int built;
    int64_t frames;        /* packets of the stream = coded frames */
    double *frame_times;   /* every packet's presentation time, seconds from start, sorted (frames of them) */
    double *key_times;     /* keyframe presentation times, seconds from start, sorted */
    int64_t *key_pos;      /* their packets' byte positions (-1 unknown), in the same order */
    int64_t *key_pts;      /* the pts their packets carry (AV_NOPTS_VALUE: none; the time was
                            * guessed or found by decoding), in time-base units */
    size_t n_keys;
    size_t keys_with_pts;  /* keys whose packets carry their time (key_pts set) */
    /* Elementary streams (no times): the keys past the first frame that a reader may seek
     * to and count frames from, in order (closed GOP starts: nal.c says which). */
    int64_t *count_frame;  /* the number of the first frame a decoder started there outputs, counted
                            * in presentation order from the stream's first frame: shown at
                            * count_frame / frame rate */
    int64_t *count_pos;    /* the key packet's byte position */
    size_t n_count;
    double end_time;       /* end of the last frame (pts + duration), seconds from start */
    double packet_end;     /* max(pts + duration) of the packets as they are (a packet without
                            * a duration ends at its pts), seconds from start: torchcodec's end */
    int vfr;               /* 1 if frame durations vary, 0 if not, -1 unknown */
    int64_t guessed;       /* packets without a presentation time (timed from decode order) */
} VsKeyIndex;

struct VsSource;
/* Read every packet of the stream once (then rewind). */
int vs_keyindex_scan(struct VsSource *src);
void vs_keyindex_free(VsKeyIndex *k);

/* Where a reader of an elementary stream seeks to show frame number frame:
 * the last of the keys it may count from (count_frame) at or before it, as
 * its place plus 1; 0 when none is (then it decodes from the first frame). */
size_t vs_keyindex_count_before(const VsKeyIndex *k, int64_t frame);

/* 1 if the sorted durations of consecutive presentation times vary by more
 * than timestamp rounding, 0 if not; times are in time-base units. */
int vs_timestamps_vary(int64_t *sorted_ts, size_t n);

#endif

/* lookahead: packets read ahead of the decoder, so that fetch can tell which
 * frames the plan never needs before they are decoded.
 *
 * A frame is needed when it may be the one displayed at a requested time: the
 * last frame whose time is <= t. A packet P (time p) cannot be that frame for
 * any target when another packet Q read after it shows later but still at or
 * before T, the first target at or after p: Q (or a frame after Q) is shown at
 * T instead, and no target falls between p and T. Such a packet is sent to the
 * decoder with skip_frame = AVDISCARD_NONREF: the decoder drops it when no
 * other frame references it, and decodes it otherwise, so references are never
 * lost. Decode order is not presentation order: a packet whose decode time is
 * past T ends the search, since every later packet shows after its decode time. */
#ifndef VSAMPLE_LOOKAHEAD_H
#define VSAMPLE_LOOKAHEAD_H

#include <libavcodec/packet.h>
#include <stddef.h>

/* Packets held at most: enough for any B-frame run; a longer search just decodes. */
#define VS_LOOKAHEAD_MAX 64

typedef struct VsLookahead {
    AVPacket *pkts[VS_LOOKAHEAD_MAX];
    size_t head, count;
} VsLookahead;

int vs_lookahead_init(VsLookahead *q);
void vs_lookahead_clear(VsLookahead *q);
void vs_lookahead_free(VsLookahead *q);
/* The i-th queued packet (0 = oldest), or NULL. */
AVPacket *vs_lookahead_at(VsLookahead *q, size_t i);
/* Append a reference to pkt; -1 when full. */
int vs_lookahead_push(VsLookahead *q, AVPacket *pkt);
/* Move the oldest packet into out (which must be empty). */
void vs_lookahead_pop(VsLookahead *q, AVPacket *out);

/* Index of the first of the sorted times >= x (n when none). */
size_t vs_first_time_at_or_after(const double *sorted, size_t n, double x);

#endif

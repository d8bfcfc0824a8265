/* lookahead: a small FIFO of demuxed packets (see lookahead.h for why). */
#include "lookahead.h"

#include <string.h>

int vs_lookahead_init(VsLookahead *q)
{
    memset(q, 0, sizeof(*q));
    for (size_t i = 0; i < VS_LOOKAHEAD_MAX; i++)
        if (!(q->pkts[i] = av_packet_alloc()))
            return -1;
    return 0;
}

void vs_lookahead_clear(VsLookahead *q)
{
    for (size_t i = 0; i < VS_LOOKAHEAD_MAX; i++)
        if (q->pkts[i])
            av_packet_unref(q->pkts[i]);
    q->head = q->count = 0;
}

void vs_lookahead_free(VsLookahead *q)
{
    for (size_t i = 0; i < VS_LOOKAHEAD_MAX; i++)
        av_packet_free(&q->pkts[i]);
    q->head = q->count = 0;
}

AVPacket *vs_lookahead_at(VsLookahead *q, size_t i)
{
    return i < q->count ? q->pkts[(q->head + i) % VS_LOOKAHEAD_MAX] : NULL;
}

int vs_lookahead_push(VsLookahead *q, AVPacket *pkt)
{
    if (q->count == VS_LOOKAHEAD_MAX)
        return -1;
    av_packet_move_ref(q->pkts[(q->head + q->count) % VS_LOOKAHEAD_MAX], pkt);
    q->count++;
    return 0;
}

void vs_lookahead_pop(VsLookahead *q, AVPacket *out)
{
    av_packet_move_ref(out, q->pkts[q->head]);
    q->head = (q->head + 1) % VS_LOOKAHEAD_MAX;
    q->count--;
}

size_t vs_first_time_at_or_after(const double *sorted, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

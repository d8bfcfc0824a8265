/* keyindex: a demux-only scan of the video stream's packets (no decoding). */
#include "keyindex.h"
#include "keytimes.h"
#include "source.h"

#include <stdlib.h>
#include <string.h>

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int vs_timestamps_vary(int64_t *ts, size_t n)
{
    if (n < 3)
        return n ? 0 : -1;
    vs_sort(ts, n, sizeof(*ts), cmp_i64);
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 1; i < n; i++) {
        int64_t d = ts[i] - ts[i - 1];
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    /* Timestamps rounded to the time base (29.97 fps in milliseconds gives
     * 33, 33, 34) jitter by one unit without the rate changing. */
    return hi - lo > 1 && (double)(hi - lo) > 0.005 * (double)lo;
}

void vs_keyindex_free(VsKeyIndex *k)
{
    free(k->key_times);
    free(k->frame_times);
    free(k->key_pos);
    free(k->key_pts);
    memset(k, 0, sizeof(*k));
}

typedef struct Growable {
    int64_t *v;
    size_t n, cap;
} Growable;

typedef struct KeyList {
    VsKeyPacket *v;
    size_t n, cap;
} KeyList;

/* A doubling array's storage, grown (NULL when out of memory; v stays valid). */
static void *grow(void *v, size_t *cap, size_t elem)
{
    size_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(v, c * elem);
    if (p)
        *cap = c;
    return p;
}

static int push(Growable *g, int64_t x)
{
    if (g->n == g->cap) {
        int64_t *v = grow(g->v, &g->cap, sizeof(*v));
        if (!v)
            return -1;
        g->v = v;
    }
    g->v[g->n++] = x;
    return 0;
}

static int push_key(KeyList *g, VsKeyPacket k)
{
    if (g->n == g->cap) {
        VsKeyPacket *v = grow(g->v, &g->cap, sizeof(*v));
        if (!v)
            return -1;
        g->v = v;
    }
    g->v[g->n++] = k;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    int64_t x = ((const VsKeyPacket *)a)->ts, y = ((const VsKeyPacket *)b)->ts;
    return (x > y) - (x < y);
}

int vs_keyindex_scan(VsSource *src)
{
    VsKeyIndex *k = &src->keys;
    Growable all = {0}, dts = {0};
    KeyList keys = {0};
    int64_t end = INT64_MIN, last_ts = AV_NOPTS_VALUE;
    int ret = 0;
    AVPacket *pkt = av_packet_alloc();
    if (!pkt)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);

    vs_keyindex_free(k);
    src->used = 1;
    /* One frame in time-base units, for packets that carry no presentation time. */
    AVRational rate = src->st->avg_frame_rate.num > 0 ? src->st->avg_frame_rate : src->st->r_frame_rate;
    int64_t step = rate.num > 0 ? av_rescale_q(1, av_inv_q(rate), src->st->time_base) : 1;
    int64_t untimed = 0, guessed = 0, delay = src->st->codecpar->video_delay;
    for (;;) {
        int r = av_read_frame(src->fmt, pkt);
        if (r < 0) {
            /* a failed read or seek of the input (a dropped connection) is an error */
            if (r != AVERROR_EOF && (ret = vs_source_input_error(src)) < 0)
                goto done;
            break; /* end, or a truncated file: what was read is the stream */
        }
        if (pkt->stream_index != src->st->index) {
            av_packet_unref(pkt);
            continue;
        }
        int64_t ts = pkt->pts;
        if (pkt->dts != AV_NOPTS_VALUE && push(&dts, pkt->dts) < 0) {
            ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
            av_packet_unref(pkt);
            goto done;
        }
        int was_guessed = ts == AV_NOPTS_VALUE;
        if (ts == AV_NOPTS_VALUE && pkt->dts != AV_NOPTS_VALUE) {
            ts = pkt->dts + delay * step; /* shown after the reorder delay, as libavcodec guesses */
            guessed++;
        }
        if (ts == AV_NOPTS_VALUE) { /* no timestamp at all: the frame after the last one */
            ts = last_ts == AV_NOPTS_VALUE ? src->info.start_pts : last_ts + (pkt->duration > 0 ? pkt->duration : step);
            untimed++;
        }
        last_ts = ts;
        VsKeyPacket key = {.ts = ts, .dts = pkt->dts, .pos = pkt->pos, .guessed = was_guessed,
                           .had_pts = pkt->pts != AV_NOPTS_VALUE};
        if (push(&all, ts) < 0 || ((pkt->flags & AV_PKT_FLAG_KEY) && push_key(&keys, key) < 0)) {
            ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
            av_packet_unref(pkt);
            goto done;
        }
        int64_t e = ts + (pkt->duration > 0 ? pkt->duration : 0);
        end = e > end ? e : end;
        av_packet_unref(pkt);
    }
    k->frames = (int64_t)all.n;
    k->guessed = guessed + untimed;
    /* A raw elementary stream: times are frame counts over the frame rate. */
    src->no_timestamps = all.n > 0 && untimed == (int64_t)all.n;
    /* Guessed presentation times are irregular; decode times pace the stream too. */
    k->vfr = guessed && dts.n == all.n ? vs_timestamps_vary(dts.v, dts.n) : vs_timestamps_vary(all.v, all.n);
    vs_sort(all.v, all.n, sizeof(*all.v), cmp_i64);
    k->packet_end = all.n ? vs_source_ts_to_sec(src, end) : 0;
    if (all.n >= 2) {
        /* Packets without a duration: the last frame lasts as long as the one before. */
        int64_t last = all.v[all.n - 1], step = last - all.v[all.n - 2];
        if (end <= last)
            end = last + step;
    }
    if (k->guessed > 0 && k->vfr == 0 && rate.num > 0 && all.n) {
        /* Guessed times can collide (a last P-frame guessed onto a B-frame's
         * slot); at a constant rate n frames take n frame durations. */
        int64_t cfr_end = all.v[0] + av_rescale_q((int64_t)all.n, av_inv_q(rate), src->st->time_base);
        end = cfr_end > end ? cfr_end : end;
    }
    k->end_time = all.n ? vs_source_ts_to_sec(src, end) : 0;
    /* Reordering codecs show a key packet without a time later than its decode
     * time says, by a delay that varies (open GOPs): ask the decoder (two GOPs
     * per such key, so only when the keyframe times were asked for). */
    if (src->exact_keys && guessed + untimed > 0 && !src->no_timestamps &&
        (src->dec->has_b_frames > 0 || src->st->codecpar->video_delay > 0) &&
        (ret = vs_keytimes_resolve(src, keys.v, keys.n)) < 0)
        goto done;
    vs_sort(keys.v, keys.n, sizeof(*keys.v), cmp_key);
    k->key_times = malloc((keys.n ? keys.n : 1) * sizeof(double));
    k->key_pos = malloc((keys.n ? keys.n : 1) * sizeof(int64_t));
    k->key_pts = malloc((keys.n ? keys.n : 1) * sizeof(int64_t));
    if (!k->key_times || !k->key_pos || !k->key_pts) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
        goto done;
    }
    for (size_t i = 0; i < keys.n; i++)
        k->key_times[i] = vs_source_ts_to_sec(src, keys.v[i].ts), k->key_pos[i] = keys.v[i].pos,
        k->key_pts[i] = keys.v[i].had_pts ? keys.v[i].ts : AV_NOPTS_VALUE,
        k->keys_with_pts += keys.v[i].had_pts != 0;
    k->n_keys = keys.n;
    /* all.v is sorted by now: the recipes' frame indices count in this order. */
    if (!(k->frame_times = malloc((all.n ? all.n : 1) * sizeof(double)))) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
        goto done;
    }
    for (size_t i = 0; i < all.n; i++)
        k->frame_times[i] = vs_source_ts_to_sec(src, all.v[i]);
    k->built = 1;
done:
    free(all.v);
    free(keys.v);
    free(dts.v);
    av_packet_free(&pkt);
    vs_source_rewind(src);
    return ret;
}

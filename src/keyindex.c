/* keyindex: a demux-only scan of the video stream's packets (no decoding). */
#include "keyindex.h"
#include "keytimes.h"
#include "nal.h"
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
    free(k->count_frame);
    free(k->count_pos);
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

/* An elementary stream's packets, read for which keys a reader may count
 * frames from after seeking to them (nal.c). */
typedef struct EsCount {
    int on;           /* a codec whose NAL units nal.c reads */
    int broken;       /* a packet breaks the count for every key: no picture in it, a field
                       * (two packets to a frame), a stream end before the end */
    int ended;        /* an end of sequence or stream was seen */
    int params_later; /* parameter sets come after the first packet: a key without its own
                       * may need ones that a decoder seeking to it has not seen */
} EsCount;

static void es_packet(EsCount *es, const AVStream *st, const AVPacket *pkt, int64_t index, KeyList *keys,
                      VsKeyPacket *key)
{
    VsNalPacket nal;
    vs_nal_inspect(st->codecpar->codec_id, pkt->data, pkt->size, &nal);
    const AVCodecParserContext *parser = av_stream_get_parser(st);
    es->broken |= !nal.picture || es->ended ||
                  (parser && (parser->picture_structure == AV_PICTURE_STRUCTURE_TOP_FIELD ||
                              parser->picture_structure == AV_PICTURE_STRUCTURE_BOTTOM_FIELD));
    es->ended |= nal.stream_end;
    es->params_later |= index > 0 && nal.params;
    /* a RASL picture: the CRA before it is no clean start */
    if (nal.kind == VS_NAL_RASL && keys->n && keys->v[keys->n - 1].nal == VS_NAL_CRA)
        keys->v[keys->n - 1].nal = VS_NAL_OTHER;
    key->nal = nal.kind;
    key->params = nal.params;
}

static int clean_start(const VsKeyPacket *key)
{
    return key->nal == VS_NAL_CLOSED_KEY || key->nal == VS_NAL_CRA;
}

/* The keys (in decode order) where a decoding counts frames as one from the
 * start does: their decode-order number is then the first frame's (nal.c). */
static int es_count_keys(VsKeyIndex *k, const EsCount *es, const VsKeyPacket *keys, size_t n, int no_timestamps)
{
    k->n_count = 0;
    if (!es->on || !no_timestamps || es->broken || !n || keys[0].frame != 0 || !clean_start(&keys[0]))
        return 0;
    if (!(k->count_frame = malloc(n * sizeof(int64_t))) || !(k->count_pos = malloc(n * sizeof(int64_t))))
        return -1;
    for (size_t i = 1; i < n; i++) {
        if (clean_start(&keys[i]) && (keys[i].params || !es->params_later) && keys[i].pos >= 0) {
            k->count_frame[k->n_count] = keys[i].frame;
            k->count_pos[k->n_count++] = keys[i].pos;
        }
    }
    return 0;
}

size_t vs_keyindex_count_before(const VsKeyIndex *k, int64_t frame)
{
    size_t lo = 0, hi = k->n_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->count_frame[mid] > frame)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
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
    EsCount es = {.on = vs_nal_supported(src->st->codecpar->codec_id)};
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
                           .had_pts = pkt->pts != AV_NOPTS_VALUE, .frame = (int64_t)all.n};
        if (es.on && pkt->pts == AV_NOPTS_VALUE && pkt->dts == AV_NOPTS_VALUE)
            es_packet(&es, src->st, pkt, (int64_t)all.n, &keys, &key);
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
    if (es_count_keys(k, &es, keys.v, keys.n, src->no_timestamps) < 0) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
        goto done;
    }
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

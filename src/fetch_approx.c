/* fetch, approximate mode (VS_SEEK_APPROXIMATE): for each time the nearest of
 * the frames in hand and the keyframes around it, a keyframe decoded alone. */
#include "reader.h"

#include <math.h>

/* Seconds of the keyframes around t: *before <= t < *after (NAN when none):
 * exact presentation times after a scan, else the container index's (decode)
 * times, which are a frame or two early on B-frame streams. */
static void keys_around(const VsReader *r, double t, double *before, double *after)
{
    const VsSource *src = r->src;
    *before = *after = NAN;
    if (src->no_timestamps) { /* an elementary stream: its first frame and the keys it counts frames from */
        size_t j = vs_reader_count_key_before(src, t);
        double rate = vs_source_frame_rate(src);
        *before = j ? (double)src->keys.count_frame[j - 1] / rate : 0.0;
        if (j < src->keys.n_count)
            *after = (double)src->keys.count_frame[j] / rate;
        return;
    }
    if (src->keys.built && src->keys.n_keys) {
        size_t k = vs_first_time_at_or_after(src->keys.key_times, src->keys.n_keys, t + TIME_EPS);
        if (k > 0)
            *before = src->keys.key_times[k - 1];
        if (k < src->keys.n_keys)
            *after = src->keys.key_times[k];
        return;
    }
    if (!src->indexed)
        return;
    AVStream *st = src->st;
    int64_t ts = vs_source_sec_to_ts(src, t);
    int b = av_index_search_timestamp(st, ts, AVSEEK_FLAG_BACKWARD);
    int a = av_index_search_timestamp(st, ts + 1, 0);
    if (b >= 0)
        *before = vs_source_ts_to_sec(src, avformat_index_get_entry(st, b)->timestamp);
    if (a >= 0)
        *after = vs_source_ts_to_sec(src, avformat_index_get_entry(st, a)->timestamp);
}

/* Seek so that the next frame decoded is the keyframe shown at `key` seconds
 * (or, blind, the keyframe before `blind_t`). */
static int seek_to_key(VsReader *r, double key, double blind_t)
{
    VsSource *src = r->src;
    if (!isnan(blind_t))
        return vs_reader_seek_before(r, vs_source_sec_to_ts(src, blind_t));
    if (vs_source_seeks_by_scan(src)) {
        /* No index to seek by time: the scan saw where the keyframe lies (the exact
         * reader's byte seek, to the last keyframe shown at or before key). */
        int ret = vs_reader_seek_by_scan(r, vs_source_sec_to_ts(src, key + TIME_EPS));
        if (ret != 0)
            return ret < 0 ? ret : 0;
    }
    /* Demuxers seek by their own idea of a keyframe's time (decode or
     * presentation): aim between that keyframe and the one after it. */
    double unused, after;
    keys_around(r, key, &unused, &after);
    return vs_reader_seek_before(r, vs_source_sec_to_ts(src, isnan(after) ? key + 1.0 : (key + after) / 2));
}

/* Approximate mode: the frame nearest t among the frames in hand (prev, next)
 * and the keyframes on either side of t; a keyframe is had by seeking to it
 * and decoding it alone. With no index the keyframe before t is the only
 * one known. */
int vs_reader_find_frame_approx(VsReader *r, double t, int *use_next)
{
    *use_next = 0;
    /* A source a reader must not seek in (vs_source_never_seeks) reaches no
     * keyframe but its first: the exact frame costs no more. */
    if (vs_source_never_seeks(r->src))
        return vs_reader_find_frame(r, t, use_next);
    if (!r->have_prev && !r->have_next) { /* nothing in hand yet: the first frame is */
        int ret = vs_reader_decode_one(r, r->next);
        if (ret <= 0)
            return ret < 0 ? ret : vs_error(VS_ERR_NO_VIDEO, "%s: no decodable video frame", r->src->info.path);
        r->have_next = 1;
        r->next_t = r->last_t;
    }
    double best = INFINITY, key_before, key_after, key = NAN;
    if (r->have_prev)
        best = fabs(t - r->prev_t);
    if (r->have_next && fabs(r->next_t - t) < best) {
        best = fabs(r->next_t - t);
        *use_next = 1;
    }
    keys_around(r, t, &key_before, &key_after);
    int blind = isnan(key_before) && !r->src->indexed && !r->src->keys.built && !r->src->no_timestamps;
    if (blind)
        key_before = t; /* unknown until sought: assume it is close */
    if (!isnan(key_before) && t - key_before < best - TIME_EPS)
        best = t - key_before, key = key_before;
    if (!isnan(key_after) && key_after - t < best - TIME_EPS)
        key = key_after;
    if (isnan(key))
        return 0;
    int ret = seek_to_key(r, key, blind ? t : NAN);
    if (ret < 0)
        return ret;
    if ((ret = vs_reader_decode_one(r, r->prev)) < 0)
        return ret;
    double unused, next_key = NAN;
    if (!blind)
        keys_around(r, key, &unused, &next_key);
    if (ret == 0 || (!isnan(next_key) && r->last_t >= next_key - TIME_EPS) ||
        (r->src->no_timestamps && r->last_t < key - TIME_EPS)) {
        /* An undecodable tail, or a demuxer that cannot land on that
         * keyframe (MPEG-TS without a scan; an elementary stream's open-GOP
         * keyframe, which it cannot count frames from): the exact frame instead. */
        vs_reader_reset_frames(r);
        return vs_reader_find_frame(r, t, use_next);
    }
    r->have_prev = 1;
    r->prev_t = r->last_t;
    *use_next = 0;
    return 0;
}

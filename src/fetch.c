/* fetch: for each planned time t, the frame displayed at t — the last frame
 * whose presentation time is <= t (the first frame when t precedes it) —
 * found by decoding in presentation order, never by frame-rate arithmetic.
 *
 * The reader keeps two decoded frames: `prev`, the latest frame at or before
 * the current target, and `next`, the first frame after it (a lookahead that
 * proves prev is the answer). Targets may come in any order: a target behind
 * prev, or one past a keyframe that lies beyond the decode position, is
 * reached by seeking; every seek is verified (a seek that lands after the
 * target is retried further back), so exactness never depends on how a
 * demuxer seeks. */
#include "reader.h"
#include "thumb.h"

#include <libswscale/swscale.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vs_reader_default_settings(VsReaderSettings *s)
{
    memset(s, 0, sizeof(*s));
}

int vs_reader_backend(const VsReader *r)
{
    return r ? r->prep.kind : VS_BACKEND_CPU;
}

int64_t vs_reader_frames_decoded(const VsReader *r)
{
    if (!r)
        return 0;
    int64_t n = r->decoded;
    for (size_t i = 0; i < r->nchildren; i++)
        n += r->children[i]->decoded;
    return n;
}

/* Frames per second from the stream info (kept from the first open: a reopened
 * raw stream has not probed its rate). */
static double stream_rate(const VsSource *src)
{
    return vs_source_frame_rate(src);
}

static double frame_time(VsReader *r, const AVFrame *f)
{
    if (r->src->no_timestamps) /* counted from the first frame, or from the key seek_by_count() landed on */
        return (double)(r->output_frames - 1) / stream_rate(r->src);
    int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    if (ts != AV_NOPTS_VALUE)
        return vs_source_ts_to_sec(r->src, ts);
    return r->last_t + 1.0 / stream_rate(r->src);
}

void vs_reader_reset_frames(VsReader *r)
{
    av_frame_unref(r->prev);
    av_frame_unref(r->next);
    r->have_prev = r->have_next = 0;
}

/* One packet of the video stream from the demuxer into r->pkt: 1, 0 at the end, or an
 * error when the input itself failed (a dropped connection, a seek it cannot do): then
 * not an early end of the stream, since that would make the output silently wrong. */
static int read_packet(VsReader *r)
{
    VsSource *src = r->src;
    if (r->read_error)
        return r->read_error;
    while (!r->read_eof) {
        int ret = av_read_frame(src->fmt, r->pkt);
        if (ret < 0) {
            int err = ret != AVERROR_EOF ? vs_source_input_error(src) : 0;
            if (err < 0) {
                r->read_eof = 1;
                return r->read_error = err;
            }
            if (ret != AVERROR_EOF)
                vs_log(VS_LOG_WARNING, "%s: stream ends early: %s", src->info.path, av_err2str(ret));
            r->read_eof = 1;
            break;
        }
        if (r->pkt->stream_index != src->st->index) {
            av_packet_unref(r->pkt);
            continue;
        }
        if (r->keys_only && !(r->pkt->flags & AV_PKT_FLAG_KEY)) {
            av_packet_unref(r->pkt);
            continue;
        }
        if (r->after_seek && !r->key_seen) {
            if (!(r->pkt->flags & AV_PKT_FLAG_KEY)) {
                av_packet_unref(r->pkt);
                continue;
            }
            r->key_seen = 1;
            r->key_pts = r->pkt->pts;
            r->key_dts = r->pkt->dts != AV_NOPTS_VALUE ? r->pkt->dts : r->pkt->pts;
        }
        return 1;
    }
    return 0;
}

/* Queue one more packet: 1, 0 at the end, -1 when the queue is full, or a read error
 * (r->read_error, below -1). */
static int read_ahead(VsReader *r)
{
    if (r->la.count == VS_LOOKAHEAD_MAX)
        return -1;
    int ret = read_packet(r);
    if (ret <= 0)
        return ret;
    vs_lookahead_push(&r->la, r->pkt);
    return 1;
}

/* Can the oldest queued packet never be the frame shown at a planned time?
 * (lookahead.h explains the rule.) */
static int head_skippable(VsReader *r)
{
    const AVPacket *p = vs_lookahead_at(&r->la, 0);
    if (p->pts == AV_NOPTS_VALUE || (p->flags & AV_PKT_FLAG_KEY))
        return 0;
    double pt = vs_source_ts_to_sec(r->src, p->pts);
    size_t k = vs_first_time_at_or_after(r->sorted, r->n, pt - TIME_EPS);
    double until = k < r->n ? r->sorted[k] + TIME_EPS : INFINITY;
    for (size_t i = 1;; i++) {
        const AVPacket *q = vs_lookahead_at(&r->la, i);
        if (!q && read_ahead(r) <= 0)
            return 0;
        q = vs_lookahead_at(&r->la, i);
        if (q->pts != AV_NOPTS_VALUE) {
            double qt = vs_source_ts_to_sec(r->src, q->pts);
            if (qt > pt && qt <= until)
                return 1;
        }
        int64_t qd = q->dts != AV_NOPTS_VALUE ? q->dts : q->pts;
        if (qd != AV_NOPTS_VALUE && vs_source_ts_to_sec(r->src, qd) > until)
            return 0;
    }
}

/* The next packet to decode into r->pkt: 1, or 0 when none is left. */
static int next_packet(VsReader *r, int *skippable)
{
    int ret;
    if (!r->la.count && (ret = read_ahead(r)) <= 0)
        return ret;
    *skippable = head_skippable(r);
    vs_lookahead_pop(&r->la, r->pkt);
    return 1;
}

/* Next frame in presentation order into out: 1, 0 at the end, or an error. */
int vs_reader_decode_one(VsReader *r, AVFrame *out)
{
    VsSource *src = r->src;
    for (;;) {
        int ret = avcodec_receive_frame(src->dec, out);
        if (ret == 0) {
            r->output_frames++;
            double t = frame_time(r, out);
            int64_t ts = out->best_effort_timestamp;
            if (r->after_seek && r->key_pts != AV_NOPTS_VALUE && ts != AV_NOPTS_VALUE && ts < r->key_pts) {
                /* a leading picture of an open GOP: its references precede the seek point */
                av_frame_unref(out);
                continue;
            }
            r->decoded++;
            r->last_t = t;
            return 1;
        }
        if (ret == AVERROR_EOF)
            return 0;
        if (ret != AVERROR(EAGAIN)) {
            /* A damaged frame: skip it, as players do, unless nothing decodes. */
            if (++r->decode_errors > MAX_DECODE_ERRORS)
                return vs_error(vs_error_from_av(ret), "%s: decoding failed: %s", src->info.path, av_err2str(ret));
            vs_log(VS_LOG_DEBUG, "%s: skipping a damaged frame: %s", src->info.path, av_err2str(ret));
            continue;
        }
        if (r->demux_eof)
            return 0; /* drained already sent; decoder reports EOF next */

        int skippable = 0;
        ret = next_packet(r, &skippable);
        if (ret < 0)
            return ret;
        if (ret == 0) {
            r->demux_eof = 1;
            avcodec_send_packet(src->dec, NULL);
            continue;
        }
        src->dec->skip_frame = skippable ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
        ret = avcodec_send_packet(src->dec, r->pkt);
        av_packet_unref(r->pkt);
        if (ret < 0 && ret != AVERROR(EAGAIN))
            vs_log(VS_LOG_DEBUG, "%s: skipping a corrupt packet: %s", src->info.path, av_err2str(ret));
    }
}

void vs_reader_restart_decoder(VsReader *r)
{
    avcodec_flush_buffers(r->src->dec);
    vs_reader_reset_frames(r);
    vs_lookahead_clear(&r->la);
    r->read_eof = 0;
    r->demux_eof = 0;
    r->key_seen = 0;
    r->key_pts = r->key_dts = AV_NOPTS_VALUE;
}

static int seek_to_start(VsReader *r)
{
    r->output_frames = 0;
    int ret = vs_source_rewind(r->src);
    vs_reader_restart_decoder(r);
    r->at_start = 1;
    r->after_seek = 0;
    return ret;
}

/* Seek by byte position to the last keyframe shown at or before ts whose
 * packet carries its time, and check the landing: the first key packet read
 * there, if it has a time, must be that one's. 1 done (the key packet queued
 * for the decoder), 0 not possible (then the demuxer's own seek), or a read
 * error. */
/* Seek by byte position to a key packet the scan saw and read the first key
 * packet there into r->pkt, for the caller to check the landing: 1, 0 when the
 * demuxer cannot seek there or nothing is left, or a read error. */
static int byte_seek_to_key(VsReader *r, int64_t pos)
{
    if (av_seek_frame(r->src->fmt, r->src->st->index, pos, AVSEEK_FLAG_BYTE) < 0)
        return 0;
    vs_reader_restart_decoder(r);
    r->at_start = 0;
    r->after_seek = 1;
    return read_packet(r); /* skips to the first key packet */
}

int vs_reader_seek_by_scan(VsReader *r, int64_t ts)
{
    VsSource *src = r->src;
    const VsKeyIndex *k = &src->keys;
    size_t j = vs_first_time_at_or_after(k->key_times, k->n_keys, vs_source_ts_to_sec(src, ts) + TIME_EPS);
    while (j > 0 && (k->key_pos[j - 1] < 0 || k->key_pts[j - 1] == AV_NOPTS_VALUE))
        j--;
    int ret = j ? byte_seek_to_key(r, k->key_pos[j - 1]) : 0;
    if (ret <= 0)
        return ret;
    /* (MPEG-PS's parser gives the first frame after a byte seek no time: it is
     * then timed by the decoder, and a landing past ts is caught by
     * vs_reader_find_frame, which seeks again before it) */
    int64_t pts = r->pkt->pts;
    if ((pts != AV_NOPTS_VALUE && pts != k->key_pts[j - 1]) || vs_lookahead_push(&r->la, r->pkt) < 0) {
        av_packet_unref(r->pkt);
        return 0;
    }
    r->scan_seeks++;
    return 1;
}

size_t vs_reader_count_key_before(const VsSource *src, double t)
{
    if (!vs_source_seeks_by_count(src))
        return 0;
    /* the frame shown at t: frame i is shown at i / rate */
    return vs_keyindex_count_before(&src->keys, (int64_t)floor((t + TIME_EPS) * vs_source_frame_rate(src)));
}

/* An elementary stream has no times to seek by: seek by byte position to the
 * last key at or before ts whose frame number the scan knows (a closed GOP
 * start, VsKeyIndex.count_frame), check the landing (the first key packet read
 * is at that key's position) and count frames on from that number. 1 done, 0
 * not possible (then decoding from the start counts), or a read error. */
static int seek_by_count(VsReader *r, int64_t ts)
{
    VsSource *src = r->src;
    const VsKeyIndex *k = &src->keys;
    /* ts is the planned time rounded down to the time base: a key a tick later is on it */
    size_t j = vs_reader_count_key_before(src, vs_source_ts_to_sec(src, ts + 1));
    int ret = j ? byte_seek_to_key(r, k->count_pos[j - 1]) : 0;
    if (ret <= 0)
        return ret;
    if (r->pkt->pos != k->count_pos[j - 1] || vs_lookahead_push(&r->la, r->pkt) < 0) {
        av_packet_unref(r->pkt);
        return 0;
    }
    r->output_frames = k->count_frame[j - 1]; /* frame_time() counts on from here */
    r->scan_seeks++;
    return 1;
}

/* Seek so that decoding resumes at a keyframe at or before timestamp ts. */
int vs_reader_seek_before(VsReader *r, int64_t ts)
{
    VsSource *src = r->src;
    if (src->no_timestamps) { /* no time to seek by: count frames from a key the scan knows, or the start */
        int ret = seek_by_count(r, ts);
        return ret < 0 ? ret : ret ? 0 : seek_to_start(r);
    }
    if (vs_source_seeks_by_scan(src)) {
        int ret = vs_reader_seek_by_scan(r, ts);
        if (ret != 0)
            return ret < 0 ? ret : 0;
    }
    if (vs_source_never_seeks(src) || av_seek_frame(src->fmt, src->st->index, ts, AVSEEK_FLAG_BACKWARD) < 0)
        return seek_to_start(r);
    vs_reader_restart_decoder(r);
    r->at_start = 0;
    r->after_seek = 1;
    return 0;
}

/* Is there a keyframe between the decode position and t? Then seeking skips work. */
static int worth_seeking_forward(VsReader *r, double t)
{
    /* nothing decoded yet: the position is the start (or a seek point before t) */
    double cur = r->have_next ? r->next_t : r->have_prev ? r->prev_t : 0.0;
    if (r->demux_eof || t <= cur + TIME_EPS || vs_source_never_seeks(r->src))
        return 0;
    if (r->src->no_timestamps) { /* a key to count from, shown after cur and at or before t */
        const VsKeyIndex *k = &r->src->keys;
        size_t j = vs_reader_count_key_before(r->src, t);
        return j > 0 && (double)k->count_frame[j - 1] / stream_rate(r->src) > cur + TIME_EPS;
    }
    AVStream *st = r->src->st;
    if (vs_source_seeks_by_scan(r->src)) { /* a keyframe shown after cur and at or before t */
        const VsKeyIndex *k = &r->src->keys;
        size_t j = vs_first_time_at_or_after(k->key_times, k->n_keys, t + TIME_EPS);
        return j > 0 && k->key_times[j - 1] > cur + TIME_EPS;
    }
    if (avformat_index_get_entries_count(st) <= 0)
        return t - cur > BLIND_SEEK_GAP;
    int i = av_index_search_timestamp(st, vs_source_sec_to_ts(r->src, t), AVSEEK_FLAG_BACKWARD);
    if (i < 0)
        return 0;
    const AVIndexEntry *e = avformat_index_get_entry(st, i);
    /* Index timestamps are decode times; a keyframe decodes no later than it shows. */
    return e && vs_source_ts_to_sec(r->src, e->timestamp) > cur + TIME_EPS;
}

/* Fill r->prev with the frame displayed at t (possibly r->next when t precedes
 * the first frame; then *use_next is set). */
int vs_reader_find_frame(VsReader *r, double t, int *use_next)
{
    int retries = 0;
    *use_next = 0;
    if ((r->have_prev && t + TIME_EPS < r->prev_t) || worth_seeking_forward(r, t)) {
        int ret = vs_reader_seek_before(r, vs_source_sec_to_ts(r->src, t));
        if (ret < 0)
            return ret;
    }
    for (;;) {
        if (!r->have_next) {
            int ret = vs_reader_decode_one(r, r->next);
            if (ret < 0)
                return ret;
            if (ret == 0) {
                if (r->have_prev)
                    return 0; /* past the last frame: the last frame stays displayed */
                if (r->at_start)
                    return vs_error(VS_ERR_NO_VIDEO, "%s: no decodable video frame", r->src->info.path);
                goto seek_earlier; /* a seek landed in an undecodable tail */
            }
            r->have_next = 1;
            r->next_t = r->last_t; /* decode_one timed it (frames without a timestamp count on) */
        }
        if (r->next_t <= t + TIME_EPS) {
            AVFrame *tmp = r->prev;
            r->prev = r->next;
            r->next = tmp;
            av_frame_unref(r->next);
            r->prev_t = r->next_t;
            r->have_prev = 1;
            r->have_next = 0;
            continue;
        }
        if (r->have_prev)
            return 0;
        if (r->at_start) {
            *use_next = 1; /* t precedes the first frame */
            return 0;
        }
    seek_earlier:
        /* The seek landed after t: go back one keyframe, or to the start. */
        if (++retries > MAX_SEEK_RETRIES || r->key_dts == AV_NOPTS_VALUE) {
            int ret = seek_to_start(r);
            if (ret < 0)
                return ret;
        } else {
            int ret = vs_reader_seek_before(r, r->key_dts - 1);
            if (ret < 0)
                return ret;
        }
    }
}

/* How far past the last frame's start a time may lie and still be shown by
 * it: a second, or two frame intervals for slide-show-like rates. */
static double end_slack(const VsReader *r)
{
    double fps = stream_rate(r->src);
    return 2.0 / fps > 1.0 ? 2.0 / fps : 1.0;
}

/* The views of frame into out's own buffers (made on first use, kept with the slot). */
static int keep_views(VsReader *r, const AVFrame *frame, VsFetched *out)
{
    if (!out->tensors) {
        if (!(out->tensors = calloc(r->nviews, sizeof(*out->tensors))))
            return vs_error(VS_ERR_NOMEM, "%s: out of memory", r->src->info.path);
        out->ntensors = r->nviews;
        for (size_t v = 0; v < r->nviews; v++)
            if (!(out->tensors[v] = malloc(r->view_bytes[v])))
                return vs_error(VS_ERR_NOMEM, "%s: out of memory", r->src->info.path);
    }
    int ret = vs_backend_run(&r->prep, frame, r->src->info.rotation, out->tensors);
    out->has_tensors = ret >= 0;
    return ret;
}

/* The frame's thumbnail into out's own buffer (made on first use, kept with the slot). */
static int make_thumb(VsReader *r, const AVFrame *frame, VsFetched *out)
{
    if (!out->thumb && !(out->thumb = malloc(VS_THUMB_BYTES)))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", r->src->info.path);
    return vs_thumb_make(&r->thumb_sws, frame, out->thumb, r->src->info.path);
}

/* The next planned frame into out (a reference): 1, 0 at the end of the
 * plan, or an error. Runs on the prefetch thread when there is one. */
static int fetch_next(void *opaque, VsFetched *out)
{
    VsReader *r = opaque;
    if (r->pos >= r->n)
        return 0;
    double t = r->times[r->pos];
    int use_next;
    int ret = r->approx ? vs_reader_find_frame_approx(r, t, &use_next) : vs_reader_find_frame(r, t, &use_next);
    if (ret < 0)
        return ret;
    const AVFrame *frame = use_next ? r->next : r->prev;
    double pts = use_next ? r->next_t : r->prev_t;
    if (r->demux_eof && !r->have_next && t < r->src->info.duration && t > pts + end_slack(r)) {
        /* Repeating the last frame for the missing tail would hand a
         * training run frames that were never in the video. */
        return vs_error(VS_ERR_INVALID_DATA, "%s: truncated or wrong header: frames end at %.3f s, "
                        "the header says %.3f s (asked for %.3f s)", r->src->info.path, pts,
                        r->src->info.duration, t);
    }
    av_frame_unref(out->frame);
    out->has_tensors = 0;
    if (r->want_thumbs && (ret = make_thumb(r, frame, out)) < 0)
        return ret;
    if (r->preprocess_ahead) { /* a split decoder: the views, made here, on this decoder's thread */
        if ((ret = keep_views(r, frame, out)) < 0)
            return ret;
    } else if ((ret = av_frame_ref(out->frame, frame)) < 0) {
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", r->src->info.path);
    }
    out->index = r->pos;
    out->target = t;
    out->pts = pts;
    out->clip = r->clips ? r->clips[r->pos] : -1;
    r->pos++;
    return 1;
}

/* The next fetched item (a frame, the end, or an error), from the prefetch
 * thread or fetched here; give_back() when done with its frame. */
static VsFetched *take(VsReader *r)
{
    if (r->nchildren) { /* the child decoding this stretch has it next in its queue */
        if (r->pos >= r->n) {
            r->fetched.status = 0;
            return &r->fetched;
        }
        VsFetched *f = vs_prefetch_next(&r->children[r->child_of[r->pos]]->prefetch);
        f->index = r->pos; /* the child counts in its own stretch */
        return f;
    }
    if (r->prefetch.running)
        return vs_prefetch_next(&r->prefetch);
    VsFetched *f = &r->fetched;
    f->status = fetch_next(r, f);
    if (f->status < 0)
        vs_keep_text(&f->msg, vs_last_error());
    return f;
}

static void give_back(VsReader *r, VsFetched *f)
{
    if (r->nchildren) {
        if (f->status > 0)
            vs_prefetch_release(&r->children[r->child_of[r->pos++]]->prefetch);
        return;
    }
    if (r->prefetch.running)
        vs_prefetch_release(&r->prefetch);
    else
        av_frame_unref(f->frame);
}

/* A failed reader stays failed, with the same message. */
static int fail_with(VsReader *r, int code, const char *msg)
{
    r->failed = code;
    vs_keep_text(&r->failed_msg, msg);
    return vs_error(code, "%s", vs_text(msg));
}

static void set_info(VsFrameInfo *info, const VsFetched *f)
{
    if (info) {
        info->index = f->index;
        info->target = f->target;
        info->pts = f->pts;
        info->clip = f->clip;
    }
}

/* Vulkan: gather up to VS_READER_BATCH frames, preprocess them in one call
 * (shared submissions, uploads overlapping the device's work) into the
 * reader's own buffers, then hand them out one by one. An error met while
 * gathering is reported after the frames before it. */
static int fill_batch(VsReader *r)
{
    VsBatch *b = &r->batch;
    const AVFrame *frames[VS_READER_BATCH];
    int rotations[VS_READER_BATCH];
    void *const *dst_sets[VS_READER_BATCH];
    b->count = b->next = 0;
    while (b->count < VS_READER_BATCH && !b->pending_status) {
        VsFetched *f = take(r);
        if (f->status <= 0) {
            b->pending_status = f->status ? f->status : 1; /* 1: the end */
            vs_keep_text(&b->pending_msg, vs_text(f->msg));
            break;
        }
        int ret = av_frame_ref(b->frames[b->count], f->frame);
        if (r->want_thumbs) /* before the slot goes back to the decoding thread */
            memcpy(b->thumbs + (size_t)b->count * VS_THUMB_BYTES, f->thumb, VS_THUMB_BYTES);
        VsFetched copy = *f;
        give_back(r, f);
        if (ret < 0) {
            b->pending_status = VS_ERR_NOMEM;
            vs_keep_text(&b->pending_msg, NULL); /* reads "out of memory" */
            break;
        }
        b->info[b->count].index = copy.index;
        b->info[b->count].target = copy.target;
        b->info[b->count].pts = copy.pts;
        b->info[b->count].clip = copy.clip;
        b->count++;
    }
    for (int i = 0; i < b->count; i++) {
        frames[i] = b->frames[i];
        rotations[i] = r->src->info.rotation;
        for (size_t v = 0; v < r->nviews; v++)
            b->dsts[(size_t)i * r->nviews + v] = b->out[v] + (size_t)i * r->view_bytes[v];
        dst_sets[i] = &b->dsts[(size_t)i * r->nviews];
    }
    int ret = b->count ? vs_backend_run_batch(&r->prep, frames, rotations, (size_t)b->count, dst_sets) : 0;
    for (int i = 0; i < b->count; i++)
        av_frame_unref(b->frames[i]);
    if (ret < 0)
        return fail_with(r, ret, vs_last_error());
    return 0;
}

static int next_batched(VsReader *r, void *const *dst, VsFrameInfo *info, uint8_t *thumb)
{
    VsBatch *b = &r->batch;
    if (b->next == b->count) {
        if (b->pending_status) /* the end, or the error met while gathering */
            return b->pending_status > 0 ? 0 : fail_with(r, b->pending_status, b->pending_msg);
        int ret = fill_batch(r);
        if (ret < 0)
            return ret;
        if (!b->count)
            return b->pending_status > 0 ? 0 : fail_with(r, b->pending_status, b->pending_msg);
    }
    int i = b->next++;
    for (size_t v = 0; v < r->nviews; v++)
        if (dst[v])
            memcpy(dst[v], b->out[v] + (size_t)i * r->view_bytes[v], r->view_bytes[v]);
    if (info)
        *info = b->info[i];
    if (thumb)
        memcpy(thumb, b->thumbs + (size_t)i * VS_THUMB_BYTES, VS_THUMB_BYTES);
    return 1;
}

int vs_reader_next(VsReader *r, void *const *dst, VsFrameInfo *info)
{
    if (!r)
        return vs_error(VS_ERR_INVALID_ARG, "vs_reader_next: NULL reader");
    return vs_reader_next_thumb(r, dst, info, NULL);
}

int vs_reader_next_thumb(VsReader *r, void *const *dst, VsFrameInfo *info, uint8_t *thumb)
{
    if (r->failed)
        return vs_error(r->failed, "%s", vs_text(r->failed_msg));
    if (thumb && !r->want_thumbs)
        return vs_error(VS_ERR_INTERNAL, "%s: a thumbnail asked of a reader opened without them", r->src->info.path);
    if (dst && r->batch.out)
        return next_batched(r, dst, info, thumb);
    VsFetched *f = take(r);
    int ret = f->status;
    if (ret < 0)
        return fail_with(r, ret, f->msg);
    if (ret == 0)
        return 0;
    if (dst && f->has_tensors) { /* preprocessed by the split decoder that fetched it */
        for (size_t v = 0; v < f->ntensors; v++)
            if (dst[v])
                memcpy(dst[v], f->tensors[v], r->view_bytes[v]);
    } else if (dst && (ret = vs_backend_run(&r->prep, f->frame, r->src->info.rotation, dst)) < 0) {
        give_back(r, f);
        return ret;
    }
    set_info(info, f);
    if (thumb)
        memcpy(thumb, f->thumb, VS_THUMB_BYTES);
    give_back(r, f);
    return 1;
}

/* Does every planned time fall on a keyframe (the keyframes strategy)? Then
 * no other frame can be shown at any of them, and none is needed to decode a
 * keyframe: the reader hands the decoder the key packets only. Not where
 * packets lack times: the decoder then times a frame from the packets after it. */
static int all_on_keyframes(const VsSource *src, const double *sorted, size_t n)
{
    const VsKeyIndex *k = &src->keys;
    if (!n || !k->built || !k->n_keys || k->guessed || src->no_timestamps)
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = vs_first_time_at_or_after(k->key_times, k->n_keys, sorted[i] - TIME_EPS);
        if (j == k->n_keys || k->key_times[j] > sorted[i] + TIME_EPS)
            return 0;
    }
    return 1;
}

/* Buffers for VS_READER_BATCH frames of every view: the Vulkan backend
 * preprocesses frames in batches (next_batched). */
static int batch_init(VsReader *r, size_t nviews)
{
    VsBatch *b = &r->batch;
    if (!(b->out = calloc(nviews, sizeof(*b->out))) ||
        !(b->dsts = calloc(nviews * VS_READER_BATCH, sizeof(*b->dsts))))
        return VS_ERR_NOMEM;
    for (size_t v = 0; v < nviews; v++) {
        if (!(b->out[v] = malloc(r->view_bytes[v] * VS_READER_BATCH)))
            return VS_ERR_NOMEM;
    }
    for (int i = 0; i < VS_READER_BATCH; i++)
        if (!(b->frames[i] = av_frame_alloc()))
            return VS_ERR_NOMEM;
    if (r->want_thumbs && !(b->thumbs = malloc((size_t)VS_READER_BATCH * VS_THUMB_BYTES)))
        return VS_ERR_NOMEM;
    return 0;
}

static void batch_free(VsReader *r)
{
    VsBatch *b = &r->batch;
    for (size_t v = 0; b->out && v < r->nviews; v++)
        free(b->out[v]);
    free(b->out);
    free(b->dsts);
    free(b->thumbs);
    free(r->view_bytes);
    for (int i = 0; i < VS_READER_BATCH; i++)
        av_frame_free(&b->frames[i]);
    vs_keep_text(&b->pending_msg, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int vs_reader_check_settings(const VsSource *src, const VsReaderSettings *settings)
{
    if (settings && (settings->prefetch > VS_PREFETCH_USER_MAX || settings->segments < 0))
        return vs_error(VS_ERR_INVALID_ARG, "%s: prefetch %d (at most %d) or segments %d out of range",
                        src->info.path, settings->prefetch, VS_PREFETCH_USER_MAX, settings->segments);
    return 0;
}

int vs_reader_open(VsReader **out, VsSource *src, const VsPlan *plan, const VsView *views,
                   size_t nviews, const VsReaderSettings *settings)
{
    if (!out || !src || !plan || (nviews && !views))
        return vs_error(VS_ERR_INVALID_ARG, "vs_reader_open: NULL argument");
    int ret = vs_reader_check_settings(src, settings);
    if (ret < 0)
        return ret;
    if (vs_plan_dedup_pending(plan))
        return vs_error(VS_ERR_INVALID_ARG, "%s: strategy '%s': which times to drop is decided from the "
                        "frames: call vs_plan_dedup (or open a sample) before reading", src->info.path,
                        vs_plan_strategy(plan));
    return vs_reader_open_times(out, src, vs_plan_times(plan), vs_plan_clips(plan), vs_plan_count(plan),
                                views, nviews, settings, VS_READER_MAY_SPLIT);
}

int vs_reader_open_times(VsReader **out, VsSource *src, const double *times, const int32_t *clips, size_t n,
                         const VsView *views, size_t nviews, const VsReaderSettings *settings, unsigned flags)
{
    int may_split = !!(flags & VS_READER_MAY_SPLIT);
    *out = NULL;
    VsReader *r = calloc(1, sizeof(*r));
    if (!r)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
    int ret = VS_ERR_NOMEM;
    r->src = src;
    r->n = n;
    r->times = malloc((r->n ? r->n : 1) * sizeof(*r->times));
    r->pkt = av_packet_alloc();
    r->prev = av_frame_alloc();
    r->next = av_frame_alloc();
    r->fetched.frame = av_frame_alloc();
    if (!r->times || !r->pkt || !r->prev || !r->next || !r->fetched.frame)
        goto fail;
    vs_copy(r->times, times, r->n * sizeof(*r->times));
    if (!(r->sorted = malloc((r->n ? r->n : 1) * sizeof(*r->sorted))) || vs_lookahead_init(&r->la) < 0)
        goto fail;
    vs_copy(r->sorted, r->times, r->n * sizeof(*r->sorted));
    vs_sort(r->sorted, r->n, sizeof(*r->sorted), cmp_double);
    if (clips) {
        r->clips = malloc((r->n ? r->n : 1) * sizeof(*r->clips));
        if (!r->clips)
            goto fail;
        vs_copy(r->clips, clips, r->n * sizeof(*r->clips));
    }
    for (size_t i = 0; i < nviews; i++) {
        if ((ret = vs_view_validate(&views[i])) < 0)
            goto fail;
        VsView resolved = views[i];
        if (views[i].resize == VS_RESIZE_SMART &&
            ((ret = vs_view_resolve(&resolved, src->info.display_width, src->info.display_height, r->n)) < 0 ||
             resolved.width != views[i].width || resolved.height != views[i].height)) {
            if (ret >= 0)
                ret = vs_error(VS_ERR_INVALID_ARG, "view %s: smart size %dx%d is not the one for %s "
                               "(%dx%d): call vs_view_resolve", views[i].name, views[i].width,
                               views[i].height, src->info.path, resolved.width, resolved.height);
            goto fail;
        }
    }
    if (settings && settings->seek != VS_SEEK_EXACT && settings->seek != VS_SEEK_APPROXIMATE) {
        ret = vs_error(VS_ERR_INVALID_ARG, "%s: unknown seek mode %d", src->info.path, settings->seek);
        goto fail;
    }
    r->approx = settings && settings->seek == VS_SEEK_APPROXIMATE;
    r->want_thumbs = !!(flags & VS_READER_THUMBS);
    r->keys_only = all_on_keyframes(src, r->sorted, r->n);
    if (nviews && (ret = vs_backend_open(&r->prep, views, nviews, settings)) < 0)
        goto fail;
    if (nviews && !(r->view_bytes = calloc(nviews, sizeof(*r->view_bytes))))
        goto fail;
    r->nviews = nviews;
    for (size_t v = 0; v < nviews; v++)
        r->view_bytes[v] = vs_view_frame_bytes(&views[v]);
    /* a split decoder given views (fetch_parallel.c) hands out views it made itself */
    r->preprocess_ahead = !may_split && nviews > 0;
    if (nviews && r->prep.kind == VS_BACKEND_VULKAN && (ret = batch_init(r, nviews)) < 0)
        goto fail;
    r->key_pts = r->key_dts = AV_NOPTS_VALUE;
    r->at_start = 1;
    /* A sorted plan over an indexed video: stretches of it decoded by
     * independent decoders at once (fetch_parallel.c). */
    if (may_split && (ret = vs_reader_split(r, views, nviews, settings)) < 0)
        goto fail;
    if (r->nchildren) {
        *out = r;
        return 0;
    }
    if (src->used && (ret = seek_to_start(r)) < 0)
        goto fail;
    src->used = 1;
    /* Decode ahead while the caller preprocesses and writes: worth a thread
     * when there is more than one frame to fetch. */
    int depth = settings && settings->prefetch ? settings->prefetch : 3;
    if (depth > 0 && r->n > 1 && (ret = vs_prefetch_start(&r->prefetch, depth, fetch_next, r)) < 0) {
        vs_error(ret, "%s: cannot start the decoding thread", src->info.path);
        goto fail;
    }
    *out = r;
    return 0;
fail:
    if (ret == VS_ERR_NOMEM)
        vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
    vs_reader_close(&r);
    return ret;
}

void vs_reader_close(VsReader **pr)
{
    if (!pr || !*pr)
        return;
    VsReader *r = *pr;
    vs_prefetch_stop(&r->prefetch);
    vs_reader_close_children(r);
    batch_free(r);
    vs_backend_close(&r->prep);
    vs_fetched_free(&r->fetched);
    vs_keep_text(&r->failed_msg, NULL);
    sws_freeContext(r->thumb_sws);
    av_packet_free(&r->pkt);
    av_frame_free(&r->prev);
    av_frame_free(&r->next);
    vs_lookahead_free(&r->la);
    if (r->src && r->src->dec)
        r->src->dec->skip_frame = AVDISCARD_DEFAULT;
    free(r->times);
    free(r->sorted);
    free(r->clips);
    free(r);
    *pr = NULL;
}

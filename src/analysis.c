/* analysis: decode the video once, cheaply, into 64x36 luma thumbnails and a
 * change score per analysed frame, for the scenes strategy, which reads the
 * scores (VsPlanInput.analysis_*), never the pixels, so that its plan stays a
 * pure function. (dedup decides from the frames fetched for its candidate
 * times instead: src/dedup.c, src/sample_spool.c.)
 *
 * Where the container has an index, the video is cut at keyframes into
 * stretches decoded at once by single-threaded decoders of their own, as the
 * split fetch does (src/fetch_parallel.c): one decoder with frame threads and
 * frames skipped kept about one core of two busy (10-minute 640x360 H.264:
 * 6.9 s against 3.5 s for two halves at once). Which frames are analysed is a
 * rule of each frame's time alone (the first frame of each stride step), so the
 * stretches give the same times and scores as one pass, whatever their number.
 * (Except on a file damaged partway: one pass stops at the damage, where the
 * stretches after it still analyse theirs.) */
#include "analysis.h"
#include "source.h"
#include "thumb.h"

#include <libswscale/swscale.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_STRETCHES 4
/* Fewer keyframes than this a stretch: one pass (the cuts would be uneven). */
#define MIN_KEYS_PER_STRETCH 2

typedef struct Pass {
    VsSource *src;
    AVCodecContext *dec;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    uint8_t thumb[2][VS_THUMB_BYTES]; /* the latest analysed thumbnail and the one before */
    int cur;
    double rate;             /* for frames without a timestamp */
    double from, to;         /* this pass analyses frames shown in [from, to) */
    int64_t seek_ts;         /* a stretch after the first starts at this keyframe (index time) */
    int done;                /* a frame at or past `to` came out */
    uint8_t first[2][VS_THUMB_BYTES]; /* the first two analysed, for the join */
    VsAnalysis out;
    int ret;                 /* a stretch's result, and its message */
    char *msg;
} Pass;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int open_decoder(Pass *p, int skip_nonref)
{
    const AVCodecParameters *par = p->src->st->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec || !(p->dec = avcodec_alloc_context3(codec)))
        return vs_error(codec ? VS_ERR_NOMEM : VS_ERR_UNSUPPORTED, "%s: analysis: cannot open a decoder",
                        p->src->info.path);
    int ret = avcodec_parameters_to_context(p->dec, par);
    if (ret < 0)
        return vs_error(vs_error_from_av(ret), "%s: analysis: bad codec parameters", p->src->info.path);
    p->dec->pkt_timebase = p->src->st->time_base;
    p->dec->thread_count = p->src->threads;
    p->dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    /* deblocking changes nothing a 64x36 average can see */
    p->dec->skip_loop_filter = AVDISCARD_ALL;
    if (skip_nonref)
        p->dec->skip_frame = AVDISCARD_NONREF;
    if ((ret = avcodec_open2(p->dec, codec, NULL)) < 0)
        return vs_error(vs_error_from_av(ret), "%s: analysis: cannot open the decoder: %s", p->src->info.path,
                        av_err2str(ret));
    return 0;
}

/* The stride step a time falls in (every frame its own when the stride is 0). */
static double step_of(double t, double stride)
{
    return stride > 0 ? floor(t / stride + 1e-9) : t;
}

static int add_frame(Pass *p, const AVFrame *f)
{
    VsAnalysis *a = &p->out;
    int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    double last = a->n ? a->times[a->n - 1] : -INFINITY;
    double t = ts != AV_NOPTS_VALUE && !p->src->no_timestamps ? vs_source_ts_to_sec(p->src, ts)
                                                               : (a->n ? last + 1.0 / p->rate : 0.0);
    if (t < p->from - 1e-7)
        return 0; /* the stretch before holds it */
    if (t >= p->to - 1e-7) {
        p->done = 1;
        return 0;
    }
    if (t <= last || (a->n && step_of(t, a->stride) == step_of(last, a->stride)))
        return 0; /* a repeated time, or not the first frame of its step */
    int ret = vs_thumb_make(&p->sws, f, p->thumb[p->cur], p->src->info.path);
    if (ret < 0)
        return ret;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        double *times = realloc(a->times, cap * sizeof(*times));
        if (times)
            a->times = times;
        double *scores = times ? realloc(a->scores, cap * sizeof(*scores)) : NULL;
        if (!scores)
            return vs_error(VS_ERR_NOMEM, "%s: analysis: out of memory", p->src->info.path);
        a->scores = scores;
        a->cap = cap;
    }
    if (a->n < 2)
        memcpy(p->first[a->n], p->thumb[p->cur], VS_THUMB_BYTES);
    a->times[a->n] = t;
    a->scores[a->n] = a->n ? vs_thumb_change(p->thumb[p->cur], p->thumb[!p->cur]) : 0.0;
    a->n++;
    p->cur = !p->cur;
    return 0;
}

/* Every frame the decoder has ready. */
static int drain(Pass *p)
{
    int ret;
    while (!p->done && (ret = avcodec_receive_frame(p->dec, p->frame)) >= 0) {
        ret = add_frame(p, p->frame);
        av_frame_unref(p->frame);
        if (ret < 0)
            return ret;
    }
    return 0; /* EAGAIN, the end, or a damaged frame, which is skipped */
}

static int decode_stretch(Pass *p)
{
    VsSource *src = p->src;
    int ret;
    if (p->seek_ts != AV_NOPTS_VALUE) {
        if ((ret = av_seek_frame(src->fmt, src->st->index, p->seek_ts, AVSEEK_FLAG_BACKWARD)) < 0)
            return vs_error(vs_error_from_av(ret), "%s: analysis: cannot seek: %s", src->info.path, av_err2str(ret));
    } else if (src->used && (ret = vs_source_rewind(src)) < 0) {
        return ret;
    }
    src->used = 1;
    while (!p->done) {
        if (src->input.interrupt.callback && src->input.interrupt.callback(src->input.interrupt.opaque))
            return vs_error(VS_ERR_CANCELLED, "%s: analysis: cancelled", src->info.path);
        ret = av_read_frame(src->fmt, p->pkt);
        if (ret == AVERROR_EOF)
            break;
        if (ret < 0) {
            int in = vs_source_input_error(src);
            if (in < 0)
                return in;
            break; /* damaged data at the end: what was read stands */
        }
        if (p->pkt->stream_index == src->st->index)
            avcodec_send_packet(p->dec, p->pkt); /* a damaged packet only costs its frame */
        av_packet_unref(p->pkt);
        if ((ret = drain(p)) < 0)
            return ret;
    }
    if (!p->done)
        avcodec_send_packet(p->dec, NULL);
    return drain(p);
}

static int pass_run(Pass *p, int skip_nonref)
{
    if (!(p->frame = av_frame_alloc()) || !(p->pkt = av_packet_alloc()))
        return vs_error(VS_ERR_NOMEM, "%s: analysis: out of memory", p->src->info.path);
    int ret = open_decoder(p, skip_nonref);
    return ret < 0 ? ret : decode_stretch(p);
}

static void pass_free(Pass *p)
{
    av_frame_free(&p->frame);
    av_packet_free(&p->pkt);
    avcodec_free_context(&p->dec);
    sws_freeContext(p->sws);
    p->sws = NULL;
    vs_analysis_free(&p->out);
    vs_keep_text(&p->msg, NULL);
}

typedef struct Job {
    Pass *pass;
    int skip_nonref;
} Job;

static void *stretch_thread(void *arg)
{
    Job *j = arg;
    if ((j->pass->ret = pass_run(j->pass, j->skip_nonref)) < 0)
        vs_keep_text(&j->pass->msg, vs_last_error());
    return NULL;
}

/* Keyframes to cut at, from the container's index: cut[k] (k = 1 .. n - 1) is
 * the index time of the keyframe starting stretch k, from[k] the time it is
 * shown (its packet's pts, read after a seek there). Returns the stretch
 * count; 1 when the video is not worth cutting or cannot be. */
static size_t plan_stretches(VsSource *src, int64_t *cut, double *from)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = src->threads == 1 || cores < 2 ? 1 : cores > MAX_STRETCHES ? MAX_STRETCHES : (size_t)cores;
    if (want < 2 || !src->indexed || src->no_timestamps || !vs_source_can_reopen(src))
        return 1;
    int entries = avformat_index_get_entries_count(src->st);
    int64_t *keys = malloc((entries > 0 ? (size_t)entries : 1) * sizeof(*keys));
    size_t nk = 0;
    for (int i = 0; keys && i < entries; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(src->st, i);
        if (e && (e->flags & AVINDEX_KEYFRAME) && (!nk || e->timestamp > keys[nk - 1]))
            keys[nk++] = e->timestamp;
    }
    size_t n = 1;
    AVPacket *pkt = av_packet_alloc();
    if (keys && pkt && nk >= want * MIN_KEYS_PER_STRETCH) {
        src->used = 1; /* the probes read packets: whoever decodes next rewinds */
        for (size_t k = 1; k < want; k++) {
            int64_t ts = keys[k * nk / want];
            double shown = NAN;
            if (av_seek_frame(src->fmt, src->st->index, ts, AVSEEK_FLAG_BACKWARD) < 0)
                break;
            while (av_read_frame(src->fmt, pkt) >= 0) {
                int key = pkt->stream_index == src->st->index && (pkt->flags & AV_PKT_FLAG_KEY);
                if (key && pkt->pts != AV_NOPTS_VALUE)
                    shown = vs_source_ts_to_sec(src, pkt->pts);
                av_packet_unref(pkt);
                if (key)
                    break;
            }
            if (!isfinite(shown) || shown <= from[n - 1])
                break; /* a probe that tells nothing: the stretches so far */
            cut[n] = ts;
            from[n++] = shown;
        }
    }
    av_packet_free(&pkt);
    free(keys);
    return n;
}

/* The stretches' analyses, end to end: the first analysed frame of a stretch
 * is dropped when it shares its step with the last of the stretch before (one
 * pass would not have analysed it), and the first kept one is scored against
 * that last frame. */
static int join(Pass *p, size_t n, VsAnalysis *out)
{
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += p[k].out.n;
    if (!total)
        return 0;
    if (!(out->times = malloc(total * sizeof(double))) || !(out->scores = malloc(total * sizeof(double))))
        return vs_error(VS_ERR_NOMEM, "%s: analysis: out of memory", p[0].src->info.path);
    const uint8_t *last = NULL;
    for (size_t k = 0; k < n; k++) {
        const VsAnalysis *a = &p[k].out;
        size_t j = 0;
        if (out->n && a->n && (a->times[0] <= out->times[out->n - 1] ||
                               step_of(a->times[0], out->stride) == step_of(out->times[out->n - 1], out->stride)))
            j = 1;
        for (size_t i = j; i < a->n; i++, out->n++) {
            out->times[out->n] = a->times[i];
            out->scores[out->n] = i > j ? a->scores[i] : last ? vs_thumb_change(p[k].first[i], last) : 0.0;
        }
        if (a->n > j)
            last = p[k].thumb[!p[k].cur]; /* the latest analysed */
    }
    return 0;
}

int vs_analysis_run(VsSource *src, VsAnalysis *out)
{
    double t0 = now();
    memset(out, 0, sizeof(*out));
    VsRational q = src->info.avg_frame_rate.num > 0 ? src->info.avg_frame_rate : src->info.real_frame_rate;
    double rate = q.num > 0 && q.den > 0 ? (double)q.num / q.den : 25.0;
    int is_long = src->info.duration > VS_ANALYSIS_SHORT_S;
    out->stride = is_long ? 1.0 / VS_ANALYSIS_LONG_RATE : 0.0;
    int skip_nonref = is_long && rate > 2 * VS_ANALYSIS_LONG_RATE;

    Pass p[MAX_STRETCHES];
    Job jobs[MAX_STRETCHES];
    pthread_t threads[MAX_STRETCHES];
    int64_t cut[MAX_STRETCHES] = {AV_NOPTS_VALUE};
    double from[MAX_STRETCHES] = {-INFINITY};
    memset(p, 0, sizeof(p));
    size_t n = plan_stretches(src, cut, from), started = 0;
    int ret = 0;
    for (size_t k = 0; k < n; k++) {
        p[k] = (Pass){.src = src, .rate = rate, .from = from[k], .to = k + 1 < n ? from[k + 1] : INFINITY,
                      .seek_ts = cut[k]};
        p[k].out.stride = out->stride;
        /* a stretch decodes single-threaded on a reading of its own: the stretches are the parallelism */
        if (n > 1 && (ret = vs_source_reopen(&p[k].src, src, 1)) < 0)
            break;
    }
    if (ret >= 0 && n == 1) {
        ret = pass_run(&p[0], skip_nonref);
    } else if (ret >= 0) {
        for (; started < n; started++) {
            jobs[started] = (Job){&p[started], skip_nonref};
            if (pthread_create(&threads[started], NULL, stretch_thread, &jobs[started])) {
                ret = vs_error(VS_ERR_NOMEM, "%s: analysis: cannot start a decoding thread", src->info.path);
                break;
            }
        }
        for (size_t k = 0; k < started; k++)
            pthread_join(threads[k], NULL);
        for (size_t k = 0; ret >= 0 && k < started; k++)
            if (p[k].ret < 0)
                ret = vs_error(p[k].ret, "%s", vs_text(p[k].msg));
    }
    if (ret >= 0)
        ret = join(p, n, out);
    if (ret >= 0 && !out->n)
        ret = vs_error(VS_ERR_NO_VIDEO, "%s: analysis: no frame decoded", src->info.path);
    for (size_t k = 0; k < n; k++) {
        pass_free(&p[k]);
        if (p[k].src != src)
            vs_source_close(&p[k].src);
    }
    out->cap = 0;
    if (ret < 0)
        vs_analysis_free(out);
    out->seconds = now() - t0;
    return ret < 0 ? ret : 0;
}

void vs_analysis_free(VsAnalysis *a)
{
    free(a->times);
    free(a->scores);
    a->times = a->scores = NULL;
    a->n = a->cap = 0;
}

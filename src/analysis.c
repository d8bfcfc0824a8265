/* analysis: decode the video once, cheaply, into 64x36 luma thumbnails and a
 * change score per analysed frame, for the scenes strategy, which reads the
 * scores (VsPlanInput.analysis_*), never the pixels, so that its plan stays a
 * pure function. (dedup decides from the frames fetched for its candidate
 * times instead: src/dedup.c, src/sample_spool.c.) */
#include "analysis.h"
#include "source.h"
#include "thumb.h"

#include <libswscale/swscale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Pass {
    VsSource *src;
    AVCodecContext *dec;
    AVFrame *frame;
    AVPacket *pkt;
    struct SwsContext *sws;
    uint8_t thumb[2][VS_THUMB_BYTES]; /* the latest analysed thumbnail and the one before */
    int cur;
    double rate;             /* for frames without a timestamp */
    double next_due;         /* the next time a frame is analysed from */
    VsAnalysis *out;
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

static int add_frame(Pass *p, const AVFrame *f)
{
    VsAnalysis *a = p->out;
    int64_t ts = f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
    double last = a->n ? a->times[a->n - 1] : -INFINITY;
    double t = ts != AV_NOPTS_VALUE && !p->src->no_timestamps ? vs_source_ts_to_sec(p->src, ts)
                                                               : (a->n ? last + 1.0 / p->rate : 0.0);
    if (t <= last || t < p->next_due - 1e-7)
        return 0; /* a repeated time, or inside the stride */
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
    a->times[a->n] = t;
    a->scores[a->n] = a->n ? vs_thumb_change(p->thumb[p->cur], p->thumb[!p->cur]) : 0.0;
    a->n++;
    p->cur = !p->cur;
    p->next_due = t + a->stride;
    return 0;
}

/* Every frame the decoder has ready. */
static int drain(Pass *p)
{
    int ret;
    while ((ret = avcodec_receive_frame(p->dec, p->frame)) >= 0) {
        ret = add_frame(p, p->frame);
        av_frame_unref(p->frame);
        if (ret < 0)
            return ret;
    }
    (void)ret; /* EAGAIN, the end, or a damaged frame, which is skipped */
    return 0;
}

static int decode_all(Pass *p)
{
    VsSource *src = p->src;
    int ret;
    if (src->used && (ret = vs_source_rewind(src)) < 0)
        return ret;
    src->used = 1;
    for (;;) {
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
    avcodec_send_packet(p->dec, NULL);
    return drain(p);
}

int vs_analysis_run(VsSource *src, VsAnalysis *out)
{
    double t0 = now();
    Pass p = {.src = src, .out = out};
    memset(out, 0, sizeof(*out));
    VsRational q = src->info.avg_frame_rate.num > 0 ? src->info.avg_frame_rate : src->info.real_frame_rate;
    p.rate = q.num > 0 && q.den > 0 ? (double)q.num / q.den : 25.0;
    int is_long = src->info.duration > VS_ANALYSIS_SHORT_S;
    out->stride = is_long ? 1.0 / VS_ANALYSIS_LONG_RATE : 0.0;
    p.next_due = -INFINITY;
    int ret;
    if (!(p.frame = av_frame_alloc()) || !(p.pkt = av_packet_alloc()))
        ret = vs_error(VS_ERR_NOMEM, "%s: analysis: out of memory", src->info.path);
    else if ((ret = open_decoder(&p, is_long && p.rate > 2 * VS_ANALYSIS_LONG_RATE)) >= 0)
        ret = decode_all(&p);
    if (ret >= 0 && !out->n)
        ret = vs_error(VS_ERR_NO_VIDEO, "%s: analysis: no frame decoded", src->info.path);
    av_frame_free(&p.frame);
    av_packet_free(&p.pkt);
    avcodec_free_context(&p.dec);
    sws_freeContext(p.sws);
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

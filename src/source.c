/* source: open an input, choose the video stream, open its decoder, report stream info. */
#include "source.h"

#include <libavutil/display.h>
#include <libavutil/pixdesc.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Larger than any real video (16K is 15360x8640) yet small enough that a
 * frame's buffers cannot overflow size arithmetic. */
#define VS_MAX_SIDE 32768
#define VS_MAX_PIXELS (1LL << 28)

void vs_source_default_settings(VsSourceSettings *s)
{
    memset(s, 0, sizeof(*s));
}

const VsStreamInfo *vs_source_info(const VsSource *src)
{
    return src ? &src->info : NULL;
}

double vs_source_ts_to_sec(const VsSource *src, int64_t ts)
{
    return (double)(ts - src->info.start_pts) * src->info.time_base.num / src->info.time_base.den;
}

int64_t vs_source_sec_to_ts(const VsSource *src, double sec)
{
    return src->info.start_pts +
           (int64_t)floor(sec * src->info.time_base.den / src->info.time_base.num);
}

/* Demuxers seek to "the start" in their own ways (MPEG-TS by a timestamp
 * search that can land after the first keyframe), so going back to the very
 * first packet reopens the file: exact for every container. This opens it
 * again, positioned there, reading only src's stream. */
static int reopen_format(const VsSource *src, AVFormatContext **out)
{
    AVFormatContext *fmt = NULL;
    int idx = src->st->index;
    int ret = vs_input_open_format(&src->input, src->fmt->iformat, 1, &fmt);
    if (ret < 0)
        return ret; /* the message names the input and the cause */
    if (((unsigned)idx >= fmt->nb_streams ||
         fmt->streams[idx]->codecpar->codec_id != src->st->codecpar->codec_id))
        ret = avformat_find_stream_info(fmt, NULL);
    if (ret >= 0 && ((unsigned)idx >= fmt->nb_streams ||
                     fmt->streams[idx]->codecpar->codec_id != src->st->codecpar->codec_id))
        ret = AVERROR_INVALIDDATA;
    if (ret < 0) {
        int err = vs_input_error(&src->input, fmt);
        vs_input_close_format(&fmt);
        return err < 0 ? err : vs_error(vs_error_from_av(ret), "%s: cannot reopen to read from the start (%s)",
                                        src->info.path, av_err2str(ret));
    }
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        fmt->streams[i]->discard = (int)i == idx ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    *out = fmt;
    return 0;
}

int vs_source_input_error(const VsSource *src)
{
    return vs_input_error(&src->input, src->fmt);
}

int vs_source_rewind(VsSource *src)
{
    AVFormatContext *fmt = NULL;
    int idx = src->st->index, ret = reopen_format(src, &fmt);
    if (ret < 0)
        return ret;
    vs_input_close_format(&src->fmt); /* src->st goes with it */
    src->fmt = fmt;
    src->st = fmt->streams[idx];
    return 0;
}

static int is_still_image_demuxer(const char *name)
{
    size_t n = strlen(name);
    return !strcmp(name, "image2") || (n > 5 && !strcmp(name + n - 5, "_pipe"));
}

/* The best video stream that is a real video (not cover art). */
static int choose_stream(VsSource *src, const char *path)
{
    AVFormatContext *fmt = src->fmt;
    int best = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (best >= 0 && (fmt->streams[best]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        best = -1;
    for (unsigned i = 0; best < 0 && i < fmt->nb_streams; i++) {
        AVStream *st = fmt->streams[i];
        if (st->codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
            !(st->disposition & AV_DISPOSITION_ATTACHED_PIC))
            best = (int)i;
    }
    if (best < 0) {
        int audio = 0;
        for (unsigned i = 0; i < fmt->nb_streams; i++)
            audio |= fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
        return vs_error(VS_ERR_NO_VIDEO, "%s: no video stream%s", path,
                        audio ? " (audio only)" : "");
    }
    src->st = fmt->streams[best];
    for (unsigned i = 0; i < fmt->nb_streams; i++)
        fmt->streams[i]->discard = (int)i == best ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    return 0;
}

static int open_decoder(VsSource *src, const char *path)
{
    const AVCodecParameters *par = src->st->codecpar;
    const AVCodec *codec = avcodec_find_decoder(par->codec_id);
    if (!codec)
        return vs_error(VS_ERR_UNSUPPORTED, "%s: no decoder for codec '%s'", path,
                        avcodec_get_name(par->codec_id));
    src->dec = avcodec_alloc_context3(codec);
    if (!src->dec)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
    int ret = avcodec_parameters_to_context(src->dec, par);
    if (ret < 0)
        return vs_error(vs_error_from_av(ret), "%s: bad codec parameters: %s", path, av_err2str(ret));
    src->dec->pkt_timebase = src->st->time_base;
    src->dec->thread_count = src->threads;
    src->dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
    ret = avcodec_open2(src->dec, codec, NULL);
    if (ret < 0)
        return vs_error(vs_error_from_av(ret), "%s: cannot open the %s decoder: %s", path,
                        codec->name, av_err2str(ret));
    return 0;
}

static void copy_name(char *dst, size_t size, const char *name)
{
    snprintf(dst, size, "%s", name ? name : "unknown");
}

/* Rotation from the display matrix, as 0/90/180/270 counter-clockwise. */
static int stream_rotation(const AVStream *st)
{
    const uint8_t *m = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (!m)
        return 0;
    double theta = av_display_rotation_get((const int32_t *)m);
    if (isnan(theta))
        return 0;
    int deg = (int)lround(theta / 90.0) * 90;
    deg %= 360;
    return deg < 0 ? deg + 360 : deg;
}

/* Frame count, keyframes and frame rate regularity from a per-frame container
 * index (MP4/MOV has one), without reading any packet. */
static void info_from_index(VsSource *src)
{
    AVStream *st = src->st;
    int n = avformat_index_get_entries_count(st);
    if (n <= 0 || st->nb_frames <= 0 || n < st->nb_frames)
        return;
    int64_t *ts = malloc(sizeof(*ts) * (size_t)n);
    if (!ts)
        return;
    int64_t frames = 0, keys = 0, nts = 0, size = src->fmt->pb ? avio_size(src->fmt->pb) : -1;
    for (int i = 0; i < n; i++) {
        const AVIndexEntry *e = avformat_index_get_entry(st, i);
        if (!e)
            continue;
        ts[nts++] = e->timestamp; /* frames an edit list hides still pace the others */
        if (e->flags & AVINDEX_DISCARD_FRAME)
            continue;
        keys += !!(e->flags & AVINDEX_KEYFRAME);
        frames++;
        if (size > 0 && e->pos + e->size > size)
            src->frames_past_eof++;
    }
    src->info.counted_frames = frames;
    src->info.keyframes = keys;
    src->info.vfr = vs_timestamps_vary(ts, (size_t)nts);
    free(ts);
}

/* Containers without an index by design: MPEG program and transport streams
 * and elementary streams. Their demuxers note entries while probing (MPEG-PS:
 * 161 entries over a 19 s file, none between 5 s and 18 s) and seek by a
 * search over packet times, not by an index. (Matroska also starts with
 * entries only from probing, but its seeks load its cues.) */
static int index_free_format(const char *name)
{
    static const char *const names[] = {"mpeg", "mpegts", "mpegtsraw", "mpegvideo", "h264", "hevc", "m4v",
                                        "vc1", "cavsvideo", "dirac", NULL};
    for (int i = 0; names[i]; i++)
        if (!strcmp(name, names[i]))
            return 1;
    return 0;
}

static void fill_info(VsSource *src)
{
    VsStreamInfo *in = &src->info;
    AVStream *st = src->st;
    const AVCodecParameters *par = st->codecpar;

    copy_name(in->container, sizeof(in->container), src->fmt->iformat->name);
    copy_name(in->codec, sizeof(in->codec), avcodec_get_name(par->codec_id));
    in->stream_index = st->index;
    in->time_base = (VsRational){st->time_base.num, st->time_base.den};
    in->start_pts = st->start_time != AV_NOPTS_VALUE ? st->start_time : 0;
    in->start_time = in->start_pts * av_q2d(st->time_base);
    in->avg_frame_rate = (VsRational){st->avg_frame_rate.num, st->avg_frame_rate.den ? st->avg_frame_rate.den : 1};
    in->real_frame_rate = (VsRational){st->r_frame_rate.num, st->r_frame_rate.den ? st->r_frame_rate.den : 1};
    in->header_frames = st->nb_frames > 0 ? st->nb_frames : 0;
    in->counted_frames = -1;
    in->keyframes = -1;
    in->vfr = -1;

    in->coded_width = par->width;
    in->coded_height = par->height;
    in->rotation = stream_rotation(st);
    AVRational sar = av_guess_sample_aspect_ratio(src->fmt, st, NULL);
    if (sar.num <= 0 || sar.den <= 0)
        sar = (AVRational){1, 1};
    in->sample_aspect_ratio = (VsRational){sar.num, sar.den};
    int dw = (int)lround((double)par->width * sar.num / sar.den), dh = par->height;
    in->display_width = in->rotation % 180 ? dh : dw;
    in->display_height = in->rotation % 180 ? dw : dh;

    enum AVPixelFormat pf = par->format;
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(pf);
    copy_name(in->pix_fmt, sizeof(in->pix_fmt), desc ? desc->name : NULL);
    in->bit_depth = desc ? desc->comp[0].depth : 0;
    copy_name(in->color_matrix, sizeof(in->color_matrix), av_color_space_name(par->color_space));
    enum AVColorRange range = par->color_range;
    if (range == AVCOL_RANGE_UNSPECIFIED && desc && !strncmp(desc->name, "yuvj", 4))
        range = AVCOL_RANGE_JPEG;
    copy_name(in->color_range, sizeof(in->color_range), av_color_range_name(range));
    copy_name(in->color_primaries, sizeof(in->color_primaries), av_color_primaries_name(par->color_primaries));
    copy_name(in->color_transfer, sizeof(in->color_transfer), av_color_transfer_name(par->color_trc));

    if (st->duration != AV_NOPTS_VALUE && st->duration > 0) {
        in->duration = st->duration * av_q2d(st->time_base);
        in->duration_source = VS_DURATION_STREAM;
    } else if (src->fmt->duration != AV_NOPTS_VALUE && src->fmt->duration > 0) {
        double fmt_start = src->fmt->start_time != AV_NOPTS_VALUE ? src->fmt->start_time / (double)AV_TIME_BASE : 0;
        in->duration = src->fmt->duration / (double)AV_TIME_BASE - (in->start_time - fmt_start);
        in->duration_source = VS_DURATION_FORMAT;
    }
    info_from_index(src);
    /* Demuxers with a generic index add entries as they read: not an index. */
    src->index_free = index_free_format(src->fmt->iformat->name);
    src->indexed = avformat_index_get_entries_count(st) > 0 && !(src->fmt->iformat->flags & AVFMT_GENERIC_INDEX) &&
                   !src->index_free;
}

/* Without a per-frame index the header's duration and frame count are only
 * claims; a file written to a pipe leaves them missing or absurd (an AVI from
 * a pipe claims 2^30 frames). Then count, with a demux-only scan. */
static int header_needs_scan(const VsSource *src)
{
    const VsStreamInfo *in = &src->info;
    if (in->duration_source == VS_DURATION_UNKNOWN || !(in->duration > 0))
        return 1;
    /* The file's duration covers every stream: audio may run longer, and some
     * containers (FLV) count it from 0 rather than from the video's start. */
    if (in->duration_source == VS_DURATION_FORMAT)
        return 1;
    /* Measured: MPEG program streams state the duration of the first
     * timestamps, AVI with B-frames one frame short; only a per-frame index
     * (MP4/MOV) is exact without reading the packets. */
    return in->counted_frames < 0;
}

/* Containers whose packets may carry no presentation time (AVI, MPEG program
 * streams) are timed by decode order plus a guessed reorder delay: with
 * B-frames their header duration can end before the last frame starts.
 * The packet scan bounds the end by the frame count (keyindex.c). */
static int untimed_reordering(const VsSource *src)
{
    const char *name = src->fmt->iformat->name;
    if (src->dec->has_b_frames <= 0 && src->st->codecpar->video_delay <= 0)
        return 0;
    return !strcmp(name, "avi") || !strcmp(name, "mpeg");
}

/* After a scan, its exact figures replace header values. */
static void info_from_scan(VsSource *src)
{
    VsStreamInfo *in = &src->info;
    in->counted_frames = src->keys.frames;
    in->keyframes = (int64_t)src->keys.n_keys;
    in->vfr = src->keys.vfr;
    if (src->keys.end_time > 0) {
        in->duration = src->keys.end_time;
        in->duration_source = VS_DURATION_SCAN;
    }
}

int vs_source_open_input(VsSource **out, const VsInput *input, const VsSourceSettings *settings)
{
    VsSourceSettings defaults;
    if (!out || !input)
        return vs_error(VS_ERR_INVALID_ARG, "vs_source_open_input: NULL argument");
    *out = NULL;
    if (!settings) {
        vs_source_default_settings(&defaults);
        settings = &defaults;
    }
    VsSource *src = calloc(1, sizeof(*src));
    if (!src)
        return vs_error(VS_ERR_NOMEM, "vs_source_open_input: out of memory");
    int ret = vs_input_spec_init(&src->input, input, settings);
    if (ret < 0)
        goto fail;
    const char *path = src->input.name;
    src->info.path = path;
    src->threads = settings->threads > 0 ? settings->threads : 0;
    if ((ret = vs_input_open_format(&src->input, NULL, 0, &src->fmt)) < 0)
        goto fail;
    if (is_still_image_demuxer(src->fmt->iformat->name)) {
        ret = vs_error(VS_ERR_NO_VIDEO, "%s: a still image (%s), not a video", path, src->fmt->iformat->name);
        goto fail;
    }
    ret = avformat_find_stream_info(src->fmt, NULL);
    if (ret < 0) {
        int err = vs_source_input_error(src);
        ret = err < 0 ? err : vs_error(vs_error_from_av(ret), "%s: cannot read stream info (%s)", path, av_err2str(ret));
        goto fail;
    }
    if ((ret = choose_stream(src, path)) < 0)
        goto fail;
    const AVCodecParameters *par = src->st->codecpar;
    if (par->width <= 0 || par->height <= 0) {
        ret = vs_error(VS_ERR_INVALID_DATA, "%s: video stream has no picture size", path);
        goto fail;
    }
    if (par->width > VS_MAX_SIDE || par->height > VS_MAX_SIDE ||
        (int64_t)par->width * par->height > VS_MAX_PIXELS) {
        ret = vs_error(VS_ERR_UNSUPPORTED, "%s: absurd picture size %dx%d", path, par->width, par->height);
        goto fail;
    }
    if ((ret = open_decoder(src, path)) < 0)
        goto fail;
    fill_info(src);
    if (src->frames_past_eof) {
        ret = vs_error(VS_ERR_INVALID_DATA, "%s: truncated: %lld of its %lld frames lie past the end of the file",
                       path, (long long)src->frames_past_eof, (long long)src->info.counted_frames);
        goto fail;
    }
    src->exact_keys = settings->scan;
    if (settings->scan || header_needs_scan(src) || untimed_reordering(src)) {
        if ((ret = vs_keyindex_scan(src)) < 0)
            goto fail;
        info_from_scan(src);
    }
    if (!(src->info.duration > 0)) {
        ret = vs_error(VS_ERR_NO_VIDEO, "%s: video stream has no frames", path);
        goto fail;
    }
    *out = src;
    return 0;
fail:
    vs_source_close(&src);
    return ret;
}

int vs_source_open(VsSource **out, const char *path, const VsSourceSettings *settings)
{
    VsInput input = {.path = path};
    if (!out || !path)
        return vs_error(VS_ERR_INVALID_ARG, "vs_source_open: NULL argument");
    return vs_source_open_input(out, &input, settings);
}

int vs_source_reopen(VsSource **out, const VsSource *parent, int threads)
{
    *out = NULL;
    VsSource *src = calloc(1, sizeof(*src));
    if (!src)
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", parent->info.path);
    src->threads = threads;
    int ret = vs_input_spec_copy(&src->input, &parent->input);
    if (ret < 0) {
        free(src);
        return ret;
    }
    if ((ret = reopen_format(parent, &src->fmt)) < 0)
        goto fail;
    src->st = src->fmt->streams[parent->st->index];
    /* the parent's decoder setup, probed already (a header alone can be thin: MPEG-TS) */
    if ((ret = avcodec_parameters_copy(src->st->codecpar, parent->st->codecpar)) < 0) {
        ret = vs_error(vs_error_from_av(ret), "%s: out of memory", parent->info.path);
        goto fail;
    }
    if ((ret = open_decoder(src, parent->info.path)) < 0)
        goto fail;
    src->info = parent->info; /* scanned figures included: nothing is read twice */
    src->info.path = src->input.name;
    src->no_timestamps = parent->no_timestamps;
    src->indexed = parent->indexed;
    src->index_free = parent->index_free;
    src->keys = parent->keys; /* the scan's keyframes, to seek by: the parent outlives its children */
    src->keys_borrowed = 1;
    *out = src;
    return 0;
fail:
    vs_source_close(&src);
    return ret;
}

int vs_source_never_seeks(const VsSource *src)
{
    if (src->no_timestamps) /* an elementary stream: only keys it can count frames from */
        return !vs_source_seeks_by_count(src);
    return src->index_free && !vs_source_seeks_by_scan(src);
}

int vs_source_seeks_by_scan(const VsSource *src)
{
    const VsKeyIndex *k = &src->keys;
    /* most keys must carry their time: AVI's packets have none, and after a byte
     * seek its demuxer no longer knows which frame it reads */
    return !src->indexed && k->built && k->keys_with_pts * 2 > k->n_keys && !src->no_timestamps &&
           !(src->fmt->iformat->flags & AVFMT_NO_BYTE_SEEK);
}

int vs_source_seeks_by_count(const VsSource *src)
{
    return src->no_timestamps && src->keys.built && src->keys.n_count > 0 &&
           !(src->fmt->iformat->flags & AVFMT_NO_BYTE_SEEK);
}

double vs_source_frame_rate(const VsSource *src)
{
    /* the info's, probed at the first open: a reopened raw stream has not probed its rate */
    const VsStreamInfo *in = &src->info;
    VsRational q = in->avg_frame_rate.num > 0 ? in->avg_frame_rate : in->real_frame_rate;
    return q.num > 0 && q.den > 0 ? (double)q.num / q.den : 25.0;
}

int vs_source_can_reopen(const VsSource *src)
{
    return src->input.kind != VS_INPUT_IO && (!src->fmt->pb || (src->fmt->pb->seekable & AVIO_SEEKABLE_NORMAL));
}

void vs_source_close(VsSource **psrc)
{
    if (!psrc || !*psrc)
        return;
    VsSource *src = *psrc;
    avcodec_free_context(&src->dec);
    vs_input_close_format(&src->fmt);
    if (!src->keys_borrowed)
        vs_keyindex_free(&src->keys);
    vs_analysis_free(&src->analysis);
    vs_input_spec_free(&src->input);
    free(src);
    *psrc = NULL;
}

int vs_source_plan_input(VsSource *src, VsPlanInput *in)
{
    if (!src || !in)
        return vs_error(VS_ERR_INVALID_ARG, "vs_source_plan_input: NULL argument");
    memset(in, 0, sizeof(*in));
    in->duration = src->info.duration;
    /* as probed at open: a rewound MPEG-TS context has not probed its rate again */
    VsRational q = src->info.avg_frame_rate;
    in->avg_frame_rate = q.num > 0 && q.den > 0 ? (double)q.num / q.den : 0;
    in->frame_count = src->info.counted_frames > 0 ? src->info.counted_frames : src->info.header_frames;
    /* Keyframe times need a packet scan: present when the source was opened
     * with settings.scan (or had to be scanned for its duration). */
    /* Guessed keyframe times are resolved only when the scan was asked for. */
    int exact = src->keys.built && (src->exact_keys || src->keys.guessed == 0);
    in->keyframe_times = exact ? src->keys.key_times : NULL;
    in->n_keyframes = exact ? src->keys.n_keys : 0;
    in->frame_times = src->keys.built ? src->keys.frame_times : NULL;
    in->n_frame_times = src->keys.built ? (size_t)src->keys.frames : 0;
    in->packet_end = src->keys.built ? src->keys.packet_end : 0;
    if (src->analysed) {
        in->analysis_times = src->analysis.times;
        in->analysis_scores = src->analysis.scores;
        in->n_analysis = src->analysis.n;
    }
    return 0;
}

int vs_source_analyze(VsSource *src)
{
    if (!src)
        return vs_error(VS_ERR_INVALID_ARG, "vs_source_analyze: NULL source");
    if (src->analysed)
        return 0;
    int ret = vs_analysis_run(src, &src->analysis);
    if (ret < 0)
        return ret;
    src->analysed = 1;
    return 0;
}

double vs_source_analysis_seconds(const VsSource *src)
{
    return src && src->analysed ? src->analysis.seconds : 0.0;
}

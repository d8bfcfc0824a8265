/* keytimes: the presentation time of a keyframe whose packet carries none.
 *
 * In AVI and MPEG program streams with B-frames some key packets have only a
 * decode time. Their frame is shown after the B-frames that follow it in
 * decode order (an open GOP shows two or more earlier frames first), so no
 * fixed offset from the decode time is right. The decoder knows: decode from
 * the keyframe and read the time of the frame that packet produced, exactly
 * the time fetch will see for it. */
#include "keytimes.h"
#include "source.h"

/* Packets read past the key packet before giving up on seeing its frame: the
 * reorder delay plus frame threads, with room to spare. */
#define MAX_PACKETS_AFTER_KEY 64

/* Is pkt the key packet we look for? Parsed streams (MPEG-PS) lose byte
 * positions; the decode time then tells it. */
static int is_key_packet(const AVPacket *pkt, int64_t key_dts, int64_t key_pos)
{
    if (!(pkt->flags & AV_PKT_FLAG_KEY))
        return 0;
    if (key_pos >= 0 && pkt->pos >= 0)
        return pkt->pos == key_pos;
    return pkt->dts == key_dts;
}

/* Keyframes come out of the decoder in the order their packets went in, so
 * the n-th key packet sent after a seek is the n-th keyframe that comes out. */
static int64_t decode_key(VsSource *src, AVPacket *pkt, AVFrame *f, int64_t from_dts, int64_t key_dts,
                          int64_t key_pos)
{
    int64_t found = AV_NOPTS_VALUE;
    int after = -1, eof = 0;          /* packets read after the key packet (-1: not reached) */
    int keys_in = 0, keys_out = 0, rank = -1; /* rank: our packet's place among keys sent */
    if (av_seek_frame(src->fmt, src->st->index, from_dts, AVSEEK_FLAG_BACKWARD) < 0)
        return AV_NOPTS_VALUE;
    avcodec_flush_buffers(src->dec);
    while (after < MAX_PACKETS_AFTER_KEY) {
        int r = avcodec_receive_frame(src->dec, f);
        if (r == 0) {
            int64_t ts = f->best_effort_timestamp;
            int key = f->key_frame;
            av_frame_unref(f);
            if (key && rank >= 0 && keys_out == rank) {
                found = ts;
                break;
            }
            keys_out += key;
            continue;
        }
        if (r == AVERROR_EOF || (r != AVERROR(EAGAIN) && eof))
            break;
        if (r != AVERROR(EAGAIN))
            continue; /* a damaged frame */
        if (eof || av_read_frame(src->fmt, pkt) < 0) {
            eof = 1;
            avcodec_send_packet(src->dec, NULL);
            continue;
        }
        if (pkt->stream_index == src->st->index) {
            if (rank < 0 && is_key_packet(pkt, key_dts, key_pos))
                rank = keys_in, after = 0;
            else if (after >= 0)
                after++;
            else if (pkt->dts != AV_NOPTS_VALUE && pkt->dts > key_dts)
                after = MAX_PACKETS_AFTER_KEY; /* the seek went past it */
            keys_in += !!(pkt->flags & AV_PKT_FLAG_KEY);
            if (after < MAX_PACKETS_AFTER_KEY)
                avcodec_send_packet(src->dec, pkt);
        }
        av_packet_unref(pkt);
    }
    avcodec_flush_buffers(src->dec);
    return found;
}

int vs_keytimes_resolve(VsSource *src, VsKeyPacket *keys, size_t n)
{
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int ret = 0;
    if (!pkt || !f) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", src->info.path);
        goto done;
    }
    src->used = 1;
    for (size_t i = 0; i < n; i++) {
        if (!keys[i].guessed || keys[i].dts == AV_NOPTS_VALUE)
            continue;
        /* Start a keyframe earlier: right after a seek, MPEG-PS parsers infer
         * decode times that differ from a reading from the start. */
        int64_t from = i > 0 && keys[i - 1].dts != AV_NOPTS_VALUE ? keys[i - 1].dts : keys[i].dts;
        int64_t ts = decode_key(src, pkt, f, from, keys[i].dts, keys[i].pos);
        if (ts != AV_NOPTS_VALUE)
            keys[i].ts = ts;
        else if ((ret = vs_source_input_error(src)) < 0)
            goto done; /* the input, not the data, failed: a guess would hide it */
    }
done:
    av_packet_free(&pkt);
    av_frame_free(&f);
    return ret;
}

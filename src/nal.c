/* nal: random access points of raw H.264 and HEVC streams.
 *
 * An elementary stream carries no times: frame i is shown at i / rate, i
 * counted in presentation order from the first frame. A reader that seeks to
 * a keyframe must therefore know the number of the first frame the decoder
 * will output there. The packet scan knows the keyframe's decode-order
 * number, and the two are the same where the keyframe starts a closed GOP:
 * every frame before it in decode order is shown before it (and before its
 * decodable leading pictures, HEVC RADL), and every frame after it decodes
 * without frames before it. That holds for an H.264 IDR, an HEVC IDR or BLA,
 * and an HEVC CRA that no RASL picture follows. It fails for an H.264
 * recovery point (an open GOP: x264's open-gop, or intra refresh), which
 * libavformat also flags as a keyframe, and for a CRA with RASL pictures (a
 * decoder started there drops them, so every later frame would be counted
 * too early). An IDR or BLA whose no_output_of_prior_pics_flag is set makes
 * a decoding from the start drop frames before it (FFmpeg's HEVC decoder
 * honours the flag): then the counts differ too. FFmpeg's H.264 decoder
 * ignores the flag, so an H.264 IDR needs no slice header parsing. */
#include "nal.h"

#include <string.h>

int vs_nal_supported(enum AVCodecID codec)
{
    return codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC;
}

/* Where the next start code (00 00 01) at or after `from` begins, or size. */
static int find_start(const uint8_t *data, int size, int from)
{
    for (int i = from; i + 2 < size;) {
        const uint8_t *one = memchr(data + i + 2, 1, (size_t)(size - i - 2));
        if (!one)
            break;
        int j = (int)(one - data) - 2;
        if (!data[j] && !data[j + 1])
            return j;
        i = j + 1;
    }
    return size;
}

/* The next NAL unit at or after *at: its bytes run up to the next start code
 * or the packet's end. Two start codes in a row hold none between them. Its
 * size, or 0 at the end (then *nal is NULL). */
static int next_nal(const uint8_t *data, int size, int *at, const uint8_t **nal)
{
    for (int start = find_start(data, size, *at); start < size;) {
        int begin = start + 3;
        start = find_start(data, size, begin);
        if (start > begin) {
            *at = start;
            *nal = data + begin;
            return start - begin;
        }
    }
    *at = size;
    *nal = NULL;
    return 0;
}

static void inspect_h264(const uint8_t *data, int size, VsNalPacket *out)
{
    int at = 0, sps = 0, pps = 0, vcl = 0;
    const uint8_t *nal;
    while (next_nal(data, size, &at, &nal) > 0) {
        int type = nal[0] & 0x1f;
        sps |= type == 7;
        pps |= type == 8;
        out->stream_end |= type == 10 || type == 11;
        if (type >= 1 && type <= 5 && !vcl++)
            out->kind = type == 5 ? VS_NAL_CLOSED_KEY : VS_NAL_OTHER;
    }
    out->params = sps && pps;
    out->picture = vcl > 0;
}

static void inspect_hevc(const uint8_t *data, int size, VsNalPacket *out)
{
    int at = 0, vps = 0, sps = 0, pps = 0, vcl = 0, n;
    const uint8_t *nal;
    while ((n = next_nal(data, size, &at, &nal)) > 0) {
        if (n < 2) /* shorter than the 2-byte header (an end of sequence or stream is the header alone) */
            continue;
        int type = (nal[0] >> 1) & 0x3f;
        vps |= type == 32;
        sps |= type == 33;
        pps |= type == 34;
        out->stream_end |= type == 36 || type == 37;
        /* a picture's NAL unit without its slice header's first byte is none */
        if (type >= 32 || n < 3 || vcl++)
            continue;
        /* the slice header: first_slice_segment_in_pic_flag, then (IRAP) no_output_of_prior_pics_flag */
        int no_output_of_prior = (nal[2] & 0x40) != 0;
        if (type >= 16 && type <= 20) /* BLA_W_LP, BLA_W_RADL, BLA_N_LP, IDR_W_RADL, IDR_N_LP */
            out->kind = no_output_of_prior ? VS_NAL_OTHER : VS_NAL_CLOSED_KEY;
        else if (type == 21)
            out->kind = VS_NAL_CRA;
        else if (type == 8 || type == 9)
            out->kind = VS_NAL_RASL;
        else
            out->kind = VS_NAL_OTHER;
    }
    out->params = vps && sps && pps;
    out->picture = vcl > 0;
}

void vs_nal_inspect(enum AVCodecID codec, const uint8_t *data, int size, VsNalPacket *out)
{
    memset(out, 0, sizeof(*out));
    if (!data || size < 4)
        return;
    if (codec == AV_CODEC_ID_H264)
        inspect_h264(data, size, out);
    else if (codec == AV_CODEC_ID_HEVC)
        inspect_hevc(data, size, out);
}

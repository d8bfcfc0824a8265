/* Read the NAL unit headers of one packet of a raw H.264 or HEVC stream: the
 * first byte picks the codec (bit 0: HEVC), the rest is the packet. What
 * vs_nal_inspect() says is checked against a plain reading of the same bytes
 * (a NAL unit is what lies between two start codes 00 00 01, or after the last
 * one; an empty one is none), and against what must hold for any packet. */
#include "fuzz.h"

#include "nal.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    return 0;
}

typedef struct Expect {
    VsNalPacket p;
    int any_end;  /* an end of sequence or stream NAL unit is in the packet */
    int last_end; /* the last NAL unit is one */
} Expect;

static int is_start(const uint8_t *d, int size, int i)
{
    return i + 2 < size && !d[i] && !d[i + 1] && d[i + 2] == 1;
}

/* One NAL unit of n > 0 bytes. HEVC: a 2-byte header, and a picture's
 * (VCL) NAL unit needs the first byte of its slice header (first_slice_segment_in_pic_flag,
 * no_output_of_prior_pics_flag) to count. */
static void nal_unit(enum AVCodecID codec, const uint8_t *nal, int n, Expect *e, int *sets, int *vcl)
{
    int type, vcl_type, key, end;
    if (codec == AV_CODEC_ID_H264) {
        type = nal[0] & 0x1f;
        vcl_type = type >= 1 && type <= 5;
        key = type == 5;
        end = type == 10 || type == 11;
        sets[0] |= type == 7;
        sets[1] |= type == 8;
        sets[2] = 1; /* no VPS in H.264 */
    } else {
        if (n < 2)
            return;
        type = (nal[0] >> 1) & 0x3f;
        vcl_type = type < 32 && n >= 3;
        key = type >= 16 && type <= 20 && vcl_type && !(nal[2] & 0x40);
        end = type == 36 || type == 37;
        sets[0] |= type == 33;
        sets[1] |= type == 34;
        sets[2] |= type == 32;
    }
    e->any_end |= end;
    e->last_end = end;
    if (!vcl_type || (*vcl)++)
        return;
    if (key)
        e->p.kind = VS_NAL_CLOSED_KEY;
    else if (codec == AV_CODEC_ID_HEVC && type == 21)
        e->p.kind = VS_NAL_CRA;
    else if (codec == AV_CODEC_ID_HEVC && (type == 8 || type == 9))
        e->p.kind = VS_NAL_RASL;
}

static void expect(enum AVCodecID codec, const uint8_t *d, int size, Expect *e)
{
    *e = (Expect){ .p.kind = VS_NAL_OTHER };
    int sets[3] = { 0 }, vcl = 0, begin = -1;
    for (int i = 0; i <= size; i++) {
        if (i < size && !is_start(d, size, i))
            continue;
        if (begin >= 0 && i > begin)
            nal_unit(codec, d + begin, i - begin, e, sets, &vcl);
        begin = i + 3;
        i += 2;
    }
    e->p.picture = vcl > 0;
    e->p.params = sets[0] && sets[1] && sets[2];
}

static int is_bool(int x)
{
    return x == 0 || x == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > (1 << 20))
        return 0;
    enum AVCodecID codec = data[0] & 1 ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264;
    const uint8_t *pkt = data + 1;
    int n = (int)size - 1;

    VsNalPacket got, again, other;
    vs_nal_inspect(codec, pkt, n, &got);
    if (!is_bool(got.picture) || !is_bool(got.params) || !is_bool(got.stream_end) ||
        (got.kind != VS_NAL_OTHER && got.kind != VS_NAL_CLOSED_KEY && got.kind != VS_NAL_CRA &&
         got.kind != VS_NAL_RASL))
        abort(); /* a field out of range */
    if (!got.picture && got.kind != VS_NAL_OTHER)
        abort(); /* no picture in the packet, yet a key */
    if (codec == AV_CODEC_ID_H264 && (got.kind == VS_NAL_CRA || got.kind == VS_NAL_RASL))
        abort(); /* HEVC-only kinds in H.264 */

    Expect e;
    expect(codec, pkt, n, &e);
    if (got.kind != e.p.kind || got.picture != e.p.picture || got.params != e.p.params)
        abort(); /* a NAL unit missed or made up */
    if ((got.stream_end && !e.any_end) || (e.last_end && !got.stream_end))
        abort(); /* an end of sequence or stream that is not there, or one missed at the packet's end */

    vs_nal_inspect(codec, pkt, n, &again);
    if (again.kind != got.kind || again.picture != got.picture || again.params != got.params ||
        again.stream_end != got.stream_end)
        abort(); /* the same bytes read differently */
    if (!vs_nal_supported(codec) || vs_nal_supported(AV_CODEC_ID_VP9))
        abort();
    vs_nal_inspect(AV_CODEC_ID_VP9, pkt, n, &other);
    if (other.kind != VS_NAL_OTHER || other.picture || other.params || other.stream_end)
        abort(); /* a codec it does not read */
    vs_nal_inspect(codec, NULL, n, &other);
    if (other.kind != VS_NAL_OTHER || other.picture || other.params || other.stream_end)
        abort();
    return 0;
}

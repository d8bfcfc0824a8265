/* nal: what a packet of a raw H.264 or HEVC stream (Annex B, an elementary
 * stream without timestamps) holds, read from its NAL unit headers alone: is
 * it a keyframe a decoder can start at and then output exactly the frames that
 * a decoding from the first frame outputs from there on? (nal.c says why
 * that matters and which keyframes are.) */
#ifndef VSAMPLE_NAL_H
#define VSAMPLE_NAL_H

#include <libavcodec/codec_id.h>
#include <stdint.h>

enum VsNalKind {
    VS_NAL_OTHER = 0,   /* not a picture this module needs to know about */
    VS_NAL_CLOSED_KEY,  /* IDR (H.264; HEVC without no_output_of_prior_pics): a closed GOP starts */
    VS_NAL_CRA,         /* HEVC CRA or BLA: clean only when no RASL picture follows it */
    VS_NAL_RASL,        /* HEVC RASL: a decoder started at its CRA drops it */
};

typedef struct VsNalPacket {
    enum VsNalKind kind; /* from the packet's first picture (VCL) NAL unit */
    int picture;         /* the packet holds a picture (a VCL NAL unit) */
    int params;          /* the packet carries the parameter sets a decoder needs (SPS and PPS; VPS too in HEVC) */
    int stream_end;      /* the packet ends with an end of sequence or end of stream NAL unit */
} VsNalPacket;

/* 1 for the codecs vs_nal_inspect() reads (H.264, HEVC). */
int vs_nal_supported(enum AVCodecID codec);
/* Read the NAL unit headers of an Annex B packet. */
void vs_nal_inspect(enum AVCodecID codec, const uint8_t *data, int size, VsNalPacket *out);

#endif

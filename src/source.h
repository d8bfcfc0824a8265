/* source: an opened file, its chosen video stream, decoder and stream info. */
#ifndef VSAMPLE_SOURCE_H
#define VSAMPLE_SOURCE_H

#include "analysis.h"
#include "input.h"
#include "internal.h"
#include "keyindex.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

struct VsSource {
    AVFormatContext *fmt;
    AVStream *st;
    AVCodecContext *dec;
    VsStreamInfo info;
    VsInputSpec input;   /* what it was opened from; input.name is info.path */
    VsKeyIndex keys;     /* filled by a packet scan, lazily */
    int keys_borrowed;   /* a reopened source reads its parent's: not freed here */
    int threads;
    int64_t frames_past_eof; /* index entries whose data the file does not hold */
    int no_timestamps;   /* raw stream: frame i is shown at i / frame rate */
    int used;            /* packets were read: rewind before decoding from the start */
    int exact_keys;      /* scan asked for: find keyframe times the packets lack by decoding */
    VsAnalysis analysis; /* vs_source_analyze(), once (analysed: done) */
    int analysed;
    int indexed;         /* the container had an index before any packet was read (TS builds one as it reads) */
    int index_free;      /* a container that never has one (MPEG-TS/PS, elementary streams) */
};

/* After a failed read or seek: the input's own failure (message set: "URL: the server
 * cannot seek", "read failed at byte N: ..."), or 0 when the input read fine. */
int vs_source_input_error(const VsSource *src);

/* Back to the first packet of the stream. */
int vs_source_rewind(VsSource *src);
/* The same file and stream opened again for a second decoder (threads decoder
 * threads, 0 = one per core), with parent's stream info as it is, a scan's
 * figures included, without reading the file again; no keyframe index. */
int vs_source_reopen(VsSource **out, const VsSource *parent, int threads);
/* 1 when vs_source_reopen() can give a second decoder its own seekable reading of the
 * input: not for caller callbacks (one reader at a time) nor a URL that cannot seek. */
int vs_source_can_reopen(const VsSource *src);
/* 1 where a reader must not seek at all, and decoding on from the start is
 * the exact way: an elementary stream with no key to count frames from (open
 * GOPs), and a container without an index whose keyframes mostly carry no
 * time of their own (MPEG-PS packs small frames several to a packet, with one
 * time; H.264 keys there often have none): the scan cannot seek there, and
 * after the demuxer's own seek by time its parser gives the first frames times
 * off the frame grid (measured: a B-frame timed 5.26 s that is shown at
 * 5.40 s), so frames would come back wrong. */
int vs_source_never_seeks(const VsSource *src);
/* Where the container has no index (MPEG-TS/PS, elementary streams), its
 * demuxer seeks by a search over packet times that lands on whatever packet
 * comes first, usually past the keyframe wanted (then a reader could only
 * restart from the first frame): seek instead to the byte position of the
 * keyframe a packet scan saw. 1 when the source can. */
int vs_source_seeks_by_scan(const VsSource *src);
/* An elementary stream (no times: frame i is shown at i / frame rate) can
 * seek by byte position to the keys whose frame number the scan knows
 * (VsKeyIndex.count_frame) and count frames on from there. 1 when it can. */
int vs_source_seeks_by_count(const VsSource *src);
/* Frames per second as fetch counts them where packets carry no times. */
double vs_source_frame_rate(const VsSource *src);

/* Seconds from the stream start for a timestamp in stream time base units. */
double vs_source_ts_to_sec(const VsSource *src, int64_t ts);
/* The reverse, rounded down so that sec_to_ts(ts_to_sec(x)) <= x never skips a frame. */
int64_t vs_source_sec_to_ts(const VsSource *src, double sec);

#endif

/* reader: the state of a VsReader, shared by the exact fetch (fetch.c) and
 * the approximate one (fetch_approx.c). Private to the library. */
#ifndef VSAMPLE_READER_H
#define VSAMPLE_READER_H

#include "backend.h"
#include "lookahead.h"
#include "prefetch.h"
#include "source.h"

/* Slack for comparing a frame time with a requested time: far below any frame
 * interval, above double rounding of times computed as k / fps. */
#define TIME_EPS 1e-7
/* Without a container index, seek forward only past gaps this long (seconds). */
#define BLIND_SEEK_GAP 30.0
#define MAX_SEEK_RETRIES 4
/* Damaged frames tolerated in one reader before giving up on the file. */
#define MAX_DECODE_ERRORS 1000

/* Frames the Vulkan backend preprocesses per call: twice its batch of 8, so
 * that uploads of one half overlap the device's work on the other. */
#define VS_READER_BATCH 16

typedef struct VsBatch {
    AVFrame *frames[VS_READER_BATCH];  /* references held while the batch runs */
    VsFrameInfo info[VS_READER_BATCH];
    uint8_t **out;       /* per view: VS_READER_BATCH tensors (NULL: no batching) */
    void **dsts;         /* [frame * nviews + view] pointers into out */
    int count, next;     /* tensors in out, and the next to hand out */
    uint8_t *thumbs;     /* VS_READER_BATCH thumbnails, when the reader makes them */
    int pending_status;  /* met while gathering: 1 the end, < 0 an error */
    char *pending_msg;  /* owned */
} VsBatch;

struct VsReader {
    VsSource *src;
    VsBackend prep;
    size_t n, pos;
    double *times;
    int32_t *clips;

    double *sorted;      /* the plan's times, sorted: which frames can be skipped */
    VsLookahead la;
    int read_eof;        /* the demuxer has no more packets (some may still be queued) */
    int read_error;      /* the input failed (VS_ERR_*, message set): every later read returns it */
    AVPacket *pkt;
    AVFrame *prev, *next;
    double prev_t, next_t;
    int have_prev, have_next;
    int demux_eof;       /* every packet went to the decoder, and the drain request */
    int at_start;        /* decoding began at the stream's first packet */
    int after_seek;      /* drop output until the keyframe we landed on */
    int key_seen;
    int64_t key_pts, key_dts;
    int64_t scan_seeks;  /* seeks by a keyframe's byte position from the packet scan */
    double last_t;       /* time of the latest decoded frame (for missing timestamps) */
    _Atomic int64_t decoded; /* read by the caller while the prefetch thread decodes */
    int64_t output_frames; /* frames output since decoding began at the start (an elementary stream
                            * sought by counting: plus the number of the key it began at) */
    int64_t decode_errors;
    int approx;          /* VS_SEEK_APPROXIMATE */
    int keys_only;       /* every target is a keyframe: decode nothing else */
    VsPrefetch prefetch; /* decoding ahead on its own thread (when running) */
    VsFetched fetched;   /* the frame in hand without prefetching */
    VsBatch batch;       /* Vulkan: tensors preprocessed ahead, handed out in order */
    size_t nviews;
    size_t *view_bytes;  /* of each view (split decoders that preprocess, the Vulkan batch) */
    int preprocess_ahead; /* a split decoder: hand out views made on its own thread, not frames */
    struct VsReader **children; /* split: independent readers, one per stretch set */
    VsSource **child_src;       /* their own opens of the file */
    size_t nchildren, nchild_slots; /* open, allocated */
    uint8_t *child_of;          /* [n]: the child holding each planned time */
    int want_thumbs;     /* VS_READER_THUMBS: each frame's thumbnail made where it is decoded */
    struct SwsContext *thumb_sws; /* used on the decoding thread only */
    int failed;          /* the error that ended the reader */
    char *failed_msg;   /* owned */
};

/* Shared by both modes (fetch.c). */
void vs_reader_reset_frames(VsReader *r);
/* Next frame in presentation order into out: 1, 0 at the end, or an error. */
int vs_reader_decode_one(VsReader *r, AVFrame *out);
void vs_reader_restart_decoder(VsReader *r);
/* Seek so that decoding resumes at a keyframe at or before timestamp ts. */
int vs_reader_seek_before(VsReader *r, int64_t ts);
/* Fill r->prev with the frame displayed at t (or r->next: *use_next). */
int vs_reader_find_frame(VsReader *r, double t, int *use_next);
/* VS_ERR_INVALID_ARG for prefetch or segments out of range (settings may be NULL). */
int vs_reader_check_settings(const VsSource *src, const VsReaderSettings *settings);
/* vs_reader_open_times' flags. */
enum {
    VS_READER_MAY_SPLIT = 1, /* split a sorted plan across child readers */
    VS_READER_THUMBS = 2,    /* make each frame's thumbnail (src/thumb.h): vs_reader_next_thumb */
};
/* Open a reader over explicit times (vs_reader_open's core). A child (opened
 * without VS_READER_MAY_SPLIT) given views preprocesses on its own decoding
 * thread and hands out the views. */
int vs_reader_open_times(VsReader **out, VsSource *src, const double *times, const int32_t *clips, size_t n,
                         const VsView *views, size_t nviews, const VsReaderSettings *settings, unsigned flags);
/* vs_reader_next, and the frame's thumbnail into thumb (VS_THUMB_BYTES; NULL:
 * none) from a reader opened with VS_READER_THUMBS. */
int vs_reader_next_thumb(VsReader *r, void *const *dst, VsFrameInfo *info, uint8_t *thumb);
/* Split r's plan across child readers when it pays (fetch_parallel.c): 0
 * (split or not: r->nchildren says) or an error. */
/* Where the source seeks by its packet scan (vs_source_seeks_by_scan): seek by
 * byte position to the last keyframe shown at or before ts whose packet carries
 * its time, landing checked. 1 done, 0 not possible, or a read error. */
int vs_reader_seek_by_scan(VsReader *r, int64_t ts);
/* An elementary stream that seeks by counting (vs_source_seeks_by_count): the
 * last of the keys it can count frames from (VsKeyIndex.count_frame) shown at
 * or before t seconds, as its place plus 1; 0 when none is. */
size_t vs_reader_count_key_before(const VsSource *src, double t);
int vs_reader_split(VsReader *r, const VsView *views, size_t nviews, const VsReaderSettings *settings);
void vs_reader_close_children(VsReader *r);
/* Frames a caller may ask to have decoded ahead (VsReaderSettings.prefetch). */
#define VS_PREFETCH_USER_MAX 8
/* Approximate mode's vs_reader_find_frame (fetch_approx.c). */
int vs_reader_find_frame_approx(VsReader *r, double t, int *use_next);

#endif

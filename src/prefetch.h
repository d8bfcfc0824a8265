/* prefetch: a thread that runs a producer ahead of its consumer through a
 * bounded queue, so that decoding (producer) overlaps preprocessing and
 * writing (consumer) without holding more than `depth` frames. */
#ifndef VSAMPLE_PREFETCH_H
#define VSAMPLE_PREFETCH_H

#include <libavutil/frame.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

typedef struct VsFetched {
    AVFrame *frame;   /* a reference to the decoded frame */
    double target, pts;
    int32_t clip;
    size_t index;
    int status;       /* 1 a frame, 0 the end, < 0 an error (message in msg) */
    char *msg;        /* owned: vs_keep_text(), freed with the slot */
    void **tensors;   /* a split decoder that preprocesses: the views of the frame (owned, ntensors
                       * buffers made by the producer, freed with the slot); NULL otherwise */
    size_t ntensors;
    int has_tensors;  /* tensors hold this item's views (frame is then empty) */
    uint8_t *thumb;   /* a reader asked for thumbnails: the frame's (VS_THUMB_BYTES, owned, freed with the slot) */
} VsFetched;

/* Free what a slot holds (its frame, message, views and thumbnail). */
void vs_fetched_free(VsFetched *f);

/* Fill *out: returns 1 (a frame), 0 (the end) or a negative VS_ERR_*. */
typedef int (*VsProduceFn)(void *opaque, VsFetched *out);

#define VS_PREFETCH_MAX 64

typedef struct VsPrefetch {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    VsFetched slots[VS_PREFETCH_MAX];
    int depth, head, count, stop, done, running;
    VsProduceFn produce;
    void *opaque;
} VsPrefetch;

/* Start producing up to depth (1..VS_PREFETCH_MAX) items ahead. */
int vs_prefetch_start(VsPrefetch *p, int depth, VsProduceFn produce, void *opaque);
/* The oldest item, waiting for it; valid until vs_prefetch_release(). */
VsFetched *vs_prefetch_next(VsPrefetch *p);
void vs_prefetch_release(VsPrefetch *p);
/* Stop the thread (it finishes the item in hand) and free everything. */
void vs_prefetch_stop(VsPrefetch *p);

#endif

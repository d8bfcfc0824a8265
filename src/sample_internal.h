/* The sample's state, shared by src/sample.c and its metadata (src/sample_meta.c). */
#ifndef VSAMPLE_SAMPLE_INTERNAL_H
#define VSAMPLE_SAMPLE_INTERNAL_H

#include "internal.h"
#include "vsample/sample.h"

struct VsSample {
    VsSource *src;
    int own_src;        /* opened by vs_sample_open: closed with the sample */
    VsPlan *plan;
    VsPlanInput plan_in;  /* what the plan read; its arrays are the source's */
    VsView *views;      /* sized for this video */
    size_t nviews;
    VsReader *reader;
    VsReaderSettings reader_settings;
    int pad;
    size_t n, total;    /* planned frames; frames after padding */
    size_t next;        /* sample frames handed out */
    void **last;        /* per view, the last planned frame, kept to repeat it */
    VsFrameInfo last_info;
    char *meta;         /* metadata JSON, made once */
    size_t multiple;    /* the frame count is padded to a multiple of this */
    /* dedup (src/sample_spool.c): every candidate's views, read once at open */
    int spooled, spool_fd; /* spool_fd is open while spooled */
    size_t spool_record;   /* bytes of one candidate's views */
    VsFrameInfo *spool_info; /* [candidates] as fetched */
    size_t *spool_of;      /* [n] the candidate that sample frame i is */
    size_t *spool_slot;    /* [candidates] its record in the spool (SIZE_MAX: not spooled) */
    int64_t spool_decoded; /* the closed reader's figures */
    int spool_backend;
};

/* Fetch every candidate of the pending dedup plan, with the reader over the
 * views as sized, spooling the kept (and with keep_dropped, every) frame's
 * views; the plan then holds the kept times. */
int vs_sample_spool(VsSample *s, int keep_dropped);
/* Sample frame s->next (< s->n) from the spool: 1 or an error. */
int vs_sample_spool_next(VsSample *s, void *const *dst, VsFrameInfo *info);
void vs_sample_spool_close(VsSample *s);

#endif

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
};

#endif

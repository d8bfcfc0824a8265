/* model_inputs: what a model's processor needs besides the pixels (the
 * source rate, the frame indices, Qwen's grid and time inputs, Apollo's clip
 * spans), computed once here so that the CLI, batch and the binding agree.
 * A pure function of the plan's numbers and the sized views; the sample's
 * metadata (src/sample_meta.c) stores its result under "model". */
#ifndef VSAMPLE_MODEL_INPUTS_H
#define VSAMPLE_MODEL_INPUTS_H

#include "vsample/vsample.h"

#include <jansson.h>

typedef struct VsModelInputs {
    double fps;              /* the average rate the plan read (VsPlanInput.avg_frame_rate; 0 = unknown) */
    int64_t total_frames;    /* the frames the loader counts (0 = unknown) */
    const int64_t *indices;  /* the frame index of each planned frame (NULL = unknown) */
    const double *times;     /* the planned times: each chosen frame's true PTS for recipes */
    size_t n;                /* planned frames */
    size_t padded;           /* frames after padding (T of every tensor) */
    const int32_t *clips;    /* clip id of each planned frame (NULL = none) */
    int32_t num_clips;
    int apollo;              /* the plan is the apollo recipe's: clip spans as its prompt reads them */
    int vfr;                 /* VsStreamInfo.vfr */
    const VsView *views;     /* as sized for the video */
    size_t nviews;
} VsModelInputs;

/* The "model" object (README "Model inputs"), a new reference; NULL when out
 * of memory. */
json_t *vs_model_inputs_json(const VsModelInputs *m);

/* Python's f"{v:.1f}" into buf, whatever the locale (both print the binary
 * value correctly rounded, ties to even). */
void vs_format_1f(char *buf, size_t size, double v);

#endif

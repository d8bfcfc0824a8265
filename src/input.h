/* input: where a source's bytes come from (a file, a URL, memory, caller callbacks) and
 * how each open of the demuxer reads them; the errors an input causes, named plainly. */
#ifndef VSAMPLE_INPUT_H
#define VSAMPLE_INPUT_H

#include "internal.h"

#include <libavformat/avformat.h>

enum VsInputKind { VS_INPUT_FILE, VS_INPUT_URL, VS_INPUT_MEMORY, VS_INPUT_IO };

/* What a source was opened from, kept so that it can be opened again. */
typedef struct VsInputSpec {
    int kind;               /* enum VsInputKind */
    char *name;             /* the path, URL or name: messages and VsStreamInfo.path */
    const uint8_t *data;    /* VS_INPUT_MEMORY: the caller's bytes */
    size_t size;
    VsIO io;                /* VS_INPUT_IO: the caller's callbacks */
    int64_t timeout_us;     /* VS_INPUT_URL: connect/read timeout */
    AVIOInterruptCB interrupt; /* the caller's, on every demuxer and URL opened */
} VsInputSpec;

/* Check input (exactly one of path, data, io; a file path must name a non-empty file,
 * not a FIFO or a device)
 * and fill spec; vs_input_spec_free() releases it. */
int vs_input_spec_init(VsInputSpec *spec, const VsInput *input, const VsSourceSettings *settings);
/* A copy for a second reader of the same input (not for VS_INPUT_IO: one reader only). */
int vs_input_spec_copy(VsInputSpec *dst, const VsInputSpec *src);
void vs_input_spec_free(VsInputSpec *spec);

/* Open the demuxer on the input, reading from its start (iformat NULL: probe).
 * again: a later open of the same input (a VsIO input must then seek back to 0).
 * Returns 0 or a VS_ERR_* code with a message naming the input and the cause. */
int vs_input_open_format(const VsInputSpec *spec, const AVInputFormat *iformat, int again,
                         AVFormatContext **out);
/* avformat_close_input(), and the reading vs_input_open_format() set up for it. */
void vs_input_close_format(AVFormatContext **fmt);

/* After a failed FFmpeg call on fmt: when the input's reading
 * or seeking failed, set a message naming the input and that cause and return its
 * VS_ERR_* code; otherwise 0 (the failure is about the data, not the input). */
int vs_input_error(const VsInputSpec *spec, const AVFormatContext *fmt);

#endif

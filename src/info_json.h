/* VsStreamInfo as a JSON object: one builder for `vsample info --json`, the
 * per-sample metadata and vs_stream_info_json(). */
#ifndef VSAMPLE_INFO_JSON_H
#define VSAMPLE_INFO_JSON_H

#include "vsample/vsample.h"

#include <jansson.h>

/* A new object (the caller owns the reference); NULL when out of memory. */
json_t *vs_info_json(const VsStreamInfo *in);

/* v as a JSON number, or null when it is not finite (JSON has no NaN). */
json_t *vs_json_real(double v);

#endif

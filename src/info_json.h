/* VsStreamInfo as a JSON object: one builder for `vsample info --json`, the
 * per-sample metadata and vs_stream_info_json(). */
#ifndef VSAMPLE_INFO_JSON_H
#define VSAMPLE_INFO_JSON_H

#include "vsample/vsample.h"

#include <jansson.h>

/* A new object (the caller owns the reference); NULL when out of memory. */
json_t *vs_info_json(const VsStreamInfo *in);

/* s as a JSON string; JSON text is UTF-8 and a path need not be: its other
 * bytes become '?'. NULL when out of memory (or s is NULL). */
json_t *vs_json_text(const char *s);

/* v as a JSON number, or null when it is not finite (JSON has no NaN). */
json_t *vs_json_real(double v);

#endif

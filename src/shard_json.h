/* Text helpers of the shard writer: a growable buffer and the little JSON it
 * needs (escaping strings, checking the caller's metadata is an object). */
#ifndef VSAMPLE_SHARD_JSON_H
#define VSAMPLE_SHARD_JSON_H

#include "internal.h"

#include <stddef.h>

/* A growable byte string, always NUL-terminated once anything was added.
 * An allocation failure sets oom and turns every later append into a no-op,
 * so callers check once after a run of appends. */
typedef struct VsBuf {
    char *data;
    size_t len, cap;
    int oom;
} VsBuf;

void vs_buf_free(VsBuf *b);
void vs_buf_truncate(VsBuf *b, size_t len);
void vs_buf_put(VsBuf *b, const char *s, size_t n);
void vs_buf_puts(VsBuf *b, const char *s);
void vs_buf_printf(VsBuf *b, const char *fmt, ...) VS_PRINTF(2, 3);
/* Append s as the body of a JSON string (no surrounding quotes). */
void vs_buf_json_escape(VsBuf *b, const char *s, size_t n);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int vs_utf8_valid(const char *s, size_t n);

/* 1 if s is exactly one JSON object (surrounding whitespace allowed). */
int vs_json_is_object(const char *s);

#endif

/* Private helpers shared by every stage: error reporting and logging. */
#ifndef VSAMPLE_INTERNAL_H
#define VSAMPLE_INTERNAL_H

#include "vsample/vsample.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
#define VS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VS_PRINTF(a, b)
#endif

/* Record a one-line message for vs_last_error() and return code, so that a
 * failing path reads `return vs_error(VS_ERR_IO, "%s: cannot read", path);`. */
int vs_error(int code, const char *fmt, ...) VS_PRINTF(2, 3);

/* Log through the user's callback (default: stderr for warnings and errors). */
void vs_log(int level, const char *fmt, ...) VS_PRINTF(2, 3);

/* qsort and memcpy with nothing to do: their pointers may then be NULL (an
 * empty array never allocated), which the C library does not allow. */
static inline void vs_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

static inline void vs_copy(void *dst, const void *src, size_t bytes)
{
    if (bytes)
        memcpy(dst, src, bytes);
}

/* A message kept past the call that made it (a thread's error for another
 * thread, a failed handle's first error): *dst becomes a copy of msg, the old
 * copy freed; vs_text() reads it back, "out of memory" when the copy failed. */
static inline void vs_keep_text(char **dst, const char *msg)
{
    free(*dst);
    *dst = msg ? strdup(msg) : NULL;
}

static inline const char *vs_text(const char *kept)
{
    return kept ? kept : "out of memory";
}

/* Recipes: the frame count the loader reports as its total (qwen-vl-utils:
 * the frames of its video_start..video_end range), else 0. */
int64_t vs_plan_loader_frames(const VsPlan *plan);

/* Map an FFmpeg AVERROR to a VS_ERR_* code. */
int vs_error_from_av(int averror);

#endif

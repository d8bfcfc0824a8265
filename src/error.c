/* Errors and logging: the thread-local last message and the log callback. */
#include "internal.h"

#include <libavutil/error.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* The last message of each thread, as long as it needs to be (a path or URL may be
 * thousands of bytes); freed when the thread ends. */
static _Thread_local char *last_error;
static pthread_key_t error_key;
static pthread_once_t error_once = PTHREAD_ONCE_INIT;

static void make_error_key(void)
{
    pthread_key_create(&error_key, free);
}

static VsLogCallback log_cb;
static void *log_opaque;
static int log_max_level = VS_LOG_WARNING;

const char *vs_version(void)
{
    return VS_VERSION_STRING;
}

const char *vs_strerror(int code)
{
    switch (code) {
    case VS_OK: return "success";
    case VS_ERR_INVALID_ARG: return "invalid argument";
    case VS_ERR_NOMEM: return "out of memory";
    case VS_ERR_NOT_FOUND: return "no such file";
    case VS_ERR_IO: return "input/output error";
    case VS_ERR_INVALID_DATA: return "invalid or corrupt data";
    case VS_ERR_NO_VIDEO: return "no video";
    case VS_ERR_UNSUPPORTED: return "unsupported";
    case VS_ERR_INTERNAL: return "internal error";
    case VS_ERR_CANCELLED: return "cancelled";
    default: return "unknown error";
    }
}

const char *vs_last_error(void)
{
    return last_error ? last_error : "";
}

int vs_error(int code, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (!msg) /* keep the previous text rather than none */
        return code;
    pthread_once(&error_once, make_error_key);
    free(last_error);
    last_error = msg;
    pthread_setspecific(error_key, msg);
    /* One line: the CLI prints it as is. */
    for (char *p = last_error; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return code;
}

void vs_set_log_callback(VsLogCallback cb, void *opaque, int max_level)
{
    log_cb = cb;
    log_opaque = opaque;
    log_max_level = max_level;
}

void vs_log(int level, const char *fmt, ...)
{
    if (level > log_max_level)
        return;
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    if (!msg)
        return;
    if (log_cb)
        log_cb(log_opaque, level, msg);
    else
        fprintf(stderr, "vsample: %s: %s\n", level == VS_LOG_ERROR ? "error" : level == VS_LOG_WARNING ? "warning" : "info", msg);
    free(msg);
}

int vs_error_from_av(int averror)
{
    if (averror == AVERROR(ENOENT))
        return VS_ERR_NOT_FOUND;
    if (averror == AVERROR(ENOMEM))
        return VS_ERR_NOMEM;
    if (averror == AVERROR_EXIT) /* the caller's interrupt callback */
        return VS_ERR_CANCELLED;
    if (averror == AVERROR(EIO) || averror == AVERROR(EACCES) || averror == AVERROR(EISDIR))
        return VS_ERR_IO;
    if (averror == AVERROR_INVALIDDATA || averror == AVERROR_EOF)
        return VS_ERR_INVALID_DATA;
    if (averror == AVERROR_PATCHWELCOME || averror == AVERROR_DECODER_NOT_FOUND ||
        averror == AVERROR_DEMUXER_NOT_FOUND)
        return VS_ERR_UNSUPPORTED;
    return VS_ERR_INVALID_DATA;
}

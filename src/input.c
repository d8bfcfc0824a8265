/* input: a file path goes to FFmpeg as it is; URLs, memory and caller callbacks are read
 * through an AVIOContext of ours (InputStream below), one per open of the demuxer, so that
 * a failed read or seek is recorded with its cause and reported as one line naming the
 * input, rather than as a demuxer's "invalid data" or a silently short stream. */
#include "input.h"

#include <libavutil/mem.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static_assert(VS_IO_SIZE == AVSEEK_SIZE, "VsIO.seek takes AVSEEK_SIZE as FFmpeg does");
static_assert(sizeof(void *) != 8 || sizeof(VsSourceSettings) == 72, "VsSourceSettings keeps its size");

#define IO_BUFFER_SIZE (64 * 1024)
#define DEFAULT_TIMEOUT_MS 30000

enum { FAIL_NONE, FAIL_READ, FAIL_SEEK };

/* The opaque of one of our AVIOContexts. */
typedef struct InputStream {
    int kind;
    const uint8_t *data; /* memory */
    size_t size;
    int64_t pos;         /* memory: the position of this reader */
    VsIO io;             /* caller callbacks */
    AVIOContext *url;    /* URL: FFmpeg's own reading of it (HTTP Range seeks) */
    int fail;            /* the first failure of a read or seek (FAIL_*): the end of this stream */
    int fail_err;        /* its AVERROR */
    int64_t fail_pos;    /* where it happened */
    int64_t read_pos;    /* bytes into the input the next read starts at */
} InputStream;

static int has_scheme(const char *path)
{
    const char *proto = avio_find_protocol_name(path);
    if (!proto)
        return 0;
    /* FFmpeg names plain paths "file" too; only an explicit "file:" is a URL */
    return strcmp(proto, "file") != 0 || !strncmp(path, "file:", 5);
}

static int check_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return vs_error(VS_ERR_NOT_FOUND, "%s: no such file", path);
        return vs_error(VS_ERR_IO, "%s: cannot access: %s", path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return vs_error(VS_ERR_INVALID_DATA, "%s: is a directory, not a video file", path);
    /* A FIFO blocks in open() until a writer comes and in read() while it writes nothing,
     * where no interrupt callback reaches; and a file is opened again (rewinds, split
     * decoders) and seeked, which a pipe cannot do. Refused at once, not after a timeout. */
    if (S_ISFIFO(sb.st_mode) || S_ISCHR(sb.st_mode) || S_ISSOCK(sb.st_mode) || S_ISBLK(sb.st_mode))
        return vs_error(VS_ERR_UNSUPPORTED, "%s: is a %s, not a file: vsample reads seekable files; save it to a "
                        "file first, or serve it as a URL", path,
                        S_ISFIFO(sb.st_mode) ? "FIFO" : S_ISSOCK(sb.st_mode) ? "socket" : "device");
    if (S_ISREG(sb.st_mode) && sb.st_size == 0)
        return vs_error(VS_ERR_INVALID_DATA, "%s: empty file", path);
    return 0;
}

int vs_input_spec_init(VsInputSpec *spec, const VsInput *in, const VsSourceSettings *settings)
{
    memset(spec, 0, sizeof(*spec));
    int given = !!in->path + !!in->data + !!in->io;
    if (given != 1)
        return vs_error(VS_ERR_INVALID_ARG, "vs_source_open_input: give exactly one of path, data and io (%d given)",
                        given);
    const char *name = in->path;
    if (in->path) {
        spec->kind = has_scheme(in->path) && check_path(in->path) != 0 ? VS_INPUT_URL : VS_INPUT_FILE;
        if (spec->kind == VS_INPUT_FILE) {
            int ret = check_path(in->path);
            if (ret < 0)
                return ret;
        }
    } else if (in->data) {
        spec->kind = VS_INPUT_MEMORY;
        name = in->name ? in->name : "<memory>";
        if (!in->size)
            return vs_error(VS_ERR_INVALID_DATA, "%s: empty buffer", name);
        spec->data = in->data;
        spec->size = in->size;
    } else {
        spec->kind = VS_INPUT_IO;
        name = in->name ? in->name : "<stream>";
        if (!in->io->read)
            return vs_error(VS_ERR_INVALID_ARG, "%s: VsIO.read is NULL", name);
        spec->io = *in->io;
    }
    spec->interrupt.callback = settings->interrupt;
    spec->interrupt.opaque = settings->interrupt_opaque;
    int ms = settings->io_timeout_ms > 0 ? settings->io_timeout_ms : DEFAULT_TIMEOUT_MS;
    spec->timeout_us = (int64_t)ms * 1000;
    if (!(spec->name = strdup(name)))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", name);
    return 0;
}

int vs_input_spec_copy(VsInputSpec *dst, const VsInputSpec *src)
{
    if (src->kind == VS_INPUT_IO)
        return vs_error(VS_ERR_UNSUPPORTED, "%s: a caller-read input serves one decoder at a time", src->name);
    *dst = *src;
    if (!(dst->name = strdup(src->name)))
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", src->name);
    return 0;
}

void vs_input_spec_free(VsInputSpec *spec)
{
    free(spec->name);
    memset(spec, 0, sizeof(*spec));
}

/* A failure ends this reading of the input: every later read or seek fails with the same
 * error, so that the first cause is the one named (after a failed seek FFmpeg's http
 * protocol believes itself at the target, and a second seek there "succeeds"). Going back
 * to the start opens a new stream. */
static int record(InputStream *s, int fail, int err, int64_t pos)
{
    s->fail = fail;
    s->fail_err = err;
    s->fail_pos = pos;
    return err;
}

static int stream_read(void *opaque, uint8_t *buf, int size)
{
    InputStream *s = opaque;
    int n;
    if (s->fail)
        return s->fail_err;
    switch (s->kind) {
    case VS_INPUT_MEMORY:
        n = s->pos >= (int64_t)s->size ? 0 : (int)FFMIN((int64_t)size, (int64_t)s->size - s->pos);
        memcpy(buf, s->data + s->pos, (size_t)n);
        s->pos += n;
        break;
    case VS_INPUT_URL:
        n = avio_read_partial(s->url, buf, size);
        if (n < 0 && n != AVERROR_EOF)
            return record(s, FAIL_READ, n, s->read_pos);
        break;
    default:
        n = s->io.read(s->io.opaque, buf, size);
        if (n < 0 || n > size)
            return record(s, FAIL_READ, AVERROR(EIO), s->read_pos);
        break;
    }
    if (n <= 0)
        return AVERROR_EOF;
    s->read_pos += n;
    return n;
}

static int64_t stream_seek(void *opaque, int64_t offset, int whence)
{
    InputStream *s = opaque;
    whence &= ~AVSEEK_FORCE;
    int64_t pos;
    if (s->fail)
        return s->fail_err;
    switch (s->kind) {
    case VS_INPUT_MEMORY:
        if (whence == AVSEEK_SIZE)
            return (int64_t)s->size;
        pos = whence == SEEK_SET ? offset : whence == SEEK_CUR ? s->pos + offset
            : whence == SEEK_END ? (int64_t)s->size + offset : -1;
        if (pos < 0 || pos > (int64_t)s->size)
            return AVERROR(EINVAL);
        s->pos = pos;
        break;
    case VS_INPUT_URL:
        if (whence == AVSEEK_SIZE)
            return avio_size(s->url);
        pos = avio_seek(s->url, offset, whence);
        if (pos < 0)
            return record(s, FAIL_SEEK, (int)pos, offset);
        break;
    default:
        if (!s->io.seek)
            return whence == AVSEEK_SIZE ? AVERROR(ENOSYS) : record(s, FAIL_SEEK, AVERROR(ENOSYS), offset);
        pos = s->io.seek(s->io.opaque, offset, whence);
        if (whence == AVSEEK_SIZE)
            return pos < 0 ? AVERROR(ENOSYS) : pos;
        if (pos < 0)
            return record(s, FAIL_SEEK, AVERROR(EIO), offset);
        break;
    }
    s->read_pos = pos;
    return pos;
}

static void free_stream(AVIOContext **pb)
{
    if (!*pb)
        return;
    InputStream *s = (*pb)->opaque;
    if (s)
        avio_closep(&s->url);
    av_free(s);
    av_freep(&(*pb)->buffer);
    avio_context_free(pb);
}

static int url_options(const VsInputSpec *spec, AVDictionary **opts)
{
    /* rw_timeout: any protocol's reads; timeout: the socket's connect and reads (http, tcp).
     * No reconnects: a dropped connection is an error, not a retry loop. */
    if (av_dict_set_int(opts, "rw_timeout", spec->timeout_us, 0) < 0 ||
        av_dict_set_int(opts, "timeout", spec->timeout_us, 0) < 0 ||
        av_dict_set(opts, "reconnect", "0", 0) < 0 ||
        av_dict_set(opts, "reconnect_streamed", "0", 0) < 0 ||
        av_dict_set(opts, "reconnect_at_eof", "0", 0) < 0)
        return AVERROR(ENOMEM);
    return 0;
}

/* A failure caused by the caller's interrupt callback (FFmpeg's AVERROR_EXIT, or any
 * error once the callback asks to stop: a read it cut short may say otherwise). */
static int stopped(const VsInputSpec *spec, int averror)
{
    return averror == AVERROR_EXIT || (spec->interrupt.callback && spec->interrupt.callback(spec->interrupt.opaque));
}

static int cancelled(const VsInputSpec *spec)
{
    return vs_error(VS_ERR_CANCELLED, "%s: stopped by the interrupt callback", spec->name);
}

/* Our AVIOContext over the input, positioned at its start. */
static int open_stream(const VsInputSpec *spec, int again, AVIOContext **out)
{
    *out = NULL;
    InputStream *s = av_mallocz(sizeof(*s));
    uint8_t *buf = av_malloc(IO_BUFFER_SIZE);
    AVIOContext *pb = NULL;
    int ret = 0;
    if (!s || !buf) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", spec->name);
        goto fail;
    }
    s->kind = spec->kind;
    s->data = spec->data;
    s->size = spec->size;
    s->io = spec->io;
    int seekable = AVIO_SEEKABLE_NORMAL;
    if (spec->kind == VS_INPUT_URL) {
        AVDictionary *opts = NULL;
        if ((ret = url_options(spec, &opts)) >= 0)
            ret = avio_open2(&s->url, spec->name, AVIO_FLAG_READ, &spec->interrupt, &opts);
        av_dict_free(&opts);
        if (ret < 0 && stopped(spec, ret)) {
            ret = cancelled(spec);
            goto fail;
        }
        if (ret < 0) {
            ret = vs_error(ret == AVERROR_HTTP_NOT_FOUND ? VS_ERR_NOT_FOUND : VS_ERR_IO, "%s: cannot open: %s",
                           spec->name, av_err2str(ret));
            goto fail;
        }
        seekable = s->url->seekable;
    } else if (spec->kind == VS_INPUT_IO) {
        seekable = spec->io.seek ? AVIO_SEEKABLE_NORMAL : 0;
        if (again) {
            int64_t pos = spec->io.seek ? spec->io.seek(spec->io.opaque, 0, SEEK_SET) : -1;
            if (pos != 0) {
                ret = vs_error(VS_ERR_UNSUPPORTED, "%s: cannot go back to the start: %s", spec->name,
                               spec->io.seek ? "the seek callback failed" : "the input cannot seek");
                goto fail;
            }
        }
    }
    pb = avio_alloc_context(buf, IO_BUFFER_SIZE, 0, s, stream_read, NULL, stream_seek);
    if (!pb) {
        ret = vs_error(VS_ERR_NOMEM, "%s: out of memory", spec->name);
        goto fail;
    }
    pb->seekable = seekable;
    *out = pb;
    return 0;
fail:
    if (s)
        avio_closep(&s->url);
    av_free(s);
    av_free(buf);
    return ret;
}

/* The message for a recorded failure of stream s, or 0 when none. */
static int stream_error(const VsInputSpec *spec, const InputStream *s)
{
    if (!s || s->fail == FAIL_NONE)
        return 0;
    if (stopped(spec, s->fail_err))
        return cancelled(spec);
    if (s->fail == FAIL_SEEK) {
        if (spec->kind == VS_INPUT_URL && !(s->url->seekable & AVIO_SEEKABLE_NORMAL) &&
            !strncmp(spec->name, "http", 4))
            return vs_error(VS_ERR_IO, "%s: the server cannot seek (no HTTP Range support)", spec->name);
        if (spec->kind == VS_INPUT_URL && !(s->url->seekable & AVIO_SEEKABLE_NORMAL))
            return vs_error(VS_ERR_IO, "%s: the input cannot seek", spec->name);
        if (spec->kind == VS_INPUT_IO && !spec->io.seek)
            return vs_error(VS_ERR_UNSUPPORTED, "%s: the input cannot seek (no seek callback)", spec->name);
        return vs_error(VS_ERR_IO, "%s: seek to byte %lld failed: %s", spec->name, (long long)s->fail_pos,
                        av_err2str(s->fail_err));
    }
    if (spec->kind == VS_INPUT_URL && s->url) {
        int64_t size = avio_size(s->url);
        if (size > 0)
            return vs_error(VS_ERR_IO, "%s: read failed at byte %lld of %lld: %s", spec->name,
                            (long long)s->fail_pos, (long long)size, av_err2str(s->fail_err));
    }
    return vs_error(VS_ERR_IO, "%s: read failed at byte %lld: %s", spec->name, (long long)s->fail_pos,
                    spec->kind == VS_INPUT_IO ? "the read callback failed" : av_err2str(s->fail_err));
}

int vs_input_open_format(const VsInputSpec *spec, const AVInputFormat *iformat, int again,
                         AVFormatContext **out)
{
    *out = NULL;
    AVIOContext *pb = NULL;
    AVFormatContext *fmt = NULL;
    int ret;
    if (spec->kind != VS_INPUT_FILE && (ret = open_stream(spec, again, &pb)) < 0)
        return ret;
    if (!(fmt = avformat_alloc_context())) {
        free_stream(&pb);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", spec->name);
    }
    /* also the file protocol's: avformat_open_input opens it with fmt's callback */
    fmt->interrupt_callback = spec->interrupt;
    if (pb) {
        fmt->pb = pb;
        fmt->flags |= AVFMT_FLAG_CUSTOM_IO; /* ours to free (vs_input_close_format) */
    }
    /* the name helps probing by extension: for memory and callbacks it is only a name */
    ret = avformat_open_input(&fmt, spec->name, iformat, NULL);
    if (ret < 0) { /* fmt is freed; pb is ours */
        int err = stream_error(spec, pb ? pb->opaque : NULL);
        free_stream(&pb);
        if (err < 0)
            return err;
        if (stopped(spec, ret))
            return cancelled(spec);
        return vs_error(ret == AVERROR_INVALIDDATA ? VS_ERR_INVALID_DATA : vs_error_from_av(ret),
                        "%s: not a readable media file (%s)", spec->name, av_err2str(ret));
    }
    *out = fmt;
    return 0;
}

void vs_input_close_format(AVFormatContext **fmt)
{
    if (!*fmt)
        return;
    AVIOContext *pb = ((*fmt)->flags & AVFMT_FLAG_CUSTOM_IO) ? (*fmt)->pb : NULL;
    avformat_close_input(fmt);
    free_stream(&pb);
}

int vs_input_error(const VsInputSpec *spec, const AVFormatContext *fmt)
{
    if (!fmt || !fmt->pb)
        return 0;
    if (fmt->flags & AVFMT_FLAG_CUSTOM_IO)
        return stream_error(spec, fmt->pb->opaque);
    if (fmt->pb->error && fmt->pb->error != AVERROR_EOF && stopped(spec, fmt->pb->error))
        return cancelled(spec);
    if (fmt->pb->error && fmt->pb->error != AVERROR_EOF)
        return vs_error(VS_ERR_IO, "%s: read failed: %s", spec->name, av_err2str(fmt->pb->error));
    return 0;
}

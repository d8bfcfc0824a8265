/* Pictures to PNG/JPEG files with stb_image_write (Debian's libstb provides
 * the implementation), written under a temporary name and renamed into place
 * so that a failed or interrupted run never leaves a partial picture. */
#include "picture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stb_image_write.h>

/* Quality above 90 makes stb keep full-resolution chroma, which small text needs. */
#define JPEG_QUALITY 95

int picture_type_for_path(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        return PICTURE_UNKNOWN;
    if (!strcasecmp(dot, ".png"))
        return PICTURE_PNG;
    if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg"))
        return PICTURE_JPEG;
    return PICTURE_UNKNOWN;
}

typedef struct Sink {
    FILE *f;
    int err; /* first errno of a failed write */
} Sink;

static void sink_write(void *opaque, void *data, int size)
{
    Sink *s = opaque;
    if (!s->err && size > 0 && fwrite(data, 1, (size_t)size, s->f) != (size_t)size)
        s->err = errno ? errno : EIO;
}

/* "DIR/.NAME.XXXXXX.tmp" beside path: same file system, so rename is atomic. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    char *t = NULL;
    if (asprintf(&t, "%.*s.%s.XXXXXX.tmp", dirlen, path, slash ? slash + 1 : path) < 0)
        return NULL;
    return t;
}

int picture_save(const Picture *p, const char *path, int type, const atomic_int *cancel)
{
    if (type != PICTURE_PNG && type != PICTURE_JPEG)
        return -EINVAL;
    char *tmp = temp_template(path);
    if (!tmp)
        return -ENOMEM;
    int fd = mkstemps(tmp, 4), rc = 0;
    if (fd < 0) {
        rc = -errno;
        free(tmp);
        return rc;
    }
    /* mkstemps makes the file 0600; give it the mode a plain create would */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0) {
        rc = -errno;
        close(fd);
        goto fail;
    }
    Sink sink = {fdopen(fd, "wb"), 0};
    if (!sink.f) {
        rc = -errno;
        close(fd);
        goto fail;
    }
    int ok = type == PICTURE_PNG
                 ? stbi_write_png_to_func(sink_write, &sink, p->width, p->height, 3, p->rgb, p->width * 3)
                 : stbi_write_jpg_to_func(sink_write, &sink, p->width, p->height, 3, p->rgb, JPEG_QUALITY);
    if (!ok && !sink.err)
        sink.err = ENOMEM; /* stb fails only when it cannot allocate */
    if (fflush(sink.f) && !sink.err)
        sink.err = errno;
    if (fsync(fileno(sink.f)) && !sink.err && errno != EINVAL)
        sink.err = errno;
    if (fclose(sink.f) && !sink.err)
        sink.err = errno;
    if (sink.err) {
        rc = -sink.err;
        goto fail;
    }
    if (cancel && *cancel) {
        rc = -EINTR;
        goto fail;
    }
    if (rename(tmp, path) < 0) {
        rc = -errno;
        goto fail;
    }
    free(tmp);
    return 0;
fail:
    unlink(tmp);
    free(tmp);
    return rc;
}

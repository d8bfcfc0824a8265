/* dedup in the sample: one decode both chooses the frames and makes their views.
 *
 * Every candidate frame's thumbnail goes to the plan's choice as it is
 * fetched (vs_plan_dedup_feed), and its views to a deleted temporary file when
 * it is kept (or may come back for min_frames); once the choice is made the
 * sample hands out the kept frames from the file. So
 * the frame count is known before the first frame is handed out, as shard
 * headers and callers' arrays need, and nothing is decoded twice: the cost
 * over the same extract without dedup is a thumbnail per frame and a write and
 * read of the views through the page cache (README "Content-aware strategies"). */
#include "reader.h"
#include "sample_internal.h"
#include "shard_file.h"
#include "strategy.h"
#include "thumb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An unnamed file in $TMPDIR (else /tmp): gone with the descriptor, even on a crash. */
static int spool_create(const char *path, int *out)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    int fd = -1;
#ifdef O_TMPFILE
    fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
    if (fd < 0) { /* a file system without O_TMPFILE: a named one, unlinked at once */
        size_t len = strlen(dir) + sizeof("/vsample-spool-XXXXXX");
        char *name = malloc(len);
        if (!name)
            return vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
        snprintf(name, len, "%s/vsample-spool-XXXXXX", dir);
        if ((fd = mkostemp(name, O_CLOEXEC)) >= 0)
            unlink(name);
        free(name);
    }
    if (fd < 0)
        return vs_error(VS_ERR_IO, "%s: dedup: cannot make a spool file in %s: %s", path, dir, strerror(errno));
    *out = fd;
    return 0;
}

static int read_all(int fd, void *buf, size_t n, uint64_t off, const char *path)
{
    char *p = buf;
    while (n > 0) {
        ssize_t k = pread(fd, p, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return vs_error(VS_ERR_IO, "%s: dedup: reading the spool file failed: %s", path,
                            k < 0 ? strerror(errno) : "it is shorter than written");
        p += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

int vs_sample_spool(VsSample *s, int keep_dropped)
{
    const char *path = vs_source_info(s->src)->path;
    size_t n = vs_plan_count(s->plan);
    s->spool_record = 0;
    for (size_t v = 0; v < s->nviews; v++)
        s->spool_record += vs_view_frame_bytes(&s->views[v]);
    uint8_t *record = malloc(s->spool_record), *keep = malloc(n ? n : 1);
    void **dst = calloc(s->nviews, sizeof(*dst));
    s->spool_info = malloc((n ? n : 1) * sizeof(*s->spool_info));
    s->spool_of = malloc((n ? n : 1) * sizeof(*s->spool_of));
    s->spool_slot = malloc((n ? n : 1) * sizeof(*s->spool_slot));
    if (!record || !keep || !dst || !s->spool_info || !s->spool_of || !s->spool_slot) {
        free(record);
        free(keep);
        free(dst);
        return vs_error(VS_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t v = 0, off = 0; v < s->nviews; off += vs_view_frame_bytes(&s->views[v]), v++)
        dst[v] = record + off;
    uint8_t thumb[VS_THUMB_BYTES];
    vs_plan_dedup_restart(s->plan);
    int ret = vs_reader_check_settings(s->src, &s->reader_settings);
    if (ret >= 0 && (ret = spool_create(path, &s->spool_fd)) >= 0)
        s->spooled = 1;
    if (ret >= 0)
        ret = vs_reader_open_times(&s->reader, s->src, vs_plan_times(s->plan), vs_plan_clips(s->plan), n, s->views,
                                   s->nviews, &s->reader_settings, VS_READER_MAY_SPLIT | VS_READER_THUMBS);
    /* a dropped frame is spooled only when min_frames may bring it back */
    size_t slots = 0;
    for (size_t j = 0; ret >= 0 && j < n; j++) {
        if ((ret = vs_reader_next_thumb(s->reader, dst, &s->spool_info[j], thumb)) == 0)
            ret = vs_error(VS_ERR_INTERNAL, "%s: the reader ended at frame %zu of %zu", path, j, n);
        int kept = ret >= 0 ? (ret = vs_plan_dedup_feed(s->plan, thumb)) : 0;
        s->spool_slot[j] = SIZE_MAX;
        if (ret < 0 || (!kept && !keep_dropped))
            continue;
        if ((ret = vs_write_all(s->spool_fd, record, s->spool_record, (uint64_t)slots * s->spool_record,
                                "dedup spool")) < 0)
            vs_error(ret, "%s: dedup: %s (the spool file in $TMPDIR holds the views of the frames kept)", path,
                     vs_last_error());
        s->spool_slot[j] = slots++;
    }
    if (ret >= 0)
        ret = vs_plan_dedup_finish(s->plan, keep);
    if (s->reader) { /* every frame is in the spool: the decoders are done */
        s->spool_decoded = vs_reader_frames_decoded(s->reader);
        s->spool_backend = vs_reader_backend(s->reader);
        vs_reader_close(&s->reader);
    }
    for (size_t j = 0, i = 0; ret >= 0 && j < n; j++)
        if (keep[j]) {
            if (s->spool_slot[j] == SIZE_MAX)
                ret = vs_error(VS_ERR_INTERNAL, "%s: dedup kept a frame it did not spool", path);
            s->spool_of[i++] = j;
        }
    free(record);
    free(keep);
    free(dst);
    return ret < 0 ? ret : 0;
}

int vs_sample_spool_next(VsSample *s, void *const *dst, VsFrameInfo *info)
{
    size_t j = s->spool_of[s->next];
    uint64_t off = (uint64_t)s->spool_slot[j] * s->spool_record;
    for (size_t v = 0; v < s->nviews; v++) {
        size_t bytes = vs_view_frame_bytes(&s->views[v]);
        int ret = dst && dst[v] ? read_all(s->spool_fd, dst[v], bytes, off, vs_source_info(s->src)->path) : 0;
        if (ret < 0)
            return ret;
        off += bytes;
    }
    *info = s->spool_info[j];
    info->index = s->next;
    return 1;
}

void vs_sample_spool_close(VsSample *s)
{
    if (s->spooled)
        close(s->spool_fd);
    s->spooled = 0;
    free(s->spool_info);
    free(s->spool_of);
    free(s->spool_slot);
    s->spool_info = NULL;
    s->spool_of = NULL;
    s->spool_slot = NULL;
}

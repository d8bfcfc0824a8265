/* fetch, split across decoders: a plan whose times only grow is cut at
 * keyframes into stretches, dealt round-robin to child readers that each open
 * the file again and decode single-threaded on their own prefetch thread; the
 * parent takes the frames back in plan order.
 *
 * Why: on 2 cores one decoder with 2 frame threads kept ~1.1 cores busy on
 * fps:2 (sparse targets, most frames skipped), while two independent decoders
 * on the two halves of the same plan kept both busy: 6.1 s -> 3.9 s on a
 * 10-minute 640x360 H.264 (docs/PERFORMANCE.md). Each child is an exact
 * reader on its own, so where the cuts fall changes the cost, never the
 * frames. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CHILDREN 4
/* Memory follows the frame size. What the children queue shares one budget
 * (32 MiB): on the CPU backend, when the views of a frame are smaller than the
 * decoded frame, each child preprocesses on its own thread and queues views
 * (siglip-384 f16: 0.9 MB against 3.1 MB for a 1080p frame), else decoded
 * frames (46 each of 640x360, 6 each of 1080p with two children). Each child's
 * decoder also holds about DECODER_FRAMES frames of its own (references,
 * reordering), so no more children run than fit SPLIT_BYTES with their queues
 * at the least depth: 4K (12 MiB a frame) gets one decoder. With 96 MiB of
 * frames a child before, fps:2 siglip-384 peaked at 284 MB on a 3-minute 1080p
 * video and 343 MB on a 10-second 4K one (docs/PERFORMANCE.md has today's). */
#define QUEUE_BYTES ((size_t)32 << 20)
#define DECODER_FRAMES 8
#define MIN_DEPTH 6
#define SPLIT_BYTES ((size_t)160 << 20)
/* Below this many times a split is not worth the extra opens. */
#define MIN_TIMES 16

static int times_grow(const double *t, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (t[i] < t[i - 1])
            return 0;
    return 1;
}

/* Is there a keyframe after a and at or before b? Then a decoder starting at
 * b seeks to it and needs nothing before a. Index times are decode times,
 * never later than the keyframe is shown. */
static int key_between(const VsSource *src, double a, double b)
{
    if (src->no_timestamps) { /* an elementary stream: the keys a decoder can count frames from */
        size_t j = vs_reader_count_key_before(src, b);
        return j > 0 && (double)src->keys.count_frame[j - 1] / vs_source_frame_rate(src) > a;
    }
    if (vs_source_seeks_by_scan(src)) { /* no index: the scan's presentation times */
        const VsKeyIndex *k = &src->keys;
        size_t j = vs_first_time_at_or_after(k->key_times, k->n_keys, b + TIME_EPS);
        return j > 0 && k->key_times[j - 1] > a;
    }
    int k = av_index_search_timestamp(src->st, vs_source_sec_to_ts(src, b), AVSEEK_FLAG_BACKWARD);
    const AVIndexEntry *e = k >= 0 ? avformat_index_get_entry(src->st, k) : NULL;
    return e && vs_source_ts_to_sec(src, e->timestamp) > a;
}

/* Cut points: stretch s is [cut[s], cut[s + 1]). Returns the stretch count. */
static size_t cut_stretches(const VsReader *r, size_t want, size_t *cut, size_t max_cuts)
{
    size_t n = 0, since = 0;
    cut[n++] = 0;
    for (size_t i = 1; i < r->n && n < max_cuts; i++)
        if (++since >= want && key_between(r->src, r->times[i - 1], r->times[i]))
            cut[n++] = i, since = 0;
    cut[n] = r->n;
    return n;
}

int vs_reader_split(VsReader *r, const VsView *views, size_t nviews, const VsReaderSettings *settings)
{
    const VsSource *src = r->src;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = settings && settings->segments ? (size_t)settings->segments : (size_t)(cores < 1 ? 1 : cores);
    workers = workers > MAX_CHILDREN ? MAX_CHILDREN : workers;
    if (workers < 2 || r->n < MIN_TIMES || r->approx || r->keys_only ||
        !(src->indexed || vs_source_seeks_by_scan(src) || vs_source_seeks_by_count(src)) ||
        !vs_source_can_reopen(src) ||
        (settings && settings->prefetch < 0) || !times_grow(r->times, r->n))
        return 0;
    /* Each child queues up to `depth` decoded frames (its share of QUEUE_BYTES);
     * stretches about that long let it decode its next one while the caller
     * takes another child's. */
    size_t frame = (size_t)src->info.coded_width * (size_t)src->info.coded_height * 3 / 2 *
                   (src->info.bit_depth > 8 ? 2 : 1);
    size_t view_bytes = 0;
    for (size_t v = 0; v < nviews; v++)
        view_bytes += r->view_bytes[v];
    int ahead = nviews && r->prep.kind == VS_BACKEND_CPU && view_bytes < frame;
    size_t item = ahead ? view_bytes : frame; /* what a queue holds */
    size_t fit = frame ? SPLIT_BYTES / (frame * DECODER_FRAMES + item * MIN_DEPTH) : workers;
    workers = fit < workers ? fit : workers;
    if (workers < 2)
        return 0;
    size_t depth = item ? QUEUE_BYTES / workers / item : VS_PREFETCH_MAX;
    depth = depth < MIN_DEPTH ? MIN_DEPTH : depth > VS_PREFETCH_MAX ? VS_PREFETCH_MAX : depth;
    size_t want = r->n / (workers * 4), max_cuts = r->n;
    want = want > depth - 2 ? depth - 2 : want < 4 ? 4 : want;
    size_t *cut = malloc((max_cuts + 1) * sizeof(*cut));
    if (!cut)
        return VS_ERR_NOMEM;
    size_t stretches = cut_stretches(r, want, cut, max_cuts), longest = 0;
    if (stretches < 2) {
        free(cut);
        return 0;
    }
    workers = stretches < workers ? stretches : workers;
    int ret = VS_ERR_NOMEM;
    double *times = malloc(r->n * sizeof(*times));
    int32_t *clips = r->clips ? malloc(r->n * sizeof(*clips)) : NULL;
    r->child_of = malloc(r->n);
    r->children = calloc(workers, sizeof(*r->children));
    r->child_src = calloc(workers, sizeof(*r->child_src));
    r->nchild_slots = workers;
    if (!times || (r->clips && !clips) || !r->child_of || !r->children || !r->child_src)
        goto done;
    for (size_t s = 0; s < stretches; s++) {
        size_t len = cut[s + 1] - cut[s];
        longest = len > longest ? len : longest;
        memset(r->child_of + cut[s], (int)(s % workers), len);
    }
    VsReaderSettings rs;
    vs_reader_default_settings(&rs);
    rs.prefetch = (int)(longest + 2 < depth ? longest + 2 : depth);
    rs.backend = VS_BACKEND_CPU;
    for (size_t c = 0; c < workers; c++) {
        size_t m = 0;
        for (size_t i = 0; i < r->n; i++)
            if (r->child_of[i] == c) {
                times[m] = r->times[i];
                if (clips)
                    clips[m] = r->clips[i];
                m++;
            }
        /* one decoding thread each: the children are the parallelism */
        if ((ret = vs_source_reopen(&r->child_src[c], src, 1)) < 0 ||
            (ret = vs_reader_open_times(&r->children[c], r->child_src[c], times, clips, m, ahead ? views : NULL,
                                        ahead ? nviews : 0, &rs,
                                        r->want_thumbs ? VS_READER_THUMBS : 0)) < 0)
            goto done;
        r->nchildren = c + 1;
    }
    ret = 0;
done:
    if (ret < 0)
        vs_reader_close_children(r);
    free(cut);
    free(times);
    free(clips);
    return ret;
}

void vs_reader_close_children(VsReader *r)
{
    for (size_t c = 0; r->children && c < r->nchild_slots; c++)
        vs_reader_close(&r->children[c]); /* before its source */
    for (size_t c = 0; r->child_src && c < r->nchild_slots; c++)
        vs_source_close(&r->child_src[c]);
    free(r->children);
    free(r->child_src);
    free(r->child_of);
    r->children = NULL;
    r->child_src = NULL;
    r->child_of = NULL;
    r->nchildren = r->nchild_slots = 0;
}

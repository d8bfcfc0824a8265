/* Independent sources used from several threads at once (vsample.h's
 * thread-safety contract): every thread opens its own source, plans, and reads
 * every frame into buffers it owns; the bytes, pts and targets must equal a
 * single-threaded run of the same job. The jobs differ in strategy, view,
 * dtype, seek mode and prefetch (readers with a decode thread of their own),
 * so that the threads run different code at the same time. Each thread also
 * makes a failing call naming its own path: vs_last_error() must be per thread.
 *
 *   threads_test [--threads N] [--rounds R] [--decoder-threads D] VIDEO...
 * --decoder-threads sets VsSourceSettings.threads (default 0: one per core).
 * Run under ThreadSanitizer by scripts/test.sh (build-tsan, see tsan.supp). */
#include "vsample/vsample.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int decoder_threads; /* VsSourceSettings.threads of every source */

typedef struct Job {
    const char *strategy, *preset;
    int dtype, seek, prefetch;
} Job;

/* Small views and few frames: the same coverage in a few seconds under TSan. */
static const Job JOBS[] = {
    {"uniform:4", "internvideo2-224", VS_DTYPE_U8, VS_SEEK_EXACT, 0},
    {"fps:0.5", "siglip-384", VS_DTYPE_F16, VS_SEEK_EXACT, -1},
    {"keyframes", "clip-336", VS_DTYPE_F32, VS_SEEK_APPROXIMATE, 2},
    {"uniform:3", "qwen2vl", VS_DTYPE_BF16, VS_SEEK_EXACT, 1},
    /* the content-aware decodes: the analysis pass in stretches on threads of its own,
     * dedup's thumbnails made on the readers' threads */
    {"scenes:per_scene=2", "internvideo2-224", VS_DTYPE_U8, VS_SEEK_EXACT, 0},
    {"fps:2,dedup=0.002", "siglip-384", VS_DTYPE_F16, VS_SEEK_EXACT, 2},
};
#define NJOBS (sizeof(JOBS) / sizeof(JOBS[0]))

/* What one run of a job on a video produced. */
typedef struct Output {
    size_t frames, frame_bytes;
    uint8_t *pixels; /* frames * frame_bytes */
    double *pts, *target;
    char error[1024]; /* "" on success */
} Output;

typedef struct Task {
    const Job *job;
    const char *video;
    int id;
    Output out;
    pthread_barrier_t *start;
    int error_ok; /* the thread's own failing call kept its own message */
} Task;

static void output_free(Output *o)
{
    free(o->pixels);
    free(o->pts);
    free(o->target);
    memset(o, 0, sizeof(*o));
}

/* Open, plan, resolve the view and read every frame: the C loader's sequence. */
static int run_job(const Job *job, const char *video, Output *o)
{
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    VsReader *reader = NULL;
    VsSourceSettings ss;
    VsPlanInput in;
    VsView view;
    VsReaderSettings rs;
    int ret;
    memset(o, 0, sizeof(*o));
    vs_source_default_settings(&ss);
    ss.scan = vs_strategy_needs_scan(job->strategy);
    ss.threads = decoder_threads;
    vs_reader_default_settings(&rs);
    rs.seek = job->seek;
    rs.prefetch = job->prefetch;
    if ((ret = vs_source_open(&src, video, &ss)) < 0 ||
        (vs_strategy_needs_analysis(job->strategy) && (ret = vs_source_analyze(src)) < 0) ||
        (ret = vs_source_plan_input(src, &in)) < 0 || (ret = vs_plan_create(&plan, &in, job->strategy, NULL)) < 0 ||
        (ret = vs_plan_dedup(plan, src, &rs)) < 0 ||
        (ret = vs_view_preset(&view, job->preset)) < 0)
        goto done;
    view.dtype = job->dtype;
    const VsStreamInfo *info = vs_source_info(src);
    o->frames = vs_plan_count(plan);
    if ((ret = vs_view_resolve(&view, info->display_width, info->display_height, o->frames)) < 0 ||
        (ret = vs_reader_open(&reader, src, plan, &view, 1, &rs)) < 0)
        goto done;
    o->frame_bytes = vs_view_frame_bytes(&view);
    o->pixels = malloc(o->frames * o->frame_bytes);
    o->pts = malloc(o->frames * sizeof(double));
    o->target = malloc(o->frames * sizeof(double));
    if (!o->pixels || !o->pts || !o->target) {
        ret = VS_ERR_NOMEM;
        snprintf(o->error, sizeof(o->error), "out of memory");
        goto done;
    }
    VsFrameInfo fi;
    for (size_t i = 0;; i++) {
        void *dst = o->pixels + i * o->frame_bytes;
        if ((ret = vs_reader_next(reader, &dst, &fi)) <= 0)
            break;
        if (fi.index != i) {
            snprintf(o->error, sizeof(o->error), "frame %zu came back as index %zu", i, fi.index);
            ret = VS_ERR_INTERNAL;
            goto done;
        }
        o->pts[i] = fi.pts;
        o->target[i] = fi.target;
    }
done:
    if (ret < 0 && !o->error[0])
        snprintf(o->error, sizeof(o->error), "%s", vs_last_error());
    vs_reader_close(&reader);
    vs_plan_free(&plan);
    vs_source_close(&src);
    return ret < 0 ? ret : 0;
}

static void *thread_main(void *arg)
{
    Task *t = arg;
    /* Every thread fails with a path of its own, waits until all have failed,
     * then reads its message: the others' failures must not have replaced it. */
    char missing[64];
    snprintf(missing, sizeof(missing), "/nonexistent/thread-%d.mp4", t->id);
    pthread_barrier_wait(t->start);
    VsSource *none = NULL;
    int ret = vs_source_open(&none, missing, NULL);
    pthread_barrier_wait(t->start);
    t->error_ok = ret == VS_ERR_NOT_FOUND && !none && strstr(vs_last_error(), missing) != NULL;
    run_job(t->job, t->video, &t->out); /* every thread opens its source at the same moment */
    return NULL;
}

static int same_output(const Output *a, const Output *b, char *why, size_t n)
{
    if (strcmp(a->error, b->error))
        return snprintf(why, n, "error '%.100s' vs '%.100s'", a->error, b->error), 0;
    if (a->frames != b->frames || a->frame_bytes != b->frame_bytes)
        return snprintf(why, n, "%zu frames of %zu bytes vs %zu of %zu", a->frames, a->frame_bytes, b->frames,
                        b->frame_bytes), 0;
    for (size_t i = 0; i < a->frames; i++) {
        if (memcmp(a->pixels + i * a->frame_bytes, b->pixels + i * b->frame_bytes, a->frame_bytes))
            return snprintf(why, n, "frame %zu: pixels differ", i), 0;
        if (memcmp(&a->pts[i], &b->pts[i], sizeof(double)) || memcmp(&a->target[i], &b->target[i], sizeof(double)))
            return snprintf(why, n, "frame %zu: pts %.17g/%.17g target %.17g/%.17g", i, a->pts[i], b->pts[i],
                            a->target[i], b->target[i]), 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    int nthreads = 8, rounds = 1, nvideos = 0;
    const char **videos = calloc((size_t)argc, sizeof(*videos));
    if (!videos)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--decoder-threads") && i + 1 < argc)
            decoder_threads = atoi(argv[++i]);
        else
            videos[nvideos++] = argv[i];
    }
    if (!nvideos || nthreads < 1 || nthreads > 256 || rounds < 1 || decoder_threads < 0) {
        fprintf(stderr, "usage: %s [--threads N] [--rounds R] [--decoder-threads D] VIDEO...\n", argv[0]);
        return 2;
    }

    /* The reference: every (job, video) once, on this thread alone. */
    size_t nref = NJOBS * (size_t)nvideos;
    Output *ref = calloc(nref, sizeof(*ref));
    Task *tasks = calloc((size_t)nthreads, sizeof(*tasks));
    pthread_t *tids = calloc((size_t)nthreads, sizeof(*tids));
    if (!ref || !tasks || !tids)
        return 1;
    int failed = 0;
    for (size_t r = 0; r < nref; r++) {
        const Job *job = &JOBS[r % NJOBS];
        if (run_job(job, videos[r / NJOBS], &ref[r]) < 0) {
            fprintf(stderr, "threads_test: %s, %s, %s: %s\n", videos[r / NJOBS], job->strategy, job->preset,
                    ref[r].error);
            failed = 1;
        }
    }
    if (failed)
        return 1;

    pthread_barrier_t start;
    for (int round = 0; round < rounds; round++) {
        pthread_barrier_init(&start, NULL, (unsigned)nthreads);
        for (int t = 0; t < nthreads; t++) {
            /* thread t: job t mod NJOBS on video (t / NJOBS) mod nvideos, so that
             * with 8 threads and one video every job runs twice at once */
            size_t r = (size_t)t % NJOBS + NJOBS * ((size_t)t / NJOBS % (size_t)nvideos);
            tasks[t] = (Task){.job = &JOBS[r % NJOBS], .video = videos[r / NJOBS], .id = t, .start = &start};
            if (pthread_create(&tids[t], NULL, thread_main, &tasks[t])) {
                fprintf(stderr, "threads_test: cannot create thread %d\n", t);
                return 1;
            }
        }
        for (int t = 0; t < nthreads; t++)
            pthread_join(tids[t], NULL);
        pthread_barrier_destroy(&start);
        for (int t = 0; t < nthreads; t++) {
            size_t r = (size_t)t % NJOBS + NJOBS * ((size_t)t / NJOBS % (size_t)nvideos);
            char why[256];
            if (!same_output(&tasks[t].out, &ref[r], why, sizeof(why))) {
                fprintf(stderr, "threads_test: round %d thread %d (%s, %s, %s): %s\n", round, t, tasks[t].video,
                        tasks[t].job->strategy, tasks[t].job->preset, why);
                failed = 1;
            }
            if (!tasks[t].error_ok) {
                fprintf(stderr, "threads_test: thread %d: vs_last_error() lost its own message\n", t);
                failed = 1;
            }
            output_free(&tasks[t].out);
        }
    }
    size_t frames = 0;
    for (size_t r = 0; r < nref; r++) {
        frames += ref[r].frames;
        output_free(&ref[r]);
    }
    if (!failed)
        printf("threads_test: %d threads x %d rounds over %d video(s): every thread matched the "
               "single-threaded run (%zu reference frames)\n", nthreads, rounds, nvideos, frames);
    free(ref);
    free(tasks);
    free(tids);
    free(videos);
    return failed;
}

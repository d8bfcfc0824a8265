/* One video of `vsample ablate`: the source is opened (and scanned) once and
 * shared by every strategy; each strategy then gets a reader of its own that
 * decodes and preprocesses its frames into a scratch buffer, timed, so that its
 * frames decoded and wall time are what `extract --strategy S` would spend.
 * The pictures come after, from one more decode shared by all strategies: the
 * union of their times, as thumbnails, outside every strategy's measurement. */
#include "ablate.h"
#include "sheet.h"
#include "vsample/sample.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Print one line naming the input (and the strategy, when given and the
 * message does not name it) and return it without the "vsample: " prefix,
 * for the report. */
static char *record_message(const char *path, const char *strategy, const char *msg)
{
    char *text = NULL;
    int has_path = strstr(msg, path) != NULL, named = strategy && !strstr(msg, "strategy '");
    if (asprintf(&text, "%s%s%s%s%s%s", has_path ? "" : path, has_path ? "" : ": ", msg,
                 named ? " (strategy '" : "", named ? strategy : "", named ? "')" : "") < 0)
        text = NULL;
    fprintf(stderr, "vsample: %s\n", text ? text : msg);
    return text ? text : strdup(msg);
}

/* The same for the library's last error. */
static char *record_error(const char *path, const char *strategy, int err)
{
    const char *msg = err == VS_ERR_NOMEM ? "out of memory" : vs_last_error();
    return record_message(path, strategy, msg && *msg ? msg : vs_strerror(err));
}

static int input_code(int err)
{
    return exit_code_for(err) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
}

/* An internal error outranks an input error in the video's code. */
static void fail(VideoResult *v, int code)
{
    if (v->code != EXIT_INTERNAL)
        v->code = code;
}

/* The span [start, end) the plan options leave of the video. */
static double plan_span(const VsPlanSettings *s, double duration)
{
    double e = s->end >= 0 && s->end < duration ? s->end : duration;
    return e - s->start;
}

/* Strategy k: plan, fetch and preprocess every frame, timed, as extract's
 * sample would (views sized for the plan, T padded), into scratch buffers that
 * are written, never read. 0, or EXIT_INTERRUPTED; failures of the strategy
 * are recorded in r. */
static int run_strategy(const AblateOptions *o, VsSource *src, VideoResult *v, size_t k)
{
    void *bufs[MAX_VIEWS] = {0};
    uint64_t frame_bytes = 0, tokens = 0;
    StrategyResult *r = &v->res[k];
    VsSample *sample = NULL;
    VsSampleSettings set;
    VsFrameInfo fi;
    int ret, code = 0;
    double t0 = now();
    vs_sample_default_settings(&set);
    set.strategy = o->strategies[k];
    set.plan = o->plan.settings;
    set.max_tokens = o->plan.max_tokens;
    set.reader = o->reader;
    if ((ret = vs_sample_open_source(&sample, src, o->views, o->nviews, &set)) < 0)
        goto fail;
    const VsPlan *plan = vs_sample_plan(sample);
    const VsView *views = vs_sample_views(sample);
    size_t n = vs_sample_planned_frames(sample);
    r->plan = strdup(vs_plan_strategy(plan));
    r->note = strdup(vs_plan_note(plan));
    r->targets = malloc((n ? n : 1) * sizeof(double));
    r->pts = malloc((n ? n : 1) * sizeof(double));
    if (!r->plan || !r->note || !r->targets || !r->pts) {
        ret = VS_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < o->nviews; i++) {
        if (!(bufs[i] = malloc(vs_view_frame_bytes(&views[i])))) {
            ret = VS_ERR_NOMEM;
            goto fail;
        }
        frame_bytes += vs_view_frame_bytes(&views[i]);
        tokens += (uint64_t)vs_view_tokens(&views[i], n);
    }
    while ((ret = vs_sample_next(sample, bufs, &fi)) == 1) {
        if (fi.index < n) { /* the padding repeats the last planned frame */
            r->targets[fi.index] = fi.target;
            r->pts[fi.index] = fi.pts;
        }
        if (cli_interrupted) {
            code = EXIT_INTERRUPTED;
            goto done;
        }
    }
    if (ret < 0)
        goto fail;
    r->wall_s = now() - t0;
    r->frames = n;
    r->frames_decoded = vs_sample_frames_decoded(sample);
    r->tensor_bytes = (uint64_t)vs_sample_frames(sample) * frame_bytes; /* what extract writes */
    r->tokens = o->tokens_given ? (uint64_t)n * (uint64_t)o->tokens_per_frame : tokens;
    figures_compute(&r->fig, r->pts, n, v->duration, plan_span(&o->plan.settings, v->duration));
    figures_content(&r->fig, r->pts, n, v);
    size_t nd = 0;
    const VsPlanDrop *dropped = vs_plan_dropped(plan, &nd);
    if (nd && (r->dropped = malloc(nd * sizeof(double))))
        for (size_t i = 0; i < nd; i++)
            r->dropped[r->n_dropped++] = dropped[i].time;
    goto done;
fail:
    if (cli_interrupted) { /* stopped inside the library (dedup fetches while the sample opens) */
        code = EXIT_INTERRUPTED;
        goto done;
    }
    r->error = record_error(v->path, o->strategies[k], ret);
    fail(v, input_code(ret));
done:
    for (size_t i = 0; i < o->nviews; i++)
        free(bufs[i]);
    vs_sample_close(&sample);
    return code;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The pictures go; the size stays (sheets_write tells "no thumbnails" from "too large"). */
static void thumbs_free(Thumbs *t)
{
    free(t->targets);
    free(t->pts);
    free(t->rgb);
    t->targets = t->pts = NULL;
    t->rgb = NULL;
    t->n = 0;
}

/* The distinct target times of every strategy that ran, sorted. */
static int union_times(const AblateOptions *o, const VideoResult *v, Thumbs *t)
{
    size_t total = 0;
    for (size_t k = 0; k < o->nstrategies; k++)
        total += v->res[k].error ? 0 : v->res[k].frames;
    if (!total)
        return 0;
    if (!(t->targets = malloc(total * sizeof(double))))
        return -1;
    for (size_t k = 0; k < o->nstrategies; k++)
        if (!v->res[k].error)
            for (size_t i = 0; i < v->res[k].frames; i++)
                t->targets[t->n++] = v->res[k].targets[i];
    cli_sort(t->targets, t->n, sizeof(double), cmp_double);
    size_t d = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!d || t->targets[i] != t->targets[d - 1])
            t->targets[d++] = t->targets[i];
    t->n = d;
    return 0;
}

/* The thumbnails: one decode of the union of every strategy's times, on the
 * CPU, u8 squashed to the display aspect ratio as preview does. 0, or an exit
 * code that ends the run; a failure of this video is recorded. */
static int shared_thumbnails(const AblateOptions *o, VsSource *src, const VsPlanInput *in, VideoResult *v,
                             Thumbs *t)
{
    VsPlan *plan = NULL;
    VsReader *rd = NULL;
    VsFrameInfo fi;
    int ret, code = 0;
    double t0 = now();
    size_t bytes = (size_t)t->w * (size_t)t->h * 3;
    if (union_times(o, v, t) < 0 ||
        (t->n && (!(t->pts = malloc(t->n * sizeof(double))) || !(t->rgb = malloc(t->n * bytes))))) {
        fprintf(stderr, "vsample: %s: out of memory for %zu thumbnails of %dx%d\n", v->path, t->n, t->w, t->h);
        return EXIT_INTERNAL;
    }
    if (!t->n)
        return 0;
    VsView view;
    vs_view_default(&view);
    snprintf(view.name, sizeof(view.name), "thumb");
    view.width = t->w;
    view.height = t->h;
    view.dtype = VS_DTYPE_U8;
    view.layout = VS_LAYOUT_THWC;
    if ((ret = vs_plan_from_times(&plan, in, t->targets, t->n, NULL)) < 0 ||
        (ret = vs_reader_open(&rd, src, plan, &view, 1, NULL)) < 0)
        goto fail;
    if (vs_plan_count(plan) != t->n) {
        /* every target lies in [0, duration), where timestamps keeps them all */
        fprintf(stderr, "vsample: %s: internal error: %zu of %zu thumbnail times planned\n", v->path,
                vs_plan_count(plan), t->n);
        code = EXIT_INTERNAL;
        goto done;
    }
    /* frames come in plan order: frame i goes to thumbnail i */
    size_t next = 0;
    while (next < t->n) {
        void *dst = t->rgb + bytes * next;
        if ((ret = vs_reader_next(rd, &dst, &fi)) != 1)
            break;
        t->pts[fi.index] = fi.pts;
        next = fi.index + 1;
        if (cli_interrupted) {
            code = EXIT_INTERRUPTED;
            goto done;
        }
    }
    if (ret < 0)
        goto fail;
    v->shared_times = t->n;
    v->shared_decoded = vs_reader_frames_decoded(rd);
    v->pictures_s = now() - t0;
    goto done;
fail:
    free(record_error(v->path, NULL, ret));
    fail(v, input_code(ret));
    thumbs_free(t);
done:
    vs_reader_close(&rd);
    vs_plan_free(&plan);
    return code;
}

void video_result_free(VideoResult *v, size_t nstrategies)
{
    for (size_t k = 0; v->res && k < nstrategies; k++) {
        StrategyResult *r = &v->res[k];
        free(r->plan);
        free(r->note);
        free(r->error);
        free(r->targets);
        free(r->pts);
        free(r->sheet);
        free(r->sheet_note);
        free(r->dropped);
    }
    free(v->res);
    free(v->shots);
    free(v->cum);
    v->shots = NULL;
    v->cum = NULL;
    free(v->key);
    free(v->error);
    free(v->timeline);
    v->res = NULL;
    v->key = v->error = v->timeline = NULL;
}

/* The analysis pass, once for every strategy (the content-aware ones plan from it,
 * every one is measured against its shots); its failure only leaves those figures
 * out. Outside every strategy's measured cost. */
static void analyse(const AblateOptions *o, VsSource *src, VideoResult *v)
{
    VsPlanInput in;
    VsPlan *plan = NULL;
    if (vs_source_analyze(src) < 0) {
        if (!cli_interrupted) /* the library's message names the video */
            fprintf(stderr, "vsample: %s (no shot or redundancy figures)\n", vs_last_error());
        return;
    }
    v->analysis_s = vs_source_analysis_seconds(src);
    VsPlanSettings set = o->plan.settings;
    set.min_frames = set.max_frames = 0;
    size_t n = 0;
    const VsPlanScene *shots;
    if (vs_source_plan_input(src, &in) < 0 || vs_plan_create(&plan, &in, "scenes", &set) < 0 ||
        !(shots = vs_plan_scenes(plan, &n)) || !(v->shots = malloc(n * sizeof(*v->shots))) ||
        !(v->cum = malloc(in.n_analysis * sizeof(double)))) {
        free(v->shots);
        v->shots = NULL;
        vs_plan_free(&plan);
        return;
    }
    memcpy(v->shots, shots, n * sizeof(*shots));
    v->nshots = n;
    double sum = 0;
    for (size_t i = 0; i < in.n_analysis; i++)
        v->cum[i] = sum += in.analysis_scores[i];
    v->cum_times = in.analysis_times; /* owned by the source, which outlives the figures */
    v->ncum = in.n_analysis;
    vs_plan_free(&plan);
}

/* A failure to open the video fails each of its strategies with the same message. */
static void video_failed(const AblateOptions *o, VideoResult *v, int ret)
{
    v->error = record_error(v->path, NULL, ret);
    fail(v, input_code(ret));
    for (size_t k = 0; k < o->nstrategies; k++)
        v->res[k].error = v->error ? strdup(v->error) : NULL;
}

int ablate_video(const AblateOptions *o, Staging *st, VideoResult *v)
{
    VsSource *src = NULL;
    VsSourceSettings ss;
    VsPlanInput in;
    Thumbs thumbs = {0};
    int code = 0, ret;
    if (!(v->res = calloc(o->nstrategies, sizeof(*v->res)))) {
        fprintf(stderr, "vsample: %s: out of memory\n", v->path);
        return EXIT_INTERNAL;
    }
    vs_source_default_settings(&ss);
    ss.threads = o->plan.threads;
    ss.scan = o->scan;
    ss.io_timeout_ms = o->plan.io_timeout_ms;
    ss.interrupt = cli_interrupt_requested;
    double t0 = now();
    if ((ret = vs_source_open(&src, v->path, &ss)) < 0 || (ret = vs_source_plan_input(src, &in)) < 0) {
        video_failed(o, v, ret);
        goto done;
    }
    v->open_s = now() - t0;
    const VsStreamInfo *info = vs_source_info(src);
    v->duration = info->duration;
    v->width = info->display_width;
    v->height = info->display_height;
    v->frame_count = info->counted_frames > 0 ? info->counted_frames : info->header_frames;
    analyse(o, src, v);
    for (size_t k = 0; k < o->nstrategies && !code; k++)
        code = run_strategy(o, src, v, k);
    if (code)
        goto done;
    if ((code = timeline_write(o, st, v)) != 0)
        goto done;
    if ((thumbs.w = sheets_thumb_width(o, v, info)) > 0) {
        thumbs.h = sheet_thumb_height(info, thumbs.w);
        if ((code = shared_thumbnails(o, src, &in, v, &thumbs)) != 0)
            goto done;
    }
    code = sheets_write(o, st, v, &thumbs);
done:
    if (!code && cli_interrupted)
        code = EXIT_INTERRUPTED;
    thumbs_free(&thumbs);
    vs_source_close(&src);
    return code;
}

/* vsample extract VIDEO... -o DIR: plan, fetch and preprocess each video into
 * safetensors shards. One bad video never stops the others; the exit code says
 * whether any failed. */
#include "extract.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The file's base name without extension, safe in a tensor name, unique in this run. */
static char *make_key(Extract *x, const char *path)
{
    char *key = unique_video_key(x->keys, x->nkeys, path);
    char **keys = key ? realloc(x->keys, (x->nkeys + 1) * sizeof(*keys)) : NULL;
    if (!keys) {
        free(key);
        return NULL;
    }
    x->keys = keys;
    return x->keys[x->nkeys++] = key;
}

static const char *const resize_names[] = {"squash", "short-crop", "pad", "smart"};
static const char *const filter_names[] = {"bicubic", "bilinear", "area", "lanczos"};

static void json_floats(FILE *f, const float *v)
{
    fprintf(f, "[");
    for (int c = 0; c < 3; c++) {
        if (c)
            fputs(", ", f);
        json_number(f, v[c]);
    }
    fprintf(f, "]");
}

static char *sample_metadata(const Extract *x, const VsView *views, VsSource *src, const VsPlan *plan,
                             size_t padded)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return NULL;
    fputs("{\"source\": ", f);
    json_string(f, vs_source_info(src)->path);
    fputs(", \"strategy\": ", f);
    json_string(f, vs_plan_strategy(plan));
    fputs(", \"plan_note\": ", f);
    json_string(f, vs_plan_note(plan));
    fprintf(f, ", \"seek\": \"%s\"", x->reader.seek == VS_SEEK_APPROXIMATE ? "approximate" : "exact");
    fprintf(f, ", \"padded_frames\": %zu", padded);
    fputs(", \"views\": [", f);
    for (size_t i = 0; i < x->nviews; i++) {
        const VsView *v = &views[i];
        fputs(i ? ", {\"name\": " : "{\"name\": ", f);
        json_string(f, v->name);
        fprintf(f, ", \"width\": %d, \"height\": %d, \"resize\": \"%s\", \"filter\": \"%s\", \"rescale\": ",
                v->width, v->height, resize_names[v->resize], filter_names[v->filter]);
        json_number(f, v->rescale);
        fputs(", \"mean\": ", f);
        json_floats(f, v->mean);
        fputs(", \"std\": ", f);
        json_floats(f, v->std);
        fprintf(f, ", \"dtype\": \"%s\", \"layout\": \"%s\"}", vs_dtype_name(v->dtype),
                v->layout == VS_LAYOUT_THWC ? "thwc" : "tchw");
    }
    fputs("], \"stream\": ", f);
    json_stream_info(f, vs_source_info(src));
    fputs("}", f);
    fclose(f);
    return text;
}

static void progress(const Extract *x, const char *key, size_t done, size_t total, double t0, int final)
{
    if (!x->progress)
        return;
    double dt = now() - t0;
    int width = 30, fill = total ? (int)(width * done / total) : width;
    fprintf(stderr, "\r%-24.24s [%.*s%*s] %zu/%zu frames %6.1f fps", key, fill,
            "##############################", width - fill, "", done, total, dt > 0 ? done / dt : 0.0);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static int out_of_memory(const char *path)
{
    fprintf(stderr, "vsample: %s: out of memory\n", path);
    return EXIT_INTERNAL;
}

/* One video into the writer. Returns 0, or an exit code (error reported). */
int extract_sample(Extract *x, VsShardWriter *w, const char *path, const char *key)
{
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    VsReader *reader = NULL;
    void *bufs[MAX_VIEWS] = {0};
    char *meta = NULL;
    int code = EXIT_OK, began = 0, ret;

    /* Views sized per video (smart resize) and the frame count padded to the
     * views' multiple by repeating the last frame (Qwen2-VL's even T). */
    VsView views[MAX_VIEWS];
    memcpy(views, x->views, sizeof(views));
    size_t n = 0, total = 0, multiple = 1;
    if ((ret = open_and_plan(path, &x->plan, &src, &plan)) >= 0) {
        n = vs_plan_count(plan);
        const VsStreamInfo *in = vs_source_info(src);
        for (size_t v = 0; v < x->nviews && ret >= 0; v++) {
            ret = vs_view_resolve(&views[v], in->display_width, in->display_height, n);
            multiple = views[v].t_multiple > (int)multiple ? (size_t)views[v].t_multiple : multiple;
        }
        total = (n + multiple - 1) / multiple * multiple;
    }
    if (ret < 0 || (ret = vs_reader_open(&reader, src, plan, views, x->nviews, &x->reader)) < 0) {
        /* the options were checked: what fails now is about this input */
        code = report_error(path, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        goto done;
    }
    VsShardTensor tensors[MAX_VIEWS];
    for (size_t v = 0; v < x->nviews; v++) {
        const VsView *view = &views[v];
        int64_t c = 3, h = view->height, wd = view->width;
        tensors[v] = (VsShardTensor){view->name, view->dtype, 3, {c, h, wd, 0}};
        if (view->layout == VS_LAYOUT_THWC)
            tensors[v].dims[0] = h, tensors[v].dims[1] = wd, tensors[v].dims[2] = c;
        if (!(bufs[v] = malloc(vs_view_frame_bytes(view)))) {
            code = out_of_memory(path);
            goto done;
        }
    }
    if (!(meta = sample_metadata(x, views, src, plan, total - n))) {
        code = out_of_memory(path);
        goto done;
    }
    if ((ret = vs_shard_begin_sample(w, key, meta, tensors, x->nviews, (int64_t)total, vs_plan_clips(plan) != NULL)) < 0) {
        code = report_error(x->out_dir, ret) == EXIT_USAGE ? EXIT_USAGE : EXIT_OUTPUT;
        goto done;
    }
    began = 1;
    double t0 = now(), last = 0;
    VsFrameInfo fi;
    while ((ret = vs_reader_next(reader, bufs, &fi)) == 1) {
        if ((ret = vs_shard_write_frame(w, (int64_t)fi.index, (const void *const *)bufs, fi.pts, fi.target, fi.clip)) < 0) {
            report_error(x->out_dir, ret);
            code = EXIT_OUTPUT;
            goto done;
        }
        if (cli_interrupted) {
            code = EXIT_INTERRUPTED;
            goto done;
        }
        if (now() - last > 0.2) {
            last = now();
            progress(x, key, fi.index + 1, n, t0, 0);
        }
    }
    if (ret < 0) {
        code = report_error(path, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        goto done;
    }
    for (size_t i = n; i < total; i++) { /* bufs and fi still hold the last frame */
        if ((ret = vs_shard_write_frame(w, (int64_t)i, (const void *const *)bufs, fi.pts, fi.target, fi.clip)) < 0) {
            report_error(x->out_dir, ret);
            code = EXIT_OUTPUT;
            goto done;
        }
    }
    if ((ret = vs_shard_end_sample(w)) < 0) {
        report_error(x->out_dir, ret);
        code = EXIT_OUTPUT;
        goto done;
    }
    began = 0;
    progress(x, key, n, n, t0, 1);
    x->frames_written += (int64_t)total;
    x->frames_decoded += vs_reader_frames_decoded(reader);
    x->backend_used = vs_reader_backend(reader);
done:
    if (began)
        vs_shard_abort_sample(w);
    for (size_t v = 0; v < x->nviews; v++)
        free(bufs[v]);
    free(meta);
    vs_reader_close(&reader);
    vs_plan_free(&plan);
    vs_source_close(&src);
    return code;
}

void extract_defaults(Extract *x)
{
    memset(x, 0, sizeof(*x));
    plan_options_default(&x->plan);
    view_options_default(&x->view_opts);
    vs_shard_default_settings(&x->shard);
    vs_reader_default_settings(&x->reader);
    x->reader.backend = VS_BACKEND_AUTO;
}

int extract_option(Extract *x, int argc, char **argv, int *pi)
{
    int r = plan_option(&x->plan, argc, argv, pi);
    if (!r)
        r = view_option(&x->view_opts, argc, argv, pi);
    if (!r)
        r = backend_option(&x->reader, argc, argv, pi);
    if (r)
        return r < 0 ? EXIT_USAGE : 1;
    int i = *pi;
    const char *a = argv[i];
    if (!strcmp(a, "--shard-size")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--shard-size needs a value");
        if (parse_int64(a, argv[++i], 1, INT64_MAX, &n) < 0)
            return EXIT_USAGE;
        x->shard.shard_size = (uint64_t)n;
    } else if (!strcmp(a, "--prefetch")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--prefetch needs a value");
        if (parse_int64(a, argv[++i], 0, 8, &n) < 0)
            return EXIT_USAGE;
        x->reader.prefetch = n ? (int)n : -1;
    } else if (!strcmp(a, "--segments")) {
        int64_t n;
        if (i + 1 >= argc)
            return usage_error("--segments needs a value");
        if (parse_int64(a, argv[++i], 1, 4, &n) < 0)
            return EXIT_USAGE;
        x->reader.segments = (int)n;
    } else if (!strcmp(a, "--seek")) {
        if (i + 1 >= argc)
            return usage_error("--seek needs a value");
        const char *v = argv[++i];
        if (!strcmp(v, "exact"))
            x->reader.seek = VS_SEEK_EXACT;
        else if (!strcmp(v, "approximate"))
            x->reader.seek = VS_SEEK_APPROXIMATE;
        else
            return usage_error("--seek: unknown value '%s' (expected exact or approximate)", v);
    } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
        x->quiet = 1;
    } else {
        return 0;
    }
    *pi = i;
    return 1;
}

int extract_check_options(Extract *x)
{
    if (vs_backend_available(x->reader.backend, x->reader.gpu) < 0)
        return usage_error("--backend: %s", vs_last_error());
    int code = view_options_build(&x->view_opts, x->views, MAX_VIEWS, &x->nviews);
    return code ? code : check_plan_options(&x->plan);
}

static int parse_args(Extract *x, int argc, char **argv, char ***inputs, int *ninputs)
{
    for (int i = 1; i < argc; i++) {
        int r = extract_option(x, argc, argv, &i);
        if (r == EXIT_USAGE)
            return EXIT_USAGE;
        if (r)
            continue;
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a directory", a);
            x->out_dir = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("extract: unknown option %s", a);
        } else {
            (*inputs)[(*ninputs)++] = argv[i];
        }
    }
    if (!*ninputs)
        return usage_error("extract: no VIDEO given");
    if (!x->out_dir)
        return usage_error("extract: missing -o DIR");
    return extract_check_options(x);
}

int cmd_extract(int argc, char **argv)
{
    Extract x;
    extract_defaults(&x);
    char **inputs = calloc((size_t)argc, sizeof(*inputs));
    int ninputs = 0, code = EXIT_OK;
    if (!inputs)
        return EXIT_INTERNAL;
    if ((code = parse_args(&x, argc, argv, &inputs, &ninputs)) != EXIT_OK)
        goto done;
    x.progress = !x.quiet && isatty(STDERR_FILENO);

    cli_catch_interrupts();

    VsShardWriter *w = NULL;
    int ret = vs_shard_writer_open(&w, x.out_dir, &x.shard);
    if (ret < 0) {
        report_error(x.out_dir, ret);
        code = ret == VS_ERR_INVALID_ARG ? EXIT_USAGE : EXIT_OUTPUT;
        goto done;
    }
    int failed = 0;
    for (int i = 0; i < ninputs; i++) {
        const char *key = make_key(&x, inputs[i]);
        int r = key ? extract_sample(&x, w, inputs[i], key) : out_of_memory(inputs[i]);
        if (r == EXIT_OUTPUT || r == EXIT_INTERRUPTED || r == EXIT_INTERNAL || r == EXIT_USAGE) {
            if (r == EXIT_INTERRUPTED)
                fprintf(stderr, "vsample: interrupted; temporary files removed\n");
            vs_shard_writer_discard(&w);
            code = r;
            goto done;
        }
        failed += r != EXIT_OK;
    }
    if (failed == ninputs) {
        vs_shard_writer_discard(&w); /* nothing to index: leave no file behind */
        code = EXIT_INPUT;
        goto done;
    }
    if ((ret = vs_shard_writer_close(&w)) < 0) {
        report_error(x.out_dir, ret);
        code = EXIT_OUTPUT;
        goto done;
    }
    if (!x.quiet)
        fprintf(stderr, "vsample: %d of %d videos written to %s (%lld frames; %lld decoded; %s backend)\n",
                ninputs - failed, ninputs, x.out_dir, (long long)x.frames_written, (long long)x.frames_decoded,
                x.backend_used == VS_BACKEND_VULKAN ? "vulkan" : "cpu");
    code = failed ? EXIT_INPUT : EXIT_OK;
done:
    for (size_t i = 0; i < x.nkeys; i++)
        free(x.keys[i]);
    free(x.keys);
    free(inputs);
    return code;
}

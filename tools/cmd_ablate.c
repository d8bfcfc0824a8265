/* vsample ablate VIDEO... --strategies "S1;S2;..." -o DIR: every strategy on
 * every video, measured side by side (frames, spacing, coverage, cost, tensor
 * bytes, visual tokens) into DIR/report.{md,csv,json}, with a timeline picture
 * per video and a contact sheet per strategy. Every strategy is checked
 * before any file is opened; a video that fails is reported as failed and the
 * others still run; nothing reaches DIR unless the whole run completes. */
#include "ablate.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum { MIN_THUMB = 16, MAX_THUMB = 1024, MAX_SLUG = 64 };

/* A strategy in a file name: letters, digits, '.', '_' and '-' kept, ':'
 * becomes '-', anything else '_'; at most MAX_SLUG characters; "-2", "-3"...
 * when two strategies come out the same. */
static char *make_slug(char **slugs, size_t nslugs, const char *strategy)
{
    char stem[MAX_SLUG + 1], slug[MAX_SLUG + 16];
    size_t n = 0;
    for (const char *p = strategy; *p && n < MAX_SLUG; p++)
        stem[n++] = isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-' ? *p : *p == ':' ? '-' : '_';
    stem[n] = 0;
    snprintf(slug, sizeof(slug), "%s", stem);
    for (int k = 2;; k++) {
        int taken = 0;
        for (size_t i = 0; i < nslugs && !taken; i++)
            taken = !strcmp(slugs[i], slug);
        if (!taken)
            break;
        snprintf(slug, sizeof(slug), "%s-%d", stem, k);
    }
    return strdup(slug);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

/* "S1;S2;..." into o->strategies (pointing into *copy) and their slugs; each
 * strategy is checked as extract checks its one. 0 or EXIT_USAGE (printed). */
static int parse_strategies(AblateOptions *o, const char *list, char **copy)
{
    if (!(*copy = strdup(list)))
        return EXIT_INTERNAL;
    size_t max = 1;
    for (const char *p = list; *p; p++)
        max += *p == ';';
    if (!(o->strategies = calloc(max, sizeof(char *))) || !(o->slugs = calloc(max, sizeof(char *))))
        return EXIT_INTERNAL;
    char *item = *copy;
    for (size_t i = 0; i < max; i++) {
        char *semi = strchr(item, ';');
        if (semi)
            *semi = 0;
        char *s = trim(item);
        if (!*s)
            return usage_error("--strategies: strategy %zu of '%s' is empty", i + 1, list);
        for (size_t j = 0; j < o->nstrategies; j++)
            if (!strcmp(o->strategies[j], s))
                return usage_error("--strategies: '%s' is given twice", s);
        PlanOptions check = o->plan;
        check.strategy = s;
        int code = check_plan_options(&check);
        if (code)
            return code;
        o->strategies[o->nstrategies] = s;
        if (!(o->slugs[o->nstrategies] = make_slug(o->slugs, o->nstrategies, s)))
            return EXIT_INTERNAL;
        o->nstrategies++;
        o->scan |= vs_strategy_needs_scan(s);
        item = semi ? semi + 1 : item + strlen(item);
    }
    return 0;
}

static int parse_args(AblateOptions *o, int argc, char **argv, char **inputs, int *ninputs, char **copy)
{
    const char *list = NULL;
    for (int i = 1; i < argc; i++) {
        int r = plan_option(&o->plan, argc, argv, &i);
        if (!r)
            r = view_option(&o->view_opts, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r) {
            if (o->plan.strategy)
                return usage_error("ablate: give the strategies as --strategies \"S1;S2;...\"");
            continue;
        }
        const char *a = argv[i];
        int64_t n;
        if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--strategies")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            *(a[2] == 's' ? &list : &o->out_dir) = argv[++i];
        } else if (!strcmp(a, "--tokens-per-frame") || !strcmp(a, "--thumb")) {
            int thumb = a[2] == 't' && a[3] == 'h';
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            if (parse_int64(a, argv[++i], thumb ? MIN_THUMB : 1, thumb ? MAX_THUMB : 1000000, &n) < 0)
                return EXIT_USAGE;
            if (thumb)
                o->thumb = (int)n;
            else
                o->tokens_per_frame = n, o->tokens_given = 1;
        } else if ((r = backend_option(&o->reader, argc, argv, &i)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("ablate: unknown option %s", a);
        } else {
            inputs[(*ninputs)++] = argv[i];
        }
    }
    if (!*ninputs)
        return usage_error("ablate: no VIDEO given");
    if (!o->out_dir)
        return usage_error("ablate: missing -o DIR");
    if (!list)
        return usage_error("ablate: missing --strategies \"S1;S2;...\"");
    if (vs_backend_available(o->reader.backend, o->reader.gpu) < 0)
        return usage_error("--backend: %s", vs_last_error());
    int code = view_options_build(&o->view_opts, o->views, MAX_VIEWS, &o->nviews);
    if (code)
        return code;
    if (!o->tokens_given)
        for (size_t i = 0; i < o->nviews; i++) {
            if (!view_tokens_known(&o->views[i]))
                return usage_error("ablate: no token count is known for view '%s': give --tokens-per-frame",
                                   o->views[i].name);
            /* each view is one encoder's input; a smart view's count is per video (0 here) */
            o->tokens_per_frame += o->views[i].resize == VS_RESIZE_SMART ? 0 : vs_view_tokens(&o->views[i], 1);
        }
    return parse_strategies(o, list, copy);
}

static int run(const AblateOptions *o, char **inputs, int ninputs, VideoResult *videos, int *failed)
{
    Staging st;
    int code = staging_open(&st, o->out_dir);
    if (code)
        return code;
    char **keys = calloc((size_t)ninputs, sizeof(char *));
    if (!keys)
        code = EXIT_INTERNAL;
    for (int i = 0; i < ninputs && !code; i++) {
        VideoResult *v = &videos[i];
        v->path = inputs[i];
        if (!(v->key = keys[i] = unique_video_key(keys, (size_t)i, inputs[i]))) {
            code = EXIT_INTERNAL;
            break;
        }
        code = ablate_video(o, &st, v);
        if (v->code == EXIT_INTERNAL && !code)
            code = EXIT_INTERNAL; /* a bug: stop, as extract does */
        *failed += v->code != EXIT_OK;
    }
    free(keys);
    if (!code && !cli_interrupted)
        code = report_write_md(o, &st, videos, (size_t)ninputs);
    if (!code && !cli_interrupted)
        code = report_write_csv(o, &st, videos, (size_t)ninputs);
    if (!code && !cli_interrupted)
        code = report_write_json(o, &st, videos, (size_t)ninputs);
    if (!code && cli_interrupted)
        code = EXIT_INTERRUPTED;
    /* past this point a signal no longer undoes the run: it has completed */
    if (!code)
        return staging_commit(&st);
    staging_discard(&st);
    return code;
}

int cmd_ablate(int argc, char **argv)
{
    AblateOptions o;
    memset(&o, 0, sizeof(o));
    plan_options_default(&o.plan);
    o.plan.strategy = NULL; /* ablate's strategies come from --strategies */
    view_options_default(&o.view_opts);
    vs_reader_default_settings(&o.reader);
    o.reader.backend = VS_BACKEND_AUTO;
    o.thumb = 160;
    char **inputs = calloc((size_t)argc, sizeof(*inputs)), *copy = NULL;
    VideoResult *videos = NULL;
    int ninputs = 0, failed = 0, code;
    if (!inputs)
        return EXIT_INTERNAL;
    if ((code = parse_args(&o, argc, argv, inputs, &ninputs, &copy)) != EXIT_OK)
        goto done;
    if (!(videos = calloc((size_t)ninputs, sizeof(*videos)))) {
        code = EXIT_INTERNAL;
        goto done;
    }
    cli_catch_interrupts();
    code = run(&o, inputs, ninputs, videos, &failed);
    if (code == EXIT_INTERRUPTED)
        fprintf(stderr, "vsample: %s: interrupted; nothing written\n", o.out_dir);
    else if (!code && !o.quiet)
        fprintf(stderr, "vsample: %s: %d video%s x %zu strategies reported%s\n", o.out_dir, ninputs,
                ninputs == 1 ? "" : "s", o.nstrategies, failed ? " (some failed: see the report)" : "");
    if (!code && failed)
        code = EXIT_INPUT;
done:
    for (int i = 0; videos && i < ninputs; i++)
        video_result_free(&videos[i], o.nstrategies);
    for (size_t k = 0; o.slugs && k < o.nstrategies; k++)
        free(o.slugs[k]);
    free(o.slugs);
    free(o.strategies);
    free(videos);
    free(copy);
    free(inputs);
    return code;
}

/* vsample plan VIDEO --strategy S [...] [--json]: the requested times; only the
 * content-aware strategies decode (scenes' analysis pass, dedup's candidates). */
#include "cli.h"

#include <string.h>

int cmd_plan(int argc, char **argv)
{
    PlanOptions o;
    plan_options_default(&o);
    int json = 0;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        int r = plan_option(&o, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("plan: unknown option %s", argv[i]);
        else if (path)
            return usage_error("plan: one video at a time");
        else
            path = argv[i];
    }
    if (!path)
        return usage_error("plan: missing VIDEO");
    if (o.max_tokens)
        return usage_error("plan: --max-tokens counts the views' tokens: give it to extract, ablate or batch");
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    int ret = open_and_plan(path, &o, &src, &plan);
    if (ret < 0)
        return report_error(path, ret);
    size_t n = vs_plan_count(plan);
    const double *t = vs_plan_times(plan);
    const int32_t *clips = vs_plan_clips(plan);
    const int64_t *indices = vs_plan_indices(plan);
    int code = EXIT_OK;
    if (json) {
        json_t *times = json_array(), *ind = indices ? json_array() : NULL, *cl = clips ? json_array() : NULL;
        int ok = times && (!indices || ind) && (!clips || cl);
        for (size_t i = 0; ok && i < n; i++)
            ok = !json_array_append_new(times, cli_json_real(t[i])) &&
                 (!indices || !json_array_append_new(ind, json_integer(indices[i]))) &&
                 (!clips || !json_array_append_new(cl, json_integer(clips[i])));
        size_t ns = 0, nd = 0;
        const VsPlanScene *sc = vs_plan_scenes(plan, &ns);
        const VsPlanDrop *dr = vs_plan_dropped(plan, &nd);
        json_t *scenes = sc ? json_array() : NULL, *dropped = dr ? json_array() : NULL;
        ok = ok && (!sc || scenes) && (!dr || dropped);
        for (size_t i = 0; ok && sc && i < ns; i++)
            ok = !json_array_append_new(scenes, json_pack("{s:o, s:o, s:o, s:I}", "start", cli_json_real(sc[i].start),
                                                          "end", cli_json_real(sc[i].end), "score",
                                                          cli_json_real(sc[i].score), "frames",
                                                          (json_int_t)sc[i].frames));
        for (size_t i = 0; ok && dropped && i < nd; i++)
            ok = !json_array_append_new(dropped, json_pack("{s:o, s:o}", "time", cli_json_real(dr[i].time),
                                                           "change", cli_json_real(dr[i].change)));
        json_t *j = NULL;
        if (ok) // (o* leaves out a member whose value is NULL)
            j = json_pack("{s:o, s:s, s:o, s:I, s:o, s:o*, s:o*, s:s, s:o*, s:o*}", "path", cli_json_text(path),
                          "strategy", vs_plan_strategy(plan), "duration", cli_json_real(vs_source_info(src)->duration),
                          "count", (json_int_t)n, "times", times, "indices", ind, "clips", cl, "note",
                          vs_plan_note(plan), "scenes", scenes, "dropped", dropped);
        else
            json_decref(times), json_decref(ind), json_decref(cl), json_decref(scenes), json_decref(dropped);
        if (cli_json_print(stdout, j, 0) < 0) {
            fprintf(stderr, "vsample: %s: out of memory\n", path);
            code = EXIT_INTERNAL;
        }
    } else {
        printf("# %s: %s, %zu times%s%s\n", path, vs_plan_strategy(plan), n,
               *vs_plan_note(plan) ? "; " : "", vs_plan_note(plan));
        for (size_t i = 0; i < n; i++) {
            printf("%.6f", t[i]);
            if (indices)
                printf("\tframe %lld", (long long)indices[i]);
            if (clips)
                printf("\tclip %d", clips[i]);
            printf("\n");
        }
    }
    vs_plan_free(&plan);
    vs_source_close(&src);
    return code;
}

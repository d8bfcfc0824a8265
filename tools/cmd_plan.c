/* vsample plan VIDEO --strategy S [...] [--json]: the requested times, no decoding. */
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
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    int ret = open_and_plan(path, &o, &src, &plan);
    if (ret < 0)
        return report_error(path, ret);
    size_t n = vs_plan_count(plan);
    const double *t = vs_plan_times(plan);
    const int32_t *clips = vs_plan_clips(plan);
    const int64_t *indices = vs_plan_indices(plan);
    if (json) {
        printf("{\"path\": ");
        json_string(stdout, path);
        printf(", \"strategy\": ");
        json_string(stdout, vs_plan_strategy(plan));
        printf(", \"duration\": ");
        json_number(stdout, vs_source_info(src)->duration);
        printf(", \"count\": %zu, \"times\": [", n);
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputs(", ", stdout);
            json_number(stdout, t[i]);
        }
        printf("]");
        if (indices) {
            printf(", \"indices\": [");
            for (size_t i = 0; i < n; i++)
                printf(i ? ", %lld" : "%lld", (long long)indices[i]);
            printf("]");
        }
        if (clips) {
            printf(", \"clips\": [");
            for (size_t i = 0; i < n; i++)
                printf(i ? ", %d" : "%d", clips[i]);
            printf("]");
        }
        printf(", \"note\": ");
        json_string(stdout, vs_plan_note(plan));
        printf("}\n");
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
    return EXIT_OK;
}

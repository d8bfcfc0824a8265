/* recipe_driver: plans recipes on synthetic videos for test_recipes_pure.py,
 * so that thousands of (frame count, frame rate, parameters) cases need no
 * video file. One query per stdin line, tab-separated:
 *     STRATEGY  FPS  DURATION  N  cfr
 *     STRATEGY  FPS  DURATION  N  T0,T1,...
 * ("cfr": frame k at k / FPS). One JSON line per query on stdout:
 *     {"strategy": "...", "indices": [...], "clips": [...] or null, "times": [...]}
 *     {"error": "..."}                                                      */
#include "vsample/vsample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
    putchar('"');
}

static int run_query(char *line)
{
    char *fields[5];
    for (int i = 0; i < 5; i++) {
        fields[i] = strsep(&line, "\t");
        if (!fields[i]) {
            fprintf(stderr, "recipe_driver: a query needs 5 tab-separated fields\n");
            return -1;
        }
    }
    VsPlanInput in;
    memset(&in, 0, sizeof(in));
    in.avg_frame_rate = strtod(fields[1], NULL);
    in.duration = strtod(fields[2], NULL);
    long long n = strtoll(fields[3], NULL, 10);
    double *times = malloc((size_t)(n > 0 ? n : 1) * sizeof(*times));
    if (!times)
        return -1;
    int cfr = !strcmp(fields[4], "cfr");
    char *p = fields[4];
    for (long long k = 0; k < n; k++) {
        if (cfr) {
            times[k] = (double)k / in.avg_frame_rate;
        } else {
            times[k] = strtod(p, &p);
            p += *p == ',';
        }
    }
    in.frame_times = times;
    in.n_frame_times = (size_t)n;
    VsPlan *plan = NULL;
    if (vs_plan_create(&plan, &in, fields[0], NULL) < 0) {
        printf("{\"error\": ");
        print_json_string(vs_last_error());
        printf("}\n");
    } else {
        size_t count = vs_plan_count(plan);
        const int64_t *idx = vs_plan_indices(plan);
        const int32_t *clips = vs_plan_clips(plan);
        printf("{\"strategy\": ");
        print_json_string(vs_plan_strategy(plan));
        printf(", \"indices\": [");
        for (size_t i = 0; i < count; i++)
            printf(i ? ", %lld" : "%lld", (long long)idx[i]);
        printf("], \"clips\": ");
        if (clips) {
            printf("[");
            for (size_t i = 0; i < count; i++)
                printf(i ? ", %d" : "%d", clips[i]);
            printf("]");
        } else {
            printf("null");
        }
        printf(", \"times\": [");
        for (size_t i = 0; i < count; i++)
            printf(i ? ", %.17g" : "%.17g", vs_plan_times(plan)[i]);
        printf("]}\n");
    }
    vs_plan_free(&plan);
    free(times);
    fflush(stdout);
    return 0;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (run_query(line) < 0)
            return 1;
    }
    free(line);
    return 0;
}

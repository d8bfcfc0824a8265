/* Plan options checked once, before any file is opened, so that a strategy no
 * video could satisfy is a usage error (exit 2) and not an input error. */
#include "cli.h"

int check_plan_options(const PlanOptions *o)
{
    if (o->settings.end >= 0 && o->settings.start >= o->settings.end)
        return usage_error("--start %g must be before --end %g", o->settings.start, o->settings.end);
    /* a made-up hour-long video with a keyframe index and every frame's time
     * (for the recipes): every strategy can run on it */
    static const double keys[] = {0.0, 1800.0};
    static double frames[108000], scores[108000]; /* and an analysis of every frame, unchanging */
    for (int k = 0; k < 108000; k++)
        frames[k] = k / 30.0;
    VsPlanInput in = {.duration = 3600, .avg_frame_rate = 30, .frame_count = 108000,
                      .keyframe_times = keys, .n_keyframes = 2,
                      .frame_times = frames, .n_frame_times = 108000,
                      .analysis_times = frames, .analysis_scores = scores, .n_analysis = 108000};
    VsPlanSettings s = o->settings;
    s.start = 0;
    s.end = -1;
    VsPlan *plan = NULL;
    int ret = vs_plan_create(&plan, &in, o->strategy, &s);
    vs_plan_free(&plan);
    if (ret == VS_ERR_INVALID_ARG)
        return usage_error("%s", vs_last_error());
    return EXIT_OK;
}

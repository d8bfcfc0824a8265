/* Every refused request: VS_ERR_INVALID_ARG, no plan, and one message that
 * names the strategy text and the problem. */
#include "require.h"

/* Create must fail with VS_ERR_INVALID_ARG and a message holding both the
 * strategy text and `problem`. */
static void require_refused(const VsPlanInput *in, const char *strategy, const VsPlanSettings *set,
                            const char *problem)
{
    VsPlan *p = (VsPlan *)(uintptr_t)1; /* must come back NULL */
    int ret = vs_plan_create(&p, in, strategy, set);
    if (ret != VS_ERR_INVALID_ARG)
        FAIL("'%s': returned %d, want VS_ERR_INVALID_ARG (message '%s')", strategy, ret, vs_last_error());
    REQUIRE(p == NULL);
    const char *msg = vs_last_error();
    char quoted[256];
    snprintf(quoted, sizeof(quoted), "'%s'", strategy);
    REQUIRE_HAS(msg, quoted);
    REQUIRE_HAS(msg, problem);
    REQUIRE(!strchr(msg, '\n'));
}

static void refused(double duration, const char *strategy, const char *problem)
{
    VsPlanInput in = input_of(duration);
    require_refused(&in, strategy, NULL, problem);
}

static void test_syntax(void)
{
    VsPlanInput in = input_of(10.0);
    VsPlan *p = NULL;
    REQUIRE_INT(vs_plan_create(&p, &in, "fsp:2", NULL), VS_ERR_INVALID_ARG);
    REQUIRE_STR(vs_last_error(),
                "unknown strategy 'fsp:2' (expected fps:F, uniform:N, clips:C,F,FPS, keyframes, timestamps:..., scenes)");

    static const char *const unknown[] = { "", "fps", "FPS:2", "uniform", "keyframes:2", "keyframes ",
                                           " fps:2", "random:4", "clips" };
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
        refused(10.0, unknown[i], "unknown strategy");

    static const char *const bad_f[] = { "fps:", "fps:0", "fps:-1", "fps:nan", "fps:inf", "fps:2x", "fps: 2",
                                         "fps:2 ", "fps:1e400", "fps:0x", "fps:,jitter" };
    for (size_t i = 0; i < sizeof(bad_f) / sizeof(bad_f[0]); i++)
        refused(10.0, bad_f[i], "F must be a finite positive number");

    refused(10.0, "fps:2,foo", "unknown option 'foo'");
    refused(10.0, "fps:2,", "unknown option ''");
    refused(10.0, "fps:2,jitter,jitter", "given twice");
    refused(10.0, "uniform:4,Jitter", "unknown option 'Jitter'");

    static const char *const bad_n[] = { "uniform:", "uniform:0", "uniform:-3", "uniform:2.5", "uniform:1e3",
                                         "uniform:4x", "uniform: 4", "uniform:99999999999999999999" };
    for (size_t i = 0; i < sizeof(bad_n) / sizeof(bad_n[0]); i++)
        refused(10.0, bad_n[i], "N must be a positive integer");

    refused(10.0, "clips:4,8", "expected clips:C,F,FPS");
    refused(10.0, "clips:4,8,2,1", "expected clips:C,F,FPS");
    refused(10.0, "clips:0,8,2", "C (clips) must be a positive integer");
    refused(10.0, "clips:4,8.5,2", "F (frames per clip) must be a positive integer");
    refused(10.0, "clips:4,8,0", "FPS must be a finite positive number");
    refused(10.0, "clips:4,8,2s", "FPS must be a finite positive number");

    refused(10.0, "timestamps:", "time 1 ('') is not a finite number");
    refused(10.0, "timestamps:1,abc", "time 2 ('abc') is not a finite number");
    refused(10.0, "timestamps:1,,2", "time 2 ('') is not a finite number");
    refused(10.0, "timestamps:1,nan", "time 2 ('nan') is not a finite number");
    refused(10.0, "timestamps:1,-2", "time 2 ('-2') is negative");
    refused(10.0, "timestamps:1,2s", "time 2 ('2s') is not a finite number");
}

static void test_limits(void)
{
    refused(10.0, "uniform:10000001", "more than the limit 10000000");
    refused(10.0, "clips:10000,10000,1", "more than the limit 10000000");
    refused(3600.0, "fps:100000", "more than the limit 10000000");
    refused(3600.0, "fps:1e300", "more than the limit 10000000");

    VsPlanInput in = input_of(3600.0);
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    set.max_frames = 20000000;
    require_refused(&in, "fps:10000", &set, "more than the limit 10000000");
    vs_plan_default_settings(&set);
    set.min_frames = 20000000;
    require_refused(&in, "fps:1", &set, "more than the limit 10000000");
}

static void test_span(void)
{
    refused(0.0, "fps:2", "video has no usable duration");
    refused(-5.0, "uniform:4", "video has no usable duration");
    refused(NAN, "fps:2", "video has no usable duration");
    refused(INFINITY, "fps:2", "video has no usable duration");

    VsPlanInput in = input_of(10.0);
    VsPlanSettings set = trim(-1.0, -1.0);
    require_refused(&in, "fps:2", &set, "start -1 is negative");
    set = trim(10.0, -1.0);
    require_refused(&in, "fps:2", &set, "start 10 is not before the video's duration 10");
    set = trim(12.0, 15.0);
    require_refused(&in, "uniform:3", &set, "start 12 is not before the video's duration 10");
    set = trim(5.0, 5.0);
    require_refused(&in, "fps:2", &set, "start 5 is not before end 5");
    set = trim(6.0, 5.0);
    require_refused(&in, "clips:1,2,1", &set, "start 6 is not before end 5");
    set = trim(NAN, -1.0);
    require_refused(&in, "fps:2", &set, "not a number");
    set = trim(0.0, NAN);
    require_refused(&in, "fps:2", &set, "not a number");

    vs_plan_default_settings(&set);
    set.min_frames = 10;
    set.max_frames = 5;
    require_refused(&in, "fps:2", &set, "min_frames 10 is more than max_frames 5");
    vs_plan_default_settings(&set);
    set.max_frames = -1;
    require_refused(&in, "fps:2", &set, "must not be negative");
}

static void test_empty(void)
{
    static const double keys[] = { 0, 2, 4, 6, 8, 12.5 };
    VsPlanInput in = input_of(14.0);
    require_refused(&in, "keyframes", NULL, "keyframes strategy needs the keyframe index");

    in.keyframe_times = keys;
    in.n_keyframes = 6;
    VsPlanSettings set = trim(10.0, 12.0);
    VsPlan *p = NULL;
    REQUIRE_INT(vs_plan_create(&p, &in, "keyframes", &set), VS_ERR_INVALID_ARG);
    REQUIRE(p == NULL);
    REQUIRE_STR(vs_last_error(), "strategy 'keyframes' selects no time in [10, 12)");

    in.n_keyframes = 0;
    require_refused(&in, "keyframes", NULL, "selects no time in [0, 14)");

    /* The end is excluded, so a timestamp at the duration is dropped. */
    refused(10.0, "timestamps:10,11,10.5", "selects no time in [0, 10)");
}

static void test_null_args(void)
{
    VsPlanInput in = input_of(10.0);
    VsPlan *p = (VsPlan *)(uintptr_t)1;
    REQUIRE_INT(vs_plan_create(NULL, &in, "fps:2", NULL), VS_ERR_INVALID_ARG);
    REQUIRE_INT(vs_plan_create(&p, NULL, "fps:2", NULL), VS_ERR_INVALID_ARG);
    REQUIRE(p == NULL);
    REQUIRE_HAS(vs_last_error(), "in is NULL");
    REQUIRE_INT(vs_plan_create(&p, &in, NULL, NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "strategy is NULL");
}

/* A very long strategy text is cut short in the message, not overflowing it. */
static void test_long_text(void)
{
    size_t n = 100000;
    char *text = malloc(12 + n * 2 + 8);
    REQUIRE(text);
    char *w = text + sprintf(text, "timestamps:");
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "%s1", i ? "," : "");
    sprintf(w, ",x");
    VsPlanInput in = input_of(10.0);
    VsPlan *p = NULL;
    REQUIRE_INT(vs_plan_create(&p, &in, text, NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "strategy 'timestamps:1,1,1,");
    REQUIRE_HAS(vs_last_error(), "...': time 100001 ('x') is not a finite number");

    /* The same list without the error: 100000 times, canonical text intact. */
    *w = '\0';
    REQUIRE_OK(vs_plan_create(&p, &in, text, NULL));
    REQUIRE_INT(vs_plan_count(p), n);
    REQUIRE_STR(vs_plan_strategy(p), text);
    vs_plan_free(&p);
    free(text);
}

int main(void)
{
    test_syntax();
    test_limits();
    test_span();
    test_empty();
    test_null_args();
    test_long_text();
    printf("plan_errors: ok\n");
    return 0;
}

/* Plans against hand-computed time lists: fps (with trims and frame budgets),
 * uniform, clips, keyframes, timestamps; and canonical text re-parsing to the
 * same plan. */
#include "require.h"

static VsPlan *plan_of(double duration, const char *strategy, const VsPlanSettings *set)
{
    VsPlanInput in = input_of(duration);
    VsPlan *p = NULL;
    REQUIRE_OK(vs_plan_create(&p, &in, strategy, set));
    REQUIRE(p != NULL);
    return p;
}

static void test_fps_basic(void)
{
    /* fps:2 on 10 s: 0, 0.5, ..., 9.5 (k / 2 is exact in binary). */
    VsPlan *p = plan_of(10.0, "fps:2", NULL);
    REQUIRE_INT(vs_plan_count(p), 20);
    for (int k = 0; k < 20; k++)
        REQUIRE(vs_plan_times(p)[k] == k * 0.5);
    REQUIRE(vs_plan_clips(p) == NULL);
    REQUIRE_INT(vs_plan_num_clips(p), 0);
    REQUIRE_STR(vs_plan_note(p), "");
    REQUIRE_STR(vs_plan_strategy(p), "fps:2");
    vs_plan_free(&p);
    REQUIRE(p == NULL);

    static const double w1[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    p = plan_of(10.5, "fps:1", NULL);
    REQUIRE_TIMES(p, w1, 0.0);
    vs_plan_free(&p);

    /* fps:3 on 1 s: 0, 1/3, 2/3; 3/3 = 1 is not < 1. */
    static const double w3[] = { 0, 0.33333333333333333, 0.66666666666666667 };
    p = plan_of(1.0, "fps:3", NULL);
    REQUIRE_TIMES(p, w3, 1e-15);
    REQUIRE(vs_plan_times(p)[2] < 1.0);
    vs_plan_free(&p);

    /* A grid time exactly at the end is excluded. */
    p = plan_of(2.0, "fps:4", NULL);
    REQUIRE_INT(vs_plan_count(p), 8);
    REQUIRE(vs_plan_times(p)[7] == 1.75);
    vs_plan_free(&p);

    /* 29.97 on 10 s: ceil(299.7) = 300 times, the last 299 / 29.97 = 9.9766... */
    p = plan_of(10.0, "fps:29.97", NULL);
    REQUIRE_INT(vs_plan_count(p), 300);
    REQUIRE_NEAR(vs_plan_times(p)[299], 9.97664330997664, 1e-12);
    REQUIRE_NEAR(vs_plan_times(p)[150], 5.00500500500501, 1e-12);
    vs_plan_free(&p);

    /* Far from the start the k-th time is still k / F, not a sum of steps. */
    p = plan_of(3600.0, "fps:10", NULL);
    REQUIRE_INT(vs_plan_count(p), 36000);
    REQUIRE(vs_plan_times(p)[35999] == 35999.0 / 10.0);
    vs_plan_free(&p);
}

static void test_fps_trim(void)
{
    VsPlanSettings set = trim(1.25, 3.0);
    static const double w[] = { 1.25, 1.75, 2.25, 2.75 };
    VsPlan *p = plan_of(10.0, "fps:2", &set);
    REQUIRE_TIMES(p, w, 0.0);
    vs_plan_free(&p);

    /* end past the duration is capped at the duration. */
    set = trim(8.0, 20.0);
    static const double w2[] = { 8, 9 };
    p = plan_of(10.0, "fps:1", &set);
    REQUIRE_TIMES(p, w2, 0.0);
    vs_plan_free(&p);

    /* end on a grid point excludes it. */
    set = trim(0.0, 5.0);
    p = plan_of(10.0, "fps:2", &set);
    REQUIRE_INT(vs_plan_count(p), 10);
    REQUIRE(vs_plan_times(p)[9] == 4.5);
    vs_plan_free(&p);
}

static void test_fps_budgets(void)
{
    /* 7200 grid times > 64: 64 times i * 3600 / 64 = i * 56.25. */
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    set.max_frames = 64;
    VsPlan *p = plan_of(3600.0, "fps:2", &set);
    REQUIRE_INT(vs_plan_count(p), 64);
    for (int i = 0; i < 64; i++)
        REQUIRE(vs_plan_times(p)[i] == i * 56.25);
    REQUIRE_STR(vs_plan_note(p), "fps:2 gives 7200 times, more than max_frames 64: 64 times spread uniformly instead");
    vs_plan_free(&p);

    /* Within the cap: the grid stands, no note. */
    p = plan_of(10.0, "fps:2", &set);
    REQUIRE_INT(vs_plan_count(p), 20);
    REQUIRE_STR(vs_plan_note(p), "");
    vs_plan_free(&p);

    /* A grid above the hard limit is fine when max_frames brings it down. */
    set.max_frames = 10;
    p = plan_of(3600.0, "fps:100000", &set);
    REQUIRE_INT(vs_plan_count(p), 10);
    REQUIRE(vs_plan_times(p)[9] == 3240.0);
    vs_plan_free(&p);

    /* fps:0.5 on 10 s gives 0, 2, 4, 6, 8; min 8: i * 1.25. */
    vs_plan_default_settings(&set);
    set.min_frames = 8;
    static const double wmin[] = { 0, 1.25, 2.5, 3.75, 5, 6.25, 7.5, 8.75 };
    p = plan_of(10.0, "fps:0.5", &set);
    REQUIRE_TIMES(p, wmin, 0.0);
    REQUIRE_STR(vs_plan_note(p), "fps:0.5 gives 5 times, fewer than min_frames 8: 8 times spread uniformly instead");
    vs_plan_free(&p);

    /* Singular in the note, and the budget over a trimmed span. */
    set = trim(2.0, 4.0);
    set.min_frames = 4;
    set.max_frames = 100;
    static const double wtrim[] = { 2, 2.5, 3, 3.5 };
    p = plan_of(10.0, "fps:0.1", &set);
    REQUIRE_TIMES(p, wtrim, 0.0);
    REQUIRE_STR(vs_plan_note(p), "fps:0.1 gives 1 time, fewer than min_frames 4: 4 times spread uniformly instead");
    vs_plan_free(&p);
}

static void test_uniform(void)
{
    static const double w4[] = { 1, 3, 5, 7 };
    VsPlan *p = plan_of(8.0, "uniform:4", NULL);
    REQUIRE_TIMES(p, w4, 0.0);
    REQUIRE_STR(vs_plan_strategy(p), "uniform:4");
    vs_plan_free(&p);

    VsPlanSettings set = trim(2.0, 5.0);
    static const double wt[] = { 2.5, 3.5, 4.5 };
    p = plan_of(10.0, "uniform:3", &set);
    REQUIRE_TIMES(p, wt, 1e-15);
    vs_plan_free(&p);

    static const double w1[] = { 5 };
    p = plan_of(10.0, "uniform:1", NULL);
    REQUIRE_TIMES(p, w1, 0.0);
    vs_plan_free(&p);

    /* Budgets are for fps only. */
    vs_plan_default_settings(&set);
    set.max_frames = 2;
    p = plan_of(8.0, "uniform:4", &set);
    REQUIRE_TIMES(p, w4, 0.0);
    vs_plan_free(&p);
}

static void require_clips(const VsPlan *p, int32_t nclips, int32_t per_clip)
{
    REQUIRE_INT(vs_plan_num_clips(p), nclips);
    REQUIRE(vs_plan_clips(p) != NULL);
    for (size_t i = 0; i < vs_plan_count(p); i++)
        REQUIRE_INT(vs_plan_clips(p)[i], (int32_t)i / per_clip);
}

static void test_clips(void)
{
    /* Centres 2.5 and 7.5, frames 1 s apart, 1.5 s either side: no shift. */
    static const double w[] = { 1, 2, 3, 4, 6, 7, 8, 9 };
    VsPlan *p = plan_of(10.0, "clips:2,4,1", NULL);
    REQUIRE_TIMES(p, w, 0.0);
    require_clips(p, 2, 4);
    REQUIRE_STR(vs_plan_strategy(p), "clips:2,4,1");
    REQUIRE_STR(vs_plan_note(p), "");
    vs_plan_free(&p);

    /* 9 s, 3 clips of 5 frames (5 s each): clip 0 would start at -0.5 ->
     * 0; clip 1 at 2.5; clip 2 at 5.5 would cover up to 10.5 -> 9 - 5 = 4. */
    static const double we[] = { 0, 1, 2, 3, 4, 2.5, 3.5, 4.5, 5.5, 6.5, 4, 5, 6, 7, 8 };
    p = plan_of(9.0, "clips:3,5,1", NULL);
    REQUIRE_TIMES(p, we, 0.0);
    require_clips(p, 3, 5);
    vs_plan_free(&p);

    /* Half-second frames: clip 0 at -0.25 -> 0, clip 1 at 1.25 -> 3 - 2.5 = 0.5. */
    static const double wh[] = { 0, 0.5, 1, 1.5, 2, 0.5, 1, 1.5, 2, 2.5 };
    p = plan_of(3.0, "clips:2,5,2", NULL);
    REQUIRE_TIMES(p, wh, 0.0);
    vs_plan_free(&p);

    /* A trimmed span [10, 20): centres 12.5, 17.5. */
    VsPlanSettings set = trim(10.0, 20.0);
    static const double wt[] = { 12, 13, 17, 18 };
    p = plan_of(30.0, "clips:2,2,1", &set);
    REQUIRE_TIMES(p, wt, 0.0);
    vs_plan_free(&p);

    /* A clip of 5 s in a 3.5 s video: every clip starts at 0, and the frame
     * that would be at 4 repeats the last one inside the span. */
    static const double wl[] = { 0, 1, 2, 3, 3, 0, 1, 2, 3, 3 };
    p = plan_of(3.5, "clips:2,5,1", NULL);
    REQUIRE_TIMES(p, wl, 0.0);
    require_clips(p, 2, 5);
    REQUIRE_STR(vs_plan_note(p), "clips:2,5,1: a clip covers 5 s, more than the span [0, 3.5): "
                "every clip starts at 0 and repeats its last time before 3.5");
    vs_plan_free(&p);
}

static void test_keyframes(void)
{
    static const double keys[] = { 0, 2.002, 4.004, 6.006, 8.008, 10.01 };
    VsPlanInput in = input_of(12.0);
    in.keyframe_times = keys;
    in.n_keyframes = 6;
    VsPlan *p = NULL;
    REQUIRE_OK(vs_plan_create(&p, &in, "keyframes", NULL));
    REQUIRE_TIMES(p, keys, 0.0);
    REQUIRE_STR(vs_plan_strategy(p), "keyframes");
    vs_plan_free(&p);

    VsPlanSettings set = trim(3.0, 8.008);
    static const double w[] = { 4.004, 6.006 };
    REQUIRE_OK(vs_plan_create(&p, &in, "keyframes", &set));
    REQUIRE_TIMES(p, w, 0.0);
    vs_plan_free(&p);

    set = trim(2.002, 9.0);
    static const double w2[] = { 2.002, 4.004, 6.006, 8.008 };
    REQUIRE_OK(vs_plan_create(&p, &in, "keyframes", &set));
    REQUIRE_TIMES(p, w2, 0.0);
    vs_plan_free(&p);
}

static void test_timestamps(void)
{
    /* Order and duplicates kept; 12 (past the end) dropped. */
    static const double w[] = { 5, 1, 1, 9.5, 3 };
    VsPlan *p = plan_of(10.0, "timestamps:5,1,1,9.5,12,3", NULL);
    REQUIRE_TIMES(p, w, 0.0);
    REQUIRE_STR(vs_plan_note(p), "1 of 6 timestamps outside [0, 10) dropped");
    REQUIRE_STR(vs_plan_strategy(p), "timestamps:5,1,1,9.5,12,3");
    vs_plan_free(&p);

    VsPlanSettings set = trim(2.0, 9.5);
    static const double wt[] = { 5, 3 };
    p = plan_of(10.0, "timestamps:5,1,1,9.5,12,3", &set);
    REQUIRE_TIMES(p, wt, 0.0);
    REQUIRE_STR(vs_plan_note(p), "4 of 6 timestamps outside [2, 9.5) dropped");
    vs_plan_free(&p);

    static const double w1[] = { 0.1 };
    p = plan_of(10.0, "timestamps:0.1", NULL);
    REQUIRE_TIMES(p, w1, 0.0);
    REQUIRE_STR(vs_plan_note(p), "");
    vs_plan_free(&p);
}

/* The canonical text of each strategy, and that it makes the same plan. */
static void check_canonical(const char *strategy, const char *canonical, const VsPlanInput *in,
                            const VsPlanSettings *set)
{
    VsPlan *a = NULL, *b = NULL;
    REQUIRE_OK(vs_plan_create(&a, in, strategy, set));
    REQUIRE_STR(vs_plan_strategy(a), canonical);
    REQUIRE_OK(vs_plan_create(&b, in, vs_plan_strategy(a), set));
    REQUIRE_STR(vs_plan_strategy(b), canonical);
    REQUIRE_INT(vs_plan_count(a), vs_plan_count(b));
    REQUIRE(!memcmp(vs_plan_times(a), vs_plan_times(b), vs_plan_count(a) * sizeof(double)));
    REQUIRE((vs_plan_clips(a) == NULL) == (vs_plan_clips(b) == NULL));
    if (vs_plan_clips(a))
        REQUIRE(!memcmp(vs_plan_clips(a), vs_plan_clips(b), vs_plan_count(a) * sizeof(int32_t)));
    REQUIRE_INT(vs_plan_num_clips(a), vs_plan_num_clips(b));
    REQUIRE_STR(vs_plan_note(a), vs_plan_note(b));
    vs_plan_free(&a);
    vs_plan_free(&b);
}

static void test_canonical(void)
{
    static const double keys[] = { 0, 1.5, 3 };
    VsPlanInput in = input_of(100.0);
    in.keyframe_times = keys;
    in.n_keyframes = 3;
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    set.seed = 99;
    check_canonical("fps:2", "fps:2", &in, &set);
    check_canonical("fps:2.000", "fps:2", &in, &set);
    check_canonical("fps:+1e1", "fps:10", &in, &set);
    check_canonical("fps:0.1", "fps:0.1", &in, &set);
    check_canonical("fps:29.97", "fps:29.97", &in, &set);
    check_canonical("fps:0.333333333333333314829616256247", "fps:0.3333333333333333", &in, &set);
    check_canonical("fps:3.14159265358979311599796346854,jitter", "fps:3.141592653589793,jitter", &in, &set);
    check_canonical("uniform:032,jitter", "uniform:32,jitter", &in, &set);
    check_canonical("clips:4,8,2", "clips:4,8,2", &in, &set);
    check_canonical("clips:4,8,2.50", "clips:4,8,2.5", &in, &set);
    check_canonical("keyframes", "keyframes", &in, &set);
    check_canonical("timestamps:5.0,1,1,0.1,1e2,7.25", "timestamps:5,1,1,0.1,100,7.25", &in, &set);
    set.max_frames = 7;
    check_canonical("fps:1,jitter", "fps:1,jitter", &in, &set);
}

static void test_null_handles(void)
{
    VsPlan *p = NULL;
    vs_plan_free(&p);
    vs_plan_free(NULL);
    REQUIRE_INT(vs_plan_count(NULL), 0);
    REQUIRE(vs_plan_times(NULL) == NULL);
    REQUIRE(vs_plan_clips(NULL) == NULL);
    REQUIRE_INT(vs_plan_num_clips(NULL), 0);
    REQUIRE_STR(vs_plan_strategy(NULL), "");
    REQUIRE_STR(vs_plan_note(NULL), "");
    VsPlanSettings set;
    memset(&set, 0x5a, sizeof(set));
    vs_plan_default_settings(&set);
    REQUIRE(set.start == 0 && set.end == -1 && set.min_frames == 0 && set.max_frames == 0 && set.seed == 0);
}

int main(void)
{
    test_fps_basic();
    test_fps_trim();
    test_fps_budgets();
    test_uniform();
    test_clips();
    test_keyframes();
    test_timestamps();
    test_canonical();
    test_null_handles();
    printf("plan_grid: ok\n");
    return 0;
}

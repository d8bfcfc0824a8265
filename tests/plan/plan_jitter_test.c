/* Jittered plans: every time inside its interval, the seed decides the times,
 * and a fixed seed gives a pinned sequence. The pinned values come from an
 * independent Python implementation of splitmix64 + xoshiro256** (whose
 * splitmix64(0) outputs match the published 0xe220a8397b1dcdaf,
 * 0x6e789e6aa1b965f4, 0x06c45d188009454f), each checked to lie in its
 * interval before it was pinned. */
#include "require.h"

static VsPlan *jitter_plan(double duration, const char *strategy, const VsPlanSettings *set)
{
    VsPlanInput in = input_of(duration);
    VsPlan *p = NULL;
    REQUIRE_OK(vs_plan_create(&p, &in, strategy, set));
    return p;
}

/* Time i must lie in [lo(i), hi(i)). */
static void require_inside(const VsPlan *p, size_t n, double s, double step, double e)
{
    REQUIRE_INT(vs_plan_count(p), n);
    for (size_t i = 0; i < n; i++) {
        double lo = s + (double)i * step, hi = fmin(e, s + (double)(i + 1) * step);
        double t = vs_plan_times(p)[i];
        if (!(t >= lo && t < hi))
            FAIL("time %zu = %.17g outside [%.17g, %.17g)", i, t, lo, hi);
    }
}

static void test_inside(void)
{
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    for (uint64_t seed = 0; seed < 50; seed++) {
        set.seed = seed;
        /* 21 intervals of 0.5 s, the last [10, 10.2). */
        VsPlan *p = jitter_plan(10.2, "fps:2,jitter", &set);
        require_inside(p, 21, 0.0, 0.5, 10.2);
        REQUIRE_STR(vs_plan_strategy(p), "fps:2,jitter");
        vs_plan_free(&p);

        VsPlanSettings t = set;
        t.start = 1.0;
        t.end = 11.0;
        p = jitter_plan(20.0, "uniform:5,jitter", &t);
        require_inside(p, 5, 1.0, 2.0, 11.0);
        vs_plan_free(&p);

        /* The max_frames replacement grid is jittered inside its own intervals. */
        t = set;
        t.max_frames = 4;
        p = jitter_plan(100.0, "fps:2,jitter", &t);
        require_inside(p, 4, 0.0, 25.0, 100.0);
        REQUIRE_HAS(vs_plan_note(p), "more than max_frames 4");
        vs_plan_free(&p);
    }
}

static int same_times(const VsPlan *a, const VsPlan *b)
{
    return vs_plan_count(a) == vs_plan_count(b) &&
           !memcmp(vs_plan_times(a), vs_plan_times(b), vs_plan_count(a) * sizeof(double));
}

static void test_seeds(void)
{
    VsPlanSettings s1, s2;
    vs_plan_default_settings(&s1);
    vs_plan_default_settings(&s2);
    s1.seed = s2.seed = 12345;
    VsPlan *a = jitter_plan(60.0, "uniform:16,jitter", &s1);
    VsPlan *b = jitter_plan(60.0, "uniform:16,jitter", &s2);
    REQUIRE(same_times(a, b));
    vs_plan_free(&b);
    s2.seed = 12346;
    b = jitter_plan(60.0, "uniform:16,jitter", &s2);
    REQUIRE(!same_times(a, b));
    /* Every time differs, not just one. */
    for (size_t i = 0; i < 16; i++)
        REQUIRE(vs_plan_times(a)[i] != vs_plan_times(b)[i]);
    vs_plan_free(&a);
    vs_plan_free(&b);

    /* Without jitter the seed changes nothing. */
    a = jitter_plan(60.0, "uniform:16", &s1);
    b = jitter_plan(60.0, "uniform:16", &s2);
    REQUIRE(same_times(a, b));
    vs_plan_free(&a);
    vs_plan_free(&b);
}

static void test_pinned(void)
{
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    set.seed = 42;
    /* Segments [0, 2), [2, 4), [4, 6), [6, 8). */
    static const double w42[] = { 0.16772594211976433, 2.7579605013253374, 5.360086822056279, 7.849385890650775 };
    VsPlan *p = jitter_plan(8.0, "uniform:4,jitter", &set);
    REQUIRE_TIMES(p, w42, 1e-12);
    vs_plan_free(&p);

    set.seed = 7;
    static const double w7[] = { 0.3502882410898448, 0.6393756147368921, 1.41981373093821, 1.9905488625074677,
                                 2.495430139416534 };
    p = jitter_plan(10.2, "fps:2,jitter", &set);
    REQUIRE_INT(vs_plan_count(p), 21);
    for (size_t i = 0; i < 5; i++)
        REQUIRE_NEAR(vs_plan_times(p)[i], w7[i], 1e-12);
    REQUIRE_NEAR(vs_plan_times(p)[20], 10.034285286510329, 1e-12);
    vs_plan_free(&p);
}

int main(void)
{
    test_inside();
    test_seeds();
    test_pinned();
    printf("plan_jitter: ok\n");
    return 0;
}

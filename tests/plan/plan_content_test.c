/* The content-aware strategies as pure functions: scenes of a made-up analysis
 * (10 s at 10 analysed frames per second, cuts at 3 s and 6 s, the shot [3, 6)
 * frozen (score 0), the others moving (0.03 per frame)); dedup of made-up
 * thumbnails with the same shots. */
#include "require.h"
#include "strategy.h"
#include "thumb.h"

#include <string.h>

enum { N = 100 };
static double times[N], scores[N];

static VsPlanInput input(void)
{
    for (int i = 0; i < N; i++) {
        times[i] = i / 10.0;
        scores[i] = i == 0 ? 0 : i == 30 || i == 60 ? 0.5 : i > 30 && i < 60 ? 0 : 0.03;
    }
    VsPlanInput in = {.duration = 10, .avg_frame_rate = 10, .frame_count = N, .analysis_times = times,
                      .analysis_scores = scores, .n_analysis = N};
    return in;
}

static VsPlan *make(const char *strategy, const VsPlanSettings *set)
{
    VsPlanInput in = input();
    VsPlan *p = NULL;
    if (vs_plan_create(&p, &in, strategy, set) < 0)
        FAIL("'%s': %s", strategy, vs_last_error());
    return p;
}

static void test_scenes(void)
{
    VsPlan *p = make("scenes:per_scene=2", NULL);
    size_t ns;
    const VsPlanScene *sc = vs_plan_scenes(p, &ns);
    REQUIRE_INT(ns, 3);
    REQUIRE_NEAR(sc[0].start, 0, 0); REQUIRE_NEAR(sc[0].end, 3, 1e-12);
    REQUIRE_NEAR(sc[1].start, 3, 1e-12); REQUIRE_NEAR(sc[1].end, 6, 1e-12); REQUIRE_NEAR(sc[1].score, 0.5, 0);
    REQUIRE_NEAR(sc[2].end, 10, 0);
    static const double want[] = {0.75, 2.25, 3.75, 5.25, 7, 9};
    REQUIRE_INT(vs_plan_count(p), 6);
    for (int i = 0; i < 6; i++)
        REQUIRE_NEAR(vs_plan_times(p)[i], want[i], 1e-12);
    REQUIRE_STR(vs_plan_strategy(p), "scenes:per_scene=2,threshold=0.1,min_scene=0.5");
    vs_plan_free(&p);

    /* capped at 4: the shortest shot [0, 3) (tied with [3, 6): the earlier) merges with its
     * only neighbour, and [0, 6) then holds 2 frames */
    p = make("scenes:per_scene=2,max_frames=4", NULL);
    static const double capped[] = {1.5, 4.5, 7, 9};
    REQUIRE_INT(vs_plan_count(p), 4);
    for (int i = 0; i < 4; i++)
        REQUIRE_NEAR(vs_plan_times(p)[i], capped[i], 1e-12);
    REQUIRE_HAS(vs_plan_note(p), "merged");
    vs_plan_free(&p);

    /* a threshold above every cut: one shot; min_scene past a cut ignores it */
    p = make("scenes:threshold=0.6", NULL);
    REQUIRE(vs_plan_scenes(p, &ns) && ns == 1);
    vs_plan_free(&p);
    p = make("scenes:min_scene=3.5", NULL);
    sc = vs_plan_scenes(p, &ns);
    REQUIRE_INT(ns, 2);
    REQUIRE_NEAR(sc[1].start, 6, 1e-12);
    vs_plan_free(&p);
}

/* dedup decides from the thumbnails of the plan's frames, fed in plan order as
 * they are fetched. Made-up frames: a flat thumbnail whose level is t * 10 (5
 * levels per 0.5 s: a change of 5 / 255 = 0.0196), except the frozen shot
 * [3, 6) at level 200. */
static uint8_t fed[64]; /* what each feed answered: 1 kept so far, 0 dropped */

static VsPlan *deduped(const char *strategy, const VsPlanSettings *set, uint8_t *keep)
{
    VsPlan *p = make(strategy, set);
    REQUIRE(vs_plan_dedup_pending(p));
    REQUIRE(!vs_plan_dropped(p, NULL));
    uint8_t thumb[VS_THUMB_BYTES];
    size_t n = vs_plan_count(p);
    /* a fetch that failed after 5 frames: the choice starts over, as if never fed */
    memset(thumb, 99, sizeof(thumb));
    for (int i = 0; i < 5; i++)
        REQUIRE_OK(vs_plan_dedup_feed(p, thumb));
    vs_plan_dedup_restart(p);
    for (size_t i = 0; i < n; i++) {
        double t = vs_plan_times(p)[i];
        memset(thumb, t >= 3 && t < 6 ? 200 : (int)(t * 10 + 0.5), sizeof(thumb));
        int k = vs_plan_dedup_feed(p, thumb);
        REQUIRE(k == 0 || k == 1);
        fed[i] = (uint8_t)k;
    }
    REQUIRE_INT(vs_plan_dedup_feed(p, thumb), VS_ERR_INTERNAL); /* one more than the times */
    REQUIRE_OK(vs_plan_dedup_finish(p, keep));
    REQUIRE(!vs_plan_dedup_pending(p));
    return p;
}

static void test_dedup(void)
{
    /* fps:2 over 10 s: 20 times; the frozen shot's times after its first (3.0) go */
    uint8_t keep[20];
    VsPlan *p = deduped("fps:2,dedup", NULL, keep);
    size_t nd;
    const VsPlanDrop *d = vs_plan_dropped(p, &nd);
    REQUIRE_INT(nd, 5);
    for (size_t k = 0; k < nd; k++) {
        REQUIRE_NEAR(d[k].time, 3.5 + 0.5 * (double)k, 1e-12);
        REQUIRE_NEAR(d[k].change, 0, 0);
    }
    REQUIRE_INT(vs_plan_count(p), 15);
    for (int i = 0; i < 20; i++) {
        REQUIRE_INT(keep[i], i < 7 || i >= 12);
        REQUIRE_INT(fed[i], keep[i]); /* decided as each frame came: a sample spools only the kept */
    }
    for (size_t i = 0; i < vs_plan_count(p); i++) {
        double t = vs_plan_times(p)[i];
        REQUIRE(t < 3.25 || t > 5.9);
    }
    REQUIRE_STR(vs_plan_strategy(p), "fps:2,dedup=0.01");
    REQUIRE_HAS(vs_plan_note(p), "5 of 20 times dropped");
    vs_plan_free(&p);

    /* 0.2 (51 levels) is above a moving shot's 0.5 s: the change is counted from the
     * last KEPT frame, so a moving shot keeps a frame each time 51 levels have passed:
     * 0 (kept), 3.0 (200), 6.0 (60: 140 from 200), then 6.5 .. 9.5 stay within 35 of 60 */
    p = deduped("fps:2,dedup=0.2", NULL, NULL);
    REQUIRE_INT(vs_plan_count(p), 3);
    REQUIRE_NEAR(vs_plan_times(p)[1], 3, 0);
    REQUIRE_NEAR(vs_plan_times(p)[2], 6, 0);
    vs_plan_dropped(p, &nd);
    REQUIRE_INT(nd, 17);
    vs_plan_free(&p);

    /* min_frames: the most different of the dropped come back (ties: the earlier) */
    VsPlanSettings set;
    vs_plan_default_settings(&set);
    set.min_frames = 17;
    p = deduped("fps:2,dedup", &set, keep);
    REQUIRE_INT(vs_plan_count(p), 17);
    d = vs_plan_dropped(p, &nd);
    REQUIRE_INT(nd, 3);
    REQUIRE_NEAR(d[0].time, 4.5, 1e-12);
    REQUIRE(keep[7] && keep[8] && !keep[9]);
    REQUIRE(!fed[7] && !fed[8]); /* dropped as they came, back for min_frames */
    REQUIRE_HAS(vs_plan_note(p), "min_frames");
    vs_plan_free(&p);

    p = make("uniform:10,jitter,dedup=0.001", NULL);
    REQUIRE_STR(vs_plan_strategy(p), "uniform:10,jitter,dedup=0.001");
    REQUIRE_INT(vs_plan_count(p), 10); /* every candidate, until the frames decide */
    REQUIRE_INT(vs_plan_dedup_finish(p, NULL), VS_ERR_INTERNAL); /* none fed */
    vs_plan_free(&p);
    p = make("fps:2", NULL);
    REQUIRE(!vs_plan_dedup_pending(p));
    vs_plan_free(&p);
}

static void test_refused(void)
{
    VsPlanInput in = input();
    in.analysis_times = NULL;
    in.n_analysis = 0;
    VsPlan *p = NULL;
    REQUIRE_INT(vs_plan_create(&p, &in, "scenes", NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "analysis");
    REQUIRE_OK(vs_plan_create(&p, &in, "fps:2,dedup", NULL)); /* dedup needs no analysis pass */
    vs_plan_free(&p);
    in = input();
    static const char *const bad[] = {"scenes:", "scenes:per_scene=0", "scenes:threshold=2", "scenes:foo=1",
                                      "scenes:per_scene=2,per_scene=3", "fps:2,dedup=0", "fps:2,dedup,dedup",
                                      "fps:2,dedupe", "uniform:4,dedup=x", "scenes:min_scene=-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (vs_plan_create(&p, &in, bad[i], NULL) != VS_ERR_INVALID_ARG)
            FAIL("'%s' accepted", bad[i]);
    REQUIRE(vs_strategy_needs_analysis("scenes"));
    REQUIRE(vs_strategy_needs_analysis("scenes:per_scene=2"));
    REQUIRE(!vs_strategy_needs_analysis("fps:2,dedup"));
    REQUIRE(!vs_strategy_needs_analysis("uniform:8,jitter,dedup=0.1"));
    REQUIRE(!vs_strategy_needs_analysis("fps:2"));
    REQUIRE(!vs_strategy_needs_analysis("fps:2,dedupe"));
    REQUIRE(!vs_strategy_needs_analysis("scenesx"));
    REQUIRE(!vs_strategy_needs_analysis(NULL));
}

int main(void)
{
    test_scenes();
    test_dedup();
    test_refused();
    return 0;
}

/* Recipes against index lists computed by hand from each loader's formula
 * (the comments show the arithmetic), on synthetic videos: constant frame
 * rate, frame k at k / fps. Also the grammar, the canonical text, and the
 * errors. */
#include "require.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static double frame_times[120000];

/* A video of n frames at fps (frame k at k / fps), scanned. */
static VsPlanInput video(int64_t n, double fps)
{
    VsPlanInput in = input_of((double)n / fps);
    for (int64_t k = 0; k < n; k++)
        frame_times[k] = (double)k / fps;
    in.avg_frame_rate = fps;
    in.frame_times = frame_times;
    in.n_frame_times = (size_t)n;
    return in;
}

static VsPlan *plan_ok(int64_t n, double fps, const char *strategy)
{
    VsPlanInput in = video(n, fps);
    VsPlan *p = NULL;
    REQUIRE_OK(vs_plan_create(&p, &in, strategy, NULL));
    return p;
}

/* The plan's indices are want[], its times those frames' times, and its
 * clips clips[] (NULL: none). */
static void require_indices(const char *strategy, int64_t n, double fps, const int64_t *want, size_t nw,
                            const int32_t *clips)
{
    VsPlan *p = plan_ok(n, fps, strategy);
    const int64_t *got = vs_plan_indices(p);
    REQUIRE(got != NULL);
    if (vs_plan_count(p) != nw)
        FAIL("%s on %lld frames at %g fps: %zu indices, want %zu", strategy, (long long)n, fps, vs_plan_count(p), nw);
    for (size_t i = 0; i < nw; i++) {
        if (got[i] != want[i])
            FAIL("%s on %lld frames at %g fps: index %zu is %lld, want %lld", strategy, (long long)n, fps, i,
                 (long long)got[i], (long long)want[i]);
        REQUIRE(vs_plan_times(p)[i] == (double)want[i] / fps);
        if (clips)
            REQUIRE_INT(vs_plan_clips(p)[i], clips[i]);
    }
    if (!clips)
        REQUIRE(vs_plan_clips(p) == NULL);
    vs_plan_free(&p);
}

#define REQUIRE_INDICES(strategy, n, fps, want) require_indices(strategy, n, fps, want, N_OF(want), NULL)
#define REQUIRE_CLIPS(strategy, n, fps, want, clips)                                                     \
    do {                                                                                               \
        REQUIRE_INT(N_OF(want), N_OF(clips));                                                          \
        require_indices(strategy, n, fps, want, N_OF(want), clips);                                    \
    } while (0)

static void require_error(const char *strategy, int64_t n, double fps, const char *needle)
{
    VsPlanInput in = video(n, fps);
    VsPlan *p = NULL;
    int ret = vs_plan_create(&p, &in, strategy, NULL);
    if (ret != VS_ERR_INVALID_ARG)
        FAIL("%s on %lld frames: returned %d, want VS_ERR_INVALID_ARG", strategy, (long long)n, ret);
    REQUIRE(p == NULL);
    REQUIRE_HAS(vs_last_error(), needle);
}

static void test_lmms_eval(void)
{
    /* np.linspace(0, N - 1, M, dtype=int): i * (N - 1) / (M - 1), truncated; the last is N - 1 */
    static const int64_t a[] = { 0, 3, 6, 9 };         /* step 3 */
    static const int64_t b[] = { 0, 3, 6, 10 };        /* step 3.33: 3.33, 6.67 truncate */
    static const int64_t c[] = { 0 };                  /* one frame: the first */
    static const int64_t d[] = { 0, 0, 1, 1, 2 };      /* more than the frames: step 0.5 */
    REQUIRE_INDICES("lmms-eval:max_frames=4", 10, 30, a);
    REQUIRE_INDICES("lmms-eval:max_frames=4", 11, 30, b);
    REQUIRE_INDICES("lmms-eval:max_frames=1", 10, 30, c);
    REQUIRE_INDICES("lmms-eval:max_frames=5", 3, 30, d);
    VsPlan *p = plan_ok(300, 30, "lmms-eval");
    REQUIRE_INT(vs_plan_count(p), 32); /* the default */
    REQUIRE_STR(vs_plan_strategy(p), "lmms-eval:max_frames=32");
    vs_plan_free(&p);
}

static void test_llava_video(void)
{
    /* stride round(30 / 1) = 30: range(0, 100, 30) */
    static const int64_t a[] = { 0, 30, 60, 90 };
    /* 4 > max_frames 3: np.linspace(0, 99, 3) = 0, 49.5, 99, truncated */
    static const int64_t b[] = { 0, 49, 99 };
    /* force_sample: np.linspace(0, 99, 5): step 24.75 */
    static const int64_t c[] = { 0, 24, 49, 74, 99 };
    /* round(25 / 10) = round(2.5) = 2 (half to even), round(35 / 10) = 4 */
    static const int64_t d[] = { 0, 2, 4, 6 };
    static const int64_t e[] = { 0, 4, 8 };
    REQUIRE_INDICES("llava-video", 100, 30, a);
    REQUIRE_INDICES("llava-video:max_frames=3", 100, 30, b);
    REQUIRE_INDICES("llava-video:max_frames=5,force_sample=true", 100, 30, c);
    REQUIRE_INDICES("llava-video:fps=10", 7, 25, d);
    REQUIRE_INDICES("llava-video:fps=10", 10, 35, e);
    /* force_sample without max_frames changes nothing (the reference tests max_frames > 0 first) */
    REQUIRE_INDICES("llava-video:force_sample=1", 100, 30, a);
    /* round(30 / 100) = 0: range() refuses a zero step */
    require_error("llava-video:fps=100", 100, 30, "round(30 / 100) = 0");
}

static void test_hf_transformers(void)
{
    /* torch.arange(0, 10, 2.5).int() = 0, 2.5, 5, 7.5 truncated */
    static const int64_t a[] = { 0, 2, 5, 7 };
    /* step 10/3 = 3.3333333333333335: ceil(10 / step) = ceil(2.9999999999999996) = 3 values */
    static const int64_t b[] = { 0, 3, 6 };
    static const int64_t all[] = { 0, 1, 2, 3 };
    REQUIRE_INDICES("hf-transformers:num_frames=4", 10, 5, a);
    REQUIRE_INDICES("hf-transformers:fps=2", 10, 5, a); /* int(10 / 5 * 2) = 4 frames */
    REQUIRE_INDICES("hf-transformers:num_frames=3", 10, 5, b);
    REQUIRE_INDICES("hf-transformers", 4, 5, all); /* neither: every frame */
    require_error("hf-transformers:fps=2,num_frames=4", 10, 5, "mutually exclusive");
    require_error("hf-transformers:num_frames=11", 10, 5, "exceeds the 10 frames");
    require_error("hf-transformers:fps=0.1", 10, 5, "= 0 frames"); /* int(10 / 5 * 0.1) = 0 */
}

static void test_qwen2vl(void)
{
    /* 100 frames at 25 fps, fps 2: nframes 100 / 25 * 2 = 8; torch.linspace(0, 99, 8):
     * step 14.142857, 4 x = 56.57 -> 57, 5 x = 70.71 -> 71, 6 x = 84.86 -> 85 */
    static const int64_t a[] = { 0, 14, 28, 42, 57, 71, 85, 99 };
    /* 10 frames: 0.8 raised to min_frames 4: linspace(0, 9, 4) */
    static const int64_t b[] = { 0, 3, 6, 9 };
    /* 75 at 30: nframes 5, round(5 / 2) = round(2.5) = 2 (half to even): 4 frames over 0..74 */
    static const int64_t c[] = { 0, 25, 49, 74 };
    /* 105 at 30: nframes 7, round(3.5) = 4: 8 frames, step 104 / 7 = 14.857 */
    static const int64_t d[] = { 0, 15, 30, 45, 59, 74, 89, 104 };
    /* 3 frames: max_frames floor2(min(768, 3)) = 2 */
    static const int64_t e[] = { 0, 2 };
    /* nframes 40 capped at max_frames 6: step 19.8 */
    static const int64_t f[] = { 0, 20, 40, 59, 79, 99 };
    /* linspace(0, 9, 3) = 0, 4.5, 9: 4.5 rounds half to even, to 4 */
    static const int64_t g[] = { 0, 4, 9 };
    REQUIRE_INDICES("qwen2vl", 100, 25, a);
    REQUIRE_INDICES("qwen2vl", 10, 25, b);
    REQUIRE_INDICES("qwen2vl", 75, 30, c);
    REQUIRE_INDICES("qwen2vl", 105, 30, d);
    REQUIRE_INDICES("qwen2vl", 3, 25, e);
    REQUIRE_INDICES("qwen2vl:fps=10,max_frames=6", 100, 25, f);
    REQUIRE_INDICES("qwen2vl:fps=100,min_frames=1,max_frames=3,frame_factor=1", 10, 25, g);
    /* one frame: nframes 0 is outside [2, 1] */
    require_error("qwen2vl", 1, 25, "outside [2, 1]");

    /* An hour at 30 fps: 768 frames. In float32, torch's values 412 and 469 are exactly
     * 58012.5 and 66038.5 (float64 gives 58012.5007 and 66038.502), which round half to even
     * to 58012 and 66038. Value 526 is 107999 - 241 * step, step = float32(107999 / 767) =
     * 140.80704: fused it is 74064.5078 (74065), rounding the product first gives 74064.5
     * (74064). */
    VsPlan *p = plan_ok(108000, 30, "qwen2vl");
    REQUIRE_INT(vs_plan_count(p), 768);
    REQUIRE_INT(vs_plan_indices(p)[0], 0);
    REQUIRE_INT(vs_plan_indices(p)[412], 58012);
    REQUIRE_INT(vs_plan_indices(p)[469], 66038);
    REQUIRE_INT(vs_plan_indices(p)[526], 74065);
    REQUIRE_INT(vs_plan_indices(p)[767], 107999);
    REQUIRE_STR(vs_plan_strategy(p), "qwen2vl:fps=2,min_frames=4,max_frames=768,frame_factor=2");
    vs_plan_free(&p);
}

static void test_qwen_vl_utils(void)
{
    /* 105 at 30: nframes 7 floored to 6 (the first release rounds to 8); linspace(0, 104, 6),
     * step 20.8 */
    static const int64_t a[] = { 0, 21, 42, 62, 83, 104 };
    /* 75 at 30: 5 floored to 4 */
    static const int64_t b[] = { 0, 25, 49, 74 };
    /* 1 s to 2 s of 100 at 25: frames ceil(25) = 25 to floor(50) = 50, 26 of them: 2.08 raised
     * to min_frames 4; linspace(25, 50, 4), step 8.33 */
    static const int64_t c[] = { 25, 33, 42, 50 };
    /* nframes 5: round(5 / 2) = round(2.5) = 2, so 4 frames */
    static const int64_t d[] = { 0, 33, 66, 99 };
    REQUIRE_INDICES("qwen3vl", 105, 30, a);
    REQUIRE_INDICES("qwen2.5vl", 105, 30, a);
    REQUIRE_INDICES("qwen3vl", 75, 30, b);
    REQUIRE_INDICES("qwen3vl:video_start=1,video_end=2", 100, 25, c);
    REQUIRE_INDICES("qwen2.5vl:nframes=5", 100, 25, d);
    /* video_start clamped to the duration 4 s: first frame 100 after the last, 99 */
    require_error("qwen3vl:video_start=5", 100, 25, "empty range");
    require_error("qwen3vl:nframes=200", 100, 25, "outside [2, 100]");
    require_error("qwen2.5vl", 1, 25, "outside [2, 1]");
    VsPlan *p = plan_ok(300, 30, "qwen2.5vl:max_frames=8");
    REQUIRE_STR(vs_plan_strategy(p), "qwen2.5vl:fps=2,min_frames=4,max_frames=8,nframes=0,video_start=0,video_end=0");
    vs_plan_free(&p);
}

static void test_internvl(void)
{
    /* 10 frames at 5 fps, 4 segments of [0, 9]: seg 2.25, int(1.125 + round(2.25 i)), where
     * round(4.5) = 4 (half to even) */
    static const int64_t a[] = { 1, 3, 5, 8 };
    /* bound (0.5, 1.5): round(2.5) = 2 and round(7.5) = 8, seg 2 */
    static const int64_t b[] = { 3, 5, 7 };
    /* 2 frames, 4 segments: seg 0.25; round(0.5) = 0 */
    static const int64_t c[] = { 0, 0, 0, 1 };
    REQUIRE_INDICES("internvl:num_segments=4", 10, 5, a);
    REQUIRE_INDICES("internvl:num_segments=3,start=0.5,end=1.5", 10, 5, b);
    REQUIRE_INDICES("internvl:num_segments=4", 2, 5, c);
    /* start past the end: the first index is int(50 - 41 / 64) = 49 */
    require_error("internvl:start=10", 10, 5, "decord raises IndexError");
    VsPlan *p = plan_ok(300, 30, "internvl");
    REQUIRE_INT(vs_plan_count(p), 32);
    REQUIRE_STR(vs_plan_strategy(p), "internvl:num_segments=32,start=0,end=1e+05");
    vs_plan_free(&p);
}

static void test_apollo(void)
{
    /* 100 frames at 10 fps, D 2, F 4, ratio 1: 5 clips; frame step int(10 / 2) = 5, clip_len 20;
     * partition 20 is not > 20: arange(0, 20, 5) + i * (100 - 20) // 4 */
    static const int64_t a[] = { 0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95 };
    static const int32_t ac[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4 };
    /* ratio min(1, 1 * 2.5 / (10 * 1 / 2)) = 0.5: ceil(5 * 0.5) = 3 clips, partition 33 > 20:
     * start (33 - 20) // 2 = 6, arange(6, 26, 5) + i * 33 */
    static const int64_t b[] = { 6, 11, 16, 21, 39, 44, 49, 54, 72, 77, 82, 87 };
    static const int32_t bc[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2 };
    /* source rate too low, 1 fps for 4 per second: frame step 0.25, each of arange(int(4 * 0.25))
     * repeated ceil(1 / 0.25) = 4 times; 10 clips, clip_step (10 - 1) // 9 = 1 */
    static const int64_t c[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9 };
    static const int32_t cc[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                  5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9 };
    /* 1.8 fps for 8 per 2 s: step 0.45, 3 frames (int(8 * 0.45)) each repeated ceil(1 / 0.45) = 3
     * times: 9 entries per clip, more than F; 5 clips, clip_step (18 - 3) // 4 = 3 */
    static const int64_t d[] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5,
                                 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10, 10, 11, 11, 11,
                                 12, 12, 12, 13, 13, 13, 14, 14, 14 };
    static const int32_t dc[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                  2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3,
                                  4, 4, 4, 4, 4, 4, 4, 4, 4 };
    REQUIRE_CLIPS("apollo:clip_duration=2,frames_per_clip=4,clip_sampling_ratio=1,model_max_length=1000000,"
                  "tokens_per_clip=1", 100, 10, a, ac);
    /* one clip (ratio 0.1): partition 100, start 40 */
    static const int64_t one[] = { 40, 45, 50, 55 };
    static const int32_t onec[] = { 0, 0, 0, 0 };
    REQUIRE_CLIPS("apollo:clip_sampling_ratio=0.5,model_max_length=1,tokens_per_clip=1", 100, 10, one, onec);
    REQUIRE_CLIPS("apollo:clip_sampling_ratio=2.5,model_max_length=1,tokens_per_clip=1", 100, 10, b, bc);
    REQUIRE_CLIPS("apollo:clip_duration=1,clip_sampling_ratio=1,model_max_length=1000000,tokens_per_clip=1",
                  10, 1, c, cc);
    REQUIRE_CLIPS("apollo:frames_per_clip=8,clip_sampling_ratio=1,model_max_length=1000000,tokens_per_clip=1",
                  18, 1.8, d, dc);
    /* 0.2 fps: int(4 * 0.05) = 0 frames, padded with 0 and np.clip(., 0, -1) = -1, which decord
     * reads as the last frame: 15 clips of frame 2 */
    VsPlan *p = plan_ok(3, 0.2, "apollo:clip_duration=1,clip_sampling_ratio=1,model_max_length=1000000,"
                                "tokens_per_clip=1");
    REQUIRE_INT(vs_plan_count(p), 60);
    REQUIRE_INT(vs_plan_num_clips(p), 15);
    for (size_t i = 0; i < 60; i++)
        REQUIRE_INT(vs_plan_indices(p)[i], 2);
    vs_plan_free(&p);
}

static void test_torchcodec_regular(void)
{
    /* 20 frames at 10 fps; clips of 3 frames 0.1 s apart start at 0, 0.5, 1, 1.5 (before
     * 2 - 0.2). Times are float32: 0.5 + float32(0.2) = 0.70000000298 rounds to the float32
     * 0.699999988, before frame 7 (0.7): the clip at 0.5 shows frames 5, 6, 6. */
    static const int64_t a[] = { 0, 1, 2, 5, 6, 6, 10, 11, 12, 15, 16, 17 };
    static const int32_t ac[] = { 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3 };
    REQUIRE_CLIPS("torchcodec-regular:seconds_between_clip_starts=0.5,num_frames_per_clip=3", 20, 10, a, ac);
    /* 70 frames at 30 fps, 8 frames 1/3 s apart: one clip at 0. Its times float32(i / 3):
     * 5 / 3 rounds down to 1.66666663 (frame 49, not 50) and 7 / 3 to float32(70 / 30), the
     * end, so it is dropped and the end policy fills the last place. */
    static const int64_t last[] = { 0, 10, 20, 30, 40, 49, 60, 60 };
    static const int64_t wrap[] = { 0, 10, 20, 30, 40, 49, 60, 0 };
    static const int32_t zeros[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
    const char *s = "torchcodec-regular:seconds_between_clip_starts=0.965216199811862,num_frames_per_clip=8,"
                    "seconds_between_frames=0.33333333333333331";
    char buf[256];
    REQUIRE_CLIPS(s, 70, 30, last, zeros);
    snprintf(buf, sizeof(buf), "%s,policy=wrap", s);
    REQUIRE_CLIPS(buf, 70, 30, wrap, zeros);
    snprintf(buf, sizeof(buf), "%s,policy=error", s);
    require_error(buf, 70, 30, "policy=error");
    /* a clip longer than the video */
    require_error("torchcodec-regular:seconds_between_clip_starts=1,num_frames_per_clip=30", 20, 10, "does not fit");
}

static void test_grammar(void)
{
    require_error("qwen2vl:foo=1", 10, 25, "unknown parameter 'foo' for recipe qwen2vl (expected fps, min_frames");
    require_error("qwen2vl:fps=x", 10, 25, "qwen2vl parameter 'fps' must be a finite number > 0 (got 'x')");
    require_error("qwen2vl:fps=0", 10, 25, "parameter 'fps' must be a finite number > 0");
    require_error("qwen2vl:max_frames=2.5", 10, 25, "'max_frames' must be an integer in [1, 2147483647]");
    require_error("qwen2vl:fps=1,fps=2", 10, 25, "'fps' is given twice");
    require_error("qwen2vl:", 10, 25, "empty parameter");
    require_error("qwen2vl:fps", 10, 25, "'fps' is not key=value");
    require_error("qwen2vl:fps=1,", 10, 25, "empty parameter");
    require_error("llava-video:force_sample=2", 10, 25, "must be 0, 1, true or false");
    require_error("torchcodec-regular:seconds_between_clip_starts=1,policy=loop", 10, 25,
                  "'policy' must be one of repeat_last, wrap, error (got 'loop')");
    require_error("torchcodec-regular", 10, 25, "needs seconds_between_clip_starts=VALUE");
    require_error("qwen2", 10, 25, "unknown strategy 'qwen2'");

    /* every key shows in the canonical text, which plans the same frames */
    VsPlan *p = plan_ok(300, 30, "qwen2vl:max_frames=64,fps=1");
    REQUIRE_STR(vs_plan_strategy(p), "qwen2vl:fps=1,min_frames=4,max_frames=64,frame_factor=2");
    VsPlan *q = plan_ok(300, 30, vs_plan_strategy(p));
    REQUIRE_INT(vs_plan_count(q), vs_plan_count(p));
    for (size_t i = 0; i < vs_plan_count(p); i++)
        REQUIRE_INT(vs_plan_indices(q)[i], vs_plan_indices(p)[i]);
    vs_plan_free(&p);
    vs_plan_free(&q);
    p = plan_ok(300, 30, "torchcodec-regular:seconds_between_clip_starts=0.1");
    REQUIRE_STR(vs_plan_strategy(p), "torchcodec-regular:seconds_between_clip_starts=0.1,num_frames_per_clip=1,"
                                     "seconds_between_frames=0,policy=repeat_last");
    vs_plan_free(&p);
    p = plan_ok(300, 30, "hf-transformers:fps=30.0");
    REQUIRE_STR(vs_plan_strategy(p), "hf-transformers:fps=30,num_frames=0"); /* not 3e+01 */
    vs_plan_free(&p);
    p = plan_ok(300, 30, "apollo:clip_duration=1.5");
    REQUIRE_STR(vs_plan_strategy(p), "apollo:clip_duration=1.5,frames_per_clip=4,clip_sampling_ratio=0.65,"
                                     "model_max_length=32768,tokens_per_clip=128");
    vs_plan_free(&p);

    REQUIRE(vs_strategy_needs_scan("qwen2vl"));
    REQUIRE(vs_strategy_needs_scan("apollo:clip_duration=1"));
    REQUIRE(vs_strategy_needs_scan("keyframes"));
    REQUIRE(!vs_strategy_needs_scan("fps:2"));
    REQUIRE(!vs_strategy_needs_scan("qwen2vlx"));
    REQUIRE(!vs_strategy_needs_scan(NULL));
}

static void test_inputs(void)
{
    /* without frame times (source not scanned) */
    VsPlanInput in = input_of(10);
    in.avg_frame_rate = 30;
    VsPlan *p = NULL;
    REQUIRE_INT(vs_plan_create(&p, &in, "qwen2vl", NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "open the source with scan (VsSourceSettings.scan = 1)");
    /* without an average frame rate */
    in = video(100, 25);
    in.avg_frame_rate = 0;
    REQUIRE_INT(vs_plan_create(&p, &in, "qwen2vl", NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "needs the video's average frame rate");
    /* lmms-eval needs no frame rate */
    REQUIRE_OK(vs_plan_create(&p, &in, "lmms-eval:max_frames=2", NULL));
    vs_plan_free(&p);
    /* trims and budgets do not apply */
    in = video(100, 25);
    VsPlanSettings set = trim(1, -1);
    REQUIRE_INT(vs_plan_create(&p, &in, "qwen2vl", &set), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "start, end, min_frames and max_frames do not apply");
    set = trim(0, 2);
    REQUIRE_INT(vs_plan_create(&p, &in, "lmms-eval", &set), VS_ERR_INVALID_ARG);
    vs_plan_default_settings(&set);
    set.max_frames = 8;
    REQUIRE_INT(vs_plan_create(&p, &in, "lmms-eval", &set), VS_ERR_INVALID_ARG);
    /* an end past the duration trims nothing */
    set = trim(0, 1000);
    REQUIRE_OK(vs_plan_create(&p, &in, "lmms-eval", &set));
    vs_plan_free(&p);
    /* other strategies have no indices */
    p = plan_ok(100, 25, "fps:2");
    REQUIRE(vs_plan_indices(p) == NULL);
    vs_plan_free(&p);
    REQUIRE(vs_plan_indices(NULL) == NULL);
}

int main(void)
{
    test_lmms_eval();
    test_llava_video();
    test_hf_transformers();
    test_qwen2vl();
    test_qwen_vl_utils();
    test_internvl();
    test_apollo();
    test_torchcodec_regular();
    test_grammar();
    test_inputs();
    printf("recipes: ok\n");
    return 0;
}

/* Strategy texts (strategies, recipes and their keys) against a synthetic video.
 * Input: the strategy text, then optionally a NUL and parameter bytes:
 *   [0..1] duration (u16 / 64 s)   [2] frame rate (/ 2; 255: 30000/1001)
 *   [3..4] frame count (u16)       [5] keyframe every N frames (0: none known)
 *   [6] flags: 1 no frame times, 2 packet_end set, 4 jittered frame times,
 *       8 trim, 16 frame budgets
 *   [7] start (/ 8 s)  [8] end (/ 4 - 1 s)  [9] min_frames  [10] max_frames  [11] seed
 *   [12..] doubles for vs_plan_from_times (as they are: NaN and infinities too)
 * Without them: 10 s at 25 fps, 250 frames, a keyframe every 12. */
#include "fuzz.h"

#include "vsample/vsample.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FRAMES 20000

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    return 0;
}

static void read_plan(VsPlan *plan)
{
    size_t n = vs_plan_count(plan);
    const double *t = vs_plan_times(plan);
    const int32_t *clips = vs_plan_clips(plan);
    const int64_t *idx = vs_plan_indices(plan);
    volatile double sum = (double)vs_plan_num_clips(plan);
    for (size_t i = 0; i < n; i++)
        sum += t[i] + (clips ? clips[i] : 0) + (double)(idx ? idx[i] : 0);
    (void)sum;
    if (!vs_plan_strategy(plan) || !vs_plan_note(plan))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - data) : size;
    uint8_t p[12] = { 0x80, 0x02, 50, 250, 0, 12, 0, 0, 0, 0, 0, 0 }; /* 10 s, 25 fps */
    const uint8_t *rest = NULL;
    size_t nrest = 0;
    if (nul) {
        size_t np = size - tlen - 1;
        memcpy(p, nul + 1, np < sizeof(p) ? np : sizeof(p));
        if (np > sizeof(p)) {
            rest = nul + 1 + sizeof(p);
            nrest = np - sizeof(p);
        }
    }
    char *text = malloc(tlen + 1);
    if (!text)
        return 0;
    memcpy(text, data, tlen);
    text[tlen] = 0;

    VsPlanInput in;
    memset(&in, 0, sizeof(in));
    in.duration = (p[0] | p[1] << 8) / 64.0;
    in.avg_frame_rate = p[2] == 255 ? 30000.0 / 1001.0 : p[2] / 2.0;
    int64_t frames = p[3] | p[4] << 8;
    in.frame_count = frames;
    if (frames > MAX_FRAMES)
        frames = MAX_FRAMES;
    double *ft = malloc((size_t)(frames ? frames : 1) * sizeof(double));
    double *kt = malloc((size_t)(frames ? frames : 1) * sizeof(double));
    if (!ft || !kt)
        goto end;
    size_t nk = 0;
    double step = frames ? in.duration / (double)frames : 0;
    for (int64_t i = 0; i < frames; i++) {
        /* sorted: each frame inside its own slot, jittered by the text's bytes */
        double j = (p[6] & 4) && tlen ? (data[(size_t)i % tlen] / 256.0) * step : 0;
        ft[i] = (double)i * step + j;
        if (p[5] && i % p[5] == 0)
            kt[nk++] = ft[i];
    }
    if (!(p[6] & 1)) {
        in.frame_times = ft;
        in.n_frame_times = (size_t)frames;
    }
    if (p[5]) {
        in.keyframe_times = kt;
        in.n_keyframes = nk;
    }
    if (p[6] & 2)
        in.packet_end = in.duration;
    VsPlanSettings ps;
    vs_plan_default_settings(&ps);
    if (p[6] & 8) {
        ps.start = p[7] / 8.0;
        ps.end = p[8] / 4.0 - 1;
    }
    if (p[6] & 16) {
        ps.min_frames = p[9];
        ps.max_frames = p[10];
    }
    ps.seed = p[11];

    vs_strategy_needs_scan(text);
    VsPlan *plan = NULL;
    if (vs_plan_create(&plan, &in, text, &ps) == 0)
        read_plan(plan);
    vs_plan_free(&plan);

    size_t nt = nrest / sizeof(double);
    double *times = nt ? malloc(nt * sizeof(double)) : NULL;
    if (nt && times)
        memcpy(times, rest, nt * sizeof(double));
    if (!nt || times) {
        if (vs_plan_from_times(&plan, &in, times, nt, &ps) == 0)
            read_plan(plan);
        vs_plan_free(&plan);
    }
    free(times);
end:
    free(ft);
    free(kt);
    free(text);
    return 0;
}

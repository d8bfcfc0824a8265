/* Frames per second of 1080p yuv420p -> siglip-384 f16 in one process: the
 * CPU backend; the Vulkan backend frame by frame and batched (8 and 32
 * frames per submission, double-buffered), each with the YUV -> RGB
 * conversion on the GPU and on the CPU (libswscale, as the CPU backend).
 * Usage: vk_bench [frames] [device]; frames (default 64) is the stream length
 * of every run; the batched runs pass the whole stream in one call. Besides
 * frames/s (wall clock) it prints the process's CPU time per frame (all
 * threads, lavapipe's included), which other jobs on the machine disturb
 * less than the wall clock. */
#include "preprocess.h"
#include "vulkan/vk_preprocess.h"

#include "vk_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { DISTINCT = 4 }; /* distinct frames cycled through the stream */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* Wall and CPU time of a run. */
typedef struct Timing {
    double wall, cpu;
} Timing;

static Timing start_timing(void)
{
    return (Timing){now(), clock_s(CLOCK_PROCESS_CPUTIME_ID)};
}

/* frames/s, and CPU ms per frame into *cpu_ms. */
static double stop_timing(Timing t, int frames, double *cpu_ms)
{
    *cpu_ms = (clock_s(CLOCK_PROCESS_CPUTIME_ID) - t.cpu) * 1e3 / frames;
    return frames / (now() - t.wall);
}

typedef struct Bench {
    int frames;
    const AVFrame **f;
    void *const **dst;
} Bench;

static double run_cpu(VsPreprocessor *cpu, const Bench *b, double *cpu_ms)
{
    Timing t = start_timing();
    for (int i = 0; i < b->frames; i++)
        if (vs_preprocessor_run(cpu, b->f[i], 0, b->dst[i]) < 0)
            return -1;
    return stop_timing(t, b->frames, cpu_ms);
}

/* batch 0: frame by frame (vs_vk_preprocessor_run); else the stream in one
 * vs_vk_preprocessor_run_batch call, batch frames per submission. */
static double run_vk(VsVkPreprocessor *gpu, const Bench *b, int gpu_yuv, int batch,
                     double *cpu_ms)
{
    if (vs_vk_preprocessor_set_gpu_yuv(gpu, gpu_yuv) < 0)
        return -1;
    vs_vk_preprocessor_set_batch(gpu, batch ? batch : 1);
    /* Warm-up (set-up, buffers, first pipeline use) is not timed. */
    if (vs_vk_preprocessor_run_batch(gpu, b->f, NULL, batch ? (size_t)batch : 1, b->dst) < 0)
        return -1;
    Timing t = start_timing();
    if (batch) {
        if (vs_vk_preprocessor_run_batch(gpu, b->f, NULL, (size_t)b->frames, b->dst) < 0)
            return -1;
    } else {
        for (int i = 0; i < b->frames; i++)
            if (vs_vk_preprocessor_run(gpu, b->f[i], 0, b->dst[i]) < 0)
                return -1;
    }
    return stop_timing(t, b->frames, cpu_ms);
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 64, device = argc > 2 ? atoi(argv[2]) : 0, ret = 1;
    if (vs_vk_device_count() == 0) {
        printf("SKIP: no Vulkan device\n");
        return 77;
    }
    if (frames < 32)
        frames = 32;
    VsView v;
    vs_view_preset(&v, "siglip-384");
    AVFrame *distinct[DISTINCT] = {NULL};
    Bench b = {frames, calloc((size_t)frames, sizeof(AVFrame *)),
               calloc((size_t)frames, sizeof(void *const *))};
    void **sets = calloc((size_t)frames, sizeof(void *));
    uint8_t *out = malloc(vs_view_frame_bytes(&v) * (size_t)frames);
    VsPreprocessor *cpu = NULL;
    VsVkPreprocessor *gpu = NULL;
    for (int i = 0; i < DISTINCT; i++)
        distinct[i] = vk_test_frame(AV_PIX_FMT_YUV420P, 1920, 1080, AVCOL_SPC_BT709,
                                    AVCOL_RANGE_MPEG, (uint32_t)i + 1);
    if (!b.f || !b.dst || !sets || !out || !distinct[DISTINCT - 1] ||
        vs_preprocessor_create(&cpu, &v, 1) < 0 || vs_vk_preprocessor_create(&gpu, &v, 1, device) < 0)
        goto done;
    for (int i = 0; i < frames; i++) {
        b.f[i] = distinct[i % DISTINCT];
        sets[i] = out + vs_view_frame_bytes(&v) * (size_t)i;
        b.dst[i] = (void *const *)&sets[i];
    }
    if (vs_preprocessor_run(cpu, b.f[0], 0, b.dst[0]) < 0)
        goto done;
    double ms = 0;
    printf("1080p yuv420p -> siglip-384 f16, %d frames per run: frames/s, CPU ms/frame\n", frames);
    double fps = run_cpu(cpu, &b, &ms);
    printf("  cpu backend                  %7.1f  %7.1f\n", fps, ms);
    const int batches[3] = {0, 8, 32};
    for (int yuv = 1; yuv >= 0; yuv--)
        for (int k = 0; k < 3; k++) {
            fps = run_vk(gpu, &b, yuv, batches[k], &ms);
            if (fps < 0)
                goto done;
            char what[64];
            if (batches[k])
                snprintf(what, sizeof(what), "batch %d", batches[k]);
            else
                snprintf(what, sizeof(what), "per frame");
            printf("  vulkan %-9s, %s YUV   %7.1f  %7.1f\n", what, yuv ? "GPU" : "CPU", fps, ms);
        }
    ret = 0;
done:
    if (ret)
        fprintf(stderr, "vk_bench: %s\n", vs_last_error());
    vs_preprocessor_destroy(&cpu);
    vs_vk_preprocessor_destroy(&gpu);
    for (int i = 0; i < DISTINCT; i++)
        av_frame_free(&distinct[i]);
    free(b.f);
    free(b.dst);
    free(sets);
    free(out);
    return ret;
}

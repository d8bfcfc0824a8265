/* Frames per second of 1080p yuv420p -> siglip-384 f16, CPU backend vs the
 * Vulkan backend, in one process. Usage: vk_bench [frames] [device]. */
#include "preprocess.h"
#include "vulkan/vk_preprocess.h"

#include "vk_frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 30, device = argc > 2 ? atoi(argv[2]) : 0, ret = 1;
    if (vs_vk_device_count() == 0) {
        printf("SKIP: no Vulkan device\n");
        return 77;
    }
    VsView v;
    vs_view_preset(&v, "siglip-384");
    uint8_t *buf = malloc(vs_view_frame_bytes(&v));
    void *dst[1] = {buf};
    AVFrame *f = vk_test_frame(AV_PIX_FMT_YUV420P, 1920, 1080, AVCOL_SPC_BT709,
                               AVCOL_RANGE_MPEG, 1);
    VsPreprocessor *cpu = NULL;
    VsVkPreprocessor *gpu = NULL;
    if (!buf || !f || vs_preprocessor_create(&cpu, &v, 1) < 0 ||
        vs_vk_preprocessor_create(&gpu, &v, 1, device) < 0) {
        fprintf(stderr, "vk_bench: %s\n", vs_last_error());
        goto done;
    }
    /* One warm-up frame each: set-up (weights, pipelines' first use) is not timed. */
    if (vs_preprocessor_run(cpu, f, 0, dst) < 0 || vs_vk_preprocessor_run(gpu, f, 0, dst) < 0)
        goto done;
    double t0 = now();
    for (int i = 0; i < frames; i++)
        if (vs_preprocessor_run(cpu, f, 0, dst) < 0)
            goto done;
    double t1 = now();
    for (int i = 0; i < frames; i++)
        if (vs_vk_preprocessor_run(gpu, f, 0, dst) < 0)
            goto done;
    double t2 = now();
    printf("1080p yuv420p -> siglip-384 f16, %d frames: cpu %.1f frames/s, vulkan %.1f frames/s\n",
           frames, frames / (t1 - t0), frames / (t2 - t1));
    ret = 0;
done:
    if (ret)
        fprintf(stderr, "vk_bench: %s\n", vs_last_error());
    vs_preprocessor_destroy(&cpu);
    vs_vk_preprocessor_destroy(&gpu);
    av_frame_free(&f);
    free(buf);
    return ret;
}

/* Times the resampler, reference against each fast path, on the sizes
 * vsample spends its time on. Built, not run as a test:
 *
 *   build/tests/preprocess/resample_bench [SECONDS_PER_CASE]
 *
 * Prints milliseconds per frame: the median of several batches, in CPU time of
 * this thread (the machines it runs on are often shared, and wall time then
 * counts the other programs' turns too). */
#include "resample.h"
#include "vsample/vsample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct BenchCase {
    const char *name;
    int in_w, in_h, out_w, out_h, filter;
    int x0, y0, w, h; /* window of the output */
} BenchCase;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Milliseconds per frame, or a negative number when impl cannot run. */
static double time_case(const BenchCase *c, int impl, const uint8_t *src, uint8_t *dst,
                        double seconds)
{
    VsResampler r;
    if (vs_resampler_init_impl(&r, c->in_w, c->in_h, c->out_w, c->out_h, c->filter, impl) < 0)
        return -1;
    uint8_t *scratch = malloc(vs_resample_scratch_size(&r, c->y0, c->w, c->h) + 64);
    if (!scratch) {
        vs_resampler_free(&r);
        return -1;
    }
    /* One call to warm the caches and find a batch of about 50 ms. */
    double t0 = now();
    vs_resample_rgb24(&r, src, (ptrdiff_t)c->in_w * 3, dst, (ptrdiff_t)c->w * 3, c->x0, c->y0,
                      c->w, c->h, scratch);
    double one = now() - t0;
    int batch = one > 0.05 ? 1 : (int)(0.05 / (one + 1e-9)) + 1;
    int batches = (int)(seconds / (batch * one + 1e-9));
    if (batches < 3)
        batches = 3;
    if (batches > 41)
        batches = 41;
    double times[41];
    for (int b = 0; b < batches; b++) {
        t0 = now();
        for (int i = 0; i < batch; i++)
            vs_resample_rgb24(&r, src, (ptrdiff_t)c->in_w * 3, dst, (ptrdiff_t)c->w * 3, c->x0,
                              c->y0, c->w, c->h, scratch);
        times[b] = (now() - t0) / batch;
    }
    qsort(times, (size_t)batches, sizeof(double), cmp_double);
    free(scratch);
    vs_resampler_free(&r);
    return times[batches / 2] * 1e3;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    /* 1080p -> shortest edge 224 is 398x224; the centre crop keeps x 87..310. */
    static const BenchCase cases[] = {
        {"1920x1080 -> 384x384 bicubic", 1920, 1080, 384, 384, VS_FILTER_BICUBIC, 0, 0, 384, 384},
        {"640x360 -> 384x384 bicubic", 640, 360, 384, 384, VS_FILTER_BICUBIC, 0, 0, 384, 384},
        {"1920x1080 -> 224 (398x224, crop 224x224) bilinear", 1920, 1080, 398, 224,
         VS_FILTER_BILINEAR, 87, 0, 224, 224},
        {"1920x1080 -> 336x336 bicubic", 1920, 1080, 336, 336, VS_FILTER_BICUBIC, 0, 0, 336, 336},
        {"640x360 -> 224x224 bilinear", 640, 360, 224, 224, VS_FILTER_BILINEAR, 0, 0, 224, 224},
    };
    static const int impls[] = {VS_RESAMPLE_AVX2};
    uint8_t *src = malloc((size_t)1920 * 1080 * 3), *dst = malloc((size_t)384 * 384 * 3);
    if (!src || !dst)
        return 1;
    unsigned s = 12345;
    for (size_t i = 0; i < (size_t)1920 * 1080 * 3; i++) {
        s = s * 1103515245u + 12345u;
        src[i] = (uint8_t)(s >> 16);
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const BenchCase *c = &cases[i];
        double ref = time_case(c, VS_RESAMPLE_REFERENCE, src, dst, seconds);
        printf("%-52s reference %7.3f ms", c->name, ref);
        for (size_t k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
            double t = time_case(c, impls[k], src, dst, seconds);
            if (t < 0)
                printf("  %s: n/a", vs_resample_impl_name(impls[k]));
            else
                printf("  %s %7.3f ms (%.1fx)", vs_resample_impl_name(impls[k]), t, ref / t);
        }
        printf("\n");
        fflush(stdout);
    }
    free(src);
    free(dst);
    return 0;
}

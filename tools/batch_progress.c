/* Progress of vsample batch on a terminal: one line redrawn in place. */
#include "batch.h"

#include <time.h>

static int shown;

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void clock_text(char *out, size_t n, double s)
{
    if (s < 0 || s > 1e8) {
        snprintf(out, n, "--:--");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/* done of total entries settled (done before this run included); ran of them
 * by this run, which set the rates. */
void batch_progress(const Batch *b, size_t done, size_t total, double t0, size_t ran, int64_t frames)
{
    double dt = batch_now() - t0, rate = dt > 0 ? ran / dt : 0;
    char eta[32];
    clock_text(eta, sizeof(eta), rate > 0 ? (total - done) / rate : -1);
    fprintf(stderr, "\r\033[Kvsample: batch %zu/%zu (%.1f%%), %zu failed, %.2f videos/s, %.1f frames/s, ETA %s",
            done, total, total ? 100.0 * done / total : 100.0, b->failed, rate, dt > 0 ? frames / dt : 0.0, eta);
    fflush(stderr);
    shown = 1;
}

void batch_progress_clear(void)
{
    if (shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        shown = 0;
    }
}

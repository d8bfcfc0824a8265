/* The figures of one strategy on one video, from the times of the frames it
 * returned: how densely and how evenly they cover the video. Pure functions,
 * documented in README.md (### ablate), which the tests recompute in Python. */
#include "ablate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The last 1-second window counts when at least this long: a duration of
 * 12.0000000001 s is 12 windows, not 13. */
#define WINDOW_EPS 1e-6

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void figures_compute(Figures *f, const double *pts, size_t n, double duration, double span)
{
    memset(f, 0, sizeof(*f));
    f->span = span;
    f->effective_fps = span > 0 ? (double)n / span : NAN;
    f->gap_min = f->gap_mean = f->gap_max = NAN;
    f->longest_stretch = duration;
    double w = ceil(duration - WINDOW_EPS);
    f->windows = w < 1 ? 1 : (size_t)w;
    double *t = n ? malloc(n * sizeof(*t)) : NULL;
    unsigned char *hit = calloc(f->windows, 1);
    if ((n && !t) || !hit) {
        /* out of memory: the figures stay unknown rather than wrong */
        f->longest_stretch = f->coverage = NAN;
        free(t);
        free(hit);
        return;
    }
    if (n)
        memcpy(t, pts, n * sizeof(*t));
    cli_sort(t, n, sizeof(*t), cmp_double);
    size_t d = 0;
    for (size_t i = 0; i < n; i++)
        if (!d || t[i] != t[d - 1])
            t[d++] = t[i];
    f->distinct = d;
    if (d) {
        double first = t[0] < 0 ? 0 : t[0], last = t[d - 1];
        f->longest_stretch = fmax(first, duration - last);
        for (size_t i = 1; i < d; i++) {
            double g = t[i] - t[i - 1];
            if (i == 1 || g < f->gap_min)
                f->gap_min = g;
            if (i == 1 || g > f->gap_max)
                f->gap_max = g;
            if (g > f->longest_stretch)
                f->longest_stretch = g;
        }
        if (d > 1)
            f->gap_mean = (last - t[0]) / (double)(d - 1);
        for (size_t i = 0; i < d; i++) {
            double k = floor(t[i]);
            size_t idx = k < 0 ? 0 : k >= (double)f->windows ? f->windows - 1 : (size_t)k;
            if (!hit[idx]) {
                hit[idx] = 1;
                f->windows_covered++;
            }
        }
    }
    f->coverage = (double)f->windows_covered / (double)f->windows;
    free(t);
    free(hit);
}

/* The running sum of the analysis scores at the frame displayed at t. */
static double cum_at(const VideoResult *v, double t)
{
    size_t lo = 0, hi = v->ncum;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->cum_times[mid] <= t + 1e-7)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? v->cum[lo - 1] : 0.0;
}

void figures_content(Figures *f, const double *pts, size_t n, const VideoResult *v)
{
    f->shots_covered = 0;
    f->shot_coverage = f->redundancy = NAN;
    if (!v->shots || !v->cum)
        return;
    double *t = n ? malloc(n * sizeof(*t)) : NULL;
    if (n && !t)
        return;
    if (n)
        memcpy(t, pts, n * sizeof(*t));
    cli_sort(t, n, sizeof(*t), cmp_double);
    size_t d = 0, redundant = 0;
    for (size_t i = 0; i < n; i++)
        if (!d || t[i] != t[d - 1])
            t[d++] = t[i];
    for (size_t i = 1; i < d; i++)
        redundant += cum_at(v, t[i]) - cum_at(v, t[i - 1]) < VS_DEDUP_DEFAULT;
    for (size_t k = 0, i = 0; k < v->nshots; k++) {
        while (i < d && t[i] < v->shots[k].start)
            i++;
        f->shots_covered += i < d && t[i] < v->shots[k].end;
    }
    f->shot_coverage = v->nshots ? (double)f->shots_covered / (double)v->nshots : NAN;
    f->redundancy = d ? (double)redundant / (double)d : NAN;
    free(t);
}

/* The token table lives in the library (vs_view_tokens). */
int view_tokens_known(const VsView *v)
{
    return v->resize == VS_RESIZE_SMART || vs_view_tokens(v, 1) > 0;
}

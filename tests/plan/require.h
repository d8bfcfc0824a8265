/* Small REQUIRE-style checks for the plan tests: a failing check prints the
 * file, line, expression and values, and exits 1. */
#ifndef VSAMPLE_TESTS_PLAN_REQUIRE_H
#define VSAMPLE_TESTS_PLAN_REQUIRE_H

#include "vsample/vsample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...)                                                \
    do {                                                         \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);          \
        fprintf(stderr, __VA_ARGS__);                            \
        fprintf(stderr, "\n");                                   \
        exit(1);                                                 \
    } while (0)

#define REQUIRE(cond)                                            \
    do {                                                         \
        if (!(cond))                                             \
            FAIL("REQUIRE(%s) failed", #cond);                   \
    } while (0)

#define REQUIRE_INT(a, b)                                                            \
    do {                                                                             \
        long long a_ = (long long)(a), b_ = (long long)(b);                          \
        if (a_ != b_)                                                                \
            FAIL("REQUIRE_INT(%s, %s) failed: %lld != %lld", #a, #b, a_, b_);        \
    } while (0)

#define REQUIRE_NEAR(a, b, tol)                                                      \
    do {                                                                             \
        double a_ = (a), b_ = (b);                                                   \
        if (!(fabs(a_ - b_) <= (tol)))                                               \
            FAIL("REQUIRE_NEAR(%s, %s) failed: %.17g vs %.17g", #a, #b, a_, b_);     \
    } while (0)

#define REQUIRE_STR(a, b)                                                            \
    do {                                                                             \
        const char *a_ = (a), *b_ = (b);                                             \
        if (strcmp(a_, b_))                                                          \
            FAIL("REQUIRE_STR(%s, %s) failed:\n  '%s'\n  '%s'", #a, #b, a_, b_);     \
    } while (0)

/* Substring check for error messages. */
#define REQUIRE_HAS(hay, needle)                                                     \
    do {                                                                             \
        const char *h_ = (hay), *n_ = (needle);                                      \
        if (!strstr(h_, n_))                                                         \
            FAIL("'%s' does not contain '%s'", h_, n_);                              \
    } while (0)

#define REQUIRE_OK(expr)                                                             \
    do {                                                                             \
        int r_ = (expr);                                                             \
        if (r_ < 0)                                                                  \
            FAIL("%s returned %d: %s", #expr, r_, vs_last_error());                  \
    } while (0)

/* A plan input of `duration` seconds, no keyframe index. */
static inline VsPlanInput input_of(double duration)
{
    VsPlanInput in;
    memset(&in, 0, sizeof(in));
    in.duration = duration;
    return in;
}

static inline VsPlanSettings trim(double start, double end)
{
    VsPlanSettings s;
    vs_plan_default_settings(&s);
    s.start = start;
    s.end = end;
    return s;
}

/* The plan's times must be exactly n, each within tol of want[i]. */
#define REQUIRE_TIMES(plan, want, tol)                                               \
    do {                                                                             \
        size_t nw_ = sizeof(want) / sizeof((want)[0]);                               \
        REQUIRE_INT(vs_plan_count(plan), nw_);                                       \
        for (size_t i_ = 0; i_ < nw_; i_++)                                          \
            if (!(fabs(vs_plan_times(plan)[i_] - (want)[i_]) <= (tol)))              \
                FAIL("time %zu: %.17g, want %.17g", i_, vs_plan_times(plan)[i_],     \
                     (want)[i_]);                                                    \
    } while (0)

#endif

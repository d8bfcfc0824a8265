/* strategy: the text of a sampling strategy ("fps:2,jitter", "clips:4,8,2",
 * ...) parsed into numbers, and the canonical text that parses back to the
 * same numbers. Only the grammar lives here; src/plan.c turns a parsed
 * strategy into times. */
#ifndef VSAMPLE_STRATEGY_H
#define VSAMPLE_STRATEGY_H

#include "recipes.h"

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

/* Numbers are written with '.' whatever LC_NUMERIC the application chose, so
 * that strategy text (and the metadata's "<1.5 seconds>") means the same
 * everywhere: the thread switches to the C locale while it parses or prints,
 * and back. */
typedef struct VsCLocale {
    locale_t c, old;
} VsCLocale;
void vs_c_locale_enter(VsCLocale *l);
void vs_c_locale_leave(VsCLocale *l);

/* No plan may hold more times than this: it refuses absurd requests (fps:1e6
 * on an hour) before they allocate gigabytes. */
#define VS_PLAN_MAX_TIMES 10000000

enum VsStrategyKind {
    VS_STRATEGY_FPS,
    VS_STRATEGY_UNIFORM,
    VS_STRATEGY_CLIPS,
    VS_STRATEGY_KEYFRAMES,
    VS_STRATEGY_TIMESTAMPS,
    VS_STRATEGY_RECIPE,
    VS_STRATEGY_SCENES,
};

typedef struct VsStrategy {
    int kind;         /* enum VsStrategyKind */
    int jitter;       /* fps, uniform: a random point inside each interval */
    double rate;      /* fps: F; clips: FPS */
    int64_t count;    /* uniform: N; clips: C */
    int64_t frames;   /* clips: F */
    double *times;    /* timestamps: as given (owned) */
    size_t n_times;
    VsRecipe recipe;  /* recipes: which one, and its parameters */
    double dedup;     /* fps, uniform: drop a time whose change since the last kept one is below (0: off) */
    int64_t per_scene;   /* scenes: N frames per shot */
    double threshold;    /* scenes: a cut where a frame's score exceeds this */
    double min_scene;    /* scenes: a cut closer than this (s) to the previous one is ignored */
    int64_t max_frames;  /* scenes: at most M frames (0: no cap) */
} VsStrategy;

struct VsPlan;
/* Keep `keep` (< the count) of the plan's times, spread evenly over them (time
 * j of the kept is time floor((j + 0.5) * n / keep)), with their clips and
 * indices; `why` goes into the note. Made for the sample's token budget,
 * before the plan is shared. 0 or VS_ERR_NOMEM. */
int vs_plan_thin(struct VsPlan *plan, size_t keep, const char *why);
/* dedup's choice, made while a pending plan's frames are fetched: feed each
 * time's thumbnail (VS_THUMB_BYTES) in plan order (1: kept so far, 0: dropped,
 * which only min_frames can undo), then finish once all were fed: the plan
 * keeps the chosen times and lists the dropped; keep (may be NULL) receives,
 * for each time before the choice, 1 when it was kept. */
int vs_plan_dedup_feed(struct VsPlan *plan, const uint8_t *thumb);
/* Forget the frames fed so far (a fetch that failed midway): the next feed is the first time's. */
void vs_plan_dedup_restart(struct VsPlan *plan);
int vs_plan_dedup_finish(struct VsPlan *plan, uint8_t *keep);

/* Parse text into *st (cleared first). On failure vs_last_error() names
 * `shown` (the text as it appears in messages) and the problem. */
int vs_strategy_parse(VsStrategy *st, const char *text, const char *shown);
void vs_strategy_clear(VsStrategy *st);

/* Canonical text of st (malloc'd; NULL when out of memory). */
char *vs_strategy_canonical(const VsStrategy *st);

/* Copy text into buf for messages, cut to fit with "..." (a timestamps list
 * can be megabytes long). */
void vs_strategy_shorten(char *buf, size_t size, const char *text);

/* Shortest %g text that reads back as exactly v, a plain form preferred to
 * an exponent one of the same length; returns its length. */
int vs_format_double(char *buf, size_t size, double v);

#endif

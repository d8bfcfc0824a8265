/* recipes: strategies that choose the same frames, index for index, as a
 * public loader does ("qwen2vl", "apollo:clip_duration=2", ...). Each recipe
 * reads the video as its loader does (decord's len(vr): the frames that
 * demux; get_avg_fps(): the stream's average frame rate) and returns frame
 * indices in presentation order; src/plan.c turns them into the times of
 * those frames, so that fetch returns exactly them. The table of recipes,
 * their parameters and defaults, and the reference code each mirrors are in
 * recipes.c. */
#ifndef VSAMPLE_RECIPES_H
#define VSAMPLE_RECIPES_H

#include <stddef.h>
#include <stdint.h>

#define VS_RECIPE_MAX_PARAMS 6

typedef struct VsRecipe {
    int id;                         /* index into the recipe table */
    double p[VS_RECIPE_MAX_PARAMS]; /* parameter values, in the table's key order */
} VsRecipe;

/* The video as the loaders see it. */
typedef struct VsRecipeVideo {
    int64_t frames;            /* frames that demux: decord's len(vr) */
    double fps;                /* average frame rate: decord's get_avg_fps() (0 = unknown) */
    const double *frame_times; /* sorted presentation times, `frames` of them */
    double duration;           /* end of the last frame */
    double packet_end;         /* torchcodec's end: max(pts + packet duration) (0 = unknown) */
} VsRecipeVideo;

typedef struct VsRecipeOut {
    int64_t *indices;  /* 0-based frame indices in presentation order (malloc'd) */
    int32_t *clips;    /* clip id of each index, NULL for recipes without clips (malloc'd) */
    size_t n;
    int32_t num_clips;
    int64_t total;     /* the frame count the loader reports (qwen-vl-utils: its range's;
                          0 = the video's frames, which vs_recipe_run fills in) */
    char note[256];    /* what the recipe resolved, for the plan's note */
} VsRecipeOut;

/* 1 if text starts with a recipe's name (alone or followed by ':'). */
int vs_recipe_match(const char *text);

/* Parse "name[:key=value,...]" into *r; unset keys take the recipe's
 * defaults. Numbers are read in the C locale (the caller switches to it). */
int vs_recipe_parse(VsRecipe *r, const char *text, const char *shown);

/* "name:key=value,..." with every parameter, into buf (NUL-terminated, cut
 * to size); returns the full length. */
size_t vs_recipe_canonical(const VsRecipe *r, char *buf, size_t size);

/* The recipe's indices for video v. On failure *out is empty and
 * vs_last_error() names `shown` and the cause. */
int vs_recipe_run(const VsRecipe *r, const VsRecipeVideo *v, const char *shown, VsRecipeOut *out);
void vs_recipe_out_free(VsRecipeOut *out);

#endif

/* recipe_loaders: one function per recipe, each the frame choice of one
 * public loader (recipes.c has the table of names and parameters). */
#ifndef VSAMPLE_RECIPE_LOADERS_H
#define VSAMPLE_RECIPE_LOADERS_H

#include "recipes.h"

/* What a recipe function reads and writes. */
typedef struct RecipeCtx {
    const VsRecipeVideo *v;
    const double *p;     /* the recipe's parameters, in its table's order */
    const char *name;    /* the recipe's name, for messages */
    const char *shown;   /* the strategy text as messages show it */
    VsRecipeOut *out;
} RecipeCtx;

int vs_recipe_apollo(RecipeCtx *c);
int vs_recipe_qwen2vl(RecipeCtx *c);
int vs_recipe_qwen_vl_utils(RecipeCtx *c);
int vs_recipe_internvl(RecipeCtx *c);
int vs_recipe_llava_video(RecipeCtx *c);
int vs_recipe_lmms_eval(RecipeCtx *c);
int vs_recipe_hf_transformers(RecipeCtx *c);
int vs_recipe_torchcodec_regular(RecipeCtx *c);

/* Parameter positions in VsRecipe.p, shared with the table in recipes.c. */
enum { AP_CLIP_DURATION, AP_FRAMES_PER_CLIP, AP_CLIP_SAMPLING_RATIO, AP_MODEL_MAX_LENGTH,
       AP_TOKENS_PER_CLIP };
enum { QW_FPS, QW_MIN_FRAMES, QW_MAX_FRAMES, QW_FRAME_FACTOR };
enum { QU_FPS, QU_MIN_FRAMES, QU_MAX_FRAMES, QU_NFRAMES, QU_VIDEO_START, QU_VIDEO_END };
enum { IV_NUM_SEGMENTS, IV_START, IV_END };
enum { LV_FPS, LV_MAX_FRAMES, LV_FORCE_SAMPLE };
enum { LE_MAX_FRAMES };
enum { HF_FPS, HF_NUM_FRAMES };
enum { TC_SECONDS_BETWEEN_CLIP_STARTS, TC_NUM_FRAMES_PER_CLIP, TC_SECONDS_BETWEEN_FRAMES,
       TC_POLICY };

/* torchcodec-regular's end policies (parameter `policy`). */
enum { VS_TC_REPEAT_LAST = 0, VS_TC_WRAP = 1, VS_TC_ERROR = 2 };

#endif

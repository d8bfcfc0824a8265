/* recipes: the table of recipes, their parameter grammar
 * ("name[:key=value,...]") and the checks shared by all of them.
 *
 * Each recipe reproduces one loader's frame choice (recipe_loaders.c has the
 * formulas; README.md the table for users):
 *   apollo              Apollo apollo/mm_utils.py, ApolloMMLoader.load_video +
 *                       calculate_sample_indices (decord)
 *   qwen2vl             qwen-vl-utils vision_process.py fetch_video, first release
 *                       (torchvision read_video: every decoded frame, average fps)
 *   qwen2.5vl, qwen3vl  qwen-vl-utils 0.0.14 (QwenLM/Qwen3-VL) fetch_video with
 *                       decord: smart_nframes + calculate_video_frame_range; the
 *                       same frames under two names, so a plan says which model
 *   internvl            InternVL2.5/3 model cards, load_video + get_index (decord)
 *   llava-video         LLaVA-NeXT llava/train/train.py process_video_with_decord
 *   lmms-eval           lmms-eval lmms_eval/models/llava_vid.py load_video (decord)
 *   hf-transformers     transformers BaseVideoProcessor.sample_frames
 *   torchcodec-regular  torchcodec samplers clips_at_regular_timestamps (scan mode)
 * Defaults are the reference's own, except where it has none (Apollo takes
 * clip_duration and its token count from the model config: 2 s and 128 here,
 * unverified against a released config; torchcodec requires
 * seconds_between_clip_starts). */
#include "recipes.h"
#include "internal.h"
#include "recipe_loaders.h"
#include "strategy.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ParamType { P_INT, P_REAL, P_BOOL, P_ENUM };

typedef struct Param {
    const char *key;
    int type;                 /* enum ParamType */
    double def;               /* NAN: the key is required */
    int zero_ok;              /* 0 is a valid value (with the meaning README gives) */
    const char *const *words; /* P_ENUM: the values, stored as their position */
} Param;

typedef struct Recipe {
    const char *name;
    int (*run)(RecipeCtx *c);
    int nparams;
    Param params[VS_RECIPE_MAX_PARAMS];
} Recipe;

static const char *const tc_policies[] = { "repeat_last", "wrap", "error", NULL };

/* qwen-vl-utils 0.0.14. nframes 0: unset (the fps formula). video_end 0:
 * unset (an explicit 0 makes the release raise); video_start 0 chooses what
 * an unset one does. */
#define QWEN_VL_UTILS_PARAMS {                    \
        { "fps", P_REAL, 2, 0, NULL },            \
        { "min_frames", P_INT, 4, 0, NULL },      \
        { "max_frames", P_INT, 768, 0, NULL },    \
        { "nframes", P_INT, 0, 1, NULL },         \
        { "video_start", P_REAL, 0, 1, NULL },    \
        { "video_end", P_REAL, 0, 1, NULL } }

static const Recipe recipes[] = {
    { "apollo", vs_recipe_apollo, 5, {
        { "clip_duration", P_REAL, 2, 0, NULL },
        { "frames_per_clip", P_INT, 4, 0, NULL },
        { "clip_sampling_ratio", P_REAL, 0.65, 0, NULL },
        { "model_max_length", P_INT, 32768, 0, NULL },
        { "tokens_per_clip", P_INT, 128, 0, NULL } } },
    { "qwen2vl", vs_recipe_qwen2vl, 4, {
        { "fps", P_REAL, 2, 0, NULL },
        { "min_frames", P_INT, 4, 0, NULL },
        { "max_frames", P_INT, 768, 0, NULL },
        { "frame_factor", P_INT, 2, 0, NULL } } },
    { "qwen2.5vl", vs_recipe_qwen_vl_utils, 6, QWEN_VL_UTILS_PARAMS },
    { "qwen3vl", vs_recipe_qwen_vl_utils, 6, QWEN_VL_UTILS_PARAMS },
    /* bound (start, end) defaults to (-100000, 100000); start 0 chooses the
     * same frames as any start <= 0 */
    { "internvl", vs_recipe_internvl, 3, {
        { "num_segments", P_INT, 32, 0, NULL },
        { "start", P_REAL, 0, 1, NULL },
        { "end", P_REAL, 100000, 1, NULL } } },
    { "llava-video", vs_recipe_llava_video, 3, {
        { "fps", P_REAL, 1, 0, NULL },
        { "max_frames", P_INT, 0, 1, NULL },
        { "force_sample", P_BOOL, 0, 1, NULL } } },
    { "lmms-eval", vs_recipe_lmms_eval, 1, {
        { "max_frames", P_INT, 32, 0, NULL } } },
    { "hf-transformers", vs_recipe_hf_transformers, 2, {
        { "fps", P_REAL, 0, 1, NULL },
        { "num_frames", P_INT, 0, 1, NULL } } },
    { "torchcodec-regular", vs_recipe_torchcodec_regular, 4, {
        { "seconds_between_clip_starts", P_REAL, NAN, 0, NULL },
        { "num_frames_per_clip", P_INT, 1, 0, NULL },
        { "seconds_between_frames", P_REAL, 0, 1, NULL },
        { "policy", P_ENUM, VS_TC_REPEAT_LAST, 1, tc_policies } } },
};

#define NUM_RECIPES ((int)(sizeof(recipes) / sizeof(recipes[0])))
#define MAX_INT_PARAM 2147483647LL
#define MAX_VALUE 63

/* The recipe named by text up to its ':' (or end), or -1. */
static int find_recipe(const char *text)
{
    size_t len = strcspn(text, ":");
    for (int i = 0; i < NUM_RECIPES; i++)
        if (strlen(recipes[i].name) == len && !strncmp(text, recipes[i].name, len))
            return i;
    return -1;
}

int vs_recipe_match(const char *text)
{
    return find_recipe(text) >= 0;
}

static void list_keys(const Recipe *rc, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < rc->nparams && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", rc->params[i].key);
}

static int bad_value(const char *shown, const Recipe *rc, const Param *pm, const char *value)
{
    char words[128] = "";
    switch (pm->type) {
    case P_INT:
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s parameter '%s' must be an integer in [%d, %lld] (got '%s')",
                        shown, rc->name, pm->key, pm->zero_ok ? 0 : 1, MAX_INT_PARAM, value);
    case P_REAL:
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s parameter '%s' must be a finite number %s 0 (got '%s')",
                        shown, rc->name, pm->key, pm->zero_ok ? ">=" : ">", value);
    case P_BOOL:
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s parameter '%s' must be 0, 1, true or false (got '%s')",
                        shown, rc->name, pm->key, value);
    default:
        for (int i = 0; pm->words[i]; i++)
            snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s", i ? ", " : "", pm->words[i]);
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s parameter '%s' must be one of %s (got '%s')",
                        shown, rc->name, pm->key, words, value);
    }
}

/* value (NUL-terminated, no surrounding space) as parameter pm, or -1. */
static int read_value(const Param *pm, const char *value, double *out)
{
    char *end;
    if (!*value || isspace((unsigned char)value[0]))
        return -1;
    errno = 0;
    if (pm->type == P_INT) {
        long long v = strtoll(value, &end, 10);
        if (*end || errno || v < (pm->zero_ok ? 0 : 1) || v > MAX_INT_PARAM)
            return -1;
        *out = (double)v;
    } else if (pm->type == P_REAL) {
        double v = strtod(value, &end);
        if (*end || !isfinite(v) || v < 0 || (v == 0 && !pm->zero_ok))
            return -1;
        *out = v;
    } else if (pm->type == P_BOOL) {
        if (!strcmp(value, "1") || !strcmp(value, "true"))
            *out = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "false"))
            *out = 0;
        else
            return -1;
    } else {
        for (int i = 0; pm->words[i]; i++)
            if (!strcmp(value, pm->words[i])) {
                *out = i;
                return 0;
            }
        return -1;
    }
    return 0;
}

/* One "key=value" field (len bytes at field). */
static int parse_field(VsRecipe *r, const Recipe *rc, const char *field, size_t len, unsigned *seen, const char *shown)
{
    const char *eq = memchr(field, '=', len);
    char keys[256], value[MAX_VALUE + 1];
    if (!eq)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': '%.*s' is not key=value", shown, (int)len, field);
    size_t klen = (size_t)(eq - field), vlen = len - klen - 1;
    for (int i = 0; i < rc->nparams; i++) {
        const Param *pm = &rc->params[i];
        if (strlen(pm->key) != klen || strncmp(field, pm->key, klen))
            continue;
        if (*seen & (1u << i))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s parameter '%s' is given twice", shown, rc->name, pm->key);
        *seen |= 1u << i;
        snprintf(value, sizeof(value), "%.*s", (int)vlen, eq + 1);
        if (vlen > MAX_VALUE || read_value(pm, value, &r->p[i]) < 0)
            return bad_value(shown, rc, pm, value);
        return 0;
    }
    list_keys(rc, keys, sizeof(keys));
    return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': unknown parameter '%.*s' for recipe %s (expected %s)",
                    shown, (int)klen, field, rc->name, keys);
}

int vs_recipe_parse(VsRecipe *r, const char *text, const char *shown)
{
    memset(r, 0, sizeof(*r));
    r->id = find_recipe(text);
    if (r->id < 0)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': not a recipe", shown);
    const Recipe *rc = &recipes[r->id];
    for (int i = 0; i < rc->nparams; i++)
        r->p[i] = rc->params[i].def;
    const char *args = text + strlen(rc->name);
    unsigned seen = 0;
    if (*args == ':') {
        args++;
        for (;;) {
            size_t len = strcspn(args, ",");
            if (!len)
                return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': empty parameter (expected %s:key=value,...)",
                                shown, rc->name);
            int ret = parse_field(r, rc, args, len, &seen, shown);
            if (ret < 0)
                return ret;
            if (!args[len])
                break;
            args += len + 1;
        }
    }
    for (int i = 0; i < rc->nparams; i++)
        if (isnan(r->p[i]))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': recipe %s needs %s=VALUE", shown, rc->name,
                            rc->params[i].key);
    return 0;
}

size_t vs_recipe_canonical(const VsRecipe *r, char *buf, size_t size)
{
    const Recipe *rc = &recipes[r->id];
    char value[40];
    size_t len = (size_t)snprintf(buf, size, "%s", rc->name);
    for (int i = 0; i < rc->nparams; i++) {
        const Param *pm = &rc->params[i];
        if (pm->type == P_REAL)
            vs_format_double(value, sizeof(value), r->p[i]);
        else if (pm->type == P_ENUM)
            snprintf(value, sizeof(value), "%s", pm->words[(int)r->p[i]]);
        else
            snprintf(value, sizeof(value), "%lld", (long long)r->p[i]);
        len += (size_t)snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0, "%c%s=%s",
                                i ? ',' : ':', pm->key, value);
    }
    return len;
}

void vs_recipe_out_free(VsRecipeOut *out)
{
    free(out->indices);
    free(out->clips);
    memset(out, 0, sizeof(*out));
}

/* Indexing by a negative number counts from the end (decord's get_batch and
 * a torch tensor both do); anything else outside the video is an error, as
 * in the loaders. */
static int check_indices(const VsRecipeOut *out, int64_t frames, const char *shown, const char *name)
{
    for (size_t i = 0; i < out->n; i++) {
        int64_t k = out->indices[i];
        if (k < 0)
            k += frames;
        if (k < 0 || k >= frames)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s chose frame %lld of a video of %lld frames",
                            shown, name, (long long)out->indices[i], (long long)frames);
        out->indices[i] = k;
    }
    return 0;
}

int vs_recipe_run(const VsRecipe *r, const VsRecipeVideo *v, const char *shown, VsRecipeOut *out)
{
    memset(out, 0, sizeof(*out));
    if (r->id < 0 || r->id >= NUM_RECIPES)
        return vs_error(VS_ERR_INTERNAL, "strategy '%s': unknown recipe %d", shown, r->id);
    const Recipe *rc = &recipes[r->id];
    if (v->frames < 1 || !v->frame_times)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s needs the video's frames, and it has none",
                        shown, rc->name);
    RecipeCtx c = { .v = v, .p = r->p, .name = rc->name, .shown = shown, .out = out };
    int ret = rc->run(&c);
    if (ret >= 0)
        ret = check_indices(out, v->frames, shown, rc->name);
    if (ret >= 0 && out->n == 0)
        ret = vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %s selects no frame", shown, rc->name);
    if (ret >= 0 && !out->total)
        out->total = v->frames;
    if (ret < 0)
        vs_recipe_out_free(out);
    return ret;
}

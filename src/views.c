/* Views: the presets that mirror each encoder's own preprocessing, and the
 * checks every view passes before a reader accepts it. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define VS_VIEW_MAX_SIDE 16384

static const float SIGLIP_MEAN[3] = {0.5f, 0.5f, 0.5f};
static const float SIGLIP_STD[3] = {0.5f, 0.5f, 0.5f};
/* Hugging Face CLIPImageProcessor / OpenAI CLIP. */
static const float CLIP_MEAN[3] = {0.48145466f, 0.4578275f, 0.40821073f};
static const float CLIP_STD[3] = {0.26862954f, 0.26130258f, 0.27577711f};
/* ImageNet, as InternVideo2's transform uses. */
static const float IMAGENET_MEAN[3] = {0.485f, 0.456f, 0.406f};
static const float IMAGENET_STD[3] = {0.229f, 0.224f, 0.225f};

/* Smart resize budgets (VS_RESIZE_SMART): the sides' factor and the pixels
 * per frame (min, max) and over all frames (total). */
typedef struct SmartBudget {
    int factor, min_pixels, max_pixels, total_pixels;
} SmartBudget;

typedef struct Preset {
    const char *name;
    int side; /* 0: a size per video (smart resize) */
    int resize, filter, crop_round;
    const float *mean, *std;
    int t_multiple;
    const SmartBudget *smart; /* VS_RESIZE_SMART only */
} Preset;

/* qwen-vl-utils (vision_process.py), first release: IMAGE_FACTOR,
 * VIDEO_MIN/MAX/TOTAL_PIXELS, FRAME_FACTOR. */
#define QWEN_FACTOR 28
#define QWEN_MIN_PIXELS (128 * 28 * 28)
#define QWEN_MAX_PIXELS (768 * 28 * 28)
#define QWEN_TOTAL_PIXELS (24576 * 28 * 28)
#define QWEN_FRAME_FACTOR 2
static const SmartBudget QWEN2VL_SMART = {QWEN_FACTOR, QWEN_MIN_PIXELS, QWEN_MAX_PIXELS, QWEN_TOTAL_PIXELS};

/* qwen-vl-utils 0.0.14 fetch_video: factor f = image_patch_size * 2 (28 for
 * Qwen2.5-VL, 32 for Qwen3-VL), VIDEO_MIN/MAX_TOKEN_NUM 128 and 768 per frame,
 * total MODEL_SEQ_LEN * f * f * 0.9 with MODEL_SEQ_LEN 128000 (an environment
 * variable there: here the caller sets VsView.smart_total_pixels). Both
 * totals are whole numbers in float64, so the int field holds them exactly. */
#define QWEN_SEQ_TOTAL(f) ((int)(128000LL * (f) * (f) * 9 / 10))
static const SmartBudget QWEN25VL_SMART = {28, 128 * 28 * 28, 768 * 28 * 28, QWEN_SEQ_TOTAL(28)};
static const SmartBudget QWEN3VL_SMART = {32, 128 * 32 * 32, 768 * 32 * 32, QWEN_SEQ_TOTAL(32)};

static const Preset PRESETS[] = {
    {"siglip-384", 384, VS_RESIZE_SQUASH, VS_FILTER_BICUBIC, VS_CROP_FLOOR, SIGLIP_MEAN, SIGLIP_STD, 0,
     NULL},
    {"clip-336", 336, VS_RESIZE_SHORT_CROP, VS_FILTER_BICUBIC, VS_CROP_FLOOR, CLIP_MEAN, CLIP_STD, 0,
     NULL},
    {"internvideo2-224", 224, VS_RESIZE_SHORT_CROP, VS_FILTER_BILINEAR, VS_CROP_ROUND,
     IMAGENET_MEAN, IMAGENET_STD, 0, NULL},
    /* Qwen2-VL: smart_resize, bicubic with antialias, CLIP mean/std, T even. */
    {"qwen2vl", 0, VS_RESIZE_SMART, VS_FILTER_BICUBIC, VS_CROP_FLOOR, CLIP_MEAN, CLIP_STD,
     QWEN_FRAME_FACTOR, &QWEN2VL_SMART},
    /* Qwen2.5-VL and Qwen3-VL through qwen-vl-utils 0.0.14: the same resize
     * (torchvision bicubic with antialias, which follows PIL's kernel); their
     * processors' own mean/std. */
    {"qwen2.5vl", 0, VS_RESIZE_SMART, VS_FILTER_BICUBIC, VS_CROP_FLOOR, CLIP_MEAN, CLIP_STD,
     QWEN_FRAME_FACTOR, &QWEN25VL_SMART},
    {"qwen3vl", 0, VS_RESIZE_SMART, VS_FILTER_BICUBIC, VS_CROP_FLOOR, SIGLIP_MEAN, SIGLIP_STD,
     QWEN_FRAME_FACTOR, &QWEN3VL_SMART},
    /* InternVL2.5/3 model cards' build_transform: Resize((448, 448), BICUBIC)
     * on a PIL image, ImageNet mean/std; one tile per frame. */
    {"internvl-448", 448, VS_RESIZE_SQUASH, VS_FILTER_BICUBIC, VS_CROP_FLOOR, IMAGENET_MEAN,
     IMAGENET_STD, 0, NULL},
    /* Apollo's towers after expand2square: a square, so each processor's own
     * resize (squash, or short side + centre crop) is one uniform scale. */
    {"apollo-siglip", 384, VS_RESIZE_PAD, VS_FILTER_BICUBIC, VS_CROP_FLOOR, SIGLIP_MEAN, SIGLIP_STD, 0,
     NULL},
    {"apollo-internvideo2", 224, VS_RESIZE_PAD, VS_FILTER_BILINEAR, VS_CROP_ROUND, IMAGENET_MEAN,
     IMAGENET_STD, 0, NULL},
};
#define NPRESETS (sizeof(PRESETS) / sizeof(PRESETS[0]))

static const char *const PRESET_NAMES[NPRESETS + 1] = {
    "siglip-384", "clip-336", "internvideo2-224", "qwen2vl", "qwen2.5vl", "qwen3vl", "internvl-448",
    "apollo-siglip", "apollo-internvideo2", NULL};

static const char *const DTYPE_NAMES[] = {"u8", "f16", "bf16", "f32"};
static const size_t DTYPE_SIZES[] = {1, 2, 2, 4};
#define NDTYPES (sizeof(DTYPE_NAMES) / sizeof(DTYPE_NAMES[0]))

/* Apollo's expand2square fills with tuple(int(x * 255) for x in mean): truncation. */
static void set_mean_std(VsView *view, const float mean[3], const float std[3])
{
    for (int c = 0; c < 3; c++) {
        view->mean[c] = mean[c];
        view->std[c] = std[c];
        view->pad_fill[c] = (uint8_t)(int)((double)mean[c] * 255.0);
    }
}

void vs_view_default(VsView *view)
{
    if (!view)
        return;
    memset(view, 0, sizeof(*view));
    snprintf(view->name, sizeof(view->name), "%s", "custom");
    view->width = 384;
    view->height = 384;
    view->resize = VS_RESIZE_SQUASH;
    view->filter = VS_FILTER_BICUBIC;
    view->crop_round = VS_CROP_FLOOR;
    view->rescale = 1.0f / 255.0f;
    set_mean_std(view, SIGLIP_MEAN, SIGLIP_STD);
    view->dtype = VS_DTYPE_F16;
    view->layout = VS_LAYOUT_TCHW;
    view->smart_factor = QWEN_FACTOR;
    view->smart_min_pixels = QWEN_MIN_PIXELS;
    view->smart_max_pixels = QWEN_MAX_PIXELS;
    view->smart_total_pixels = QWEN_TOTAL_PIXELS;
}

int vs_view_preset(VsView *view, const char *name)
{
    if (!view || !name)
        return vs_error(VS_ERR_INVALID_ARG, "view preset: no view or no name given");
    for (size_t i = 0; i < NPRESETS; i++) {
        const Preset *p = &PRESETS[i];
        if (strcmp(p->name, name) != 0)
            continue;
        vs_view_default(view);
        snprintf(view->name, sizeof(view->name), "%s", p->name);
        view->width = view->height = p->side;
        view->t_multiple = p->t_multiple;
        view->resize = p->resize;
        view->filter = p->filter;
        view->crop_round = p->crop_round;
        set_mean_std(view, p->mean, p->std);
        if (p->smart) {
            view->smart_factor = p->smart->factor;
            view->smart_min_pixels = p->smart->min_pixels;
            view->smart_max_pixels = p->smart->max_pixels;
            view->smart_total_pixels = p->smart->total_pixels;
        }
        return 0;
    }
    return vs_error(VS_ERR_INVALID_ARG,
                    "view preset '%s': unknown (known: siglip-384, clip-336, internvideo2-224, "
                    "qwen2vl, qwen2.5vl, qwen3vl, internvl-448, apollo-siglip, apollo-internvideo2)",
                    name);
}

const char *const *vs_view_preset_names(void)
{
    return PRESET_NAMES;
}

/* The name becomes part of a tensor name "KEY/NAME": it must be a terminated,
 * non-empty string without '/' or control characters. */
static int check_name(const VsView *view)
{
    const char *end = memchr(view->name, '\0', sizeof(view->name));
    if (!end)
        return vs_error(VS_ERR_INVALID_ARG, "view: name is not NUL-terminated within %zu bytes",
                        sizeof(view->name));
    if (end == view->name)
        return vs_error(VS_ERR_INVALID_ARG, "view: name must not be empty");
    for (const char *s = view->name; s < end; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f || ch == '/' || ch == '"' || ch == '\\')
            return vs_error(VS_ERR_INVALID_ARG,
                            "view %s: name must not contain '/', quotes, backslashes or control "
                            "characters",
                            view->name);
    }
    return 0;
}

static int check_enum(const VsView *view, const char *field, int value, int count)
{
    if (value < 0 || value >= count)
        return vs_error(VS_ERR_INVALID_ARG, "view %s: %s %d is not a known value (0..%d)",
                        view->name, field, value, count - 1);
    return 0;
}

int vs_view_validate(const VsView *view)
{
    int ret;
    if (!view)
        return vs_error(VS_ERR_INVALID_ARG, "view: NULL");
    if ((ret = check_name(view)) < 0)
        return ret;
    int unresolved = view->resize == VS_RESIZE_SMART && !view->width && !view->height;
    if (!unresolved && (view->width < 1 || view->width > VS_VIEW_MAX_SIDE))
        return vs_error(VS_ERR_INVALID_ARG, "view %s: width %d must be in 1..%d", view->name,
                        view->width, VS_VIEW_MAX_SIDE);
    if (!unresolved && (view->height < 1 || view->height > VS_VIEW_MAX_SIDE))
        return vs_error(VS_ERR_INVALID_ARG, "view %s: height %d must be in 1..%d", view->name,
                        view->height, VS_VIEW_MAX_SIDE);
    if (view->t_multiple < 0 || view->t_multiple > 1024)
        return vs_error(VS_ERR_INVALID_ARG, "view %s: t_multiple %d must be in 0..1024", view->name,
                        view->t_multiple);
    if (view->resize == VS_RESIZE_SMART &&
        (view->smart_factor < 1 || view->smart_factor > 4096 || view->smart_min_pixels < 1 ||
         view->smart_max_pixels < view->smart_min_pixels || view->smart_total_pixels < 0))
        return vs_error(VS_ERR_INVALID_ARG, "view %s: smart resize needs factor >= 1 and "
                        "0 < min_pixels <= max_pixels", view->name);
    if ((ret = check_enum(view, "resize", view->resize, 4)) < 0 ||
        (ret = check_enum(view, "filter", view->filter, 4)) < 0 ||
        (ret = check_enum(view, "crop_round", view->crop_round, 2)) < 0 ||
        (ret = check_enum(view, "dtype", view->dtype, (int)NDTYPES)) < 0 ||
        (ret = check_enum(view, "layout", view->layout, 2)) < 0)
        return ret;
    if (!isfinite(view->rescale))
        return vs_error(VS_ERR_INVALID_ARG, "view %s: rescale must be a finite number",
                        view->name);
    for (int c = 0; c < 3; c++) {
        if (!isfinite(view->mean[c]))
            return vs_error(VS_ERR_INVALID_ARG, "view %s: mean[%d] must be a finite number",
                            view->name, c);
        if (!isfinite(view->std[c]))
            return vs_error(VS_ERR_INVALID_ARG, "view %s: std[%d] must be a finite number",
                            view->name, c);
        if (view->std[c] == 0.0f)
            return vs_error(VS_ERR_INVALID_ARG, "view %s: std[%d] must be non-zero", view->name,
                            c);
    }
    return 0;
}

/* qwen-vl-utils' smart_resize, in Python's arithmetic: round() halves to even
 * (nearbyint in the default rounding mode), the budgets are floats. */
static int smart_resize(const VsView *v, int width, int height, size_t frames, int *out_w, int *out_h)
{
    double f = v->smart_factor, w = width, h = height;
    double max_pixels = v->smart_max_pixels, min_pixels = v->smart_min_pixels;
    if (v->smart_total_pixels > 0 && frames > 0) {
        double budget = (double)v->smart_total_pixels / (double)frames * QWEN_FRAME_FACTOR;
        max_pixels = budget < max_pixels ? budget : max_pixels;
        double floor_px = (double)(long long)(min_pixels * 1.05);
        max_pixels = max_pixels > floor_px ? max_pixels : floor_px;
    }
    if ((w > h ? w / h : h / w) > 200)
        return vs_error(VS_ERR_INVALID_ARG, "view %s: aspect ratio of %dx%d is above 200", v->name,
                        width, height);
    double hb = fmax(f, nearbyint(h / f) * f), wb = fmax(f, nearbyint(w / f) * f);
    if (hb * wb > max_pixels) {
        double beta = sqrt(h * w / max_pixels);
        hb = fmax(f, floor(h / beta / f) * f);
        wb = fmax(f, floor(w / beta / f) * f);
    } else if (hb * wb < min_pixels) {
        double beta = sqrt(min_pixels / (h * w));
        hb = ceil(h * beta / f) * f;
        wb = ceil(w * beta / f) * f;
    }
    if (wb > VS_VIEW_MAX_SIDE || hb > VS_VIEW_MAX_SIDE)
        return vs_error(VS_ERR_INVALID_ARG, "view %s: smart resize of %dx%d gives %.0fx%.0f, above %d",
                        v->name, width, height, wb, hb, VS_VIEW_MAX_SIDE);
    *out_w = (int)wb;
    *out_h = (int)hb;
    return 0;
}

int vs_view_resolve(VsView *view, int display_width, int display_height, size_t frames)
{
    if (!view || display_width < 1 || display_height < 1)
        return vs_error(VS_ERR_INVALID_ARG, "vs_view_resolve: no view or no size");
    if (view->resize != VS_RESIZE_SMART)
        return 0;
    return smart_resize(view, display_width, display_height, frames, &view->width, &view->height);
}

size_t vs_view_frame_bytes(const VsView *view)
{
    if (!view || view->width < 1 || view->height < 1 || view->dtype < 0 ||
        view->dtype >= (int)NDTYPES)
        return 0;
    return (size_t)3 * (size_t)view->width * (size_t)view->height * DTYPE_SIZES[view->dtype];
}

const char *vs_dtype_name(int dtype)
{
    if (dtype < 0 || dtype >= (int)NDTYPES)
        return "unknown";
    return DTYPE_NAMES[dtype];
}

int vs_dtype_from_name(const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < NDTYPES; i++)
        if (strcmp(DTYPE_NAMES[i], name) == 0)
            return (int)i;
    return -1;
}

/* Visual tokens one frame becomes: for the encoder presets one per 14x14 patch
 * (27x27, 24x24, 16x16), before any pooling a model may add; for a model's own
 * preset what its language model receives, as the Qwen views count after their
 * 2x2 merge: InternVL's pixel shuffle (0.5) makes 256 of a 448 tile's 32x32
 * patches (the model cards' num_image_token). */
static int64_t preset_tokens(const char *name)
{
    static const struct {
        const char *name;
        int64_t tokens;
    } table[] = {{"siglip-384", 729}, {"clip-336", 576}, {"internvideo2-224", 256},
                 {"internvl-448", 256}, {"apollo-siglip", 729}, {"apollo-internvideo2", 256}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (!strcmp(name, table[i].name))
            return table[i].tokens;
    return 0;
}

int64_t vs_view_tokens(const VsView *v, size_t frames)
{
    if (!v)
        return 0;
    if (v->resize == VS_RESIZE_SMART) {
        /* Qwen2-VL: 14x14 patches over pairs of frames, merged 2x2 for the
         * language model: (T / 2) * (H / 28) * (W / 28), T padded to even
         * (Qwen3-VL: 16x16 patches, so H / 32 and W / 32). */
        if (v->smart_factor < 1)
            return 0;
        int64_t t = (int64_t)(frames + 1) / 2, side = v->smart_factor;
        return t * (v->height / side) * (v->width / side);
    }
    return (int64_t)frames * preset_tokens(v->name);
}

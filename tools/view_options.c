/* --preset / --size / --resize / --filter / --mean / --std / --dtype / --layout -> views. */
#include "view_options.h"

#include <stdlib.h>
#include <string.h>

void view_options_default(ViewOptions *o)
{
    memset(o, 0, sizeof(*o));
    o->presets = "siglip-384";
    o->dtype = VS_DTYPE_F16;
    o->layout = VS_LAYOUT_TCHW;
}

static int parse_triple(const char *opt, const char *text, float out[3])
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", text);
    char *save = NULL, *tok = strtok_r(buf, ",", &save);
    for (int c = 0; c < 3; c++, tok = strtok_r(NULL, ",", &save)) {
        double v;
        if (!tok) {
            usage_error("%s: '%s' needs three comma-separated numbers", opt, text);
            return -1;
        }
        if (parse_double(opt, tok, &v) < 0)
            return -1;
        out[c] = (float)v;
    }
    if (tok) {
        usage_error("%s: '%s' needs exactly three numbers", opt, text);
        return -1;
    }
    return 0;
}

/* A name the library knows (value from from_name, -1 if not) into *out. */
static int lookup(const char *opt, const char *text, int value, int *out)
{
    if (value < 0) {
        usage_error("%s: unknown value '%s'", opt, text);
        return -1;
    }
    *out = value;
    return 0;
}

int view_option(ViewOptions *o, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--preset") && strcmp(opt, "--size") && strcmp(opt, "--resize") &&
        strcmp(opt, "--filter") && strcmp(opt, "--mean") && strcmp(opt, "--std") &&
        strcmp(opt, "--dtype") && strcmp(opt, "--layout"))
        return 0;
    if (*i + 1 >= argc) {
        usage_error("%s needs a value", opt);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(opt, "--preset")) {
        o->presets = v;
        o->preset_given = 1;
        return 1;
    }
    if (!strcmp(opt, "--dtype")) {
        if ((o->dtype = vs_dtype_from_name(v)) < 0) {
            usage_error("--dtype: unknown value '%s' (expected u8, f16, bf16 or f32)", v);
            return -1;
        }
        return 1;
    }
    if (!strcmp(opt, "--layout"))
        return lookup(opt, v, vs_layout_from_name(v), &o->layout) < 0 ? -1 : 1;
    o->custom = 1;
    if (!strcmp(opt, "--size")) {
        char *x = strchr(v, 'x');
        int64_t w, h;
        char wbuf[32];
        if (!x || (size_t)(x - v) >= sizeof(wbuf)) {
            usage_error("--size: '%s' is not WxH", v);
            return -1;
        }
        memcpy(wbuf, v, (size_t)(x - v));
        wbuf[x - v] = 0;
        if (parse_int64("--size", wbuf, 1, 16384, &w) < 0 || parse_int64("--size", x + 1, 1, 16384, &h) < 0)
            return -1;
        o->width = (int)w;
        o->height = (int)h;
    } else if (!strcmp(opt, "--resize")) {
        // smart resize comes with its preset's budget: --preset qwen2vl, not --resize
        int r = vs_resize_from_name(v);
        if (lookup(opt, v, r == VS_RESIZE_SMART ? -1 : r, &o->resize) < 0)
            return -1;
        o->resize_given = 1;
    } else if (!strcmp(opt, "--filter")) {
        if (lookup(opt, v, vs_filter_from_name(v), &o->filter) < 0)
            return -1;
        o->filter_given = 1;
    } else if (!strcmp(opt, "--mean")) {
        if (parse_triple(opt, v, o->mean) < 0)
            return -1;
        o->mean_given = 1;
    } else if (parse_triple(opt, v, o->std) < 0) {
        return -1;
    } else {
        o->std_given = 1;
    }
    return 1;
}

int view_options_build(const ViewOptions *o, VsView *views, size_t max, size_t *count)
{
    char buf[256];
    size_t n = 0;
    snprintf(buf, sizeof(buf), "%s", o->presets);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "apollo")) { /* Apollo's two towers from one decode */
            if (n + 2 > max)
                return usage_error("--preset: at most %zu views", max);
            for (size_t j = 0; j < n; j++)
                if (!strncmp(views[j].name, "apollo-", 7))
                    return usage_error("--preset: 'apollo' given twice");
            vs_view_preset(&views[n++], "apollo-siglip");
            vs_view_preset(&views[n++], "apollo-internvideo2");
            continue;
        }
        if (n == max)
            return usage_error("--preset: at most %zu views", max);
        for (size_t j = 0; j < n; j++)
            if (!strcmp(views[j].name, tok))
                return usage_error("--preset: '%s' given twice", tok);
        if (vs_view_preset(&views[n], tok) < 0)
            return usage_error("--preset: unknown preset '%s'", tok);
        n++;
    }
    if (!n)
        return usage_error("--preset: no preset named");
    if (o->custom) {
        if (n > 1)
            return usage_error("--size/--resize/--filter/--mean/--std make one custom view: give at most one --preset");
        if (!o->preset_given)
            vs_view_default(&views[0]);
        VsView *v = &views[0];
        snprintf(v->name, sizeof(v->name), "custom");
        if (o->width)
            v->width = o->width, v->height = o->height;
        if (o->width && v->resize == VS_RESIZE_SMART)
            v->resize = VS_RESIZE_SQUASH; /* a size given is the size wanted */
        if (o->resize_given)
            v->resize = o->resize;
        if (o->filter_given)
            v->filter = o->filter;
        if (o->mean_given)
            memcpy(v->mean, o->mean, sizeof(v->mean));
        if (o->std_given)
            memcpy(v->std, o->std, sizeof(v->std));
        if (o->mean_given && v->resize == VS_RESIZE_PAD)
            for (int c = 0; c < 3; c++)
                v->pad_fill[c] = (uint8_t)(v->mean[c] * 255 < 0 ? 0 : v->mean[c] * 255 > 255 ? 255 : (int)(v->mean[c] * 255));
    }
    for (size_t i = 0; i < n; i++) {
        views[i].dtype = o->dtype;
        views[i].layout = o->layout;
        if (vs_view_validate(&views[i]) < 0)
            return usage_error("%s", vs_last_error());
    }
    *count = n;
    return 0;
}

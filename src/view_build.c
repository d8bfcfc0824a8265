/* Views from options: presets (with "apollo" for both of Apollo's towers) and
 * one custom view made from a preset, the rules the CLI's --preset/--size/...
 * and the binding's load() arguments share. */
#include "internal.h"
#include "vsample/sample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vs_view_options_default(VsViewOptions *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof(*o));
    o->resize = -1;
    o->filter = -1;
    o->dtype = VS_DTYPE_F16;
    o->layout = VS_LAYOUT_TCHW;
}

static int is_custom(const VsViewOptions *o)
{
    return o->width || o->height || o->resize >= 0 || o->filter >= 0 || o->mean_set || o->std_set;
}

static int add_preset(VsView *views, size_t max, size_t *n, const char *name)
{
    if (*n == max)
        return vs_error(VS_ERR_INVALID_ARG, "preset: at most %zu views", max);
    for (size_t j = 0; j < *n; j++)
        if (!strcmp(views[j].name, name))
            return vs_error(VS_ERR_INVALID_ARG, "preset: '%s' given twice", name);
    if (vs_view_preset(&views[*n], name) < 0) {
        char known[256] = "";
        for (const char *const *p = vs_view_preset_names(); *p; p++)
            snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s, ", *p);
        return vs_error(VS_ERR_INVALID_ARG, "preset: unknown preset '%s' (known: %sapollo)", name, known);
    }
    (*n)++;
    return 0;
}

/* Each comma-separated name of text; "apollo" is Apollo's two towers from one decode. */
static int add_presets(const char *text, VsView *views, size_t max, size_t *n)
{
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return vs_error(VS_ERR_NOMEM, "preset: out of memory");
    int ret = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && ret >= 0; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        for (char *end = tok + strlen(tok); end > tok && end[-1] == ' ';)
            *--end = 0;
        if (!*tok)
            continue;
        if (!strcmp(tok, "apollo")) {
            if ((ret = add_preset(views, max, n, "apollo-siglip")) >= 0)
                ret = add_preset(views, max, n, "apollo-internvideo2");
            if (ret < 0 && strstr(vs_last_error(), "twice"))
                ret = vs_error(VS_ERR_INVALID_ARG, "preset: 'apollo' given twice");
        } else {
            ret = add_preset(views, max, n, tok);
        }
    }
    free(copy);
    return ret;
}

static uint8_t fill_of(float mean)
{
    float f = mean * 255; /* in float, as int(mean * 255) of a float32 mean */
    return (uint8_t)(f < 0 ? 0 : f > 255 ? 255 : (int)f);
}

static void apply_custom(const VsViewOptions *o, VsView *v)
{
    snprintf(v->name, sizeof(v->name), "custom");
    if (o->width && o->height) {
        v->width = o->width;
        v->height = o->height;
        if (v->resize == VS_RESIZE_SMART)
            v->resize = VS_RESIZE_SQUASH; /* a size given is the size wanted */
    }
    if (o->resize >= 0)
        v->resize = o->resize;
    if (o->filter >= 0)
        v->filter = o->filter;
    if (o->mean_set)
        memcpy(v->mean, o->mean, sizeof(v->mean));
    if (o->std_set)
        memcpy(v->std, o->std, sizeof(v->std));
    if (o->mean_set && v->resize == VS_RESIZE_PAD)
        for (int c = 0; c < 3; c++)
            v->pad_fill[c] = fill_of(v->mean[c]);
}

int vs_views_build(const VsViewOptions *o, VsView *views, size_t max, size_t *count)
{
    if (!o || !views || !count || !max)
        return vs_error(VS_ERR_INVALID_ARG, "vs_views_build: NULL argument");
    *count = 0;
    int custom = is_custom(o);
    if ((o->width > 0) != (o->height > 0) || o->width < 0 || o->height < 0)
        return vs_error(VS_ERR_INVALID_ARG, "size: %dx%d needs a positive width and height", o->width, o->height);
    size_t n = 0;
    int ret = add_presets(o->presets ? o->presets : "siglip-384", views, max, &n);
    if (ret < 0)
        return ret;
    if (!n) {
        if (!custom)
            return vs_error(VS_ERR_INVALID_ARG, "preset: no preset named");
        vs_view_default(&views[n++]);
    }
    if (custom) {
        if (n > 1)
            return vs_error(VS_ERR_INVALID_ARG,
                            "size/resize/filter/mean/std make one custom view: give at most one preset");
        if (!o->presets)
            vs_view_default(&views[0]);
        apply_custom(o, &views[0]);
    }
    for (size_t i = 0; i < n; i++) {
        views[i].dtype = o->dtype;
        views[i].layout = o->layout;
        if ((ret = vs_view_validate(&views[i])) < 0)
            return ret;
    }
    *count = n;
    return 0;
}

/* --preset / --size / --resize / --filter / --mean / --std / --dtype / --layout -> VsViewOptions. */
#include "view_options.h"

#include <stdlib.h>
#include <string.h>

void view_options_default(ViewOptions *o)
{
    vs_view_options_default(o);
}

static int parse_triple(const char *opt, const char *text, float out[3])
{
    char *buf = strdup(text), *save = NULL;
    if (!buf)
        return usage_error("%s: out of memory", opt), -1;
    char *tok = strtok_r(buf, ",", &save);
    int ret = 0;
    for (int c = 0; c < 3 && !ret; c++, tok = strtok_r(NULL, ",", &save)) {
        double v;
        if (!tok)
            ret = (usage_error("%s: '%s' needs three comma-separated numbers", opt, text), -1);
        else if (parse_double(opt, tok, &v) < 0)
            ret = -1;
        else
            out[c] = (float)v;
    }
    if (!ret && tok)
        ret = (usage_error("%s: '%s' needs exactly three numbers", opt, text), -1);
    free(buf);
    return ret;
}

/* value of a name (a library *_from_name), or a usage error; "smart" is a preset's, not an option's */
static int lookup(const char *opt, const char *text, int value, int *out)
{
    if (value < 0 || (!strcmp(opt, "--resize") && value == VS_RESIZE_SMART))
        return usage_error("%s: unknown value '%s'", opt, text), -1;
    *out = value;
    return 0;
}

static int parse_size(const char *v, ViewOptions *o)
{
    const char *x = strchr(v, 'x');
    int64_t w, h;
    char wbuf[32];
    if (!x || (size_t)(x - v) >= sizeof(wbuf))
        return usage_error("--size: '%s' is not WxH", v), -1;
    memcpy(wbuf, v, (size_t)(x - v));
    wbuf[x - v] = 0;
    if (parse_int64("--size", wbuf, 1, 16384, &w) < 0 || parse_int64("--size", x + 1, 1, 16384, &h) < 0)
        return -1;
    o->width = (int)w;
    o->height = (int)h;
    return 0;
}

int view_option(ViewOptions *o, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--preset") && strcmp(opt, "--size") && strcmp(opt, "--resize") &&
        strcmp(opt, "--filter") && strcmp(opt, "--mean") && strcmp(opt, "--std") &&
        strcmp(opt, "--dtype") && strcmp(opt, "--layout"))
        return 0;
    if (*i + 1 >= argc)
        return usage_error("%s needs a value", opt), -1;
    const char *v = argv[++*i];
    int r = 0;
    if (!strcmp(opt, "--preset"))
        o->presets = v;
    else if (!strcmp(opt, "--dtype")) {
        if ((o->dtype = vs_dtype_from_name(v)) < 0)
            r = (usage_error("--dtype: unknown value '%s' (expected u8, f16, bf16 or f32)", v), -1);
    } else if (!strcmp(opt, "--layout"))
        r = lookup(opt, v, vs_layout_from_name(v), &o->layout);
    else if (!strcmp(opt, "--size"))
        r = parse_size(v, o);
    else if (!strcmp(opt, "--resize"))
        r = lookup(opt, v, vs_resize_from_name(v), &o->resize);
    else if (!strcmp(opt, "--filter"))
        r = lookup(opt, v, vs_filter_from_name(v), &o->filter);
    else if (!strcmp(opt, "--mean"))
        r = parse_triple(opt, v, o->mean), o->mean_set = 1;
    else
        r = parse_triple(opt, v, o->std), o->std_set = 1;
    return r < 0 ? -1 : 1;
}

int view_options_build(const ViewOptions *o, VsView *views, size_t max, size_t *count)
{
    if (vs_views_build(o, views, max, count) < 0) {
        const char *msg = vs_last_error(); /* an option's message names it as on the command line */
        int option = !strncmp(msg, "preset", 6) || !strncmp(msg, "size", 4);
        return usage_error("%s%s", option ? "--" : "", msg);
    }
    return 0;
}

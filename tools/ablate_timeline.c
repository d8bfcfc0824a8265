/* DIR/<key>-timeline.png: one row per strategy, a tick at the time of each
 * frame returned, on an axis that spans the video's duration.
 *
 * The geometry is documented (README.md, ### ablate) so that a test can find
 * every tick: the axis is AXIS_W pixels wide starting at AXIS_X (after the
 * names); row r is a band of BAND colour ROW_H pixels high; a frame at time t
 * is a TICK-coloured column at AXIS_X + min(AXIS_W - 1, floor(t * AXIS_W /
 * duration)) covering the band but its top and bottom TICK_INSET lines. Under
 * the rows, the axis line carries marks at multiples of a round step, each
 * labelled with its time. Shot boundaries (the analysis pass's, as the scenes
 * strategy finds them with its defaults) are CUT-coloured columns in each band's
 * insets (lines 1 .. TICK_INSET - 1 and ROW_H - TICK_INSET .. ROW_H - 2); a time a
 * content-aware strategy dropped is a DROP-coloured tick, under any kept tick. */
#include "ablate.h"
#include "font.h"
#include "picture.h"
#include "timefmt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    GAP = 8,
    AXIS_W = 1000,
    ROW_H = 24,
    ROW_GAP = 6,
    TICK_INSET = 3,
    NAME_SCALE = 2,
    MAX_NAME_W = 360,
    MARK_H = 5,
    LABEL_SCALE = 2,
    RIGHT = 32, /* room for the last label past the axis end */
};
#define BACKGROUND 0x202020
#define BAND 0x303030
#define GRID 0x484848
#define TICK 0xFFB000
#define TEXT 0xF2F2F2
#define DIM 0x9A9A9A
#define CUT 0x40C0FF  /* a shot boundary: in the band's insets, first and last line left */
#define DROP 0xA04040 /* a time a content-aware strategy dropped: as a tick, under the kept */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* Column of time t on the axis. */
static int column(double t, double duration)
{
    double x = floor(t * AXIS_W / duration);
    return !(x > 0) ? 0 : x > AXIS_W - 1 ? AXIS_W - 1 : (int)x;
}

/* Pixels from one mark to the next that leave room for their labels. */
static double label_room(double duration)
{
    char label[32];
    format_time(label, sizeof(label), duration, duration);
    return picture_text_width(label, LABEL_SCALE) + 3 * GAP;
}

/* The smallest round step whose marks are far enough apart for their labels. */
static double mark_step(double duration)
{
    static const double steps[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
                                   900, 1800, 3600, 7200, 10800, 21600, 43200, 86400};
    double room = label_room(duration);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (steps[i] * AXIS_W / duration >= room)
            return steps[i];
    return duration;
}

static void text_fit(Picture *p, int x, int y, const char *text, int scale, int max_width, PictureColor c)
{
    char buf[512];
    size_t n = picture_text_fit(text, scale, max_width);
    snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), text);
    picture_text(p, x, y, buf, scale, c);
}

/* A label centred under x, kept inside the picture. */
static void mark_label(Picture *p, int x, int y, double t, double duration)
{
    char label[32];
    format_time(label, sizeof(label), t, duration);
    int w = picture_text_width(label, LABEL_SCALE), left = x - w / 2;
    if (left + w > p->width - 2)
        left = p->width - 2 - w;
    picture_text(p, left < 2 ? 2 : left, y, label, LABEL_SCALE, TEXT);
}

static void draw(Picture *p, const AblateOptions *o, const VideoResult *v, int axis_x, int name_w, int top)
{
    double d = v->duration, step = mark_step(d);
    char header[1400], duration[32];
    format_time(duration, sizeof(duration), d, d);
    snprintf(header, sizeof(header), "%s  duration %s  %zu strategies", base_name(v->path), duration,
             o->nstrategies);
    text_fit(p, GAP, GAP, header, 2, p->width - 2 * GAP, TEXT);
    size_t nmarks = (size_t)floor(d / step + 1e-9) + 1;
    for (size_t k = 0; k < o->nstrategies; k++) {
        const StrategyResult *r = &v->res[k];
        int y = top + (int)k * (ROW_H + ROW_GAP);
        picture_fill(p, axis_x, y, AXIS_W, ROW_H, BAND);
        for (size_t m = 0; m < nmarks; m++)
            picture_fill(p, axis_x + column((double)m * step, d), y + TICK_INSET, 1, ROW_H - 2 * TICK_INSET, GRID);
        text_fit(p, GAP, y + (ROW_H - picture_text_height(NAME_SCALE)) / 2, o->strategies[k], NAME_SCALE, name_w,
                 TEXT);
        if (r->error) {
            picture_text(p, axis_x + GAP, y + (ROW_H - picture_text_height(2)) / 2, "failed", 2, DIM);
            continue;
        }
        for (size_t c = 1; v->shots && c < v->nshots; c++) {
            int x = axis_x + column(v->shots[c].start, d);
            picture_fill(p, x, y + 1, 1, TICK_INSET - 1, CUT);
            picture_fill(p, x, y + ROW_H - TICK_INSET, 1, TICK_INSET - 1, CUT);
        }
        for (size_t i = 0; i < r->n_dropped; i++)
            picture_fill(p, axis_x + column(r->dropped[i], d), y + TICK_INSET, 1, ROW_H - 2 * TICK_INSET, DROP);
        for (size_t i = 0; i < r->frames; i++)
            picture_fill(p, axis_x + column(r->pts[i], d), y + TICK_INSET, 1, ROW_H - 2 * TICK_INSET, TICK);
    }
    int axis_y = top + (int)o->nstrategies * (ROW_H + ROW_GAP);
    picture_fill(p, axis_x, axis_y, AXIS_W, 1, DIM);
    int label_y = axis_y + MARK_H + 3;
    for (size_t m = 0; m < nmarks; m++) {
        int x = axis_x + column((double)m * step, d);
        picture_fill(p, x, axis_y, 1, MARK_H, DIM);
        mark_label(p, x, label_y, (double)m * step, d);
    }
    /* the end of the video, labelled when clear of the last mark */
    int end = axis_x + AXIS_W - 1, last = axis_x + column((double)(nmarks - 1) * step, d);
    picture_fill(p, end, axis_y, 1, MARK_H, DIM);
    if (end - last >= label_room(d))
        mark_label(p, end, label_y, d, d);
}

int timeline_write(const AblateOptions *o, Staging *st, VideoResult *v)
{
    int name_w = 0;
    for (size_t k = 0; k < o->nstrategies; k++) {
        int w = picture_text_width(o->strategies[k], NAME_SCALE);
        name_w = w > name_w ? w : name_w;
    }
    if (name_w > MAX_NAME_W)
        name_w = MAX_NAME_W;
    int axis_x = GAP + name_w + 2 * GAP;
    int top = GAP + picture_text_height(2) + 2 * GAP;
    int height = top + (int)o->nstrategies * (ROW_H + ROW_GAP) + MARK_H + 3 + picture_text_height(LABEL_SCALE) + GAP;
    int width = axis_x + AXIS_W + RIGHT;
    Picture pic = {0};
    char *name = NULL, *path = NULL;
    int code = 0;
    if (!(v->duration > 0))
        return 0;
    if (asprintf(&name, "%s-timeline.png", v->key) < 0 || !(path = staging_path(st, name)) ||
        picture_create(&pic, width, height, BACKGROUND) < 0) {
        fprintf(stderr, "vsample: %s: out of memory for a %dx%d timeline\n", v->path, width, height);
        code = EXIT_INTERNAL;
        goto done;
    }
    draw(&pic, o, v, axis_x, name_w, top);
    if ((code = picture_save_staged(o, &pic, path, name, PICTURE_PNG)) != 0)
        goto done;
    v->timeline = name;
    name = NULL;
done:
    picture_free(&pic);
    free(name);
    free(path);
    return code;
}

/* A contact sheet per strategy (DIR/<key>-<slug>-sheet.jpg), drawn by the
 * same code as `vsample preview` from thumbnails decoded once for all the
 * strategies of the video. Every sheet of a video has the same thumbnail size:
 * --thumb, or less when the largest sheet would be over the picture limits. */
#include "ablate.h"
#include "sheet.h"
#include "timefmt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { MIN_THUMB = 16 };

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

static void sheet_header(char *buf, size_t size, const VideoResult *v, const StrategyResult *r)
{
    char duration[32];
    format_time(duration, sizeof(duration), v->duration, v->duration);
    snprintf(buf, size, "%s  %s  %zu frame%s  duration %s", base_name(v->path), r->plan, r->frames,
             r->frames == 1 ? "" : "s", duration);
}

static int fits(const VideoResult *v, const StrategyResult *r, int w, int h)
{
    char header[1400];
    SheetLayout l;
    sheet_header(header, sizeof(header), v, r);
    return sheet_layout(&l, r->frames, 0, w, h, v->duration, header, r->note) == 0;
}

int sheets_thumb_width(const AblateOptions *o, const VideoResult *v, const VsStreamInfo *info)
{
    int best = 0;
    for (size_t k = 0; k < o->nstrategies; k++) {
        const StrategyResult *r = &v->res[k];
        if (r->error || !r->frames || !fits(v, r, MIN_THUMB, sheet_thumb_height(info, MIN_THUMB)))
            continue; /* no sheet for it (sheets_write says why) */
        int w = best ? best : o->thumb;
        while (w > MIN_THUMB && !fits(v, r, w, sheet_thumb_height(info, w)))
            w--;
        best = w;
    }
    return best;
}

static int find_target(const Thumbs *t, double target)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->targets[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->targets[lo] == target ? (int)lo : -1;
}

/* Strategy k's sheet into the staging directory: 0 or an exit code. */
static int write_sheet(const AblateOptions *o, Staging *st, VideoResult *v, size_t k, const Thumbs *t)
{
    StrategyResult *r = &v->res[k];
    char header[1400], *name = NULL, *path = NULL;
    SheetLayout l;
    Picture pic = {0};
    int code = 0;
    sheet_header(header, sizeof(header), v, r);
    if (sheet_layout(&l, r->frames, 0, t->w, t->h, v->duration, header, r->note) < 0) {
        if (asprintf(&r->sheet_note, "%zu frames do not fit one sheet", r->frames) < 0)
            r->sheet_note = NULL;
        return 0;
    }
    if (asprintf(&name, "%s-%s-sheet.jpg", v->key, o->slugs[k]) < 0 || !(path = staging_path(st, name)) ||
        sheet_begin(&pic, &l, header, r->note) < 0) {
        fprintf(stderr, "vsample: %s: out of memory for a %dx%d sheet\n", v->path, l.width, l.height);
        code = EXIT_INTERNAL;
        goto done;
    }
    for (size_t i = 0; i < r->frames; i++) {
        int j = find_target(t, r->targets[i]);
        if (j >= 0)
            sheet_put(&pic, &l, i, t->rgb + (size_t)j * (size_t)t->w * (size_t)t->h * 3, t->pts[j]);
    }
    if ((code = picture_save_staged(o, &pic, path, name, PICTURE_JPEG)) != 0)
        goto done;
    r->sheet = name;
    name = NULL;
done:
    picture_free(&pic);
    free(name);
    free(path);
    return code;
}

int sheets_write(const AblateOptions *o, Staging *st, VideoResult *v, const Thumbs *t)
{
    for (size_t k = 0; k < o->nstrategies; k++) {
        StrategyResult *r = &v->res[k];
        if (r->error)
            continue;
        if (!r->frames || !t->w || !t->rgb) {
            if (!r->frames)
                r->sheet_note = strdup("no frames");
            else if (!t->w && asprintf(&r->sheet_note, "%zu frames do not fit one sheet", r->frames) < 0)
                r->sheet_note = NULL;
            else if (t->w)
                r->sheet_note = strdup("the thumbnails could not be decoded");
            continue;
        }
        int code = write_sheet(o, st, v, k, t);
        if (code)
            return code;
    }
    return 0;
}

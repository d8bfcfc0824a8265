/* Contact sheet layout and drawing, shared by preview and ablate. */
#include "sheet.h"

#include "font.h"
#include "timefmt.h"

#include <math.h>
#include <stdio.h>

int sheet_thumb_height(const VsStreamInfo *in, int w)
{
    double dw = in->display_width, dh = in->display_height;
    if (dw <= 0 || dh <= 0) {
        int turned = in->rotation == 90 || in->rotation == 270;
        dw = turned ? in->coded_height : in->coded_width;
        dh = turned ? in->coded_width : in->coded_height;
    }
    double h = dw > 0 && dh > 0 ? round(w * dh / dw) : w;
    return h < 1 ? 1 : h > 16384 ? 16384 : (int)h;
}

int sheet_layout(SheetLayout *l, size_t n, int columns, int thumb_w, int thumb_h, double span,
                 const char *header, const char *note)
{
    /* the widest label: the last index and a time as long as the duration's */
    char duration[32], widest[64];
    format_time(duration, sizeof(duration), span, span);
    snprintf(widest, sizeof(widest), "#%zu %s", n - 1, duration);
    l->span = span;
    l->thumb_w = thumb_w;
    l->thumb_h = thumb_h;
    l->columns = columns ? columns : (int)ceil(sqrt((double)n));
    if ((size_t)l->columns > n)
        l->columns = (int)n;
    l->rows = (int)((n + (size_t)l->columns - 1) / (size_t)l->columns);
    l->width = SHEET_GAP + l->columns * (l->thumb_w + SHEET_GAP);
    l->label_scale = picture_text_width(widest, 2) <= l->thumb_w ? 2 : 1;
    l->header_scale = picture_text_width(header, 2) <= l->width - 2 * SHEET_GAP ? 2 : 1;
    l->grid_y = SHEET_GAP + picture_text_height(l->header_scale) + SHEET_GAP;
    if (*note)
        l->grid_y += picture_text_height(1) + SHEET_PAD;
    l->cell_h = l->thumb_h + SHEET_PAD + picture_text_height(l->label_scale) + SHEET_GAP;
    l->full_height = l->grid_y + (double)l->rows * l->cell_h;
    l->height = l->full_height > PICTURE_MAX_SIDE ? PICTURE_MAX_SIDE + 1 : (int)l->full_height;
    if (l->width > PICTURE_MAX_SIDE || l->full_height > PICTURE_MAX_SIDE ||
        (double)l->width * l->full_height > SHEET_MAX_PIXELS)
        return -1;
    return 0;
}

/* Draw text at (x, y), cut to the characters that fit in max_width. */
static void text_fit(Picture *p, int x, int y, const char *text, int scale, int max_width, PictureColor c)
{
    char buf[512];
    size_t n = picture_text_fit(text, scale, max_width);
    snprintf(buf, sizeof(buf), "%.*s", (int)(n < sizeof(buf) ? n : sizeof(buf) - 1), text);
    picture_text(p, x, y, buf, scale, c);
}

int sheet_begin(Picture *p, const SheetLayout *l, const char *header, const char *note)
{
    if (picture_create(p, l->width, l->height, SHEET_BACKGROUND) < 0)
        return -1;
    int hs = l->header_scale;
    text_fit(p, SHEET_GAP, SHEET_GAP, header, hs, l->width - 2 * SHEET_GAP, SHEET_TEXT);
    text_fit(p, SHEET_GAP, SHEET_GAP + picture_text_height(hs) + SHEET_PAD, note, 1, l->width - 2 * SHEET_GAP,
             SHEET_DIM);
    return 0;
}

/* The index at the left of the band under the thumbnail and the time at its
 * right; only the time when both do not fit. */
static void draw_label(Picture *p, const SheetLayout *l, int x, int y, size_t index, const char *time)
{
    char idx[32];
    snprintf(idx, sizeof(idx), "#%zu", index);
    int s = l->label_scale, tw = picture_text_width(time, s);
    y += l->thumb_h + SHEET_PAD;
    if (picture_text_width(idx, s) + FONT_ADVANCE * s + tw <= l->thumb_w) {
        picture_text(p, x, y, idx, s, SHEET_DIM);
        picture_text(p, x + l->thumb_w - tw, y, time, s, SHEET_TEXT);
    } else {
        text_fit(p, x, y, time, s, l->thumb_w, SHEET_TEXT);
    }
}

void sheet_put(Picture *p, const SheetLayout *l, size_t index, const uint8_t *rgb, double pts)
{
    int x = SHEET_GAP + (int)(index % (size_t)l->columns) * (l->thumb_w + SHEET_GAP);
    int y = l->grid_y + (int)(index / (size_t)l->columns) * l->cell_h;
    char time[32];
    picture_blit(p, x, y, rgb, l->thumb_w, l->thumb_h, (ptrdiff_t)l->thumb_w * 3);
    format_time(time, sizeof(time), pts, l->span);
    draw_label(p, l, x, y, index, time);
}

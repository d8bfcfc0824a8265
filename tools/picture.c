/* Drawing on the RGB canvas: rectangles, lines, images and bitmap text, all
 * clipped to the canvas. */
#include "picture.h"

#include "font.h"

#include <stdlib.h>
#include <string.h>

int picture_create(Picture *p, int width, int height, PictureColor background)
{
    memset(p, 0, sizeof(*p));
    if (width < 1 || height < 1 || width > PICTURE_MAX_SIDE || height > PICTURE_MAX_SIDE)
        return -1;
    p->rgb = malloc((size_t)width * (size_t)height * 3);
    if (!p->rgb)
        return -1;
    p->width = width;
    p->height = height;
    picture_fill(p, 0, 0, width, height, background);
    return 0;
}

void picture_free(Picture *p)
{
    free(p->rgb);
    memset(p, 0, sizeof(*p));
}

/* Clip [*a, *a + *n) to [0, limit); false when nothing is left. 64-bit sums so
 * that huge sizes from callers cannot overflow. */
static int clip(int *a, int *n, int limit)
{
    int64_t lo = *a, hi = (int64_t)*a + *n;
    if (lo < 0)
        lo = 0;
    if (hi > limit)
        hi = limit;
    if (hi <= lo)
        return 0;
    *a = (int)lo;
    *n = (int)(hi - lo);
    return 1;
}

void picture_fill(Picture *p, int x, int y, int w, int h, PictureColor c)
{
    if (!clip(&x, &w, p->width) || !clip(&y, &h, p->height))
        return;
    uint8_t px[3] = {(uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
    for (int j = 0; j < h; j++) {
        uint8_t *row = p->rgb + ((size_t)(y + j) * (size_t)p->width + (size_t)x) * 3;
        for (int i = 0; i < w; i++)
            memcpy(row + 3 * i, px, 3);
    }
}

void picture_line(Picture *p, int x0, int y0, int x1, int y1, PictureColor c)
{
    /* Bresenham: exact integer steps, so ticks and axes land on whole pixels. */
    int64_t dx = llabs((int64_t)x1 - x0), dy = -llabs((int64_t)y1 - y0);
    int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int64_t err = dx + dy;
    for (;;) {
        picture_fill(p, x0, y0, 1, 1, c);
        if (x0 == x1 && y0 == y1)
            break;
        int64_t e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

void picture_blit(Picture *p, int x, int y, const uint8_t *rgb, int w, int h, ptrdiff_t stride)
{
    int cx = x, cw = w, cy = y, ch = h;
    if (!clip(&cx, &cw, p->width) || !clip(&cy, &ch, p->height))
        return;
    for (int j = 0; j < ch; j++) {
        const uint8_t *src = rgb + (ptrdiff_t)(cy - y + j) * stride + (ptrdiff_t)(cx - x) * 3;
        memcpy(p->rgb + ((size_t)(cy + j) * (size_t)p->width + (size_t)cx) * 3, src, (size_t)cw * 3);
    }
}

/* Text is bytes of UTF-8: each character outside printable ASCII is one '?'
 * (continuation bytes draw nothing), so a file name keeps its length. */
static int is_continuation(unsigned char c)
{
    return c >= 0x80 && c < 0xC0;
}

static size_t char_count(const char *text)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++)
        n += !is_continuation(*s);
    return n;
}

int picture_text(Picture *p, int x, int y, const char *text, int scale, PictureColor c)
{
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if (is_continuation(*s))
            continue;
        const uint8_t *g = font_glyph(*s);
        for (int col = 0; col < FONT_WIDTH; col++)
            for (int row = 0; row < FONT_HEIGHT; row++)
                if (g[col] >> row & 1)
                    picture_fill(p, x + col * scale, y + row * scale, scale, scale, c);
        x += FONT_ADVANCE * scale;
    }
    return x;
}

int picture_text_width(const char *text, int scale)
{
    size_t n = char_count(text);
    /* no trailing space after the last glyph */
    return n ? (int)((n - 1) * FONT_ADVANCE + FONT_WIDTH) * scale : 0;
}

int picture_text_height(int scale)
{
    return FONT_HEIGHT * scale;
}

size_t picture_text_fit(const char *text, int scale, int max_width)
{
    if (max_width < FONT_WIDTH * scale)
        return 0;
    size_t chars = (size_t)((max_width / scale - FONT_WIDTH) / FONT_ADVANCE) + 1, i = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++, i++)
        if (!is_continuation(*s) && chars-- == 0)
            return i;
    return i;
}

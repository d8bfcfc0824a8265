/* An RGB canvas for the pictures the CLI draws (contact sheets, timelines):
 * filled rectangles, lines, RGB images, text in the project's bitmap font, and
 * PNG/JPEG output written atomically. Coordinates are pixels, (0, 0) top left;
 * everything drawn is clipped to the canvas, so callers need not clip.
 * Thread-safety: Unsafe per picture. */
#ifndef VSAMPLE_PICTURE_H
#define VSAMPLE_PICTURE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Picture {
    int width, height;
    uint8_t *rgb; /* height rows of width * 3 bytes, R G B */
} Picture;

/* Colours as 0xRRGGBB. */
typedef uint32_t PictureColor;

enum PictureType { PICTURE_UNKNOWN = -1, PICTURE_PNG = 0, PICTURE_JPEG = 1 };

/* Largest side picture_create accepts (JPEG's limit is 65535). */
#define PICTURE_MAX_SIDE 32768

/* A width x height canvas filled with background: 0, or -1 on bad size or out of memory. */
int picture_create(Picture *p, int width, int height, PictureColor background);
void picture_free(Picture *p);

void picture_fill(Picture *p, int x, int y, int w, int h, PictureColor c);
/* A one pixel line from (x0, y0) to (x1, y1), both ends included. */
void picture_line(Picture *p, int x0, int y0, int x1, int y1, PictureColor c);
/* Copy a w x h RGB image (rows `stride` bytes apart) with its top left at (x, y). */
void picture_blit(Picture *p, int x, int y, const uint8_t *rgb, int w, int h, ptrdiff_t stride);

/* UTF-8 text in the bitmap font (characters outside printable ASCII draw as
 * '?'), each font pixel a scale x scale square; (x, y) is the top left of the
 * first glyph cell. Returns the x just after the text. */
int picture_text(Picture *p, int x, int y, const char *text, int scale, PictureColor c);
int picture_text_width(const char *text, int scale);
int picture_text_height(int scale);
/* How many leading bytes of text (whole characters) fit in max_width pixels at scale. */
size_t picture_text_fit(const char *text, int scale, int max_width);

/* The type a path's extension names (.png, .jpg, .jpeg; any case). */
int picture_type_for_path(const char *path);

/* Write p to path as type: a temporary file in path's directory, renamed into
 * place when complete, removed on any failure; when *cancel (may be NULL) is
 * set before the rename, it is removed too and -EINTR returned. Returns 0 or
 * -errno (-ENOMEM when encoding fails). */
int picture_save(const Picture *p, const char *path, int type, const atomic_int *cancel);

#endif

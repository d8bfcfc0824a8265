/* Contact sheets: a header line (and an optional note line), then thumbnails in
 * a grid, each labelled with its index (left) and the time of the frame shown
 * (right). Drawn by `vsample preview` (one sheet) and `vsample ablate` (one per
 * strategy): the layout lives here so that both draw the same picture. */
#ifndef VSAMPLE_SHEET_H
#define VSAMPLE_SHEET_H

#include "picture.h"
#include "vsample/vsample.h"

#include <stddef.h>

enum {
    SHEET_GAP = 8, /* around thumbnails and the header */
    SHEET_PAD = 4, /* between a thumbnail and its label */
};
/* A sheet this large already takes ~200 MB to draw and as much again to encode. */
#define SHEET_MAX_PIXELS (64.0 * 1024 * 1024)
#define SHEET_BACKGROUND 0x202020
#define SHEET_TEXT 0xF2F2F2
#define SHEET_DIM 0x9A9A9A

typedef struct SheetLayout {
    int columns, rows, thumb_w, thumb_h;
    int label_scale, header_scale;
    int grid_y, cell_h; /* top of the first row; thumbnail + label + gap */
    int width, height;
    double full_height; /* height before clamping, for messages about the limit */
    double span;        /* the video's duration: the form of every time label */
} SheetLayout;

/* Thumbnail height for width w at the display aspect ratio (rotation and
 * sample aspect ratio included), as the reader squashes to it. */
int sheet_thumb_height(const VsStreamInfo *in, int w);

/* Lay out n >= 1 thumbnails of thumb_w x thumb_h, `columns` to a row (0 =
 * about a square grid). 0, or -1 when the sheet would be over PICTURE_MAX_SIDE
 * a side or SHEET_MAX_PIXELS in all (l->width and l->full_height say how big). */
int sheet_layout(SheetLayout *l, size_t n, int columns, int thumb_w, int thumb_h, double span,
                 const char *header, const char *note);

/* The canvas with its header and note drawn: 0, or -1 when out of memory. */
int sheet_begin(Picture *p, const SheetLayout *l, const char *header, const char *note);

/* Thumbnail `index` (thumb_w x thumb_h RGB, rows thumb_w * 3 bytes apart) in
 * its cell, labelled with the index and pts. */
void sheet_put(Picture *p, const SheetLayout *l, size_t index, const uint8_t *rgb, double pts);

#endif

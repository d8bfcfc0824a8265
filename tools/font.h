/* A 5x8 bitmap font for printable ASCII, drawn by the project so that pictures
 * (contact sheets, timelines) need no font files or font library. */
#ifndef VSAMPLE_FONT_H
#define VSAMPLE_FONT_H

#include <stdint.h>

enum {
    FONT_WIDTH = 5,   /* glyph cell, pixels at scale 1 */
    FONT_HEIGHT = 8,  /* 7 rows above the baseline + 1 of descender */
    FONT_ADVANCE = 6, /* one column of space between characters */
    FONT_LINE = 10,   /* baseline to baseline */
};

/* The FONT_WIDTH columns of character c, bit y set where row y (0 = top) is
 * inked. Characters outside printable ASCII get the glyph of '?'. */
const uint8_t *font_glyph(unsigned char c);

#endif

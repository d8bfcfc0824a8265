/* geometry: where a view's resize happens, shared by both backends so that
 * they crop and pad the same pixels. */
#ifndef VSAMPLE_GEOMETRY_H
#define VSAMPLE_GEOMETRY_H

#include "vsample/vsample.h"

typedef struct VsViewGeometry {
    int rin_w, rin_h;   /* resampler input: the picture, or the padded square (PAD) */
    int rout_w, rout_h; /* resampler output, before the crop */
    int win_x, win_y;   /* top-left of the width x height window kept (SHORT_CROP) */
    int pad_x, pad_y;   /* where the picture sits in the padded square (PAD) */
} VsViewGeometry;

/* For a picture in_w x in_h (after rotation). */
void vs_view_geometry(const VsView *v, int in_w, int in_h, VsViewGeometry *g);

#endif

/* geometry: short-crop (Hugging Face CLIP's shortest edge + centre crop,
 * InternVideo2's rounded crop) and pad (Apollo's expand2square). */
#include "geometry.h"

/* Offset of a centred crop of `crop` out of `size`. */
static int crop_offset(int size, int crop, int mode)
{
    int d = size - crop;
    if (mode == VS_CROP_FLOOR || d % 2 == 0)
        return d / 2;
    /* round(d / 2) with d odd is k + 0.5: Python rounds half to even. */
    int k = d / 2;
    return k % 2 == 0 ? k : k + 1;
}

/* Cover W x H keeping the aspect ratio, as Hugging Face CLIP's shortest-edge
 * resize: the int() is taken of a double quotient, like Python's. */
static void cover_size(int src_w, int src_h, int W, int H, int *new_w, int *new_h)
{
    if ((int64_t)src_w * H >= (int64_t)src_h * W) {
        *new_h = H;
        *new_w = (int)((double)((int64_t)H * src_w) / src_h);
        if (*new_w < W)
            *new_w = W;
    } else {
        *new_w = W;
        *new_h = (int)((double)((int64_t)W * src_h) / src_w);
        if (*new_h < H)
            *new_h = H;
    }
}

void vs_view_geometry(const VsView *v, int in_w, int in_h, VsViewGeometry *g)
{
    *g = (VsViewGeometry){in_w, in_h, v->width, v->height, 0, 0, 0, 0};
    if (v->resize == VS_RESIZE_SHORT_CROP) {
        cover_size(in_w, in_h, v->width, v->height, &g->rout_w, &g->rout_h);
        g->win_x = crop_offset(g->rout_w, v->width, v->crop_round);
        g->win_y = crop_offset(g->rout_h, v->height, v->crop_round);
    } else if (v->resize == VS_RESIZE_PAD) {
        int side = in_w > in_h ? in_w : in_h;
        g->rin_w = g->rin_h = side;
        g->pad_x = (side - in_w) / 2;
        g->pad_y = (side - in_h) / 2;
    }
}

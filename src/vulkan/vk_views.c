/* Per-view state of the Vulkan preprocessor: the resampling weights of a
 * geometry (the CPU backend's own fixed-point coefficients) and the
 * normalize tables (the CPU backend's own float expressions). */
#include "vk_state.h"

#include "dtype.h"
#include "geometry.h"
#include "internal.h"
#include "resample.h"

#include <string.h>

/* One axis of the window [x0, x0 + n) into dst: first[n], count[n], then k
 * coefficients per pixel. An axis the CPU skips (same size) becomes the
 * identity, one tap of weight 1, which clip8 returns unchanged. */
static void fill_axis(int32_t *dst, const VsResampleAxis *ax, int need, int x0, int n, int k)
{
    for (int i = 0; i < n; i++) {
        int o = x0 + i;
        int32_t *coef = dst + 2 * n + (size_t)i * (size_t)k;
        if (!need) {
            dst[i] = o;
            dst[n + i] = 1;
            coef[0] = 1 << VS_RESAMPLE_PRECISION_BITS;
            continue;
        }
        dst[i] = ax->first[o];
        dst[n + i] = ax->count[o];
        memcpy(coef, &ax->coeffs[(size_t)o * (size_t)ax->ksize], (size_t)k * sizeof(*coef));
    }
}

/* The same geometry as preprocess_cpu.c's setup_view(). */
int vs_vk_view_geometry(VsVkPreprocessor *p, VkViewState *vs, int pic_w, int pic_h)
{
    const VsView *v = &vs->view;
    VsVkPush *pc = &vs->push;
    VsResampler rs;
    VsViewGeometry g;
    int ret;
    vs_view_geometry(v, pic_w, pic_h, &g);
    pc->pad_x = g.pad_x;
    pc->pad_y = g.pad_y;
    if ((ret = vs_resampler_init(&rs, g.rin_w, g.rin_h, g.rout_w, g.rout_h, v->filter)) < 0)
        return ret;
    int W = v->width, H = v->height;
    pc->hk = rs.need_h ? rs.h.ksize : 1;
    pc->vk = rs.need_v ? rs.v.ksize : 1;
    pc->h_off = 0;
    pc->v_off = 2 * W + W * pc->hk;
    size_t nints = (size_t)pc->v_off + 2 * (size_t)H + (size_t)H * (size_t)pc->vk;
    if ((ret = vs_vk_buffer_reserve(&p->ctx, &vs->weights, nints * 4, 0, "filter weights")) < 0)
        goto done;
    ret = 0; /* a new buffer: configure() rewrites every set anyway */
    int32_t *wt = vs->weights.map;
    fill_axis(wt + pc->h_off, &rs.h, rs.need_h, g.win_x, W, pc->hk);
    fill_axis(wt + pc->v_off, &rs.v, rs.need_v, g.win_y, H, pc->vk);
    /* Input rows the window reads: first[] and first[] + count[] never decrease. */
    int32_t *vfirst = wt + pc->v_off, *vcount = vfirst + H;
    pc->row0 = vfirst[0];
    pc->nrows = vfirst[H - 1] + vcount[H - 1] - pc->row0;
    pc->rin_w = g.rin_w;
    pc->rin_h = g.rin_h;
    pc->pic_w = pic_w;
    pc->pic_h = pic_h;
    vs->pic_w = pic_w;
    vs->pic_h = pic_h;
done:
    vs_resampler_free(&rs);
    return ret;
}

/* ------------------------------------------------------------ normalize */

/* (v * rescale - mean) / std per channel and value, in float32 with one
 * rounding per operation and the CPU's own f16 / bf16 rounding: the same
 * expressions as preprocess_cpu.c's build_tables(), hence the same bits. */
static void fill_table(const VsView *v, uint32_t *tab)
{
    for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 256; i++) {
            float x = (float)i * v->rescale;
            x = x - v->mean[c];
            x = x / v->std[c];
            uint32_t bits;
            if (v->dtype == VS_DTYPE_F32)
                memcpy(&bits, &x, 4);
            else if (v->dtype == VS_DTYPE_BF16)
                bits = vs_f32_to_bf16(x);
            else
                bits = vs_f32_to_f16(x);
            tab[c * 256 + i] = bits;
        }
    }
}

int vs_vk_views_init(VsVkPreprocessor *p, const VsView *views)
{
    int ret;
    VkDeviceSize align = p->ctx.props.limits.minStorageBufferOffsetAlignment;
    if (align < 4)
        align = 4;
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        const VsView *view = &views[v];
        vs->view = *view;
        size_t bytes = vs_view_frame_bytes(view);
        vs->out_bytes = vs_vk_align_up(bytes, 4);
        vs->out_stride = vs_vk_align_up(vs->out_bytes, align);
        if ((ret = vs_vk_check_range(&p->ctx, vs->out_bytes, "one output tensor")) < 0 ||
            (ret = vs_vk_buffer_create(&p->ctx, &vs->table, 3 * 256 * 4, 0,
                                       "normalize table")) < 0)
            return ret;
        fill_table(view, vs->table.map);
        VsVkPush *pc = &vs->push;
        pc->out_w = view->width;
        pc->out_h = view->height;
        pc->npix = view->width * view->height;
        pc->nwords = (int32_t)((bytes + 3) / 4);
        pc->dtype = view->dtype;
        pc->layout = view->layout;
        pc->pad_fill = view->pad_fill[0] | (uint32_t)view->pad_fill[1] << 8 |
                       (uint32_t)view->pad_fill[2] << 16;
    }
    return 0;
}

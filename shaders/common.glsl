/* Bindings and push constants shared by the three passes of the Vulkan
 * preprocess backend (src/vulkan/vk_preprocess.c fills them; keep the push
 * constant block in the same order as VsVkPush there). */
layout(std430, set = 0, binding = 0) readonly buffer Src { uint src[]; };   /* RGB24 bytes */
layout(std430, set = 0, binding = 1) readonly buffer Wt { int wt[]; };     /* weights */
layout(std430, set = 0, binding = 2) buffer Tmp { uint tmp[]; };           /* packed RGB */
layout(std430, set = 0, binding = 3) readonly buffer Tab { uint tab[]; };  /* 3 x 256 */
layout(std430, set = 0, binding = 4) writeonly buffer Dst { uint dst[]; }; /* tensor */
layout(std430, set = 0, binding = 5) buffer Rgb { uint rgb[]; };           /* resized, packed */

layout(push_constant) uniform Push {
    int src_w, src_h, src_stride, turn; /* RGB24 picture as decoded, quarter turns */
    int pic_w, pic_h;                   /* after the turn */
    int pad_x, pad_y;                   /* where the picture sits in the resampler input */
    int rin_w, rin_h;                   /* resampler input (the padded square for PAD) */
    uint pad_fill;                      /* R | G << 8 | B << 16 */
    int out_w, out_h;                   /* the kept window = the view size */
    int row0, nrows;                    /* resampler input rows the window reads */
    int hk, vk;                         /* coefficients per output pixel */
    int h_off, v_off;                   /* axis tables in wt[]: first[], count[], coef[] */
    int dtype, layout_, nwords, npix;
} pc;

/* PIL's 8-bit fixed point: 22 fraction bits, a bias of one half, clip. */
const int PRECISION_BITS = 22;
const int BIAS = 1 << (PRECISION_BITS - 1);

uint clip8(int v)
{
    if (v < 0)
        return 0u;
    return uint(min(v >> PRECISION_BITS, 255));
}

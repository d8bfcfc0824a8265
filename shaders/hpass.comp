#version 450
/* Horizontal pass: resampler input rows [row0, row0 + nrows), window columns
 * only, with the CPU's integer weights; rotation and the PAD square are index
 * mappings, so the turned or padded picture is never stored. */
#extension GL_GOOGLE_include_directive : require
/* 64 x 1: lanes run along a row, which suits software devices' SIMD. */
layout(local_size_x = 64, local_size_y = 1) in;
#include "common.glsl"

uint src_byte(int off)
{
    return (src[off >> 2] >> (uint(off & 3) * 8u)) & 0xffu;
}

/* Pixel (x, y) of the resampler input as R | G << 8 | B << 16. */
uint fetch(int x, int y)
{
    int px = x - pc.pad_x, py = y - pc.pad_y;
    if (px < 0 || py < 0 || px >= pc.pic_w || py >= pc.pic_h)
        return pc.pad_fill;
    /* numpy rot90(img, k): as turned_pixel() in preprocess_cpu.c. */
    int sx = px, sy = py;
    if (pc.turn == 1) {
        sx = pc.src_w - 1 - py;
        sy = px;
    } else if (pc.turn == 2) {
        sx = pc.src_w - 1 - px;
        sy = pc.src_h - 1 - py;
    } else if (pc.turn == 3) {
        sx = py;
        sy = pc.src_h - 1 - px;
    }
    int off = sy * pc.src_stride + sx * 3;
    return src_byte(off) | (src_byte(off + 1) << 8) | (src_byte(off + 2) << 16);
}

void main()
{
    int gx = int(gl_GlobalInvocationID.x), gy = int(gl_GlobalInvocationID.y);
    if (gx >= pc.out_w || gy >= pc.nrows)
        return;
    int y = pc.row0 + gy;
    int first = wt[pc.h_off + gx];
    int count = wt[pc.h_off + pc.out_w + gx];
    int kbase = pc.h_off + 2 * pc.out_w + gx * pc.hk;
    int s0 = BIAS, s1 = BIAS, s2 = BIAS;
    for (int j = 0; j < count; j++) {
        uint p = fetch(first + j, y);
        int k = wt[kbase + j];
        s0 += int(p & 0xffu) * k;
        s1 += int((p >> 8) & 0xffu) * k;
        s2 += int((p >> 16) & 0xffu) * k;
    }
    tmp[gy * pc.out_w + gx] = clip8(s0) | (clip8(s1) << 8) | (clip8(s2) << 16);
}

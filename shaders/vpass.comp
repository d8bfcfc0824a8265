#version 450
/* Vertical pass: PIL's integer pass over the horizontal pass's rows, all
 * three channels of one output pixel per invocation, into rgb[] as
 * R | G << 8 | B << 16 (the view's u8 picture). */
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 64, local_size_y = 1) in;
#include "common.glsl"

void main()
{
    int x = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
    if (x >= pc.out_w || y >= pc.out_h)
        return;
    int first = wt[pc.v_off + y];
    int count = wt[pc.v_off + pc.out_h + y];
    int kbase = pc.v_off + 2 * pc.out_h + y * pc.vk;
    int s0 = BIAS, s1 = BIAS, s2 = BIAS;
    for (int j = 0; j < count; j++) {
        uint p = tmp[(first + j - pc.row0) * pc.out_w + x];
        int k = wt[kbase + j];
        s0 += int(p & 0xffu) * k;
        s1 += int((p >> 8) & 0xffu) * k;
        s2 += int((p >> 16) & 0xffu) * k;
    }
    rgb[y * pc.out_w + x] = clip8(s0) | (clip8(s1) << 8) | (clip8(s2) << 16);
}

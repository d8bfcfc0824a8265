#version 450
/* Normalize, dtype and layout: each invocation writes whole 32-bit words of
 * the tensor (1, 2 or 4 elements), so no 8- or 16-bit storage is needed and
 * no two invocations share a word. Float values come from the CPU backend's
 * own per-channel tables (tab[]), so they are the same bits. */
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 64) in;
#include "common.glsl"

void main()
{
    int es = pc.dtype == 0 ? 1 : (pc.dtype == 3 ? 4 : 2);
    int per = 4 / es;
    int total = 3 * pc.npix;
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint k = gl_GlobalInvocationID.x; k < uint(pc.nwords); k += stride) {
        uint word = 0u;
        for (int i = 0; i < per; i++) {
            int e = int(k) * per + i;
            if (e >= total)
                break;
            int p, c;
            if (pc.layout_ == 0) {
                c = e / pc.npix;
                p = e - c * pc.npix;
            } else {
                p = e / 3;
                c = e - p * 3;
            }
            uint v = (rgb[p] >> uint(c * 8)) & 0xffu;
            uint bits = pc.dtype == 0 ? v : tab[c * 256 + int(v)];
            if (es == 2)
                bits &= 0xffffu;
            word |= es == 4 ? bits : bits << uint(i * es * 8);
        }
        dst[k] = word;
    }
}

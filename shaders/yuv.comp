#version 450
/* YUV (or packed RGB) planes as decoded -> the RGB24 picture the other passes
 * read, with libswscale's own arithmetic for the code path the CPU backend's
 * sws_scale() call takes (src/vulkan/vk_yuv.h names the modes; vk_yuv.c
 * computes filters, tables and coefficients). Every step below is an integer
 * step of libswscale 6.7, so the bytes are the same as on the CPU.
 *
 * One invocation makes 4 pixels of a row (12 bytes, 3 whole words), as
 * vectors of 4; the mode and the identity filters are specialization
 * constants, so each pipeline holds only its own path (on a software device
 * one shader for all paths ran 60 times slower). */
layout(local_size_x = 64, local_size_y = 1) in;
layout(constant_id = 0) const int MODE = 1;
/* The horizontal / vertical chroma filter is the identity (one tap of
 * weight one at the same position): 4:4:4 across, 4:2:2 and 4:4:4 down. */
layout(constant_id = 1) const bool HIDENT = false;
layout(constant_id = 2) const bool VIDENT = false;

layout(std430, set = 0, binding = 0) readonly buffer Planes { uint planes[]; };
layout(std430, set = 0, binding = 1) readonly buffer Tab { int tab[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Pic { uint pic[]; };

/* Keep in the order of VsVkYuvPush in src/vulkan/vk_preprocess.c. */
layout(push_constant) uniform Push {
    int w, h, mode, bytes;   /* picture size, enum VsVkYuvMode, bytes per sample */
    int shift, log2_ch, nv12; /* hscale shift, chroma rows subsampling, UV interleaved */
    int off0, off1, off2;    /* plane byte offsets in planes[] (multiples of 4) */
    int ls0, ls1, ls2;       /* plane row strides in bytes (multiples of 4) */
    int hsize, vsize;        /* chroma filter taps */
    int dst_stride;          /* picture row stride in bytes (a multiple of 12) */
    int hpos, hcoef, vpos, vcoef, ytab, rv, gu, gv, bu; /* word offsets in tab[] */
} pc;

const int MODE_UNSCALED = 1, MODE_HALF = 2, MODE_FULL = 3, MODE_PACKED = 4;

int byte_at(int off)
{
    return int((planes[off >> 2] >> (uint(off & 3) * 8u)) & 0xffu);
}

int sample_at(int off)
{
    if (pc.bytes == 1)
        return byte_at(off);
    return int((planes[off >> 2] >> (uint(off & 2) * 8u)) & 0xffffu);
}

/* Luma of pixels x0 .. x0 + 3 (x0 a multiple of 4, rows padded to 16
 * bytes); columns past the width read padding, their pixels are not kept. */
ivec4 luma4(int x0, int y)
{
    int off = pc.off0 + y * pc.ls0 + x0 * pc.bytes;
    ivec4 v;
    if (pc.bytes == 1) {
        uint a = planes[off >> 2];
        v = ivec4(a & 0xffu, (a >> 8) & 0xffu, (a >> 16) & 0xffu, a >> 24);
    } else {
        uint a = planes[off >> 2], b = planes[(off >> 2) + 1];
        v = ivec4(a & 0xffffu, a >> 16, b & 0xffffu, b >> 16);
    }
    /* Row padding is not a sample: 0 keeps table indices in range. */
    return mix(v, ivec4(0), greaterThanEqual(ivec4(x0) + ivec4(0, 1, 2, 3), ivec4(pc.w)));
}

/* U and V of chroma column x in chroma row `row`. */
ivec2 chroma2(int row, int x)
{
    if (pc.nv12 != 0) {
        int off = pc.off1 + row * pc.ls1 + 2 * x * pc.bytes;
        if (pc.bytes == 1) {
            uint v = planes[off >> 2] >> (uint(off & 2) * 8u);
            return ivec2(v & 0xffu, (v >> 8) & 0xffu);
        }
        return ivec2(sample_at(off), sample_at(off + 2));
    }
    return ivec2(sample_at(pc.off1 + row * pc.ls1 + x * pc.bytes),
                 sample_at(pc.off2 + row * pc.ls2 + x * pc.bytes));
}

/* hScale8To15 / hScale16To15: the horizontal chroma filter into 15 bits,
 * U and V of output column xc of chroma row `row`. */
ivec2 hchroma(int row, int xc)
{
    if (HIDENT)
        return min((chroma2(row, xc) << 14) >> pc.shift, ivec2(32767));
    int first = tab[pc.hpos + xc], k = pc.hcoef + xc * pc.hsize;
    ivec2 v = ivec2(0);
    for (int j = 0; j < pc.hsize; j++)
        v += chroma2(row, first + j) * tab[k + j];
    return min(v >> pc.shift, ivec2(32767));
}

/* The vertical chroma step of the scaler for output row y, U and V of
 * chroma columns xc.xy in .xy and .zw: yuv2packed1 (the nearest line when
 * the second weight is under one half, else the mean of two lines) when the
 * filter is two taps summing to 4096 (or one tap), else the whole filter
 * (yuv2packedX). In the units of the half (`full` false) or the full
 * chroma writer. */
ivec4 vchroma(ivec2 xc, int y, bool full)
{
    if (VIDENT) {
        ivec4 c = ivec4(hchroma(y, xc.x), hchroma(y, xc.y));
        return full ? (c - (128 << 7)) * 4 : (c + 64) >> 7;
    }
    int first = tab[pc.vpos + y], k = pc.vcoef + y * pc.vsize;
    int c0 = tab[k], c1 = pc.vsize > 1 ? tab[k + 1] : 0;
    bool one = pc.vsize == 1 || (pc.vsize == 2 && c0 + c1 == 4096 && uint(c1) <= 4096u);
    if (one && c1 < 2048) {
        ivec4 c = ivec4(hchroma(first, xc.x), hchroma(first, xc.y));
        return full ? (c - (128 << 7)) * 4 : (c + 64) >> 7;
    }
    if (one) {
        ivec4 c = ivec4(hchroma(first, xc.x) + hchroma(first + 1, xc.x),
                        hchroma(first, xc.y) + hchroma(first + 1, xc.y));
        return full ? (c - (128 << 8)) * 2 : (c + 128) >> 8;
    }
    ivec4 s = full ? ivec4((1 << 9) - (128 << 19)) : ivec4(1 << 18);
    for (int j = 0; j < pc.vsize; j++)
        s += ivec4(hchroma(first + j, xc.x), hchroma(first + j, xc.y)) * tab[k + j];
    return full ? s >> 10 : s >> 19;
}

/* pmulhw: the high half of a signed 16 x 16-bit product. */
ivec4 mulhi(ivec4 a, int b)
{
    return (a * b) >> 16;
}

ivec4 sat16(ivec4 v)
{
    return clamp(v, -32768, 32767);
}

/* x86 yuv_2_rgb.asm: values scaled by 8, pmulhw, saturating adds, packuswb.
 * Nearest chroma: pixels 2i and 2i + 1 share chroma column i. */
void unscaled(int g, int y, out ivec4 r, out ivec4 gr, out ivec4 b)
{
    int crow = y >> pc.log2_ch;
    ivec2 c0 = chroma2(crow, 2 * g), c1 = chroma2(crow, min(2 * g + 1, ((pc.w + 1) >> 1) - 1));
    ivec4 U = sat16(ivec4(c0.x, c0.x, c1.x, c1.x) * 8 - 1024);
    ivec4 V = sat16(ivec4(c0.y, c0.y, c1.y, c1.y) * 8 - 1024);
    ivec4 Y = mulhi(luma4(4 * g, y) * 8 - tab[0], tab[1]);
    r = clamp(sat16(Y + mulhi(V, tab[2])), 0, 255);
    b = clamp(sat16(Y + mulhi(U, tab[3])), 0, 255);
    gr = clamp(sat16(Y + sat16(mulhi(U, tab[4]) + mulhi(V, tab[5]))), 0, 255);
}

/* yuv2rgb_1 / _X for 24-bit RGB: chroma at half the width (shared by a
 * pixel pair), RGB from swscale's lookup tables. */
void half_chroma(int g, int y, out ivec4 r, out ivec4 gr, out ivec4 b)
{
    ivec4 Y = (((luma4(4 * g, y) << 14) >> pc.shift) + 64) >> 7;
    ivec2 xc = min(ivec2(2 * g, 2 * g + 1), ivec2(pc.w / 2 - 1));
    ivec4 c = clamp(vchroma(xc, y, false), 0, 255);
    ivec4 U = c.xxzz, V = c.yyww;
    /* Valid samples stay inside the 2048-entry table; the clamp only keeps
     * corrupt 10-bit samples (over 1023) from reading past it. */
    for (int i = 0; i < 4; i++) {
        r[i] = tab[pc.ytab + clamp(Y[i] + tab[pc.rv + V[i]], 0, 2047)];
        gr[i] = tab[pc.ytab + clamp(Y[i] + tab[pc.gu + U[i]] + tab[pc.gv + V[i]], 0, 2047)];
        b[i] = tab[pc.ytab + clamp(Y[i] + tab[pc.bu + U[i]], 0, 2047)];
    }
}

/* yuv2rgb_full_1 / _X and yuv2rgb_write_full: 30-bit fixed point. */
void full_chroma(int g, int y, out ivec4 r, out ivec4 gr, out ivec4 b)
{
    ivec4 Y = ((luma4(4 * g, y) << 14) >> pc.shift) * 4;
    ivec4 x = min(ivec4(0, 1, 2, 3) + 4 * g, ivec4(pc.w - 1));
    ivec4 c01 = vchroma(x.xy, y, true), c23 = vchroma(x.zw, y, true);
    uvec4 U = uvec4(c01.x, c01.z, c23.x, c23.z), V = uvec4(c01.y, c01.w, c23.y, c23.w);
    uvec4 Yv = uvec4((Y - tab[0]) * tab[1] + (1 << 21));
    uvec4 R = Yv + V * uint(tab[2]);
    uvec4 G = Yv + V * uint(tab[3]) + U * uint(tab[4]);
    uvec4 B = Yv + U * uint(tab[5]);
    /* Out of 30 bits in any channel: swscale clips all three. */
    bvec4 over = notEqual((R | G | B) & 0xC0000000u, uvec4(0u));
    ivec4 ri = ivec4(R), gi = ivec4(G), bi = ivec4(B);
    const int top = (1 << 30) - 1;
    r = mix(ri, clamp(ri, 0, top), over) >> 22;
    gr = mix(gi, clamp(gi, 0, top), over) >> 22;
    b = mix(bi, clamp(bi, 0, top), over) >> 22;
}

/* Packed RGB: a byte shuffle (tab[0..2]: R, G, B byte offsets, tab[3]: bytes
 * per pixel). */
void packed_rgb(int g, int y, out ivec4 r, out ivec4 gr, out ivec4 b)
{
    for (int i = 0; i < 4; i++) {
        int p = pc.off0 + y * pc.ls0 + min(4 * g + i, pc.w - 1) * tab[3];
        r[i] = byte_at(p + tab[0]);
        gr[i] = byte_at(p + tab[1]);
        b[i] = byte_at(p + tab[2]);
    }
}

void main()
{
    int g = int(gl_GlobalInvocationID.x), y = int(gl_GlobalInvocationID.y);
    if (4 * g >= pc.w || y >= pc.h)
        return;
    ivec4 r, gr, b;
    if (MODE == MODE_UNSCALED)
        unscaled(g, y, r, gr, b);
    else if (MODE == MODE_HALF)
        half_chroma(g, y, r, gr, b);
    else if (MODE == MODE_FULL)
        full_chroma(g, y, r, gr, b);
    else
        packed_rgb(g, y, r, gr, b);
    uvec4 R = uvec4(r), G = uvec4(gr), B = uvec4(b);
    int word = y * (pc.dst_stride >> 2) + g * 3;
    pic[word] = R.x | (G.x << 8) | (B.x << 16) | (R.y << 24);
    pic[word + 1] = G.y | (B.y << 8) | (R.z << 16) | (G.z << 24);
    pic[word + 2] = B.z | (R.w << 8) | (G.w << 16) | (B.w << 24);
}

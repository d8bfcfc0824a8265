/* float32 -> float16 / bfloat16 conversions on the bit patterns. */
#include "dtype.h"

#include <string.h>

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

/* Shift right by n (1..31) rounding to nearest, ties to even. */
static uint32_t shift_round_even(uint32_t v, unsigned n)
{
    uint32_t half = 1u << (n - 1);
    uint32_t rest = v & ((1u << n) - 1);
    uint32_t q = v >> n;
    if (rest > half || (rest == half && (q & 1)))
        q++;
    return q;
}

uint16_t vs_f32_to_f16(float f)
{
    uint32_t u = f32_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t exp = (u >> 23) & 0xffu;
    uint32_t man = u & 0x7fffffu;

    if (exp == 0xff) /* Inf, or NaN kept quiet with its top payload bits */
        return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0));
    /* Unbiased exponent e = exp - 127; binary16 normals have e in -14..15. */
    int e = (int)exp - 127;
    if (e > 15)
        return (uint16_t)(sign | 0x7c00u);
    if (e >= -14) {
        /* Normal: keep 10 mantissa bits; a carry out of the mantissa bumps
         * the exponent, and past e = 15 it becomes Inf (0x7c00), as wanted. */
        uint32_t bits = ((uint32_t)(e + 15) << 10) + shift_round_even(man, 13);
        return (uint16_t)(sign | bits);
    }
    if (e < -25) /* below half the smallest subnormal (2^-25): zero */
        return sign;
    /* Subnormal: value = (0x800000 | man) * 2^(e-23), in units of 2^-24
     * that is (0x800000 | man) >> (-e - 1); a carry into 0x400 gives the
     * smallest normal, which is the right encoding. exp == 0 (f32
     * subnormals) has e = -127 and was handled above. */
    return (uint16_t)(sign | shift_round_even(0x800000u | man, (unsigned)(-e - 1)));
}

uint16_t vs_f32_to_bf16(float f)
{
    uint32_t u = f32_bits(f);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu))
        return (uint16_t)((u >> 16) | 0x40u);
    /* Rounding can carry into the exponent; the largest finite floats round
     * to Inf, which is the correctly rounded result. */
    return (uint16_t)(shift_round_even(u, 16));
}

float vs_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    uint32_t u;
    if (exp == 0x1f) {
        u = sign | 0x7f800000u | (man << 13);
    } else if (exp != 0) {
        u = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man == 0) {
        u = sign;
    } else {
        /* Subnormal: normalise the mantissa. */
        int e = -1;
        do {
            man <<= 1;
            e++;
        } while (!(man & 0x400u));
        u = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3ffu) << 13);
    }
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

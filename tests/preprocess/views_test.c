/* Unit tests of views (defaults, presets, validation), the dtype converters
 * on hand-computed values, and the resampler weights' invariants. */
#include "dtype.h"
#include "resample.h"
#include "vsample/vsample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define REQUIRE(cond)                                                         \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed\n", __FILE__, __LINE__, #cond); \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static void test_default(void)
{
    VsView v;
    vs_view_default(&v);
    REQUIRE(!strcmp(v.name, "custom"));
    REQUIRE(v.width == 384 && v.height == 384);
    REQUIRE(v.resize == VS_RESIZE_SQUASH && v.filter == VS_FILTER_BICUBIC);
    REQUIRE(v.crop_round == VS_CROP_FLOOR);
    REQUIRE(v.rescale == 1.0f / 255.0f);
    REQUIRE(v.mean[0] == 0.5f && v.std[2] == 0.5f);
    REQUIRE(v.pad_fill[0] == 127 && v.pad_fill[1] == 127 && v.pad_fill[2] == 127);
    REQUIRE(v.dtype == VS_DTYPE_F16 && v.layout == VS_LAYOUT_TCHW);
    REQUIRE(vs_view_validate(&v) == 0);
    REQUIRE(vs_view_frame_bytes(&v) == 3u * 384 * 384 * 2);
    vs_view_default(NULL); /* must not crash */
}

static void test_presets(void)
{
    const char *const *names = vs_view_preset_names();
    int n = 0;
    for (; names[n]; n++) {
        VsView v;
        REQUIRE(vs_view_preset(&v, names[n]) == 0);
        REQUIRE(!strcmp(v.name, names[n]));
        REQUIRE(vs_view_validate(&v) == 0);
    }
    REQUIRE(n == 9);

    VsView v;
    REQUIRE(vs_view_preset(&v, "clip-336") == 0);
    REQUIRE(v.width == 336 && v.height == 336 && v.resize == VS_RESIZE_SHORT_CROP);
    REQUIRE(v.filter == VS_FILTER_BICUBIC && v.crop_round == VS_CROP_FLOOR);
    REQUIRE(v.mean[0] == 0.48145466f && v.std[2] == 0.27577711f);
    /* int(mean * 255) of CLIP's mean */
    REQUIRE(v.pad_fill[0] == 122 && v.pad_fill[1] == 116 && v.pad_fill[2] == 104);

    REQUIRE(vs_view_preset(&v, "internvideo2-224") == 0);
    REQUIRE(v.width == 224 && v.resize == VS_RESIZE_SHORT_CROP);
    REQUIRE(v.filter == VS_FILTER_BILINEAR && v.crop_round == VS_CROP_ROUND);
    REQUIRE(v.mean[1] == 0.456f && v.std[0] == 0.229f);
    REQUIRE(v.pad_fill[0] == 123 && v.pad_fill[1] == 116 && v.pad_fill[2] == 103);

    REQUIRE(vs_view_preset(&v, "siglip-384") == 0);
    REQUIRE(v.width == 384 && v.resize == VS_RESIZE_SQUASH && v.filter == VS_FILTER_BICUBIC);
    REQUIRE(v.dtype == VS_DTYPE_F16);

    /* qwen2vl: sized per video by vs_view_resolve; sizes from qwen-vl-utils'
     * smart_resize by hand: 640x360 -> round to 28s = 644x364; 1920x1080 with
     * 100 frames: budget 24576*784/100*2 = 385351.68 < 768*784, so
     * beta = sqrt(2073600 / 385351.68) and floor -> 812x448. */
    REQUIRE(vs_view_preset(&v, "qwen2vl") == 0);
    REQUIRE(v.resize == VS_RESIZE_SMART && v.t_multiple == 2 && v.width == 0);
    REQUIRE(v.mean[0] == 0.48145466f && v.filter == VS_FILTER_BICUBIC);
    REQUIRE(vs_view_resolve(&v, 640, 360, 5) == 0 && v.width == 644 && v.height == 364);
    REQUIRE(vs_view_resolve(&v, 1920, 1080, 100) == 0 && v.width == 812 && v.height == 448);
    REQUIRE(vs_view_resolve(&v, 808, 4, 4) == VS_ERR_INVALID_ARG);
    REQUIRE(strstr(vs_last_error(), "200") != NULL);
    /* qwen-vl-utils 0.0.14. qwen2.5vl: factor 28, total 128000*28*28*0.9 = 90316800; 400
     * frames: budget 451584 < 768*784, beta = sqrt(2073600 / 451584) = 15/7 -> 896x504.
     * qwen3vl: factor 32, total 117964800, budget 589824, beta 1.875 -> 1024x576; 640x360
     * rounds to 640x352. */
    REQUIRE(vs_view_preset(&v, "qwen2.5vl") == 0);
    REQUIRE(v.resize == VS_RESIZE_SMART && v.t_multiple == 2 && v.smart_factor == 28);
    REQUIRE(v.smart_total_pixels == 90316800 && v.mean[0] == 0.48145466f);
    REQUIRE(vs_view_resolve(&v, 1920, 1080, 400) == 0 && v.width == 896 && v.height == 504);
    REQUIRE(vs_view_resolve(&v, 640, 360, 5) == 0 && v.width == 644 && v.height == 364);
    REQUIRE(vs_view_preset(&v, "qwen3vl") == 0);
    REQUIRE(v.smart_factor == 32 && v.smart_min_pixels == 128 * 1024 && v.smart_max_pixels == 768 * 1024);
    REQUIRE(v.smart_total_pixels == 117964800 && v.mean[0] == 0.5f && v.std[2] == 0.5f);
    REQUIRE(vs_view_resolve(&v, 1920, 1080, 400) == 0 && v.width == 1024 && v.height == 576);
    REQUIRE(vs_view_resolve(&v, 640, 360, 5) == 0 && v.width == 640 && v.height == 352);
    /* MODEL_SEQ_LEN 64000 through the field: budget 58982400 / 400 * 2 = 294912, beta 2.652
     * -> floor(1080 / 2.652 / 32) = 12, floor(1920 / 2.652 / 32) = 22 */
    v.smart_total_pixels = 64000 * 32 * 32 * 9 / 10;
    REQUIRE(vs_view_resolve(&v, 1920, 1080, 400) == 0 && v.width == 704 && v.height == 384);
    REQUIRE(vs_view_resolve(&v, 808, 4, 4) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_view_preset(&v, "internvl-448") == 0);
    REQUIRE(v.width == 448 && v.height == 448 && v.resize == VS_RESIZE_SQUASH);
    REQUIRE(v.filter == VS_FILTER_BICUBIC && v.mean[0] == 0.485f && v.std[2] == 0.225f && v.t_multiple == 0);
    REQUIRE(vs_view_preset(&v, "apollo-internvideo2") == 0);
    REQUIRE(v.width == 224 && v.resize == VS_RESIZE_PAD && v.filter == VS_FILTER_BILINEAR);
    REQUIRE(v.pad_fill[0] == 123 && v.pad_fill[1] == 116 && v.pad_fill[2] == 103);
    REQUIRE(vs_view_resolve(&v, 640, 360, 5) == 0 && v.width == 224); /* not smart: unchanged */

    REQUIRE(vs_view_preset(&v, "siglip") == VS_ERR_INVALID_ARG);
    REQUIRE(strstr(vs_last_error(), "siglip") != NULL);
    REQUIRE(vs_view_preset(&v, NULL) == VS_ERR_INVALID_ARG);
}

/* A view with one field broken must fail, naming that field. */
static void expect_invalid(const VsView *v, const char *needle)
{
    REQUIRE(vs_view_validate(v) == VS_ERR_INVALID_ARG);
    if (!strstr(vs_last_error(), needle)) {
        fprintf(stderr, "message '%s' does not name '%s'\n", vs_last_error(), needle);
        failures++;
    }
}

static void test_validate(void)
{
    VsView v, b;
    vs_view_preset(&v, "siglip-384");
    b = v, b.width = 0, expect_invalid(&b, "width");
    b = v, b.height = 16385, expect_invalid(&b, "height");
    b = v, b.resize = 4, expect_invalid(&b, "resize");
    b = v, b.t_multiple = -1, expect_invalid(&b, "t_multiple");
    b = v, b.filter = -1, expect_invalid(&b, "filter");
    b = v, b.crop_round = 2, expect_invalid(&b, "crop_round");
    b = v, b.dtype = 4, expect_invalid(&b, "dtype");
    b = v, b.layout = 2, expect_invalid(&b, "layout");
    b = v, b.std[1] = 0.0f, expect_invalid(&b, "std[1] must be non-zero");
    b = v, b.mean[2] = NAN, expect_invalid(&b, "mean[2]");
    b = v, b.std[0] = INFINITY, expect_invalid(&b, "std[0]");
    b = v, b.rescale = NAN, expect_invalid(&b, "rescale");
    b = v, b.name[0] = '\0', expect_invalid(&b, "name");
    b = v, memset(b.name, 'a', sizeof(b.name)), expect_invalid(&b, "name");
    REQUIRE(strstr(vs_last_error(), "NUL") != NULL);
    b = v, strcpy(b.name, "a/b"), expect_invalid(&b, "name");
    b = v, b.width = 16384, b.height = 1;
    REQUIRE(vs_view_validate(&b) == 0);
    REQUIRE(vs_view_validate(NULL) == VS_ERR_INVALID_ARG);
    /* message names the view */
    b = v, b.std[1] = 0.0f;
    vs_view_validate(&b);
    REQUIRE(!strcmp(vs_last_error(), "view siglip-384: std[1] must be non-zero"));
}

static void test_dtype_names(void)
{
    const char *names[] = {"u8", "f16", "bf16", "f32"};
    for (int i = 0; i < 4; i++) {
        REQUIRE(!strcmp(vs_dtype_name(i), names[i]));
        REQUIRE(vs_dtype_from_name(names[i]) == i);
    }
    REQUIRE(vs_dtype_from_name("float16") == -1);
    REQUIRE(vs_dtype_from_name(NULL) == -1);
    REQUIRE(vs_dtype_name(7) != NULL);
    VsView v;
    vs_view_default(&v);
    v.width = 5, v.height = 3;
    size_t sizes[] = {1, 2, 2, 4};
    for (int i = 0; i < 4; i++) {
        v.dtype = i;
        REQUIRE(vs_view_frame_bytes(&v) == 45 * sizes[i]);
    }
    REQUIRE(vs_view_frame_bytes(NULL) == 0);
}

static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

/* Hand-computed encodings (IEEE 754 binary16 and bfloat16). */
static void test_half_values(void)
{
    REQUIRE(vs_f32_to_f16(0.0f) == 0x0000);
    REQUIRE(vs_f32_to_f16(-0.0f) == 0x8000);
    REQUIRE(vs_f32_to_f16(1.0f) == 0x3c00);
    REQUIRE(vs_f32_to_f16(-2.0f) == 0xc000);
    REQUIRE(vs_f32_to_f16(65504.0f) == 0x7bff);         /* largest finite */
    REQUIRE(vs_f32_to_f16(65520.0f) == 0x7c00);         /* halfway to 2^16: rounds to Inf */
    REQUIRE(vs_f32_to_f16(65519.99f) == 0x7bff);
    REQUIRE(vs_f32_to_f16(INFINITY) == 0x7c00);
    REQUIRE(vs_f32_to_f16(-INFINITY) == 0xfc00);
    REQUIRE((vs_f32_to_f16(NAN) & 0x7c00) == 0x7c00 && (vs_f32_to_f16(NAN) & 0x3ff));
    REQUIRE(vs_f32_to_f16(ldexpf(1.0f, -14)) == 0x0400); /* smallest normal */
    REQUIRE(vs_f32_to_f16(ldexpf(1.0f, -24)) == 0x0001); /* smallest subnormal */
    REQUIRE(vs_f32_to_f16(ldexpf(1.0f, -25)) == 0x0000); /* tie: to even (0) */
    REQUIRE(vs_f32_to_f16(ldexpf(3.0f, -25)) == 0x0002); /* tie 1.5: to even (2) */
    REQUIRE(vs_f32_to_f16(ldexpf(1.0f, -26)) == 0x0000);
    REQUIRE(vs_f32_to_f16(1.0f + ldexpf(1.0f, -11)) == 0x3c00); /* tie to even */
    REQUIRE(vs_f32_to_f16(1.0f + ldexpf(3.0f, -11)) == 0x3c02);
    REQUIRE(vs_f32_to_f16(bits_f(0x00000001u)) == 0x0000); /* f32 subnormal */
    REQUIRE(vs_f16_to_f32(0x0001) == ldexpf(1.0f, -24));
    REQUIRE(vs_f16_to_f32(0x3555) == 0.333251953125f);
    REQUIRE(vs_f16_to_f32(0x7bff) == 65504.0f);

    REQUIRE(vs_f32_to_bf16(1.0f) == 0x3f80);
    REQUIRE(vs_f32_to_bf16(-0.0f) == 0x8000);
    REQUIRE(vs_f32_to_bf16(bits_f(0x3f808000u)) == 0x3f80); /* tie to even */
    REQUIRE(vs_f32_to_bf16(bits_f(0x3f818000u)) == 0x3f82);
    REQUIRE(vs_f32_to_bf16(bits_f(0x3f808001u)) == 0x3f81);
    REQUIRE(vs_f32_to_bf16(bits_f(0x7f7fffffu)) == 0x7f80); /* rounds to Inf */
    REQUIRE(vs_f32_to_bf16(bits_f(0x7f800001u)) == 0x7fc0); /* NaN stays NaN */
    REQUIRE(vs_f32_to_bf16(-INFINITY) == 0xff80);
}

/* Weights: each output pixel sums to 1 and stays inside the input; an
 * identity resize of a kernel with support <= 1 copies the input. */
static void test_weights(void)
{
    for (int f = 0; f < 4; f++) {
        const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {640, 224}, {224, 640}, {333, 384}};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            VsResampleAxis ax;
            REQUIRE(vs_resample_axis_init(&ax, sizes[s][0], sizes[s][1], f) == 0);
            for (int i = 0; i < ax.out_size; i++) {
                double sum = 0;
                int64_t isum = 0;
                REQUIRE(ax.count[i] >= 1 && ax.count[i] <= ax.ksize);
                REQUIRE(ax.first[i] >= 0 && ax.first[i] + ax.count[i] <= ax.in_size);
                for (int j = 0; j < ax.count[i]; j++) {
                    sum += ax.weights[i * ax.ksize + j];
                    isum += ax.coeffs[i * ax.ksize + j];
                }
                REQUIRE(fabs(sum - 1.0) < 1e-9);
                REQUIRE(llabs(isum - (1 << VS_RESAMPLE_PRECISION_BITS)) <= ax.count[i]);
            }
            vs_resample_axis_free(&ax);
        }
    }
    VsResampleAxis ax;
    REQUIRE(vs_resample_axis_init(&ax, 0, 5, 0) == VS_ERR_INVALID_ARG);
    REQUIRE(vs_resample_axis_init(&ax, 5, 5, 9) == VS_ERR_INVALID_ARG);
    vs_resample_axis_free(&ax);
}

int main(void)
{
    test_default();
    test_presets();
    test_validate();
    test_dtype_names();
    test_half_values();
    test_weights();
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

/* The metadata's "model" object (src/model_inputs.c) against values computed
 * by hand from the published formulas: Qwen's grid, Qwen2.5-VL's
 * second_per_grid_ts, Qwen3-VL's timestamps and their "<%.1f seconds>" text
 * (Python's rounding, ties included), Apollo's clip spans, the VFR check. */
#include "../plan/require.h"
#include "model_inputs.h"

#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static void test_format_1f(void)
{
    /* f"{v:.1f}" in Python 3 for each: exact binary ties go to even, the
     * others follow the binary value (0.35 is 0.34999...) */
    static const struct { double v; const char *want; } cases[] = {
        {0.25, "0.2"}, {0.75, "0.8"}, {1.25, "1.2"}, {10.25, "10.2"}, {0.05, "0.1"}, {0.15, "0.1"},
        {0.35, "0.3"}, {0.45, "0.5"}, {1.35, "1.4"}, {2.675, "2.7"}, {7.55, "7.5"}, {0.0, "0.0"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vs_format_1f(buf, sizeof(buf), cases[i].v);
        REQUIRE_STR(buf, cases[i].want);
    }
    /* an application's locale with a decimal comma changes nothing */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        vs_format_1f(buf, sizeof(buf), 1.25);
        REQUIRE_STR(buf, "1.2");
        setlocale(LC_NUMERIC, "C");
    }
}

static const char *str_at(json_t *arr, size_t i)
{
    return json_string_value(json_array_get(arr, i));
}

static double real_at(json_t *arr, size_t i)
{
    return json_number_value(json_array_get(arr, i));
}

static void test_qwen(void)
{
    VsView views[3];
    REQUIRE_OK(vs_view_preset(&views[0], "qwen3vl"));
    views[0].width = 1280, views[0].height = 704;
    REQUIRE_OK(vs_view_preset(&views[1], "qwen2.5vl"));
    views[1].width = 448, views[1].height = 252;
    REQUIRE_OK(vs_view_preset(&views[2], "siglip-384"));
    const int64_t idx[] = {0, 16, 31, 47, 62};
    const double times[] = {0, 16 / 30.0, 31 / 30.0, 47 / 30.0, 62 / 30.0};
    VsModelInputs m = {.fps = 30, .total_frames = 360, .indices = idx, .times = times, .n = 5, .padded = 6,
                       .vfr = 0, .views = views, .nviews = 3};
    json_t *j = vs_model_inputs_json(&m);
    REQUIRE(j);
    REQUIRE_NEAR(json_number_value(json_object_get(j, "fps")), 30.0, 0);
    REQUIRE_INT(json_integer_value(json_object_get(j, "total_num_frames")), 360);
    REQUIRE_INT(json_array_size(json_object_get(j, "frames_indices")), 5);
    REQUIRE_INT(json_integer_value(json_array_get(json_object_get(j, "frames_indices"), 4)), 62);
    /* 5 / 360 * 30 */
    REQUIRE_NEAR(json_number_value(json_object_get(j, "sample_fps")), 0.41666666666666663, 1e-15);
    REQUIRE(!json_object_get(j, "pts_differs"));
    REQUIRE(!json_object_get(j, "clip_text"));
    json_t *v = json_object_get(j, "views");
    REQUIRE(v && json_object_size(v) == 2); /* siglip has nothing of its own */

    json_t *q3 = json_object_get(v, "qwen3vl");
    json_t *grid = json_object_get(q3, "video_grid_thw");
    /* T 6 / 2, 704 / 16, 1280 / 16 */
    REQUIRE_INT(json_integer_value(json_array_get(grid, 0)), 3);
    REQUIRE_INT(json_integer_value(json_array_get(grid, 1)), 44);
    REQUIRE_INT(json_integer_value(json_array_get(grid, 2)), 80);
    REQUIRE(!json_object_get(q3, "second_per_grid_ts"));
    /* (0/30 + 16/30) / 2, (31/30 + 47/30) / 2, the last frame padded: 62/30 */
    json_t *ts = json_object_get(q3, "timestamps"), *text = json_object_get(q3, "timestamp_text");
    REQUIRE_INT(json_array_size(ts), 3);
    REQUIRE_NEAR(real_at(ts, 0), 0.26666666666666666, 1e-15);
    REQUIRE_NEAR(real_at(ts, 1), 1.3, 1e-15);
    REQUIRE_NEAR(real_at(ts, 2), 2.066666666666667, 1e-15);
    REQUIRE_STR(str_at(text, 0), "<0.3 seconds>");
    REQUIRE_STR(str_at(text, 1), "<1.3 seconds>");
    REQUIRE_STR(str_at(text, 2), "<2.1 seconds>");

    json_t *q25 = json_object_get(v, "qwen2.5vl");
    grid = json_object_get(q25, "video_grid_thw");
    /* patch 14: 252 / 14, 448 / 14 */
    REQUIRE_INT(json_integer_value(json_array_get(grid, 0)), 3);
    REQUIRE_INT(json_integer_value(json_array_get(grid, 1)), 18);
    REQUIRE_INT(json_integer_value(json_array_get(grid, 2)), 32);
    /* temporal_patch_size 2 / sample_fps */
    REQUIRE_NEAR(json_number_value(json_object_get(q25, "second_per_grid_ts")), 4.8, 1e-12);
    REQUIRE(!json_object_get(q25, "timestamps"));
    json_decref(j);

    /* no indices, no rate: only the grid is left */
    m.indices = NULL, m.fps = 0, m.total_frames = 0;
    j = vs_model_inputs_json(&m);
    REQUIRE(j && !json_object_get(j, "fps") && !json_object_get(j, "sample_fps"));
    q3 = json_object_get(json_object_get(j, "views"), "qwen3vl");
    REQUIRE(json_object_get(q3, "video_grid_thw") && !json_object_get(q3, "timestamps"));
    REQUIRE(!json_object_get(json_object_get(json_object_get(j, "views"), "qwen2.5vl"), "second_per_grid_ts"));
    json_decref(j);
}

static void test_apollo_and_vfr(void)
{
    VsView view;
    REQUIRE_OK(vs_view_preset(&view, "apollo-siglip"));
    const int64_t idx[] = {0, 15, 60, 75};
    const int32_t clips[] = {0, 0, 1, 1};
    /* true PTS: the second frame 0.1 s late (0.5 s, not 15/30) */
    const double times[] = {0, 0.6, 2.0, 2.5};
    VsModelInputs m = {.fps = 30, .total_frames = 360, .indices = idx, .times = times, .n = 4, .padded = 4,
                       .clips = clips, .num_clips = 2, .apollo = 1, .vfr = 1, .views = &view, .nviews = 1};
    json_t *j = vs_model_inputs_json(&m);
    REQUIRE(j);
    json_t *text = json_object_get(j, "clip_text");
    REQUIRE_INT(json_array_size(text), 2);
    REQUIRE_STR(str_at(text, 0), "0.0-0.5 seconds");
    REQUIRE_STR(str_at(text, 1), "2.0-2.5 seconds");
    REQUIRE_NEAR(real_at(json_array_get(json_object_get(j, "clip_times"), 1), 1), 2.5, 0);
    REQUIRE(json_is_true(json_object_get(j, "pts_differs")));
    REQUIRE_NEAR(json_number_value(json_object_get(j, "max_pts_difference")), 0.1, 1e-12);
    REQUIRE(!json_object_get(j, "views"));
    json_decref(j);

    /* within half a frame (1/60 s): no difference reported */
    const double close[] = {0, 0.51, 2.0, 2.5};
    m.times = close;
    j = vs_model_inputs_json(&m);
    REQUIRE(json_is_false(json_object_get(j, "pts_differs")));
    REQUIRE_NEAR(json_number_value(json_object_get(j, "max_pts_difference")), 0.01, 1e-12);
    json_decref(j);
    m.vfr = 0;
    j = vs_model_inputs_json(&m);
    REQUIRE(!json_object_get(j, "pts_differs"));
    json_decref(j);
}

int main(void)
{
    test_format_1f();
    test_qwen();
    test_apollo_and_vfr();
    printf("model inputs: ok\n");
    return 0;
}

/* The sample object (include/vsample/sample.h) on the shipped video: views
 * from options, per-video sizing, T padding, every frame into caller buffers,
 * the metadata, writing into a shard writer, cancelling, several samples over
 * one source, and plans from an array of times. */
#include "../plan/require.h"
#include "vsample/sample.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *video;

static void test_views_build(void)
{
    VsViewOptions o;
    VsView v[8];
    size_t n;
    vs_view_options_default(&o);
    REQUIRE_OK(vs_views_build(&o, v, 8, &n));
    REQUIRE_INT(n, 1);
    REQUIRE_STR(v[0].name, "siglip-384");

    o.presets = "apollo, clip-336";
    REQUIRE_OK(vs_views_build(&o, v, 8, &n));
    REQUIRE_INT(n, 3);
    REQUIRE_STR(v[0].name, "apollo-siglip");
    REQUIRE_STR(v[1].name, "apollo-internvideo2");
    REQUIRE_STR(v[2].name, "clip-336");
    REQUIRE_INT(vs_views_build(&o, v, 2, &n), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "at most 2 views");

    o.presets = "apollo,apollo-siglip";
    REQUIRE_INT(vs_views_build(&o, v, 8, &n), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "given twice");
    o.presets = "nope";
    REQUIRE_INT(vs_views_build(&o, v, 8, &n), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "unknown preset 'nope'");
    o.presets = "";
    REQUIRE_INT(vs_views_build(&o, v, 8, &n), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "no preset named");

    /* a custom view from a preset: a size turns smart into squash; a mean sets the pad fill */
    vs_view_options_default(&o);
    o.presets = "qwen2vl";
    o.width = 64, o.height = 32;
    o.dtype = VS_DTYPE_U8;
    o.layout = VS_LAYOUT_THWC;
    REQUIRE_OK(vs_views_build(&o, v, 8, &n));
    REQUIRE_INT(n, 1);
    REQUIRE_STR(v[0].name, "custom");
    REQUIRE_INT(v[0].resize, VS_RESIZE_SQUASH);
    REQUIRE_INT(v[0].width, 64);
    REQUIRE_INT(v[0].t_multiple, 2);
    REQUIRE_INT(v[0].dtype, VS_DTYPE_U8);
    REQUIRE_INT(v[0].layout, VS_LAYOUT_THWC);
    o.presets = "siglip-384,clip-336";
    REQUIRE_INT(vs_views_build(&o, v, 8, &n), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "at most one preset");

    vs_view_options_default(&o);
    o.resize = VS_RESIZE_PAD;
    o.mean_set = 1;
    o.mean[0] = 0.25f, o.mean[1] = 0.5f, o.mean[2] = 1.0f;
    REQUIRE_OK(vs_views_build(&o, v, 8, &n));
    REQUIRE_INT(v[0].pad_fill[0], 63);
    REQUIRE_INT(v[0].pad_fill[1], 127);
    REQUIRE_INT(v[0].pad_fill[2], 255);
}

static void one_view(const char *preset, VsView *view)
{
    VsViewOptions o;
    size_t n;
    vs_view_options_default(&o);
    o.presets = preset;
    o.dtype = VS_DTYPE_U8;
    REQUIRE_OK(vs_views_build(&o, view, 1, &n));
}

/* qwen2vl on 5 planned frames: a size per video, T padded to 6 with the last frame. */
static void test_read_padded(void)
{
    VsView view;
    one_view("qwen2vl", &view);
    VsSampleSettings set;
    vs_sample_default_settings(&set);
    set.strategy = "uniform:5";
    VsInput input = {.path = video};
    VsSample *s = NULL;
    REQUIRE_OK(vs_sample_open(&s, &input, &view, 1, &set));
    REQUIRE_INT(vs_sample_planned_frames(s), 5);
    REQUIRE_INT(vs_sample_frames(s), 6);
    const VsView *sized = vs_sample_views(s);
    REQUIRE(sized[0].width % 28 == 0 && sized[0].height % 28 == 0 && sized[0].width > 0);
    int64_t shape[4];
    REQUIRE_OK(vs_sample_shape(s, 0, shape));
    REQUIRE_INT(shape[0], 6);
    REQUIRE_INT(shape[1], 3);
    REQUIRE_INT(shape[2], sized[0].height);
    REQUIRE_INT(shape[3], sized[0].width);
    REQUIRE_INT(vs_sample_shape(s, 1, shape), VS_ERR_INVALID_ARG);

    size_t fb = vs_view_frame_bytes(&sized[0]);
    uint8_t *pix = malloc(6 * fb);
    double pts[6], target[6];
    int32_t clip[6];
    void *dst[1] = {pix};
    REQUIRE_OK(vs_sample_read(s, dst, pts, target, clip));
    REQUIRE(!memcmp(pix + 4 * fb, pix + 5 * fb, fb));
    REQUIRE(memcmp(pix + 3 * fb, pix + 4 * fb, fb)); /* the picture moves */
    REQUIRE(pts[5] == pts[4] && target[5] == target[4]);
    for (int i = 1; i < 5; i++)
        REQUIRE(target[i] > target[i - 1] && pts[i] <= target[i]);
    VsFrameInfo fi;
    REQUIRE_INT(vs_sample_next(s, dst, &fi), 0); /* the end */

    json_error_t err;
    json_t *meta = json_loads(vs_sample_metadata_json(s), 0, &err);
    REQUIRE(meta);
    REQUIRE_INT(json_integer_value(json_object_get(meta, "padded_frames")), 1);
    REQUIRE_STR(json_string_value(json_object_get(meta, "strategy")), "uniform:5");
    REQUIRE_STR(json_string_value(json_object_get(meta, "source")), video);
    REQUIRE_STR(json_string_value(json_object_get(meta, "seek")), "exact");
    json_t *mv = json_array_get(json_object_get(meta, "views"), 0);
    REQUIRE_INT(json_integer_value(json_object_get(mv, "width")), sized[0].width);
    REQUIRE_STR(json_string_value(json_object_get(mv, "resize")), "smart");
    REQUIRE_STR(json_string_value(json_object_get(mv, "dtype")), "u8");
    REQUIRE(json_is_object(json_object_get(meta, "stream")));
    json_decref(meta);
    vs_sample_close(&s);
    REQUIRE(s == NULL);
    vs_sample_close(&s);

    /* pad = 0: the planned frames only, the same pixels */
    set.pad = 0;
    REQUIRE_OK(vs_sample_open(&s, &input, &view, 1, &set));
    REQUIRE_INT(vs_sample_frames(s), 5);
    uint8_t *again = malloc(5 * fb);
    dst[0] = again;
    REQUIRE_OK(vs_sample_read(s, dst, NULL, NULL, NULL));
    REQUIRE(!memcmp(pix, again, 5 * fb));
    vs_sample_close(&s);
    free(again);
    free(pix);
}

/* Two samples one after the other over one source (ablate's way) read what a
 * sample that opened the file itself reads. */
static void test_shared_source(void)
{
    VsView view;
    one_view("siglip-384", &view);
    size_t fb = vs_view_frame_bytes(&view);
    VsSourceSettings ss;
    vs_source_default_settings(&ss);
    VsSource *src = NULL;
    REQUIRE_OK(vs_source_open(&src, video, &ss));
    VsSampleSettings set;
    vs_sample_default_settings(&set);
    set.strategy = "uniform:3";
    uint8_t *a = malloc(3 * fb), *b = malloc(3 * fb);
    for (int round = 0; round < 2; round++) {
        VsSample *s = NULL;
        REQUIRE_OK(vs_sample_open_source(&s, src, &view, 1, &set));
        void *dst[1] = {round ? b : a};
        REQUIRE_OK(vs_sample_read(s, dst, NULL, NULL, NULL));
        REQUIRE(vs_sample_source(s) == src);
        vs_sample_close(&s);
    }
    REQUIRE(!memcmp(a, b, 3 * fb));
    vs_source_close(&src);
    free(a);
    free(b);
}

static int stop_after_two(void *opaque, size_t done, size_t total)
{
    (void)opaque;
    REQUIRE(total == 4);
    return done >= 2;
}

static void test_write(const char *dir)
{
    VsView view;
    one_view("clip-336", &view);
    VsSampleSettings set;
    vs_sample_default_settings(&set);
    set.strategy = "uniform:4";
    VsInput input = {.path = video};
    VsShardWriter *w = NULL;
    REQUIRE_OK(vs_shard_writer_open(&w, dir, NULL));
    VsSample *s = NULL;
    int output_failed = -1;
    REQUIRE_OK(vs_sample_open(&s, &input, &view, 1, &set));
    REQUIRE_INT(vs_sample_write(s, w, "first", stop_after_two, NULL, &output_failed), VS_ERR_CANCELLED);
    REQUIRE_INT(output_failed, 0);
    vs_sample_close(&s);
    REQUIRE_OK(vs_sample_open(&s, &input, &view, 1, &set));
    REQUIRE_OK(vs_sample_write(s, w, "second", NULL, NULL, &output_failed));
    REQUIRE_INT(vs_sample_frames_decoded(s) >= 4, 1);
    REQUIRE_INT(vs_sample_backend(s), VS_BACKEND_CPU);
    vs_sample_close(&s);
    REQUIRE_OK(vs_shard_writer_close(&w));
    /* the index names the sample written, not the one cancelled */
    char *path = NULL;
    REQUIRE(asprintf(&path, "%s/index.json", dir) > 0);
    json_error_t err;
    json_t *index = json_load_file(path, 0, &err);
    REQUIRE(index);
    char *text = json_dumps(index, 0);
    REQUIRE_HAS(text, "second");
    REQUIRE(!strstr(text, "first"));
    free(text);
    json_decref(index);
    free(path);
}

static void test_plan_from_times(void)
{
    VsSource *src = NULL;
    REQUIRE_OK(vs_source_open(&src, video, NULL));
    VsPlanInput in;
    REQUIRE_OK(vs_source_plan_input(src, &in));
    double times[] = {2.5, 0.1, 1e9, 0.1};
    VsPlan *plan = NULL;
    REQUIRE_OK(vs_plan_from_times(&plan, &in, times, 4, NULL));
    REQUIRE_INT(vs_plan_count(plan), 3);
    REQUIRE(vs_plan_times(plan)[0] == 2.5 && vs_plan_times(plan)[1] == 0.1 && vs_plan_times(plan)[2] == 0.1);
    REQUIRE_HAS(vs_plan_note(plan), "1 of 4");
    vs_plan_free(&plan);
    double bad[] = {1.0, NAN};
    REQUIRE_INT(vs_plan_from_times(&plan, &in, bad, 2, NULL), VS_ERR_INVALID_ARG);
    REQUIRE_HAS(vs_last_error(), "time 2");
    REQUIRE_INT(vs_plan_from_times(&plan, &in, times + 2, 1, NULL), VS_ERR_INVALID_ARG);
    REQUIRE(plan == NULL);
    vs_source_close(&src);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: sample_test VIDEO\n");
        return 2;
    }
    video = argv[1];
    char dir[] = "/tmp/vsample-sample-test-XXXXXX";
    REQUIRE(mkdtemp(dir));
    test_views_build();
    test_read_padded();
    test_shared_source();
    test_write(dir);
    test_plan_from_times();
    char *rm = NULL;
    REQUIRE(asprintf(&rm, "rm -rf '%s'", dir) > 0 && system(rm) == 0);
    free(rm);
    printf("sample: all checks passed\n");
    return 0;
}

/* Test driver for the preprocess backend: reads raw bytes on stdin, writes the
 * result on stdout, so that Python can compare with PIL and numpy.
 *
 *   resize_tool resize IN_W IN_H OUT_W OUT_H FILTER     RGB24 in, RGB24 out
 *   resize_tool view IN_W IN_H ROTATION NAME=VALUE...    RGB24 in, one view frame out
 *       keys: width height resize filter crop_round dtype layout preset
 *             (integers for the enums; preset first when given)
 *   resize_tool f16 | bf16                               float32 in, uint16 out
 *   resize_tool smart                                    a smart preset's size per video:
 *       lines "PRESET WIDTH HEIGHT FRAMES TOTAL_PIXELS" in (TOTAL_PIXELS -1: the
 *       preset's), lines "WIDTH HEIGHT" or "error MESSAGE" out
 */
#include "dtype.h"
#include "preprocess.h"
#include "resample.h"

#include <libavutil/frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_all(void *buf, size_t n)
{
    return fread(buf, 1, n, stdin) == n ? 0 : -1;
}

static int write_all(const void *buf, size_t n)
{
    return fwrite(buf, 1, n, stdout) == n ? 0 : -1;
}

static int cmd_resize(int argc, char **argv)
{
    if (argc != 7)
        return 2;
    int in_w = atoi(argv[2]), in_h = atoi(argv[3]), out_w = atoi(argv[4]), out_h = atoi(argv[5]);
    int filter = atoi(argv[6]), rc = 1;
    size_t in_bytes = (size_t)in_w * (size_t)in_h * 3, out_bytes = (size_t)out_w * (size_t)out_h * 3;
    uint8_t *in = malloc(in_bytes), *out = malloc(out_bytes), *scratch = NULL;
    VsResampler r;
    int have = 0;
    if (!in || !out || read_all(in, in_bytes) < 0)
        goto done;
    if (vs_resampler_init(&r, in_w, in_h, out_w, out_h, filter) < 0)
        goto done;
    have = 1;
    scratch = malloc(vs_resample_scratch_size(&r, 0, out_w, out_h) + 1);
    if (!scratch)
        goto done;
    vs_resample_rgb24(&r, in, (ptrdiff_t)in_w * 3, out, (ptrdiff_t)out_w * 3, 0, 0, out_w, out_h,
                      scratch);
    rc = write_all(out, out_bytes) < 0;
done:
    if (have)
        vs_resampler_free(&r);
    free(in);
    free(out);
    free(scratch);
    if (rc)
        fprintf(stderr, "resize_tool: %s\n", vs_last_error());
    return rc;
}

static int set_key(VsView *v, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return -1;
    size_t n = (size_t)(eq - kv);
    const char *val = eq + 1;
    int x = atoi(val);
    if (n == 6 && !strncmp(kv, "preset", n))
        return vs_view_preset(v, val);
    if (n == 5 && !strncmp(kv, "width", n))
        v->width = x;
    else if (n == 6 && !strncmp(kv, "height", n))
        v->height = x;
    else if (n == 6 && !strncmp(kv, "resize", n))
        v->resize = x;
    else if (n == 6 && !strncmp(kv, "filter", n))
        v->filter = x;
    else if (n == 10 && !strncmp(kv, "crop_round", n))
        v->crop_round = x;
    else if (n == 5 && !strncmp(kv, "dtype", n))
        v->dtype = x;
    else if (n == 6 && !strncmp(kv, "layout", n))
        v->layout = x;
    else
        return -1;
    return 0;
}

static int cmd_view(int argc, char **argv)
{
    if (argc < 5)
        return 2;
    int w = atoi(argv[2]), h = atoi(argv[3]), rotation = atoi(argv[4]), rc = 1;
    VsView view;
    VsPreprocessor *p = NULL;
    AVFrame *frame = av_frame_alloc();
    uint8_t *out = NULL;
    vs_view_default(&view);
    for (int i = 5; i < argc; i++)
        if (set_key(&view, argv[i]) < 0) {
            fprintf(stderr, "resize_tool: bad view setting %s\n", argv[i]);
            goto done;
        }
    if (!frame)
        goto done;
    frame->width = w;
    frame->height = h;
    frame->format = AV_PIX_FMT_RGB24;
    if (av_frame_get_buffer(frame, 0) < 0)
        goto done;
    for (int y = 0; y < h; y++)
        if (read_all(frame->data[0] + (size_t)y * (size_t)frame->linesize[0], (size_t)w * 3) < 0)
            goto done;
    if (vs_preprocessor_create(&p, &view, 1) < 0)
        goto done;
    size_t bytes = vs_view_frame_bytes(&view);
    out = malloc(bytes);
    if (!out)
        goto done;
    void *dst[1] = {out};
    /* Twice: the second run reuses every cache and must give the same bytes. */
    if (vs_preprocessor_run(p, frame, rotation, dst) < 0 ||
        vs_preprocessor_run(p, frame, rotation, dst) < 0)
        goto done;
    rc = write_all(out, bytes) < 0;
done:
    if (rc)
        fprintf(stderr, "resize_tool: %s\n", vs_last_error());
    vs_preprocessor_destroy(&p);
    av_frame_free(&frame);
    free(out);
    return rc;
}

static int cmd_half(int bf16)
{
    float f;
    while (fread(&f, sizeof(f), 1, stdin) == 1) {
        uint16_t h = bf16 ? vs_f32_to_bf16(f) : vs_f32_to_f16(f);
        if (fwrite(&h, sizeof(h), 1, stdout) != 1)
            return 1;
    }
    return 0;
}

static int cmd_smart(void)
{
    char name[64];
    int w, h;
    long long frames, total;
    while (scanf("%63s %d %d %lld %lld", name, &w, &h, &frames, &total) == 5) {
        VsView v;
        int ret = vs_view_preset(&v, name);
        if (ret >= 0 && total >= 0)
            v.smart_total_pixels = (int)total;
        if (ret >= 0)
            ret = vs_view_resolve(&v, w, h, (size_t)frames);
        if (ret < 0)
            printf("error %s\n", vs_last_error());
        else
            printf("%d %d\n", v.width, v.height);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "resize"))
        return cmd_resize(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "view"))
        return cmd_view(argc, argv);
    if (argc == 2 && !strcmp(argv[1], "f16"))
        return cmd_half(0);
    if (argc == 2 && !strcmp(argv[1], "bf16"))
        return cmd_half(1);
    if (argc == 2 && !strcmp(argv[1], "smart"))
        return cmd_smart();
    fprintf(stderr, "usage: resize_tool resize|view|f16|bf16|smart ...\n");
    return 2;
}

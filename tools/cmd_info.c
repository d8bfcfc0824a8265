/* vsample info VIDEO [--json] [--scan] [--io-timeout S]: what the source stage knows about a video. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void print_text(const VsStreamInfo *in)
{
    printf("path:            %s\n", in->path);
    printf("container:       %s\n", in->container);
    printf("codec:           %s (stream %d)\n", in->codec, in->stream_index);
    printf("duration:        %.6f s\n", in->duration);
    printf("start time:      %.6f s (pts %lld)\n", in->start_time, (long long)in->start_pts);
    printf("time base:       %d/%d\n", in->time_base.num, in->time_base.den);
    printf("frame rate:      avg %d/%d, real %d/%d, %s\n", in->avg_frame_rate.num, in->avg_frame_rate.den,
           in->real_frame_rate.num, in->real_frame_rate.den,
           in->vfr < 0 ? "constant or variable: not scanned" : in->vfr ? "variable" : "constant");
    printf("frames:          header %lld, counted %lld\n", (long long)in->header_frames,
           (long long)in->counted_frames);
    printf("keyframes:       %lld\n", (long long)in->keyframes);
    printf("coded size:      %dx%d\n", in->coded_width, in->coded_height);
    printf("display size:    %dx%d (rotation %d, sample aspect %d:%d)\n", in->display_width,
           in->display_height, in->rotation, in->sample_aspect_ratio.num, in->sample_aspect_ratio.den);
    printf("pixel format:    %s, %d bit\n", in->pix_fmt, in->bit_depth);
    printf("colour:          matrix %s, range %s, primaries %s, transfer %s\n", in->color_matrix,
           in->color_range, in->color_primaries, in->color_transfer);
}

int cmd_info(int argc, char **argv)
{
    int json = 0, scan = 0, io_timeout_ms = 0, r;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if ((r = io_timeout_option(&io_timeout_ms, argc, argv, &i)) != 0) {
            if (r < 0)
                return EXIT_USAGE;
        } else if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--scan"))
            scan = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("info: unknown option %s", argv[i]);
        else if (path)
            return usage_error("info: one video at a time");
        else
            path = argv[i];
    }
    if (!path)
        return usage_error("info: missing VIDEO");
    VsSourceSettings ss;
    vs_source_default_settings(&ss);
    ss.scan = scan;
    ss.io_timeout_ms = io_timeout_ms;
    VsSource *src = NULL;
    int ret = vs_source_open(&src, path, &ss);
    if (ret < 0)
        return report_error(path, ret);
    int code = EXIT_OK;
    if (json) {
        char *text = vs_stream_info_json(vs_source_info(src));
        if (text)
            printf("%s\n", text);
        else
            code = report_error(path, VS_ERR_NOMEM); // vs_last_error() says so
        free(text);
    } else {
        print_text(vs_source_info(src));
    }
    vs_source_close(&src);
    return code;
}

/* Minimal JSON output: strings escaped, numbers that round-trip, stream info. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>

void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void json_number(FILE *f, double v)
{
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    /* Shortest of %.15g/%.17g that reads back as the same double. */
    char buf[40];
    snprintf(buf, sizeof(buf), "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof(buf), "%.17g", v);
    fputs(buf, f);
}

static void rational(FILE *f, const char *key, VsRational r)
{
    fprintf(f, "\"%s\": \"%d/%d\"", key, r.num, r.den);
}

static const char *duration_source_name(int s)
{
    static const char *const names[] = {"unknown", "index", "stream", "format", "scan"};
    return s >= 0 && s <= VS_DURATION_SCAN ? names[s] : "unknown";
}

void json_stream_info(FILE *f, const VsStreamInfo *in)
{
    fputs("{\"path\": ", f);
    json_string(f, in->path);
    fputs(", \"container\": ", f);
    json_string(f, in->container);
    fputs(", \"codec\": ", f);
    json_string(f, in->codec);
    fprintf(f, ", \"stream_index\": %d, \"duration\": ", in->stream_index);
    json_number(f, in->duration);
    fprintf(f, ", \"duration_source\": \"%s\", \"start_time\": ", duration_source_name(in->duration_source));
    json_number(f, in->start_time);
    fprintf(f, ", \"start_pts\": %lld, ", (long long)in->start_pts);
    rational(f, "time_base", in->time_base);
    fputs(", ", f);
    rational(f, "avg_frame_rate", in->avg_frame_rate);
    fputs(", ", f);
    rational(f, "real_frame_rate", in->real_frame_rate);
    fprintf(f, ", \"header_frames\": %lld, \"counted_frames\": %lld, \"keyframes\": %lld",
            (long long)in->header_frames, (long long)in->counted_frames, (long long)in->keyframes);
    fprintf(f, ", \"coded_width\": %d, \"coded_height\": %d, \"rotation\": %d, ", in->coded_width,
            in->coded_height, in->rotation);
    rational(f, "sample_aspect_ratio", in->sample_aspect_ratio);
    fprintf(f, ", \"display_width\": %d, \"display_height\": %d, \"pix_fmt\": ", in->display_width,
            in->display_height);
    json_string(f, in->pix_fmt);
    fprintf(f, ", \"bit_depth\": %d, \"color_matrix\": ", in->bit_depth);
    json_string(f, in->color_matrix);
    fputs(", \"color_range\": ", f);
    json_string(f, in->color_range);
    fputs(", \"color_primaries\": ", f);
    json_string(f, in->color_primaries);
    fputs(", \"color_transfer\": ", f);
    json_string(f, in->color_transfer);
    fprintf(f, ", \"vfr\": %s}", in->vfr < 0 ? "null" : in->vfr ? "true" : "false");
}

/* VsStreamInfo as JSON (see info_json.h). Key order is the order of the
 * struct, which is the order `vsample info --json` always printed. */
#include "info_json.h"
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *vs_json_real(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *rational(VsRational r)
{
    char text[32];
    snprintf(text, sizeof(text), "%d/%d", r.num, r.den);
    return json_string(text);
}

/* Fixed-size text fields may hold anything a file carried: invalid UTF-8
 * becomes null rather than a failure. */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_null();
}

json_t *vs_json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j || !s)
        return j;
    char *copy = strdup(s);
    for (char *p = copy; p && *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = copy ? json_string(copy) : NULL;
    free(copy);
    return j;
}

json_t *vs_info_json(const VsStreamInfo *in)
{
    const char *dsrc = vs_duration_source_name(in->duration_source);
    return json_pack("{s:o, s:o, s:o, s:i, s:o, s:s, s:o, s:I, s:o, s:o, s:o, s:I, s:I, s:I,"
                     " s:i, s:i, s:i, s:o, s:i, s:i, s:o, s:i, s:o, s:o, s:o, s:o, s:o}",
                     "path", vs_json_text(in->path), "container", text(in->container), "codec", text(in->codec),
                     "stream_index", in->stream_index, "duration", vs_json_real(in->duration),
                     "duration_source", dsrc ? dsrc : "unknown", "start_time", vs_json_real(in->start_time),
                     "start_pts", (json_int_t)in->start_pts, "time_base", rational(in->time_base),
                     "avg_frame_rate", rational(in->avg_frame_rate),
                     "real_frame_rate", rational(in->real_frame_rate),
                     "header_frames", (json_int_t)in->header_frames,
                     "counted_frames", (json_int_t)in->counted_frames, "keyframes", (json_int_t)in->keyframes,
                     "coded_width", in->coded_width, "coded_height", in->coded_height, "rotation", in->rotation,
                     "sample_aspect_ratio", rational(in->sample_aspect_ratio),
                     "display_width", in->display_width, "display_height", in->display_height,
                     "pix_fmt", text(in->pix_fmt), "bit_depth", in->bit_depth,
                     "color_matrix", text(in->color_matrix), "color_range", text(in->color_range),
                     "color_primaries", text(in->color_primaries), "color_transfer", text(in->color_transfer),
                     "vfr", in->vfr < 0 ? json_null() : json_boolean(in->vfr));
}

char *vs_stream_info_json(const VsStreamInfo *info)
{
    if (!info) {
        vs_error(VS_ERR_INVALID_ARG, "stream info: none given");
        return NULL;
    }
    json_t *j = vs_info_json(info);
    char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    if (!s)
        vs_error(VS_ERR_NOMEM, "%s: out of memory", info->path);
    return s;
}

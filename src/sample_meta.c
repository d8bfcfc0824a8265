/* The sample's metadata: the JSON object stored with its tensors (shards'
 * __metadata__) and handed to the binding, made once per sample. */
#include "info_json.h"
#include "sample_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *triple(const float v[3])
{
    return json_pack("[o, o, o]", vs_json_real(v[0]), vs_json_real(v[1]), vs_json_real(v[2]));
}

static json_t *view_json(const VsView *v)
{
    return json_pack("{s:s, s:i, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "name", v->name, "width", v->width,
                     "height", v->height, "resize", vs_resize_name(v->resize), "filter", vs_filter_name(v->filter),
                     "rescale", vs_json_real(v->rescale), "mean", triple(v->mean), "std", triple(v->std),
                     "dtype", vs_dtype_name(v->dtype), "layout", vs_layout_name(v->layout));
}

static json_t *sample_json(const VsSample *s)
{
    json_t *views = json_array();
    for (size_t i = 0; views && i < s->nviews; i++)
        if (json_array_append_new(views, view_json(&s->views[i])) < 0)
            json_decref(views), views = NULL;
    const VsStreamInfo *in = vs_source_info(s->src);
    return json_pack("{s:o, s:s, s:s, s:s, s:I, s:o, s:o}", "source", vs_json_text(in->path), "strategy",
                     vs_plan_strategy(s->plan), "plan_note", vs_plan_note(s->plan), "seek",
                     vs_seek_name(s->reader_settings.seek), "padded_frames", (json_int_t)(s->total - s->n),
                     "views", views, "stream", vs_info_json(in));
}

const char *vs_sample_metadata_json(VsSample *s)
{
    if (!s)
        return NULL;
    if (!s->meta) {
        json_t *j = sample_json(s);
        s->meta = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        if (!s->meta)
            vs_error(VS_ERR_NOMEM, "%s: out of memory for the metadata", vs_source_info(s->src)->path);
    }
    return s->meta;
}

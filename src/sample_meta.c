/* The sample's metadata: the JSON object stored with its tensors (shards'
 * __metadata__) and handed to the binding, made once per sample. */
#include "info_json.h"
#include "model_inputs.h"
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

/* Strategies other than recipes: the frame shown at each planned time (the
 * last whose time is not after it), from the scan's frame times. */
static int64_t *shown_frames(const VsSample *s)
{
    const double *ft = s->plan_in.frame_times, *times = vs_plan_times(s->plan);
    size_t nft = s->plan_in.n_frame_times;
    int64_t *idx = malloc((s->n ? s->n : 1) * sizeof(*idx));
    for (size_t i = 0; idx && i < s->n; i++) {
        size_t lo = 0, hi = nft; /* the first frame after times[i] */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ft[mid] <= times[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        idx[i] = lo ? (int64_t)lo - 1 : 0;
    }
    return idx;
}

static json_t *model_json(const VsSample *s)
{
    const VsPlanInput *pin = &s->plan_in;
    const char *strategy = vs_plan_strategy(s->plan);
    const int64_t *indices = vs_plan_indices(s->plan);
    int64_t *shown = NULL, total = vs_plan_loader_frames(s->plan);
    if (!indices && pin->frame_times && pin->n_frame_times) {
        if (!(shown = shown_frames(s)))
            return NULL;
        indices = shown;
    }
    if (!total && pin->frame_times)
        total = (int64_t)pin->n_frame_times;
    VsModelInputs m = {
        .fps = pin->avg_frame_rate, .total_frames = total, .indices = indices,
        .times = vs_plan_times(s->plan), .n = s->n, .padded = s->total, .clips = vs_plan_clips(s->plan),
        .num_clips = vs_plan_num_clips(s->plan),
        .apollo = vs_plan_indices(s->plan) && !strncmp(strategy, "apollo", 6) &&
                  (strategy[6] == ':' || !strategy[6]),
        .vfr = vs_source_info(s->src)->vfr, .views = s->views, .nviews = s->nviews,
    };
    json_t *j = vs_model_inputs_json(&m);
    free(shown);
    return j;
}

static json_t *sample_json(const VsSample *s)
{
    json_t *views = json_array();
    for (size_t i = 0; views && i < s->nviews; i++)
        if (json_array_append_new(views, view_json(&s->views[i])) < 0)
            json_decref(views), views = NULL;
    const VsStreamInfo *in = vs_source_info(s->src);
    return json_pack("{s:o, s:s, s:s, s:s, s:I, s:o, s:o, s:o}", "source", vs_json_text(in->path), "strategy",
                     vs_plan_strategy(s->plan), "plan_note", vs_plan_note(s->plan), "seek",
                     vs_seek_name(s->reader_settings.seek), "padded_frames", (json_int_t)(s->total - s->n),
                     "views", views, "stream", vs_info_json(in), "model", model_json(s));
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

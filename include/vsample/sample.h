/*
 * The sample: one video made ready for a model, as one object.
 *
 * A sample ties the stages for one video: it opens the source (scanning it when the
 * strategy needs every frame's time), makes the plan, sizes each view for this video
 * (smart resize), pads the frame count to the views' multiple (Qwen2-VL's even T),
 * knows the tensor shapes and the metadata, and reads every frame into caller
 * buffers or writes the whole sample into a shard writer. The CLI's extract, ablate
 * and batch and the Python binding are thin callers of it, so each rule lives here.
 *
 * Views come from options (vs_views_build) the way the CLI's --preset/--size/...
 * and the binding's load() arguments describe them.
 */
#ifndef VSAMPLE_SAMPLE_H
#define VSAMPLE_SAMPLE_H

#include "vsample/shard.h"
#include "vsample/vsample.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ views */

/// The views a user asks for: presets, and optionally one custom view made from one of
/// them. Thread-safety: the caller's data.
typedef struct VsViewOptions {
    /// comma-separated preset names (vs_view_preset_names()), "apollo" for both of Apollo's
    /// towers (default NULL = "siglip-384")
    const char *presets;
    /// a custom view, named "custom", starts from the single preset named (from
    /// vs_view_default() when presets is NULL) and takes each field below that is set
    int width, height;  ///< output size (default 0 = the preset's); a size turns smart into squash
    int resize;         ///< enum VsResize (default -1 = the preset's)
    int filter;         ///< enum VsFilter (default -1 = the preset's)
    int mean_set;       ///< 1 = use mean (default 0); a padded view then fills with int(mean * 255)
    float mean[3];
    int std_set;        ///< 1 = use std (default 0)
    float std[3];
    int dtype;          ///< enum VsDType of every view (default VS_DTYPE_F16)
    int layout;         ///< enum VsLayout of every view (default VS_LAYOUT_TCHW)
    uint8_t reserved[64];
} VsViewOptions;

/// Thread-safety: Safe.
VS_API void vs_view_options_default(VsViewOptions *o);
/// The views o describes, validated, into views[0 .. *count) (at most max). Views with
/// VS_RESIZE_SMART are resolved per video by the sample. VS_ERR_INVALID_ARG with a
/// message naming the option for an unknown preset, a preset given twice, more than max
/// views, or custom fields with several presets. Thread-safety: Safe.
VS_API int vs_views_build(const VsViewOptions *o, VsView *views, size_t max, size_t *count);

/* ----------------------------------------------------------------- sample */

typedef struct VsSampleSettings {
    const char *strategy;    ///< vs_plan_create's strategy text (default NULL = "fps:2")
    VsPlanSettings plan;     ///< trim, frame budgets and seed (default vs_plan_default_settings)
    VsSourceSettings source; ///< decoder threads; scan = 1 forces a packet scan, which the sample
                             ///< does anyway when the strategy needs it (default vs_source_default_settings)
    VsReaderSettings reader; ///< backend, seek mode, prefetch, segments (default vs_reader_default_settings)
    int pad;                 ///< 1 = pad the frame count to the views' largest t_multiple by
                             ///< repeating the last frame, as Qwen2-VL's processor (default 1)
    /// visual tokens the sample may hold over all its views (vs_view_tokens, padding
    /// included): smart views get at most max_tokens * factor^2 total pixels (qwen-vl-utils'
    /// total_pixels), then the plan keeps the most times that fit, spread evenly over it;
    /// VS_ERR_INVALID_ARG when a view's tokens are unknown or one frame does not fit
    /// (default 0 = no budget)
    int64_t max_tokens;
    uint8_t reserved[56];
} VsSampleSettings;

/// One video's sample. Thread-safety: Unsafe; independent samples may be used from
/// different threads at once.
typedef struct VsSample VsSample;

/// Thread-safety: Safe.
VS_API void vs_sample_default_settings(VsSampleSettings *s);

/// Open the input (a path, URL, buffer or caller reads, as vs_source_open_input), scanning
/// it when the strategy needs every frame's time, plan it, size the views for it and open
/// a reader. A ",dedup" strategy does its whole decode here: every candidate frame is
/// fetched once and preprocessed, the kept ones' views spooled to an unnamed file in
/// $TMPDIR (else /tmp), so that vs_sample_frames() is known on return (README
/// "Content-aware strategies"). views (nviews >= 1) and settings are copied; the
/// strategy text is read during the call only. On success *out belongs to the caller
/// until vs_sample_close(). Thread-safety: Safe: each call makes a sample of its own.
VS_API int vs_sample_open(VsSample **out, const VsInput *input, const VsView *views, size_t nviews,
                          const VsSampleSettings *settings);
/// The same over a source the caller opened (any input; scanned by the caller when
/// vs_strategy_needs_scan() says so); src is borrowed and must outlive the sample, and
/// nothing else may use it until the sample is closed. Several samples may use one
/// source one after another (ablate's strategies).
VS_API int vs_sample_open_source(VsSample **out, VsSource *src, const VsView *views, size_t nviews,
                                 const VsSampleSettings *settings);
/// Close the reader and what the sample owns (its source, when it opened it).
/// Thread-safety: Unsafe.
VS_API void vs_sample_close(VsSample **s);

/// The accessors: what they return is owned by the sample and lives until it is closed.
VS_API VsSource *vs_sample_source(const VsSample *s);
VS_API const VsPlan *vs_sample_plan(const VsSample *s);
/// Frames the plan chose.
VS_API size_t vs_sample_planned_frames(const VsSample *s);
/// Frames of the sample: the planned ones, padded (T of every tensor).
VS_API size_t vs_sample_frames(const VsSample *s);
VS_API size_t vs_sample_num_views(const VsSample *s);
/// The views as sized for this video (smart views resolved), vs_sample_num_views() of them.
VS_API const VsView *vs_sample_views(const VsSample *s);
/// Shape of view v's tensor: [T, 3, H, W] (TCHW) or [T, H, W, 3] (THWC) into shape[4].
VS_API int vs_sample_shape(const VsSample *s, size_t v, int64_t shape[4]);
/// The sample's metadata as one JSON object text: source, stream info, strategy,
/// plan note, seek mode, padded frames, the views as sized, and "model": what the
/// model's processor needs (frame indices, source fps, sample fps, Qwen's
/// video_grid_thw / second_per_grid_ts / timestamps, Apollo's clip spans; README
/// "Model inputs"). NULL when out of memory.
VS_API const char *vs_sample_metadata_json(VsSample *s);

/// The next frame of the sample (padding included: a padded frame repeats the last
/// planned frame, its pts, target and clip) into dst[v] (vs_view_frame_bytes of view v;
/// dst may be NULL to fetch without preprocessing). 1 when a frame was written, 0 at the
/// end, or a negative VS_ERR_*. info->index counts sample frames.
VS_API int vs_sample_next(VsSample *s, void *const *dst, VsFrameInfo *info);
/// Every frame from the first not yet read: dst[v] holds vs_sample_frames() frames of view
/// v (frame i at i * frame bytes); pts, target (double) and clip (int32) hold one value per
/// frame, each may be NULL. Returns 0 or a negative VS_ERR_*.
VS_API int vs_sample_read(VsSample *s, void *const *dst, double *pts, double *target, int32_t *clip);

/// Called after each frame written: return nonzero to stop (the sample is then aborted
/// and vs_sample_write returns VS_ERR_CANCELLED).
typedef int (*VsProgressCallback)(void *opaque, size_t done, size_t total);
/// Read every frame into w as sample key (vs_shard_begin_sample .. vs_shard_end_sample),
/// with the metadata above; on failure nothing of the sample stays in the writer, and
/// *output_failed (may be NULL) is 1 when the writer failed, 0 when the input did.
/// progress may be NULL.
VS_API int vs_sample_write(VsSample *s, VsShardWriter *w, const char *key, VsProgressCallback progress,
                           void *opaque, int *output_failed);

/// Frames the decoder produced so far, and the backend the reader runs on.
VS_API int64_t vs_sample_frames_decoded(const VsSample *s);
VS_API int vs_sample_backend(const VsSample *s);

#ifdef __cplusplus
}
#endif
#endif /* VSAMPLE_SAMPLE_H */

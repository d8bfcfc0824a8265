/* sizeof and offsetof of every field of the public structs the Python binding
 * mirrors with ctypes, as JSON: {"VsView": {"size": N, "fields": {"name": [offset, size], ...}}, ...}.
 * tests/python/test_structs.py compares them with ctypes.sizeof / Structure offsets;
 * the compiler, not a hand-written table, is the reference. */
#include "vsample/sample.h"
#include "vsample/vsample.h"

#include <stddef.h>
#include <stdio.h>

#define BEGIN(T) printf("%s\"" #T "\": {\"size\": %zu, \"fields\": {", first++ ? ", " : "", sizeof(T)); \
    sep = ""
#define FIELD(T, f) printf("%s\"" #f "\": [%zu, %zu]", sep, offsetof(T, f), sizeof(((T *)0)->f)), sep = ", "
#define END() printf("}}")

int main(void)
{
    int first = 0;
    const char *sep;
    printf("{");
    BEGIN(VsRational); FIELD(VsRational, num); FIELD(VsRational, den); END();

    BEGIN(VsStreamInfo);
    FIELD(VsStreamInfo, path); FIELD(VsStreamInfo, container); FIELD(VsStreamInfo, codec);
    FIELD(VsStreamInfo, stream_index); FIELD(VsStreamInfo, duration); FIELD(VsStreamInfo, duration_source);
    FIELD(VsStreamInfo, start_time); FIELD(VsStreamInfo, start_pts); FIELD(VsStreamInfo, time_base);
    FIELD(VsStreamInfo, avg_frame_rate); FIELD(VsStreamInfo, real_frame_rate);
    FIELD(VsStreamInfo, header_frames); FIELD(VsStreamInfo, counted_frames); FIELD(VsStreamInfo, keyframes);
    FIELD(VsStreamInfo, coded_width); FIELD(VsStreamInfo, coded_height); FIELD(VsStreamInfo, rotation);
    FIELD(VsStreamInfo, sample_aspect_ratio); FIELD(VsStreamInfo, display_width);
    FIELD(VsStreamInfo, display_height); FIELD(VsStreamInfo, pix_fmt); FIELD(VsStreamInfo, bit_depth);
    FIELD(VsStreamInfo, color_matrix); FIELD(VsStreamInfo, color_range); FIELD(VsStreamInfo, color_primaries);
    FIELD(VsStreamInfo, color_transfer); FIELD(VsStreamInfo, vfr); FIELD(VsStreamInfo, reserved);
    END();

    BEGIN(VsSourceSettings);
    FIELD(VsSourceSettings, threads); FIELD(VsSourceSettings, scan); FIELD(VsSourceSettings, io_timeout_ms);
    FIELD(VsSourceSettings, interrupt); FIELD(VsSourceSettings, interrupt_opaque); FIELD(VsSourceSettings, reserved);
    END();

    BEGIN(VsIO); FIELD(VsIO, opaque); FIELD(VsIO, read); FIELD(VsIO, seek); END();

    BEGIN(VsInput);
    FIELD(VsInput, path); FIELD(VsInput, data); FIELD(VsInput, size); FIELD(VsInput, io);
    FIELD(VsInput, name); FIELD(VsInput, reserved);
    END();

    BEGIN(VsPlanInput);
    FIELD(VsPlanInput, duration); FIELD(VsPlanInput, avg_frame_rate); FIELD(VsPlanInput, frame_count);
    FIELD(VsPlanInput, keyframe_times); FIELD(VsPlanInput, n_keyframes); FIELD(VsPlanInput, frame_times);
    FIELD(VsPlanInput, n_frame_times); FIELD(VsPlanInput, packet_end); FIELD(VsPlanInput, analysis_times);
    FIELD(VsPlanInput, analysis_scores); FIELD(VsPlanInput, n_analysis); FIELD(VsPlanInput, reserved);
    END();

    BEGIN(VsPlanSettings);
    FIELD(VsPlanSettings, start); FIELD(VsPlanSettings, end); FIELD(VsPlanSettings, min_frames);
    FIELD(VsPlanSettings, max_frames); FIELD(VsPlanSettings, seed); FIELD(VsPlanSettings, reserved);
    END();

    BEGIN(VsView);
    FIELD(VsView, name); FIELD(VsView, width); FIELD(VsView, height); FIELD(VsView, resize);
    FIELD(VsView, filter); FIELD(VsView, crop_round); FIELD(VsView, rescale); FIELD(VsView, mean);
    FIELD(VsView, std); FIELD(VsView, pad_fill); FIELD(VsView, dtype); FIELD(VsView, layout);
    FIELD(VsView, t_multiple); FIELD(VsView, smart_factor); FIELD(VsView, smart_min_pixels);
    FIELD(VsView, smart_max_pixels); FIELD(VsView, smart_total_pixels); FIELD(VsView, reserved);
    END();

    BEGIN(VsViewOptions);
    FIELD(VsViewOptions, presets); FIELD(VsViewOptions, width); FIELD(VsViewOptions, height);
    FIELD(VsViewOptions, resize); FIELD(VsViewOptions, filter); FIELD(VsViewOptions, mean_set);
    FIELD(VsViewOptions, mean); FIELD(VsViewOptions, std_set); FIELD(VsViewOptions, std);
    FIELD(VsViewOptions, dtype); FIELD(VsViewOptions, layout); FIELD(VsViewOptions, reserved);
    END();

    BEGIN(VsSampleSettings);
    FIELD(VsSampleSettings, strategy); FIELD(VsSampleSettings, plan); FIELD(VsSampleSettings, source);
    FIELD(VsSampleSettings, reader); FIELD(VsSampleSettings, pad); FIELD(VsSampleSettings, max_tokens); FIELD(VsSampleSettings, reserved);
    END();

    BEGIN(VsReaderSettings);
    FIELD(VsReaderSettings, backend); FIELD(VsReaderSettings, gpu); FIELD(VsReaderSettings, seek);
    FIELD(VsReaderSettings, prefetch); FIELD(VsReaderSettings, segments);
    FIELD(VsReaderSettings, reserved);
    END();

    BEGIN(VsPlanScene);
    FIELD(VsPlanScene, start); FIELD(VsPlanScene, end); FIELD(VsPlanScene, score); FIELD(VsPlanScene, frames);
    END();

    BEGIN(VsPlanDrop);
    FIELD(VsPlanDrop, time); FIELD(VsPlanDrop, change);
    END();

    BEGIN(VsFrameInfo);
    FIELD(VsFrameInfo, index); FIELD(VsFrameInfo, target); FIELD(VsFrameInfo, pts); FIELD(VsFrameInfo, clip);
    END();
    printf("}\n");
    return 0;
}

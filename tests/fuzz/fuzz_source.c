/* Open a video from memory with a packet scan, read its info and plan input. */
#include "fuzz.h"

#include "vsample/vsample.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VsSourceSettings set;
    vs_source_default_settings(&set);
    set.scan = 1;
    set.threads = 1;
    VsSource *src = NULL;
    if (vs_source_open_input(&src, &(VsInput){ .data = data, .size = size, .name = "fuzz" }, &set) < 0)
        return 0;
    const VsStreamInfo *info = vs_source_info(src);
    free(vs_stream_info_json(info));
    VsPlanInput in;
    if (vs_source_plan_input(src, &in) == 0) {
        volatile double sum = in.duration + in.avg_frame_rate + in.packet_end;
        for (size_t i = 0; i < in.n_frame_times; i++)
            sum += in.frame_times[i];
        for (size_t i = 0; i < in.n_keyframes; i++)
            sum += in.keyframe_times[i];
        (void)sum;
    }
    vs_source_close(&src);
    return 0;
}

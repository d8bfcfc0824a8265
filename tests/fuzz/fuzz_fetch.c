/* Read two small plans of a video from memory into a tiny u8 view: uniform:3
 * with exact seeks, fps:1 (at most 8 times) with approximate ones. */
#include "fuzz.h"

#include "vsample/vsample.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fuzz_quiet();
    return 0;
}

static void read_plan(VsSource *src, const VsPlanInput *in, const char *strategy, int seek)
{
    VsPlanSettings ps;
    vs_plan_default_settings(&ps);
    ps.max_frames = 8;
    VsPlan *plan = NULL;
    if (vs_plan_create(&plan, in, strategy, &ps) < 0)
        return;
    VsView view;
    vs_view_default(&view);
    view.width = view.height = 16;
    view.dtype = VS_DTYPE_U8;
    VsReaderSettings rs;
    vs_reader_default_settings(&rs);
    rs.seek = seek;
    rs.prefetch = -1;
    rs.segments = 1;
    VsReader *r = NULL;
    uint8_t frame[3 * 16 * 16];
    void *dst[1] = { frame };
    if (vs_reader_open(&r, src, plan, &view, 1, &rs) == 0) {
        VsFrameInfo fi;
        for (int i = 0; i < 64 && vs_reader_next(r, dst, &fi) == 1; i++) {
        }
    }
    vs_reader_close(&r);
    vs_plan_free(&plan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VsSourceSettings set;
    vs_source_default_settings(&set);
    set.threads = 1;
    VsSource *src = NULL;
    if (vs_source_open_input(&src, &(VsInput){ .data = data, .size = size, .name = "fuzz" }, &set) < 0)
        return 0;
    VsPlanInput in;
    if (vs_source_plan_input(src, &in) == 0) {
        read_plan(src, &in, "uniform:3", VS_SEEK_EXACT);
        read_plan(src, &in, "fps:1", VS_SEEK_APPROXIMATE);
    }
    vs_source_close(&src);
    return 0;
}

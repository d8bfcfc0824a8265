/* A training loader's view of libvsample: open a video, plan fps:2, and read
 * SigLIP-384 tensors frame by frame into a buffer the caller owns.
 *   cc load_frames.c $(pkg-config --cflags --libs vsample) && ./a.out VIDEO */
#include <vsample/vsample.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VIDEO\n", argv[0]);
        return 2;
    }
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    VsReader *reader = NULL;
    VsPlanInput in;
    VsView view;
    void *frame = NULL;
    int ret, status = 1;

    if ((ret = vs_source_open(&src, argv[1], NULL)) < 0 ||
        (ret = vs_source_plan_input(src, &in)) < 0 ||
        (ret = vs_plan_create(&plan, &in, "fps:2", NULL)) < 0 ||
        (ret = vs_view_preset(&view, "siglip-384")) < 0 ||
        (ret = vs_reader_open(&reader, src, plan, &view, 1, NULL)) < 0)
        goto done;
    if (!(frame = malloc(vs_view_frame_bytes(&view))))
        goto done;
    VsFrameInfo fi;
    while ((ret = vs_reader_next(reader, &frame, &fi)) == 1)
        printf("frame %zu: asked %.3f s, got the frame shown from %.3f s\n", fi.index, fi.target, fi.pts);
    status = ret < 0;
done:
    if (ret < 0)
        fprintf(stderr, "load_frames: %s\n", vs_last_error());
    free(frame);
    vs_reader_close(&reader);
    vs_plan_free(&plan);
    vs_source_close(&src);
    return status;
}

/* vsample preview VIDEO -o sheet.png|sheet.jpg: a contact sheet of the frames a
 * strategy samples, each labelled with its plan index and the time of the frame
 * actually shown, under a header naming the file, strategy and duration. The
 * thumbnails come from the library's own reader (u8 thwc, squash to the display
 * aspect ratio), so rotation is applied exactly as extract applies it. */
#include "cli.h"
#include "sheet.h"
#include "timefmt.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    MIN_THUMB = 16,
    MAX_THUMB = 4096,
    MAX_COLUMNS = 1000,
};


typedef struct Preview {
    PlanOptions plan;
    const char *input, *output;
    int type;          /* enum PictureType */
    int columns;       /* 0 = about a square grid */
    int thumb;         /* thumbnail width */
    int quiet;
    VsReaderSettings reader; /* --backend / --gpu */
} Preview;

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* The sheet's layout, or EXIT_USAGE (message printed) when it is over the limits. */
static int layout_sheet(SheetLayout *l, const Preview *o, const VsStreamInfo *in, size_t n,
                        const char *header, const char *note)
{
    if (sheet_layout(l, n, o->columns, o->thumb, sheet_thumb_height(in, o->thumb), in->duration, header, note) < 0) {
        fprintf(stderr, "vsample: %s: %zu frames of %dx%d make a %dx%.0f sheet, over the limit of %d pixels a "
                "side and %.0f in all (lower --thumb or the number of frames)\n",
                o->input, n, l->thumb_w, l->thumb_h, l->width, l->full_height, PICTURE_MAX_SIDE, SHEET_MAX_PIXELS);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The directory the picture goes to must take a new file: found out before any decoding. */
static int check_output_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = !slash ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (!dir) {
        fprintf(stderr, "vsample: %s: out of memory\n", path);
        return EXIT_INTERNAL;
    }
    int code = EXIT_OK;
    if (access(dir, W_OK | X_OK) < 0) {
        fprintf(stderr, "vsample: %s: cannot write into %s: %s\n", path, dir, strerror(errno));
        code = EXIT_OUTPUT;
    }
    free(dir);
    return code;
}

static int make_sheet(const Preview *o)
{
    VsSource *src = NULL;
    VsPlan *plan = NULL;
    VsReader *reader = NULL;
    Picture pic = {0};
    void *buf = NULL;
    int code = EXIT_OK, ret;
    if ((ret = open_and_plan(o->input, &o->plan, &src, &plan)) < 0) {
        if (cli_interrupted) { /* a dedup plan fetches its frames: stopped there */
            fprintf(stderr, "vsample: %s: interrupted; nothing written\n", o->output);
            code = EXIT_INTERRUPTED;
            goto done;
        }
        /* the options were checked: what fails now is about this input */
        code = report_error(o->input, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        goto done;
    }
    const VsStreamInfo *info = vs_source_info(src);
    size_t n = vs_plan_count(plan);
    char header[1400], duration[32];
    format_time(duration, sizeof(duration), info->duration, info->duration);
    snprintf(header, sizeof(header), "%s  %s  %zu frame%s  duration %s", base_name(o->input),
             vs_plan_strategy(plan), n, n == 1 ? "" : "s", duration);
    SheetLayout l;
    if ((code = layout_sheet(&l, o, info, n, header, vs_plan_note(plan))) != EXIT_OK)
        goto done;

    VsView view;
    vs_view_default(&view);
    snprintf(view.name, sizeof(view.name), "preview");
    view.width = l.thumb_w;
    view.height = l.thumb_h;
    view.resize = VS_RESIZE_SQUASH;
    view.filter = VS_FILTER_BICUBIC;
    view.dtype = VS_DTYPE_U8;
    view.layout = VS_LAYOUT_THWC;
    if ((ret = vs_reader_open(&reader, src, plan, &view, 1, &o->reader)) < 0) {
        code = report_error(o->input, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        goto done;
    }
    if (!(buf = malloc(vs_view_frame_bytes(&view))) || sheet_begin(&pic, &l, header, vs_plan_note(plan)) < 0) {
        fprintf(stderr, "vsample: %s: out of memory for a %dx%d sheet\n", o->output, l.width, l.height);
        code = EXIT_INTERNAL;
        goto done;
    }
    VsFrameInfo fi;
    while (!cli_interrupted && (ret = vs_reader_next(reader, &buf, &fi)) == 1)
        sheet_put(&pic, &l, fi.index, buf, fi.pts);
    if (cli_interrupted) {
        code = EXIT_INTERRUPTED;
        goto done;
    }
    if (ret < 0) {
        code = report_error(o->input, ret) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_INPUT;
        goto done;
    }
    if ((ret = picture_save(&pic, o->output, o->type, &cli_interrupted)) < 0) {
        if (ret == -EINTR) {
            code = EXIT_INTERRUPTED;
            goto done;
        }
        fprintf(stderr, "vsample: %s: cannot write: %s\n", o->output, strerror(-ret));
        code = ret == -ENOMEM ? EXIT_INTERNAL : EXIT_OUTPUT;
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "vsample: %s: %zu frames of %s (%dx%d thumbnails, %d columns, %dx%d)\n", o->output, n,
                o->input, l.thumb_w, l.thumb_h, l.columns, l.width, l.height);
done:
    if (code == EXIT_INTERRUPTED)
        fprintf(stderr, "vsample: %s: interrupted; nothing written\n", o->output);
    picture_free(&pic);
    free(buf);
    vs_reader_close(&reader);
    vs_plan_free(&plan);
    vs_source_close(&src);
    return code;
}

static int parse_args(Preview *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int r = plan_option(&o->plan, argc, argv, &i);
        if (!r)
            r = backend_option(&o->reader, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r)
            continue;
        const char *a = argv[i];
        int64_t v;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a file name", a);
            o->output = argv[++i];
        } else if (!strcmp(a, "--columns") || !strcmp(a, "--thumb")) {
            int thumb = !strcmp(a, "--thumb");
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            if (parse_int64(a, argv[++i], thumb ? MIN_THUMB : 1, thumb ? MAX_THUMB : MAX_COLUMNS, &v) < 0)
                return EXIT_USAGE;
            *(thumb ? &o->thumb : &o->columns) = (int)v;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("preview: unknown option %s", a);
        } else if (o->input) {
            return usage_error("preview: one video at a time");
        } else {
            o->input = a;
        }
    }
    if (!o->input)
        return usage_error("preview: missing VIDEO");
    if (!o->output)
        return usage_error("preview: missing -o sheet.png|sheet.jpg");
    if ((o->type = picture_type_for_path(o->output)) == PICTURE_UNKNOWN)
        return usage_error("%s: unknown picture type (expected .png, .jpg or .jpeg)", o->output);
    if (vs_backend_available(o->reader.backend, o->reader.gpu) < 0)
        return usage_error("--backend: %s", vs_last_error());
    return check_plan_options(&o->plan);
}

int cmd_preview(int argc, char **argv)
{
    Preview o;
    memset(&o, 0, sizeof(o));
    plan_options_default(&o.plan);
    vs_reader_default_settings(&o.reader);
    o.reader.backend = VS_BACKEND_AUTO;
    o.plan.strategy = "uniform:16";
    o.thumb = 240;
    int code = parse_args(&o, argc, argv);
    if (code == EXIT_OK)
        code = check_output_dir(o.output);
    if (code != EXIT_OK)
        return code;
    cli_catch_interrupts();
    return make_sheet(&o);
}

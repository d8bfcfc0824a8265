/* Command-line options that describe the output views. */
#ifndef VSAMPLE_VIEW_OPTIONS_H
#define VSAMPLE_VIEW_OPTIONS_H

#include "cli.h"

#define MAX_VIEWS 8

typedef struct ViewOptions {
    const char *presets; /* comma-separated */
    int preset_given;
    int custom;          /* any of --size/--resize/--filter/--mean/--std */
    int width, height, resize, filter;
    int resize_given, filter_given, mean_given, std_given;
    float mean[3], std[3];
    int dtype, layout;
} ViewOptions;

void view_options_default(ViewOptions *o);
/* 1 consumed, 0 not a view option, -1 bad value (message printed). */
int view_option(ViewOptions *o, int argc, char **argv, int *i);
/* The views the options describe; 0 or EXIT_USAGE (message printed). */
int view_options_build(const ViewOptions *o, VsView *views, size_t max, size_t *count);

#endif

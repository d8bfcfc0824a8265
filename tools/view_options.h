/* Command-line options that describe the output views (--preset, --size,
 * --resize, --filter, --mean, --std, --dtype, --layout): parsed here, turned
 * into views by the library (vs_views_build), as the binding's load() does. */
#ifndef VSAMPLE_VIEW_OPTIONS_H
#define VSAMPLE_VIEW_OPTIONS_H

#include "cli.h"
#include "vsample/sample.h"

#define MAX_VIEWS 8

typedef VsViewOptions ViewOptions;

void view_options_default(ViewOptions *o);
/* 1 consumed, 0 not a view option, -1 bad value (message printed). */
int view_option(ViewOptions *o, int argc, char **argv, int *i);
/* The views the options describe; 0 or EXIT_USAGE (message printed). */
int view_options_build(const ViewOptions *o, VsView *views, size_t max, size_t *count);

#endif

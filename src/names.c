/* The text names of the public enums: one table each, used by the CLI, the
 * metadata the sink writes and anything else that prints or parses them. */
#include "internal.h"

#include <string.h>

static const char *const DURATION_SOURCES[] = {"unknown", "index", "stream", "format", "scan"};
static const char *const RESIZES[] = {"squash", "short-crop", "pad", "smart"};
static const char *const FILTERS[] = {"bicubic", "bilinear", "area", "lanczos"};
static const char *const LAYOUTS[] = {"tchw", "thwc"};
static const char *const SEEKS[] = {"exact", "approximate"};
static const char *const BACKENDS[] = {"cpu", "auto", "vulkan"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NAME(table, v) ((v) >= 0 && (v) < COUNT(table) ? (table)[v] : NULL)

static int from_name(const char *const *table, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (!strcmp(table[i], name))
            return i;
    return -1;
}

const char *vs_duration_source_name(int source) { return NAME(DURATION_SOURCES, source); }
const char *vs_resize_name(int resize) { return NAME(RESIZES, resize); }
const char *vs_filter_name(int filter) { return NAME(FILTERS, filter); }
const char *vs_layout_name(int layout) { return NAME(LAYOUTS, layout); }
const char *vs_seek_name(int seek) { return NAME(SEEKS, seek); }
const char *vs_backend_name(int backend) { return NAME(BACKENDS, backend); }

int vs_resize_from_name(const char *name) { return from_name(RESIZES, COUNT(RESIZES), name); }
int vs_filter_from_name(const char *name) { return from_name(FILTERS, COUNT(FILTERS), name); }
int vs_layout_from_name(const char *name) { return from_name(LAYOUTS, COUNT(LAYOUTS), name); }
int vs_seek_from_name(const char *name) { return from_name(SEEKS, COUNT(SEEKS), name); }
int vs_backend_from_name(const char *name) { return from_name(BACKENDS, COUNT(BACKENDS), name); }

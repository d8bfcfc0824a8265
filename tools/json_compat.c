/* See json_compat.h: the old FILE-printing helpers, now over jansson. */
#include "cli.h"

#include <stdlib.h>

#include "json_compat.h"

static void dump(FILE *f, json_t *v)
{
    if (!v || json_dumpf(v, f, JSON_ENCODE_ANY) < 0)
        fputs("null", f);
    json_decref(v);
}

void compat_json_string(FILE *f, const char *s)
{
    dump(f, cli_json_text(s));
}

void compat_json_number(FILE *f, double v)
{
    dump(f, cli_json_real(v));
}

void compat_json_stream_info(FILE *f, const VsStreamInfo *in)
{
    char *text = vs_stream_info_json(in);
    fputs(text ? text : "null", f);
    free(text);
}

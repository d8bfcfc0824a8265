/* One line of a JSONL manifest: a JSON object with "path" (string, required),
 * "key", "strategy" (strings), "start", "end" (numbers >= 0); null is unset,
 * other members (captions, labels...) are skipped. Parsed by jansson. */
#include "batch.h"

#include <stdlib.h>
#include <string.h>

/* A string member into *out (replaced); null or absent leaves it unset. */
static const char *member_string(json_t *o, const char *name, char **out, const char *why)
{
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v))
        return why;
    free(*out);
    if (!(*out = strdup(json_string_value(v))))
        return "out of memory";
    return NULL;
}

static const char *member_time(json_t *o, const char *name, double *out, int *has, const char *why)
{
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_number(v) || json_number_value(v) < 0)
        return why;
    *out = json_number_value(v);
    *has = 1;
    return NULL;
}

const char *batch_json_entry(const char *line, BatchEntry *e, char *buf, size_t size)
{
    json_error_t err;
    json_t *o = json_loads(line, JSON_DECODE_ANY, &err);
    const char *why = NULL;
    if (!o) {
        snprintf(buf, size, "%s (column %d)", err.text, err.column);
        return buf;
    }
    if (!json_is_object(o))
        why = "not a JSON object";
    if (!why)
        why = member_string(o, "path", &e->path, "\"path\" is not a string");
    if (!why)
        why = member_string(o, "key", &e->key, "\"key\" is not a string");
    if (!why)
        why = member_string(o, "strategy", &e->strategy, "\"strategy\" is not a string");
    if (!why)
        why = member_time(o, "start", &e->start, &e->has_start, "\"start\" is not a number >= 0");
    if (!why)
        why = member_time(o, "end", &e->end, &e->has_end, "\"end\" is not a number >= 0");
    if (!why && (!e->path || !*e->path))
        why = e->path ? "\"path\" is empty" : "no \"path\"";
    json_decref(o);
    return why;
}

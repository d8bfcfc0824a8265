/* Index files in the shard writer's format, read into entries and written back
 * (batch_index.h). */
#include "batch_index.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Entry *entries_push(Entries *es)
{
    if (es->n == es->cap) {
        size_t cap = es->cap ? 2 * es->cap : 64;
        Entry *v = realloc(es->v, cap * sizeof(*v));
        if (!v) {
            es->oom = 1;
            return NULL;
        }
        es->v = v;
        es->cap = cap;
    }
    Entry *e = &es->v[es->n++];
    memset(e, 0, sizeof(*e));
    return e;
}

void entry_free(Entry *e)
{
    free(e->key);
    json_decref(e->value);
    json_decref(e->error);
    json_decref(e->files);
    memset(e, 0, sizeof(*e));
}

void entries_free(Entries *es)
{
    for (size_t i = 0; i < es->n; i++)
        entry_free(&es->v[i]);
    free(es->v);
    memset(es, 0, sizeof(*es));
}

int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->key, ((const Entry *)b)->key);
}

void entries_sort(Entries *es)
{
    cli_sort(es->v, es->n, sizeof(*es->v), entry_cmp);
}

/* One sample's value checked, with prefix (or NULL) put before its shard
 * names; *out gets the entries of files (the index's "files", or NULL) for
 * its shards, under their new names. */
static const char *check_sample(json_t *value, const char *prefix, json_t *files, json_t **out)
{
    json_t *parts = json_object_get(value, "parts"), *part;
    size_t i;
    if (!json_is_object(value) || !json_is_integer(json_object_get(value, "frames")) || !json_is_array(parts) ||
        !json_is_object(json_object_get(value, "metadata")))
        return "a sample lacks \"frames\", \"parts\" or \"metadata\"";
    json_array_foreach(parts, i, part) {
        const char *shard = json_string_value(json_object_get(part, "shard"));
        if (!shard)
            return "a part has no \"shard\" name";
        json_t *info = json_object_get(files, shard);
        if (info && !json_is_object(info))
            return "a \"files\" entry is not an object";
        char *path = NULL;
        if (asprintf(&path, "%s%s", prefix ? prefix : "", shard) < 0)
            return "out of memory";
        int rc = prefix ? json_object_set_new(part, "shard", json_string(path)) : 0;
        if (!rc && info && !*out && !(*out = json_object()))
            rc = -1;
        if (!rc && info)
            rc = json_object_set(*out, path, info);
        free(path);
        if (rc < 0)
            return "out of memory";
    }
    return NULL;
}

const char *index_parse(json_t *index, const json_error_t *err, const char *prefix, const char *want_key,
                        Entries *out, char *buf, size_t size)
{
    json_t *samples, *value;
    const char *why = NULL, *key;
    size_t n = out->n;
    if (!index) {
        if (err->line > 0)
            snprintf(buf, size, "not valid JSON: line %d column %d: %s", err->line, err->column, err->text);
        else
            snprintf(buf, size, "%s", err->text);
        return buf;
    }
    samples = json_object_get(index, "samples");
    if (!json_is_object(index) || json_integer_value(json_object_get(index, "version")) != 1 ||
        !json_is_string(json_object_get(index, "format")) ||
        strcmp(json_string_value(json_object_get(index, "format")), "vsample-shards") || !json_is_object(samples))
        why = "not a vsample index";
    else if (want_key && (json_object_size(samples) != 1 || !json_object_get(samples, want_key)))
        why = json_object_size(samples) == 1 ? "holds another key" : "does not hold exactly its sample";
    json_t *files = json_object_get(index, "files");
    if (!why && files && !json_is_object(files))
        why = "\"files\" is not an object";
    json_object_foreach(samples, key, value) {
        if (why)
            break;
        json_t *own = NULL;
        Entry *e = (why = check_sample(value, prefix, files, &own)) ? NULL : entries_push(out);
        if (!why && !e)
            why = "out of memory";
        if (why) {
            json_decref(own);
            break;
        }
        e->key = strdup(key);
        e->value = json_incref(value);
        e->files = own;
        if (!e->key)
            why = "out of memory";
    }
    json_decref(index);
    while (why && out->n > n)
        entry_free(&out->v[--out->n]);
    return why;
}

char *index_text(Entries *es)
{
    entries_sort(es);
    json_t *shards = json_array(), *samples = json_object(), *files = json_object();
    int ok = shards && samples && files;
    for (size_t i = 0; ok && i < es->n; i++) {
        json_t *part;
        size_t j;
        json_array_foreach(json_object_get(es->v[i].value, "parts"), j, part)
            ok = ok && !json_array_append(shards, json_object_get(part, "shard"));
        ok = ok && !json_object_set(samples, es->v[i].key, es->v[i].value);
        ok = ok && (!es->v[i].files || !json_object_update(files, es->v[i].files));
    }
    json_t *index = ok ? json_pack("{s:s, s:i, s:O, s:O, s:O}", "format", "vsample-shards", "version", 1, "shards",
                                   shards, "files", files, "samples", samples)
                       : NULL;
    char *text = index ? json_dumps(index, JSON_INDENT(1)) : NULL;
    char *out = NULL;
    if (text && asprintf(&out, "%s\n", text) < 0)
        out = NULL;
    free(text);
    json_decref(index);
    json_decref(shards);
    json_decref(samples);
    json_decref(files);
    return out;
}


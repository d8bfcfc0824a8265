/* One line of a JSONL manifest: a JSON object with "path" (string, required),
 * "key", "strategy" (strings), "start", "end" (numbers >= 0); null is unset,
 * other members (captions, labels...) are skipped. A small strict parser:
 * RFC 8259 strings (escapes, \uXXXX with surrogate pairs, to UTF-8) and
 * numbers; nesting up to 64 deep in skipped values. */
#include "batch.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Json {
    const char *p;
    const char *err;
} Json;

static void ws(Json *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')
        j->p++;
}

static int bad(Json *j, const char *why)
{
    if (!j->err)
        j->err = why;
    return -1;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t utf8(unsigned cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A string at j->p (at its '"'); *out (when out) gets it decoded, malloc'd. */
static int string(Json *j, char **out)
{
    const char *p = j->p + 1;
    size_t cap = strlen(p) + 1, n = 0; /* decoding never grows the text */
    char *s = out ? malloc(cap) : NULL;
    if (out && !s)
        return bad(j, "out of memory");
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            break;
        if (c < 0x20) {
            free(s);
            return bad(j, c ? "a control character in a string" : "a string is not closed");
        }
        if (c != '\\') {
            if (s)
                s[n++] = (char)c;
            p++;
            continue;
        }
        char e = p[1];
        const char *from = strchr("\"\\/bfnrt", e);
        if (e && from) {
            if (s)
                s[n++] = "\"\\/\b\f\n\r\t"[from - "\"\\/bfnrt"];
            p += 2;
            continue;
        }
        unsigned cp, lo;
        if (e != 'u' || hex4(p + 2, &cp) < 0) {
            free(s);
            return bad(j, "a bad escape in a string");
        }
        p += 6;
        if (cp >= 0xd800 && cp < 0xdc00 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, &lo) == 0 &&
            lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            p += 6;
        } else if (cp >= 0xd800 && cp < 0xe000) {
            free(s);
            return bad(j, "a lone surrogate in a string");
        }
        if (!cp) {
            free(s);
            return bad(j, "\\u0000 in a string");
        }
        if (s)
            n += utf8(cp, s + n);
    }
    j->p = p + 1;
    if (s) {
        s[n] = 0;
        *out = s;
    }
    return 0;
}

static int number(Json *j, double *out)
{
    const char *p = j->p;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return bad(j, "a bad value");
    if (*p == '.') {
        if (!(*++p >= '0' && *p <= '9'))
            return bad(j, "a bad number");
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return bad(j, "a bad number");
        while (*p >= '0' && *p <= '9')
            p++;
    }
    errno = 0;
    double v = strtod(j->p, NULL);
    if (errno == ERANGE && fabs(v) > 1)
        return bad(j, "a number out of range");
    if (out)
        *out = v;
    j->p = p;
    return 0;
}

static int literal(Json *j, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(j->p, word, n))
        return bad(j, "a bad value");
    j->p += n;
    return 0;
}

static int skip_value(Json *j, int depth)
{
    ws(j);
    if (depth > 64)
        return bad(j, "nested too deep");
    char c = *j->p;
    if (c == '"')
        return string(j, NULL);
    if (c == 't')
        return literal(j, "true");
    if (c == 'f')
        return literal(j, "false");
    if (c == 'n')
        return literal(j, "null");
    if (c != '{' && c != '[')
        return number(j, NULL);
    char close = c == '{' ? '}' : ']';
    j->p++;
    ws(j);
    if (*j->p == close) {
        j->p++;
        return 0;
    }
    for (;;) {
        ws(j);
        if (c == '{') {
            if (*j->p != '"' || string(j, NULL) < 0)
                return bad(j, "a member name is not a string");
            ws(j);
            if (*j->p++ != ':')
                return bad(j, "':' expected");
        }
        if (skip_value(j, depth + 1) < 0)
            return -1;
        ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p++ != close)
            return bad(j, c == '{' ? "',' or '}' expected" : "',' or ']' expected");
        return 0;
    }
}

static int is_null(Json *j)
{
    ws(j);
    if (strncmp(j->p, "null", 4))
        return 0;
    j->p += 4;
    return 1;
}

/* A string member's value; null leaves *out unset. */
static int member_string(Json *j, char **out, const char *what)
{
    if (is_null(j))
        return 0;
    if (*j->p != '"')
        return bad(j, what);
    free(*out);
    *out = NULL;
    return string(j, out);
}

static int member_time(Json *j, double *out, int *has, const char *what)
{
    if (is_null(j))
        return 0;
    double v;
    if (number(j, &v) < 0)
        return bad(j, what);
    if (v < 0)
        return bad(j, what);
    *out = v;
    *has = 1;
    return 0;
}

const char *batch_json_entry(const char *line, BatchEntry *e)
{
    Json j = {line, NULL};
    ws(&j);
    if (*j.p++ != '{')
        return "not a JSON object";
    ws(&j);
    if (*j.p == '}') {
        j.p++;
    } else {
        for (;;) {
            char *name = NULL;
            ws(&j);
            if (*j.p != '"' || string(&j, &name) < 0)
                return j.err ? j.err : "a member name is not a string";
            ws(&j);
            int rc = *j.p++ != ':' ? bad(&j, "':' expected") : 0;
            if (!rc && !strcmp(name, "path"))
                rc = member_string(&j, &e->path, "\"path\" is not a string");
            else if (!rc && !strcmp(name, "key"))
                rc = member_string(&j, &e->key, "\"key\" is not a string");
            else if (!rc && !strcmp(name, "strategy"))
                rc = member_string(&j, &e->strategy, "\"strategy\" is not a string");
            else if (!rc && !strcmp(name, "start"))
                rc = member_time(&j, &e->start, &e->has_start, "\"start\" is not a number >= 0");
            else if (!rc && !strcmp(name, "end"))
                rc = member_time(&j, &e->end, &e->has_end, "\"end\" is not a number >= 0");
            else if (!rc)
                rc = skip_value(&j, 1);
            free(name);
            if (rc < 0)
                return j.err;
            ws(&j);
            if (*j.p == ',') {
                j.p++;
                continue;
            }
            if (*j.p++ != '}')
                return "',' or '}' expected";
            break;
        }
    }
    ws(&j);
    if (*j.p)
        return "text after the JSON object";
    if (!e->path || !*e->path)
        return e->path ? "\"path\" is empty" : "no \"path\"";
    return NULL;
}

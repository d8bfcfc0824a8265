/* Text helpers of the shard writer: growable buffer, JSON escaping and a
 * strict JSON checker. The checker exists because the caller's metadata is
 * pasted into safetensors headers and index.json: one stray byte there would
 * make every shard unreadable, so bad metadata is refused up front. */
#include "shard_json.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vs_buf_free(VsBuf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void vs_buf_truncate(VsBuf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

static int buf_reserve(VsBuf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (extra < b->cap - b->len)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return 0;
        }
        cap *= 2;
    }
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void vs_buf_put(VsBuf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vs_buf_puts(VsBuf *b, const char *s)
{
    vs_buf_put(b, s, strlen(s));
}

void vs_buf_printf(VsBuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof(small)) {
        vs_buf_put(b, small, (size_t)n);
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void vs_buf_json_escape(VsBuf *b, const char *s, size_t n)
{
    size_t run = 0; // bytes copied as they are, flushed in one put
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        vs_buf_put(b, s + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            vs_buf_put(b, esc, 2);
        } else {
            vs_buf_printf(b, "\\u%04x", c);
        }
    }
    vs_buf_put(b, s + run, n - run);
}

/* Length of the UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

int vs_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_seq(p + i, n - i);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

/* ------------------------------------------------------------ JSON checker */

enum { JSON_MAX_DEPTH = 64 };

typedef struct Cursor {
    const unsigned char *p;
} Cursor;

static void skip_ws(Cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
        c->p++;
}

static int is_hex(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static int parse_string(Cursor *c)
{
    if (*c->p++ != '"')
        return 0;
    for (;;) {
        unsigned char ch = *c->p;
        if (ch == '"') {
            c->p++;
            return 1;
        }
        if (ch < 0x20) // also the terminating NUL
            return 0;
        if (ch == '\\') {
            unsigned char e = c->p[1];
            if (e == 'u') {
                for (int i = 2; i < 6; i++)
                    if (!is_hex(c->p[i]))
                        return 0;
                c->p += 6;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                c->p += 2;
            } else {
                return 0;
            }
            continue;
        }
        size_t len = utf8_seq(c->p, strnlen((const char *)c->p, 4));
        if (!len)
            return 0;
        c->p += len;
    }
}

static int parse_digits(Cursor *c)
{
    if (*c->p < '0' || *c->p > '9')
        return 0;
    while (*c->p >= '0' && *c->p <= '9')
        c->p++;
    return 1;
}

static int parse_number(Cursor *c)
{
    if (*c->p == '-')
        c->p++;
    if (*c->p == '0')
        c->p++;
    else if (!parse_digits(c))
        return 0;
    if (*c->p == '.') {
        c->p++;
        if (!parse_digits(c))
            return 0;
    }
    if (*c->p == 'e' || *c->p == 'E') {
        c->p++;
        if (*c->p == '+' || *c->p == '-')
            c->p++;
        if (!parse_digits(c))
            return 0;
    }
    return 1;
}

static int parse_literal(Cursor *c, const char *word)
{
    size_t n = strlen(word);
    if (strncmp((const char *)c->p, word, n) != 0)
        return 0;
    c->p += n;
    return 1;
}

static int parse_value(Cursor *c, int depth);

/* Object or array: open, items separated by commas, close. */
static int parse_container(Cursor *c, int depth, char close)
{
    c->p++;
    skip_ws(c);
    if (*c->p == (unsigned char)close) {
        c->p++;
        return 1;
    }
    for (;;) {
        if (close == '}') {
            if (!parse_string(c))
                return 0;
            skip_ws(c);
            if (*c->p++ != ':')
                return 0;
        }
        if (!parse_value(c, depth + 1))
            return 0;
        skip_ws(c);
        unsigned char ch = *c->p++;
        if (ch == (unsigned char)close)
            return 1;
        if (ch != ',')
            return 0;
        skip_ws(c);
    }
}

static int parse_value(Cursor *c, int depth)
{
    if (depth > JSON_MAX_DEPTH)
        return 0;
    skip_ws(c);
    switch (*c->p) {
    case '{': return parse_container(c, depth, '}');
    case '[': return parse_container(c, depth, ']');
    case '"': return parse_string(c);
    case 't': return parse_literal(c, "true");
    case 'f': return parse_literal(c, "false");
    case 'n': return parse_literal(c, "null");
    default: return parse_number(c);
    }
}

int vs_json_is_object(const char *s)
{
    Cursor c = {(const unsigned char *)s};
    skip_ws(&c);
    if (*c.p != '{' || !parse_value(&c, 0))
        return 0;
    skip_ws(&c);
    return *c.p == '\0';
}

/* Sample keys and partitions: pure functions of the manifest entry, the same
 * on every machine and in every run (SHA-1, not a seeded hash), so that K
 * processes that each read the whole manifest agree on who does what. */
#include "batch.h"

#include <libavutil/mem.h>
#include <libavutil/sha.h>
#include <stdlib.h>
#include <string.h>

static void sha1(const char *s, uint8_t out[20])
{
    struct AVSHA *ctx = av_sha_alloc();
    if (!ctx) { /* 200 bytes: only when memory is gone; a fixed digest keeps it pure */
        memset(out, 0, 20);
        return;
    }
    av_sha_init(ctx, 160);
    av_sha_update(ctx, (const uint8_t *)s, strlen(s));
    av_sha_final(ctx, out);
    av_free(ctx);
}

static int key_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

char *batch_default_key(const char *path)
{
    size_t n;
    const char *base = video_base_name(path, &n);
    const char *dot = memrchr(base, '.', n);
    if (dot && dot != base)
        n = (size_t)(dot - base);
    if (n > 64)
        n = 64;
    char key[64 + 1 + 16 + 1];
    for (size_t i = 0; i < n; i++)
        key[i] = key_char((unsigned char)base[i]) ? base[i] : '_';
    if (n && key[0] == '.') /* a hidden name stays visible */
        key[0] = '_';
    if (!n) {
        memcpy(key, "video", 5);
        n = 5;
    }
    uint8_t d[20];
    sha1(path, d);
    key[n++] = '-';
    for (int i = 0; i < 8; i++)
        n += (size_t)snprintf(key + n, 3, "%02x", d[i]);
    return strdup(key);
}

const char *batch_key_problem(const char *key)
{
    size_t n = strlen(key);
    if (!n)
        return "is empty";
    if (n > BATCH_KEY_MAX)
        return "is longer than 200 bytes";
    if (key[0] == '.')
        return "starts with '.'";
    for (size_t i = 0; i < n; i++)
        if (!key_char((unsigned char)key[i]))
            return "has a character other than letters, digits, '_', '-' and '.'";
    return NULL;
}

uint64_t batch_key_hash(const char *key)
{
    uint8_t d[20];
    sha1(key, d);
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | d[i];
    return h;
}

int batch_partition(const char *key, int n)
{
    return (int)(batch_key_hash(key) % (uint64_t)n);
}

/* strategy: parse and print the strategy text. Strict on purpose: a typo such
 * as "fps:2x" or "uniform:2.5" is refused, never read as something close. */
#include "strategy.h"
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECTED "(expected fps:F, uniform:N, clips:C,F,FPS, keyframes, timestamps:..., scenes)"

/* Longest number token we read ("0.000001" style decimals fit easily). */
#define MAX_TOKEN 63

/* One comma-separated field of the argument list. */
typedef struct Token {
    const char *p;
    size_t len;
} Token;

void vs_c_locale_enter(VsCLocale *l)
{
    l->c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    l->old = l->c ? uselocale(l->c) : (locale_t)0;
}

void vs_c_locale_leave(VsCLocale *l)
{
    if (!l->c)
        return;
    uselocale(l->old);
    freelocale(l->c);
}

static const char *after_prefix(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(text, prefix, n) ? NULL : text + n;
}

/* Split the next field off *cursor; returns 0 when no field is left. */
static int next_token(const char **cursor, Token *tok)
{
    if (!*cursor)
        return 0;
    const char *comma = strchr(*cursor, ',');
    tok->p = *cursor;
    tok->len = comma ? (size_t)(comma - *cursor) : strlen(*cursor);
    *cursor = comma ? comma + 1 : NULL;
    return 1;
}

static size_t count_tokens(const char *args)
{
    size_t n = 1;
    for (const char *p = args; *p; p++)
        n += *p == ',';
    return n;
}

/* NUL-terminated copy of tok that strtod/strtoll may read, or 0 when the token
 * cannot be a number at all (empty, too long, leading space that strto*
 * would silently skip). */
static int token_copy(const Token *tok, char buf[MAX_TOKEN + 1])
{
    if (tok->len == 0 || tok->len > MAX_TOKEN || isspace((unsigned char)tok->p[0]))
        return 0;
    memcpy(buf, tok->p, tok->len);
    buf[tok->len] = '\0';
    return 1;
}

/* 1 if tok is exactly a number (any sign, possibly not finite), 0 if not. */
static int token_double(const Token *tok, double *out)
{
    char buf[MAX_TOKEN + 1], *end;
    if (!token_copy(tok, buf))
        return 0;
    *out = strtod(buf, &end);
    return *end == '\0';
}

static int token_positive_double(const Token *tok, double *out)
{
    return token_double(tok, out) && isfinite(*out) && *out > 0;
}

static int token_positive_int(const Token *tok, int64_t *out)
{
    char buf[MAX_TOKEN + 1], *end;
    if (!token_copy(tok, buf))
        return 0;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (*end != '\0' || errno == ERANGE || v <= 0)
        return 0;
    *out = v;
    return 1;
}

static int token_is(const Token *tok, const char *word)
{
    return tok->len == strlen(word) && !memcmp(tok->p, word, tok->len);
}

/* The options after fps:F and uniform:N: ",jitter" and ",dedup[=T]", each once. */
static int parse_options(VsStrategy *st, const char *rest, const char *shown)
{
    Token tok = {0};
    while (next_token(&rest, &tok)) {
        if (token_is(&tok, "jitter") && !st->jitter) {
            st->jitter = 1;
            continue;
        }
        if (tok.len >= 5 && !memcmp(tok.p, "dedup", 5) && !st->dedup) {
            Token val = {tok.p + 6, tok.len - 6};
            st->dedup = VS_DEDUP_DEFAULT;
            if (tok.len == 5)
                continue;
            if (tok.p[5] == '=' && token_positive_double(&val, &st->dedup) && st->dedup <= 1)
                continue;
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': dedup=T needs 0 < T <= 1 (got '%.*s')", shown,
                            (int)tok.len, tok.p);
        }
        if (token_is(&tok, "jitter") || (tok.len >= 5 && !memcmp(tok.p, "dedup", 5)))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': option '%.*s' given twice", shown, (int)tok.len,
                            tok.p);
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': unknown option '%.*s' (expected jitter, dedup or "
                        "dedup=T)", shown, (int)tok.len, tok.p);
    }
    return 0;
}

/* scenes[:per_scene=N,threshold=T,min_scene=S,max_frames=M], keys in any order, each once. */
static int parse_scenes(VsStrategy *st, const char *args, const char *shown)
{
    st->kind = VS_STRATEGY_SCENES;
    st->per_scene = 1;
    st->threshold = VS_SCENE_THRESHOLD_DEFAULT;
    st->min_scene = VS_SCENE_MIN_DEFAULT;
    unsigned seen = 0;
    Token tok = {0};
    while (args && next_token(&args, &tok)) {
        static const char *const keys[] = {"per_scene", "threshold", "min_scene", "max_frames"};
        const char *eq = memchr(tok.p, '=', tok.len);
        size_t k = 0, klen = eq ? (size_t)(eq - tok.p) : tok.len;
        while (k < 4 && !(strlen(keys[k]) == klen && !memcmp(tok.p, keys[k], klen)))
            k++;
        if (k == 4 || !eq || (seen & (1u << k)))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': unknown or repeated option '%.*s' (expected "
                            "per_scene=N, threshold=T, min_scene=S, max_frames=M)", shown, (int)tok.len, tok.p);
        seen |= 1u << k;
        Token val = {eq + 1, tok.len - klen - 1};
        double d = 0;
        int ok;
        if (k == 0 || k == 3) {
            ok = token_positive_int(&val, k ? &st->max_frames : &st->per_scene) &&
                 (k ? st->max_frames : st->per_scene) <= VS_PLAN_MAX_TIMES;
        } else {
            ok = token_double(&val, &d) && isfinite(d) && (k == 1 ? d > 0 && d <= 1 : d >= 0);
            *(k == 1 ? &st->threshold : &st->min_scene) = d;
        }
        if (!ok)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': bad value in '%.*s' (per_scene and max_frames: "
                            "positive integers; threshold: 0 < T <= 1; min_scene: seconds >= 0)", shown,
                            (int)tok.len, tok.p);
    }
    return 0;
}

static int parse_fps(VsStrategy *st, const char *args, const char *shown)
{
    Token tok = {0};
    st->kind = VS_STRATEGY_FPS;
    next_token(&args, &tok);
    if (!token_positive_double(&tok, &st->rate))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': F must be a finite positive number (got '%.*s')",
                        shown, (int)tok.len, tok.p);
    return parse_options(st, args, shown);
}

static int parse_uniform(VsStrategy *st, const char *args, const char *shown)
{
    Token tok = {0};
    st->kind = VS_STRATEGY_UNIFORM;
    next_token(&args, &tok);
    if (!token_positive_int(&tok, &st->count))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': N must be a positive integer (got '%.*s')",
                        shown, (int)tok.len, tok.p);
    if (st->count > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %" PRId64 " times is more than the limit %d",
                        shown, st->count, VS_PLAN_MAX_TIMES);
    return parse_options(st, args, shown);
}

static int parse_clips(VsStrategy *st, const char *args, const char *shown)
{
    Token c = {0}, f = {0}, fps = {0};
    st->kind = VS_STRATEGY_CLIPS;
    if (count_tokens(args) != 3)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': expected clips:C,F,FPS", shown);
    next_token(&args, &c);
    next_token(&args, &f);
    next_token(&args, &fps);
    if (!token_positive_int(&c, &st->count))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': C (clips) must be a positive integer (got '%.*s')",
                        shown, (int)c.len, c.p);
    if (!token_positive_int(&f, &st->frames))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': F (frames per clip) must be a positive integer (got '%.*s')",
                        shown, (int)f.len, f.p);
    if (!token_positive_double(&fps, &st->rate))
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': FPS must be a finite positive number (got '%.*s')",
                        shown, (int)fps.len, fps.p);
    /* Compared by division so that C * F cannot overflow. */
    if (st->count > VS_PLAN_MAX_TIMES / st->frames)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %" PRId64 " x %" PRId64 " times is more than the limit %d",
                        shown, st->count, st->frames, VS_PLAN_MAX_TIMES);
    return 0;
}

static int parse_timestamps(VsStrategy *st, const char *args, const char *shown)
{
    st->kind = VS_STRATEGY_TIMESTAMPS;
    size_t n = count_tokens(args);
    if (n > VS_PLAN_MAX_TIMES)
        return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': %zu times is more than the limit %d",
                        shown, n, VS_PLAN_MAX_TIMES);
    st->times = malloc(n * sizeof(*st->times));
    if (!st->times)
        return vs_error(VS_ERR_NOMEM, "strategy '%s': out of memory for %zu times", shown, n);
    Token tok = {0};
    while (next_token(&args, &tok)) {
        double t;
        size_t i = st->n_times + 1;
        if (!token_double(&tok, &t) || !isfinite(t))
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': time %zu ('%.*s') is not a finite number",
                            shown, i, (int)tok.len, tok.p);
        if (t < 0)
            return vs_error(VS_ERR_INVALID_ARG, "strategy '%s': time %zu ('%.*s') is negative",
                            shown, i, (int)tok.len, tok.p);
        st->times[st->n_times++] = t;
    }
    return 0;
}

static int parse(VsStrategy *st, const char *text, const char *shown)
{
    const char *args;
    if ((args = after_prefix(text, "fps:")))
        return parse_fps(st, args, shown);
    if ((args = after_prefix(text, "uniform:")))
        return parse_uniform(st, args, shown);
    if ((args = after_prefix(text, "clips:")))
        return parse_clips(st, args, shown);
    if ((args = after_prefix(text, "timestamps:")))
        return parse_timestamps(st, args, shown);
    if (!strcmp(text, "scenes") || (args = after_prefix(text, "scenes:")))
        return parse_scenes(st, args, shown);
    if (vs_recipe_match(text)) {
        st->kind = VS_STRATEGY_RECIPE;
        return vs_recipe_parse(&st->recipe, text, shown);
    }
    if (!strcmp(text, "keyframes")) {
        st->kind = VS_STRATEGY_KEYFRAMES;
        return 0;
    }
    return vs_error(VS_ERR_INVALID_ARG, "unknown strategy '%s' " EXPECTED, shown);
}

int vs_strategy_parse(VsStrategy *st, const char *text, const char *shown)
{
    VsCLocale loc;
    memset(st, 0, sizeof(*st));
    vs_c_locale_enter(&loc);
    int ret = parse(st, text, shown);
    vs_c_locale_leave(&loc);
    if (ret < 0)
        vs_strategy_clear(st);
    return ret;
}

int vs_strategy_needs_scan(const char *strategy)
{
    return strategy && (!strcmp(strategy, "keyframes") || vs_recipe_match(strategy));
}

/* By the text alone, as vs_strategy_needs_scan: parsing would set the last error. */
int vs_strategy_needs_analysis(const char *strategy)
{
    if (!strategy)
        return 0;
    return !strcmp(strategy, "scenes") || after_prefix(strategy, "scenes:") != NULL;
}

void vs_strategy_clear(VsStrategy *st)
{
    free(st->times);
    memset(st, 0, sizeof(*st));
}

/* Shortest %g form that reads back as exactly v (at most 17 digits). The
 * fewest digits can still be the longer text ("1e+01" for 10), so exponent
 * forms go on to look for a plain one. */
int vs_format_double(char *buf, size_t size, double v)
{
    char try[32];
    int best = -1;
    for (int prec = 1; prec <= 17; prec++) {
        int len = snprintf(try, sizeof(try), "%.*g", prec, v);
        if (strtod(try, NULL) != v || (best >= 0 && len >= best))
            continue;
        best = snprintf(buf, size, "%s", try);
        if (!strchr(try, 'e'))
            break;
    }
    return best;
}

/* Writes into buf when it is not NULL; returns the length either way, so one
 * pass sizes the buffer and a second fills it. */
static size_t format_timestamps(char *buf, const VsStrategy *st)
{
    char num[32];
    size_t len = strlen("timestamps:");
    if (buf)
        memcpy(buf, "timestamps:", len);
    for (size_t i = 0; i < st->n_times; i++) {
        int n = vs_format_double(num, sizeof(num), st->times[i]);
        if (buf) {
            if (i)
                buf[len] = ',';
            memcpy(buf + len + (i > 0), num, (size_t)n);
        }
        len += (size_t)n + (i > 0);
    }
    if (buf)
        buf[len] = '\0';
    return len;
}

static char *canonical(const VsStrategy *st)
{
    char num[32], num2[32], num3[32], opts[64] = "", short_buf[160];
    const char *jitter = st->jitter ? ",jitter" : "";
    if (st->dedup > 0) {
        vs_format_double(num, sizeof(num), st->dedup);
        snprintf(opts, sizeof(opts), "%s,dedup=%s", jitter, num);
        jitter = opts;
    }
    switch (st->kind) {
    case VS_STRATEGY_FPS:
        vs_format_double(num, sizeof(num), st->rate);
        snprintf(short_buf, sizeof(short_buf), "fps:%s%s", num, jitter);
        break;
    case VS_STRATEGY_UNIFORM:
        snprintf(short_buf, sizeof(short_buf), "uniform:%" PRId64 "%s", st->count, jitter);
        break;
    case VS_STRATEGY_SCENES: {
        vs_format_double(num, sizeof(num), st->threshold);
        vs_format_double(num2, sizeof(num2), st->min_scene);
        int len = snprintf(short_buf, sizeof(short_buf), "scenes:per_scene=%" PRId64 ",threshold=%s,min_scene=%s",
                           st->per_scene, num, num2);
        if (st->max_frames) {
            snprintf(num3, sizeof(num3), ",max_frames=%" PRId64, st->max_frames);
            snprintf(short_buf + len, sizeof(short_buf) - (size_t)len, "%s", num3);
        }
        break;
    }
    case VS_STRATEGY_CLIPS:
        vs_format_double(num, sizeof(num), st->rate);
        snprintf(short_buf, sizeof(short_buf), "clips:%" PRId64 ",%" PRId64 ",%s", st->count, st->frames, num);
        break;
    case VS_STRATEGY_KEYFRAMES:
        snprintf(short_buf, sizeof(short_buf), "keyframes");
        break;
    case VS_STRATEGY_RECIPE: {
        size_t len = vs_recipe_canonical(&st->recipe, NULL, 0);
        char *buf = malloc(len + 1);
        if (buf)
            vs_recipe_canonical(&st->recipe, buf, len + 1);
        return buf;
    }
    default: {
        char *buf = malloc(format_timestamps(NULL, st) + 1);
        if (buf)
            format_timestamps(buf, st);
        return buf;
    }
    }
    return strdup(short_buf);
}

char *vs_strategy_canonical(const VsStrategy *st)
{
    VsCLocale loc;
    vs_c_locale_enter(&loc);
    char *text = canonical(st);
    vs_c_locale_leave(&loc);
    return text;
}

void vs_strategy_shorten(char *buf, size_t size, const char *text)
{
    size_t len = strlen(text);
    if (len < size) {
        memcpy(buf, text, len + 1);
        return;
    }
    snprintf(buf, size, "%.*s...", (int)(size - 4), text);
}

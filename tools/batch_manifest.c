/* The manifest of vsample batch: a text file of paths (one a line) or JSONL
 * (one object a line: path, key, start, end, strategy), told apart by its
 * first line that is neither blank nor a '#' comment: '{' starts JSONL. Every
 * problem is a usage error naming MANIFEST:LINE, found before any work, and
 * the same in every partition: each reads and checks the whole manifest.
 *
 * It is read a line at a time and only this partition's entries are kept;
 * of the others, a 64-bit hash of the key and the line, for finding repeated
 * keys, freed before the workers start. A million entries split in 1000
 * partitions cost each process about 16 MB, not the manifest's size. */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct KeyLine {
    uint64_t hash;
    int line;
} KeyLine;

static int line_error(const char *path, int line, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "vsample: %s:%d: ", path, line);
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

static void entry_free(BatchEntry *e)
{
    free(e->path);
    free(e->key);
    free(e->strategy);
    memset(e, 0, sizeof(*e));
}

/* Leading and trailing blanks of a line are dropped (a path with such blanks
 * needs JSONL). */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* check_plan_options (the command line's check) with its message kept for
 * our own line: it prints one of its own, which goes to /dev/null here. */
static int strategy_ok(const char *strategy)
{
    PlanOptions o;
    plan_options_default(&o);
    o.strategy = strategy;
    fflush(stderr);
    int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDERR_FILENO);
    int ok = check_plan_options(&o) == EXIT_OK;
    fflush(stderr);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDERR_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return ok;
}

/* The strategies last found good: most manifests use a few. */
typedef struct Checked {
    char *s[16];
    unsigned next;
} Checked;

static int strategy_checked(Checked *c, const char *strategy)
{
    for (int i = 0; i < 16; i++)
        if (c->s[i] && !strcmp(c->s[i], strategy))
            return 1;
    if (!strategy_ok(strategy))
        return 0;
    unsigned k = c->next++ % 16;
    free(c->s[k]);
    c->s[k] = strdup(strategy);
    return 1;
}

/* One line (trimmed, not blank, not a comment) into e, checked. */
static int parse_line(Manifest *m, const char *path, int line, char *t, BatchEntry *e, Checked *checked)
{
    memset(e, 0, sizeof(*e));
    e->line = line;
    if (!m->jsonl) {
        if (!(e->path = strdup(t)))
            return EXIT_INTERNAL;
    } else {
        char buf[256];
        const char *why = batch_json_entry(t, e, buf, sizeof(buf));
        if (why)
            return line_error(path, line, "%s%s", why, " (a JSONL manifest: one JSON object a line)");
    }
    if (e->has_start && e->has_end && e->start >= e->end) {
        char a[32], b[32];
        snprintf(a, sizeof(a), "%g", e->start);
        snprintf(b, sizeof(b), "%g", e->end);
        return line_error(path, line, "start %s must be before end %s", a, b);
    }
    if (e->strategy && !strategy_checked(checked, e->strategy))
        return line_error(path, line, "strategy: %s%s", vs_last_error(), "");
    const char *why;
    if (e->key && (why = batch_key_problem(e->key)))
        return line_error(path, line, "key '%s' %s", e->key, why);
    if (!e->key && !(e->key = batch_default_key(e->path)))
        return EXIT_INTERNAL;
    return EXIT_OK;
}

typedef int (*LineFn)(void *ctx, int line, char *text);

/* Each line of the manifest that is neither blank nor a comment, to fn. */
static int each_line(const char *path, LineFn fn, void *ctx)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "vsample: %s: cannot read the manifest: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int line = 0, code = EXIT_OK;
    while (!code && (len = getline(&buf, &cap, f)) >= 0) {
        line++;
        if (strlen(buf) != (size_t)len) {
            code = line_error(path, line, "a NUL byte%s%s", "", "");
            break;
        }
        char *t = trim(buf);
        if (*t && *t != '#')
            code = fn(ctx, line, t);
    }
    if (!code && ferror(f)) {
        fprintf(stderr, "vsample: %s: cannot read the manifest: %s\n", path, strerror(errno));
        code = EXIT_USAGE;
    }
    free(buf);
    fclose(f);
    return code;
}

typedef struct Reader {
    Manifest *m;
    const char *path;
    int part, nparts;
    KeyLine *keys;
    size_t nkeys, cap;
    int decided;
    Checked checked;
} Reader;

static int read_line(void *ctx, int line, char *t)
{
    Reader *r = ctx;
    Manifest *m = r->m;
    if (!r->decided) {
        m->jsonl = *t == '{';
        r->decided = 1;
    }
    BatchEntry e;
    int code = parse_line(m, r->path, line, t, &e, &r->checked);
    if (code) {
        entry_free(&e);
        return code;
    }
    if (r->nkeys == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        KeyLine *k = realloc(r->keys, cap * sizeof(*k));
        if (!k) {
            entry_free(&e);
            return EXIT_INTERNAL;
        }
        r->keys = k;
        r->cap = cap;
    }
    uint64_t h = batch_key_hash(e.key);
    r->keys[r->nkeys++] = (KeyLine){h, line};
    m->total++;
    if (r->nparts > 1 && (int)(h % (uint64_t)r->nparts) != r->part) {
        entry_free(&e);
        return EXIT_OK;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 256;
        BatchEntry *v = realloc(m->e, cap * sizeof(*v));
        if (!v) {
            entry_free(&e);
            return EXIT_INTERNAL;
        }
        m->e = v;
        m->cap = cap;
    }
    m->e[m->n++] = e;
    return EXIT_OK;
}

static int cmp_keyline(const void *a, const void *b)
{
    const KeyLine *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->line - y->line;
}

/* Lines whose keys share a hash, and the keys read back for them. */
typedef struct Suspects {
    int *lines;
    char **keys;
    size_t n;
    const char *path;
    int jsonl;
} Suspects;

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return x < y ? -1 : x > y;
}

static int suspect_line(void *ctx, int line, char *t)
{
    Suspects *s = ctx;
    int *at = bsearch(&line, s->lines, s->n, sizeof(*s->lines), cmp_int);
    if (!at)
        return EXIT_OK;
    Manifest m = {.jsonl = s->jsonl};
    Checked none = {{0}, 0};
    BatchEntry e;
    int code = parse_line(&m, s->path, line, t, &e, &none);
    if (!code) {
        s->keys[at - s->lines] = e.key;
        e.key = NULL;
    }
    entry_free(&e);
    for (int i = 0; i < 16; i++)
        free(none.s[i]);
    return code;
}

/* Two entries with one key: their hashes are equal; the keys of the (rare)
 * lines whose hashes meet are read again to tell a repeat from a collision. */
static int find_repeats(Reader *r)
{
    cli_sort(r->keys, r->nkeys, sizeof(*r->keys), cmp_keyline);
    Suspects s = {NULL, NULL, 0, r->path, r->m->jsonl};
    for (size_t i = 0; i < r->nkeys; i++)
        if ((i && r->keys[i].hash == r->keys[i - 1].hash) ||
            (i + 1 < r->nkeys && r->keys[i].hash == r->keys[i + 1].hash)) {
            int *l = realloc(s.lines, (s.n + 1) * sizeof(*l));
            if (!l) {
                free(s.lines);
                return EXIT_INTERNAL;
            }
            s.lines = l;
            s.lines[s.n++] = r->keys[i].line;
        }
    if (!s.n)
        return EXIT_OK;
    cli_sort(s.lines, s.n, sizeof(*s.lines), cmp_int);
    int code = (s.keys = calloc(s.n, sizeof(*s.keys))) ? each_line(r->path, suspect_line, &s) : EXIT_INTERNAL;
    for (size_t i = 0; i + 1 < r->nkeys && !code; i++) {
        if (r->keys[i].hash != r->keys[i + 1].hash)
            continue;
        for (size_t j = i + 1; j < r->nkeys && r->keys[j].hash == r->keys[i].hash && !code; j++) {
            int a = r->keys[i].line, b = r->keys[j].line;
            char **ka = &s.keys[(int *)bsearch(&a, s.lines, s.n, sizeof(int), cmp_int) - s.lines];
            char **kb = &s.keys[(int *)bsearch(&b, s.lines, s.n, sizeof(int), cmp_int) - s.lines];
            if (*ka && *kb && !strcmp(*ka, *kb)) {
                char first[32];
                snprintf(first, sizeof(first), "%d", a);
                code = line_error(r->path, b, "key '%s' is already the key of line %s (give each entry its own "
                                  "\"key\")", *kb, first);
            }
        }
    }
    for (size_t i = 0; s.keys && i < s.n; i++)
        free(s.keys[i]);
    free(s.keys);
    free(s.lines);
    return code;
}

int manifest_read(Manifest *m, const char *path, int part, int nparts)
{
    memset(m, 0, sizeof(*m));
    Reader r = {.m = m, .path = path, .part = part, .nparts = nparts};
    int code = each_line(path, read_line, &r);
    if (!code && !m->total) {
        fprintf(stderr, "vsample: %s: the manifest lists no video\n", path);
        code = EXIT_USAGE;
    }
    if (!code)
        code = find_repeats(&r);
    if (code == EXIT_INTERNAL)
        fprintf(stderr, "vsample: %s: out of memory\n", path);
    free(r.keys);
    for (int i = 0; i < 16; i++)
        free(r.checked.s[i]);
    return code;
}

void manifest_free(Manifest *m)
{
    for (size_t i = 0; i < m->n; i++)
        entry_free(&m->e[i]);
    free(m->e);
    memset(m, 0, sizeof(*m));
}

/* Shared pieces of the vsample subcommands. */
#ifndef VSAMPLE_CLI_H
#define VSAMPLE_CLI_H

#include "vsample/vsample.h"

#include <jansson.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* qsort with nothing to sort: base may then be NULL (an empty array never
 * allocated), which the C library does not allow. */
static inline void cli_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Exit codes (documented in README.md). */
enum {
    EXIT_OK = 0,
    EXIT_INTERNAL = 1, /* a bug or an unexpected library failure */
    EXIT_USAGE = 2,    /* bad command line or option value */
    EXIT_INPUT = 3,    /* an input could not be read as a video */
    EXIT_OUTPUT = 4,   /* an output could not be written */
    EXIT_CORRUPT = 5,  /* verify, pack: a shard or index is missing, truncated or corrupt */
    EXIT_INTERRUPTED = 130,
};

int cmd_info(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_ablate(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_pack(int argc, char **argv);

/* Print "vsample: <message>" on one line and return EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Exit code for a library error code. */
int exit_code_for(int vs_err);
/* Print the library's last error on one line, naming path (when given and
 * the message does not already), and return its exit code. */
int report_error(const char *path, int vs_err);

/* The base name of a video path or URL: *len bytes from the returned pointer, without a
 * URL's query ("?...") and fragment ("#..."); len 0 when there is none ("http://host/"). */
const char *video_base_name(const char *path, size_t *len);
/* A sample key for path, unique among keys[0..nkeys): its base name without extension
 * (control characters, quotes, '\' and '/' made '_'; "video" when
 * empty), then "-2", "-3"... when taken. malloc'd; NULL when out of memory. */
char *unique_video_key(char *const *keys, size_t nkeys, const char *path);

/* Strict number parsing: the whole text must be the number. */
int parse_double(const char *opt, const char *text, double *out);
int parse_int64(const char *opt, const char *text, int64_t min, int64_t max, int64_t *out);

/* Options shared by plan and extract. */
typedef struct PlanOptions {
    const char *strategy;
    VsPlanSettings settings;
    int threads;
    int io_timeout_ms; /* --io-timeout: URLs' connect/read timeout (0 = the library's) */
    int64_t max_tokens; /* --max-tokens: the sample's visual-token budget (0 = none) */
} PlanOptions;
void plan_options_default(PlanOptions *o);
/* If argv[*i] is a plan option, consume it (and its value): 1; not one: 0;
 * bad value: -1 (message printed). */
int plan_option(PlanOptions *o, int argc, char **argv, int *i);
/* --io-timeout SECONDS into *ms: 1 taken, 0 not ours, -1 a usage error (printed).
 * plan_option() takes it too. */
int io_timeout_option(int *ms, int argc, char **argv, int *i);
/* --backend auto|vulkan|cpu and --gpu N into rs: 1 taken, 0 not ours, -1 a
 * usage error (printed). */
int backend_option(VsReaderSettings *rs, int argc, char **argv, int *i);

/* Set by SIGINT/SIGTERM once cli_catch_interrupts() ran: the command stops
 * between frames, removes what it had half written and exits 130. Atomic: the
 * library's decoding threads read it too (cli_interrupt_requested), and a
 * lock-free atomic int is safe to set from a signal handler. */
extern atomic_int cli_interrupted;
void cli_catch_interrupts(void);
/* A VsSourceSettings.interrupt callback: stop once interrupted (the library's
 * reads and decoders ask it, also on their own threads). */
int cli_interrupt_requested(void *opaque);
/* EXIT_OK, or EXIT_USAGE (message printed) when no video could satisfy the
 * strategy and trim options (tools/plan_check.c). */
int check_plan_options(const PlanOptions *o);
/* Open path and make its plan (scanning for keyframes when the strategy needs them). */
int open_and_plan(const char *path, const PlanOptions *o, VsSource **src, VsPlan **plan);

/* JSON through jansson. */
/* v as a number, or null when it is not finite (JSON has no NaN). */
json_t *cli_json_real(double v);
/* s as a string; text that is not UTF-8 (a file name can be anything) with
 * '?' for each byte >= 0x80, so that the output stays valid JSON. */
json_t *cli_json_text(const char *s);
/* s as cli_json_text, or null when s is NULL. */
json_t *cli_json_text_or_null(const char *s);
/* Print v (flags as json_dumpf; NULL: out of memory) and a newline; takes the
 * reference. 0, or -1 when out of memory or the write failed. */
int cli_json_print(FILE *f, json_t *v, size_t flags);

#endif

/* vsample batch MANIFEST -o DIR: every video of a manifest into DIR, in
 * parallel worker processes, resumable after a crash at any instant, and
 * partitioned across machines. docs/SCALE.md describes the layout; in short:
 *
 *   DIR/samples/KEY/            one committed sample: the extract writer's
 *                               shard-NNNNN.safetensors and index.json, made in
 *                               DIR/.work/KEY.UNIQ/ and renamed here whole
 *   DIR/index.json              catalogue of the committed samples (rebuilt)
 *   DIR/errors.jsonl            one line per failed video (rebuilt)
 *   DIR/index-I-of-K.json, DIR/errors-I-of-K.jsonl   partition I's own (K > 1)
 *   DIR/.lock                   serializes the rebuilds of the catalogues
 *
 * A sample is done when DIR/samples/KEY/index.json exists: the rename that
 * puts it there is the commit, so a sample is all there or not at all. */
#ifndef VSAMPLE_BATCH_H
#define VSAMPLE_BATCH_H

#include "extract.h"

#include <stdint.h>

#define BATCH_KEY_MAX 200

/* One manifest entry: a video and its per-entry options. */
typedef struct BatchEntry {
    char *path;
    char *key;
    char *strategy; /* NULL: the command line's */
    double start, end;
    int has_start, has_end;
    int line; /* in the manifest, for messages */
} BatchEntry;

/* This partition's entries, in manifest order. */
typedef struct Manifest {
    BatchEntry *e;
    size_t n, cap;
    size_t total; /* entries in the whole manifest */
    int jsonl;
} Manifest;

/* What became of an entry of this partition. */
enum { UNIT_PENDING, UNIT_DONE_BEFORE, UNIT_DONE_NOW, UNIT_FAILED };

typedef struct Batch {
    Extract x; /* the extract options: defaults of every entry */
    const char *manifest_path;
    const char *dir;
    int jobs, cores;
    int part, nparts;      /* this process runs partition part of nparts */
    const char *part_from; /* where they came from, for the summary */
    Manifest m; /* this partition's entries */
    /* per entry of m */
    unsigned char *state;
    char **error;     /* the failure's one-line cause (UNIT_FAILED) */
    int *error_code;  /* its exit code */
    unsigned char *timed_out; /* the failure was a timeout: "cause": "timeout" */
    int retry_timeouts;       /* --retry-timeouts: redo the entries that timed out before */
    size_t timed_out_before;  /* entries left failed as an earlier run's timeout */
    /* totals of this run */
    int64_t frames_written, frames_decoded;
    long peak_rss_kb; /* largest peak RSS of one worker */
    size_t done_now, done_before, failed;
    int backend_used;
} Batch;

/* batch_manifest.c: text (a path per line) or JSONL, told apart by content;
 * the entries of partition part of nparts. EXIT_OK, or EXIT_USAGE with the
 * message printed ("MANIFEST:LINE: cause"), or EXIT_INTERNAL (reported). */
int manifest_read(Manifest *m, const char *path, int part, int nparts);
void manifest_free(Manifest *m);

/* batch_json.c: one JSONL line into an entry; NULL or the cause (static, or
 * written into buf). */
const char *batch_json_entry(const char *line, BatchEntry *e, char *buf, size_t size);

/* batch_key.c */
/* The key of an entry without one: the file's stem ([A-Za-z0-9_.-], others
 * '_', at most 64 bytes) + '-' + the first 16 hex digits of SHA-1(path). */
char *batch_default_key(const char *path);
/* NULL when key is valid as given in a manifest, else the reason. */
const char *batch_key_problem(const char *key);
/* The first 8 bytes of SHA-1(key), big-endian; its partition is that mod n. */
uint64_t batch_key_hash(const char *key);
int batch_partition(const char *key, int n);

/* batch_fs.c: file-system helpers; -1 with errno set on failure. */
char *fs_join(const char *a, const char *b);
char *fs_join3(const char *a, const char *b, const char *c);
int fs_remove_tree(const char *path);
int fs_mkdir(const char *path); /* 0 also when it exists as a directory */
char *fs_read(const char *path, size_t *len);
/* Write dir/name through dir/.name.UNIQ.tmp and a rename; sync: fsync the
 * file before the rename and dir after it. */
int fs_write_atomic(const char *dir, const char *name, const char *data, size_t len, int sync);
/* fsync a directory (after a rename into it). */
int fs_fsync_dir(const char *dir);
/* 16 hex digits that no other process or call gets: pid, time, a counter. */
void fs_unique(char out[17]);
/* The test hook: stall here when VSAMPLE_BATCH_STALL names this point. */
void batch_stall(const char *point);

/* batch_catalog.c: this partition's errors file as the last run left it: each pending
 * entry whose line says "cause": "timeout" is failed again with that line's error, not
 * redone (the summary counts them in timed_out_before). */
void catalog_previous_timeouts(Batch *b);
/* under DIR/.lock, rewrite this partition's catalogue and
 * errors from what is committed, then DIR/index.json and DIR/errors.jsonl
 * when every partition's are there. EXIT_OK or EXIT_OUTPUT (reported). */
int catalog_update(const Batch *b);
/* --merge-index DIR: index.json from every DIR/samples/ * /index.json and
 * errors.jsonl from every errors-I-of-K.jsonl (less the keys now done). */
int catalog_merge_dir(const char *dir);

/* batch_work.c: a worker process. It reads "UNIT UNIQ" lines (UNIT an index
 * into m.e; it works in batch_work_dir(UNIT, UNIQ)) from task_fd until end
 * of file, and after each entry
 * writes on stderr the line BATCH_RESULT " CODE BACKEND FRAMES DECODED TIMED_OUT";
 * during an entry, BATCH_LIMIT " SECONDS" each time its time limit is set (from the
 * start, then from the video's duration: the main process kills the worker past it).
 * Never returns. */
#define BATCH_RESULT '\036'
#define BATCH_LIMIT '\037'
typedef struct BatchResult {
    int code;
    int backend;
    int64_t frames_written, frames_decoded;
    int timed_out;
} BatchResult;
void batch_worker(Batch *b, int task_fd) __attribute__((noreturn));
/* DIR/.work/KEY.UNIQ of entry unit (malloc'd; NULL: out of memory). */
char *batch_work_dir(const Batch *b, size_t unit, const char *uniq);

/* batch_run.c: every pending entry of this partition, --jobs at a time;
 * fills state/error and the totals. EXIT_OK, EXIT_OUTPUT, EXIT_INTERRUPTED,
 * EXIT_INTERNAL. */
int batch_run(Batch *b);

/* batch_progress.c */
double batch_now(void);
void batch_progress(const Batch *b, size_t done, size_t total, double t0, size_t ran, int64_t frames);
void batch_progress_clear(void);

#endif

/* The scheduler of vsample batch: this partition's pending entries, --jobs at
 * a time, in long-lived worker processes (fork; tools/batch_work.c): a video
 * that crashes its decoder, or a worker the OOM killer picks, fails alone and
 * a new worker takes over; the kernel gives each worker's peak memory
 * (wait4); what a library initializes once per process (the probe for a
 * GPU, FFmpeg's tables) is done once per worker, not once per video.
 *
 * A worker's stderr comes through one pipe: its messages, then the result
 * line of each entry, in order, so the lines of an entry are known to be its
 * own; they reach the terminal whole, between progress updates, and the last
 * error line of a failed entry becomes its line in errors.jsonl. Tasks go
 * the other way through a second pipe. Workers die with this process
 * (PDEATHSIG).
 *
 * The watchdog: each entry has a time limit (--video-timeout, or the default
 * from the video's duration, which the worker tells once it has opened it). The
 * worker stops the video itself at the limit (its source's interrupt callback);
 * one that has not answered BATCH_KILL_GRACE seconds later, blocked in the
 * kernel or in a decoder, is killed with SIGKILL. Either way the entry fails
 * with "cause": "timeout", its work directory is removed and the run goes on. */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define IDLE ((size_t)-1)
#define BATCH_KILL_GRACE 5.0

typedef struct Worker {
    pid_t pid;
    int task_fd, out_fd; /* task_fd -1: told to finish */
    size_t unit;         /* in progress (index into b->m.e), or IDLE */
    char *work;          /* its work directory */
    char line[2048];
    size_t len;
    char *last_error;
    int killed; /* by us, on an interrupt: the entry stays pending */
    double started, limit; /* the entry's start (batch_now) and limit (0 = none) */
    int expired;           /* killed by the watchdog: the entry timed out */
} Worker;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig; /* SA_RESETHAND: a second one kills at once */
}

static const char *signal_name(int sig)
{
    const char *s = sigabbrev_np(sig);
    return s ? s : "?";
}

static void fail_unit(Batch *b, size_t u, char *error, int code, int timed_out)
{
    b->state[u] = UNIT_FAILED;
    b->error[u] = error ? error : strdup("failed");
    b->error_code[u] = code;
    b->timed_out[u] = (unsigned char)timed_out;
    b->failed++;
}

/* The result line of the worker's entry: 0 to go on, or the exit code that
 * ends the run (the entry then stays pending). */
static int finish_unit(Batch *b, Worker *w, const char *line)
{
    int code = EXIT_INTERNAL, backend = 0, timed_out = 0;
    long long fw = 0, fd = 0;
    sscanf(line + 1, "%d %d %lld %lld %d", &code, &backend, &fw, &fd, &timed_out);
    size_t u = w->unit;
    int stop = 0;
    b->frames_written += fw;
    b->frames_decoded += fd;
    if (code == EXIT_OK) {
        b->state[u] = UNIT_DONE_NOW;
        b->done_now++;
        b->backend_used = backend;
    } else if (code == EXIT_OUTPUT) {
        stop = code; /* not the video's fault: the run stops, the entry stays pending */
    } else {
        fail_unit(b, u, w->last_error, code, timed_out);
        w->last_error = NULL;
    }
    free(w->last_error);
    w->last_error = NULL;
    free(w->work);
    w->work = NULL;
    w->unit = IDLE;
    return stop;
}

/* A line from the worker: a result, or a message relayed to stderr whose last
 * "vsample: " line is kept as the cause of a failure. */
static int worker_line(Batch *b, Worker *w, const char *line)
{
    if (line[0] == BATCH_RESULT && w->unit != IDLE)
        return finish_unit(b, w, line);
    if (line[0] == BATCH_LIMIT) {
        w->limit = strtod(line + 1, NULL);
        return 0;
    }
    if (!strncmp(line, "vsample: ", 9)) {
        free(w->last_error);
        w->last_error = strdup(line + 9);
    }
    batch_progress_clear(); /* errors are shown with --quiet too, as extract does */
    fprintf(stderr, "%s\n", line);
    return 0;
}

/* Everything the worker has written so far: *eof at end of file. Returns 0
 * or the exit code that ends the run. */
static int worker_read(Batch *b, Worker *w, int *eof)
{
    int stop = 0;
    *eof = 0;
    for (;;) {
        ssize_t k = read(w->out_fd, w->line + w->len, sizeof(w->line) - 1 - w->len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0 || errno != EAGAIN) {
                if (w->len) {
                    w->line[w->len] = 0;
                    worker_line(b, w, w->line);
                    w->len = 0;
                }
                *eof = 1;
            }
            return stop;
        }
        w->len += (size_t)k;
        char *s = w->line, *nl;
        while ((nl = memchr(s, '\n', w->len - (size_t)(s - w->line)))) {
            *nl = 0;
            int r = worker_line(b, w, s);
            stop = stop ? stop : r;
            s = nl + 1;
        }
        w->len -= (size_t)(s - w->line);
        memmove(w->line, s, w->len);
        if (w->len == sizeof(w->line) - 1) { /* a line longer than the buffer: in pieces */
            w->line[w->len] = 0;
            worker_line(b, w, w->line);
            w->len = 0;
        }
    }
}

static int spawn(Batch *b, Worker *w)
{
    int outp[2], taskp[2];
    memset(w, 0, sizeof(*w));
    w->unit = IDLE;
    if (pipe2(outp, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(taskp, O_CLOEXEC) < 0) {
        close(outp[0]);
        close(outp[1]);
        return -1;
    }
    pid_t parent = getpid();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(EXIT_INTERRUPTED);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        close(outp[0]);
        close(taskp[1]);
        dup2(outp[1], STDERR_FILENO);
        close(outp[1]);
        batch_worker(b, taskp[0]);
    }
    close(outp[1]);
    close(taskp[0]);
    if (pid < 0) {
        close(outp[0]);
        close(taskp[1]);
        return -1;
    }
    w->pid = pid;
    w->out_fd = outp[0];
    w->task_fd = taskp[1];
    fcntl(w->out_fd, F_SETFL, O_NONBLOCK);
    return 0;
}

static int assign(Batch *b, Worker *w, size_t unit)
{
    char uniq[17], *task = NULL;
    fs_unique(uniq);
    if (!(w->work = batch_work_dir(b, unit, uniq))) {
        errno = ENOMEM;
        return -1;
    }
    int n = asprintf(&task, "%zu %s\n", unit, uniq);
    if (n < 0 || write(w->task_fd, task, (size_t)n) != n) { /* < PIPE_BUF: whole or not at all */
        free(task);
        free(w->work);
        w->work = NULL;
        return -1;
    }
    free(task);
    w->unit = unit;
    w->started = batch_now();
    w->limit = extract_time_limit(&b->x, -1); /* until the worker knows the duration */
    return 0;
}

/* Kill the workers past their entry's limit and grace; the milliseconds until
 * the next one would be (-1: none). */
static int watchdog(Worker *workers, int nw)
{
    double t = batch_now(), next = -1;
    for (int k = 0; k < nw; k++) {
        Worker *w = &workers[k];
        if (!w->pid || w->unit == IDLE || w->limit <= 0 || w->expired || w->killed)
            continue;
        double left = w->started + w->limit + BATCH_KILL_GRACE - t;
        if (left <= 0) {
            kill(w->pid, SIGKILL); /* reap fails the entry and removes its work directory */
            w->expired = 1;
        } else if (next < 0 || left < next) {
            next = left;
        }
    }
    return next < 0 ? -1 : (int)(next * 1000) + 1;
}

/* The worker's output has ended: reap it. An entry in progress then failed
 * with the worker (or was interrupted). Returns 0 or the code ending the run. */
static int reap(Batch *b, Worker *w)
{
    int status = 0, stop = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof(ru));
    while (wait4(w->pid, &status, 0, &ru) < 0 && errno == EINTR) {
    }
    if (ru.ru_maxrss > b->peak_rss_kb)
        b->peak_rss_kb = ru.ru_maxrss;
    close(w->out_fd);
    if (w->task_fd >= 0)
        close(w->task_fd);
    size_t u = w->unit;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (u != IDLE) {
        if (w->expired && !got_signal) {
            char *why = NULL; /* named as the worker's own "PATH: timed out ..." */
            if (asprintf(&why, "%s: timed out after %g s (--video-timeout); its worker was killed",
                         b->m.e[u].path, w->limit) < 0)
                why = NULL;
            batch_progress_clear();
            fprintf(stderr, "vsample: %s\n", why ? why : "timed out");
            fail_unit(b, u, why ? why : strdup("timed out"), EXIT_INPUT, 1);
        } else if (w->killed || sig == SIGINT || sig == SIGTERM || got_signal) {
            stop = EXIT_INTERRUPTED; /* not the video's fault */
            if (!got_signal)
                got_signal = sig ? sig : SIGTERM;
        } else {
            char why[128];
            if (sig)
                snprintf(why, sizeof(why), "worker killed by signal %d (SIG%s)", sig, signal_name(sig));
            else
                snprintf(why, sizeof(why), "worker exited with code %d", WEXITSTATUS(status));
            batch_progress_clear();
            fprintf(stderr, "vsample: %s: %s\n", b->m.e[u].path, why);
            fail_unit(b, u, strdup(why), EXIT_INTERNAL, 0);
        }
        fs_remove_tree(w->work); /* what it left */
    }
    free(w->work);
    free(w->last_error);
    memset(w, 0, sizeof(*w));
    return stop;
}

/* Committed samples are done; a DIR/samples/KEY without its index.json is not
 * a commit of ours and is redone; work directories that earlier runs left for
 * keys of this partition are removed. */
static void scan_state(Batch *b)
{
    for (size_t i = 0; i < b->m.n; i++) {
        const char *key = b->m.e[i].key;
        char *dir = fs_join3(b->dir, "samples", key), *index = dir ? fs_join(dir, "index.json") : NULL;
        struct stat st;
        if (index && stat(index, &st) == 0) {
            b->state[i] = UNIT_DONE_BEFORE;
            b->done_before++;
        } else if (dir && lstat(dir, &st) == 0) {
            fs_remove_tree(dir);
        }
        free(index);
        free(dir);
    }
    char *work = fs_join(b->dir, ".work");
    DIR *d = work ? opendir(work) : NULL;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        /* KEY.UNIQ; never ".", "..", or anything not made so */
        char *dot = strrchr(de->d_name, '.');
        if (!dot || dot - de->d_name > BATCH_KEY_MAX || strlen(dot + 1) != 16)
            continue;
        char key[BATCH_KEY_MAX + 1];
        snprintf(key, sizeof(key), "%.*s", (int)(dot - de->d_name), de->d_name);
        if (batch_key_problem(key) || batch_partition(key, b->nparts) != b->part)
            continue; /* another partition's, maybe at work right now */
        char *p = fs_join(work, de->d_name);
        if (p)
            fs_remove_tree(p);
        free(p);
    }
    if (d)
        closedir(d);
    free(work);
}

int batch_run(Batch *b)
{
    scan_state(b);
    if (!b->retry_timeouts)
        catalog_previous_timeouts(b);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a dead worker's task pipe: EPIPE, then its EOF */

    size_t pending = 0;
    for (size_t i = 0; i < b->m.n; i++)
        pending += b->state[i] == UNIT_PENDING;
    int nw = b->jobs < (int)pending ? b->jobs : (int)pending;
    Worker *workers = calloc((size_t)nw + 1, sizeof(*workers));
    struct pollfd *fds = calloc((size_t)nw + 1, sizeof(*fds));
    int *slot = calloc((size_t)nw + 1, sizeof(*slot));
    if (!workers || !fds || !slot) {
        free(workers);
        free(fds);
        free(slot);
        fprintf(stderr, "vsample: %s: out of memory\n", b->dir);
        return EXIT_INTERNAL;
    }
    size_t next = 0, total = b->m.n;
    int running = 0, stop = 0;
    double t0 = batch_now(), last = 0;
    size_t settled0 = b->done_before;
    for (;;) {
        if (got_signal && !stop)
            stop = EXIT_INTERRUPTED;
        while (next < b->m.n && b->state[next] != UNIT_PENDING)
            next++;
        for (int k = 0; k < nw; k++) {
            Worker *w = &workers[k];
            if (!stop && next < b->m.n && !w->pid) {
                if (spawn(b, w) < 0) {
                    fprintf(stderr, "vsample: %s: cannot start a worker: %s\n", b->dir, strerror(errno));
                    stop = EXIT_INTERNAL;
                    break;
                }
                running++;
            }
            if (w->pid && w->unit == IDLE && w->task_fd >= 0) {
                if (!stop && next < b->m.n) {
                    if (assign(b, w, next) == 0) {
                        next++;
                        while (next < b->m.n && b->state[next] != UNIT_PENDING)
                            next++;
                    } else {
                        close(w->task_fd); /* a worker that cannot take work: let it go */
                        w->task_fd = -1;
                    }
                } else {
                    close(w->task_fd); /* no more work: it exits */
                    w->task_fd = -1;
                }
            }
            if (w->pid && stop == EXIT_INTERRUPTED && !w->killed) {
                kill(w->pid, SIGKILL); /* reap removes its work directory */
                w->killed = 1;
            }
        }
        if (!running)
            break;
        int n = 0;
        for (int k = 0; k < nw; k++)
            if (workers[k].pid) {
                fds[n] = (struct pollfd){workers[k].out_fd, POLLIN, 0};
                slot[n++] = k;
            }
        int wait = watchdog(workers, nw);
        if (b->x.progress && (wait < 0 || wait > 250))
            wait = 250;
        int r = poll(fds, (nfds_t)n, wait);
        for (int i = 0; r > 0 && i < n; i++) {
            Worker *w = &workers[slot[i]];
            int eof, s;
            if (!fds[i].revents)
                continue;
            s = worker_read(b, w, &eof);
            if (s && !stop)
                stop = s;
            if (eof) {
                s = reap(b, w);
                running--;
                if (s && !stop)
                    stop = s;
            }
        }
        if (b->x.progress && batch_now() - last >= 0.25) {
            last = batch_now();
            batch_progress(b, b->done_before + b->done_now + b->failed, total, t0,
                           b->done_before + b->done_now + b->failed - settled0, b->frames_written);
        }
    }
    if (b->x.progress)
        batch_progress(b, b->done_before + b->done_now + b->failed, total, t0,
                       b->done_before + b->done_now + b->failed - settled0, b->frames_written);
    batch_progress_clear();
    free(workers);
    free(fds);
    free(slot);
    if (got_signal)
        stop = EXIT_INTERRUPTED;
    char *work = fs_join(b->dir, ".work");
    if (work)
        rmdir(work); /* when empty: no partition at work */
    free(work);
    return stop;
}

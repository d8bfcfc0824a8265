/* File-system helpers of vsample batch: paths, rm -r, whole-file reads and
 * writes that replace a file atomically (temporary name, then rename). */
#include "batch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *fs_join(const char *a, const char *b)
{
    char *p;
    return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

char *fs_join3(const char *a, const char *b, const char *c)
{
    char *p;
    return asprintf(&p, "%s/%s/%s", a, b, c) < 0 ? NULL : p;
}

int fs_remove_tree(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !*base) { /* never a parent by mistake */
        errno = EINVAL;
        return -1;
    }
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *p = fs_join(path, de->d_name);
        if (!p || fs_remove_tree(p) < 0)
            rc = -1;
        free(p);
    }
    closedir(d);
    if (rmdir(path) < 0 && errno != ENOENT)
        rc = -1;
    return rc;
}

int fs_mkdir(const char *path)
{
    struct stat st;
    if (mkdir(path, 0777) == 0)
        return 0;
    if (errno == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        errno = ENOTDIR;
    }
    return -1;
}

char *fs_read(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    int e = errno;
    close(fd);
    errno = e;
    if (buf) {
        buf[n] = 0;
        if (len)
            *len = n;
    }
    return buf;
}

int fs_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd) < 0 && errno != EINVAL ? -1 : 0; /* EINVAL: cannot sync directories */
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int fs_write_atomic(const char *dir, const char *name, const char *data, size_t len, int sync)
{
    char uniq[17], *tmp = NULL, *path = fs_join(dir, name);
    fs_unique(uniq);
    if (!path || asprintf(&tmp, "%s/.%s.%s.tmp", dir, name, uniq) < 0) {
        free(path);
        errno = ENOMEM;
        return -1;
    }
    int rc = -1, fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t k = write(fd, data + off, len - off);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                break;
            off += (size_t)k;
        }
        int e = off == len ? 0 : errno ? errno : EIO;
        if (!e && sync && fsync(fd) < 0)
            e = errno;
        if (close(fd) < 0 && !e)
            e = errno;
        if (!e) {
            batch_stall(name);
            rc = rename(tmp, path);
            e = rc < 0 ? errno : 0;
            if (!rc && sync && fs_fsync_dir(dir) < 0)
                rc = -1, e = errno; /* renamed, but not known to last: reported */
        }
        if (rc < 0 && e != 0)
            unlink(tmp); /* (after a failed directory fsync, a no-op) */
        errno = e;
    }
    free(tmp);
    free(path);
    return rc;
}

void fs_unique(char out[17])
{
    /* random bits, and where there are none, pid, time and a counter: unique
     * also among machines that share DIR */
    static unsigned counter;
    struct timespec ts;
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
        v = 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    v ^= (uint64_t)getpid() << 40 ^ (uint64_t)ts.tv_sec << 20 ^ (uint64_t)ts.tv_nsec ^ (uint64_t)++counter << 56;
    snprintf(out, 17, "%016llx", (unsigned long long)v);
}

void batch_stall(const char *point)
{
    const char *s = getenv("VSAMPLE_BATCH_STALL");
    if (s && !strcmp(s, point)) {
        fprintf(stderr, "vsample: stalled at %s (VSAMPLE_BATCH_STALL)\n", point);
        sleep(60);
    }
}

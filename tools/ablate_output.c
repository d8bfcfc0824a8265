/* The output directory of ablate: every picture and report is written into a
 * hidden staging directory inside DIR (same file system, so renames are
 * atomic) and renamed into DIR only once the whole run has succeeded. A failed
 * or interrupted run removes the staging directory, and DIR itself when this
 * run created it, so nothing partial is ever left. */
#include "ablate.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int staging_open(Staging *s, const char *dir)
{
    memset(s, 0, sizeof(*s));
    if (mkdir(dir, 0777) == 0) {
        s->created_dir = 1;
    } else if (errno != EEXIST) {
        fprintf(stderr, "vsample: %s: cannot create the output directory: %s\n", dir, strerror(errno));
        return EXIT_OUTPUT;
    }
    if (!(s->dir = strdup(dir)) || asprintf(&s->stage, "%s/.vsample-ablate-XXXXXX", dir) < 0) {
        s->stage = NULL;
        staging_discard(s);
        fprintf(stderr, "vsample: %s: out of memory\n", dir);
        return EXIT_INTERNAL;
    }
    if (!mkdtemp(s->stage)) {
        int e = errno;
        free(s->stage);
        s->stage = NULL;
        staging_discard(s);
        fprintf(stderr, "vsample: %s: cannot write into the output directory: %s\n", dir, strerror(e));
        return EXIT_OUTPUT;
    }
    return 0;
}

static char *join(const char *dir, const char *name)
{
    char *p = NULL;
    return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

char *staging_path(Staging *s, const char *name)
{
    char **names = realloc(s->names, (s->nnames + 1) * sizeof(*names));
    if (!names)
        return NULL;
    s->names = names;
    for (size_t i = 0; i < s->nnames; i++)
        if (!strcmp(s->names[i], name))
            return join(s->stage, name); /* written again: one entry */
    if (!(s->names[s->nnames] = strdup(name)))
        return NULL;
    char *p = join(s->stage, name);
    if (p)
        s->nnames++;
    else
        free(s->names[s->nnames]);
    return p;
}

int staging_commit(Staging *s)
{
    /* pictures first, the reports (named last by the caller) after them */
    for (size_t i = 0; i < s->nnames; i++) {
        char *from = join(s->stage, s->names[i]), *to = join(s->dir, s->names[i]);
        int ok = from && to && rename(from, to) == 0, e = errno;
        free(from);
        free(to);
        if (!ok) {
            fprintf(stderr, "vsample: %s/%s: cannot move into place: %s\n", s->dir, s->names[i],
                    strerror(from && to ? e : ENOMEM));
            /* take back what this run already moved: no half report */
            for (size_t j = 0; j < i; j++)
                if ((to = join(s->dir, s->names[j]))) {
                    unlink(to);
                    free(to);
                }
            staging_discard(s);
            return EXIT_OUTPUT;
        }
    }
    rmdir(s->stage);
    for (size_t i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->names);
    free(s->stage);
    free(s->dir);
    memset(s, 0, sizeof(*s));
    return 0;
}

void staging_discard(Staging *s)
{
    DIR *d = s->stage ? opendir(s->stage) : NULL;
    if (d) {
        /* everything in it, temporary files of pictures half saved too */
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char *p = join(s->stage, e->d_name);
                if (p)
                    unlink(p);
                free(p);
            }
        closedir(d);
    }
    if (s->stage)
        rmdir(s->stage);
    if (s->created_dir && s->dir)
        rmdir(s->dir); /* fails, harmlessly, if anything else was put there meanwhile */
    for (size_t i = 0; i < s->nnames; i++)
        free(s->names[i]);
    free(s->names);
    free(s->stage);
    free(s->dir);
    memset(s, 0, sizeof(*s));
}

int picture_save_staged(const AblateOptions *o, const Picture *pic, const char *path, const char *name, int type)
{
    int ret = picture_save(pic, path, type, &cli_interrupted);
    if (ret >= 0)
        return 0;
    if (ret == -EINTR)
        return EXIT_INTERRUPTED;
    fprintf(stderr, "vsample: %s/%s: cannot write: %s\n", o->out_dir, name, strerror(-ret));
    return ret == -ENOMEM ? EXIT_INTERNAL : EXIT_OUTPUT;
}

/* prefetch: see prefetch.h. One producer thread, one consumer. */
#include "prefetch.h"
#include "internal.h"

#include <stdio.h>

#include <string.h>

static void *run(void *arg)
{
    VsPrefetch *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->stop && !p->done) {
        if (p->count == p->depth) {
            pthread_cond_wait(&p->changed, &p->lock);
            continue;
        }
        VsFetched *slot = &p->slots[(p->head + p->count) % p->depth];
        pthread_mutex_unlock(&p->lock); /* the consumer never touches a slot not yet counted */
        int status = p->produce(p->opaque, slot);
        slot->status = status;
        if (status < 0)
            vs_keep_text(&slot->msg, vs_last_error());
        pthread_mutex_lock(&p->lock);
        p->count++;
        p->done = status <= 0;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int vs_prefetch_start(VsPrefetch *p, int depth, VsProduceFn produce, void *opaque)
{
    memset(p, 0, sizeof(*p));
    p->depth = depth < 1 ? 1 : depth > VS_PREFETCH_MAX ? VS_PREFETCH_MAX : depth;
    p->produce = produce;
    p->opaque = opaque;
    for (int i = 0; i < p->depth; i++)
        if (!(p->slots[i].frame = av_frame_alloc()))
            goto fail;
    if (pthread_mutex_init(&p->lock, NULL))
        goto fail;
    if (pthread_cond_init(&p->changed, NULL)) {
        pthread_mutex_destroy(&p->lock);
        goto fail;
    }
    if (pthread_create(&p->thread, NULL, run, p)) {
        pthread_cond_destroy(&p->changed);
        pthread_mutex_destroy(&p->lock);
        goto fail;
    }
    p->running = 1;
    return 0;
fail:
    for (int i = 0; i < p->depth; i++)
        av_frame_free(&p->slots[i].frame);
    return VS_ERR_NOMEM;
}

VsFetched *vs_prefetch_next(VsPrefetch *p)
{
    pthread_mutex_lock(&p->lock);
    while (!p->count)
        pthread_cond_wait(&p->changed, &p->lock);
    VsFetched *slot = &p->slots[p->head];
    pthread_mutex_unlock(&p->lock);
    return slot;
}

void vs_prefetch_release(VsPrefetch *p)
{
    pthread_mutex_lock(&p->lock);
    VsFetched *slot = &p->slots[p->head];
    if (slot->status > 0) { /* the end and errors stay: every later call sees them */
        av_frame_unref(slot->frame);
        p->head = (p->head + 1) % p->depth;
        p->count--;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
}

void vs_fetched_free(VsFetched *f)
{
    av_frame_free(&f->frame);
    vs_keep_text(&f->msg, NULL);
    for (size_t v = 0; v < f->ntensors; v++)
        free(f->tensors[v]);
    free(f->tensors);
    f->tensors = NULL;
    f->ntensors = 0;
    free(f->thumb);
    f->thumb = NULL;
}

void vs_prefetch_stop(VsPrefetch *p)
{
    if (!p->running)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->changed);
    pthread_mutex_destroy(&p->lock);
    for (int i = 0; i < p->depth; i++) {
        vs_fetched_free(&p->slots[i]);
    }
    p->running = 0;
}

/* backend: which preprocess implementation a reader uses (CPU, or Vulkan
 * compute when built with it), behind the contract of preprocess.h. */
#ifndef VSAMPLE_BACKEND_H
#define VSAMPLE_BACKEND_H

#include "preprocess.h"

typedef struct VsBackend {
    VsPreprocessor *cpu;
    void *vk;        /* VsVkPreprocessor, when built with Vulkan */
    int kind;        /* VS_BACKEND_CPU or VS_BACKEND_VULKAN: what actually runs */
} VsBackend;

/* Open what settings ask for. VS_BACKEND_AUTO takes the first hardware GPU and
 * the CPU otherwise (a software Vulkan device is slower than the CPU path:
 * 10-20 vs 260-310 frames/s of 1080p here, docs/VULKAN.md); VS_BACKEND_VULKAN fails cleanly when
 * there is no Vulkan device (or vsample was built without Vulkan). */
int vs_backend_open(VsBackend *b, const VsView *views, size_t nviews, const VsReaderSettings *s);
int vs_backend_run(VsBackend *b, const AVFrame *frame, int rotation, void *const *dst);
/* n frames at once: frames[i] turned rotations[i] degrees (NULL: all 0) into
 * the destination set dst[i] (dst[i][v] for view v; NULL dst[i] or
 * dst[i][v] skips). Same bytes as n vs_backend_run() calls; on Vulkan the
 * frames share submissions (several frames each, uploads overlapping the
 * device's work), which is where a GPU gains over frame-by-frame calls. */
int vs_backend_run_batch(VsBackend *b, const AVFrame *const *frames, const int *rotations,
                         size_t n, void *const *const *dst);
void vs_backend_close(VsBackend *b);

#endif

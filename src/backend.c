/* backend: choose and run the preprocess implementation of a reader. */
#include "backend.h"
#include "internal.h"

#ifdef VS_HAVE_VULKAN
#include "vulkan/vk_preprocess.h"
#endif

#include <pthread.h>
#include <string.h>

#ifdef VS_HAVE_VULKAN
/* Looking for a hardware GPU creates a Vulkan instance: do it once per process. */
static pthread_once_t hardware_once = PTHREAD_ONCE_INIT;
static int hardware_device = -1;

static void find_hardware_device(void)
{
    hardware_device = vs_vk_first_hardware_device();
}
#endif

int vs_backend_open(VsBackend *b, const VsView *views, size_t nviews, const VsReaderSettings *s)
{
    memset(b, 0, sizeof(*b));
    int want = s ? s->backend : VS_BACKEND_CPU, device = s ? s->gpu : 0;
    if (want != VS_BACKEND_CPU && want != VS_BACKEND_AUTO && want != VS_BACKEND_VULKAN)
        return vs_error(VS_ERR_INVALID_ARG, "unknown backend %d", want);
#ifdef VS_HAVE_VULKAN
    if (want == VS_BACKEND_AUTO) {
        pthread_once(&hardware_once, find_hardware_device);
        device = hardware_device;
    }
    if (want == VS_BACKEND_VULKAN || (want == VS_BACKEND_AUTO && device >= 0)) {
        int ret = vs_vk_preprocessor_create((VsVkPreprocessor **)&b->vk, views, nviews, device);
        if (ret == 0) {
            b->kind = VS_BACKEND_VULKAN;
            return 0;
        }
        if (want == VS_BACKEND_VULKAN)
            return ret;
        vs_log(VS_LOG_WARNING, "%s; using the CPU backend", vs_last_error());
    }
#else
    (void)device;
    if (want == VS_BACKEND_VULKAN)
        return vs_error(VS_ERR_UNSUPPORTED, "no Vulkan device: this vsample was built without Vulkan");
#endif
    b->kind = VS_BACKEND_CPU;
    return vs_preprocessor_create(&b->cpu, views, nviews);
}

int vs_backend_available(int backend, int gpu)
{
    if (backend == VS_BACKEND_CPU || backend == VS_BACKEND_AUTO)
        return 0;
    if (backend != VS_BACKEND_VULKAN)
        return vs_error(VS_ERR_INVALID_ARG, "unknown backend %d", backend);
#ifdef VS_HAVE_VULKAN
    int n = vs_vk_device_count();
    if (gpu >= 0 && gpu < n)
        return 0;
    return vs_error(VS_ERR_UNSUPPORTED, "no Vulkan device %d (there %s %d)", gpu, n == 1 ? "is" : "are", n);
#else
    (void)gpu;
    return vs_error(VS_ERR_UNSUPPORTED, "no Vulkan device: this vsample was built without Vulkan");
#endif
}

int vs_backend_run(VsBackend *b, const AVFrame *frame, int rotation, void *const *dst)
{
#ifdef VS_HAVE_VULKAN
    if (b->vk)
        return vs_vk_preprocessor_run(b->vk, frame, rotation, dst);
#endif
    return vs_preprocessor_run(b->cpu, frame, rotation, dst);
}

int vs_backend_run_batch(VsBackend *b, const AVFrame *const *frames, const int *rotations,
                         size_t n, void *const *const *dst)
{
#ifdef VS_HAVE_VULKAN
    if (b->vk)
        return vs_vk_preprocessor_run_batch(b->vk, frames, rotations, n, dst);
#endif
    if (n && (!frames || !dst))
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no frames or destinations");
    for (size_t i = 0; i < n; i++) {
        int ret;
        if (dst[i] && (ret = vs_preprocessor_run(b->cpu, frames[i], rotations ? rotations[i] : 0,
                                                 dst[i])) < 0)
            return ret;
    }
    return 0;
}

void vs_backend_close(VsBackend *b)
{
#ifdef VS_HAVE_VULKAN
    vs_vk_preprocessor_destroy((VsVkPreprocessor **)&b->vk);
#endif
    vs_preprocessor_destroy(&b->cpu);
}

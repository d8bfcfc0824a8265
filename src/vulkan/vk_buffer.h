/* Host-visible, persistently mapped storage buffers: this slice keeps every
 * buffer where both the CPU and the GPU see it (all of a software device's
 * memory is such; a discrete GPU would want device-local staging later). */
#ifndef VSAMPLE_VK_BUFFER_H
#define VSAMPLE_VK_BUFFER_H

#include "vk_context.h"

typedef struct VsVkBuffer {
    VkBuffer buf;
    VkDeviceMemory mem;
    void *map;
    VkDeviceSize size;
} VsVkBuffer;

/* A storage buffer of at least size bytes (rounded up to 4), mapped.
 * what names it in the error message. readback prefers cached memory. */
int vs_vk_buffer_create(VsVkContext *ctx, VsVkBuffer *b, VkDeviceSize size, int readback,
                        const char *what);

/* Keep b if it already holds size bytes (returns 0), else replace it
 * (returns 1: descriptors pointing at the old one must be rewritten; a new
 * buffer may have the old one's handle value, so compare no handles). */
int vs_vk_buffer_reserve(VsVkContext *ctx, VsVkBuffer *b, VkDeviceSize size, int readback,
                         const char *what);

/* A binding of bytes must fit one descriptor range (maxStorageBufferRange,
 * 128 MiB on lavapipe); VS_ERR_UNSUPPORTED naming `what` otherwise. */
int vs_vk_check_range(const VsVkContext *ctx, VkDeviceSize bytes, const char *what);

void vs_vk_buffer_free(VsVkContext *ctx, VsVkBuffer *b);

#endif

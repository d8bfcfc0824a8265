/* Host-visible storage buffers for the Vulkan backend. */
#include "vk_buffer.h"

#include "internal.h"

#include <string.h>

/* First memory type allowed by bits with all of want; -1 if none. */
static int find_memory(const VsVkContext *ctx, uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < ctx->mem.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (ctx->mem.memoryTypes[i].propertyFlags & want) == want)
            return (int)i;
    return -1;
}

int vs_vk_buffer_create(VsVkContext *ctx, VsVkBuffer *b, VkDeviceSize size, int readback,
                        const char *what)
{
    int ret;
    memset(b, 0, sizeof(*b));
    size = (size + 3) & ~(VkDeviceSize)3;
    if (size == 0)
        size = 4;
    /* Bindings, not buffers, are limited by maxStorageBufferRange: a buffer
     * of several frames is bound one frame's range at a time. */
    VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VS_VK_TRY(vkCreateBuffer(ctx->device, &info, NULL, &b->buf));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(ctx->device, b->buf, &req);
    const VkMemoryPropertyFlags host =
        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int type = readback ? find_memory(ctx, req.memoryTypeBits,
                                      host | VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                        : -1;
    if (type < 0)
        type = find_memory(ctx, req.memoryTypeBits, host);
    if (type < 0) {
        ret = vs_error(VS_ERR_UNSUPPORTED, "vulkan: no host-visible memory for %s", what);
        goto fail;
    }
    VkMemoryAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type,
    };
    VS_VK_TRY(vkAllocateMemory(ctx->device, &alloc, NULL, &b->mem));
    VS_VK_TRY(vkBindBufferMemory(ctx->device, b->buf, b->mem, 0));
    VS_VK_TRY(vkMapMemory(ctx->device, b->mem, 0, VK_WHOLE_SIZE, 0, &b->map));
    b->size = size;
    return 0;
fail:
    vs_vk_buffer_free(ctx, b);
    return ret;
}

int vs_vk_buffer_reserve(VsVkContext *ctx, VsVkBuffer *b, VkDeviceSize size, int readback,
                         const char *what)
{
    if (b->buf && b->size >= size)
        return 0;
    vs_vk_buffer_free(ctx, b);
    int ret = vs_vk_buffer_create(ctx, b, size, readback, what);
    return ret < 0 ? ret : 1;
}

int vs_vk_check_range(const VsVkContext *ctx, VkDeviceSize bytes, const char *what)
{
    uint32_t max = ctx->props.limits.maxStorageBufferRange;
    if (bytes <= max)
        return 0;
    return vs_error(VS_ERR_UNSUPPORTED,
                    "vulkan: %s needs %llu bytes, over the device's storage buffer limit of %u",
                    what, (unsigned long long)bytes, max);
}

void vs_vk_buffer_free(VsVkContext *ctx, VsVkBuffer *b)
{
    if (b->map)
        vkUnmapMemory(ctx->device, b->mem);
    if (b->buf)
        vkDestroyBuffer(ctx->device, b->buf, NULL);
    if (b->mem)
        vkFreeMemory(ctx->device, b->mem, NULL);
    memset(b, 0, sizeof(*b));
}

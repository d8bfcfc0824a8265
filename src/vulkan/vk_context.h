/* Vulkan instance, device and queue for the compute backend, and the one-line
 * error report every Vulkan call goes through. */
#ifndef VSAMPLE_VK_CONTEXT_H
#define VSAMPLE_VK_CONTEXT_H

#include <vulkan/vulkan.h>

typedef struct VsVkContext {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger;
    VkPhysicalDevice phys;
    VkPhysicalDeviceProperties props;
    VkPhysicalDeviceMemoryProperties mem;
    VkDevice device;
    VkQueue queue;
    uint32_t queue_family;
} VsVkContext;

/* Name of a VkResult, e.g. "VK_ERROR_OUT_OF_DEVICE_MEMORY". */
const char *vs_vk_result_name(VkResult r);

/* Record "vulkan: CALL failed: RESULT" and return the matching VS_ERR_*. */
int vs_vk_fail(const char *call, VkResult r);

/* Evaluate a Vulkan call; on failure report it by name and goto fail with
 * ret set. Needs `int ret` and a `fail:` label in the caller. */
#define VS_VK_TRY(call)                                    \
    do {                                                   \
        VkResult vs_vk_r_ = (call);                        \
        if (vs_vk_r_ != VK_SUCCESS) {                      \
            ret = vs_vk_fail(#call, vs_vk_r_);             \
            goto fail;                                     \
        }                                                  \
    } while (0)

/* Instance (with a debug messenger when VK_EXT_debug_utils exists), device
 * device_index and its first compute queue. VS_ERR_UNSUPPORTED "no Vulkan
 * device" when the loader has no driver or the index is out of range. */
int vs_vk_context_init(VsVkContext *ctx, int device_index);
void vs_vk_context_free(VsVkContext *ctx);

#endif

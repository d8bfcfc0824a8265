/* Vulkan instance, device and queue selection for the compute backend. */
#include "vk_context.h"

#include "internal.h"
#include "vk_preprocess.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_uint debug_messages;

const char *vs_vk_result_name(VkResult r)
{
    switch (r) {
#define NAME(x) case x: return #x
    NAME(VK_SUCCESS);
    NAME(VK_NOT_READY);
    NAME(VK_TIMEOUT);
    NAME(VK_INCOMPLETE);
    NAME(VK_ERROR_OUT_OF_HOST_MEMORY);
    NAME(VK_ERROR_OUT_OF_DEVICE_MEMORY);
    NAME(VK_ERROR_INITIALIZATION_FAILED);
    NAME(VK_ERROR_DEVICE_LOST);
    NAME(VK_ERROR_MEMORY_MAP_FAILED);
    NAME(VK_ERROR_LAYER_NOT_PRESENT);
    NAME(VK_ERROR_EXTENSION_NOT_PRESENT);
    NAME(VK_ERROR_FEATURE_NOT_PRESENT);
    NAME(VK_ERROR_INCOMPATIBLE_DRIVER);
    NAME(VK_ERROR_TOO_MANY_OBJECTS);
    NAME(VK_ERROR_FORMAT_NOT_SUPPORTED);
    NAME(VK_ERROR_FRAGMENTED_POOL);
    NAME(VK_ERROR_UNKNOWN);
    NAME(VK_ERROR_OUT_OF_POOL_MEMORY);
    NAME(VK_ERROR_INVALID_EXTERNAL_HANDLE);
    NAME(VK_ERROR_FRAGMENTATION);
#undef NAME
    default: return "unknown VkResult";
    }
}

int vs_vk_fail(const char *call, VkResult r)
{
    /* Keep the message one line: the call up to its argument list. */
    size_t n = strcspn(call, "(");
    int code = (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY)
                   ? VS_ERR_NOMEM
                   : VS_ERR_INTERNAL;
    return vs_error(code, "vulkan: %.*s failed: %s (%d)", (int)n, call, vs_vk_result_name(r),
                    (int)r);
}

unsigned vs_vk_debug_message_count(void)
{
    return atomic_load(&debug_messages);
}

static VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT types,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *opaque)
{
    (void)opaque;
    int error = severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    /* The loader's general warnings (e.g. "env var VK_INSTANCE_LAYERS defined")
     * are notes, not faults: logged, not counted. */
    if (!error && types == VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT) {
        vs_log(VS_LOG_INFO, "vulkan: %s", data && data->pMessage ? data->pMessage : "");
        return VK_FALSE;
    }
    atomic_fetch_add(&debug_messages, 1u);
    int level = error ? VS_LOG_ERROR : VS_LOG_WARNING;
    vs_log(level, "vulkan: %s", data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

static int has_instance_extension(const char *name)
{
    uint32_t n = 0;
    int found = 0;
    if (vkEnumerateInstanceExtensionProperties(NULL, &n, NULL) != VK_SUCCESS || n == 0)
        return 0;
    VkExtensionProperties *ext = calloc(n, sizeof(*ext));
    if (!ext)
        return 0;
    VkResult r = vkEnumerateInstanceExtensionProperties(NULL, &n, ext);
    if (r == VK_SUCCESS || r == VK_INCOMPLETE) /* VK_INCOMPLETE still filled n entries */
        for (uint32_t i = 0; i < n && !found; i++)
            found = strcmp(ext[i].extensionName, name) == 0;
    free(ext);
    return found;
}

static const VkDebugUtilsMessengerCreateInfoEXT *messenger_info(void)
{
    static const VkDebugUtilsMessengerCreateInfoEXT info = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
        .pfnUserCallback = on_debug_message,
    };
    return &info;
}

/* An instance; with the debug-utils messenger chained in, messages of
 * vkCreateInstance / vkDestroyInstance themselves are counted too. A failure
 * here means no loader driver: VS_ERR_UNSUPPORTED, not an internal error.
 * A mere probe (quiet) installs no messenger, so that probing a machine
 * without drivers logs nothing. */
static int create_instance(VsVkContext *ctx, int quiet)
{
    const char *ext[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    int debug = !quiet && has_instance_extension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "vsample",
        .pEngineName = "vsample",
        .apiVersion = VK_API_VERSION_1_0,
    };
    VkInstanceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = debug ? messenger_info() : NULL,
        .pApplicationInfo = &app,
        .enabledExtensionCount = debug ? 1u : 0u,
        .ppEnabledExtensionNames = ext,
    };
    VkResult r = vkCreateInstance(&info, NULL, &ctx->instance);
    if (r != VK_SUCCESS) {
        ctx->instance = VK_NULL_HANDLE;
        return vs_error(VS_ERR_UNSUPPORTED, "vulkan: no Vulkan device (vkCreateInstance: %s)",
                        vs_vk_result_name(r));
    }
    if (!debug)
        return 0;
    PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)(void (*)(void))
        vkGetInstanceProcAddr(ctx->instance, "vkCreateDebugUtilsMessengerEXT");
    ctx->destroy_messenger = (PFN_vkDestroyDebugUtilsMessengerEXT)(void (*)(void))
        vkGetInstanceProcAddr(ctx->instance, "vkDestroyDebugUtilsMessengerEXT");
    if (create && ctx->destroy_messenger &&
        (r = create(ctx->instance, messenger_info(), NULL, &ctx->messenger)) != VK_SUCCESS)
        return vs_vk_fail("vkCreateDebugUtilsMessengerEXT", r);
    return 0;
}

static const char *device_type_name(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "software (CPU)";
    default: return "other";
    }
}

/* Pick device index among all devices (none skipped; software ones are named
 * as such in the log) and its first queue family that can compute. */
static int pick_device(VsVkContext *ctx, int index)
{
    VkPhysicalDevice *devs = NULL;
    VkQueueFamilyProperties *fam = NULL;
    uint32_t n = 0, nfam = 0;
    int ret = 0;
    VS_VK_TRY(vkEnumeratePhysicalDevices(ctx->instance, &n, NULL));
    if (n == 0) {
        ret = vs_error(VS_ERR_UNSUPPORTED, "vulkan: no Vulkan device");
        goto fail;
    }
    if (index < 0 || (uint32_t)index >= n) {
        ret = vs_error(VS_ERR_UNSUPPORTED, "vulkan: no Vulkan device %d (there are %u)", index, n);
        goto fail;
    }
    if (!(devs = calloc(n, sizeof(*devs)))) {
        ret = vs_error(VS_ERR_NOMEM, "vulkan: out of memory");
        goto fail;
    }
    VS_VK_TRY(vkEnumeratePhysicalDevices(ctx->instance, &n, devs));
    for (uint32_t i = 0; i < n; i++) {
        VkPhysicalDeviceProperties pr;
        vkGetPhysicalDeviceProperties(devs[i], &pr);
        vs_log(VS_LOG_DEBUG, "vulkan: device %u: %s (%s)%s", i, pr.deviceName,
               device_type_name(pr.deviceType), (int)i == index ? " [selected]" : "");
    }
    ctx->phys = devs[index];
    vkGetPhysicalDeviceProperties(ctx->phys, &ctx->props);
    vkGetPhysicalDeviceMemoryProperties(ctx->phys, &ctx->mem);
    vkGetPhysicalDeviceQueueFamilyProperties(ctx->phys, &nfam, NULL);
    if (nfam == 0 || !(fam = calloc(nfam, sizeof(*fam)))) {
        ret = vs_error(VS_ERR_UNSUPPORTED, "vulkan: device %s has no queue", ctx->props.deviceName);
        goto fail;
    }
    vkGetPhysicalDeviceQueueFamilyProperties(ctx->phys, &nfam, fam);
    ctx->queue_family = UINT32_MAX;
    for (uint32_t i = 0; i < nfam && ctx->queue_family == UINT32_MAX; i++)
        if (fam[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
            ctx->queue_family = i;
    if (ctx->queue_family == UINT32_MAX)
        ret = vs_error(VS_ERR_UNSUPPORTED, "vulkan: device %s has no compute queue",
                       ctx->props.deviceName);
fail:
    free(devs);
    free(fam);
    return ret;
}

int vs_vk_context_init(VsVkContext *ctx, int device_index)
{
    int ret;
    memset(ctx, 0, sizeof(*ctx));
    if ((ret = create_instance(ctx, 0)) < 0 || (ret = pick_device(ctx, device_index)) < 0)
        goto fail;
    float priority = 1.0f;
    VkDeviceQueueCreateInfo q = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = ctx->queue_family,
        .queueCount = 1,
        .pQueuePriorities = &priority,
    };
    VkDeviceCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &q,
    };
    VS_VK_TRY(vkCreateDevice(ctx->phys, &info, NULL, &ctx->device));
    vkGetDeviceQueue(ctx->device, ctx->queue_family, 0, &ctx->queue);
    vs_log(VS_LOG_INFO, "vulkan: using device %d: %s (%s)", device_index, ctx->props.deviceName,
           device_type_name(ctx->props.deviceType));
    return 0;
fail:
    vs_vk_context_free(ctx);
    return ret;
}

void vs_vk_context_free(VsVkContext *ctx)
{
    if (ctx->device)
        vkDestroyDevice(ctx->device, NULL);
    if (ctx->messenger && ctx->destroy_messenger)
        ctx->destroy_messenger(ctx->instance, ctx->messenger, NULL);
    if (ctx->instance)
        vkDestroyInstance(ctx->instance, NULL);
    memset(ctx, 0, sizeof(*ctx));
}

int vs_vk_device_count(void)
{
    VsVkContext ctx;
    uint32_t n = 0;
    memset(&ctx, 0, sizeof(ctx));
    if (create_instance(&ctx, 1) < 0)
        n = 0;
    else if (vkEnumeratePhysicalDevices(ctx.instance, &n, NULL) != VK_SUCCESS)
        n = 0;
    vs_vk_context_free(&ctx);
    return (int)n;
}

int vs_vk_first_hardware_device(void)
{
    VsVkContext ctx;
    uint32_t n = 0;
    int found = -1;
    VkPhysicalDevice devs[16];
    memset(&ctx, 0, sizeof(ctx));
    if (create_instance(&ctx, 1) >= 0) {
        n = 16;
        if (vkEnumeratePhysicalDevices(ctx.instance, &n, devs) < 0)
            n = 0;
        for (uint32_t i = 0; i < n && found < 0; i++) {
            VkPhysicalDeviceProperties props;
            vkGetPhysicalDeviceProperties(devs[i], &props);
            if (props.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU)
                found = (int)i;
        }
    }
    vs_vk_context_free(&ctx);
    return found;
}

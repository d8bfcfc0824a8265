/* Shared by the Vulkan tests: CHECK, the validation-layer check and the
 * end-of-test verdict (failures, and any validation or driver message). */
#ifndef VSAMPLE_TESTS_VK_TEST_UTIL_H
#define VSAMPLE_TESTS_VK_TEST_UTIL_H

#include "vsample/vsample.h"
#include "vulkan/vk_preprocess.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

static int failures;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                 \
            fprintf(stderr, __VA_ARGS__);                                        \
            fprintf(stderr, " (%s)\n", vs_last_error());                         \
            failures++;                                                          \
        }                                                                        \
    } while (0)

/* With VK_INSTANCE_LAYERS naming the validation layer (as meson test sets
 * it), the layer must really be there, or "no messages" would prove nothing. */
static inline void vk_test_check_validation_layer(void)
{
    const char *want = getenv("VK_INSTANCE_LAYERS");
    if (!want || !strstr(want, "VK_LAYER_KHRONOS_validation")) {
        printf("validation layer not requested (VK_INSTANCE_LAYERS unset)\n");
        return;
    }
    uint32_t n = 0;
    int found = 0;
    vkEnumerateInstanceLayerProperties(&n, NULL);
    VkLayerProperties *l = calloc(n ? n : 1, sizeof(*l));
    if (l && vkEnumerateInstanceLayerProperties(&n, l) == VK_SUCCESS)
        for (uint32_t i = 0; i < n; i++)
            found |= strcmp(l[i].layerName, "VK_LAYER_KHRONOS_validation") == 0;
    free(l);
    CHECK(found, "VK_LAYER_KHRONOS_validation requested but not installed");
    printf("validation layer %s\n", found ? "active" : "missing");
}

/* Mesa 22.3's lavapipe loses 128 bytes each time the loader loads it (they
 * show as leaks from an unloaded "<unknown module>" under LeakSanitizer).
 * One instance held for the whole run keeps the driver loaded, so that
 * memory stays reachable and only leaks of our own are reported. */
static VkInstance vk_test_keep_driver_loaded;

static inline void vk_test_hold_driver(void)
{
    VkInstanceCreateInfo info = {.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    if (vkCreateInstance(&info, NULL, &vk_test_keep_driver_loaded) != VK_SUCCESS)
        vk_test_keep_driver_loaded = VK_NULL_HANDLE;
}

/* Exit status: 1 on any failure or validation / driver message. */
static inline int vk_test_finish(void)
{
    unsigned msgs = vs_vk_debug_message_count();
    CHECK(msgs == 0, "%u Vulkan validation/driver message(s), see the log above", msgs);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}

#endif

/* The Vulkan compute preprocess backend: the same contract as preprocess.h,
 * and the same bytes as the CPU backend (u8 within one level; in practice
 * identical, since the RGB conversion, the integer filter weights and the
 * normalize tables are the CPU's own).
 *
 * This slice converts to RGB24 on the CPU with the same libswscale call as
 * the CPU backend, then resizes (PIL's two integer passes), turns, pads,
 * crops, normalizes and lays out on the GPU. */
#ifndef VSAMPLE_VK_PREPROCESS_H
#define VSAMPLE_VK_PREPROCESS_H

#include "vsample/vsample.h"

#include <libavutil/frame.h>

typedef struct VsVkPreprocessor VsVkPreprocessor;

/* views are copied. device_index picks a device in vkEnumeratePhysicalDevices
 * order (software devices such as lavapipe included). VS_ERR_UNSUPPORTED
 * ("no Vulkan device") when there is no loader driver or no such device. */
int vs_vk_preprocessor_create(VsVkPreprocessor **out, const VsView *views, size_t nviews,
                              int device_index);

/* As vs_preprocessor_run(): view v of frame into dst[v]; NULL dst[v] skips. */
int vs_vk_preprocessor_run(VsVkPreprocessor *p, const AVFrame *frame, int rotation,
                           void *const *dst);

void vs_vk_preprocessor_destroy(VsVkPreprocessor **p);

/* Number of Vulkan devices; 0 when no loader driver / no device, never fails. */
int vs_vk_device_count(void);

/* Index of the first device that is not a CPU implementation (lavapipe,
 * SwiftShader), or -1. */
int vs_vk_first_hardware_device(void);

/* Validation or driver messages (warning or error) seen by any of our
 * instances' debug messengers since the process started: tests require 0. */
unsigned vs_vk_debug_message_count(void);

#endif

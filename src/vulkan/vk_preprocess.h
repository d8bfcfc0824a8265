/* The Vulkan compute preprocess backend: the same contract as preprocess.h,
 * and the same bytes as the CPU backend (the issue allows u8 within one
 * level; they are identical, since the YUV -> RGB arithmetic is libswscale's
 * own (vk_yuv.h), and the integer filter weights and normalize tables are the
 * CPU's).
 *
 * The decoded planes are uploaded as they are and converted to RGB on the
 * GPU (formats without a GPU conversion: with libswscale on the CPU, as the
 * CPU backend), then resized (PIL's two integer passes), turned, padded,
 * cropped, normalized and laid out on the GPU; several frames per
 * submission, double-buffered (vs_vk_preprocessor_run_batch). */
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

/* n frames: view v of frames[i], turned rotations[i] degrees (rotations may
 * be NULL: all 0), into dst[i][v]; a NULL dst[i] skips frame i, a NULL
 * dst[i][v] that view. Up to the batch size (vs_vk_preprocessor_set_batch)
 * of consecutive frames of one geometry share a submission; while the device
 * works on one submission the next one's frames are uploaded. Returns when
 * every tensor is in place. All frames are checked before any work, so a bad
 * one (no picture, rotation not a multiple of 90) fails the call cleanly. */
int vs_vk_preprocessor_run_batch(VsVkPreprocessor *p, const AVFrame *const *frames,
                                 const int *rotations, size_t n, void *const *const *dst);

/* Frames per submission (1..256, default 8), fewer when one slot's buffers
 * would pass 768 MiB. */
void vs_vk_preprocessor_set_batch(VsVkPreprocessor *p, int frames);

/* 1 (the default, unless the environment variable VSAMPLE_VK_YUV is "cpu"):
 * convert supported formats to RGB on the GPU; 0: with libswscale on the
 * CPU, as the first slice did. Waits for work in flight. */
int vs_vk_preprocessor_set_gpu_yuv(VsVkPreprocessor *p, int on);

/* Tests: the RGB24 picture the GPU conversion makes of frame into rgb
 * (stride bytes per row). Returns the enum VsVkYuvMode used, VS_VK_YUV_CPU (0)
 * without touching rgb when the frame is converted on the CPU, or <0. */
int vs_vk_preprocessor_debug_rgb(VsVkPreprocessor *p, const AVFrame *frame, uint8_t *rgb,
                                 int stride);

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

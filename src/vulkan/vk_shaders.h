/* The backend's SPIR-V, generated from shaders/NAME.comp at build time by
 * shaders/spv_to_c.py (glslc -mfmt=c). */
#ifndef VSAMPLE_VK_SHADERS_H
#define VSAMPLE_VK_SHADERS_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t vs_vk_yuv_spv[];
extern const size_t vs_vk_yuv_spv_size;
extern const uint32_t vs_vk_hpass_spv[];
extern const size_t vs_vk_hpass_spv_size;
extern const uint32_t vs_vk_vpass_spv[];
extern const size_t vs_vk_vpass_spv_size;
extern const uint32_t vs_vk_pack_spv[];
extern const size_t vs_vk_pack_spv_size;

#endif

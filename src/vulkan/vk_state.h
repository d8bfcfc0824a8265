/* The Vulkan preprocessor's state, shared by its files: vk_preprocess.c
 * (configuration, uploads, submissions, the API), vk_objects.c (pipelines,
 * layouts, descriptor sets, command buffers) and vk_views.c (per-view
 * weights and normalize tables). Private to src/vulkan. */
#ifndef VSAMPLE_VK_STATE_H
#define VSAMPLE_VK_STATE_H

#include "rgb.h"
#include "vk_buffer.h"
#include "vk_context.h"
#include "vk_preprocess.h"
#include "vk_yuv.h"

enum { NBINDINGS = 6, YUV_BINDINGS = 3, LOCAL = 64, NSLOTS = 2 };
/* The three view passes; yuv.comp's pipelines (one per conversion mode and
 * identity filters, specialization constants) are made when first needed. */
enum { PASS_H, PASS_V, PASS_PACK, NPASSES };
enum { NYUV = 4 * 2 * 2 };
/* Frames per submission by default, and the most one slot holds. */
enum { DEFAULT_BATCH = 8, MAX_BATCH = 256 };
/* Host-visible memory one slot may take for a batch (uploads and outputs);
 * a larger batch is cut into smaller submissions. */
#define SLOT_BYTES_MAX ((size_t)768 << 20)

/* The push constant block of shaders/common.glsl, in the same order. */
typedef struct VsVkPush {
    int32_t src_w, src_h, src_stride, turn;
    int32_t pic_w, pic_h;
    int32_t pad_x, pad_y;
    int32_t rin_w, rin_h;
    uint32_t pad_fill;
    int32_t out_w, out_h;
    int32_t row0, nrows;
    int32_t hk, vk;
    int32_t h_off, v_off;
    int32_t dtype, layout, nwords, npix;
} VsVkPush;

/* The push constant block of shaders/yuv.comp, in the same order. */
typedef struct VsVkYuvPush {
    int32_t w, h, mode, bytes;
    int32_t shift, log2_ch, nv12;
    int32_t off[3];
    int32_t ls[3];
    int32_t hsize, vsize;
    int32_t dst_stride;
    int32_t hpos, hcoef, vpos, vcoef, ytab, rv, gu, gv, bu;
} VsVkYuvPush;

/* What does not change per slot: the view, its weights and tables. */
typedef struct VkViewState {
    VsView view;
    int pic_w, pic_h; /* picture (after the turn) the weights were made for */
    VsVkPush push;
    VsVkBuffer weights, table;
    VkDeviceSize out_bytes, out_stride; /* one frame's tensor; frames apart */
} VkViewState;

/* A view's buffers in one slot. */
typedef struct VkSlotView {
    VsVkBuffer tmp, rgb, out;
    VkDescriptorSet set;
} VkSlotView;

typedef struct VkSlot {
    VsVkBuffer up;  /* capacity frames: planes, or RGB24 converted on the CPU */
    VsVkBuffer pic; /* the RGB24 picture yuv.comp writes (one frame) */
    VkDescriptorSet yuv_set;
    VkCommandPool cmd_pool;
    VkCommandBuffer cmd;
    VkFence fence;
    VkSlotView *views;
    int capacity;  /* entries of sets[] */
    int stale;     /* descriptor sets must be rewritten before use */
    int nframes;   /* frames in flight (0: idle) */
    int copy;      /* copy their tensors out when they are done */
    void *const **sets; /* their destination sets */
} VkSlot;

struct VsVkPreprocessor {
    VsVkContext ctx;
    size_t nviews;
    VkViewState *views;
    VsRgbConverter rgb;
    int gpu_yuv, batch;
    /* The geometry everything is set up for. */
    int configured, pic_w, pic_h, cfg_gpu_yuv;
    VsVkYuv yuv;
    VsVkYuvLayout yl;
    VsVkYuvPush ypush;
    VsVkBuffer yuv_tab;
    VkDeviceSize up_bytes, up_stride;     /* one frame's upload; frames apart */
    VkDeviceSize pic_bytes;               /* the picture hpass reads */
    int pic_stride;
    VkSlot slots[NSLOTS];
    int next;
    VkDescriptorSetLayout set_layout, yuv_set_layout;
    VkPipelineLayout layout, yuv_layout;
    VkShaderModule mod[NPASSES], yuv_mod;
    VkPipeline pipe[NPASSES], yuv_pipe[NYUV];
    VkDescriptorPool pool;
};

static inline VkDeviceSize vs_vk_align_up(VkDeviceSize v, VkDeviceSize a)
{
    return (v + a - 1) / a * a;
}

/* Whether the current geometry's picture is made by yuv.comp (else the CPU
 * converts into the upload buffer). */
static inline int vs_vk_gpu_picture(const VsVkPreprocessor *p)
{
    return p->yuv.mode != VS_VK_YUV_CPU;
}

/* vk_objects.c */
/* View sets: binding 0 (the picture) and 4 (the tensor) move per frame.
 * yuv.comp's set: binding 0 (the planes) moves per frame. */
#define VS_VK_VIEW_DYNAMIC ((1u << 0) | (1u << 4))
#define VS_VK_YUV_DYNAMIC (1u << 0)
/* Layouts, the view passes' pipelines, descriptor sets, command pools,
 * command buffers and fences of both slots. */
int vs_vk_objects_create(VsVkPreprocessor *p);
/* yuv.comp's pipeline for the current conversion, made on first use. */
int vs_vk_yuv_pipeline(VsVkPreprocessor *p, VkPipeline *out);
/* Point slot sl's sets at its current buffers. Only while it is idle. */
void vs_vk_update_sets(VsVkPreprocessor *p, VkSlot *sl);
void vs_vk_objects_destroy(VsVkPreprocessor *p);

/* vk_views.c */
/* Views copied in, their normalize tables and output sizes. */
int vs_vk_views_init(VsVkPreprocessor *p, const VsView *views);
/* Weights of view vs for pictures pic_w x pic_h. No submission in flight. */
int vs_vk_view_geometry(VsVkPreprocessor *p, VkViewState *vs, int pic_w, int pic_h);

#endif

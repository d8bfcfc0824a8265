/* The Vulkan compute preprocess backend.
 *
 * Per frame: libswscale -> RGB24 straight into a mapped storage buffer (the
 * CPU backend's call, ../rgb.c); then per view three dispatches: hpass.comp
 * (rotation and PAD square as index mappings, PIL's horizontal integer pass
 * over the window's columns), vpass.comp (the vertical integer pass) and
 * pack.comp (normalize, dtype and layout through the CPU backend's own
 * tables), into a mapped buffer copied to the caller. One submission and one wait per frame.
 * Weights, tables and buffers are kept until a size changes. */
#include "vk_preprocess.h"

#include "dtype.h"
#include "geometry.h"
#include "internal.h"
#include "resample.h"
#include "vk_buffer.h"
#include "vk_context.h"
#include "rgb.h"
#include "vk_shaders.h"

#include <stdlib.h>
#include <string.h>


enum { NBINDINGS = 6, LOCAL = 64 };
enum { PASS_H, PASS_V, PASS_PACK, NPASSES };

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

typedef struct VkViewState {
    VsView view;
    int pic_w, pic_h; /* picture (after the turn) the weights were made for */
    VsVkPush push;
    VsVkBuffer weights, tmp, table, out, rgb;
    VkDescriptorSet set;
    unsigned set_src_gen; /* generation of the picture buffer set points at */
} VkViewState;

struct VsVkPreprocessor {
    VsVkContext ctx;
    size_t nviews;
    VkViewState *views;
    VsRgbConverter rgb;
    VsVkBuffer src;
    unsigned src_gen; /* bumped whenever src is replaced */
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkShaderModule mod[NPASSES];
    VkPipeline pipe[NPASSES];
    VkDescriptorPool pool;
    VkCommandPool cmd_pool;
    VkCommandBuffer cmd;
    VkFence fence;
};

/* ------------------------------------------------------------- geometry */

/* One axis of the window [x0, x0 + n) into dst: first[n], count[n], then k
 * coefficients per pixel. An axis the CPU skips (same size) becomes the
 * identity, one tap of weight 1, which clip8 returns unchanged. */
static void fill_axis(int32_t *dst, const VsResampleAxis *ax, int need, int x0, int n, int k)
{
    for (int i = 0; i < n; i++) {
        int o = x0 + i;
        int32_t *coef = dst + 2 * n + (size_t)i * (size_t)k;
        if (!need) {
            dst[i] = o;
            dst[n + i] = 1;
            coef[0] = 1 << VS_RESAMPLE_PRECISION_BITS;
            continue;
        }
        dst[i] = ax->first[o];
        dst[n + i] = ax->count[o];
        memcpy(coef, &ax->coeffs[(size_t)o * (size_t)ax->ksize], (size_t)k * sizeof(*coef));
    }
}

/* Weights and intermediate buffer of view vs for pictures pic_w x pic_h,
 * the same geometry as preprocess_cpu.c's setup_view(). */
static int setup_geometry(VsVkPreprocessor *p, VkViewState *vs, int pic_w, int pic_h)
{
    const VsView *v = &vs->view;
    VsVkPush *pc = &vs->push;
    VsResampler rs;
    VsViewGeometry g;
    int ret;
    vs_view_geometry(v, pic_w, pic_h, &g);
    int rin_w = g.rin_w, rin_h = g.rin_h, rout_w = g.rout_w, rout_h = g.rout_h;
    int win_x = g.win_x, win_y = g.win_y;
    pc->pad_x = g.pad_x;
    pc->pad_y = g.pad_y;
    if ((ret = vs_resampler_init(&rs, rin_w, rin_h, rout_w, rout_h, v->filter)) < 0)
        return ret;
    int W = v->width, H = v->height;
    pc->hk = rs.need_h ? rs.h.ksize : 1;
    pc->vk = rs.need_v ? rs.v.ksize : 1;
    pc->h_off = 0;
    pc->v_off = 2 * W + W * pc->hk;
    size_t nints = (size_t)pc->v_off + 2 * (size_t)H + (size_t)H * (size_t)pc->vk;
    if ((ret = vs_vk_buffer_reserve(&p->ctx, &vs->weights, nints * 4, 0, "filter weights")) < 0)
        goto done;
    int32_t *wt = vs->weights.map;
    fill_axis(wt + pc->h_off, &rs.h, rs.need_h, win_x, W, pc->hk);
    fill_axis(wt + pc->v_off, &rs.v, rs.need_v, win_y, H, pc->vk);
    /* Input rows the window reads: first[] and first[] + count[] never decrease. */
    int32_t *vfirst = wt + pc->v_off, *vcount = vfirst + H;
    pc->row0 = vfirst[0];
    pc->nrows = vfirst[H - 1] + vcount[H - 1] - pc->row0;
    pc->rin_w = rin_w;
    pc->rin_h = rin_h;
    ret = vs_vk_buffer_reserve(&p->ctx, &vs->tmp, (VkDeviceSize)W * (VkDeviceSize)pc->nrows * 4,
                               0, "horizontal pass output");
    if (ret >= 0) {
        vs->pic_w = pic_w;
        vs->pic_h = pic_h;
    }
done:
    vs_resampler_free(&rs);
    return ret;
}

/* ------------------------------------------------------------ normalize */

/* (v * rescale - mean) / std per channel and value, in float32 with one
 * rounding per operation and the CPU's own f16 / bf16 rounding: the same
 * expressions as preprocess_cpu.c's build_tables(), hence the same bits. */
static void fill_table(const VsView *v, uint32_t *tab)
{
    for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 256; i++) {
            float x = (float)i * v->rescale;
            x = x - v->mean[c];
            x = x / v->std[c];
            uint32_t bits;
            if (v->dtype == VS_DTYPE_F32)
                memcpy(&bits, &x, 4);
            else if (v->dtype == VS_DTYPE_BF16)
                bits = vs_f32_to_bf16(x);
            else
                bits = vs_f32_to_f16(x);
            tab[c * 256 + i] = bits;
        }
    }
}

/* ------------------------------------------------------------- pipeline */

static int create_module(VsVkPreprocessor *p, const uint32_t *code, size_t size,
                         VkShaderModule *mod)
{
    int ret = 0;
    VkShaderModuleCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = size,
        .pCode = code,
    };
    VS_VK_TRY(vkCreateShaderModule(p->ctx.device, &info, NULL, mod));
fail:
    return ret;
}

static int create_pipeline(VsVkPreprocessor *p, VkShaderModule mod, VkPipeline *pipe)
{
    int ret = 0;
    VkComputePipelineCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = mod,
            .pName = "main",
        },
        .layout = p->layout,
    };
    VS_VK_TRY(vkCreateComputePipelines(p->ctx.device, VK_NULL_HANDLE, 1, &info, NULL, pipe));
fail:
    return ret;
}

static int create_pipelines(VsVkPreprocessor *p)
{
    int ret = 0;
    VkDescriptorSetLayoutBinding b[NBINDINGS];
    for (uint32_t i = 0; i < NBINDINGS; i++)
        b[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo dsl = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = NBINDINGS,
        .pBindings = b,
    };
    VS_VK_TRY(vkCreateDescriptorSetLayout(p->ctx.device, &dsl, NULL, &p->set_layout));
    VkPushConstantRange range = {
        .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        .size = sizeof(VsVkPush),
    };
    VkPipelineLayoutCreateInfo pl = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &p->set_layout,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &range,
    };
    VS_VK_TRY(vkCreatePipelineLayout(p->ctx.device, &pl, NULL, &p->layout));
    const uint32_t *code[NPASSES] = {vs_vk_hpass_spv, vs_vk_vpass_spv, vs_vk_pack_spv};
    const size_t size[NPASSES] = {vs_vk_hpass_spv_size, vs_vk_vpass_spv_size,
                                  vs_vk_pack_spv_size};
    for (int i = 0; i < NPASSES; i++)
        if ((ret = create_module(p, code[i], size[i], &p->mod[i])) < 0 ||
            (ret = create_pipeline(p, p->mod[i], &p->pipe[i])) < 0)
            goto fail;
fail:
    return ret;
}

/* Descriptor pool with one set per view, the command buffer and the fence. */
static int create_sets_and_commands(VsVkPreprocessor *p)
{
    int ret = 0;
    VkDescriptorPoolSize size = {
        .type = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
        .descriptorCount = (uint32_t)(NBINDINGS * p->nviews),
    };
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = (uint32_t)p->nviews,
        .poolSizeCount = 1,
        .pPoolSizes = &size,
    };
    VS_VK_TRY(vkCreateDescriptorPool(p->ctx.device, &pool, NULL, &p->pool));
    for (size_t v = 0; v < p->nviews; v++) {
        VkDescriptorSetAllocateInfo alloc = {
            .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
            .descriptorPool = p->pool,
            .descriptorSetCount = 1,
            .pSetLayouts = &p->set_layout,
        };
        VS_VK_TRY(vkAllocateDescriptorSets(p->ctx.device, &alloc, &p->views[v].set));
    }
    VkCommandPoolCreateInfo cp = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
        .queueFamilyIndex = p->ctx.queue_family,
    };
    VS_VK_TRY(vkCreateCommandPool(p->ctx.device, &cp, NULL, &p->cmd_pool));
    VkCommandBufferAllocateInfo cb = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = p->cmd_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VS_VK_TRY(vkAllocateCommandBuffers(p->ctx.device, &cb, &p->cmd));
    VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VS_VK_TRY(vkCreateFence(p->ctx.device, &fi, NULL, &p->fence));
fail:
    return ret;
}

/* Point view vs's set at the current buffers (called after any of them was
 * replaced; no submission is in flight then). */
static void update_set(VsVkPreprocessor *p, VkViewState *vs)
{
    const VsVkBuffer *bufs[NBINDINGS] = {&p->src,   &vs->weights, &vs->tmp,
                                         &vs->table, &vs->out,     &vs->rgb};
    VkDescriptorBufferInfo info[NBINDINGS];
    VkWriteDescriptorSet w[NBINDINGS];
    for (uint32_t i = 0; i < NBINDINGS; i++) {
        info[i] = (VkDescriptorBufferInfo){.buffer = bufs[i]->buf, .range = VK_WHOLE_SIZE};
        w[i] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = vs->set,
            .dstBinding = i,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &info[i],
        };
    }
    vkUpdateDescriptorSets(p->ctx.device, NBINDINGS, w, 0, NULL);
}

/* ------------------------------------------------------------ dispatch */

static void barrier(VkCommandBuffer cmd, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
        .dstAccessMask = dst_access,
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, dst_stage, 0, 1, &mb, 0, NULL,
                         0, NULL);
}

static void dispatch_views(VsVkPreprocessor *p, void *const *dst, int pass)
{
    VkCommandBuffer cmd = p->cmd;
    const VkPhysicalDeviceLimits *lim = &p->ctx.props.limits;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipe[pass]);
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        if (!dst[v])
            continue;
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &vs->set,
                                0, NULL);
        vkCmdPushConstants(cmd, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(VsVkPush),
                           &vs->push);
        uint32_t cols = ((uint32_t)vs->push.out_w + LOCAL - 1) / LOCAL;
        if (pass == PASS_H) {
            vkCmdDispatch(cmd, cols, (uint32_t)vs->push.nrows, 1);
        } else if (pass == PASS_V) {
            vkCmdDispatch(cmd, cols, (uint32_t)vs->push.out_h, 1);
        } else {
            /* pack loops over words, so the group count may be capped. */
            uint32_t groups = ((uint32_t)vs->push.nwords + LOCAL - 1) / LOCAL;
            if (groups > lim->maxComputeWorkGroupCount[0])
                groups = lim->maxComputeWorkGroupCount[0];
            vkCmdDispatch(cmd, groups, 1, 1);
        }
    }
}

static int submit_and_wait(VsVkPreprocessor *p, void *const *dst)
{
    int ret = 0;
    VkDevice dev = p->ctx.device;
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VS_VK_TRY(vkResetCommandPool(dev, p->cmd_pool, 0));
    VS_VK_TRY(vkBeginCommandBuffer(p->cmd, &begin));
    for (int pass = 0; pass < NPASSES; pass++) {
        if (pass > 0)
            barrier(p->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
        dispatch_views(p, dst, pass);
    }
    barrier(p->cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VS_VK_TRY(vkEndCommandBuffer(p->cmd));
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &p->cmd,
    };
    VS_VK_TRY(vkQueueSubmit(p->ctx.queue, 1, &submit, p->fence));
    VS_VK_TRY(vkWaitForFences(dev, 1, &p->fence, VK_TRUE, UINT64_MAX));
    VS_VK_TRY(vkResetFences(dev, 1, &p->fence));
fail:
    return ret;
}

/* Geometry, push constants and descriptors of every view for this frame. */
static int prepare_views(VsVkPreprocessor *p, const AVFrame *frame, int k, void *const *dst)
{
    int pic_w = k % 2 ? frame->height : frame->width;
    int pic_h = k % 2 ? frame->width : frame->height;
    int ret;
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        /* The picture buffer may have been replaced on a frame this view
         * skipped: compare with what its set points at. */
        int moved = vs->set_src_gen != p->src_gen;
        if (!dst[v])
            continue;
        if (vs->pic_w != pic_w || vs->pic_h != pic_h) {
            if ((ret = setup_geometry(p, vs, pic_w, pic_h)) < 0)
                return ret;
            moved = 1;
        }
        VsVkPush *pc = &vs->push;
        pc->src_w = frame->width;
        pc->src_h = frame->height;
        pc->src_stride = vs_rgb_stride(frame->width);
        pc->turn = k;
        pc->pic_w = pic_w;
        pc->pic_h = pic_h;
        if (moved) {
            update_set(p, vs);
            vs->set_src_gen = p->src_gen;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ API */

static int replace_src(VsVkPreprocessor *p, size_t size)
{
    vs_vk_buffer_free(&p->ctx, &p->src);
    return vs_vk_buffer_create(&p->ctx, &p->src, size, 0, "RGB picture");
}

static int init_views(VsVkPreprocessor *p, const VsView *views)
{
    int ret;
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        const VsView *view = &views[v];
        vs->view = *view;
        size_t bytes = vs_view_frame_bytes(view);
        if ((ret = vs_vk_buffer_create(&p->ctx, &vs->table, 3 * 256 * 4, 0,
                                       "normalize table")) < 0 ||
            (ret = vs_vk_buffer_create(&p->ctx, &vs->out, bytes, 1, "output tensor")) < 0 ||
            (ret = vs_vk_buffer_create(&p->ctx, &vs->rgb,
                                       (VkDeviceSize)view->width * (VkDeviceSize)view->height * 4,
                                       0, "resized picture")) < 0)
            return ret;
        fill_table(view, vs->table.map);
        VsVkPush *pc = &vs->push;
        pc->out_w = view->width;
        pc->out_h = view->height;
        pc->npix = view->width * view->height;
        pc->nwords = (int32_t)((bytes + 3) / 4);
        pc->dtype = view->dtype;
        pc->layout = view->layout;
        pc->pad_fill = view->pad_fill[0] | (uint32_t)view->pad_fill[1] << 8 |
                       (uint32_t)view->pad_fill[2] << 16;
    }
    return 0;
}

int vs_vk_preprocessor_create(VsVkPreprocessor **out, const VsView *views, size_t nviews,
                              int device_index)
{
    int ret;
    if (!out)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no output handle");
    *out = NULL;
    if (!views || nviews == 0)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no views given");
    for (size_t i = 0; i < nviews; i++)
        if ((ret = vs_view_validate(&views[i])) < 0)
            return ret;
    VsVkPreprocessor *p = calloc(1, sizeof(*p));
    if (!p)
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
    if (!(p->views = calloc(nviews, sizeof(*p->views)))) {
        free(p);
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
    }
    p->nviews = nviews;
    if ((ret = vs_vk_context_init(&p->ctx, device_index)) < 0 ||
        (ret = create_pipelines(p)) < 0 || (ret = create_sets_and_commands(p)) < 0 ||
        (ret = init_views(p, views)) < 0)
        goto fail;
    *out = p;
    return 0;
fail:
    vs_vk_preprocessor_destroy(&p);
    return ret;
}

int vs_vk_preprocessor_run(VsVkPreprocessor *p, const AVFrame *frame, int rotation,
                           void *const *dst)
{
    int ret;
    if (!p || !frame)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no preprocessor or no frame");
    if (!dst)
        return 0;
    if (frame->width < 1 || frame->height < 1 || !frame->data[0])
        return vs_error(VS_ERR_INVALID_DATA, "preprocess: frame has no picture (%dx%d)",
                        frame->width, frame->height);
    int turn = ((rotation % 360) + 360) % 360;
    if (turn % 90 != 0)
        return vs_error(VS_ERR_UNSUPPORTED, "preprocess: rotation %d is not a multiple "
                        "of 90", rotation);
    size_t need = vs_rgb_size(frame->width, frame->height);
    if (!p->src.buf || p->src.size < need) {
        /* Generation 0 is "never set", so a view set up later still updates. */
        p->src_gen++;
        if ((ret = replace_src(p, need)) < 0)
            return ret;
    }
    if ((ret = vs_rgb_convert(&p->rgb, frame, p->src.map)) < 0 ||
        (ret = prepare_views(p, frame, turn / 90, dst)) < 0 ||
        (ret = submit_and_wait(p, dst)) < 0)
        return ret;
    for (size_t v = 0; v < p->nviews; v++)
        if (dst[v])
            memcpy(dst[v], p->views[v].out.map, vs_view_frame_bytes(&p->views[v].view));
    return 0;
}

void vs_vk_preprocessor_destroy(VsVkPreprocessor **pp)
{
    if (!pp || !*pp)
        return;
    VsVkPreprocessor *p = *pp;
    VkDevice dev = p->ctx.device;
    if (dev) {
        VkResult r = vkDeviceWaitIdle(dev);
        if (r != VK_SUCCESS)
            vs_log(VS_LOG_WARNING, "vulkan: vkDeviceWaitIdle failed: %s", vs_vk_result_name(r));
        for (size_t v = 0; v < p->nviews; v++) {
            VkViewState *vs = &p->views[v];
            vs_vk_buffer_free(&p->ctx, &vs->weights);
            vs_vk_buffer_free(&p->ctx, &vs->tmp);
            vs_vk_buffer_free(&p->ctx, &vs->table);
            vs_vk_buffer_free(&p->ctx, &vs->out);
            vs_vk_buffer_free(&p->ctx, &vs->rgb);
        }
        vs_vk_buffer_free(&p->ctx, &p->src);
        vkDestroyFence(dev, p->fence, NULL);
        vkDestroyCommandPool(dev, p->cmd_pool, NULL);
        vkDestroyDescriptorPool(dev, p->pool, NULL);
        for (int i = 0; i < NPASSES; i++) {
            vkDestroyPipeline(dev, p->pipe[i], NULL);
            vkDestroyShaderModule(dev, p->mod[i], NULL);
        }
        vkDestroyPipelineLayout(dev, p->layout, NULL);
        vkDestroyDescriptorSetLayout(dev, p->set_layout, NULL);
    }
    vs_vk_context_free(&p->ctx);
    vs_rgb_free(&p->rgb);
    free(p->views);
    free(p);
    *pp = NULL;
}

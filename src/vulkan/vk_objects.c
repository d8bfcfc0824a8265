/* Vulkan objects of the preprocessor that do not depend on the frames:
 * descriptor set and pipeline layouts, the view passes' pipelines (yuv.comp's
 * are made on first use, one per conversion path), descriptor sets, command
 * pools, command buffers and fences of both slots. */
#include "vk_state.h"

#include "internal.h"
#include "vk_shaders.h"

#include <string.h>

static int create_module(VsVkPreprocessor *p, const uint32_t *code, size_t size,
                         VkShaderModule *mod)
{
    int ret = 0;
    VkShaderModuleCreateInfo mi = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = size,
        .pCode = code,
    };
    VS_VK_TRY(vkCreateShaderModule(p->ctx.device, &mi, NULL, mod));
fail:
    return ret;
}

static int create_pipeline(VsVkPreprocessor *p, VkShaderModule mod, VkPipelineLayout layout,
                           const VkSpecializationInfo *spec, VkPipeline *pipe)
{
    int ret = 0;
    VkComputePipelineCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = mod,
            .pName = "main",
            .pSpecializationInfo = spec,
        },
        .layout = layout,
    };
    VS_VK_TRY(vkCreateComputePipelines(p->ctx.device, VK_NULL_HANDLE, 1, &info, NULL, pipe));
fail:
    return ret;
}

int vs_vk_yuv_pipeline(VsVkPreprocessor *p, VkPipeline *out)
{
    const VsVkYuv *y = &p->yuv;
    int hident = y->hident != 0, vident = y->vident != 0;
    VkPipeline *pipe = &p->yuv_pipe[((y->mode - VS_VK_YUV_UNSCALED) * 2 + hident) * 2 + vident];
    if (!*pipe) {
        struct {
            int32_t mode;
            VkBool32 hident, vident;
        } data = {y->mode, (VkBool32)hident, (VkBool32)vident};
        VkSpecializationMapEntry entries[3] = {
            {0, 0, sizeof(int32_t)},
            {1, sizeof(int32_t), sizeof(VkBool32)},
            {2, sizeof(int32_t) + sizeof(VkBool32), sizeof(VkBool32)},
        };
        VkSpecializationInfo spec = {
            .mapEntryCount = 3,
            .pMapEntries = entries,
            .dataSize = sizeof(data),
            .pData = &data,
        };
        int ret = create_pipeline(p, p->yuv_mod, p->yuv_layout, &spec, pipe);
        if (ret < 0)
            return ret;
    }
    *out = *pipe;
    return 0;
}

/* A set layout of n storage buffers (those in `dynamic`, a bit mask, with a
 * dynamic offset) and a pipeline layout with push constants of push bytes. */
static int create_layouts(VsVkPreprocessor *p, uint32_t n, uint32_t dynamic, uint32_t push,
                          VkDescriptorSetLayout *set_layout, VkPipelineLayout *layout)
{
    int ret = 0;
    VkDescriptorSetLayoutBinding b[NBINDINGS];
    for (uint32_t i = 0; i < n; i++)
        b[i] = (VkDescriptorSetLayoutBinding){
            .binding = i,
            .descriptorType = (dynamic >> i) & 1 ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC
                                                 : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo dsl = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .bindingCount = n,
        .pBindings = b,
    };
    VS_VK_TRY(vkCreateDescriptorSetLayout(p->ctx.device, &dsl, NULL, set_layout));
    VkPushConstantRange range = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .size = push};
    VkPipelineLayoutCreateInfo pl = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = set_layout,
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &range,
    };
    VS_VK_TRY(vkCreatePipelineLayout(p->ctx.device, &pl, NULL, layout));
fail:
    return ret;
}


static int create_pipelines(VsVkPreprocessor *p)
{
    const uint32_t *code[NPASSES] = {vs_vk_hpass_spv, vs_vk_vpass_spv, vs_vk_pack_spv};
    const size_t size[NPASSES] = {vs_vk_hpass_spv_size, vs_vk_vpass_spv_size,
                                  vs_vk_pack_spv_size};
    int ret;
    if ((ret = create_layouts(p, NBINDINGS, VS_VK_VIEW_DYNAMIC, sizeof(VsVkPush), &p->set_layout,
                              &p->layout)) < 0 ||
        (ret = create_layouts(p, YUV_BINDINGS, VS_VK_YUV_DYNAMIC, sizeof(VsVkYuvPush),
                              &p->yuv_set_layout, &p->yuv_layout)) < 0 ||
        (ret = create_module(p, vs_vk_yuv_spv, vs_vk_yuv_spv_size, &p->yuv_mod)) < 0)
        return ret;
    for (int i = 0; i < NPASSES; i++)
        if ((ret = create_module(p, code[i], size[i], &p->mod[i])) < 0 ||
            (ret = create_pipeline(p, p->mod[i], p->layout, NULL, &p->pipe[i])) < 0)
            return ret;
    return 0;
}

/* Descriptor pool with, per slot, one set per view and one for yuv.comp;
 * per slot a command pool, its command buffer and a fence. */
static int create_sets_and_commands(VsVkPreprocessor *p)
{
    int ret = 0;
    VkDevice dev = p->ctx.device;
    uint32_t nv = (uint32_t)p->nviews;
    VkDescriptorPoolSize sizes[2] = {
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, NSLOTS * (4 * nv + 2)},
        {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, NSLOTS * (2 * nv + 1)},
    };
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = NSLOTS * (nv + 1),
        .poolSizeCount = 2,
        .pPoolSizes = sizes,
    };
    VS_VK_TRY(vkCreateDescriptorPool(dev, &pool, NULL, &p->pool));
    for (int s = 0; s < NSLOTS; s++) {
        VkSlot *sl = &p->slots[s];
        VkDescriptorSetAllocateInfo alloc = {
            .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
            .descriptorPool = p->pool,
            .descriptorSetCount = 1,
            .pSetLayouts = &p->yuv_set_layout,
        };
        VS_VK_TRY(vkAllocateDescriptorSets(dev, &alloc, &sl->yuv_set));
        alloc.pSetLayouts = &p->set_layout;
        for (size_t v = 0; v < p->nviews; v++)
            VS_VK_TRY(vkAllocateDescriptorSets(dev, &alloc, &sl->views[v].set));
        VkCommandPoolCreateInfo cp = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
            .flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT,
            .queueFamilyIndex = p->ctx.queue_family,
        };
        VS_VK_TRY(vkCreateCommandPool(dev, &cp, NULL, &sl->cmd_pool));
        VkCommandBufferAllocateInfo cb = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
            .commandPool = sl->cmd_pool,
            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
            .commandBufferCount = 1,
        };
        VS_VK_TRY(vkAllocateCommandBuffers(dev, &cb, &sl->cmd));
        VkFenceCreateInfo fi = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
        VS_VK_TRY(vkCreateFence(dev, &fi, NULL, &sl->fence));
    }
fail:
    return ret;
}

void vs_vk_update_sets(VsVkPreprocessor *p, VkSlot *sl)
{
    VkDevice dev = p->ctx.device;
    int gpu = vs_vk_gpu_picture(p);
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        VkSlotView *sv = &sl->views[v];
        const VsVkBuffer *bufs[NBINDINGS] = {gpu ? &sl->pic : &sl->up, &vs->weights, &sv->tmp,
                                             &vs->table, &sv->out, &sv->rgb};
        VkDeviceSize ranges[NBINDINGS] = {gpu ? p->pic_bytes : p->up_bytes, VK_WHOLE_SIZE,
                                          VK_WHOLE_SIZE, VK_WHOLE_SIZE, vs->out_bytes,
                                          VK_WHOLE_SIZE};
        VkDescriptorBufferInfo info[NBINDINGS];
        VkWriteDescriptorSet w[NBINDINGS];
        for (uint32_t i = 0; i < NBINDINGS; i++) {
            info[i] = (VkDescriptorBufferInfo){.buffer = bufs[i]->buf, .range = ranges[i]};
            w[i] = (VkWriteDescriptorSet){
                .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                .dstSet = sv->set,
                .dstBinding = i,
                .descriptorCount = 1,
                .descriptorType = (VS_VK_VIEW_DYNAMIC >> i) & 1
                                      ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC
                                      : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                .pBufferInfo = &info[i],
            };
        }
        vkUpdateDescriptorSets(dev, NBINDINGS, w, 0, NULL);
    }
    if (gpu) {
        const VsVkBuffer *bufs[YUV_BINDINGS] = {&sl->up, &p->yuv_tab, &sl->pic};
        VkDeviceSize ranges[YUV_BINDINGS] = {p->up_bytes, VK_WHOLE_SIZE, VK_WHOLE_SIZE};
        VkDescriptorBufferInfo info[YUV_BINDINGS];
        VkWriteDescriptorSet w[YUV_BINDINGS];
        for (uint32_t i = 0; i < YUV_BINDINGS; i++) {
            info[i] = (VkDescriptorBufferInfo){.buffer = bufs[i]->buf, .range = ranges[i]};
            w[i] = (VkWriteDescriptorSet){
                .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                .dstSet = sl->yuv_set,
                .dstBinding = i,
                .descriptorCount = 1,
                .descriptorType = (VS_VK_YUV_DYNAMIC >> i) & 1
                                      ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC
                                      : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                .pBufferInfo = &info[i],
            };
        }
        vkUpdateDescriptorSets(dev, YUV_BINDINGS, w, 0, NULL);
    }
    sl->stale = 0;
}

int vs_vk_objects_create(VsVkPreprocessor *p)
{
    int ret = create_pipelines(p);
    return ret < 0 ? ret : create_sets_and_commands(p);
}

void vs_vk_objects_destroy(VsVkPreprocessor *p)
{
    VkDevice dev = p->ctx.device;
    for (int s = 0; s < NSLOTS; s++) {
        vkDestroyFence(dev, p->slots[s].fence, NULL);
        vkDestroyCommandPool(dev, p->slots[s].cmd_pool, NULL);
    }
    vkDestroyDescriptorPool(dev, p->pool, NULL);
    for (int i = 0; i < NPASSES; i++) {
        vkDestroyPipeline(dev, p->pipe[i], NULL);
        vkDestroyShaderModule(dev, p->mod[i], NULL);
    }
    for (int i = 0; i < NYUV; i++)
        vkDestroyPipeline(dev, p->yuv_pipe[i], NULL);
    vkDestroyShaderModule(dev, p->yuv_mod, NULL);
    vkDestroyPipelineLayout(dev, p->layout, NULL);
    vkDestroyPipelineLayout(dev, p->yuv_layout, NULL);
    vkDestroyDescriptorSetLayout(dev, p->set_layout, NULL);
    vkDestroyDescriptorSetLayout(dev, p->yuv_set_layout, NULL);
}

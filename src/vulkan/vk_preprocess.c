/* The Vulkan compute preprocess backend: configuration per geometry,
 * uploads, submissions and the API (objects in vk_objects.c, per-view
 * weights and tables in vk_views.c, the YUV conversion's set-up in
 * vk_yuv.c).
 *
 * Per frame: the decoded planes are copied as they are into a mapped upload
 * buffer and yuv.comp turns them into the RGB24 picture with libswscale's
 * own arithmetic (vk_yuv.h; formats it does not reproduce are converted by
 * libswscale on the CPU into the upload buffer instead, ../rgb.c); then per
 * view hpass.comp (rotation and PAD square as index mappings, PIL's
 * horizontal integer pass over the window's columns), vpass.comp (the
 * vertical integer pass) and pack.comp (normalize, dtype and layout through
 * the CPU backend's own tables) write the view's tensor into a mapped buffer
 * that is copied to the caller.
 *
 * Batches: up to `batch` frames of one geometry go into one command buffer
 * (all views of each frame), and two slots, each with its own upload,
 * intermediate and output buffers, command buffer and fence, alternate: the
 * CPU fills slot k+1 while the device computes slot k. Buffers hold a
 * batch of frames; each frame is one descriptor range at a dynamic offset,
 * so no binding exceeds maxStorageBufferRange however large the batch.
 * Pipelines, descriptor sets, weights and tables are made once per geometry,
 * never per frame. */
#include "vk_preprocess.h"
#include "vk_state.h"

#include "internal.h"

#include <libavutil/pixdesc.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- configuration */

/* The per-frame upload layout: planes with rows padded to 16 bytes (yuv.comp
 * reads whole words of 4 pixels), or the CPU's RGB24 picture. */
static int plan_upload(VsVkPreprocessor *p, int w, int h)
{
    VsVkYuvPush *yp = &p->ypush;
    VkDeviceSize align = p->ctx.props.limits.minStorageBufferOffsetAlignment;
    if (align < 4)
        align = 4;
    if (vs_vk_gpu_picture(p)) {
        const VsVkYuv *y = &p->yuv;
        VkDeviceSize off = 0;
        memset(yp, 0, sizeof(*yp));
        for (int i = 0; i < vs_vk_yuv_planes(y); i++) {
            yp->off[i] = (int32_t)off;
            yp->ls[i] = (int32_t)vs_vk_align_up((VkDeviceSize)vs_vk_yuv_plane_row_bytes(y, i), 16);
            off += (VkDeviceSize)yp->ls[i] * (VkDeviceSize)vs_vk_yuv_plane_rows(y, i);
        }
        p->up_bytes = off;
        p->pic_stride = (int)vs_vk_align_up((VkDeviceSize)w, 4) * 3;
        p->pic_bytes = (VkDeviceSize)p->pic_stride * (VkDeviceSize)h;
        vs_vk_yuv_layout(y, &p->yl);
        yp->w = w;
        yp->h = h;
        yp->mode = y->mode;
        yp->bytes = y->bytes;
        yp->shift = y->shift;
        yp->log2_ch = y->log2_ch;
        yp->nv12 = y->nv12;
        yp->hsize = y->hsize;
        yp->vsize = y->vsize;
        yp->dst_stride = p->pic_stride;
        yp->hpos = p->yl.hpos;
        yp->hcoef = p->yl.hcoef;
        yp->vpos = p->yl.vpos;
        yp->vcoef = p->yl.vcoef;
        yp->ytab = p->yl.ytab;
        yp->rv = p->yl.rv;
        yp->gu = p->yl.gu;
        yp->gv = p->yl.gv;
        yp->bu = p->yl.bu;
        int ret = vs_vk_buffer_reserve(&p->ctx, &p->yuv_tab, (VkDeviceSize)p->yl.words * 4, 0,
                                       "YUV tables");
        if (ret < 0)
            return ret;
        vs_vk_yuv_fill(y, &p->yl, p->yuv_tab.map);
    } else {
        p->up_bytes = vs_rgb_size(w, h);
        p->pic_stride = vs_rgb_stride(w);
        p->pic_bytes = p->up_bytes;
    }
    p->up_bytes = vs_vk_align_up(p->up_bytes, 4);
    p->up_stride = vs_vk_align_up(p->up_bytes, align);
    int ret = vs_vk_check_range(&p->ctx, p->up_bytes, "one frame's upload");
    if (ret >= 0)
        ret = vs_vk_check_range(&p->ctx, p->pic_bytes, "the RGB picture");
    return ret;
}

/* Frames one slot can take at once for the current geometry. */
static int slot_frames(const VsVkPreprocessor *p)
{
    VkDeviceSize per = p->up_stride;
    for (size_t v = 0; v < p->nviews; v++)
        per += p->views[v].out_stride;
    VkDeviceSize fit = SLOT_BYTES_MAX / (per ? per : 1);
    int n = p->batch;
    if ((VkDeviceSize)n > fit)
        n = fit > 0 ? (int)fit : 1;
    return n;
}

/* Buffers of slot sl for `frames` frames of the current geometry (it is
 * idle); the sets are rewritten when any buffer was replaced. */
static int reserve_slot(VsVkPreprocessor *p, VkSlot *sl, int frames)
{
    VsVkContext *ctx = &p->ctx;
    int ret, moved = 0;
    if (frames > sl->capacity) {
        void *grown = realloc(sl->sets, (size_t)frames * sizeof(*sl->sets));
        if (!grown)
            return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
        sl->sets = grown;
        sl->capacity = frames;
    }
    if ((ret = vs_vk_buffer_reserve(ctx, &sl->up, p->up_stride * (VkDeviceSize)frames, 0,
                                    "upload buffer")) < 0)
        return ret;
    moved |= ret;
    if (vs_vk_gpu_picture(p)) {
        if ((ret = vs_vk_buffer_reserve(ctx, &sl->pic, p->pic_bytes, 0, "RGB picture")) < 0)
            return ret;
        moved |= ret;
    }
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        VkSlotView *sv = &sl->views[v];
        VkDeviceSize W = (VkDeviceSize)vs->view.width, H = (VkDeviceSize)vs->view.height;
        VkDeviceSize tmp = W * (VkDeviceSize)vs->push.nrows * 4, rgb = W * H * 4;
        if ((ret = vs_vk_check_range(&p->ctx, tmp, "the horizontal pass")) < 0 ||
            (ret = vs_vk_check_range(&p->ctx, rgb, "the resized picture")) < 0)
            return ret;
        struct {
            VsVkBuffer *b;
            VkDeviceSize size;
            int readback;
            const char *what;
        } need[3] = {
            {&sv->tmp, tmp, 0, "horizontal pass output"},
            {&sv->rgb, rgb, 0, "resized picture"},
            {&sv->out, vs->out_stride * (VkDeviceSize)frames, 1, "output tensors"},
        };
        for (int i = 0; i < 3; i++) {
            if ((ret = vs_vk_buffer_reserve(ctx, need[i].b, need[i].size, need[i].readback,
                                            need[i].what)) < 0)
                return ret;
            moved |= ret;
        }
    }
    if (moved || sl->stale)
        vs_vk_update_sets(p, sl);
    return 0;
}

static int finish_slot(VsVkPreprocessor *p, VkSlot *sl);

static int finish_all(VsVkPreprocessor *p)
{
    int ret = 0;
    for (int s = 0; s < NSLOTS; s++) {
        int r = finish_slot(p, &p->slots[s]);
        if (r < 0 && ret == 0)
            ret = r;
    }
    return ret;
}

/* Whether frames like f with quarter turns k fit the current set-up. */
static int configured_for(const VsVkPreprocessor *p, const AVFrame *f, int k)
{
    if (!p->configured || !vs_vk_yuv_matches(&p->yuv, f) || p->cfg_gpu_yuv != p->gpu_yuv)
        return 0;
    return p->pic_w == (k % 2 ? f->height : f->width) && p->pic_h == (k % 2 ? f->width : f->height);
}

/* Set everything up for frames like f turned k quarters: waits for the
 * slots in flight, then the YUV conversion, weights and buffers. */
static int configure(VsVkPreprocessor *p, const AVFrame *f, int k)
{
    int ret;
    if ((ret = finish_all(p)) < 0)
        return ret;
    p->configured = 0;
    if (!vs_vk_yuv_matches(&p->yuv, f) || p->cfg_gpu_yuv != p->gpu_yuv) {
        if ((ret = vs_vk_yuv_setup(&p->yuv, f, p->gpu_yuv)) < 0)
            return ret;
        p->cfg_gpu_yuv = p->gpu_yuv;
    }
    if ((ret = plan_upload(p, f->width, f->height)) < 0)
        return ret;
    int pic_w = k % 2 ? f->height : f->width, pic_h = k % 2 ? f->width : f->height;
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        if ((vs->pic_w != pic_w || vs->pic_h != pic_h) &&
            (ret = vs_vk_view_geometry(p, vs, pic_w, pic_h)) < 0)
            return ret;
        vs->push.src_w = f->width;
        vs->push.src_h = f->height;
        vs->push.src_stride = p->pic_stride;
    }
    for (int s = 0; s < NSLOTS; s++)
        p->slots[s].stale = 1;
    p->pic_w = pic_w;
    p->pic_h = pic_h;
    p->configured = 1;
    vs_log(VS_LOG_DEBUG, "vulkan: %dx%d %s frames, RGB conversion: %s", f->width, f->height,
           av_get_pix_fmt_name((enum AVPixelFormat)f->format), vs_vk_yuv_mode_name(p->yuv.mode));
    return 0;
}

/* ------------------------------------------------------------- upload */

static int check_frame(const AVFrame *f)
{
    if (!f || f->width < 1 || f->height < 1 || !f->data[0])
        return vs_error(VS_ERR_INVALID_DATA, "preprocess: frame has no picture (%dx%d)",
                        f ? f->width : 0, f ? f->height : 0);
    return 0;
}

/* Frame f into slot memory dst: its planes row by row, or its RGB24
 * picture converted by libswscale. */
static int upload(VsVkPreprocessor *p, const AVFrame *f, uint8_t *dst)
{
    if (!vs_vk_gpu_picture(p))
        return vs_rgb_convert(&p->rgb, f, dst);
    const VsVkYuv *y = &p->yuv;
    for (int i = 0; i < vs_vk_yuv_planes(y); i++) {
        if (!f->data[i])
            return vs_error(VS_ERR_INVALID_DATA, "preprocess: %s frame without plane %d",
                            av_get_pix_fmt_name((enum AVPixelFormat)f->format), i);
        int rows = vs_vk_yuv_plane_rows(y, i);
        size_t row = (size_t)vs_vk_yuv_plane_row_bytes(y, i);
        uint8_t *d = dst + p->ypush.off[i];
        const uint8_t *s = f->data[i];
        if (f->linesize[i] == p->ypush.ls[i]) {
            memcpy(d, s, (size_t)(rows - 1) * (size_t)p->ypush.ls[i] + row);
            continue;
        }
        for (int r = 0; r < rows; r++)
            memcpy(d + (size_t)r * (size_t)p->ypush.ls[i],
                   s + (ptrdiff_t)r * f->linesize[i], row);
    }
    return 0;
}

/* ------------------------------------------------------------ dispatch */

static void barrier(VkCommandBuffer cmd, VkPipelineStageFlags dst_stage, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT,
        .dstAccessMask = dst_access,
    };
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, dst_stage, 0, 1, &mb, 0, NULL,
                         0, NULL);
}

static void dispatch_yuv(VsVkPreprocessor *p, VkSlot *sl, int f, VkPipeline pipe)
{
    VkCommandBuffer cmd = sl->cmd;
    uint32_t off = (uint32_t)(p->up_stride * (VkDeviceSize)f);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipe);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->yuv_layout, 0, 1,
                            &sl->yuv_set, 1, &off);
    vkCmdPushConstants(cmd, p->yuv_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(VsVkYuvPush),
                       &p->ypush);
    uint32_t groups = ((uint32_t)(p->ypush.w + 3) / 4 + LOCAL - 1) / LOCAL;
    vkCmdDispatch(cmd, groups, (uint32_t)p->ypush.h, 1);
}

/* One pass of every view of frame f (dst: its destination set). */
static void dispatch_views(VsVkPreprocessor *p, VkSlot *sl, int f, int turn, void *const *dst,
                           int pass)
{
    VkCommandBuffer cmd = sl->cmd;
    const VkPhysicalDeviceLimits *lim = &p->ctx.props.limits;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipe[pass]);
    for (size_t v = 0; v < p->nviews; v++) {
        VkViewState *vs = &p->views[v];
        if (!dst[v])
            continue;
        uint32_t offs[2] = {
            vs_vk_gpu_picture(p) ? 0u : (uint32_t)(p->up_stride * (VkDeviceSize)f),
            (uint32_t)(vs->out_stride * (VkDeviceSize)f),
        };
        VsVkPush push = vs->push;
        push.turn = turn;
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1,
                                &sl->views[v].set, 2, offs);
        vkCmdPushConstants(cmd, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(VsVkPush),
                           &push);
        uint32_t cols = ((uint32_t)push.out_w + LOCAL - 1) / LOCAL;
        if (pass == PASS_H) {
            vkCmdDispatch(cmd, cols, (uint32_t)push.nrows, 1);
        } else if (pass == PASS_V) {
            vkCmdDispatch(cmd, cols, (uint32_t)push.out_h, 1);
        } else {
            /* pack loops over words, so the group count may be capped. */
            uint32_t groups = ((uint32_t)push.nwords + LOCAL - 1) / LOCAL;
            if (groups > lim->maxComputeWorkGroupCount[0])
                groups = lim->maxComputeWorkGroupCount[0];
            vkCmdDispatch(cmd, groups, 1, 1);
        }
    }
}

/* Record and submit slot sl's n frames (turns[f] quarter turns, sl->sets[f]
 * destinations each). With views_too 0 only the RGB conversion runs
 * (vs_vk_preprocessor_debug_rgb). */
static int submit_slot(VsVkPreprocessor *p, VkSlot *sl, int n, const int *turns, int views_too)
{
    int ret = 0;
    VkDevice dev = p->ctx.device;
    VkPipeline yuv = VK_NULL_HANDLE;
    if (vs_vk_gpu_picture(p) && (ret = vs_vk_yuv_pipeline(p, &yuv)) < 0)
        return ret;
    VkCommandBufferBeginInfo begin = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VS_VK_TRY(vkResetCommandPool(dev, sl->cmd_pool, 0));
    VS_VK_TRY(vkBeginCommandBuffer(sl->cmd, &begin));
    for (int f = 0; f < n; f++) {
        /* Each pass waits for the one before; frame f + 1 reuses the
         * picture and intermediates of frame f after its last pass. */
        if (f > 0)
            barrier(sl->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
        if (vs_vk_gpu_picture(p)) {
            dispatch_yuv(p, sl, f, yuv);
            if (!views_too)
                continue;
            barrier(sl->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
        }
        for (int pass = PASS_H; pass < NPASSES; pass++) {
            if (pass > PASS_H)
                barrier(sl->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
            dispatch_views(p, sl, f, turns[f], sl->sets[f], pass);
        }
    }
    barrier(sl->cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VS_VK_TRY(vkEndCommandBuffer(sl->cmd));
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &sl->cmd,
    };
    VS_VK_TRY(vkQueueSubmit(p->ctx.queue, 1, &submit, sl->fence));
    sl->nframes = n;
    sl->copy = views_too;
fail:
    return ret;
}

/* Wait for slot sl's frames and copy their tensors to the caller. */
static int finish_slot(VsVkPreprocessor *p, VkSlot *sl)
{
    int ret = 0;
    if (!sl->nframes)
        return 0;
    VkDevice dev = p->ctx.device;
    int n = sl->nframes;
    sl->nframes = 0;
    VS_VK_TRY(vkWaitForFences(dev, 1, &sl->fence, VK_TRUE, UINT64_MAX));
    VS_VK_TRY(vkResetFences(dev, 1, &sl->fence));
    for (int f = 0; sl->copy && f < n; f++)
        for (size_t v = 0; v < p->nviews; v++)
            if (sl->sets[f][v])
                memcpy(sl->sets[f][v],
                       (const uint8_t *)sl->views[v].out.map + p->views[v].out_stride * (size_t)f,
                       vs_view_frame_bytes(&p->views[v].view));
fail:
    return ret;
}

/* ------------------------------------------------------------------ API */
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
    p->nviews = nviews;
    p->views = calloc(nviews, sizeof(*p->views));
    for (int s = 0; s < NSLOTS; s++)
        p->slots[s].views = calloc(nviews, sizeof(*p->slots[s].views));
    if (!p->views || !p->slots[0].views || !p->slots[1].views) {
        vs_vk_preprocessor_destroy(&p);
        return vs_error(VS_ERR_NOMEM, "preprocess: out of memory");
    }
    /* VSAMPLE_VK_YUV=cpu: convert to RGB with libswscale on the CPU, as the
     * first slice did (to compare the two). */
    const char *env = getenv("VSAMPLE_VK_YUV");
    p->gpu_yuv = !(env && strcmp(env, "cpu") == 0);
    p->batch = DEFAULT_BATCH;
    if ((ret = vs_vk_context_init(&p->ctx, device_index)) < 0 ||
        (ret = vs_vk_objects_create(p)) < 0 || (ret = vs_vk_views_init(p, views)) < 0)
        goto fail;
    *out = p;
    return 0;
fail:
    vs_vk_preprocessor_destroy(&p);
    return ret;
}

void vs_vk_preprocessor_set_batch(VsVkPreprocessor *p, int frames)
{
    if (p)
        p->batch = frames < 1 ? 1 : frames > MAX_BATCH ? MAX_BATCH : frames;
}

int vs_vk_preprocessor_set_gpu_yuv(VsVkPreprocessor *p, int on)
{
    if (!p)
        return 0;
    int ret = finish_all(p);
    p->gpu_yuv = on != 0;
    p->configured = 0;
    return ret;
}

static int quarter_turns(int rotation, int *k)
{
    int turn = ((rotation % 360) + 360) % 360;
    if (turn % 90 != 0)
        return vs_error(VS_ERR_UNSUPPORTED, "preprocess: rotation %d is not a multiple of 90",
                        rotation);
    *k = turn / 90;
    return 0;
}

int vs_vk_preprocessor_run_batch(VsVkPreprocessor *p, const AVFrame *const *frames,
                                 const int *rotations, size_t n, void *const *const *dst)
{
    int ret = 0;
    int turns[MAX_BATCH];
    if (!p || (n && (!frames || !dst)))
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no preprocessor, frames or "
                                            "destinations");
    /* Check every frame first, so that a bad one fails before any work. */
    for (size_t i = 0; i < n; i++) {
        int k;
        if (!dst[i])
            continue;
        if ((ret = check_frame(frames[i])) < 0 ||
            (ret = quarter_turns(rotations ? rotations[i] : 0, &k)) < 0)
            return ret;
    }
    size_t i = 0;
    while (i < n) {
        int k = 0;
        if (!dst[i]) { /* no destinations: nothing to do for this frame */
            i++;
            continue;
        }
        quarter_turns(rotations ? rotations[i] : 0, &k);
        if (!configured_for(p, frames[i], k) && (ret = configure(p, frames[i], k)) < 0)
            goto fail;
        /* Slot k+1 fills while slot k computes: wait only for the slot that
         * is about to be reused. */
        VkSlot *sl = &p->slots[p->next];
        int cap = slot_frames(p), nb = 0;
        if ((ret = finish_slot(p, sl)) < 0 || (ret = reserve_slot(p, sl, cap)) < 0)
            goto fail;
        /* Consecutive frames of this geometry, up to cap of them. */
        while (i < n && nb < cap) {
            if (!dst[i]) {
                i++;
                continue;
            }
            quarter_turns(rotations ? rotations[i] : 0, &k);
            if (!configured_for(p, frames[i], k))
                break;
            if ((ret = upload(p, frames[i], (uint8_t *)sl->up.map +
                                                  p->up_stride * (VkDeviceSize)nb)) < 0)
                goto fail;
            turns[nb] = k;
            sl->sets[nb++] = dst[i++];
        }
        if ((ret = submit_slot(p, sl, nb, turns, 1)) < 0)
            goto fail;
        p->next = (p->next + 1) % NSLOTS;
    }
    return finish_all(p);
fail:
    finish_all(p);
    return ret;
}

int vs_vk_preprocessor_run(VsVkPreprocessor *p, const AVFrame *frame, int rotation,
                           void *const *dst)
{
    if (!p || !frame)
        return vs_error(VS_ERR_INVALID_ARG, "preprocess: no preprocessor or no frame");
    if (!dst)
        return 0;
    const AVFrame *frames[1] = {frame};
    void *const *sets[1] = {dst};
    return vs_vk_preprocessor_run_batch(p, frames, &rotation, 1, sets);
}

int vs_vk_preprocessor_debug_rgb(VsVkPreprocessor *p, const AVFrame *frame, uint8_t *rgb,
                                 int stride)
{
    int ret, turn = 0;
    if (!p || (ret = check_frame(frame)) < 0)
        return p ? ret : vs_error(VS_ERR_INVALID_ARG, "preprocess: no preprocessor");
    if (!configured_for(p, frame, 0) && (ret = configure(p, frame, 0)) < 0)
        return ret;
    if (!vs_vk_gpu_picture(p))
        return VS_VK_YUV_CPU;
    VkSlot *sl = &p->slots[p->next];
    if ((ret = finish_slot(p, sl)) < 0 || (ret = reserve_slot(p, sl, 1)) < 0 ||
        (ret = upload(p, frame, sl->up.map)) < 0 ||
        (ret = submit_slot(p, sl, 1, &turn, 0)) < 0 || (ret = finish_slot(p, sl)) < 0)
        return ret;
    for (int y = 0; y < frame->height; y++)
        memcpy(rgb + (size_t)y * (size_t)stride,
               (const uint8_t *)sl->pic.map + (size_t)y * (size_t)p->pic_stride,
               (size_t)frame->width * 3);
    return p->yuv.mode;
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
        for (size_t v = 0; p->views && v < p->nviews; v++) {
            vs_vk_buffer_free(&p->ctx, &p->views[v].weights);
            vs_vk_buffer_free(&p->ctx, &p->views[v].table);
        }
        for (int s = 0; s < NSLOTS; s++) {
            VkSlot *sl = &p->slots[s];
            for (size_t v = 0; sl->views && v < p->nviews; v++) {
                vs_vk_buffer_free(&p->ctx, &sl->views[v].tmp);
                vs_vk_buffer_free(&p->ctx, &sl->views[v].rgb);
                vs_vk_buffer_free(&p->ctx, &sl->views[v].out);
            }
            vs_vk_buffer_free(&p->ctx, &sl->up);
            vs_vk_buffer_free(&p->ctx, &sl->pic);
        }
        vs_vk_buffer_free(&p->ctx, &p->yuv_tab);
        vs_vk_objects_destroy(p);
    }
    vs_vk_context_free(&p->ctx);
    vs_rgb_free(&p->rgb);
    vs_vk_yuv_free(&p->yuv);
    for (int s = 0; s < NSLOTS; s++) {
        free(p->slots[s].views);
        free(p->slots[s].sets);
    }
    free(p->views);
    free(p);
    *pp = NULL;
}

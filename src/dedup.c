/* dedup without a sample: fetch a pending plan's frames (no preprocessing), one
 * thumbnail each, and let the plan choose which times to drop. The sample makes
 * the same choice while it reads its frames (src/sample_spool.c). */
#include "reader.h"
#include "strategy.h"
#include "thumb.h"

#include <stdlib.h>

int vs_plan_dedup(VsPlan *plan, VsSource *src, const VsReaderSettings *settings)
{
    if (!plan || !src)
        return vs_error(VS_ERR_INVALID_ARG, "vs_plan_dedup: NULL argument");
    if (!vs_plan_dedup_pending(plan))
        return 0;
    VsReaderSettings rs;
    vs_reader_default_settings(&rs);
    if (settings)
        rs = *settings;
    rs.backend = VS_BACKEND_CPU; /* no views: nothing to preprocess */
    VsReader *r = NULL;
    uint8_t thumb[VS_THUMB_BYTES];
    vs_plan_dedup_restart(plan); /* an earlier call may have failed midway */
    int ret = vs_reader_check_settings(src, &rs);
    if (ret >= 0)
        ret = vs_reader_open_times(&r, src, vs_plan_times(plan), vs_plan_clips(plan), vs_plan_count(plan), NULL, 0,
                                   &rs, VS_READER_MAY_SPLIT | VS_READER_THUMBS);
    while (ret >= 0 && (ret = vs_reader_next_thumb(r, NULL, NULL, thumb)) == 1)
        ret = vs_plan_dedup_feed(plan, thumb);
    vs_reader_close(&r);
    return ret < 0 ? ret : vs_plan_dedup_finish(plan, NULL);
}

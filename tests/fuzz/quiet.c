#include "fuzz.h"

#include "vsample/vsample.h"

#include <libavutil/log.h>

static void drop(void *opaque, int level, const char *message)
{
    (void)opaque, (void)level, (void)message;
}

void fuzz_quiet(void)
{
    vs_set_log_callback(drop, NULL, VS_LOG_ERROR);
    av_log_set_level(AV_LOG_QUIET);
}

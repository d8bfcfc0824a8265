/* Times for labels: fixed decimals chosen by the span, so labels line up. */
#include "timefmt.h"

#include <math.h>
#include <stdio.h>

void format_time(char *buf, size_t size, double t, double span)
{
    const char *sign = t < 0 ? "-" : "";
    t = fabs(t);
    if (!isfinite(t)) {
        snprintf(buf, size, "?");
    } else if (span < 60) {
        long long c = llround(t * 100); /* hundredths, rounded once so no carry is lost */
        snprintf(buf, size, "%s%lld.%02llds", sign, c / 100, c % 100);
    } else if (span < 3600) {
        long long c = llround(t * 100);
        snprintf(buf, size, "%s%lld:%02lld.%02lld", sign, c / 6000, c / 100 % 60, c % 100);
    } else {
        long long d = llround(t * 10);
        snprintf(buf, size, "%s%lld:%02lld:%02lld.%lld", sign, d / 36000, d / 600 % 60, d / 10 % 60, d % 10);
    }
}

/* Times as people read them on pictures: "12.50s", "2:03.50", "1:02:03.5". */
#ifndef VSAMPLE_TIMEFMT_H
#define VSAMPLE_TIMEFMT_H

#include <stddef.h>

/* Write t (seconds) into buf in the format that suits a video `span` seconds
 * long, so that every time of one picture has the same form: under a minute
 * "S.ss" + "s", under an hour "M:SS.ss", else "H:MM:SS.s". Rounded, never
 * truncated (59.996 s is "1:00.00" in the minute form). */
void format_time(char *buf, size_t size, double t, double span);

#endif

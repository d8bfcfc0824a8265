/* Each public header compiles alone, in C11, with nothing included before it
 * (this file: sample.h). */
#include "vsample/sample.h"

int header_test_sample(void);
int header_test_sample(void)
{
    VsSampleSettings s = {0};
    return s.pad;
}

/* Each public header compiles alone, in C11, with nothing included before it. */
#include "vsample/vsample.h"

int header_test_shard(void);
int header_test_sample(void);

int main(void)
{
    VsView view = {0};
    return view.width + header_test_shard() + header_test_sample();
}

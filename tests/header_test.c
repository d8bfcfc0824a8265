/* Each public header compiles alone, in C11, with nothing included before it
 * (this file: shard.h; header_test_main.c: vsample.h). */
#include "vsample/shard.h"

int header_test_shard(void);
int header_test_shard(void)
{
    VsShardSettings s = {0};
    return (int)s.shard_size;
}

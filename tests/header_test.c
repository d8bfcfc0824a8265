/* Each public header compiles alone, in C11, with nothing included before it. */
#include "vsample/vsample.h"
#include "vsample/shard.h"
#include "vsample/vsample.h"

int main(void)
{
    VsView view = {0};
    (void)view;
    return 0;
}

#include "vsample/vsample.h"
#include <stdio.h>
int main(void) { printf("%s\n", vs_version()); return 0; }

/* The libFuzzer entry points every target defines. Built with -fsanitize=fuzzer
 * they are libFuzzer's; built with replay.c they run over files given on the
 * command line (what CI does under the ASan + UBSan build, without clang). */
#ifndef VSAMPLE_TESTS_FUZZ_H
#define VSAMPLE_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Library messages and FFmpeg's log off: a fuzzer prints nothing per input. */
void fuzz_quiet(void);

#endif

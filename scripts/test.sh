#!/bin/sh
# The whole test suite: a release build, then the same suite under AddressSanitizer
# and UndefinedBehaviorSanitizer, then the 'threads' suite under ThreadSanitizer.
# Run scripts/setup.sh first.
set -eu
cd "$(dirname "$0")/.."
meson test -C build --print-errorlogs --num-processes 2
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
  --buildtype=debugoptimized
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3
# Independent sources used from 8 threads at once, under ThreadSanitizer: only the library and
# tests/threads are built (build-tsan, no Vulkan, no CLI); about 20 s in all on 2 cores. FFmpeg's
# uninstrumented libraries are suppressed, tests/threads/tsan.supp says why.
[ -d build-tsan ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false \
  --buildtype=debugoptimized -Dvulkan=disabled -Dtools=false
ninja -C build-tsan tests/threads/threads_test
meson test -C build-tsan --no-rebuild --print-errorlogs --suite threads --num-processes 1 --timeout-multiplier 3
# The fuzz targets under libFuzzer for a fixed number of runs each (tests/fuzz/meson.build), where
# clang is installed; without it the 'fuzz' suite above has run their replay programs on the seeds.
if command -v clang >/dev/null 2>&1; then
  [ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dvulkan=disabled -Dtools=false
  ninja -C build-fuzz
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-fuzz --print-errorlogs --suite fuzz --num-processes 2 --timeout-multiplier 3
fi

#!/bin/sh
# The whole test suite: a release build, then the same suite under AddressSanitizer
# and UndefinedBehaviorSanitizer. Run scripts/setup.sh first.
set -eu
cd "$(dirname "$0")/.."
meson test -C build --print-errorlogs --num-processes 2
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
  --buildtype=debugoptimized
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3

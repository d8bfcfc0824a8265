#!/bin/sh
# Install vsample's build and test dependencies (Debian 12, as root) and build it into build/.
set -eu
cd "$(dirname "$0")/.."
packages="meson ninja-build pkg-config gcc libc6-dev libavformat-dev libavcodec-dev libavutil-dev
  libswscale-dev libjansson-dev nettle-dev libstb-dev ffmpeg python3-numpy python3-pil python3-av python3-opencv
  python3-torch python3-torchvision python3-setuptools python3-pip python3-venv strace clang libclang-rt-14-dev
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ -d build ] || meson setup build --buildtype=release
ninja -C build

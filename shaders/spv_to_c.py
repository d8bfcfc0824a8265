#!/usr/bin/env python3
"""Compile a compute shader with glslc and write it as a C source file.

usage: spv_to_c.py GLSLC NAME INPUT.comp OUTPUT.c

The result defines `const uint32_t vs_vk_NAME_spv[]` and its size in bytes,
`vs_vk_NAME_spv_size`. A .c file (not a header) makes the SPIR-V an explicit
input of its object, so that ninja rebuilds it whenever the shader changes.
"""
import subprocess
import sys


def main():
    glslc, name, src, out = sys.argv[1:5]
    words = subprocess.run(
        [glslc, '--target-env=vulkan1.0', '-O', '-mfmt=c', src, '-o', '-'],
        check=True, stdout=subprocess.PIPE, text=True).stdout.strip()
    with open(out, 'w') as f:
        f.write('/* Generated from %s by shaders/spv_to_c.py: do not edit. */\n' % src)
        f.write('#include <stddef.h>\n#include <stdint.h>\n\n')
        f.write('extern const uint32_t vs_vk_%s_spv[];\n' % name)
        f.write('extern const size_t vs_vk_%s_spv_size;\n' % name)
        f.write('const uint32_t vs_vk_%s_spv[] =\n%s;\n' % (name, words))
        f.write('const size_t vs_vk_%s_spv_size = sizeof(vs_vk_%s_spv);\n' % (name, name))


if __name__ == '__main__':
    main()

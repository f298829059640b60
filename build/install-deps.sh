#!/usr/bin/env bash
# Installs the host tools the build and the boot tests need, when they are missing:
# QEMU (qemu-system-x86_64), an assembler (nasm), a linker (ld.lld) and strip.
# As root it uses apt-get; otherwise it names what to install and fails.
set -euo pipefail

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v nasm >/dev/null || need+=(nasm)
command -v ld.lld >/dev/null || need+=(lld)
command -v strip >/dev/null || need+=(binutils)
command -v gcc >/dev/null || need+=(gcc)   # the symbolizer's tests compile fixtures with gcc

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "error: missing build tools; install them with:" >&2
    echo "  sudo apt-get install -y ${need[*]}" >&2
    exit 1
fi
echo "  DEPS    installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

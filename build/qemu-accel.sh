#!/usr/bin/env bash
# Prints the accelerator to boot with: "kvm" when a probe boot of the image under KVM
# reaches its ready line, else "tcg". Nested KVM on some hosts stops with "KVM internal
# error" at the first SSE instruction, so /dev/kvm existing is not enough.
# Usage: qemu-accel.sh IMAGE
image=${1:?usage: qemu-accel.sh IMAGE}
if [ ! -w /dev/kvm ]; then echo tcg; exit 0; fi
out=$(timeout 10 qemu-system-x86_64 -accel kvm -cpu host -kernel "$image" -m 64M -display none \
      -serial stdio -monitor none -no-reboot 2>&1 | grep -m1 -a '^ready:' || true)
if [ -n "$out" ]; then echo kvm; else echo tcg; fi

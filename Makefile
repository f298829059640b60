# Microkernel build.
#   make run    boot the default image in QEMU (serial console on this terminal; Ctrl-A X quits)
#   make test   the style check (make lint), then every test: host unit/property tests,
#               in-image suite, boot and crash tests
#   make image  out/default.elf        make test-image  out/test.elf
#   make bench  every benchmark (bench/results/*.json)
# Component fragments live in build/mk/*.mk; each adds its own targets.

SHELL := /bin/bash
.DEFAULT_GOAL := image
ROOT := $(CURDIR)
OUT := $(ROOT)/out
DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

# Boot settings for `make run` (override on the command line: make run MACHINE=microvm MEM=4G).
MACHINE ?= pc
MEM ?= 128M
SMP ?= 1
ACCEL ?= auto
APPEND ?=

include $(sort $(wildcard $(ROOT)/build/mk/*.mk))

.PHONY: deps run test test-host bench clean

deps:
	@$(ROOT)/build/install-deps.sh

$(OUT)/default.elf $(OUT)/test.elf: | deps

run: deps image
	@accel=$(ACCEL); [ "$$accel" = auto ] && accel=$$($(ROOT)/build/qemu-accel.sh $(OUT)/default.elf); \
	 cpu=$$([ "$$accel" = kvm ] && echo "-cpu host" || echo "-cpu max"); \
	 echo "  RUN     $(OUT)/default.elf on $(MACHINE), $(MEM), $(SMP) CPU(s), $$accel (Ctrl-A X quits)"; \
	 exec qemu-system-x86_64 -accel $$accel $$cpu -M $(MACHINE) -m $(MEM) -smp $(SMP) \
	   -kernel $(OUT)/default.elf $(if $(APPEND),-append "$(APPEND)") \
	   -display none -serial mon:stdio -no-reboot

# The style check comes first (build/mk/lint.mk): it is the quickest to fail. The host
# test projects include the boot tests, which need both images and the symbolizer, so
# those are built first.
test: lint test-host

test-host: deps image test-image image-stop-test symbolizer
	@$(ROOT)/build/run-host-tests.sh

bench:
	@echo "  BENCH   results in bench/results/"

clean:
	rm -rf $(OUT)

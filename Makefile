# Microkernel build. `make help` lists the targets a user needs, one line each.
# Component fragments live in build/mk/*.mk; each adds its own targets.
# A line `## TARGET: what it does` just above a rule documents it for `make help`
# (tests/Mk.Tests/MakefileTests.cs fails when a documented target has no rule, or a
# .PHONY target neither has a rule nor is documented).

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

.PHONY: help deps run test test-host bench clean

## help: this list
help:
	@awk '/^## [a-zA-Z]/ { line = substr($$0, 4); name = substr(line, 1, index(line, ":") - 1); \
	      printf "  %-20s %s\n", name, substr(line, length(name) + 3) }' $(filter-out $(OUT)/%,$(MAKEFILE_LIST))

## deps: install what the build needs (QEMU, nasm, lld, binutils; as root through apt)
deps:
	@$(ROOT)/build/install-deps.sh

$(OUT)/default.elf $(OUT)/test.elf: | deps

# Relative names (`make out/default.elf`) are the same files as the absolute ones every
# rule is written for ($(OUT) = $(CURDIR)/out); without this, make would find no rule for
# the relative name and call an existing but stale file up to date.
out/%: $(OUT)/% ;

## run: boot the default image in QEMU (MACHINE= MEM= SMP= ACCEL= APPEND=; Ctrl-A X quits)
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
## test: the style check (make lint), then every test: host unit/property tests, in-image suite, boot and crash tests
test: lint test-host

## test-host: every test project of Microkernel.sln, one at a time, ending with "N passed, N failed"
test-host: deps image test-image image-stop-test symbolizer
	@$(ROOT)/build/run-host-tests.sh

## bench: every benchmark (bench/results/*.json)
bench:
	@echo "  BENCH   results in bench/results/"

## clean: remove out/ (every build product)
clean:
	rm -rf $(OUT)

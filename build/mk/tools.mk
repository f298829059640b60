# Host tools (tools/). Included by the root Makefile, which defines ROOT, OUT and DOTNET.
#
#   make symbolizer      build tools/CrashSymbolizer into $(OUT)/tools/CrashSymbolizer/
#   $(SYMBOLIZE) --elf $(OUT)/default.elf [--input serial.log]
#                        symbolize crash reports in a serial log (stdin when no --input);
#                        targets that use it should depend on `symbolizer`.
#   make image-profile   build tools/ImageProfile into $(OUT)/tools/ImageProfile/
#   make profile-kernel  per-function instruction profile of the kernel bench's call/reply
#                        loop (out/test.elf, bench=kernel, single-step TCG; a few seconds);
#                        PROFILE_TOP=N rows (default 25), PROFILE_ARGS="--json FILE ..." passes more options
#   make profile-store   the same for bench=services' store get loop (services-bench's generated StoreCalls<KernelWaiter>.Get)
#   make bench-profiles  both, written to bench/results/profile-{kernel,store-get}.json (part of `bench`),
#                        so a change's effect on each function can be diffed

SYMBOLIZER_PROJECT := $(ROOT)/tools/CrashSymbolizer/CrashSymbolizer.csproj
SYMBOLIZER_DIR     := $(OUT)/tools/CrashSymbolizer
SYMBOLIZER_DLL     := $(SYMBOLIZER_DIR)/CrashSymbolizer.dll
SYMBOLIZER_SOURCES := $(SYMBOLIZER_PROJECT) $(wildcard $(ROOT)/tools/CrashSymbolizer/*.cs)
# Run through `dotnet` rather than the apphost so it works wherever DOTNET works.
SYMBOLIZE          := $(DOTNET) $(SYMBOLIZER_DLL)

.PHONY: symbolizer
## symbolizer: build tools/CrashSymbolizer (crash reports to function names and lines)
symbolizer: $(SYMBOLIZER_DLL)

$(SYMBOLIZER_DLL): $(SYMBOLIZER_SOURCES)
	$(DOTNET) build "$(SYMBOLIZER_PROJECT)" -c Release --nologo -v q -o "$(SYMBOLIZER_DIR)"
	@touch "$@"

# `make run` with the console piped through the symbolizer.
.PHONY: run-symbolized
## run-symbolized: `make run` with the console piped through the symbolizer
run-symbolized: deps image symbolizer
	@qemu-system-x86_64 -accel tcg -M $(MACHINE) -m $(MEM) -smp $(SMP) -kernel $(OUT)/default.elf \
	   $(if $(APPEND),-append "$(APPEND)") -display none -serial stdio -monitor none -no-reboot \
	   | $(SYMBOLIZE) --elf $(OUT)/default.elf

# ImageProfile: exact per-function instruction counts of a window of a guest run, from
# QEMU's single-step exec log (tools/ImageProfile/README.md). It reuses CrashSymbolizer's
# ELF and symbol code through a ProjectReference, so those sources are prerequisites too.
IMAGE_PROFILE_PROJECT := $(ROOT)/tools/ImageProfile/ImageProfile.csproj
IMAGE_PROFILE_DIR     := $(OUT)/tools/ImageProfile
IMAGE_PROFILE_DLL     := $(IMAGE_PROFILE_DIR)/ImageProfile.dll
IMAGE_PROFILE_SOURCES := $(IMAGE_PROFILE_PROJECT) $(wildcard $(ROOT)/tools/ImageProfile/*.cs) $(SYMBOLIZER_SOURCES)
IMAGE_PROFILE         := $(DOTNET) $(IMAGE_PROFILE_DLL)
PROFILE_TOP ?= 25
PROFILE_ARGS ?=

.PHONY: image-profile profile-kernel
## image-profile: build tools/ImageProfile
image-profile: $(IMAGE_PROFILE_DLL)

$(IMAGE_PROFILE_DLL): $(IMAGE_PROFILE_SOURCES)
	$(DOTNET) build "$(IMAGE_PROFILE_PROJECT)" -c Release --nologo -v q -o "$(IMAGE_PROFILE_DIR)"
	@touch "$@"

# The window is the echo-bench client's call/reply loop (bench/services/echo-bench/EchoBench.cs),
# cut to whole iterations between entries into its generated EchoCalls<KernelWaiter>.Echo (raw
# symbol: a generic instantiation has no readable tail to match). Not part of test; bench
# runs it through bench-profiles.
PROFILE_KERNEL_WINDOW := --image $(OUT)/test.elf --append bench=kernel \
	   --from 'null_syscall_ticks=' --to 'call_reply_ticks=' --per 'echo-bench:Service_EchoBench_Microkernel_Services_Contracts_EchoCalls_1<Service_EchoBench_Microkernel_UserRuntime_KernelWaiter>__Echo'
# The store get loop of bench/services/services-bench (after its echo calls, before its klog writes).
PROFILE_STORE_WINDOW := --image $(OUT)/test.elf --append bench=services \
	   --from 'echo_call_ticks=' --to 'store_get_ticks=' --per 'services-bench:Service_ServicesBench_Microkernel_Services_Contracts_StoreCalls_1<Service_ServicesBench_Microkernel_UserRuntime_KernelWaiter>__Get'

## profile-kernel: per-function instruction profile of the kernel bench's call/reply loop (PROFILE_TOP= PROFILE_ARGS=)
profile-kernel: deps test-image image-profile
	@$(IMAGE_PROFILE) $(PROFILE_KERNEL_WINDOW) --top $(PROFILE_TOP) $(PROFILE_ARGS)

.PHONY: profile-store bench-profiles
## profile-store: the same for bench=services' store get loop
profile-store: deps test-image image-profile
	@$(IMAGE_PROFILE) $(PROFILE_STORE_WINDOW) --top $(PROFILE_TOP) $(PROFILE_ARGS)

## bench-profiles: both profiles into bench/results/profile-{kernel,store-get}.json
bench-profiles: deps test-image image-profile
	@$(IMAGE_PROFILE) $(PROFILE_KERNEL_WINDOW) --top 10 --json $(ROOT)/bench/results/profile-kernel.json
	@$(IMAGE_PROFILE) $(PROFILE_STORE_WINDOW) --top 10 --json $(ROOT)/bench/results/profile-store-get.json

bench: bench-profiles

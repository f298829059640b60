# In-image benchmarks: the test image run in bench mode, figures merged into
# bench/results/*.json under "image" (TSC ticks under TCG, and instruction counts
# under -icount shift=0, which repeat exactly).

IMAGE_BENCH_DLL := $(OUT)/bin/ImageBench/Release/net10.0/ImageBench.dll

.PHONY: bench-memory-image image-bench-tool
## image-bench-tool: build bench/ImageBench, which runs the test image in bench mode
image-bench-tool:
	@$(DOTNET) build $(ROOT)/bench/ImageBench/ImageBench.csproj -c Release -v q --nologo -clp:NoSummary

## bench-memory-image: the kernel heap's figures in the image (bench/results/memory.json "image")
bench-memory-image: deps test-image image-bench-tool
	@$(DOTNET) $(IMAGE_BENCH_DLL) --image $(OUT)/test.elf --bench memory --out $(ROOT)/bench/results/memory.json

bench: bench-memory-image

# Kernel figures: null system call, same-core typed call/reply over a channel, context
# switch (bench/results/ipc-kernel.json).
.PHONY: bench-kernel
## bench-kernel: null system call, call/reply, context switch in the image (bench/results/ipc-kernel.json)
bench-kernel: deps test-image image-bench-tool
	@$(DOTNET) $(IMAGE_BENCH_DLL) --image $(OUT)/test.elf --bench kernel --out $(ROOT)/bench/results/ipc-kernel.json

bench: bench-kernel

# Services figures: store get round trips against the echo ping-pong in one boot, and the
# sizes of out/default.elf and out/minimal.elf (bench/results/services.json).
.PHONY: bench-services
## bench-services: store gets vs echo round trips, image sizes (bench/results/services.json)
bench-services: deps test-image image image-minimal image-bench-tool
	@$(DOTNET) $(IMAGE_BENCH_DLL) --image $(OUT)/test.elf --bench services --out $(ROOT)/bench/results/services.json

bench: bench-services

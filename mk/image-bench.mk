# In-image benchmarks: the test image run in bench mode, figures merged into
# bench/results/*.json under "image" (TSC ticks under TCG, and instruction counts
# under -icount shift=0, which repeat exactly).

IMAGE_BENCH_DLL := $(OUT)/bin/ImageBench/Release/net10.0/ImageBench.dll

.PHONY: bench-memory-image image-bench-tool
image-bench-tool:
	@$(DOTNET) build $(ROOT)/bench/ImageBench/ImageBench.csproj -c Release -v q --nologo -clp:NoSummary

bench-memory-image: deps test-image image-bench-tool
	@$(DOTNET) $(IMAGE_BENCH_DLL) --image $(OUT)/test.elf --bench memory --out $(ROOT)/bench/results/memory.json

bench: bench-memory-image

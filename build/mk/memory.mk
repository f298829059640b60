# Kernel heap (kernel/mm/heap). Included by the root Makefile, which defines ROOT, OUT and DOTNET.
#
#   make test-heap      host tests of the heap only (tests/Heap.Tests; also run by `make test-host`)
#   make bench-memory   allocate/free pairs per second, slab heap vs NativeMemory, 1 and 2 threads;
#                       writes the "host" and "ratios" keys of bench/results/memory.json (other keys,
#                       such as the kernel's "image" figures, are kept) and prints the table
#   make bench          runs bench-memory among the other benchmarks

HEAP_TEST_PROJECT := $(ROOT)/tests/Heap.Tests/Heap.Tests.csproj
MEMORY_BENCH_PROJECT := $(ROOT)/bench/Memory.Bench/Memory.Bench.csproj
MEMORY_BENCH_RESULT := $(ROOT)/bench/results/memory.json

.PHONY: test-heap bench-memory bench
## test-heap: host tests of the kernel heap only (tests/Heap.Tests)
test-heap:
	$(DOTNET) test $(HEAP_TEST_PROJECT) -c Release --nologo -v q

# Built first, then run from its output: `dotnet run` would also time the build.
## bench-memory: heap allocate/free pairs per second vs NativeMemory (bench/results/memory.json)
bench-memory:
	@$(DOTNET) build $(MEMORY_BENCH_PROJECT) -c Release -v q --nologo -clp:NoSummary
	$(DOTNET) $(OUT)/bin/Memory.Bench/Release/net10.0/Memory.Bench.dll --out $(MEMORY_BENCH_RESULT)

bench: bench-memory

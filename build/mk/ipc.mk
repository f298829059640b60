# Portable IPC library (ipc/). Included by the root Makefile, which defines ROOT, OUT and DOTNET.
#
#   make test-ipc    host tests of ipc/ only (tests/Ipc.Tests; also run by `make test-host`)
#   make bench-ipc   throughput and round-trip latency: our ring vs Channels, Pipelines and the
#                    cache-line floor, and a bare ring of fixed slots; writes
#                    bench/results/ipc.json and ipc-bare.json and prints the table
#   make bench       runs bench-ipc among the other benchmarks

IPC_TEST_PROJECT := $(ROOT)/tests/Ipc.Tests/Ipc.Tests.csproj
IPC_BENCH_PROJECT := $(ROOT)/bench/Ipc.Bench/Ipc.Bench.csproj
IPC_BENCH_RESULT := $(ROOT)/bench/results/ipc.json

.PHONY: test-ipc bench-ipc bench
## test-ipc: host tests of ipc/ only (tests/Ipc.Tests)
test-ipc:
	$(DOTNET) test $(IPC_TEST_PROJECT) -c Release --nologo -v q

# Built first, then run from its output: `dotnet run` would also time the build.
## bench-ipc: ring throughput and round trips vs Channels and Pipelines (bench/results/ipc*.json)
bench-ipc:
	@$(DOTNET) build $(IPC_BENCH_PROJECT) -c Release -v q --nologo -clp:NoSummary
	$(DOTNET) $(OUT)/bin/Ipc.Bench/Release/net10.0/Ipc.Bench.dll --out $(IPC_BENCH_RESULT)

bench: bench-ipc

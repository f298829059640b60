# Host tools (tools/). Included by the root Makefile, which defines ROOT, OUT and DOTNET.
#
#   make symbolizer      build tools/CrashSymbolizer into $(OUT)/tools/CrashSymbolizer/
#   $(SYMBOLIZE) --elf $(OUT)/default.elf [--input serial.log]
#                        symbolize crash reports in a serial log (stdin when no --input);
#                        targets that use it should depend on `symbolizer`.

SYMBOLIZER_PROJECT := $(ROOT)/tools/CrashSymbolizer/CrashSymbolizer.csproj
SYMBOLIZER_DIR     := $(OUT)/tools/CrashSymbolizer
SYMBOLIZER_DLL     := $(SYMBOLIZER_DIR)/CrashSymbolizer.dll
SYMBOLIZER_SOURCES := $(SYMBOLIZER_PROJECT) $(wildcard $(ROOT)/tools/CrashSymbolizer/*.cs)
# Run through `dotnet` rather than the apphost so it works wherever DOTNET works.
SYMBOLIZE          := $(DOTNET) $(SYMBOLIZER_DLL)

.PHONY: symbolizer
symbolizer: $(SYMBOLIZER_DLL)

$(SYMBOLIZER_DLL): $(SYMBOLIZER_SOURCES)
	$(DOTNET) build "$(SYMBOLIZER_PROJECT)" -c Release --nologo -v q -o "$(SYMBOLIZER_DIR)"
	@touch "$@"

# `make run` with the console piped through the symbolizer.
.PHONY: run-symbolized
run-symbolized: deps image symbolizer
	@qemu-system-x86_64 -accel tcg -M $(MACHINE) -m $(MEM) -smp $(SMP) -kernel $(OUT)/default.elf \
	   $(if $(APPEND),-append "$(APPEND)") -display none -serial stdio -monitor none -no-reboot \
	   | $(SYMBOLIZE) --elf $(OUT)/default.elf

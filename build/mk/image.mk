# Building bootable images: C# -> IL (dotnet build) -> native object (ilc) -> ELF (ld.lld).
# out/default.elf is the kernel; out/test.elf is the same kernel with the in-image test
# suite compiled in (KERNEL_TESTS) and its panics ending QEMU with a failure status.

NASM ?= nasm
LD_LLD ?= ld.lld
ILC_PACKAGE_DIR := $(HOME)/.nuget/packages/runtime.linux-x64.microsoft.dotnet.ilcompiler
# The SDK picks the compiler version; use whichever it restored (newest if several).
ILC = $(lastword $(sort $(wildcard $(ILC_PACKAGE_DIR)/*/tools/ilc)))
ILC_FLAGS := --systemmodule:Microkernel.Runtime --targetos:linux --targetarch:x64 \
	--nativelib -O -g --stacktracedata --methodbodyfolding:generic \
	--noinlinetls --preinitstatics --generateunmanagedentrypoints:Microkernel.Runtime

RUNTIME_SOURCES := $(shell find $(ROOT)/runtime -name '*.cs' -not -path '*/obj/*') $(ROOT)/runtime/Runtime.csproj
KERNEL_SOURCES := $(shell find $(ROOT)/kernel $(ROOT)/ipc $(ROOT)/abi -name '*.cs' -not -path '*/obj/*' -not -path '*/generator/*') $(ROOT)/kernel/Kernel.csproj
# The ABI generator writes the kernel's dispatch switch: a change to it rebuilds the kernel.
KERNEL_SOURCES += $(wildcard $(ROOT)/abi/generator/*.cs) $(ROOT)/abi/generator/Abi.Generator.csproj
ASM_SOURCES := $(ROOT)/boot/entry.asm $(ROOT)/runtime/native/runtime.asm $(wildcard $(ROOT)/kernel/arch/x86_64/*.asm)
ASM_OBJECTS := $(patsubst $(ROOT)/%.asm,$(OUT)/asm/%.o,$(ASM_SOURCES))
# Every service, from its one declaration in Services.props (folders such as
# services/store, examples/hello, tests/services/crasher); a service's name is its folder's.
SERVICE_DIRS := $(shell sed -n 's|^ *<ServiceProject Include="\([^"]*\)" */>.*|\1|p' $(ROOT)/Services.props)
SERVICE_NAMES := $(sort $(notdir $(SERVICE_DIRS)))
# Ring-3 test programs exist only in the test image.
TEST_ASM_OBJECTS := $(patsubst $(ROOT)/%.asm,$(OUT)/asm/%.o,$(wildcard $(ROOT)/kernel/tests/*.asm))

.PHONY: image test-image
# default-pvh.elf is the same kernel without the multiboot header, so QEMU (which tries
# multiboot first) and Firecracker enter it through the PVH note.
## image: out/default.elf (with symbols), out/default.stripped.elf and out/default-pvh.elf
image: $(OUT)/default.elf $(OUT)/default-pvh.elf
## test-image: out/test.elf, the kernel with the in-image test suite compiled in
test-image: $(OUT)/test.elf

# ilc comes from NuGet through a restore of build/IlcRestore.
$(OUT)/.ilc-restored: $(ROOT)/build/IlcRestore/IlcRestore.csproj
	@mkdir -p $(OUT)
	@$(DOTNET) restore $(ROOT)/build/IlcRestore/IlcRestore.csproj -v q --nologo >/dev/null
	@touch $@

$(OUT)/asm/%.o: $(ROOT)/%.asm
	@mkdir -p $(dir $@)
	@$(NASM) -f elf64 -g -F dwarf -o $@ $<

# IL for the two flavours; each gets its own output folder.
$(OUT)/il/default/Microkernel.Kernel.dll: $(KERNEL_SOURCES) $(RUNTIME_SOURCES) $(OUT)/.ilc-restored
	@echo "  IL      kernel"
	@$(DOTNET) build $(ROOT)/kernel/Kernel.csproj -c Release -v q --nologo -clp:NoSummary \
		-p:OutDir=$(OUT)/il/default/ -p:KernelTests=false >$(OUT)/il-default.log 2>&1 || { cat $(OUT)/il-default.log; exit 1; }

$(OUT)/il/test/Microkernel.Kernel.dll: $(KERNEL_SOURCES) $(RUNTIME_SOURCES) $(OUT)/.ilc-restored
	@echo "  IL      kernel (tests)"
	@$(DOTNET) build $(ROOT)/kernel/Kernel.csproj -c Release -v q --nologo -clp:NoSummary \
		-p:OutDir=$(OUT)/il/test/ -p:KernelTests=true \
		>$(OUT)/il-test.log 2>&1 || { cat $(OUT)/il-test.log; exit 1; }

$(OUT)/native/%.o: $(OUT)/il/%/Microkernel.Kernel.dll
	@echo "  ILC     $*"
	@mkdir -p $(dir $@)
	@$(ILC) $< -r:$(dir $<)Microkernel.Runtime.dll -o:$@ $(ILC_FLAGS)

# Keep the intermediate objects: they are what makes the next build incremental.
.SECONDARY: $(OUT)/native/default.o $(OUT)/native/test.o $(ASM_OBJECTS) $(TEST_ASM_OBJECTS)

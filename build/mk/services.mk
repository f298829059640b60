# Service images: each services/<name>/ (except userlib) is compiled to IL against
# runtime/ + services/userlib, by ilc to a native object, and linked by ld.lld as a
# position-independent ELF (out/services/<name>.elf) the kernel loads at a random base.
# out/asm/services.o carries every service ELF inside the kernel image (incbin), so
# out/default.elf stays one file that `qemu -kernel` boots.

SERVICE_ELFS := $(patsubst %,$(OUT)/services/%.elf,$(SERVICE_NAMES))
USERLIB_SOURCES := $(wildcard $(ROOT)/services/userlib/*.cs) $(wildcard $(ROOT)/abi/*.cs) $(ROOT)/services/Service.props
USER_ASM_OBJECT := $(OUT)/asm/services/userlib/user.o
RUNTIME_ASM_OBJECT := $(OUT)/asm/runtime/native/runtime.o

.PHONY: services
services: $(SERVICE_ELFS)

$(OUT)/il/services/%/done: $(ROOT)/services/%/*.cs $(ROOT)/services/%/*.csproj $(USERLIB_SOURCES) $(RUNTIME_SOURCES) $(wildcard $(ROOT)/services/contracts/*.cs) $(wildcard $(ROOT)/ipc/*.cs) $(OUT)/.ilc-restored
	@echo "  IL      service $*"
	@mkdir -p $(dir $@)
	@$(DOTNET) build $(wildcard $(ROOT)/services/$*/*.csproj) -c Release -v q --nologo -clp:NoSummary \
		-p:OutDir=$(OUT)/il/services/$*/ >$(OUT)/il-service-$*.log 2>&1 || { cat $(OUT)/il-service-$*.log; exit 1; }
	@touch $@

# Sources some services compile from outside their folder (see their .csproj).
$(OUT)/il/services/klog/done: $(ROOT)/kernel/console/LogRecordRing.cs
$(OUT)/il/services/klog-flood-a/done $(OUT)/il/services/klog-flood-b/done: $(ROOT)/services/klog-flood/KlogFlood.cs

$(OUT)/native/services/%.o: $(OUT)/il/services/%/done
	@echo "  ILC     service $*"
	@mkdir -p $(dir $@)
	@$(ILC) $(OUT)/il/services/$*/Service.*.dll -r:$(OUT)/il/services/$*/Microkernel.Runtime.dll -o:$@ $(ILC_FLAGS)

# PIE: relocations stay as R_X86_64_RELATIVE for the kernel's loader; text, rodata and
# data get separate segments so W^X holds per segment.
$(OUT)/services/%.elf: $(OUT)/native/services/%.o $(USER_ASM_OBJECT) $(RUNTIME_ASM_OBJECT)
	@echo "  LD      service $*"
	@mkdir -p $(dir $@)
	@$(LD_LLD) -pie --no-dynamic-linker -z separate-code -z noexecstack -z norelro --hash-style=gnu \
		-e _start -nostdlib -o $@ $(USER_ASM_OBJECT) $(RUNTIME_ASM_OBJECT) $<
	@strip -o $(@:.elf=.stripped.elf) $@

.SECONDARY: $(patsubst %,$(OUT)/native/services/%.o,$(SERVICE_NAMES)) $(patsubst %,$(OUT)/il/services/%/done,$(SERVICE_NAMES)) $(USER_ASM_OBJECT)

$(OUT)/asm/services-%.o: $(OUT)/services-%.asm
	@mkdir -p $(dir $@)
	@$(NASM) -f elf64 -o $@ $<

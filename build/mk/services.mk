# Service images: every service declared in Services.props (services/, examples/,
# tests/services/, bench/services/) is compiled to IL against runtime/ + sdk/userlib, by
# ilc to a native object, and linked by ld.lld as a position-independent ELF
# (out/services/<name>.elf) the kernel loads at a random base.
# out/asm/services.o carries every service ELF inside the kernel image (incbin), so
# out/default.elf stays one file that `qemu -kernel` boots.

SERVICE_ELFS := $(patsubst %,$(OUT)/services/%.elf,$(SERVICE_NAMES))
USERLIB_SOURCES := $(wildcard $(ROOT)/sdk/userlib/*.cs) $(wildcard $(ROOT)/abi/*.cs) $(wildcard $(ROOT)/abi/generator/*.cs) $(ROOT)/sdk/Service.props $(ROOT)/Services.props
CONTRACT_SOURCES := $(wildcard $(ROOT)/sdk/contracts/*.cs) $(wildcard $(ROOT)/ipc/*.cs) $(wildcard $(ROOT)/ipc/generator/*.cs)
USER_ASM_OBJECT := $(OUT)/asm/sdk/userlib/user.o
RUNTIME_ASM_OBJECT := $(OUT)/asm/runtime/native/runtime.o

.PHONY: services
## services: every service declared in Services.props, as out/services/NAME.elf
services: $(SERVICE_ELFS)

# $(1) = the service's folder relative to the root (tests/services/crasher).
define SERVICE_IL_RULE
$(OUT)/il/services/$(notdir $(1))/done: $(wildcard $(ROOT)/$(1)/*.cs) $(wildcard $(ROOT)/$(1)/*.csproj) $$(USERLIB_SOURCES) $$(RUNTIME_SOURCES) $$(CONTRACT_SOURCES) $(OUT)/.ilc-restored
	@echo "  IL      service $(notdir $(1))"
	@mkdir -p $$(dir $$@)
	@$$(DOTNET) build $(wildcard $(ROOT)/$(1)/*.csproj) -c Release -v q --nologo -clp:NoSummary \
		-p:OutDir=$(OUT)/il/services/$(notdir $(1))/ >$(OUT)/il-service-$(notdir $(1)).log 2>&1 || { cat $(OUT)/il-service-$(notdir $(1)).log; exit 1; }
	@touch $$@
endef
$(foreach dir,$(SERVICE_DIRS),$(eval $(call SERVICE_IL_RULE,$(dir))))

# Sources some services compile from outside their folder (see their .csproj).
$(OUT)/il/services/klog/done: $(ROOT)/kernel/console/LogRecordRing.cs
$(OUT)/il/services/klog-flood-b/done: $(ROOT)/tests/services/klog-flood-a/KlogFlood.cs

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

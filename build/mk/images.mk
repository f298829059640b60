# Images composed from manifests: every images/NAME.yaml becomes out/NAME.elf (and
# out/NAME-pvh.elf). `./mk compose` validates the manifest and writes, into out/manifests/,
# the compiled manifest the supervisor reads (NAME.manifest.msgpack) and NAME.vars.mk
# (IMAGE_<NAME>_FLAVOUR and _SERVICES), which make includes (remaking it first when the
# manifest or the tool changed). An image carries the supervisor, the services its
# manifest lists, and the manifest; the test flavour carries every service (its in-image
# suites start the ones they need) and the in-image test suite.

IMAGE_NAMES := $(sort $(basename $(notdir $(wildcard $(ROOT)/images/*.yaml))))
MK_TOOL := $(ROOT)/mk
MK_TOOL_SOURCES := $(MK_TOOL) $(shell find $(ROOT)/tools/Mk -name '*.cs' -not -path '*/obj/*') $(ROOT)/tools/Mk/Mk.csproj $(ROOT)/Services.props
image-var = IMAGE_$(shell echo '$(1)' | tr 'a-z-' 'A-Z_')_$(2)

# One compose writes both files; they are rewritten only when their content changes, so
# a stamp records that the manifest was composed (nothing rebuilds needlessly).
$(OUT)/manifests/%.stamp: $(ROOT)/images/%.yaml $(MK_TOOL_SOURCES)
	@mkdir -p $(dir $@)
	@$(MK_TOOL) compose $< -o $(OUT)/manifests
	@touch $@
$(OUT)/manifests/%.vars.mk $(OUT)/manifests/%.manifest.msgpack: $(OUT)/manifests/%.stamp ;

# Not while cleaning, installing tools or listing targets (`make help` composes nothing).
ifeq ($(filter clean deps help,$(MAKECMDGOALS)),)
-include $(patsubst %,$(OUT)/manifests/%.vars.mk,$(IMAGE_NAMES))
endif

# $(1) = image name. Rules for out/$(1).elf, out/$(1)-pvh.elf and its service table.
define IMAGE_RULES
$(1)_FLAVOUR := $$(or $$($(call image-var,$(1),FLAVOUR)),default)
$(1)_CARRIES := supervisor $$(if $$(filter test,$$($(1)_FLAVOUR)),$$(filter-out supervisor,$$(SERVICE_NAMES)),$$($(call image-var,$(1),SERVICES)))
$(1)_OBJECTS := $$(ASM_OBJECTS) $(OUT)/asm/services-$(1).o $$(if $$(filter test,$$($(1)_FLAVOUR)),$$(TEST_ASM_OBJECTS))

$(OUT)/services-$(1).asm: $$(patsubst %,$(OUT)/services/%.elf,$$($(1)_CARRIES)) $(ROOT)/build/service-table.sh $(OUT)/manifests/$(1).manifest.msgpack
	@$(ROOT)/build/service-table.sh --manifest $(OUT)/manifests/$(1).manifest.msgpack $(OUT)/services $$($(1)_CARRIES) > $$@

$(OUT)/$(1).elf: $(OUT)/native/$$($(1)_FLAVOUR).o $$($(1)_OBJECTS) $(ROOT)/boot/kernel.ld
	@echo "  LD      $$@"
	@$$(LD_LLD) -T $(ROOT)/boot/kernel.ld -nostdlib -static --no-pie -z max-page-size=4096 \
		-o $$@ $$($(1)_OBJECTS) $(OUT)/native/$$($(1)_FLAVOUR).o
	@strip -o $$(@:.elf=.stripped.elf) $$@
	@echo "  IMAGE   $$@: $$$$(stat -c %s $$@) bytes, $$$$(stat -c %s $$(@:.elf=.stripped.elf)) stripped"

# The same kernel without the multiboot header, so QEMU (which tries multiboot first)
# and Firecracker enter it through the PVH note.
$(OUT)/$(1)-pvh.elf: $(OUT)/native/$$($(1)_FLAVOUR).o $$($(1)_OBJECTS) $(ROOT)/boot/kernel-pvh.ld
	@echo "  LD      $$@"
	@$$(LD_LLD) -T $(ROOT)/boot/kernel-pvh.ld -nostdlib -static --no-pie -z max-page-size=4096 \
		-o $$@ $$($(1)_OBJECTS) $(OUT)/native/$$($(1)_FLAVOUR).o
endef
$(foreach image,$(IMAGE_NAMES),$(eval $(call IMAGE_RULES,$(image))))

.SECONDARY: $(patsubst %,$(OUT)/manifests/%.manifest.msgpack,$(IMAGE_NAMES)) $(patsubst %,$(OUT)/manifests/%.stamp,$(IMAGE_NAMES))

# `make image-NAME` builds out/NAME.elf and out/NAME-pvh.elf; `make images` builds them all.
.PHONY: images $(patsubst %,image-%,$(IMAGE_NAMES))
## image-NAME: out/NAME.elf and out/NAME-pvh.elf from images/NAME.yaml, for any manifest there
$(foreach image,$(IMAGE_NAMES),$(eval image-$(image): $(OUT)/$(image).elf $(OUT)/$(image)-pvh.elf))
## images: every image in images/*.yaml
images: $(patsubst %,image-%,$(IMAGE_NAMES))

# Microkernel build. `make run` boots the default image, `make test` runs every test.
# Component fragments live in mk/*.mk; each adds its own targets.

SHELL := /bin/bash
.DEFAULT_GOAL := image
ROOT := $(CURDIR)
OUT := $(ROOT)/out
DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

# Host test projects: every tests/*.Tests/*.Tests.csproj is run by `make test-host`.
HOST_TEST_PROJECTS := $(wildcard $(ROOT)/tests/*.Tests/*.Tests.csproj)

include $(sort $(wildcard $(ROOT)/mk/*.mk))

.PHONY: test-host
test-host:
	@set -e; for p in $(HOST_TEST_PROJECTS); do \
	  echo "== host tests: $$(basename $$p .csproj)"; \
	  $(DOTNET) test "$$p" -c Release --nologo -v q; \
	done

.PHONY: clean
clean:
	rm -rf $(OUT)

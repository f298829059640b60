# The house style (.editorconfig at the root). Included by the root Makefile, which defines
# ROOT, OUT and DOTNET.
#
#   make lint     fails when `dotnet format` would change any file of Microkernel.sln
#                 (every style rule in host projects, layout in freestanding ones, see
#                 below); `make test` runs it first
#   make format   rewrites the files into the house style (then review and commit them)
#
# KernelTests=true (read by MSBuild from the environment) makes kernel/Kernel.csproj include
# kernel/tests/, the in-image suite, which the solution's default flavour leaves out; the
# rest of the solution ignores it.
#
# dotnet format applies only whitespace fixes to the freestanding projects (runtime/,
# kernel/, services): they reference no .NET assemblies, and it skips style fixes there.
# The build checks every style rule in them (EnforceCodeStyleInBuild), so lint checks their
# layout and the build the rest. `make format` adds a second pass with FormatFreestanding=true,
# which shows those projects .NET's reference assemblies (runtime/Runtime.csproj), to add
# braces and file-scoped namespaces and place usings there; the few var/naming errors the
# build reports after it are fixed by hand.

# dotnet format loads the projects without building them, so the source generators it
# runs (ipc/generator: contracts; abi/generator: system call numbers, stubs and dispatch)
# must be built first, in the configuration it loads (Configuration comes from the
# environment like KernelTests); without them the generated types are missing and every
# project that uses them fails to load. They are built with style warnings left as
# warnings, so a style slip in a generator is reported by lint (and fixed by format)
# instead of stopping both before they start.
LINT_SOLUTION := $(ROOT)/Microkernel.sln
LINT_ENV := KernelTests=true Configuration=Release
LINT_GENERATORS := $(ROOT)/ipc/generator/Ipc.Generator.csproj $(ROOT)/abi/generator/Abi.Generator.csproj
FREESTANDING_PROJECTS := $(ROOT)/runtime/Runtime.csproj $(ROOT)/kernel/Kernel.csproj \
	$(foreach dir,$(SERVICE_DIRS),$(wildcard $(ROOT)/$(dir)/*.csproj))

.PHONY: lint format lint-generator
## lint-generator: build the source generators that lint and format load (their first step)
lint-generator:
	@for project in $(LINT_GENERATORS); do \
	   $(DOTNET) build $$project -c Release -v q --nologo -clp:NoSummary -p:TreatWarningsAsErrors=false >/dev/null || exit 1; \
	 done

## lint: check that every file of Microkernel.sln is in the house style (.editorconfig); make test runs it first
lint: lint-generator
	@echo "  LINT    dotnet format Microkernel.sln --verify-no-changes"
	@$(LINT_ENV) $(DOTNET) format $(LINT_SOLUTION) --verify-no-changes -v q || { \
	   echo "lint: files above are not in the house style (.editorconfig); run \`make format\` and commit the result" >&2; \
	   exit 1; }

## format: rewrite the files into the house style (review and commit the result)
format: lint-generator
	$(LINT_ENV) $(DOTNET) format $(LINT_SOLUTION) -v q
	@for project in $(FREESTANDING_PROJECTS); do \
	   echo "  FORMAT  $$project (braces, namespaces, usings)"; \
	   $(LINT_ENV) FormatFreestanding=true $(DOTNET) format style $$project --diagnostics IDE0011 IDE0161 IDE0065 -v q || exit 1; \
	 done

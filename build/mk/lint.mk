# The house style (.editorconfig at the root). Included by the root Makefile, which defines
# ROOT, OUT and DOTNET.
#
#   make lint     fails when `dotnet format` would change any file of Microkernel.sln
#                 (layout, braces, namespaces, usings, var, naming); `make test` runs it first
#   make format   rewrites the files into the house style (then review and commit them)
#
# KernelTests=true (read by MSBuild from the environment) makes kernel/Kernel.csproj include
# kernel/tests/, the in-image suite, which the solution's default flavour leaves out; the
# rest of the solution ignores it.

LINT_SOLUTION := $(ROOT)/Microkernel.sln
LINT_ENV := KernelTests=true

.PHONY: lint format
lint:
	@echo "  LINT    dotnet format Microkernel.sln --verify-no-changes"
	@$(LINT_ENV) $(DOTNET) format $(LINT_SOLUTION) --verify-no-changes -v q || { \
	   echo "lint: files above are not in the house style (.editorconfig); run \`make format\` and commit the result" >&2; \
	   exit 1; }

format:
	$(LINT_ENV) $(DOTNET) format $(LINT_SOLUTION) -v q

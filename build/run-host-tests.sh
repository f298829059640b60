#!/usr/bin/env bash
# Runs every test project of Microkernel.sln (tests/*.Tests, through one `dotnet test` of
# the solution) and ends with one plain summary line, "N passed, N failed", that CI reads.
#
# One project at a time (-m:1): Boot.Tests boots up to two QEMUs under TCG with deadlines,
# and on a 2-core machine other test projects running beside it would make those deadlines
# a matter of luck.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test "$root/Microkernel.sln" -c Release --nologo -v q -m:1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One line per test project, e.g.
# "Passed!  - Failed:     0, Passed:    68, Skipped:     0, Total:    68, Duration: 2 s - Ipc.Tests.dll (net10.0)"
summaries=$(grep -aE '^\s*(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log")
sum() { printf '%s\n' "$summaries" | grep -oE "$1: +[0-9]+" | awk '{ n += $2 } END { print n + 0 }'; }
projects=$(printf '%s\n' "$summaries" | grep -c . || true)
passed=$(sum Passed)
failed=$(sum Failed)

# A project that did not build, or whose test host died, prints no summary: count it as a
# failure so the line never reads "0 failed" for a red run.
expected=$(dotnet sln "$root/Microkernel.sln" list | grep -cE '\.Tests\.csproj$')
if [ "$projects" -lt "$expected" ]; then
    echo "run-host-tests: $((expected - projects)) of $expected test projects reported no results (build error or crashed test host; see above)"
    failed=$((failed + expected - projects))
    status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "${passed} passed, ${failed} failed"
exit $status

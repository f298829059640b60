#!/usr/bin/env bash
# Runs every host test project (tests/*.Tests) one after another and ends with one
# plain summary line, "N passed, N failed", that CI reads.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
total_passed=0
total_failed=0
status=0
for project in "$root"/tests/*.Tests/*.Tests.csproj; do
    name=$(basename "$project" .csproj)
    echo "== $name"
    log=$(mktemp)
    dotnet test "$project" -c Release --nologo -v q 2>&1 | tee "$log"
    result=${PIPESTATUS[0]}
    # "Passed!  - Failed:     0, Passed:    68, Skipped:     0, Total:    68, Duration: ..."
    passed=$(grep -aoE 'Passed: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    failed=$(grep -aoE 'Failed: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo 0)
    rm -f "$log"
    total_passed=$((total_passed + ${passed:-0}))
    total_failed=$((total_failed + ${failed:-0}))
    if [ "$result" -ne 0 ]; then
        status=1
        [ "${failed:-0}" -eq 0 ] && total_failed=$((total_failed + 1))  # build or runner failure
    fi
done
echo "${total_passed} passed, ${total_failed} failed"
exit $status

#!/usr/bin/env bash
# ./mk VERB ...: runs the mk tool (tools/Mk). Builds it into out/tools/mk first when that
# build is missing or older than any of its sources (a find over tools/Mk, no dotnet call).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$root/out/tools/mk
stamp=$out/.built
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
stale() {
    [ ! -f "$stamp" ] || [ ! -f "$out/mk.dll" ] || [ -n "$(find "$root/tools/Mk" "$root/Directory.Build.props" "$root/global.json" \
        -newer "$stamp" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -print -quit)" ]
}
if stale; then
    mkdir -p "$out"
    exec 9>"$out/.lock"
    flock 9               # two ./mk at once: one builds, the other waits and reuses it
    if stale; then
        touch "$stamp.$$"     # sources edited during the build make the next run build again
        log=$out/build.log
        if ! dotnet build "$root/tools/Mk/Mk.csproj" -c Release -o "$out" --nologo -v q -clp:NoSummary >"$log" 2>&1; then
            cat "$log" >&2
            rm -f "$stamp.$$"
            echo "mk: error: building the mk tool failed (log: $log)" >&2
            exit 1
        fi
        mv -f "$stamp.$$" "$stamp"
    fi
    exec 9>&-
fi
export MK_ROOT=$root MK_PROG="./$(basename "$0")"
exec dotnet "$out/mk.dll" "$@"

#!/bin/sh
# Fault injection (issue 17, Documentation/Testing.md "Fault injection"): builds the LD_PRELOAD
# shim (scripts/faults/faultshim.c) and runs every fault end to end — the FaultInjectionTests
# suite (scan, apply, atomic writes) and a sweep that fails apply's target writes at each
# write in turn (scripts/faults/sweep.py). Counts the faults the shim injected. Last line:
#   PROOF faults|faults injected|N|pass
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tally=$(mktemp /tmp/attache-faults-tally.XXXXXX)
trap 'rm -f "$tally"' EXIT
status=pass
sh scripts/faults/build.sh >/dev/null
swift build -q --build-tests >&2
if ! ATTACHE_FAULTS_TALLY=$tally swift test --skip-build --filter FaultInjectionTests >&2; then status=FAIL; fi
suite=$(wc -l <"$tally" | tr -d ' ')
echo "FaultInjectionTests: $suite faults injected" >&2
if [ -f scripts/faults/sweep.py ]; then
  if ! python3 scripts/faults/sweep.py --binary "${ATTACHE_BIN:-$root/.build/debug/attache}" --tally "$tally" >&2; then status=FAIL; fi
fi
n=$(wc -l <"$tally" | tr -d ' ')
[ "$suite" -gt 0 ] || status=FAIL
printf 'PROOF faults|faults injected|%s|%s\n' "$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$n")" "$status"
[ "$status" = pass ]

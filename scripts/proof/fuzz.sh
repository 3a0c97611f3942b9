#!/usr/bin/env bash
# make proof's fuzzing part: every fuzz target for FUZZ_SECONDS (default 150: at the slowest
# target's measured rate that is over a million inputs; see Documentation/Testing.md "Fuzzing").
# Last line: PROOF fuzz|inputs fuzzed|N|pass, or FAIL on any crash or hang (exit 1).
set -uo pipefail
cd "$(dirname "$0")/../.."
export FUZZ_SECONDS=${FUZZ_SECONDS:-150}
out=$(mktemp)
scripts/fuzz/run.sh | tee "$out" >&2
rc=${PIPESTATUS[0]}
n=$(sed -n 's/^fuzz: total \([0-9]*\) inputs$/\1/p' "$out")
rm -f "$out"
figure=$(python3 -c "print(f'{int(\"${n:-0}\"):,}')")
if [ "$rc" -eq 0 ] && [ -n "$n" ]; then
  echo "PROOF fuzz|inputs fuzzed|$figure|pass"
else
  echo "PROOF fuzz|inputs fuzzed|$figure|FAIL"
  exit 1
fi

#!/usr/bin/env bash
# make proof's fuzzing part: every fuzz target until it ran FUZZ_RUNS inputs (default 1,000,000;
# at the rates measured here, 1-21 minutes a target, about 45 minutes in all: Documentation/Testing.md
# "Fuzzing"), each capped at FUZZ_SECONDS (default 1800). FUZZ_RUNS= (empty) with FUZZ_SECONDS=N
# fuzzes for N seconds a target instead.
# Last line: PROOF fuzz|inputs fuzzed|N|pass, or FAIL on any crash or hang (exit 1).
set -uo pipefail
cd "$(dirname "$0")/../.."
export FUZZ_RUNS=${FUZZ_RUNS-1000000}
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

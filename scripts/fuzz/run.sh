#!/usr/bin/env bash
# Runs the fuzz targets one after another, FUZZ_SECONDS each (default 60), starting from the
# committed seeds (fuzz/corpus/<target>/) plus what earlier runs found (.build-fuzz/corpus/<target>/,
# not committed). -timeout=5: an input that takes longer is a hang, reported like a crash.
#   scripts/fuzz/run.sh                 every target
#   scripts/fuzz/run.sh FuzzCSV ...     only those
#   FUZZ_RUNS=1000000 scripts/fuzz/run.sh   each target until it ran that many inputs (FUZZ_SECONDS,
#                                       default then 1800, still caps each)
#   FUZZ_REPLAY=1 scripts/fuzz/run.sh   run each committed seed once (no fuzzing)
# For each target prints `fuzz: <target> <runs> inputs in <s> s (<n>/s): ok|CRASH`, and at the end
# `fuzz: total <N> inputs`. A crash or hang leaves its input in .build-fuzz/findings/<target>/
# and makes the script exit 1 (after the other targets ran).
set -uo pipefail
cd "$(dirname "$0")/../.."
# Swift's own crash handler would take the trap before libFuzzer can save the input.
export SWIFT_BACKTRACE=enable=no
ALL="FuzzGrammar FuzzResolver FuzzCSV FuzzManifest FuzzPolicy FuzzReview FuzzLayout FuzzSpanEdits"
TARGETS=${*:-$ALL}
if [ -n "${FUZZ_RUNS:-}" ]; then SECONDS_EACH=${FUZZ_SECONDS:-1800}; LIMIT="-runs=$FUZZ_RUNS"; else SECONDS_EACH=${FUZZ_SECONDS:-60}; LIMIT=""; fi
BUILD=${FUZZ_BUILD:-.build-fuzz}
BIN=$(scripts/fuzz/build.sh) || { echo "fuzz: the fuzz targets did not build" >&2; exit 1; }
total=0
failed=""
for t in $TARGETS; do
  work="$BUILD/corpus/$t" artifacts="$BUILD/findings/$t/" log="$BUILD/logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  start=$(date +%s.%N)
  if [ -n "${FUZZ_REPLAY:-}" ]; then
    "$BIN/$t" -runs=0 -timeout=5 -print_final_stats=1 -artifact_prefix="$artifacts" "fuzz/corpus/$t" >"$log" 2>&1
  else
    "$BIN/$t" $LIMIT -max_total_time="$SECONDS_EACH" -timeout=5 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
      -artifact_prefix="$artifacts" "$work" "fuzz/corpus/$t" >"$log" 2>&1
  fi
  rc=$?
  end=$(date +%s.%N)
  # `stat::number_of_executed_runs` in older libFuzzers, `…_units` in this toolchain's.
  runs=$(sed -n 's/^stat::number_of_executed_\(runs\|units\): *//p' "$log" | tail -1)
  runs=${runs:-0}
  total=$((total + runs))
  secs=$(python3 -c "print(f'{$end - $start:.0f}')")
  rate=$(python3 -c "print(f'{$runs / max($end - $start, 0.001):.0f}')")
  if [ $rc -eq 0 ]; then verdict=ok; else verdict="CRASH (exit $rc; see $log and $artifacts)"; failed="$failed $t"; fi
  echo "fuzz: $t $runs inputs in $secs s ($rate/s): $verdict"
done
echo "fuzz: total $total inputs"
[ -z "$failed" ] || { echo "fuzz: failed:$failed"; exit 1; }

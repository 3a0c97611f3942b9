#!/bin/sh
# The crash matrix (issue 17, Documentation/Testing.md "Crash matrix"): SIGKILL scan, refs,
# plan, apply, rewrite and rewrite --in-place at CRASH_POINTS (default 50) seeded points
# each, re-run each to completion and check it ends as an uninterrupted run does. Last line:
#   PROOF crash|crashes survived|N|pass
# Environment: CRASH_POINTS, CRASH_SEED (default 17), CRASH_STAGE (default all),
# ATTACHE_BIN (default .build/debug/attache, built when missing).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${ATTACHE_BIN:-$root/.build/debug/attache}
if [ ! -x "$bin" ]; then
  echo "crash.sh: building attache" >&2
  (cd "$root" && swift build -q) >&2
fi
exec python3 "$root/scripts/proof/crash_driver.py" "${CRASH_STAGE:-all}" \
  --points "${CRASH_POINTS:-50}" --seed "${CRASH_SEED:-17}" --binary "$bin"

#!/usr/bin/env bash
# `make proof`: runs every other scripts/proof/*.sh (each proves one promise with its heavy
# part: fuzzing, fault injection, the crash matrix, the read-only proof, containment, scale …),
# collects the last `PROOF name|figure|value|status` line each prints on stdout, and prints
# one summary table. Exits non-zero when any part failed, exited non-zero, or printed no
# PROOF line. Each part's full output is kept in a log (its path is printed).
#   scripts/proof/proof.sh [PART…]      (PART: a script's name without .sh; default: all)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
logs="${ATTACHE_PROOF_LOGS:-$(mktemp -d /tmp/attache-proof-logs.XXXXXX)}"
mkdir -p "$logs"
parts=()
if [ $# -gt 0 ]; then
  for p in "$@"; do parts+=("$here/$p.sh"); done
else
  for f in "$here"/*.sh; do [ "$(basename "$f")" = proof.sh ] || parts+=("$f"); done
fi
[ ${#parts[@]} -gt 0 ] || { echo "proof: no scripts/proof/*.sh to run" >&2; exit 1; }

rows=()   # part|figure|value|status
failed=0
for script in "${parts[@]}"; do
  part="$(basename "$script" .sh)"
  log="$logs/$part.log"
  if [ ! -f "$script" ]; then
    rows+=("$part|no such script|-|FAIL"); failed=1; continue
  fi
  echo "proof: $part … (log: $log)" >&2
  start=$(date +%s)
  bash "$script" > "$log.out" 2> "$log"; status=$?
  cat "$log.out" >> "$log"
  line="$(grep '^PROOF ' "$log.out" | tail -1)"; rm -f "$log.out"
  echo "proof: $part exited $status after $(( $(date +%s) - start )) s" >&2
  if [ -z "$line" ]; then
    rows+=("$part|printed no PROOF line (exit $status)|-|FAIL"); failed=1; continue
  fi
  IFS='|' read -r name figure value verdict <<< "${line#PROOF }"
  if [ "$verdict" != pass ] || [ $status -ne 0 ]; then
    [ "$verdict" = pass ] && verdict="FAIL (exit $status)"
    failed=1
  fi
  rows+=("$name|$figure|$value|$verdict")
done

# One aligned table: part, figure, value (right-aligned), pass/FAIL. Widths count characters.
python3 - "${rows[@]}" <<'PY'
import sys
rows = [("part", "figure", "value", "result")] + [tuple((r.split("|") + ["", "", "", ""])[:4]) for r in sys.argv[1:]]
w = [max(len(r[i]) for r in rows) for i in range(4)]
def line(r):
    return "  ".join([r[0].ljust(w[0]), r[1].ljust(w[1]), r[2].rjust(w[2]), r[3].ljust(w[3])]).rstrip()
print(line(rows[0]))
print("  ".join("-" * n for n in w))
for r in rows[1:]:
    print(line(r))
PY
echo "proof: logs in $logs" >&2
if [ $failed -ne 0 ]; then echo "proof: FAILED (see the table and the logs)" >&2; exit 1; fi
echo "proof: every part passed" >&2

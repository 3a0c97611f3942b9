#!/usr/bin/env bash
# bench/compare.sh — two attache builds side by side (before and after a change), with the peers,
# interleaved in one run: first scan, re-scan, refs and plan.
#
#   bash bench/compare.sh --before BIN --after BIN [--files N] [--records N] [--plan-files N]
#                         [--runs R] [--data DIR]
#
# For a refactor that must not slow anything down: every round runs each stage with both binaries
# (in alternating order, so a noisy neighbour hits both alike) and the peers that bound each stage:
#   scan    a fresh catalog over the shared corpus (make_corpus.py --files N --seed 1)
#           vs `openssl dgst -sha256` over the same files (xargs -P2)
#   rescan  the same catalog again, nothing changed, vs `find -printf '%s %T@'`
#   refs    `attache refs` on a freshly scanned copy of the references corpus
#           (make_refs_corpus.py --records N) vs `grep -oE` over a text dump of the records
#   plan    `attache plan --policy bench/plan-bench.yaml` on the resolved references catalog vs
#           `sqlite3 … SELECT … ORDER BY` reading the file rows
#   plan-L  the same policy on a catalog of --plan-files files (make_corpus.py --size-scale 0.02,
#           scanned once per build before the rounds) vs sqlite3 reading its file rows
# Each binary keeps its own catalogs (a newer catalog is refused by an older attache). Prints
# medians, after ÷ before and each build ÷ its peer. Timings are reported, never asserted.
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=compare.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

FILES=5000
RECORDS=300000
PLAN_FILES=100000
BEFORE=""
AFTER=""
RUNS=5

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

while (($#)); do
  case $1 in
    --before) BEFORE=$2; shift 2 ;;
    --after) AFTER=$2; shift 2 ;;
    --files) need_int "$1" "$2"; FILES=$2; shift 2 ;;
    --records) need_int "$1" "$2"; RECORDS=$2; shift 2 ;;
    --plan-files) need_int "$1" "$2"; PLAN_FILES=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
[[ -x $BEFORE && -x $AFTER ]] || die "pass --before BIN and --after BIN (two attache binaries)"
# Absolute: the stages run in the corpora's folders.
BEFORE=$(cd "$(dirname "$BEFORE")" && pwd -P)/$(basename "$BEFORE")
AFTER=$(cd "$(dirname "$AFTER")" && pwd -P)/$(basename "$AFTER")
for t in openssl sqlite3 python3; do have "$t" || die "$t is needed"; done
bench_tmp attache-compare
mkdir -p "$DATA"

# corpus DIR WHAT CMD... — makes DIR with CMD (its last argument is DIR) unless DIR.stamp says
# it was made; the corpora are kept in DATA between runs.
corpus() {
  local dir=$1 what=$2; shift 2
  [[ -f $dir.stamp ]] && return 0
  note "making the $what in $dir"
  rm -rf "$dir"
  "$@" >&2
  touch "$dir.stamp"
}
find_generator
SCAN_CORPUS=$DATA/compare-scan-$FILES
REFS_CORPUS=$DATA/compare-refs-$RECORDS
PLAN_CORPUS=$DATA/compare-plan-$PLAN_FILES
corpus "$SCAN_CORPUS" "scan corpus ($FILES files)" python3 "$GENERATOR" --files "$FILES" --seed 1 "$SCAN_CORPUS"
corpus "$REFS_CORPUS" "references corpus ($RECORDS records)" \
  python3 "$SCRIPT_DIR/make_refs_corpus.py" --records "$RECORDS" --files 2000 "$REFS_CORPUS"
corpus "$PLAN_CORPUS" "planning corpus ($PLAN_FILES files)" \
  python3 "$GENERATOR" --files "$PLAN_FILES" --seed 1 --size-scale 0.02 "$PLAN_CORPUS"
for b in before after; do
  bin=$BEFORE; [[ $b == after ]] && bin=$AFTER
  note "scanning the planning corpus with the $b build (not timed)"
  "$bin" scan -q --catalog "$TMP/plan-$b.db" "$PLAN_CORPUS" >/dev/null 2>&1 || [[ $? -eq 3 ]] || die "scan of $PLAN_CORPUS failed"
done

# clock CMD... — wall seconds of CMD (exit 0 or 3 are both a finished run)
clock() {
  local t0=$EPOCHREALTIME rc=0
  "$@" >/dev/null 2>&1 || rc=$?
  # (clock runs in a command substitution: the flag file tells the main loop to stop)
  ((rc == 0 || rc == 3 || rc == 4)) || { touch "$TMP/failed"; die "failed (exit $rc): $*"; }
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }'
}

declare -A T   # "stage build" → space-separated seconds
add() { T["$1 $2"]="${T["$1 $2"]:-} $3"; }

# One build's round: scan, rescan (its own catalog in TMP/<build>), refs and plan.
round_of() {
  local name=$1 bin=$2 work=$TMP/$1
  rm -rf "$work" && mkdir -p "$work"
  add scan "$name" "$(clock "$bin" scan -q --catalog "$work/scan.db" "$SCAN_CORPUS")"
  add rescan "$name" "$(clock "$bin" scan -q --catalog "$work/scan.db" "$SCAN_CORPUS")"
  cp -r "$REFS_CORPUS" "$work/refs"
  rm -f "$work/refs"/attache.db*
  (cd "$work/refs" && "$bin" scan -q >/dev/null 2>&1) || true
  add refs "$name" "$(cd "$work/refs" && clock "$bin" refs -q)"
  add plan "$name" "$(cd "$work/refs" && clock "$bin" plan -q --policy "$SCRIPT_DIR/plan-bench.yaml")"
  cp "$TMP/plan-$name.db" "$work/plan.db"
  add plan-L "$name" "$(clock "$bin" plan -q --catalog "$work/plan.db" --policy "$SCRIPT_DIR/plan-bench.yaml")"
}
# The references' paths in the text dump, written out (GNU grep stops at the first match when its
# output is /dev/null, so the matches go to a file).
grep_paths() { grep -oE '(K:|\\\\FILESRV01\\CRM)\\[^"<	]+\.pdf' "$REFS_CORPUS/dump.txt" >"$TMP/grep.out"; }
peers() {
  add scan peer "$(clock bash -c "find '$SCAN_CORPUS' -type f -print0 | xargs -0 -P2 -n 256 openssl dgst -sha256")"
  add rescan peer "$(clock find "$SCAN_CORPUS" -printf '%s %T@\n')"
  add refs peer "$(clock grep_paths)"
  add plan peer "$(clock sqlite3 "$TMP/after/refs/attache.db" "SELECT root_id, path, size, sha256 FROM files ORDER BY root_id, path")"
  add plan-L peer "$(clock sqlite3 "$TMP/plan-after.db" "SELECT root_id, path, size, sha256 FROM files ORDER BY root_id, path")"
}

for i in $(seq 1 "$RUNS"); do
  if ((i % 2)); then round_of before "$BEFORE"; round_of after "$AFTER"; else round_of after "$AFTER"; round_of before "$BEFORE"; fi
  peers
  [[ ! -e $TMP/failed ]] || die "a measured command failed (see above): no figures"
  note "round $i/$RUNS done"
done

med() { stats "$1" | cut -d' ' -f1; }
printf '\n%-8s %12s %12s %12s %14s %14s %14s\n' stage "before (s)" "after (s)" "peer (s)" "after÷before" "before÷peer" "after÷peer"
for s in scan rescan refs plan plan-L; do
  b=$(med "${T["$s before"]}"); a=$(med "${T["$s after"]}"); p=$(med "${T["$s peer"]}")
  printf '%-8s %12s %12s %12s %14s %14s %14s\n' "$s" "$b" "$a" "$p" "$(ratio "$a" "$b")" "$(ratio "$b" "$p")" "$(ratio "$a" "$p")"
done
printf '\nmedians of %d interleaved rounds; peers: scan=openssl dgst -sha256 (xargs -P2), rescan=find -printf,\n' "$RUNS"
printf 'refs=grep -oE over a text dump of the records, plan=sqlite3 reading the file rows in order.\n'
printf 'corpora: %s (%d files), %s (%d records, 2,000 files), %s (%d files)\n' "$SCAN_CORPUS" "$FILES" \
  "$REFS_CORPUS" "$RECORDS" "$PLAN_CORPUS" "$PLAN_FILES"

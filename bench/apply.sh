#!/usr/bin/env bash
# bench/apply.sh — `attache apply` against the tools a migration team would otherwise use, side by
# side in one run.
#
#   bash bench/apply.sh [--files N] [--small-files N] [--runs R] [--data DIR]
#                       [--attache PATH] [--skip-build]
#
# The shared corpus (make_corpus.py --files N --seed 1) is scanned once and planned twice (not
# timed): with a keep-everything policy (layout '{root}/{relpath}': the same tree) and with a
# policy that archives everything (tar.zst, one volume per top folder and year). Then, R rounds,
# alternating the order inside each round so a noisy neighbour hits every command alike, each into
# a fresh target on the same disk (removed after each run, not timed):
#   keep     attache apply (copy, hash while copying and compare with the scan, fsync, rename)
#            vs `cp -a` vs `rsync -a --checksum` (if installed)
#   archive  attache apply of the archive plan vs `tar --zstd -cf` of the same tree
# The cache is warm (the corpus is read once before timing; it cannot be dropped without root
# everywhere), for every command alike. Peak RSS of apply is measured on N and on a corpus of
# --small-files files (default 5000) to show memory stays flat in the number of files.
# Timings are reported, never asserted: the script exits 0 whatever the figures are.
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=apply.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

FILES=20000
SMALL_FILES=5000
SEED=1
TABLE_RSS=1

usage() {
  cat <<EOF
usage: bash bench/apply.sh [options]

  --files N          files in the corpus (default $FILES, ~9 GB; the target needs as much again)
  --small-files N    the smaller corpus for the memory comparison (default $SMALL_FILES)
  --runs R           rounds (default $RUNS); the median is reported
  --data DIR         where the corpora live (default \${ATTACHE_BENCH_DATA:-/work/bench-data})
  --attache PATH     attache binary to measure (default: build it in release mode)
  --skip-build       do not build; use the existing release binary
  -h, --help         this text
EOF
}

while (($#)); do
  case $1 in
    --files) need_int "$1" "${2-}"; FILES=$2; shift 2 ;;
    --small-files) need_int "$1" "${2-}"; SMALL_FILES=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
for t in python3 tar zstd; do have "$t" || die "$t is needed"; done
find_attache
find_time
find_generator
use_data
bench_tmp attache-apply-bench
APT_NOTE=""
have rsync || APT_NOTE="rsync is not installed (apt-get install rsync): no rsync column"

CORPUS="$DATA/corpus-$FILES"
SMALL="$DATA/corpus-$SMALL_FILES"
corpus "$CORPUS" $((FILES * 510000)) --files "$FILES" --seed "$SEED"
corpus "$SMALL" $((SMALL_FILES * 510000)) --files "$SMALL_FILES" --seed "$SEED"
# The targets live next to the corpus (the same disk, as a migration to a local disk would).
OUT="$DATA/apply-bench-target"
rm -rf -- "$OUT"
trap 'rm -rf -- "$TMP" "$OUT"' EXIT

KEEP_POLICY="$TMP/keep.yaml"
ARCHIVE_POLICY="$TMP/archive.yaml"
cat >"$KEEP_POLICY" <<'EOF'
version: 1
layout: '{root}/{relpath}'
rules: []
default: keep
EOF
cat >"$ARCHIVE_POLICY" <<'EOF'
version: 1
layout: '{root}/{relpath}'
rules: []
default: archive
archive: { format: tar.zst, volume_size: unlimited, grouping: '{root}/{year}', naming: '_archive/{group}-{volume}' }
EOF

# prepare CORPUS NAME — scan it and make both plans in TMP/NAME-{keep,archive}.db (not timed)
prepare() {
  local corpus=$1 name=$2 t0=$EPOCHREALTIME
  "$ATTACHE" scan -q --catalog "$TMP/$name-keep.db" "$corpus" >/dev/null 2>&1 || [[ $? -eq 3 ]] || die "scan of $corpus failed"
  cp "$TMP/$name-keep.db" "$TMP/$name-archive.db"
  "$ATTACHE" plan -q --catalog "$TMP/$name-keep.db" --policy "$KEEP_POLICY" >/dev/null || die "keep plan failed"
  "$ATTACHE" plan -q --catalog "$TMP/$name-archive.db" --policy "$ARCHIVE_POLICY" >/dev/null || die "archive plan failed"
  note "scanned and planned $(basename "$corpus") in $(since "$t0") s"
}
# Every round applies into a fresh target: the catalog must forget the previous run's target
# items, so each run starts from a copy of the planned catalog.
apply_keep() { cp "$TMP/$1-keep.db" "$TMP/run.db"; with_rss "$ATTACHE" apply -q --catalog "$TMP/run.db" --to "$OUT"; }
apply_archive() { cp "$TMP/$1-archive.db" "$TMP/run.db"; with_rss "$ATTACHE" apply -q --catalog "$TMP/run.db" --to "$OUT"; }
cp_a() { cp -a "$CORPUS" "$OUT"; }
rsync_c() { rsync -a --checksum "$CORPUS/" "$OUT/"; }
tar_zstd() { mkdir -p "$OUT" && tar --zstd -cf "$OUT/corpus.tar.zst" -C "$DATA" "$(basename "$CORPUS")"; }
run_before() { rm -rf -- "$OUT" "$TMP/run.db" "$TMP/run.db-wal" "$TMP/run.db-shm"; }
warm() { find "$1" -type f -print0 | xargs -0 -P2 -n 256 cat >/dev/null; }

prepare "$CORPUS" big
prepare "$SMALL" small
read -r N_FILES N_BYTES < <(find "$CORPUS" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d %.0f\n", n, b }')
note "corpus: $CORPUS — $N_FILES files, $(human_bytes "$N_BYTES")"
warm "$CORPUS"

CMDTEXT[apply-keep]="attache apply (keep-everything plan)"
CMDTEXT[cp]="cp -a"
CMDTEXT[rsync]="rsync -a --checksum"
CMDTEXT[apply-archive]="attache apply (archive-everything plan, tar.zst)"
CMDTEXT[tar]="tar --zstd -cf"
CMDTEXT[apply-keep-small]="attache apply, $SMALL_FILES files (keep)"
have rsync || FAIL[rsync]="not installed"
for ((i = 1; i <= RUNS; i++)); do
  note "round $i/$RUNS"
  if ((i % 2)); then
    run apply-keep "0 3" apply_keep big; run cp 0 cp_a
    have rsync && run rsync 0 rsync_c
    run apply-archive "0 3" apply_archive big; run tar 0 tar_zstd
  else
    have rsync && run rsync 0 rsync_c
    run cp 0 cp_a; run apply-keep "0 3" apply_keep big
    run tar 0 tar_zstd; run apply-archive "0 3" apply_archive big
  fi
  run apply-keep-small "0 3" apply_keep small
done
run_before

echo "== attache apply benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS rounds, warm cache =="
table "Keep: $N_FILES files, $(human_bytes "$N_BYTES") — ratio to cp -a" cp apply-keep cp rsync apply-keep-small
table "Archive: the same files into tar.zst — ratio to tar --zstd" tar apply-archive tar
echo
r_cp=n/a; r_rs=n/a; r_tar=n/a
[[ -n ${TIMES[apply-keep]-} && -n ${TIMES[cp]-} ]] && r_cp=$(ratio "$(median_of apply-keep)" "$(median_of cp)")
[[ -n ${TIMES[apply-keep]-} && -n ${TIMES[rsync]-} ]] && r_rs=$(ratio "$(median_of apply-keep)" "$(median_of rsync)")
[[ -n ${TIMES[apply-archive]-} && -n ${TIMES[tar]-} ]] && r_tar=$(ratio "$(median_of apply-archive)" "$(median_of tar)")
target "apply (keep) / cp -a = $r_cp (target ≤ 1.3) — $(within "$r_cp" 1.3)"
if [[ $r_rs == n/a ]]; then
  target "apply (keep) / rsync -a --checksum = n/a (rsync: ${FAIL[rsync]:-no runs})"
else
  target "apply (keep) / rsync -a --checksum = $r_rs (target ≤ 1.0) — $(within "$r_rs" 1.0)"
fi
target "apply (archive) / tar --zstd = $r_tar (target ≤ 1.2) — $(within "$r_tar" 1.2)"
bk=$(max_rss_k apply-keep); sk=$(max_rss_k apply-keep-small)
if [[ -n $bk && -n $sk ]]; then
  target "peak RSS apply: $N_FILES files $(mb "$bk") MB, $SMALL_FILES files $(mb "$sk") MB: ×$(ratio "$bk" "$sk") for ×$(ratio "$N_FILES" "$SMALL_FILES") files"
else
  target "peak RSS apply: n/a (/usr/bin/time missing or no successful runs)"
fi

{
  md_head
  echo "- machine: $(nproc) cores, $(cpu_model), $(mem_total) RAM, Linux $(uname -r); corpus and targets on the same disk"
  echo "- attache: \`$ATTACHE\`; peers: $(cp --version | head -n 1), $(have rsync && rsync --version | head -n 1 | cut -d' ' -f1-4), $(tar --version | head -n 1), zstd $(zstd -V | grep -oE 'v[0-9][0-9.]*' | head -n 1)"
  echo "- warm cache: the corpus is read once before timing; each run writes a fresh target that is removed (not timed) before the next."
  echo "  Median of $RUNS rounds, order alternating; min/max show the noise."
  md_results
}

finish

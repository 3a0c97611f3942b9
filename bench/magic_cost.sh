#!/usr/bin/env bash
# bench/magic_cost.sh — where libmagic's time goes in a scan of the shared corpus, in
# instructions (valgrind: no noise), by type, and what two short-cuts would change.
#
#   bash bench/magic_cost.sh [--files N] [--seed S] [--per-type K] [--data DIR]
#
# The corpus is make_corpus.py's (DATA/corpus-N, shared with bench/scan.sh). Only distinct
# contents count (the scan asks libmagic once per content hash) and only the files the scan
# asks libmagic about (not PDF, PNG, JPEG, GIF, TIFF, RTF). bench/magic_asks.c makes the asks
# as Sources/AttacheSystem/Magic.swift does. Printed:
# - by final type: files, instructions a file (callgrind over K files of the type, start-up
#   subtracted) and the type's share of all libmagic instructions;
# - ZIP and OLE2 asked about 64 KiB at once instead of 2 KiB first (the same K files);
# - an answer cache keyed on the bytes asked about: how many first asks repeat bytes an
#   earlier distinct content already asked about, by type.
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=magic_cost.sh
. "$(dirname "$0")/lib.sh"
FILES=20000
SEED=1
PER_TYPE=100
usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --files) need_int "$1" "${2-}"; FILES=$2; shift 2 ;;
    --seed) need_int "$1" "${2-}"; SEED=$2; shift 2 ;;
    --per-type) need_int "$1" "${2-}"; PER_TYPE=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
for tool in gcc valgrind python3 sha256sum; do have "$tool" || die "$tool is needed"; done
[[ -f /usr/include/magic.h ]] || die "magic.h is needed (libmagic-dev)"
find_generator
use_data
CORPUS="$DATA/corpus-$FILES"
corpus "$CORPUS" $((FILES * 510000)) --files "$FILES" --seed "$SEED"
bench_tmp magic-cost
gcc -O2 -o "$TMP/asks" "$SCRIPT_DIR/magic_asks.c" -lmagic

# Distinct contents in walk order (sorted paths, as the scan's workers meet them), then the
# asks of each: "type <tab> path".
note "hashing $CORPUS"
(cd "$CORPUS" && find . -type f -print0 | sort -z | xargs -0 -P2 -n 256 sha256sum) | sort -k2 >"$TMP/sums"
awk '!seen[$1]++ { sub(/^[0-9a-f]+  \.\//, ""); print }' "$TMP/sums" | sed "s|^|$CORPUS/|" >"$TMP/distinct"
note "asking libmagic about the distinct contents not typed by signature ($(wc -l <"$TMP/distinct") distinct in all)"
"$TMP/asks" 0 <"$TMP/distinct" >"$TMP/types"

count() {   # MODE LIST — callgrind's instructions for the asks of LIST
  valgrind --quiet --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$TMP/asks" "$1" <"$2" >/dev/null
  awk '/^totals:/ { print $2 }' "$TMP/cg.out"
}
: >"$TMP/empty"
BASE=$(count 0 "$TMP/empty")
echo "### libmagic's work by type: $CORPUS, distinct contents asked about"
echo
echo "| type | files | M instructions a file | share | ZIP/OLE2 at 64 KiB at once: M a file |"
echo "|---|---:|---:|---:|---:|"
cut -f1 "$TMP/types" | sort | uniq -c | sort -rn >"$TMP/bytype"
rows=""
while read -r n type; do
  ((n >= 10)) || continue
  awk -F'\t' -v t="$type" '$1 == t { print $2 }' "$TMP/types" |
    awk -v n="$n" -v k="$PER_TYPE" 'BEGIN { s = n > k ? n / k : 1 } (NR - 1) % s < 1' | head -n "$PER_TYPE" >"$TMP/list"
  k=$(wc -l <"$TMP/list")
  per=$(awk -v t="$(count 0 "$TMP/list")" -v b="$BASE" -v k="$k" 'BEGIN { printf "%.2f", (t - b) / k / 1e6 }')
  alt="—"
  case $type in
    application/zip | application/vnd.openxmlformats*) mode=1 ;;
    application/msword | application/vnd.ms-excel | application/vnd.ms-outlook | application/CDFV2* | application/x-ole-storage) mode=2 ;;
    *) mode=0 ;;
  esac
  ((mode > 0)) && alt=$(awk -v t="$(count "$mode" "$TMP/list")" -v b="$BASE" -v k="$k" 'BEGIN { printf "%.2f", (t - b) / k / 1e6 }')
  rows+="$type $n $per $alt"$'\n'
done <"$TMP/bytype"
awk '{ tot += $2 * $3; r[NR] = $0 } END { for (i = 1; i <= NR; i++) { split(r[i], f, " ");
  printf "| %s | %d | %s | %.1f %% | %s |\n", f[1], f[2], f[3], 100 * f[2] * f[3] / tot, f[4] } }' <<<"${rows%$'\n'}"

# The answer cache: first asks (2 KiB, or the whole file when shorter) whose bytes repeat.
python3 - "$TMP/types" <<'EOF'
import collections, hashlib, sys
seen, hits = set(), collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="surrogateescape"):
    t, p = line.rstrip("\n").split("\t", 1)
    with open(p, "rb") as f:
        k = hashlib.sha256(f.read(2048)).digest()
    if k in seen:
        hits[t] += 1
    seen.add(k)
total = sum(hits.values())
print(f"\n- first asks whose bytes an earlier distinct content already asked about: {total}"
      + "".join(f"; {t} {n}" for t, n in hits.most_common()))
EOF

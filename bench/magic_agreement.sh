#!/usr/bin/env bash
# bench/magic_agreement.sh — the types the scan decides from signatures (PDF, PNG, JPEG, GIF, TIFF, RTF:
# Sources/AttacheSystem/KnownSignatures.swift) against libmagic's own answers, file by file,
# over the shared benchmark corpus, with the time and CPU of both scans.
#
#   bash bench/magic_agreement.sh [--files N] [--seed S] [--data DIR] [--attache PATH] [--skip-build]
#
# The corpus is make_corpus.py's (DATA/corpus-N, shared with bench/scan.sh). attache scans it
# twice into scratch catalogs: as shipped, and with ATTACHE_MAGIC_ONLY=1 (libmagic asked about
# every file). The MIME type of every file is compared; any difference is printed and the
# script exits 1. Timings are reported, never asserted (one run each: read the CPU seconds).
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=magic_agreement.sh
. "$(dirname "$0")/lib.sh"
FILES=5000
SEED=1
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while (($#)); do
  case $1 in
    --files) need_int "$1" "${2-}"; FILES=$2; shift 2 ;;
    --seed) need_int "$1" "${2-}"; SEED=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
find_attache
find_generator
use_data
CORPUS="$DATA/corpus-$FILES"
corpus "$CORPUS" $((FILES * 510000)) --files "$FILES" --seed "$SEED"
TMP=$(mktemp -d)
trap 'rm -rf -- "$TMP"' EXIT

scan() {  # NAME ENV... — scan CORPUS into TMP/NAME.db; prints "wall user sys"
  local name=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$TMP/$name.time" env "$@" "$ATTACHE" scan "$CORPUS" --catalog "$TMP/$name.db" -q || true
  "$ATTACHE" list files --format csv --catalog "$TMP/$name.db" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin): print(r["path"] + "\t" + r["mime"])' | sort >"$TMP/$name.types"
  cat "$TMP/$name.time"
}
read -r FW FU FS < <(scan fast ATTACHE_BENCH=1)
read -r LW LU LS < <(scan libmagic ATTACHE_MAGIC_ONLY=1)
TOTAL=$(wc -l <"$TMP/fast.types")
CLAIMED=$(grep -cE $'\t(application/pdf|image/png|image/jpeg|image/gif|image/tiff|text/rtf)$' "$TMP/fast.types" || true)
DIFF=$(diff "$TMP/libmagic.types" "$TMP/fast.types" | grep -c '^>' || true)
echo "### Signatures decided without libmagic: $CORPUS ($TOTAL files)"
echo
echo "| scan | wall s | user s | sys s |"
echo "|---|---:|---:|---:|"
echo "| attache scan (signatures, then libmagic) | $FW | $FU | $FS |"
echo "| attache scan, ATTACHE_MAGIC_ONLY=1 (libmagic for every file) | $LW | $LU | $LS |"
echo
echo "- files of the types decided from their signature (PDF, PNG, JPEG, GIF, TIFF, RTF): $CLAIMED of $TOTAL"
echo "- files whose type differs from libmagic's: $DIFF"
if ((DIFF > 0)); then
  diff "$TMP/libmagic.types" "$TMP/fast.types" | head -20
  exit 1
fi

#!/usr/bin/env bash
# bench/scan.sh — compare `attache scan` with peer tools side by side, in one run.
#
#   bash bench/scan.sh [--files N] [--mid-files N] [--rescan-files N] [--callgrind N]
#                      [--runs R] [--data DIR] [--attache PATH] [--skip-build]
#
# Every measured command runs R times, interleaved round by round (so a noisy
# neighbour hits every command alike); the tables give median, min and max wall
# time and the ratio of the median to a reference. Timings are reported, never
# asserted: the script exits 0 whatever the figures are. See bench/README.md.
set -euo pipefail
export LC_ALL=C.UTF-8   # '.' as decimal point in $EPOCHREALTIME, awk and printf
BENCH_NAME=scan.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, --runs/--data/--attache/--skip-build, helpers

FILES=20000
MID_FILES=6000      # corpus M: --seed 11 --size-scale 1.2 (mid-sized files, issue 18)
MID_SEED=11
MID_SCALE=1.2
CALLGRIND_FILES=300
RESCAN_FILES=100000
SEED=1
SMALL_SCALE=0.02

usage() {
  cat <<EOF
usage: bash bench/scan.sh [options]

  --files N          files in corpus A, the hashing corpus (default $FILES, ~9 GB)
  --mid-files N      files in corpus M, mid-sized files (default $MID_FILES, ~2.7 GB, --seed $MID_SEED
                     --size-scale $MID_SCALE); 0 skips it
  --callgrind N      instruction counts (valgrind) of a scan of N files of corpus M, with and
                     without the signature fast path, next to openssl (default $CALLGRIND_FILES; 0 skips)
  --rescan-files N   files in corpus B, the re-scan and memory corpus (default $RESCAN_FILES,
                     --size-scale $SMALL_SCALE); a corpus of N/10 files at the same scale
                     shows how memory grows
  --runs R           runs of each measured command (default $RUNS); the median is reported
  --data DIR         where the corpora live (default \${ATTACHE_BENCH_DATA:-/work/bench-data});
                     keep it outside the repository
  --attache PATH     attache binary to measure (default: build it in release mode)
  --skip-build       do not build; use the existing release binary
  -h, --help         this text
EOF
}

while (($#)); do
  case $1 in
    --files) need_int "$1" "${2-}"; FILES=$2; shift 2 ;;
    --mid-files) [[ ${2-} == 0 ]] || need_int "$1" "${2-}"; MID_FILES=$2; shift 2 ;;
    --callgrind) [[ ${2-} == 0 ]] || need_int "$1" "${2-}"; CALLGRIND_FILES=$2; shift 2 ;;
    --rescan-files) need_int "$1" "${2-}"; RESCAN_FILES=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
((RESCAN_FILES >= 10)) || die "--rescan-files must be at least 10"
GROWTH_FILES=$((RESCAN_FILES / 10))

bench_tmp attache-bench

# ------------------------------------------------------------------ peers
APT_NOTE=""
apt_install() {   # packages...
  if ! have apt-get || [[ $(id -u) -ne 0 ]]; then
    APT_NOTE="apt-get not usable here (not root or no apt): could not install $*"
    note "$APT_NOTE"; return 1
  fi
  note "installing $*"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; then
    DEBIAN_FRONTEND=noninteractive apt-get update >&2 || true
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; then
      APT_NOTE="apt-get install $* failed: those peers are skipped"
      note "$APT_NOTE"; return 1
    fi
  fi
}
missing=()
for tool in hashdeep rmlint jdupes; do have "$tool" || missing+=("$tool"); done
[[ -x /usr/bin/time ]] || missing+=(time)
have file || missing+=(file)
have openssl || missing+=(openssl)
((${#missing[@]} == 0)) || apt_install "${missing[@]}" || true
find_time
have openssl || die "openssl is needed: it is the reference for the first scan"

# ------------------------------------------------------------------ attache
find_attache

# ------------------------------------------------------------------ corpora
find_generator
have python3 || die "python3 is needed to generate the corpora"
use_data
DISK_HINT=", or fewer --files"   # corpus's advice when the disk is too small

# Sizes: mean ~460 KB per file at scale 1, ~12 KB on disk at scale 0.02; 10% margin.
CORPUS_A="$DATA/corpus-$FILES"
CORPUS_B="$DATA/corpus-$RESCAN_FILES-s$SMALL_SCALE"
CORPUS_G="$DATA/corpus-$GROWTH_FILES-s$SMALL_SCALE"
corpus "$CORPUS_A" $((FILES * 510000)) --files "$FILES" --seed "$SEED"
CORPUS_M="$DATA/corpus-$MID_FILES-s$MID_SEED-x$MID_SCALE"
((MID_FILES > 0)) && corpus "$CORPUS_M" $((MID_FILES * 560000)) --files "$MID_FILES" --seed "$MID_SEED" --size-scale "$MID_SCALE"
corpus "$CORPUS_B" $((RESCAN_FILES * 14000)) --files "$RESCAN_FILES" --seed "$SEED" --size-scale "$SMALL_SCALE"
corpus "$CORPUS_G" $((GROWTH_FILES * 14000)) --files "$GROWTH_FILES" --seed "$SEED" --size-scale "$SMALL_SCALE"

# ------------------------------------------------------------------ measured commands
# Each is a function taking the corpus as $1, so names with spaces, Cyrillic or
# Chinese never pass through word splitting.
attache_scan() {   # CORPUS CATALOG — under GNU time when present, for the max RSS
  with_rss "$ATTACHE" scan --catalog "$2" --quiet "$1"
}
openssl_hash() { find "$1" -type f -print0 | xargs -0 -P2 -n 256 openssl dgst -sha256 >/dev/null; }
hashdeep_hash() { hashdeep -c sha256 -j2 -r "$1" >/dev/null; }
file_types() { find "$1" -type f -print0 | xargs -0 -P2 -n 256 file --mime-type >/dev/null; }
find_stat() { find "$1" -printf '%s %T@\n' >/dev/null; }
rmlint_dups() {   # -T df: duplicate files only; -o summary:/dev/null replaces the default
  # outputs (rmlint.sh, rmlint.json, stdout); run from an empty dir all the same.
  (cd "$TMP/rmlint-cwd" && rmlint -T df -o summary:/dev/null "$1")
}
jdupes_dups() { jdupes -r -q "$1" >/dev/null; }
mkdir -p "$TMP/rmlint-cwd"

warm() {   # read the corpus once so every command starts from the same (warm) cache
  local t0=$EPOCHREALTIME
  find "$1" -type f -print0 | xargs -0 -P2 -n 256 cat >/dev/null
  note "warm-up read of $(basename "$1"): $(since "$t0") s"
}

corpus_size() {   # "files bytes"
  find "$1" -type f -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d %.0f\n", n, b }'
}

# instruction_counts — valgrind's instruction counts (no noise) for a scan of CALLGRIND_FILES
# files of corpus M (every 20th, hard-linked into a folder of their own) with one reader, with
# and without the signature fast path, and for openssl hashing the same files. Under valgrind
# neither uses the CPU's SHA extensions, so SHA-256's own instructions are counted apart: what
# remains, per file, is the cost above the hashing floor (walk, libmagic, catalog, start-up).
instruction_counts() {
  if ! have valgrind || ! have callgrind_annotate; then apt_install valgrind || true; fi
  if ! have valgrind || ! have callgrind_annotate || ! have objcopy; then
    target "instructions: n/a (valgrind, callgrind_annotate or objcopy missing)"; return 0
  fi
  local sub
  sub="$DATA/$(basename "$CORPUS_M")-every20-$CALLGRIND_FILES"
  if [[ ! -f $sub.stamp ]]; then
    rm -rf -- "$sub"; mkdir -p -- "$sub"
    (cd "$CORPUS_M" && find . -type f -print0 | sort -z | awk 'BEGIN { RS = "\0"; ORS = "\0" } NR % 20 == 1' |
      head -z -n "$CALLGRIND_FILES" | while IFS= read -r -d '' f; do
        mkdir -p -- "$sub/${f%/*}"; ln -- "$f" "$sub/$f" 2>/dev/null || cp -- "$f" "$sub/$f"
      done)
    touch -- "$sub.stamp"
  fi
  local n bytes
  read -r n bytes < <(corpus_size "$sub")
  note "instruction counts (valgrind) on $n files of corpus M"
  objcopy --strip-debug "$ATTACHE" "$TMP/attache.stripped"   # valgrind cannot read Swift's DWARF 5
  find "$sub" -type f -print0 | sort -z >"$TMP/cg.list"
  local cg=(valgrind --quiet --tool=callgrind)
  rm -f -- "$TMP"/cg*.db*
  "${cg[@]}" --callgrind-out-file="$TMP/cg-fast.out" "$TMP/attache.stripped" scan --workers 1 --catalog "$TMP/cg1.db" --quiet "$sub"
  ATTACHE_MAGIC_ONLY=1 "${cg[@]}" --callgrind-out-file="$TMP/cg-magic.out" "$TMP/attache.stripped" scan --workers 1 \
    --catalog "$TMP/cg2.db" --quiet "$sub"
  xargs -0 -a "$TMP/cg.list" "${cg[@]}" --callgrind-out-file="$TMP/cg-openssl.out" openssl dgst -sha256 >/dev/null
  ir() { awk '/^totals:/ { print $2 }' "$1"; }
  # SHA-256's block function is the costliest function of both programs (90-99 %; libcrypto's
  # has no symbol): the first row of callgrind_annotate's table.
  ir_sha() { callgrind_annotate "$1" 2>/dev/null | awk '!done && f && /^ *[0-9,]+ / { gsub(",", "", $1); print $1; done = 1 } /file:function/ { f = 1 }'; }
  per_file() { awk -v t="$1" -v h="$2" -v n="$3" 'BEGIN { printf "%.2f", (t - h) / n / 1e6 }'; }
  local label out t h rows="" line
  MD+=$'\n'"### Instructions (valgrind), $n files of corpus M ($(human_bytes "$bytes")), one reader"$'\n\n'
  MD+="| command | instructions | of which SHA-256 | the rest, per file |"$'\n'"|---|---:|---:|---:|"$'\n'
  printf '\nInstructions (valgrind), %s files of corpus M, one reader\n' "$n"
  for label in fast magic openssl; do
    out="$TMP/cg-$label.out"
    t=$(ir "$out"); h=$(ir_sha "$out")
    case $label in
      fast) line="attache scan" ;;
      magic) line="attache scan, libmagic for every file (ATTACHE_MAGIC_ONLY=1)" ;;
      openssl) line="openssl dgst -sha256 (the same files)" ;;
    esac
    printf '%-62s %15s %15s %8s M/file\n' "$line" "$t" "$h" "$(per_file "$t" "$h" "$n")"
    MD+="| $line | $t | $h | $(per_file "$t" "$h" "$n") M |"$'\n'
    rows+="$label=$t:$h "
  done
  local ft fh mt mh
  ft=$(ir "$TMP/cg-fast.out"); fh=$(ir_sha "$TMP/cg-fast.out"); mt=$(ir "$TMP/cg-magic.out"); mh=$(ir_sha "$TMP/cg-magic.out")
  target "instructions above SHA-256 per file: $(per_file "$ft" "$fh" "$n") M (libmagic for every file: $(per_file "$mt" "$mh" "$n") M; openssl: $(per_file "$(ir "$TMP/cg-openssl.out")" "$(ir_sha "$TMP/cg-openssl.out")" "$n") M)"
}

CMDTEXT=(
  [attache-scan]="attache scan --catalog TMP/a.db --quiet CORPUS (fresh catalog)"
  [attache-rescan]="attache scan --catalog TMP/a.db --quiet CORPUS (re-scan, nothing changed)"
  [openssl]="find -type f -print0 | xargs -0 -P2 -n 256 openssl dgst -sha256"
  [hashdeep]="hashdeep -c sha256 -j2 -r"
  [file]="find -type f -print0 | xargs -0 -P2 -n 256 file --mime-type"
  [find]="find -printf '%s %T@\n'"
  [rmlint]="rmlint -T df -o summary:/dev/null"
  [jdupes]="jdupes -r -q"
  [M-attache-scan]="attache scan --catalog TMP/m.db --quiet CORPUS (fresh catalog)"
  [M-openssl]="find -type f -print0 | xargs -0 -P2 -n 256 openssl dgst -sha256"
  [M-hashdeep]="hashdeep -c sha256 -j2 -r"
  [B-attache-scan]="attache scan (fresh catalog)"
  [B-attache-rescan]="attache scan (re-scan, nothing changed)"
  [B-find]="find -printf '%s %T@\n'"
  [G-attache-scan]="attache scan (fresh catalog)"
  [G-attache-rescan]="attache scan (re-scan, nothing changed)"
)

# ------------------------------------------------------------------ corpus A: hashing
read -r A_FILES A_BYTES < <(corpus_size "$CORPUS_A")
note "corpus A: $CORPUS_A — $A_FILES files, $(human_bytes "$A_BYTES")"
warm "$CORPUS_A"
for ((i = 1; i <= RUNS; i++)); do
  note "corpus A, round $i/$RUNS"
  rm -f -- "$TMP"/a.db*
  run attache-scan "0 3" attache_scan "$CORPUS_A" "$TMP/a.db"
  run attache-rescan "0 3" attache_scan "$CORPUS_A" "$TMP/a.db"
  run openssl 0 openssl_hash "$CORPUS_A"
  have hashdeep && run hashdeep 0 hashdeep_hash "$CORPUS_A"
  run file 0 file_types "$CORPUS_A"
  run find 0 find_stat "$CORPUS_A"
  have rmlint && run rmlint 0 rmlint_dups "$CORPUS_A"
  have jdupes && run jdupes 0 jdupes_dups "$CORPUS_A"
done
for tool in hashdeep rmlint jdupes; do have "$tool" || FAIL[$tool]="not installed"; done

echo "== attache scan benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs each, warm cache =="
A_TITLE="Corpus A (hashing): $A_FILES files, $(human_bytes "$A_BYTES"), $CORPUS_A — ratio to openssl"
table "$A_TITLE" openssl attache-scan attache-rescan openssl hashdeep file find rmlint jdupes
if [[ -n ${TIMES[attache-scan]-} && -n ${TIMES[openssl]-} ]]; then
  r=$(ratio "$(median_of attache-scan)" "$(median_of openssl)")
  target "first scan / openssl, corpus A = $r (target ≤ 1.05) — $(within "$r" 1.05)"
else
  target "first scan / openssl = n/a (attache scan: ${FAIL[attache-scan]:-no runs}, openssl: ${FAIL[openssl]:-ok})"
fi

# ------------------------------------------------------------------ corpus M: mid-sized files
if ((MID_FILES > 0)); then
  read -r M_FILES M_BYTES < <(corpus_size "$CORPUS_M")
  note "corpus M: $CORPUS_M — $M_FILES files, $(human_bytes "$M_BYTES")"
  warm "$CORPUS_M"
  for ((i = 1; i <= RUNS; i++)); do
    note "corpus M, round $i/$RUNS"
    rm -f -- "$TMP"/m.db*
    run M-attache-scan "0 3" attache_scan "$CORPUS_M" "$TMP/m.db"
    run M-openssl 0 openssl_hash "$CORPUS_M"
    have hashdeep && run M-hashdeep 0 hashdeep_hash "$CORPUS_M"
  done
  M_TITLE="Corpus M (mid-sized files): $M_FILES files, $(human_bytes "$M_BYTES"), $CORPUS_M — ratio to openssl"
  table "$M_TITLE" M-openssl M-attache-scan M-openssl M-hashdeep
  if [[ -n ${TIMES[M-attache-scan]-} && -n ${TIMES[M-openssl]-} ]]; then
    r=$(ratio "$(median_of M-attache-scan)" "$(median_of M-openssl)")
    target "first scan / openssl, corpus M = $r (target ≤ 1.05) — $(within "$r" 1.05)"
  fi
  ((CALLGRIND_FILES > 0)) && instruction_counts
fi

# ------------------------------------------------------------------ corpus B: re-scan and memory
read -r B_FILES B_BYTES < <(corpus_size "$CORPUS_B")
read -r G_FILES G_BYTES < <(corpus_size "$CORPUS_G")
note "corpus B: $CORPUS_B — $B_FILES files, $(human_bytes "$B_BYTES")"
warm "$CORPUS_B"
warm "$CORPUS_G"
for ((i = 1; i <= RUNS; i++)); do
  note "corpus B, round $i/$RUNS"
  rm -f -- "$TMP"/b.db* "$TMP"/g.db*
  run B-attache-scan "0 3" attache_scan "$CORPUS_B" "$TMP/b.db"
  run B-attache-rescan "0 3" attache_scan "$CORPUS_B" "$TMP/b.db"
  run B-find 0 find_stat "$CORPUS_B"
  run G-attache-scan "0 3" attache_scan "$CORPUS_G" "$TMP/g.db"
  run G-attache-rescan "0 3" attache_scan "$CORPUS_G" "$TMP/g.db"
done

B_TITLE="Corpus B (re-scan): $B_FILES files, $(human_bytes "$B_BYTES"), $CORPUS_B — ratio to find -printf"
table "$B_TITLE" B-find B-attache-scan B-attache-rescan B-find
G_TITLE="Corpus B/10 (memory growth): $G_FILES files, $(human_bytes "$G_BYTES"), $CORPUS_G — ratio to its first scan"
table "$G_TITLE" G-attache-scan G-attache-scan G-attache-rescan
echo
if [[ -n ${TIMES[B-attache-rescan]-} && -n ${TIMES[B-find]-} ]]; then
  r=$(ratio "$(median_of B-attache-rescan)" "$(median_of B-find)")
  target "re-scan / find = $r (target ≤ 1.5) — $(within "$r" 1.5)"
else
  target "re-scan / find = n/a (attache re-scan: ${FAIL[B-attache-rescan]:-no runs})"
fi

if [[ -z $TIME_BIN ]]; then
  target "peak RSS: n/a (/usr/bin/time missing: install the 'time' package)"
else
  for phase in scan rescan; do
    bk=$(max_rss_k "B-attache-$phase"); gk=$(max_rss_k "G-attache-$phase")
    label="first scan"; [[ $phase == rescan ]] && label="re-scan"
    if [[ -n $bk && -n $gk ]]; then
      target "peak RSS $label, $B_FILES files: $(mb "$bk") MB (target ≤ 150 MB) — $(within "$(mb "$bk")" 150); $G_FILES files: $(mb "$gk") MB; ×$(ratio "$bk" "$gk") for ×$(ratio "$B_FILES" "$G_FILES") files"
    else
      target "peak RSS $label: n/a (no successful runs)"
    fi
  done
fi

# ------------------------------------------------------------------ Markdown
cpu=$(cpu_model)
shani=no; grep -qw sha_ni /proc/cpuinfo 2>/dev/null && shani=yes
memg=$(mem_total)
ver() {   # first line of a version query, colour codes removed; nothing if it fails
  local out
  out=$("$@" 2>&1 </dev/null) || return 0
  out=${out%%$'\n'*}
  printf '%s' "$out" | sed 's/\x1b\[[0-9;]*m//g'
}
{
  md_head
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU} (SHA-NI: $shani), $memg RAM, Linux $(uname -r)"
  av=$(ver "$ATTACHE" --version | tr -d '`')
  echo "- attache: \`$ATTACHE\`${av:+ ($av)}"
  echo "- peers: $(ver openssl version | cut -d' ' -f1-2), hashdeep $(ver hashdeep -V)," \
    "rmlint $(ver rmlint --version | awk '{ print $2 }'), $(ver jdupes --version | cut -d' ' -f1-2)," \
    "$(ver file --version)"
  echo "- warm cache: each corpus is read once before timing; the page cache is not dropped."
  echo "  Median of $RUNS runs, rounds interleaved; min/max show the noise."
  md_results
}

finish

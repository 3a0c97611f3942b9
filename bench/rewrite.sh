#!/usr/bin/env bash
# bench/rewrite.sh — `attache rewrite` on 1,000,000 records, side by side with `sed` substituting
# the same paths in a dump of the same data, in one run.
#
#   bash bench/rewrite.sh [--records N] [--files F] [--runs R] [--sed-sample ROWS]
#                         [--data DIR] [--attache PATH] [--skip-build]
#
# What it measures (issue 14: "1,000,000 records of which half carry links, ≥ 100,000
# records/s, side by side with sed substituting the same paths in a dump of the same data"):
#
#   - The data (bench/make_records.py, deterministic, generated once and cached in DATA): F small
#     files under legacy/share (names with spaces, Cyrillic, '&', '#'); a SQLite table
#     notes(id, account, body) of N rows, every second one holding one or two links
#     (\\FILESRV01\CRM\…, K:\… in prose; <a href="file://FILESRV01/CRM/…"> in HTML); the same rows
#     as a CSV export; a manifest with both sources and target.address '\\NEWSRV\crm\'; a policy
#     that keeps everything in the same tree; two sed scripts.
#   - Set-up, not timed in the table (its times are printed to check the set-up): a fresh
#     `attache scan`, `refs`, `plan`, `apply` of that data.
#   - R rounds, the order alternating inside each round:
#       attache rewrite --out DIR (copy mode, both sources: 2 × N records), fresh DIR each time
#       sed -f subst-prefix.sed dump.sql (the `sqlite3 .dump`, made once, not timed): the three
#         old root spellings → the new ones, which with the keep-everything layout gives every
#         path its new location — the fastest sed can do it
#       sed -f subst-prefix.sed notes.csv
#       sqlite3 .dump | sed | sqlite3 new.db — the whole copy of the database the sed way
#       sed -f subst-paths.sed on the first ROWS rows of the dump (--sed-sample, default 500):
#         one command per old spelling of each linked file, as a substitution generated from
#         the mapping would be; sed tries every command on every line, so this is ~10⁴ times
#         slower and is run on a sample only, reported as records/s
#   Before the rounds, sed's substitution of each reference's text is compared with the new
#   address `attache list links` spells for it: the peer must write what attache writes.
#   Each timed rewrite starts from a copy of the catalog as apply left it.
#   Peak RSS (GNU /usr/bin/time) of every timed command, medians, records/s, and the ratio
#   attache rewrite ÷ (sed on the dump + sed on the CSV). After the runs, the rewritten SQLite
#   copy is dumped and compared with sed's output: the rows that differ are counted (0 = attache
#   spelt every new location exactly as the generator expects).
#
# While `attache rewrite` does not exist in the binary, its rows are skipped with a message
# and the rest runs (set-up and sed). The rewrite command line is in rewrite_cmd below: adjust
# it there. Timings are reported, never asserted: the script exits 0 whatever the figures are
# (1 only when a measured command failed). Progress goes to stderr, results to stdout, and the
# tables again as Markdown at the end. Develop with --records 20000 (seconds); the default
# 1,000,000 takes ~15 s to generate, ~45 s to set up, ~30 s a round without the rewrite.
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=rewrite.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"

RECORDS=1000000
FILES=5000
SEED=1
SED_SAMPLE=500
TABLE_RSS=1
TABLE_WIDTH=64

usage() {
  cat <<EOF
usage: bash bench/rewrite.sh [options]

  --records N        records in the SQLite table and the CSV (default $RECORDS; half carry links)
  --files F          files the records link to (default $FILES, a few KiB each)
  --runs R           rounds (default $RUNS); the median is reported
  --sed-sample ROWS  rows of the dump for the per-path sed (default $SED_SAMPLE)
  --data DIR         where the data lives (default \${ATTACHE_BENCH_DATA:-/work/bench-data})
  --attache PATH     attache binary to measure (default: build it in release mode)
  --skip-build       do not build; use the existing release binary
  -h, --help         this text
EOF
}

while (($#)); do
  case $1 in
    --records) need_int "$1" "${2-}"; RECORDS=$2; shift 2 ;;
    --files) need_int "$1" "${2-}"; FILES=$2; shift 2 ;;
    --sed-sample) need_int "$1" "${2-}"; SED_SAMPLE=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
for t in python3 sqlite3 sed; do have "$t" || die "$t is needed"; done
find_attache
find_time
use_data
bench_tmp attache-rewrite-bench
APT_NOTE=""

# ------------------------------------------------------------------ the data (cached)
GEN="$SCRIPT_DIR/make_records.py"
SET="$DATA/rewrite-$RECORDS-f$FILES-s$SEED"
STAMP="$SET.stamp"
WANT=$(printf 'records=%s files=%s seed=%s\ngenerator_sha256=%s' "$RECORDS" "$FILES" "$SEED" "$(sha256sum "$GEN" | cut -d' ' -f1)")
if [[ -d $SET && -f $STAMP && $(<"$STAMP") == "$WANT" ]]; then
  note "reusing $SET"
else
  rm -rf -- "$SET" "$STAMP"
  note "generating $SET"
  t0=$EPOCHREALTIME
  python3 "$GEN" "$SET" --records "$RECORDS" --files "$FILES" --seed "$SEED" >&2
  note "generated in $(since "$t0") s"
  printf '%s\n' "$WANT" >"$STAMP"
fi
OUTDIR="$DATA/rewrite-bench-out"   # attache's copies: on the same disk as the data, like sed's
trap 'rm -rf -- "$TMP" "$OUTDIR"' EXIT

# ------------------------------------------------------------------ set-up: scan, refs, plan, apply
# step NAME — run `attache NAME -q` in SET (exit 0 or 3), note its time; SETUP collects them
SETUP=""
step() {
  local t0=$EPOCHREALTIME rc=0
  (cd "$SET" && "$ATTACHE" "$1" -q >"$TMP/$1.out" 2>"$TMP/$1.err") || rc=$?
  if ((rc != 0 && rc != 3)); then
    cat "$TMP/$1.err" >&2
    die "attache $1 failed (exit $rc) in $SET"
  fi
  SETUP+="$1 $(since "$t0") s (exit $rc); "
}
rm -rf -- "$SET"/attache.db "$SET"/attache.db-* "$SET/target" "$SET/rewritten"
for s in scan refs plan apply; do step "$s"; done
note "set-up (not timed below): ${SETUP%; }"
read -r N_REFS N_RESOLVED < <(cd "$SET" && "$ATTACHE" list refs --format csv 2>/dev/null |
  python3 -c 'import csv, sys
rows = list(csv.DictReader(sys.stdin))
print(len(rows), sum(r["status"] == "resolved" for r in rows))')
# The peer must write what attache writes: sed's substitution of each reference's text is
# compared with the new address `attache list links` spells for it (plainly).
read -r N_SAME N_LINKS < <(cd "$SET" && "$ATTACHE" list links --format csv 2>/dev/null |
  python3 -c 'import csv, subprocess, sys
rows = list(csv.DictReader(sys.stdin))
out = subprocess.run(["sed", "-f", sys.argv[1]], input="".join(r["raw"] + "\n" for r in rows),
                     capture_output=True, text=True, check=True).stdout.split("\n")
print(sum(o == r["new_address"] for o, r in zip(out, rows)), len(rows))' "$SET/subst-prefix.sed")
note "sed's substitution equals attache's new address for $N_SAME of $N_LINKS references"
EXPECTED_LINKS=$(awk '$1 == "links" { print $2 }' "$SET/expected.txt")
note "references: $N_REFS found ($N_RESOLVED resolved) in both sources; the generator wrote $EXPECTED_LINKS links a source"

# ------------------------------------------------------------------ the commands
HAVE_REWRITE=1
"$ATTACHE" rewrite --help >/dev/null 2>&1 || HAVE_REWRITE=0
# rewrite_cmd — the measured command: copies of every source into OUTDIR. Adjust here when the
# command's options change.
rewrite_cmd() { (cd "$SET" && with_rss "$ATTACHE" rewrite -q --out "$OUTDIR" >/dev/null); }
sed_dump() { with_rss sed -f "$SET/subst-prefix.sed" "$TMP/dump.sql" >"$TMP/out.sql"; }
sed_csv() { with_rss sed -f "$SET/subst-prefix.sed" "$SET/notes.csv" >"$TMP/out.csv"; }
sed_copy() {
  rm -f -- "$TMP/new.db"
  sqlite3 "$SET/crm.sqlite" .dump | sed -f "$SET/subst-prefix.sed" | sqlite3 "$TMP/new.db"
}
sed_paths() { with_rss sed -f "$SET/subst-paths.sed" "$TMP/sample.sql" >"$TMP/out-sample.sql"; }
# Each rewrite starts from the catalog as apply left it (a rewrite records its changes there;
# a later round must not start from a bigger catalog): restored before each timed rewrite.
RESTORE=0
run_rewrite() { RESTORE=1; run rewrite "0 3" rewrite_cmd; RESTORE=0; }
run_before() {
  rm -rf -- "$OUTDIR"
  if ((RESTORE)); then
    rm -f -- "$SET/attache.db-wal" "$SET/attache.db-shm"
    cp -- "$TMP/applied.db" "$SET/attache.db"
  fi
}

sqlite3 "$SET/crm.sqlite" .dump >"$TMP/dump.sql"
head -n $((SED_SAMPLE + 2)) "$TMP/dump.sql" >"$TMP/sample.sql"   # + PRAGMA and CREATE TABLE
cat "$TMP/dump.sql" "$SET/notes.csv" >/dev/null                  # warm the cache for everyone
N_PATH_CMDS=$(wc -l <"$SET/subst-paths.sed")

CMDTEXT[rewrite]="attache rewrite --out DIR (sqlite + csv: $((2 * RECORDS)) records)"
CMDTEXT[sed-dump]="sed -f subst-prefix.sed dump.sql ($RECORDS records)"
CMDTEXT[sed-csv]="sed -f subst-prefix.sed notes.csv ($RECORDS records)"
CMDTEXT[sed-copy]="sqlite3 .dump | sed | sqlite3 new.db (the copy, sed's way)"
CMDTEXT[sed-paths]="sed -f subst-paths.sed ($N_PATH_CMDS commands), $SED_SAMPLE rows"
if ((HAVE_REWRITE)); then
  cp -- "$SET/attache.db" "$TMP/applied.db"   # attache closed it: no WAL is left beside it
else
  note "'attache rewrite' does not exist in $ATTACHE yet: its rows are skipped; the set-up and sed run"
fi
for ((i = 1; i <= RUNS; i++)); do
  note "round $i/$RUNS"
  if ((i % 2)); then
    if ((HAVE_REWRITE)); then run_rewrite; fi
    run sed-dump 0 sed_dump; run sed-csv 0 sed_csv; run sed-copy 0 sed_copy
  else
    run sed-copy 0 sed_copy; run sed-csv 0 sed_csv; run sed-dump 0 sed_dump
    if ((HAVE_REWRITE)); then run_rewrite; fi
  fi
  run sed-paths 0 sed_paths
done

# ------------------------------------------------------------------ does attache's copy say what sed's says?
SAME_NOTE="n/a (no rewrite)"
if ((HAVE_REWRITE)) && [[ -n ${TIMES[rewrite]-} ]]; then
  RESTORE=1; run_before; RESTORE=0; rewrite_cmd || true
  copy=$(find "$OUTDIR" -type f \( -name '*.sqlite' -o -name '*.db' \) -print -quit 2>/dev/null || true)
  if [[ -n $copy ]]; then
    sqlite3 "$copy" .dump >"$TMP/attache.sql"
    d=$(diff "$TMP/out.sql" "$TMP/attache.sql" | grep -c '^>' || true)
    SAME_NOTE="$d of $RECORDS rows of attache's copy ($copy) differ from sed's output"
  else
    SAME_NOTE="no SQLite copy found under $OUTDIR"
  fi
fi

# ------------------------------------------------------------------ results
echo "== attache rewrite benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS rounds, warm cache =="
table "Rewrite: $RECORDS records in SQLite + the same as CSV, $EXPECTED_LINKS links each — ratio to sed on the dump" \
  sed-dump rewrite sed-dump sed-csv sed-copy
table "sed with one command per path, on $SED_SAMPLE rows of the dump" sed-paths sed-paths
echo
if [[ -n ${TIMES[rewrite]-} ]]; then
  m=$(median_of rewrite)
  rps=$(awk -v n=$((2 * RECORDS)) -v t="$m" 'BEGIN { printf "%.0f", n / t }')
  pass=$(awk -v r="$rps" 'BEGIN { print (r >= 100000) ? "within target" : "UNDER target" }')
  peer=$(awk -v a="$(median_of sed-dump)" -v b="$(median_of sed-csv)" 'BEGIN { printf "%.3f", a + b }')
  target "attache rewrite: $rps records/s ($((2 * RECORDS)) records of two sources in $m s; target ≥ 100000) — $pass"
  target "attache rewrite / (sed on the dump + sed on the CSV, $peer s) = $(ratio "$m" "$peer")"
  target "attache rewrite / (sqlite3 .dump | sed | sqlite3) = $(ratio "$m" "$(median_of sed-copy)")"
  k=$(max_rss_k rewrite)
  if [[ -n $k ]]; then target "peak RSS attache rewrite: $(mb "$k") MB"; else target "peak RSS attache rewrite: n/a"; fi
else
  target "attache rewrite: not measured (${FAIL[rewrite]:-no 'attache rewrite' in this build})"
  unset 'FAIL[rewrite]'
fi
for key in sed-dump sed-csv; do
  if [[ -n ${TIMES[$key]-} ]]; then
    target "${CMDTEXT[$key]%% (*}: $(awk -v n="$RECORDS" -v t="$(median_of "$key")" 'BEGIN { printf "%.0f", n / t }') records/s"
  fi
done
if [[ -n ${TIMES[sed-paths]-} ]]; then
  target "per-path sed ($N_PATH_CMDS commands): $(awk -v n="$SED_SAMPLE" -v t="$(median_of sed-paths)" 'BEGIN { printf "%.0f", n / t }') records/s (on $SED_SAMPLE rows)"
fi
target "check: sed's substitution = the new address of \`attache list links\` for $N_SAME of $N_LINKS references"
target "check: $SAME_NOTE"
target "set-up (not timed in the table): ${SETUP%; }; references: $N_REFS ($N_RESOLVED resolved)"

{
  md_head
  echo "- machine: $(nproc) cores, $(cpu_model), $(mem_total) RAM, Linux $(uname -r); data and copies on the same disk"
  echo "- attache: \`$ATTACHE\` ($("$ATTACHE" --version 2>/dev/null || echo '?')); peers: $(sed --version | head -n 1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
  echo "- data: \`bench/make_records.py --records $RECORDS --files $FILES --seed $SEED\` ($SET): half the records carry links ($EXPECTED_LINKS links a source)"
  echo "- warm cache: the dump and the CSV are read once before timing; each rewrite writes a fresh DIR that is removed (not timed) before the next."
  echo "  Median of $RUNS rounds, order alternating; min/max show the noise."
  md_results
}

finish

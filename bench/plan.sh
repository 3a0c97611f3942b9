#!/usr/bin/env bash
# bench/plan.sh — `attache plan` on 100,000 and 1,000,000 files, side by side with sqlite3, in one run.
#
#   bash bench/plan.sh [--runs R] [--data DIR] [--policy FILE] [--attache PATH] [--skip-build]
#
# Two catalogs, made once and kept in DATA: corpus S (100,000 files, the re-scan corpus of
# scan.sh) and corpus L (1,000,000 files: ten 100,000-file corpora, seeds 1–10, as ten roots),
# each scanned, with a CRM table of records pointing at 40% of the files resolved by
# `attache refs`. Then, R times, interleaved round by round, on a fresh copy of each catalog:
# `attache plan --policy bench/plan-bench.yaml` (first plan, then a re-plan with --diff that compares
# with the previous plan), and the peers — `sqlite3 … SELECT files … | sort` (read the file rows
# and order them) and `sqlite3` writing one decision-like row per file into a new table (store
# them). Prints medians, ratios to the peers, the 1M/100k time ratio (linearity), peak memory
# and, from ATTACHE_PLAN_TIMINGS=1, where attache's time goes. Timings are reported, never
# asserted. See bench/README.md.
set -euo pipefail
export LC_ALL=C.UTF-8   # '.' as decimal point; `sort` by code point
BENCH_NAME=plan.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, --runs/--data/--attache/--skip-build, helpers
MB_FORMAT=%.0f          # whole MB; tables with a peak-RSS column
TABLE_WIDTH=76
TABLE_RSS=1

POLICY="$SCRIPT_DIR/plan-bench.yaml"
S_FILES=100000          # corpus S: scan.sh's corpus B
S_SCALE=0.02
L_PARTS=10              # corpus L: L_PARTS corpora of S_FILES files (seeds 1…L_PARTS)
L_SCALE=0.002
RECIPE=1                # bump when the catalogs' recipe (manifest, records) changes

usage() {
  cat <<EOF
usage: bash bench/plan.sh [options]

  --runs R           runs of each measured command (default $RUNS); the median is reported
  --data DIR         where the corpora and catalogs live (default \${ATTACHE_BENCH_DATA:-/work/bench-data});
                     keep it outside the repository
  --policy FILE      the policy to plan with (default bench/plan-bench.yaml)
  --attache PATH     attache binary to measure (default: build it in release mode)
  --skip-build       do not build; use the existing release binary
  -h, --help         this text
EOF
}

while (($#)); do
  case $1 in
    --policy) [[ -n ${2-} ]] || die "--policy wants a file"; POLICY=$2; shift 2 ;;
    *) common_opt "$@"; shift "$SHIFT" ;;
  esac
done
[[ -f $POLICY ]] || die "no policy at $POLICY"
POLICY=$(cd "$(dirname "$POLICY")" && pwd -P)/$(basename "$POLICY")

bench_tmp attache-plan-bench

# ------------------------------------------------------------------ helpers
sql_quote() { printf "'%s'" "${1//\'/\'\'}"; }

# ------------------------------------------------------------------ tools
APT_NOTE=""
missing=()
have sqlite3 || missing+=(sqlite3)
[[ -x /usr/bin/time ]] || missing+=(time)
have python3 || missing+=(python3)
if ((${#missing[@]})); then
  if have apt-get && [[ $(id -u) -eq 0 ]]; then
    note "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
      { DEBIAN_FRONTEND=noninteractive apt-get update >&2 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
          APT_NOTE="apt-get install ${missing[*]} failed"; }
  else
    APT_NOTE="not root or no apt-get: could not install ${missing[*]}"
  fi
  [[ -n $APT_NOTE ]] && note "$APT_NOTE"
fi
have sqlite3 || die "sqlite3 is needed: it builds the CRM records and is the peer (apt-get install sqlite3)"
have python3 || die "python3 is needed to generate the corpora"
find_time

find_attache

# The policy must load cleanly: its warnings (and errors) are shown before anything is timed.
if ! "$ATTACHE" plan --help >/dev/null 2>&1; then die "$ATTACHE has no 'plan' command"; fi

# ------------------------------------------------------------------ corpora
find_generator
use_data
# On disk (4 KiB blocks, directories): ~12 KB a file at scale 0.02, ~6 KB at 0.002 (the
# formats have a floor: 3.3 GiB of content for 1,000,000 files); 10% margin.
CORPUS_S="$DATA/corpus-$S_FILES-s$S_SCALE"
corpus "$CORPUS_S" $((S_FILES * 14000)) --files "$S_FILES" --seed 1 --size-scale "$S_SCALE"
# make_corpus.py cannot make one 1,000,000-file tree: it caps the folders at 4,000, and a name
# repeated ~50 times in one folder grows past 255 bytes ("Name (2) (3) … (47).pdf"). Ten
# 100,000-file corpora with seeds 1–10, scanned as ten roots, make the million.
CORPUS_L="$DATA/corpus-${L_PARTS}x$S_FILES-s$L_SCALE"
L_ROOTS=()
for ((k = 1; k <= L_PARTS; k++)); do
  corpus "$CORPUS_L/seed-$k" $((S_FILES * 7000)) --files "$S_FILES" --seed "$k" --size-scale "$L_SCALE"
  L_ROOTS+=("$CORPUS_L/seed-$k")
done

# ------------------------------------------------------------------ catalogs
# catalog DIR ROOT... — DIR/attache.yaml (the roots, spelt by the records as
# \\FILESRV01\<root's folder name>\, and one CRM source), DIR/attache.db (scanned) and
# DIR/crm.sqlite: records for 40% of the files (every 10th file in path order, from the
# 1st to the 4th), 1 in 53 of them soft-deleted, a second record for 5% of the files (in
# upper case, 1 in 3 deleted), edit times spread over 2008–2025. `attache refs` resolves them.
# Made once; made again when missing or when its stamp (recipe, roots and their corpus
# stamps) differs.
catalog() {
  local dir=$1; shift
  local want root
  want="recipe=$RECIPE"
  for root; do want+=$'\n'"root=$root"$'\n'"$(<"$root.stamp")"; done
  if [[ -f $dir/attache.db && -f $dir.stamp && $(<"$dir.stamp") == "$want" ]]; then
    note "reusing the catalog $dir/attache.db"; return 0
  fi
  rm -rf -- "$dir" "$dir.stamp"
  mkdir -p -- "$dir"
  {
    echo "# Made by bench/plan.sh: the catalog of the planning benchmark."
    echo "version: 1"
    echo "catalog: attache.db"
    echo "roots:"
    for root; do
      echo "  - path: '${root//\'/\'\'}'"
      echo "    aliases: ['\\\\FILESRV01\\$(basename "$root")\\']"
      echo "    case_insensitive: true"
    done
    echo "sources:"
    echo "  - name: crm"
    echo "    sqlite: crm.sqlite"
    echo "    table: attachments"
    echo "    key: [id]"
    echo "    file: '{path}'"
    echo "    deleted: deleted"
    echo "    modified: modified"
  } >"$dir/attache.yaml"
  local t0=$EPOCHREALTIME rc=0
  note "scanning $# root(s) into $dir/attache.db"
  "$ATTACHE" scan --manifest "$dir/attache.yaml" --quiet && rc=0 || rc=$?
  [[ $rc -eq 0 || $rc -eq 3 ]] || die "attache scan failed (exit $rc) for $dir"
  note "scanned in $(since "$t0") s; writing the CRM records"
  local parent; parent=$(dirname "$1")
  sqlite3 "$dir/crm.sqlite" <<EOF
ATTACH $(sql_quote "file:$dir/attache.db?mode=ro") AS cat;
CREATE TABLE attachments (id INTEGER PRIMARY KEY, path TEXT NOT NULL, deleted INTEGER NOT NULL, modified TEXT);
WITH ranked AS (
  SELECT '\\\\FILESRV01\\' || substr(r.display_path, length($(sql_quote "$parent")) + 2) || '\\' || replace(f.display_path, '/', '\\') AS p,
         ROW_NUMBER() OVER (ORDER BY r.display_path, f.display_path) AS n
  FROM cat.files f JOIN cat.roots r ON r.id = f.root_id WHERE f.status = 'ok')
INSERT INTO attachments (id, path, deleted, modified)
SELECT n, p, (n % 53 = 0), date('2008-01-01', '+' || ((n * 7919) % 6200) || ' days') || ' 09:15:00' FROM ranked WHERE n % 10 < 4
UNION ALL
SELECT 100000000 + n, upper(p), (n % 3 = 0), date('2012-01-01', '+' || ((n * 104729) % 4500) || ' days') || ' 17:40:00'
FROM ranked WHERE n % 20 = 1;
EOF
  "$ATTACHE" refs --manifest "$dir/attache.yaml" --quiet && rc=0 || rc=$?
  [[ $rc -eq 0 || $rc -eq 3 ]] || die "attache refs failed (exit $rc) for $dir"
  note "catalog ready in $(since "$t0") s"
  printf '%s\n' "$want" >"$dir.stamp"
}
CAT_S="$DATA/plan-$S_FILES"
CAT_L="$DATA/plan-$((S_FILES * L_PARTS))"
catalog "$CAT_S" "$CORPUS_S"
catalog "$CAT_L" "${L_ROOTS[@]}"

count() { sqlite3 -readonly "$1" "$2"; }
S_N=$(count "$CAT_S/attache.db" "SELECT COUNT(*) FROM files WHERE status <> 'gone'")
L_N=$(count "$CAT_L/attache.db" "SELECT COUNT(*) FROM files WHERE status <> 'gone'")
S_REFS=$(count "$CAT_S/attache.db" "SELECT COUNT(*) FROM refs WHERE status = 'resolved'")
L_REFS=$(count "$CAT_L/attache.db" "SELECT COUNT(*) FROM refs WHERE status = 'resolved'")
S_REFD=$(count "$CAT_S/attache.db" "SELECT COUNT(DISTINCT file_id) FROM refs WHERE status = 'resolved'")
L_REFD=$(count "$CAT_L/attache.db" "SELECT COUNT(DISTINCT file_id) FROM refs WHERE status = 'resolved'")
note "catalog S: $S_N files, $S_REFS references to $S_REFD files; catalog L: $L_N files, $L_REFS references to $L_REFD files"

# The policy, once, untimed: its warnings on stderr; the plan's summary goes into the results.
cp -- "$CAT_S/attache.db" "$TMP/check.db"
rc=0
(cd "$TMP" && "$ATTACHE" plan --catalog "$TMP/check.db" --policy "$POLICY") >"$TMP/summary-S.txt" 2>"$TMP/policy-warnings.txt" && rc=0 || rc=$?
[[ $rc -eq 0 || $rc -eq 4 ]] || { cat "$TMP/policy-warnings.txt" >&2; die "attache plan failed (exit $rc) with $POLICY"; }
if [[ -s $TMP/policy-warnings.txt ]]; then note "the policy has warnings:"; cat "$TMP/policy-warnings.txt" >&2; fi
rm -f -- "$TMP"/check.db*

# ------------------------------------------------------------------ measured commands
declare -A PHASE=()   # KEY/NAME: seconds of attache's phase NAME in KEY's runs
PHASES=()
# run's hooks (bench/lib.sh): attache writes its phase times (ATTACHE_PLAN_TIMINGS=1) and its
# errors to TMP/phases; a failed run shows its last lines, a run that counts adds them to PHASE.
run_before() { rm -f -- "$TMP/phases"; }
run_failed() {
  [[ -s $TMP/phases ]] && tail -n 5 "$TMP/phases" >&2
  return 0
}
run_done() {
  local key=$1
  if [[ -s $TMP/phases ]]; then
    local name secs
    while read -r name secs; do
      [[ -n ${PHASE[$key/$name]-} ]] || { [[ " ${PHASES[*]-} " == *" $name "* ]] || PHASES+=("$name"); }
      PHASE[$key/$name]+="$secs "
    done < <(sed -n 's/^plan-phase \(.*\) \([0-9.]*\)$/\1 \2/p' "$TMP/phases" | tr ' ' '_' | sed 's/_\([0-9.]*\)$/ \1/')
  fi
}

attache_plan() {   # CATALOG [OPTION…] — end to end: load the policy and the catalog, plan, store every decision
  # (run from TMP, where no attache.yaml is: the catalog and the policy are the only inputs)
  local catalog=$1; shift
  (cd "$TMP" && ATTACHE_PLAN_TIMINGS=1 with_rss "$ATTACHE" plan --quiet --catalog "$catalog" --policy "$POLICY" "$@" 2>"$TMP/phases")
}
# The file rows the planner reads (the same columns), in path order.
FILES_SQL="SELECT r.display_path, f.display_path, f.id, f.kind, f.size, f.mtime_ns, f.sha256, f.mime, f.category,
  f.extension_mismatch, f.status, f.problem FROM files f JOIN roots r ON r.id = f.root_id WHERE f.status <> 'gone'"
sqlite_sort() { sqlite3 -readonly -separator $'\t' "$1" "$FILES_SQL" | sort >/dev/null; }
# One decision-like row per file (its target path ~ the layout's), written into a new table of
# the same shape as attache's `decisions`, with the catalog's pragmas, in one transaction.
sqlite_store() {   # CATALOG OUT_DB
  rm -f -- "$2" "$2"-wal "$2"-shm
  sqlite3 "$2" >/dev/null <<EOF
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
ATTACH $(sql_quote "file:$1?mode=ro") AS cat;
CREATE TABLE decisions (plan_id INTEGER NOT NULL, file_id INTEGER NOT NULL, action TEXT NOT NULL, rule TEXT NOT NULL,
  reason TEXT NOT NULL, target_path TEXT, archive_path TEXT, duplicate_of INTEGER, notes TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (plan_id, file_id)) WITHOUT ROWID;
BEGIN;
INSERT INTO decisions SELECT 1, id, 'keep', 'default', 'no rule matched; kept by default',
  coalesce(category, 'unknown') || '/' || strftime('%Y/%m', mtime_ns / 1000000000, 'unixepoch') || '/' || display_path, NULL, NULL, ''
  FROM cat.files WHERE status <> 'gone' ORDER BY id;
COMMIT;
EOF
}

fresh_copy() {   # SRC_DIR — the catalog to plan on: a copy of the kept one, no plan yet
  rm -f -- "$TMP"/plan.db*
  cp -- "$1/attache.db" "$TMP/plan.db"
  [[ -f $1/attache.db-wal ]] && cp -- "$1/attache.db-wal" "$TMP/plan.db-wal"
  return 0
}

warm() {   # read the catalog once so every command starts from the same (warm) cache
  cat -- "$1"/attache.db* >/dev/null
}

KEYS=()
for z in S L; do
  CMDTEXT[$z-first]="attache plan --policy bench/plan-bench.yaml (first plan)"
  CMDTEXT[$z-replan]="attache plan --policy bench/plan-bench.yaml --diff (re-plan)"
  CMDTEXT[$z-sort]="sqlite3 CATALOG 'SELECT … FROM files …' | sort"
  CMDTEXT[$z-store]="sqlite3: INSERT … SELECT one decision row per file into a new table"
done

warm "$CAT_S"; warm "$CAT_L"
for ((i = 1; i <= RUNS; i++)); do
  for z in S L; do
    dir=$CAT_S; [[ $z == L ]] && dir=$CAT_L
    note "round $i/$RUNS, catalog $z"
    fresh_copy "$dir"
    run "$z-first" "0 4" attache_plan "$TMP/plan.db"
    run "$z-replan" "0 4" attache_plan "$TMP/plan.db" --diff
    run "$z-sort" 0 sqlite_sort "$dir/attache.db"
    run "$z-store" 0 sqlite_store "$dir/attache.db" "$TMP/store.db"
    rm -f -- "$TMP"/store.db*
  done
done
rm -f -- "$TMP"/plan.db*

# ------------------------------------------------------------------ results
echo "== attache plan benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs each, warm cache =="
S_TITLE="Catalog S: $S_N files, $S_REFS references ($CAT_S) — ratio to sqlite3 | sort"
L_TITLE="Catalog L: $L_N files, $L_REFS references ($CAT_L) — ratio to sqlite3 | sort"
table "$S_TITLE" S-sort S-first S-replan S-sort S-store
table "$L_TITLE" L-sort L-first L-replan L-sort L-store

# Where attache's time goes (ATTACHE_PLAN_TIMINGS=1; "rest" = wall − phases: start, policy,
# opening the catalog, summary, freeing memory at exit).
phase_table() {
  local key=$1 title=$2
  [[ ${#PHASES[@]} -gt 0 && -n ${TIMES[$key]-} ]] || return 0
  local total name med sum=0
  total=$(median_of "$key")
  printf '\n%s\n' "$title"
  MD+=$'\n'"**$title**"$'\n\n'"| phase | median s | share |"$'\n'"|---|---:|---:|"$'\n'
  for name in "${PHASES[@]}"; do
    [[ -n ${PHASE[$key/$name]-} ]] || continue
    med=$(stats "${PHASE[$key/$name]}" | cut -d' ' -f1)
    sum=$(awk -v a="$sum" -v b="$med" 'BEGIN { print a + b }')
    printf '  %-28s %8s s %6s\n' "${name//_/ }" "$med" "$(awk -v a="$med" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }')"
    MD+="| ${name//_/ } | $med | $(awk -v a="$med" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }') |"$'\n'
  done
  local rest; rest=$(awk -v t="$total" -v s="$sum" 'BEGIN { printf "%.3f", t - s }')
  printf '  %-28s %8s s %6s\n' "rest (start, policy, exit)" "$rest" "$(awk -v a="$rest" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }')"
  MD+="| rest (start, policy, open, summary, exit) | $rest | $(awk -v a="$rest" -v t="$total" 'BEGIN { printf "%.0f%%", 100 * a / t }') |"$'\n'
}
phase_table S-first "attache's phases, first plan, $S_N files (medians; wall $(median_of S-first 2>/dev/null || echo n/a) s)"
phase_table L-first "attache's phases, first plan, $L_N files (medians; wall $(median_of L-first 2>/dev/null || echo n/a) s)"
phase_table L-replan "attache's phases, re-plan, $L_N files (medians; wall $(median_of L-replan 2>/dev/null || echo n/a) s)"

echo
growth() {   # KEY LABEL — the L/S ratio of a median
  if [[ -n ${TIMES[L-$1]-} && -n ${TIMES[S-$1]-} ]]; then
    target "$2: ×$(ratio "$(median_of "L-$1")" "$(median_of "S-$1")") time for ×$(ratio "$L_N" "$S_N") files"
  fi
}
if [[ -n ${TIMES[L-first]-} && -n ${TIMES[L-sort]-} ]]; then
  m=$(median_of L-first)
  target "plan $L_N files: $m s (target ≤ 10 s) — $(within "$m" 10); $(ratio "$m" "$(median_of L-sort)")× sqlite3 | sort, $(ratio "$m" "$(median_of L-store)")× sqlite3 storing the rows, in the same run"
else
  target "plan $L_N files: n/a (attache: ${FAIL[L-first]:-no runs})"
fi
if [[ -n ${TIMES[L-first]-} && -n ${TIMES[S-first]-} ]]; then
  r=$(ratio "$(median_of L-first)" "$(median_of S-first)")
  target "linear: first plan ×$r time for ×$(ratio "$L_N" "$S_N") files (target ≤ ×12) — $(within "$r" 12)"
fi
growth replan "re-plan"
if [[ -n ${PHASE[L-first/planner]-} && -n ${PHASE[S-first/planner]-} ]]; then
  pl=$(stats "${PHASE[L-first/planner]}" | cut -d' ' -f1); ps=$(stats "${PHASE[S-first/planner]}" | cut -d' ' -f1)
  target "the planner alone (Planner.draft, in process: the decisions are made while stored): $ps s → $pl s, ×$(ratio "$pl" "$ps") for ×$(ratio "$L_N" "$S_N") files"
fi
growth sort "peer sqlite3 | sort"
growth store "peer sqlite3 store"
if [[ -n $TIME_BIN ]]; then
  for phase in first replan; do
    lk=$(max_rss_k "L-$phase"); sk=$(max_rss_k "S-$phase")
    [[ -n $lk && -n $sk ]] || continue
    label="first plan"; [[ $phase == replan ]] && label="re-plan"
    target "peak RSS $label: $(mb "$lk") MB at $L_N files, $(mb "$sk") MB at $S_N files (×$(ratio "$lk" "$sk"); $(awk -v k="$lk" -v n="$L_N" 'BEGIN { printf "%.2f", k * 1024 / n / 1024 }') KiB a file at $L_N)"
  done
fi

# ------------------------------------------------------------------ Markdown
cpu=$(cpu_model)
memg=$(mem_total)
{
  md_head
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, $memg RAM, Linux $(uname -r)"
  echo "- attache: \`$ATTACHE\` ($("$ATTACHE" --version 2>/dev/null | head -n 1)); policy \`${POLICY#"$REPO_ROOT"/}\`"
  echo "- peers: sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(sort --version | head -n 1)"
  echo "- catalogs: S = \`$CORPUS_S\` ($S_N files, $S_REFS references to $S_REFD files);"
  echo "  L = ten roots \`$CORPUS_L/seed-1…$L_PARTS\` ($L_N files, $L_REFS references to $L_REFD files)"
  echo "- every round plans on a fresh copy of each catalog (first plan, then a re-plan); warm cache."
  echo "  Median of $RUNS runs, rounds interleaved; min/max show the noise."
  md_results
  echo
  echo "Plan of catalog S (the summary \`attache plan\` prints):"
  echo
  echo '```'
  cat "$TMP/summary-S.txt"
  echo '```'
}

finish

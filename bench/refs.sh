#!/usr/bin/env bash
# bench/refs.sh — extraction + resolution of references, side by side with grep, in one run.
#
#   bash bench/refs.sh [--records N] [--runs R] [--data DIR] [--attache PATH] [--skip-build] [--no-live]
#
# Builds (once) N records in a SQLite table, every record naming its file in a column and half
# carrying an HTML body with a link (1.5 references a record), over a root of 2,000 files. Then,
# R times, interleaved: `attache refs` on a fresh catalog (extract, resolve, store every
# reference), and `grep -oE` finding the same paths in a text dump of the same records. Prints
# medians, references/s and the ratio, and peak memory at N and N/10 records (memory must stay
# flat in the number of records). Then the same records from live MariaDB and PostgreSQL
# servers (bench/refs_live.sh; --no-live skips them). And a floor: `sqlite3` alone storing the
# same reference rows in an empty catalog table (one transaction, the two indexes built after,
# WAL checkpointed, as `attache refs` does) — no reading of records, no extraction, no
# resolution: what any SQLite catalog with this row pays. Timings are reported, never
# asserted. See bench/README.md.
set -euo pipefail
export LC_ALL=C.UTF-8
BENCH_NAME=refs.sh
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, RUNS/DATA/ATTACHE/SKIP_BUILD defaults, note/die/have
RECORDS=1000000
LIVE=1
LIVE_OUT=()
# shellcheck source=bench/refs_live.sh
. "$(dirname "$0")/refs_live.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --records) RECORDS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    --attache) ATTACHE=$2; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --no-live) LIVE=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) note "unknown option $1"; exit 64 ;;
  esac
done
if [ -z "$ATTACHE" ]; then
  if [ "$SKIP_BUILD" = 0 ]; then (cd "$REPO_ROOT" && swift build -c release --product attache >&2); fi
  ATTACHE="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/attache"
fi
[ -x "$ATTACHE" ] || die "no attache binary at $ATTACHE"
have /usr/bin/time || apt-get install -y -qq --no-install-recommends time >/dev/null

records_corpus() { # N → directory
  local n=$1 dir="$DATA/refs-$1"
  if [ ! -f "$dir/.stamp" ] || [ "$(cat "$dir/.stamp")" != "$(sha256sum "$SCRIPT_DIR/make_refs_corpus.py" | cut -c1-64) $n" ]; then
    rm -rf "$dir"
    python3 "$SCRIPT_DIR/make_refs_corpus.py" "$dir" --records "$n" --files 2000 >&2
    echo "$(sha256sum "$SCRIPT_DIR/make_refs_corpus.py" | cut -c1-64) $n" > "$dir/.stamp"
  fi
  echo "$dir"
}
BIG=$(records_corpus "$RECORDS")
SMALL=$(records_corpus $((RECORDS / 10)))
PATTERN='(K:|\\\\FILESRV01\\CRM)\\[^"<	]+\.pdf'

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
fresh_refs() { # dir → seconds (scan untimed)
  local dir=$1
  rm -f "$dir"/attache.db*
  (cd "$dir" && "$ATTACHE" scan -q >/dev/null 2>&1 || true)
  local t0 t1
  t0=$(now); (cd "$dir" && "$ATTACHE" refs -q >/dev/null 2>&1 || [ $? -eq 3 ]); t1=$(now)
  echo "$t1 - $t0" | bc -l
}
grep_refs() {
  local t0 t1
  # Through wc: GNU grep writing to /dev/null stops at the first match.
  t0=$(now); grep -oE "$PATTERN" "$1/dump.txt" | wc -l > /dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l
}
have bc || apt-get install -y -qq --no-install-recommends bc >/dev/null

A=(); G=()
for i in $(seq 1 "$RUNS"); do
  A+=("$(fresh_refs "$BIG")"); G+=("$(grep_refs "$BIG")")
  note "round $i: attache ${A[-1]} s, grep ${G[-1]} s"
done
refs_total=$(cd "$BIG" && "$ATTACHE" list refs --format csv | tail -n +2 | wc -l)
grep_total=$(grep -oE "$PATTERN" "$BIG/dump.txt" | wc -l)
ma=$(printf '%s\n' "${A[@]}" | median); mg=$(printf '%s\n' "${G[@]}" | median)
rss() { # dir → KB of the refs run
  local dir=$1
  rm -f "$dir"/attache.db*; (cd "$dir" && "$ATTACHE" scan -q >/dev/null 2>&1 || true)
  (cd "$dir" && /usr/bin/time -f '%M' -o /tmp/refs-rss.$$ "$ATTACHE" refs -q >/dev/null 2>&1 || true)
  tail -n 1 /tmp/refs-rss.$$; rm -f /tmp/refs-rss.$$
}
rb=$(rss "$BIG"); rs=$(rss "$SMALL")
# store_floor DIR → seconds for sqlite3 to store DIR's catalog's reference rows again in an
# empty table of the same schema (read from the catalog, which is cached: a small part).
store_floor() {
  local dir=$1 db; db=$(mktemp -u /tmp/refs-floor.XXXXXX.db)
  local schema; schema=$(sqlite3 "$dir/attache.db" ".schema refs" | grep -v '^CREATE INDEX' | sed 's/REFERENCES [a-z_]*([a-z_]*)[A-Z ]*CASCADE//')
  local indexes; indexes=$(sqlite3 "$dir/attache.db" ".schema refs" | grep '^CREATE INDEX')
  sqlite3 "$dir/attache.db" "SELECT count(*) FROM refs" >/dev/null   # warm the page cache
  local t0 t1
  t0=$(now)
  sqlite3 "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
$schema;
ATTACH '$dir/attache.db' AS src;
BEGIN;
INSERT INTO main.refs SELECT * FROM src.refs;
$indexes
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  t1=$(now)
  rm -f "$db" "$db-wal" "$db-shm"
  echo "$t1 - $t0" | bc -l
}
F=()
for i in $(seq 1 "$RUNS"); do F+=("$(store_floor "$BIG")"); done
FLOOR=$(printf '%s\n' "${F[@]}" | median)
if [ "$LIVE" = 1 ]; then live_rows; fi

echo "== attache refs benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, $(nproc) cores =="
printf '%-58s %10s %10s\n' "command" "median s" "ratio"
printf '%-58s %10.2f %10.2f\n' "attache refs ($RECORDS records, fresh catalog)" "$ma" "$(echo "$ma / $mg" | bc -l)"
printf '%-58s %10.2f %10.2f\n' "grep -oE PATTERN dump.txt (same records as text)" "$mg" 1
printf '%-58s %10.2f %10.2f\n' "floor: sqlite3 storing the same reference rows" "$FLOOR" "$(echo "$FLOOR / $mg" | bc -l)"
echo "references found: attache $refs_total, grep $grep_total"
echo "references/s = $(echo "$refs_total / $ma" | bc) (target ≥ 200,000)"
echo "attache / grep = $(printf '%.2f' "$(echo "$ma / $mg" | bc -l)") (target ≤ 2.0)"
echo "peak RSS: $((rb / 1024)) MB at $RECORDS records, $((rs / 1024)) MB at $((RECORDS / 10)) records (flat: ×$(printf '%.2f' "$(echo "$rb / $rs" | bc -l)") for ×10 records)"
for line in "${LIVE_OUT[@]}"; do echo "$line"; done

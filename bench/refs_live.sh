# bench/refs_live.sh — the live-database rows of bench/refs.sh; sourced by it, never run.
# shellcheck shell=bash
#
# Starts a scratch MariaDB and PostgreSQL (scripts/testdb/), loads the corpus's `attachments`
# table into each (LOAD DATA / COPY from one CSV), then R times, interleaved: `attache refs`
# on a fresh catalog reading the table from the server (extract, resolve, store), and the
# servers' own clients piping the same rows to a regex (`mariadb -e 'SELECT …' | rg -o`,
# `psql -c 'COPY … TO STDOUT' | rg -o`). Peak memory at N and N/10 records. Timings are
# reported, never asserted.

live_export_csv() { # corpus dir → CSV of its attachments table (cached)
  local dir=$1
  if [ ! -f "$dir/attachments.csv" ] || [ "$dir/crm.sqlite" -nt "$dir/attachments.csv" ]; then
    python3 - "$dir/crm.sqlite" "$dir/attachments.csv" <<'PY'
import csv, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    for row in c.execute("SELECT id, path, deleted, modified, body FROM attachments ORDER BY id"):
        w.writerow(["\\N" if v is None else v for v in row])
PY
  fi
  echo "$dir/attachments.csv"
}

live_start() { # → sets LIVE_SCRATCH, MY_SOCK, PG_HOST, PG_PORT
  LIVE_SCRATCH=$(mktemp -d /tmp/attache-bench-db.XXXXXX); chmod 755 "$LIVE_SCRATCH"
  "$REPO_ROOT/scripts/testdb/mariadb.sh" start "$LIVE_SCRATCH/mariadb" > "$LIVE_SCRATCH/my.env" || die "MariaDB did not start"
  "$REPO_ROOT/scripts/testdb/postgresql.sh" start "$LIVE_SCRATCH/postgresql" > "$LIVE_SCRATCH/pg.env" || die "PostgreSQL did not start"
  MY_SOCK=$(sed -n 's/^ATTACHE_TEST_MYSQL_SOCKET=//p' "$LIVE_SCRATCH/my.env")
  PG_HOST=$(sed -n 's/^ATTACHE_TEST_PG_HOST=//p' "$LIVE_SCRATCH/pg.env")
  PG_PORT=$(sed -n 's/^ATTACHE_TEST_PG_PORT=//p' "$LIVE_SCRATCH/pg.env")
}

live_stop() {
  [ -n "${LIVE_SCRATCH:-}" ] || return 0
  "$REPO_ROOT/scripts/testdb/mariadb.sh" stop "$LIVE_SCRATCH/mariadb" >/dev/null 2>&1 || true
  "$REPO_ROOT/scripts/testdb/postgresql.sh" stop "$LIVE_SCRATCH/postgresql" >/dev/null 2>&1 || true
  rm -rf "$LIVE_SCRATCH"
}

my() { mariadb --no-defaults --socket="$MY_SOCK" -uroot --local-infile=1 "$@"; }
pg() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

live_load() { # corpus dir, database name
  local csv; csv=$(live_export_csv "$1")
  my -e "CREATE DATABASE $2 CHARACTER SET utf8mb4"
  my "$2" -e "CREATE TABLE attachments (id BIGINT PRIMARY KEY, path TEXT, deleted INT, modified VARCHAR(30), body TEXT);
    LOAD DATA LOCAL INFILE '$csv' INTO TABLE attachments CHARACTER SET utf8mb4 FIELDS TERMINATED BY ','
    OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\n';
    UPDATE attachments SET body = NULL WHERE body = '\\\\N';"
  pg -d postgres -c "CREATE DATABASE $2"
  pg -d "$2" -c "CREATE TABLE attachments (id BIGINT PRIMARY KEY, path TEXT, deleted INT, modified VARCHAR(30), body TEXT)" \
     -c "\\copy attachments FROM '$csv' WITH (FORMAT csv, NULL '\\N')" -c "VACUUM ANALYZE attachments"
}

live_manifest() { # corpus dir, engine, database → manifest file name
  local url
  if [ "$2" = mysql ]; then url="mysql://root@/$3?socket=$MY_SOCK"; else url="postgresql://postgres@/$3?host=$PG_HOST&port=$PG_PORT"; fi
  url=${url//&/\\&}   # sed: a bare & would stand for the matched text
  sed -e "s#^    sqlite: crm.sqlite#    $2: '$url'#" -e "s#^catalog: attache.db#catalog: $2.db#" "$1/attache.yaml" > "$1/$2-$3.yaml"
  echo "$2-$3.yaml"
}

live_refs() { # corpus dir, manifest → seconds (scan untimed)
  local dir=$1 manifest=$2 t0 t1
  rm -f "$dir/${manifest%%-*}.db"*
  (cd "$dir" && "$ATTACHE" scan -q --manifest "$manifest" >/dev/null 2>&1 || true)
  t0=$(now); (cd "$dir" && "$ATTACHE" refs -q --manifest "$manifest" >/dev/null 2>&1 || [ $? -eq 3 ]); t1=$(now)
  echo "$t1 - $t0" | bc -l
}

live_pipe() { # engine, database → seconds
  local t0 t1
  t0=$(now)
  # Through wc: a matcher writing to /dev/null may stop at the first match.
  if [ "$1" = mysql ]; then my -N --batch --raw "$2" -e 'SELECT id, path, deleted, modified, body FROM attachments' | $RG "$PATTERN" | wc -l > /dev/null
  else pg -d "$2" -c 'COPY attachments TO STDOUT' | $RG "$PATTERN" | wc -l > /dev/null; fi
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

live_rss() { # corpus dir, manifest → KB of the refs run
  local dir=$1 manifest=$2
  rm -f "$dir/${manifest%%-*}.db"*; (cd "$dir" && "$ATTACHE" scan -q --manifest "$manifest" >/dev/null 2>&1 || true)
  (cd "$dir" && /usr/bin/time -f '%M' -o /tmp/refs-rss.$$ "$ATTACHE" refs -q --manifest "$manifest" >/dev/null 2>&1 || true)
  tail -n 1 /tmp/refs-rss.$$; rm -f /tmp/refs-rss.$$
}

live_rows() { # prints the live rows of the table
  have rg || apt-get install -y -qq --no-install-recommends ripgrep >/dev/null 2>&1 || true
  if have rg; then RG="rg -o"; else RG="grep -oE"; fi
  live_start
  trap live_stop EXIT
  note "loading $RECORDS and $((RECORDS / 10)) records into MariaDB and PostgreSQL"
  live_load "$BIG" bench_big; live_load "$SMALL" bench_small
  local engine
  for engine in mysql postgresql; do
    local m; m=$(live_manifest "$BIG" "$engine" bench_big)
    local ms; ms=$(live_manifest "$SMALL" "$engine" bench_small)
    local LA=() LP=()
    for i in $(seq 1 "$RUNS"); do
      LA+=("$(live_refs "$BIG" "$m")"); LP+=("$(live_pipe "$engine" bench_big)")
      note "$engine round $i: attache ${LA[-1]} s, client | ${RG%% *} ${LP[-1]} s"
    done
    local la lp n rb rs
    la=$(printf '%s\n' "${LA[@]}" | median); lp=$(printf '%s\n' "${LP[@]}" | median)
    n=$(cd "$BIG" && "$ATTACHE" list refs --format csv --manifest "$m" | tail -n +2 | wc -l)
    rb=$(live_rss "$BIG" "$m"); rs=$(live_rss "$SMALL" "$ms")
    local client; if [ "$engine" = mysql ]; then client="mariadb -e 'SELECT …' | ${RG%% *} -o"; else client="psql -c 'COPY … TO STDOUT' | ${RG%% *} -o"; fi
    LIVE_OUT+=("$(printf '%-58s %10.2f %10.2f' "attache refs, $engine source ($RECORDS records)" "$la" "$(echo "$la / $lp" | bc -l)")")
    LIVE_OUT+=("$(printf '%-58s %10.2f %10.2f' "$client (same rows)" "$lp" 1)")
    LIVE_OUT+=("$engine: $n references, $(echo "$n / $la" | bc) references/s; attache / pipeline = $(printf '%.2f' "$(echo "$la / $lp" | bc -l)") (target ≤ 3.0); peak RSS $((rb / 1024)) MB at $RECORDS, $((rs / 1024)) MB at $((RECORDS / 10)) records")
    if [ -n "${FLOOR:-}" ]; then
      LIVE_OUT+=("$engine: the store floor alone (sqlite3 storing these rows, nothing read or extracted) = $(printf '%.2f' "$(echo "$FLOOR / $lp" | bc -l)") × the pipeline")
    fi
  done
}

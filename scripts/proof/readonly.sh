#!/usr/bin/env bash
# Read-only proof (DESIGN.md promise 1): the demo migration, as `make demo` builds it, run
# end to end (`attache run`, `attache rewrite --revert`, `attache run` again), leaves every
# source byte-identical: the legacy trees and the records (SQLite databases, the Salesforce
# CSV, the notes) are listed by scripts/proof/source_manifest.py before and after — raw path
# bytes, type, size, mtime (ns), mode, SHA-256 of every file, link targets, every SQLite
# table's rows — and the two manifests must be identical. When the live-database servers can
# be started (scripts/testdb/), LiveReferencesTests' refs-leaves-the-databases-untouched test
# (CHECKSUM TABLE / md5 of the ordered rows before and after) runs too.
# Last line on stdout: PROOF readonly|source bytes changed|N|pass or FAIL.
#   scripts/proof/readonly.sh [--no-live]
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${ATTACHE_BIN:-$repo/.build/debug/attache}"
live=1; [ "${1:-}" = "--no-live" ] && live=0
figure="source bytes changed"
fail() { echo "readonly: $*" >&2; echo "PROOF readonly|$figure|${value:-?}|FAIL"; exit 1; }
[ -x "$bin" ] || fail "no attache binary at $bin (make build)"
scratch="$(mktemp -d /tmp/attache-proof-readonly.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
demo="$scratch/demo"
python3 "$repo/demo/make_crm_fixtures.py" "$demo" >/dev/null || fail "demo/make_crm_fixtures.py failed"
python3 "$repo/demo/make_demo_tree.py" "$demo/legacy/fileserver/Archive" >/dev/null || fail "demo/make_demo_tree.py failed"
echo "policy: $repo/demo/policy.yaml" >> "$demo/attache.yaml"
manifest() { (cd "$demo" && python3 "$repo/scripts/proof/source_manifest.py" legacy records) > "$1" || fail "source_manifest.py failed"; }
manifest "$scratch/before.txt"
step() { # runs one attache command in the demo; 0 and 3 (per-file problems, on purpose) are fine
  (cd "$demo" && "$bin" "$@" >"$scratch/out.txt" 2>&1); local s=$?
  [ $s -eq 0 ] || [ $s -eq 3 ] || { cat "$scratch/out.txt" >&2; fail "attache $* exited $s"; }
  echo "readonly: attache $* → exit $s" >&2
}
step run -q
step rewrite --revert
step run -q
[ -f "$demo/report.html" ] && [ -d "$demo/target" ] || fail "attache run wrote no target or report: the proof would prove nothing"
manifest "$scratch/after.txt"
entries=$(grep -c . "$scratch/before.txt")
value=$(diff "$scratch/before.txt" "$scratch/after.txt" | grep -c '^[<>]')
if [ "$value" -ne 0 ]; then
  diff "$scratch/before.txt" "$scratch/after.txt" | head -20 >&2
  fail "$value manifest lines differ"
fi
echo "readonly: $entries manifest entries (legacy trees, records, SQLite tables) identical after run, revert, run" >&2

if [ $live -eq 1 ]; then
  # The live databases: LiveReferencesTests checksums every table before and after refs.
  filter='LiveReferencesTests/theSameReferencesAsSQLiteAndTheDatabasesUntouched'
  if [ -n "${ATTACHE_TEST_MYSQL_SOCKET:-}" ] && [ -n "${ATTACHE_TEST_PG_HOST:-}" ]; then run=(); else run=("$repo/scripts/testdb/with-databases.sh"); fi
  installed() { { command -v mariadbd || command -v mysqld; } >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }
  if [ ${#run[@]} -eq 0 ] || installed; then
    (cd "$repo" && swift build -q --build-tests) >&2 || fail "swift build --build-tests failed"
    (cd "$repo" && CI=true "${run[@]}" swift test --skip-build --filter "$filter") > "$scratch/live.txt" 2>&1
    s=$?
    grep -E "passed|failed|✘|Test run" "$scratch/live.txt" | tail -4 >&2
    [ $s -eq 0 ] || { value="live databases changed"; fail "$filter failed (MySQL/PostgreSQL tables changed, or the servers did not start)"; }
    grep -q "Test theSameReferencesAsSQLiteAndTheDatabasesUntouched.* passed" "$scratch/live.txt" \
      || { cat "$scratch/live.txt" >&2; fail "$filter did not run (no such test?)"; }
    figure="source bytes changed (files, SQLite, MySQL, PostgreSQL)"
  else
    echo "readonly: the live-database part is skipped (mariadb-server/postgresql not installed: make test-deps)" >&2
    figure="source bytes changed (files, SQLite; no live DB)"
  fi
fi
echo "PROOF readonly|$figure|$value|pass"

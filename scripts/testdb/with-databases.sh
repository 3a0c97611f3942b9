#!/usr/bin/env bash
# Runs a command with scratch MariaDB and PostgreSQL servers started for it (unix sockets in a
# folder of this run's own), then stops them, whatever the command's outcome:
#   scripts/testdb/with-databases.sh swift test --skip-build
# The command sees ATTACHE_TEST_MYSQL_SOCKET (superuser 'root' through the socket, no password)
# and ATTACHE_TEST_PG_HOST / ATTACHE_TEST_PG_PORT (superuser 'postgres' through the socket,
# trusted); the tests that need a server read them. Each engine's own script
# (mariadb.sh, postgresql.sh) says how its server is set up. A server that cannot start is
# reported and the command still runs: its tests then fail under CI=true and are skipped
# elsewhere (they say why).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$(mktemp -d /tmp/attache-testdb.XXXXXX)"
chmod 755 "$scratch"
stop() {
  "$here/mariadb.sh" stop "$scratch/mariadb" >/dev/null 2>&1 || true
  "$here/postgresql.sh" stop "$scratch/postgresql" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap stop EXIT
trap 'exit 130' INT TERM
started=$(date +%s)
if "$here/mariadb.sh" start "$scratch/mariadb" > "$scratch/mariadb.env"; then
  set -a; . "$scratch/mariadb.env"; set +a
else
  echo "testdb: MariaDB did not start (its tests will fail under CI, be skipped elsewhere)" >&2
fi
if "$here/postgresql.sh" start "$scratch/postgresql" > "$scratch/postgresql.env"; then
  set -a; . "$scratch/postgresql.env"; set +a
else
  echo "testdb: PostgreSQL did not start (its tests will fail under CI, be skipped elsewhere)" >&2
fi
echo "testdb: servers up in $(( $(date +%s) - started )) s (scratch $scratch)"
"$@"

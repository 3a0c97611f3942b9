#!/usr/bin/env bash
# A scratch PostgreSQL server for the tests (see with-databases.sh):
#   scripts/testdb/postgresql.sh start DIR   # prints ATTACHE_TEST_PG_HOST=DIR and ATTACHE_TEST_PG_PORT=PORT
#   scripts/testdb/postgresql.sh stop DIR
# The cluster lives in DIR/data, its unix socket in DIR, its log in DIR/postgresql.log.
# PostgreSQL refuses to run as root, so under root initdb and the server run as the 'postgres'
# system user (the Debian package creates it) and DIR is handed to that user.
# Authentication: the superuser 'postgres' is trusted through the socket (the tests' own
# connections); TCP on 127.0.0.1 asks for a password (scram-sha-256), so that the tests can
# prove password_env, PGPASSWORD and a wrong password. fsync is off: the data is thrown away.
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then echo "usage: $0 start|stop DIR" >&2; exit 2; fi

bindir=""
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -x "$candidate/initdb" ] && [ -x "$candidate/postgres" ]; then bindir="$candidate"; break; fi
done
if [ -z "$bindir" ] && command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ]; then echo "postgresql.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; fi

# Runs a command as the user that owns the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups --reset-env -- env PATH=/usr/bin:/bin "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then echo "postgresql.sh: no 'postgres' system user to run the server as" >&2; exit 1; fi
    chown postgres:postgres "$dir"
  fi
  log="$dir/postgresql.log"
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync > "$dir/initdb.log" 2>&1; then
    echo "postgresql.sh: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; exit 1
  fi
  # A free port on the loopback (the kernel picks one; it is released just before the server binds).
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$log" -W -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB" \
    > /dev/null 2>&1 || true
  ready=""
  for _ in $(seq 1 300); do
    if pg_isready -q -h "$dir" -p "$port" -U postgres 2>/dev/null || "$bindir/pg_isready" -q -h "$dir" -p "$port" -U postgres 2>/dev/null; then
      ready=1; break
    fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "postgresql.sh: the server did not become ready within 30 s; the end of its log ($log):" >&2
    tail -n 30 "$log" >&2 2>/dev/null || true
    as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
    exit 1
  fi
  echo "ATTACHE_TEST_PG_HOST=$dir"
  echo "ATTACHE_TEST_PG_PORT=$port"
  ;;
stop)
  [ -d "$dir/data" ] || exit 0
  dir="$(cd "$dir" && pwd)"
  as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 >/dev/null
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2
  ;;
esac

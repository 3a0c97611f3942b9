#!/usr/bin/env bash
# A scratch MariaDB server for the tests, in a folder of its own:
#   scripts/testdb/mariadb.sh start DIR   # prints ATTACHE_TEST_MYSQL_SOCKET=… and ATTACHE_TEST_MYSQL_PORT=…
#   scripts/testdb/mariadb.sh stop DIR
# `start` creates DIR/data with mariadb-install-db and runs mariadbd with --no-defaults (the
# machine's /etc/mysql settings and its system server are not involved): a unix socket at
# DIR/mysqld.sock and loopback TCP on a free port (127.0.0.1 only), pid file and log in DIR.
# The superuser 'root' connects through the socket with no password: by unix_socket
# authentication when the tests run as root (CI); otherwise root is created with an empty
# password (a throwaway server on loopback only). The server runs as the invoking user
# (--user=root when that is root). It waits until the server answers (at most
# 30 s; then it prints the log's tail on stderr and fails). `stop` shuts it down
# (mariadb-admin shutdown, then SIGTERM/SIGKILL to the pid) and waits for it to exit.
set -uo pipefail

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac
socket="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
log="$dir/mysqld.log"

find_binary() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
  done
  return 1
}

# A TCP port nothing listens on now (the kernel picks it; the short race with another process
# taking it before mariadbd binds is acceptable for a test server: start then fails clearly).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

fail() {
  echo "mariadb.sh: $*" >&2
  if [ -f "$log" ]; then echo "--- last lines of $log:" >&2; tail -n 25 "$log" >&2; fi
  exit 1
}

start() {
  local installdb server client admin
  installdb=$(find_binary mariadb-install-db mysql_install_db) || fail "mariadb-install-db not found (install mariadb-server: make test-deps)"
  server=$(find_binary mariadbd mysqld) || fail "mariadbd not found (install mariadb-server: make test-deps)"
  admin=$(find_binary mariadb-admin mysqladmin) || fail "mariadb-admin not found (install mariadb-client: make test-deps)"
  # A second server on the same folder would fail to start while the first answers the ping.
  [ ! -e "$dir/data" ] || { echo "mariadb.sh: $dir already holds a server's data; stop it and use a new folder" >&2; exit 1; }
  mkdir -p "$dir" || fail "cannot create $dir"
  chmod 755 "$dir"
  local user
  user=$(id -un)
  # As root: 'root' logs in through the socket as the unix user root. Otherwise unix_socket
  # would only admit a unix user named root, so root gets an empty password instead.
  local auth=socket
  [ "$(id -u)" = 0 ] || auth=normal
  if ! "$installdb" --no-defaults --user="$user" --datadir="$dir/data" --auth-root-authentication-method=$auth \
       --skip-test-db --skip-name-resolve >"$dir/install.log" 2>&1; then
    cat "$dir/install.log" >&2
    fail "mariadb-install-db failed"
  fi
  local port
  port=$(free_port) || fail "cannot find a free TCP port (python3 missing?)"
  # Small InnoDB buffers and no fsync per commit: a throwaway server that starts in seconds.
  "$server" --no-defaults --user="$user" --datadir="$dir/data" --socket="$socket" --pid-file="$pidfile" \
    --log-error="$log" --skip-networking=0 --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 \
    --skip-log-bin --max-connections=100 >>"$log" 2>&1 &
  local waited=0
  until "$admin" --no-defaults --socket="$socket" --user=root --connect-timeout=1 ping >/dev/null 2>&1; do
    if ! kill -0 $! 2>/dev/null; then fail "mariadbd exited while starting"; fi
    if [ $waited -ge 300 ]; then stop_server; fail "mariadbd did not answer within 30 s"; fi
    sleep 0.1; waited=$((waited + 1))
  done
  echo "ATTACHE_TEST_MYSQL_SOCKET=$socket"
  echo "ATTACHE_TEST_MYSQL_PORT=$port"
}

stop_server() {
  local admin pid=""
  [ -f "$pidfile" ] && pid=$(cat "$pidfile" 2>/dev/null)
  admin=$(find_binary mariadb-admin mysqladmin) && \
    "$admin" --no-defaults --socket="$socket" --user=root --connect-timeout=2 --shutdown-timeout=20 shutdown >/dev/null 2>&1
  [ -n "$pid" ] || return 0
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ $waited -eq 100 ]; then kill -TERM "$pid" 2>/dev/null; fi
    if [ $waited -eq 200 ]; then kill -KILL "$pid" 2>/dev/null; fi
    if [ $waited -ge 250 ]; then echo "mariadb.sh: mariadbd (pid $pid) does not exit" >&2; return 1; fi
    sleep 0.1; waited=$((waited + 1))
  done
}

case "$action" in
  start) start ;;
  stop) stop_server ;;
  *) usage ;;
esac

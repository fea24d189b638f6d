#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 server.
#
#   scripts/with-postgres.sh <command> [args...]
#
# Starts a private server in a temporary directory on a free loopback port (as the `postgres`
# system user when run as root: initdb and postgres refuse to run as root), waits until it accepts
# connections, creates the database `irsa_test`, then runs the command with:
#   IRSA_TEST_POSTGRES_URL    postgres://postgres@127.0.0.1:<port>/irsa_test
#   IRSA_TEST_POSTGRES_DATA   the data directory
#   IRSA_TEST_POSTGRES_BIN    the directory of the PostgreSQL programs (createdb, psql, ...)
#   IRSA_TEST_POSTGRES_STOP   a shell command that stops the server (fast shutdown, waits)
#   IRSA_TEST_POSTGRES_START  a shell command that starts it again (waits until it accepts)
# The server is always stopped and the directory removed afterwards; the exit code is the
# command's.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

PG_BIN="${IRSA_PG_BIN:-}"
if [[ -z "$PG_BIN" ]]; then
  for candidate in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
    if [[ -x "$candidate/initdb" ]]; then PG_BIN="$candidate"; break; fi
  done
fi
if [[ -z "$PG_BIN" || ! -x "$PG_BIN/initdb" ]]; then
  echo "with-postgres: no PostgreSQL server binaries found (install the postgresql package)" >&2
  exit 2
fi

# Run server-side tools as `postgres` when we are root.
as_pg=()
if [[ "$(id -u)" -eq 0 ]]; then as_pg=(runuser -u postgres --); fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/irsa-pg-XXXXXX")"
DATA="$WORK/data"
LOG="$WORK/postgres.log"
PORT="$(free_port)"
if [[ ${#as_pg[@]} -gt 0 ]]; then chown postgres: "$WORK"; fi
chmod 700 "$WORK"

cleanup() {
  local rc=$?
  if [[ -f "$DATA/postmaster.pid" ]]; then
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }

# Quoted for `sh -c` (system()); paths from mktemp contain no quotes.
START_CMD="${as_pg[*]} $PG_BIN/pg_ctl -D '$DATA' -l '$LOG' -w -t 60 -o \"-p $PORT -k '$WORK' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start"
STOP_CMD="${as_pg[*]} $PG_BIN/pg_ctl -D '$DATA' -m fast -w -t 60 stop"

if ! sh -c "$START_CMD" >/dev/null; then
  echo "with-postgres: server failed to start" >&2
  cat "$LOG" >&2 || true
  exit 1
fi
for _ in $(seq 1 100); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.1
done
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres irsa_test

export IRSA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/irsa_test"
export IRSA_TEST_POSTGRES_DATA="$DATA"
export IRSA_TEST_POSTGRES_BIN="$PG_BIN"
export IRSA_TEST_POSTGRES_STOP="$STOP_CMD >/dev/null"
export IRSA_TEST_POSTGRES_START="$START_CMD >/dev/null"

set +e
"$@"
status=$?
set -e
exit "$status"

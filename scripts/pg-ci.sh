#!/usr/bin/env bash
# Finds or starts a PostgreSQL for the test suite and prints the line to use it:
#   eval "$(bash scripts/pg-ci.sh)"      → export TEST_DATABASE_URL=postgres://…
#   bash scripts/pg-ci.sh stop           → stops (and removes) the cluster this script started
#
# 1. A server that already answers on PG_PROBE_HOST:PG_PROBE_PORT (default 127.0.0.1:5432) with a
#    database `test` for user postgres is used as is.
# 2. Otherwise the script runs its own throw-away cluster on 127.0.0.1:PGCI_PORT (default 54329)
#    in PGCI_DIR, installing PostgreSQL with apt-get first if no /usr/lib/postgresql/*/bin exists.
#    Running it again reuses that cluster. Debian's initdb refuses root, so as root the cluster
#    belongs to the postgres user; its own port and socket dir keep it clear of Debian's cluster.
# Quiet on success: stdout carries only the export line, errors go to stderr.
set -euo pipefail

PROBE_HOST="${PG_PROBE_HOST:-127.0.0.1}"
PROBE_PORT="${PG_PROBE_PORT:-5432}"
OWN_PORT="${PGCI_PORT:-54329}"
OWN_DIR="${PGCI_DIR:-${TMPDIR:-/tmp}/flightdeck-pgci-$(id -u)}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fail() {
  echo "pg-ci: $*" >&2
  exit 1
}

is_root() { [ "$(id -u)" = 0 ]; }

as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when `url` accepts a connection and answers a query.
answers() {
  local url="$1"
  if command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT=3 psql -X -w -q -tA -c 'select 1' "$url" >/dev/null 2>&1
  elif [ -d "$REPO_ROOT/node_modules/pg" ]; then
    (cd "$REPO_ROOT" && node -e "
      const c = new (require('pg').Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
      c.connect().then(() => c.query('select 1')).then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
    " "$url") >/dev/null 2>&1
  else
    local host="${url#*@}"
    host="${host%%/*}"
    pg_isready -q -h "${host%:*}" -p "${host##*:}" -d "${url##*/}" -U postgres
  fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

install_postgres() {
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
      fail "PostgreSQL is not installed and $(id -un) cannot install it; run as root or install postgresql"
    sudo=(sudo -n)
  fi
  "${sudo[@]}" apt-get update -qq >&2 || fail "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql \
    >/dev/null || fail "apt-get install postgresql failed"
}

stop_own() {
  local bin
  bin="$(pg_bin)"
  if [ -n "$bin" ] && [ -f "$OWN_DIR/data/postmaster.pid" ]; then
    as_pg "$bin/pg_ctl" -D "$OWN_DIR/data" -m fast -w stop >/dev/null || fail "could not stop the cluster in $OWN_DIR"
  fi
  rm -rf "$OWN_DIR"
}

start_own() {
  local bin url="postgres://postgres@127.0.0.1:$OWN_PORT/test"
  [ -n "$(pg_bin)" ] || install_postgres
  bin="$(pg_bin)"
  [ -n "$bin" ] || fail "no /usr/lib/postgresql/*/bin after installing postgresql"
  if is_root && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir "$OWN_DIR" --shell /usr/sbin/nologin postgres || fail "could not create user postgres"
  fi

  mkdir -p "$OWN_DIR"
  if is_root; then chown postgres:postgres "$OWN_DIR"; fi
  # Two CI runs starting at once must not both run initdb in the same directory.
  exec 9>>"$OWN_DIR/.lock"
  flock -w 120 9 || fail "another run holds $OWN_DIR/.lock"

  if [ ! -f "$OWN_DIR/data/PG_VERSION" ]; then
    rm -rf "$OWN_DIR/data"
    as_pg "$bin/initdb" -D "$OWN_DIR/data" -A trust -U postgres --no-sync >"$OWN_DIR/initdb.log" 2>&1 ||
      fail "initdb failed: $(tail -5 "$OWN_DIR/initdb.log")"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$OWN_DIR/data" status >/dev/null 2>&1; then
    # The server must not inherit the lock (fd 9), or it would hold it for its whole life.
    # Durability is pointless for a throw-away test database; these settings make it several times faster.
    as_pg "$bin/pg_ctl" -D "$OWN_DIR/data" -l "$OWN_DIR/postgres.log" -w -t 30 start -o "-c listen_addresses=127.0.0.1 \
      -p $OWN_PORT -c unix_socket_directories=$OWN_DIR -c fsync=off -c synchronous_commit=off \
      -c full_page_writes=off" >/dev/null 2>&1 9>&- || fail "PostgreSQL did not start: $(tail -5 "$OWN_DIR/postgres.log")"
  fi
  if ! answers "$url"; then
    as_pg "$bin/psql" -X -q -h "$OWN_DIR" -p "$OWN_PORT" -U postgres -d postgres -c 'create database test' \
      >/dev/null 2>&1 || true
    answers "$url" || fail "the cluster in $OWN_DIR does not answer on $url (log: $OWN_DIR/postgres.log)"
  fi
  echo "export TEST_DATABASE_URL=$url"
}

case "${1:-start}" in
  stop) stop_own ;;
  start)
    probe_url="postgres://postgres@$PROBE_HOST:$PROBE_PORT/test"
    if answers "$probe_url"; then
      echo "export TEST_DATABASE_URL=$probe_url"
    else
      start_own
    fi
    ;;
  *) fail "usage: $0 [start|stop]" ;;
esac

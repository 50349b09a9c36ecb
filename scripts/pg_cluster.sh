#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests: its own data folder and port on 127.0.0.1.
#   settings=$(bash scripts/pg_cluster.sh start DIR [PORT]) && eval "$settings"   # export FIELDDESK_TEST_PG_URL=…
#   bash scripts/pg_cluster.sh stop DIR
# initdb refuses to run as root: as root the cluster runs as the 'postgres' user (Debian's package
# makes it) through runuser. The superuser's password is random and only in the environment.
set -euo pipefail
action=${1:?start|stop}
dir=${2:?data folder}
port=${3:-}

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do bindir=$d; break; done
if [ -z "$bindir" ] && command -v pg_ctl >/dev/null 2>&1; then bindir=$(dirname "$(command -v pg_ctl)"); fi
[ -n "$bindir" ] || { echo "PostgreSQL server programs not found (apt-get install postgresql)" >&2; exit 3; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
start)
  [ -n "$port" ] || port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
  printf '%s\n' "$password" > "$dir/.pw"
  [ "$(id -u)" = 0 ] && chown postgres "$dir/.pw"
  chmod 600 "$dir/.pw"
  as_owner "$bindir/initdb" -D "$dir/pgdata" -U fd_admin --auth=scram-sha-256 --pwfile="$dir/.pw" \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/.pw"
  # tests make and drop a database per test: durability is not needed, speed is
  as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "export FIELDDESK_TEST_PG_URL='postgresql+psycopg://fd_admin@127.0.0.1:$port/postgres'"
  echo "export FIELDDESK_DB_PASSWORD='$password'"
  echo "export PATH='$bindir':\"\$PATH\""
  ;;
stop)
  if [ -d "$dir/pgdata" ]; then as_owner "$bindir/pg_ctl" -D "$dir/pgdata" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac

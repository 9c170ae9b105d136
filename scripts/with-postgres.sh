#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a free loopback port, then remove it.
# initdb and postgres refuse to run as root, so as root the cluster runs as the 'postgres' user
# (or 'nobody'). If no server binaries are found and we are root, Debian's postgresql is installed.
set -euo pipefail

find_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
}

PGBIN=$(find_bin || true)
if [ -z "${PGBIN}" ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "with-postgres: installing Debian's postgresql" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(find_bin)
  else
    echo "with-postgres: no initdb/pg_ctl found; install PostgreSQL (Debian: apt-get install postgresql)" >&2
    exit 1
  fi
fi

RUNAS=()
if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then PGUSER_OS=postgres; else PGUSER_OS=nobody; fi
  RUNAS=(runuser -u "$PGUSER_OS" --)
fi

PGDATA_DIR=$(mktemp -d /tmp/laobao-pg.XXXXXX)
chmod 755 "$PGDATA_DIR"
[ ${#RUNAS[@]} -gt 0 ] && chown "$PGUSER_OS" "$PGDATA_DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA_DIR"
}
trap cleanup EXIT

"${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDATA_DIR/data" -U laobao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $PGDATA_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "with-postgres: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

export DATABASE_URL="postgres://laobao@127.0.0.1:$PORT/postgres"
"$@"

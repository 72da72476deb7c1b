#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth and a database `test`.
# Uses the machine's server where one runs; otherwise installs Debian's PostgreSQL and starts a
# throwaway cluster for the test run. The PostgreSQL tests are never skipped.
set -euo pipefail
PORT=${CHAINATLAS_PG_PORT:-5432}
answer() { pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }
if command -v pg_isready >/dev/null && answer; then
  psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "select 1 from pg_database where datname='test'" | grep -q 1 \
    || psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "create database test" >/dev/null
  exit 0
fi
if [ "$PORT" = 5432 ] && ls /etc/postgresql/*/main >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
  answer && exit 0
fi
echo "No PostgreSQL on 127.0.0.1:$PORT — installing a throwaway server from Debian's packages"
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
BINDIR=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
DATA=$(mktemp -d /tmp/chainatlas-pg.XXXXXX)
chown postgres "$DATA"
su postgres -c "$BINDIR/initdb -D $DATA -U postgres --auth=trust" >/dev/null
su postgres -c "$BINDIR/pg_ctl -D $DATA -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1' -l $DATA/log start" >/dev/null
for _ in $(seq 30); do answer && break; sleep 1; done
psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "create database test" >/dev/null
echo "throwaway PostgreSQL for the tests: data in $DATA, port $PORT"

# Sourced by scripts/test and scripts/bench: starts a throwaway PostgreSQL and Redis from
# the installed binaries on free ports, exports where they are, and stops them on exit.
# Expects: BIN (the virtualenv's bin), WHO ("make test" or "make bench", for messages) and
# EXTRA_TOOLS (what else the command needs, for scripts/prereqs.sh: "chromium" or "").

source scripts/prereqs.sh
ensure postgresql redis ${EXTRA_TOOLS:-}  # installs what is missing if it may, else says how and stops
pg_bin=$(pg_bin_dir)

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

tmp=$(mktemp -d -t workflow-services-XXXXXX)
chmod 755 "$tmp"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root; its cluster belongs to the postgres user.
  as_pg=(runuser -u postgres --)
  chown postgres "$tmp"
fi

cleanup() {
  status=$?
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true
  rm -rf "$tmp"
  exit $status
}
trap cleanup EXIT INT TERM

pg_port=$(free_port)
redis_port=$(free_port)
"${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres -A trust -E UTF8 --no-locale >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -o \
  "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$tmp/pg.log" >&2; exit 1; }
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$tmp/redis.pid" --dir "$tmp" --logfile "$tmp/redis.log"

# The fault tests restart PostgreSQL under load with this.
printf '#!/bin/sh\nexec %s %s/pg_ctl -D %s/pg -m fast -w restart >/dev/null\n' "${as_pg[*]:-}" "$pg_bin" "$tmp" > "$tmp/restart-postgres"
chmod +x "$tmp/restart-postgres"
export TEST_PG_RESTART="$tmp/restart-postgres"
export CELERY_BROKER_URL="redis://127.0.0.1:$redis_port/0"
export REDIS_URL="$CELERY_BROKER_URL"
export DATA_DIR="$tmp/data"
# Production settings, except that the local servers speak plain HTTP.
export DEBUG=false CONN_MAX_AGE=0 SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"

#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers on loopback for the store tests.
#
#   scripts/services.sh start   install (if needed) and start both; prints the URLs to export
#   scripts/services.sh stop    stop both and remove their data
#   scripts/services.sh env     print the export lines only
#
# PostgreSQL: Debian's server binaries; `initdb` refuses root, so the cluster belongs to the
# `postgres` user, in a fresh directory. Redis: Debian's redis-server, no persistence files
# outside its directory. Ports: MFAKIT_PG_PORT (54329) and MFAKIT_REDIS_PORT (63799).
set -euo pipefail

PG_PORT=${MFAKIT_PG_PORT:-54329}
REDIS_PORT=${MFAKIT_REDIS_PORT:-63799}
BASE=${MFAKIT_SERVICES_DIR:-/tmp/mfakit-services}
PG_DATA=$BASE/pg
REDIS_DIR=$BASE/redis
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$d" ] && echo "$d"
}

install() {
  local need=()
  [ -n "$(pg_bin)" ] || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  if [ ${#need[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  # The package may start its own default servers; ours use other ports, so leave them be.
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
  local bin; bin=$(pg_bin)
  if as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then return; fi
  rm -rf "$PG_DATA"; mkdir -p "$BASE"; chmod 755 "$BASE"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
  as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 >/dev/null
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c max_connections=200 -c fsync=on" start >/dev/null
  as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE mfakit_test" >/dev/null
}

start_redis() {
  mkdir -p "$REDIS_DIR"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --daemonize yes \
    --save "" --appendonly yes --appendfsync always --logfile "$REDIS_DIR/log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "redis did not start" >&2; exit 1
}

# A three-primary Redis Cluster on CLUSTER_PORTS, for the redis+cluster:// backend.
CLUSTER_PORTS=${MFAKIT_REDIS_CLUSTER_PORTS:-"46381 46382 46383"}
# (cluster bus ports are these + 10000, so they must stay below 55536)

start_cluster() {
  local first; first=${CLUSTER_PORTS%% *}
  if redis-cli -p "$first" cluster info 2>/dev/null | grep -q "cluster_state:ok"; then return; fi
  local nodes=()
  for p in $CLUSTER_PORTS; do
    mkdir -p "$REDIS_DIR/cluster-$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$REDIS_DIR/cluster-$p" --daemonize yes \
      --cluster-enabled yes --cluster-config-file nodes.conf --save "" --appendonly no \
      --logfile "$REDIS_DIR/cluster-$p/log" >/dev/null
    nodes+=("127.0.0.1:$p")
  done
  for p in $CLUSTER_PORTS; do
    for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >/dev/null
  for _ in $(seq 100); do
    redis-cli -p "$first" cluster info | grep -q "cluster_state:ok" && return
    sleep 0.1
  done
  echo "redis cluster did not become ready" >&2; exit 1
}

print_env() {
  echo "export MFAKIT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PG_PORT/mfakit_test"
  echo "export MFAKIT_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export MFAKIT_TEST_REDIS_CLUSTER_URL=redis+cluster://$(echo $CLUSTER_PORTS | sed 's/\([0-9]*\)/127.0.0.1:\1/g; s/ /,/g')"
}

case "${1:-}" in
  start) install; start_pg; start_redis; start_cluster; print_env ;;
  stop)
    bin=$(pg_bin || true)
    [ -n "$bin" ] && as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for p in $CLUSTER_PORTS; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$BASE" ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

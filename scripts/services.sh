#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers on loopback for the store tests.
#
#   scripts/services.sh start   install (if needed) and start them; prints the URLs to export
#   scripts/services.sh stop    stop them and remove their data
#   scripts/services.sh env     print the export lines only
#
# PostgreSQL: Debian's server binaries; `initdb` refuses root, so the cluster belongs to the
# `postgres` user, in a fresh directory. Redis: Debian's redis-server, no persistence files
# outside its directory, plus a three-primary Redis Cluster for `redis+cluster://`.
#
# Ports sit below Linux's ephemeral range (32768-60999), so an outgoing connection of some
# other program can never hold them: MFAKIT_PG_PORT (15432), MFAKIT_REDIS_PORT (16379),
# MFAKIT_REDIS_CLUSTER_PORTS ("17001 17002 17003"; their cluster bus ports are +10000).
#
# Every step's output goes to $BASE/services.log; when a step fails, the script says which on
# stderr and prints the end of that log and of the servers' own logs, so a CI run shows why.
set -eEuo pipefail

PG_PORT=${MFAKIT_PG_PORT:-15432}
REDIS_PORT=${MFAKIT_REDIS_PORT:-16379}
CLUSTER_PORTS=${MFAKIT_REDIS_CLUSTER_PORTS:-"17001 17002 17003"}
BASE=${MFAKIT_SERVICES_DIR:-/tmp/mfakit-services}
PG_DATA=$BASE/pg
REDIS_DIR=$BASE/redis
LOG=$BASE/services.log
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
STEP="setup"

fail() {
  local rc=$?
  {
    echo "scripts/services.sh: '$STEP' failed (exit $rc)"
    for f in "$LOG" "$PG_DATA/log" "$REDIS_DIR/log" "$REDIS_DIR"/cluster-*/log; do
      [ -s "$f" ] || continue
      echo "--- last lines of $f"
      tail -n 25 "$f"
    done
  } >&2
  exit "$rc"
}

# Runs "$@" with its output appended to the log; a failure ends the script through `fail`.
run() {
  echo "+ $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 0
}

install() {
  STEP="install postgresql and redis-server"
  local need=()
  [ -n "$(pg_bin)" ] || need+=(postgresql)
  command -v redis-server >/dev/null || need+=(redis-server)
  command -v redis-cli >/dev/null || need+=(redis-tools)
  if [ ${#need[@]} -gt 0 ]; then
    # The machine may still be running its own apt at boot: wait for its lock, not fail on it.
    run $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    run env DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 \
      install -y -qq --no-install-recommends "${need[@]}"
  fi
  [ -n "$(pg_bin)" ] || { echo "no PostgreSQL server binaries under /usr/lib/postgresql" >>"$LOG"; return 1; }
  # The packages may start their own default servers; ours use other ports, so leave them be.
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start_pg() {
  local bin
  bin=$(pg_bin)
  STEP="start PostgreSQL on 127.0.0.1:$PG_PORT"
  if as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then return 0; fi
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DATA"; fi
  run as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8
  run as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/log" -w -t 120 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k /tmp -c max_connections=200 -c fsync=on" start
  run as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE mfakit_test"
}

wait_redis() {
  local port=$1 _
  for _ in $(seq 200); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis on port $port did not answer PING within 20 s" >>"$LOG"
  return 1
}

start_redis() {
  STEP="start Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
  run redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --daemonize yes \
    --save "" --appendonly yes --appendfsync always --logfile "$REDIS_DIR/log"
  wait_redis "$REDIS_PORT"
}

start_cluster() {
  local first=${CLUSTER_PORTS%% *} nodes=() p _
  STEP="start the Redis Cluster on ports $CLUSTER_PORTS"
  if redis-cli -p "$first" cluster info 2>/dev/null | grep -q "cluster_state:ok"; then return 0; fi
  for p in $CLUSTER_PORTS; do
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
    rm -rf "$REDIS_DIR/cluster-$p"
    mkdir -p "$REDIS_DIR/cluster-$p"
    run redis-server --port "$p" --bind 127.0.0.1 --dir "$REDIS_DIR/cluster-$p" --daemonize yes \
      --cluster-enabled yes --cluster-config-file nodes.conf --save "" --appendonly no \
      --logfile "$REDIS_DIR/cluster-$p/log"
    nodes+=("127.0.0.1:$p")
  done
  for p in $CLUSTER_PORTS; do wait_redis "$p"; done
  # redis-cli prints its errors on stdout, hence `run` (into the log) rather than >/dev/null.
  run redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes
  for _ in $(seq 300); do
    redis-cli -p "$first" cluster info 2>/dev/null | grep -q "cluster_state:ok" && return 0
    sleep 0.1
  done
  echo "the cluster did not reach cluster_state:ok within 30 s" >>"$LOG"
  redis-cli -p "$first" cluster info >>"$LOG" 2>&1 || true
  return 1
}

print_env() {
  echo "export MFAKIT_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$PG_PORT/mfakit_test"
  echo "export MFAKIT_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
  echo "export MFAKIT_TEST_REDIS_CLUSTER_URL=redis+cluster://$(echo $CLUSTER_PORTS | sed 's/\([0-9]*\)/127.0.0.1:\1/g; s/ /,/g')"
}

case "${1:-}" in
  start)
    mkdir -p "$BASE"
    chmod 755 "$BASE"
    : >"$LOG"
    trap fail ERR
    install
    start_pg
    start_redis
    start_cluster
    trap - ERR
    print_env ;;
  stop)
    bin=$(pg_bin)
    if [ -n "$bin" ]; then as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true; fi
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    for p in $CLUSTER_PORTS; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$BASE" ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Hostile and unlucky clients against `wharf serve`, each while a probe (another client, from
# 127.0.0.2) measures what the registry's other users get: io.wharf.benchmarks.Attack does the
# attacks and the probe; this script starts a fresh server for each attack, so that one attack's
# aftermath does not count against the next, and runs the shutdown attack itself.
#
# Attacks (ATTACKS, default all, in this order):
#   big-manifest   150 clients GET a 4 MiB manifest 3 times each at once (direct memory)
#   slow-bodies    200 PATCH bodies trickling a byte every 15 s for SECONDS_SLOW (default 60)
#   session-flood  10,000 empty upload POSTs from one client (at most 40 s)
#   busy-session   status GET, PUT and DELETE of 5 uploads whose PATCH stalls
#   shutdown       SIGTERM while an upload trickles in: time to exit, exit status, log lines
#
# Which server: this tree's ./wharf serve (the launcher, its JVM flags); WHARF_JAR=/path/wharf.jar
# runs another build instead (java -Xmx256m -XX:+UseParallelGC -jar ..., as the launcher does),
# e.g. one built from an earlier commit, to see an attack succeed before its fix.
# Prints one block per attack; "during"/"after" lines are the probe's latencies (ms) and failures.
# The attacker runs under `nice -n 19` and the probe in a JVM of its own at normal priority: on a
# network the attacker's CPU is not the server's. Loopback only; bounded: about 4 minutes for all.
# Needs java, curl, python3, mkfifo.
set -euo pipefail
cd "$(dirname "$0")/.."
ATTACKS="${ATTACKS:-big-manifest slow-bodies session-flood busy-session shutdown}"
SECONDS_SLOW="${SECONDS_SLOW:-60}"
WORK="$(mktemp -d /tmp/wharf-attacks.XXXXXX)"
SERVER_PID=""
trap '[ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

for tool in curl java python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }
done
[ -n "${WHARF_JAR:-}" ] || [ -f wharf-cli/target/wharf.jar ] || ./wharf --version >/dev/null
[ -f benchmarks/target/benchmarks.jar ] \
  || mvn -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

start_server() {  # -> sets PORT, SERVER_PID, LOG
  PORT="$(free_port)"; local data="$WORK/data-$1"; LOG="$WORK/$1.log"; mkdir -p "$data"
  if [ -n "${WHARF_JAR:-}" ]; then
    java -Xmx256m -XX:+UseParallelGC -jar "$WHARF_JAR" serve --listen "127.0.0.1:$PORT" --data "$data" > "$LOG" 2>&1 &
  else
    ./wharf serve --listen "127.0.0.1:$PORT" --data "$data" > "$LOG" 2>&1 &
  fi
  SERVER_PID=$!
  wait_up "$PORT"
}

stop_server() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

attack() { java -Xmx512m ${ATTACK_OPTS:-} -cp benchmarks/target/benchmarks.jar io.wharf.benchmarks.Attack "$@"; }

# An attack with a probe: the attacker runs at the lowest CPU priority, as if it were on another
# machine (on two cores its own 150 threads otherwise slowed the probe more than the server did);
# the probe runs at normal priority in a JVM of its own, driven through two FIFOs.
attack_probed() {
  local cmd="$WORK/probe.cmd" res="$WORK/probe.res"
  rm -f "$cmd" "$res"; mkfifo "$cmd" "$res"
  java -Xmx128m ${ATTACK_OPTS:-} -cp benchmarks/target/benchmarks.jar io.wharf.benchmarks.Attack \
    "$1" probe < "$cmd" > "$res" &
  local probe=$!
  nice -n 19 java -Xmx512m ${ATTACK_OPTS:-} -Dprobe.commands="$cmd" -Dprobe.answers="$res" \
    -cp benchmarks/target/benchmarks.jar io.wharf.benchmarks.Attack "$@"
  wait "$probe"
}

server_errors() {  # what the server logged that a user would worry about
  local n; n="$(grep -c -E 'ERROR|OutOfMemoryError|Exception' "$LOG" || true)"
  echo "  server log: $n lines with ERROR/Exception$( [ "$n" -gt 0 ] && echo ", first: $(grep -m1 -E 'ERROR|OutOfMemoryError|Exception' "$LOG" | cut -c1-160)")"
}

echo "server: ${WHARF_JAR:-./wharf serve ($(git rev-parse --short HEAD))}"
for a in $ATTACKS; do
  start_server "$a"
  case "$a" in
    slow-bodies) attack_probed "$PORT" slow-bodies "$SECONDS_SLOW" ;;
    big-manifest | session-flood) attack_probed "$PORT" "$a" ;;
    busy-session) attack "$PORT" "$a" ;;
    shutdown)
      attack "$PORT" trickle 120 > "$WORK/trickle.out" 2>&1 &
      trickler=$!
      for _ in $(seq 1 100); do grep -q trickling "$WORK/trickle.out" && break; sleep 0.1; done
      sleep 2  # the PATCH is in the server, reading its body
      t0="$(now)"
      kill -TERM "$SERVER_PID"
      status=0; wait "$SERVER_PID" || status=$?
      t1="$(now)"; SERVER_PID=""
      wait "$trickler" || true
      echo "shutdown: SIGTERM with an upload trickling in: exited $status after $(python3 -c "print(f'{$t1 - $t0:.1f}')") s"
      echo "  client: $(grep trickle: "$WORK/trickle.out" || echo 'no outcome')"
      echo "  server's last lines:"; tail -n 3 "$LOG" | cut -c1-200 | sed 's/^/    /'
      ;;
    *) echo "unknown attack $a"; exit 2 ;;
  esac
  if [ -n "$SERVER_PID" ]; then
    server_errors
    curl -fsS -o /dev/null -w '  afterwards GET /v2/: %{http_code} in %{time_total} s\n' "http://127.0.0.1:$PORT/v2/" || echo "  afterwards GET /v2/ failed"
    stop_server
  fi
done

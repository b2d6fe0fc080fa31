#!/usr/bin/env bash
# Runs Wharf's garbage collection benchmarks (about 10 minutes on 2 cores) and prints their figures
# with the targets of issue 15:
#
#   1. GcDecisionsBenchmark  1,000,000 blobs of metadata (1,000 repositories x 1,000 links, 10%
#                            unreferenced) in SQLite, and a blob store that lists the same digests
#                            without bytes: a full dry run (mark and sweep decisions), the full
#                            applied run, an incremental run. Target: each full run < 60 s.
#   2. GcSweepBenchmark      100,000 unlinked, month-old small blobs in the filesystem store:
#                            the applied run that deletes them. Target: < 60 s.
#   3. GcLatencyBenchmark    p99 of concurrent manifest GETs (8 keep-alive connections) against the
#                            engine on the single-node store, without and with a collection loop
#                            (paced as wharf serve paces it; GC_DUTY_CYCLE=1 runs it flat out),
#                            paired in rounds with an A/A control. Target: rise < 20%.
#
# Builds target/benchmarks.jar first when it is missing (extra Maven flags in $MVN_ARGS, e.g. -o).
# The data goes to a temporary folder under $TMPDIR (about 2 GiB at most) and is removed; the
# figures stay in benchmarks/target/bench-results (gc-*.properties and gc-*.log).
#
# Usage: [PHASE_SECONDS=10] [ROUNDS=3] [GC_DUTY_CYCLE=0.1] benchmarks/run-gc.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JAR="$HERE/target/benchmarks.jar"
RESULTS="$HERE/target/bench-results"
DATA="$(mktemp -d "${TMPDIR:-/tmp}/wharf-gc-bench.XXXXXX")"
trap 'rm -rf "$DATA"' EXIT

if [[ ! -f "$JAR" ]]; then
  echo "== building $JAR"
  # shellcheck disable=SC2086
  (cd "$ROOT" && mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl benchmarks -am)
fi
mkdir -p "$RESULTS"
FLAGS=(-Dwharf.bench.data="$DATA" -Dwharf.bench.results="$RESULTS")
echo "== load at start: $(uptime)"

STATUS=0
run() {  # name, then the java arguments
  local name="$1"
  shift
  echo
  echo "== $name"
  if ! java "${FLAGS[@]}" "$@" 2>&1 | grep -v '^SLF4J' | tee "$RESULTS/$name.log"; then
    echo "!! $name failed (see $RESULTS/$name.log)"
    STATUS=1
  fi
}

run gc-decisions -Xmx1500m -cp "$JAR" io.wharf.benchmarks.GcDecisionsBenchmark
run gc-sweep -Xmx512m -cp "$JAR" io.wharf.benchmarks.GcSweepBenchmark
run gc-latency -Xmx512m ${GC_DUTY_CYCLE:+-Dwharf.bench.gc.dutyCycle=$GC_DUTY_CYCLE} -cp "$JAR" \
  io.wharf.benchmarks.GcLatencyBenchmark "${PHASE_SECONDS:-10}" "${ROUNDS:-3}"

echo
echo "== load at end: $(uptime)"
echo
echo "================ Wharf garbage collection benchmarks: summary ================"
grep -h -E 'WHARF gc-[a-z]+: (dry-run|applied|incremental|target|[0-9]+ blobs left|median)' \
  "$RESULTS"/gc-decisions.log "$RESULTS"/gc-sweep.log "$RESULTS"/gc-latency.log || true
echo "=============================================================================="
exit "$STATUS"

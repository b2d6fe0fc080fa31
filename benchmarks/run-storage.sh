#!/usr/bin/env bash
# Runs Wharf's storage benchmarks with short settings on 2 cores (about 5 minutes) and prints
# every figure next to its target:
#
#   1. BlobCommitBenchmark  1 GiB commit to FileSystemBlobStore, durable and not, and the JVM's raw
#                           SHA-256 of the same bytes: wall, MB/s, CPU; commit CPU / SHA-256 CPU
#                           <= 1.25
#   2. HeapFlatness         peak used heap committing 64 MiB, 256 MiB and 1 GiB with -Xmx64m: flat
#   3. MetadataBenchmark    SQLite, 100,000 tags: a page of 100 tags < 5 ms; putManifest p50 < 2 ms
#
# Builds target/benchmarks.jar first when it is missing (extra Maven flags in $MVN_ARGS, e.g. -o).
# Needs about 1.1 GiB free under benchmarks/target (removed again) and python3 for the summary.
# Full JMH logs and JSON results stay in benchmarks/target/bench-results.
#
# Usage: benchmarks/run-storage.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JAR="$HERE/target/benchmarks.jar"
RESULTS="$HERE/target/bench-results"
DATA="$HERE/target/bench-data"
CORES=2

if [[ ! -f "$JAR" ]]; then
  echo "== building $JAR"
  # shellcheck disable=SC2086
  (cd "$ROOT" && mvn -B -q ${MVN_ARGS:-} install -DskipTests -pl benchmarks -am)
fi

# Two cores: pinned when the machine has more, and the JVMs told so either way.
PIN=()
if [[ "$(nproc)" -gt "$CORES" ]] && command -v taskset >/dev/null; then
  PIN=(taskset -c "0-$((CORES - 1))")
fi
JVM_FLAGS="-XX:ActiveProcessorCount=$CORES -Dwharf.bench.data=$DATA -Dwharf.bench.results=$RESULTS"

rm -rf "$RESULTS"
mkdir -p "$RESULTS" "$DATA"
cd "$HERE"

LOAD_START="$(uptime)"
echo "== load at start: $LOAD_START"
echo "== cores: $(nproc) on the machine, benchmarks on $CORES"

STATUS=0
run() {
  local name="$1"
  shift
  echo
  echo "== $name"
  if ! ${PIN[@]+"${PIN[@]}"} "$@" 2>&1 | tee "$RESULTS/$name.log"; then
    echo "!! $name failed (see $RESULTS/$name.log)"
    STATUS=1
  fi
}

# 1. One warm-up and three measured 1 GiB operations per variant.
run blob-commit java -jar "$JAR" BlobCommitBenchmark \
  -f 1 -wi 1 -i 3 -jvmArgsAppend "$JVM_FLAGS" \
  -rf json -rff "$RESULTS/blob-commit.json"

# 2. A plain program with a 64 MiB heap.
# shellcheck disable=SC2086
run heap-flatness java -Xmx64m $JVM_FLAGS -cp "$JAR" io.wharf.benchmarks.HeapFlatness

# 3. Two 2 s warm-up and three 3 s measurement iterations per benchmark.
run metadata java -jar "$JAR" MetadataBenchmark \
  -f 1 -wi 2 -w 2s -i 3 -r 3s -jvmArgsAppend "$JVM_FLAGS" \
  -rf json -rff "$RESULTS/metadata.json"

LOAD_END="$(uptime)"
echo
echo "== load at end: $LOAD_END"

if ! command -v python3 >/dev/null; then
  echo "python3 is missing: the figures are in $RESULTS" >&2
  exit 1
fi

python3 - "$RESULTS" "$LOAD_START" "$LOAD_END" <<'PY'
import json, os, sys

results, load_start, load_end = sys.argv[1], sys.argv[2], sys.argv[3]


def props(name):
    path = os.path.join(results, name + ".properties")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


def verdict(ok):
    return "PASS" if ok else "FAIL"


print()
print("================ Wharf storage benchmarks: summary ================")
print("load at start:", load_start.strip())
print("load at end:  ", load_end.strip())

print()
print("1. Blob commit, 1 GiB in 64 MiB chunks (means of the measured iterations)")
rows = [("commit, durable", "blob-commit-durable"),
        ("commit, durable(false)", "blob-commit-nondurable"),
        ("raw SHA-256 (JDK)", "blob-sha256")]
figures = {}
for label, name in rows:
    p = props(name)
    figures[name] = p
    if p is None:
        print(f"   {label:24} missing")
        continue
    print(f"   {label:24} wall {float(p['wall.s']):7.3f} s  {float(p['throughput.MBps']):8.1f} MB/s"
          f"  thread CPU {float(p['thread.cpu.s']):6.3f} s (sys {float(p['thread.sys.s']):.3f})"
          f"  process CPU {float(p['process.cpu.s']):6.3f} s")
raw = figures.get("blob-sha256")
for label, name in rows[:2]:
    p = figures.get(name)
    if p is None or raw is None:
        continue
    thread = float(p["thread.cpu.s"]) / float(raw["thread.cpu.s"])
    process = float(p["process.cpu.s"]) / float(raw["process.cpu.s"])
    user = float(p["thread.user.s"]) / float(raw["thread.user.s"])
    print(f"   CPU ratio {label:24} thread {thread:5.2f}, process {process:5.2f}"
          f"  (target <= 1.25): {verdict(thread <= 1.25)} (thread), {verdict(process <= 1.25)} (process);"
          f" user-mode only {user:5.2f}")

print()
print("2. Heap flatness, -Xmx64m (peak used heap during upload + commit)")
h = props("heap-flatness")
if h is None:
    print("   missing")
else:
    for size in ("64MiB", "256MiB", "1024MiB"):
        print(f"   blob {size:8} peak {float(h['peak.heap.MiB.' + size]):6.1f} MiB")
    print(f"   growth 64 MiB -> 1 GiB {float(h['growth.MiB']):.1f} MiB"
          f"  (target <= {h['tolerance.MiB']} MiB): {verdict(h['flat'] == 'true')}")

print()
print("3. Metadata on SQLite, 100,000 tags in one repository")
path = os.path.join(results, "metadata.json")
if not os.path.exists(path):
    print("   missing")
else:
    with open(path) as f:
        runs = {r["benchmark"].rsplit(".", 1)[1]: r for r in json.load(f)}
    page = runs.get("tagsPage")
    if page:
        m = page["primaryMetric"]
        score, error, unit = m["score"], m["scoreError"], m["scoreUnit"]
        print(f"   tags page of 100 from the middle  {score:9.1f} ± {error:.1f} {unit}"
              f"  (target < 5000 us/op): {verdict(score < 5000)}")
    put = runs.get("putManifest")
    if put:
        m = put["primaryMetric"]
        pct = m["scorePercentiles"]
        p50, p90, p99 = pct["50.0"], pct["90.0"], pct["99.0"]
        print(f"   putManifest (1 tag, 2 blob links) p50 {p50:9.1f} {m['scoreUnit']}"
              f"  p90 {p90:.1f}  p99 {p99:.1f}  mean {m['score']:.1f}"
              f"  (target p50 < 2000 us): {verdict(p50 < 2000)}")
print("====================================================================")
PY
exit "$STATUS"

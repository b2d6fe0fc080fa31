#!/usr/bin/env bash
# Server benchmark for the common case, small images and many small requests: several registries
# side by side on loopback, measured in alternating rounds so that drift of the machine hits all
# of them alike. Per registry:
#   - skopeo push of a 3-layer, 3 MiB image into a new repository, and its pull into a fresh
#     layout (fresh skopeo HOME each time, so nothing is mounted or skipped);
#   - manifest GET requests per second (wrk, 32 connections) and blob HEAD requests per second
#     (ab -k -i, 32 connections).
# Prints the median [min-max] of each figure per registry, and each registry's medians against the
# first one's.
#
# Registries (SERVERS, in this order; default "wharf dist"):
#   wharf      ./wharf serve from this tree (the launcher, its JVM flags and class-data archive)
#   baseline   wharf serve from another build: WHARF_BASELINE_JAR=/path/to/wharf.jar, e.g. a jar
#              built from an earlier commit, to compare before and after in one run
#   nohooks    BenchRegistry none: the engine on the single-node store behind Jetty, as wharf serve
#              runs it, with the default hooks
#   hooks      BenchRegistry trivial: the same with a trivial authenticator, authorizer, gate and
#              event listener installed (nohooks vs hooks is the price of the hooks)
#   dist       Debian's docker-registry (CNCF distribution), filesystem storage
#
# Knobs: ROUNDS (3), PUSHES per round (3), DURATION seconds per wrk/ab run (5).
# Usage: SERVERS="nohooks hooks dist" benchmarks/run-requests.sh
# Needs curl, skopeo, docker-registry, wrk, ab (apache2-utils), python3. Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SERVERS="${SERVERS:-wharf dist}"
ROUNDS="${ROUNDS:-3}"
PUSHES="${PUSHES:-3}"
DURATION="${DURATION:-5}"
WORK="$(mktemp -d /tmp/wharf-requests.XXXXXX)"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

for tool in curl skopeo docker-registry wrk ab java python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install curl skopeo docker-registry wrk apache2-utils)"; exit 2; }
done
[ -f wharf-cli/target/wharf.jar ] || ./wharf --version >/dev/null
case " $SERVERS " in *" nohooks "* | *" hooks "*)
  [ -f benchmarks/target/benchmarks.jar ] \
    || mvn -B -q -pl benchmarks -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true ;;
esac

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

# ---- the image: 3 gzip layers of 1 MiB of random bytes each, a config, a manifest
L="$WORK/layout"; mkdir -p "$L/blobs/sha256"
layers=""
for i in 1 2 3; do
  head -c 1048576 /dev/urandom | gzip -1 > "$WORK/layer"
  add_layer "$L" "$WORK/layer"
done
finish_layout "$L" "$WORK"
md="$MANIFEST_HEX"
BLOB="$LAST_LAYER"   # for the HEAD runs

# ---- the registries
declare -A PORT
for s in $SERVERS; do
  p="$(free_port)"; PORT[$s]=$p; data="$WORK/data-$s"; mkdir -p "$data"
  case "$s" in
    wharf) ./wharf serve --listen "127.0.0.1:$p" --data "$data" > "$WORK/$s.log" 2>&1 & ;;
    baseline)
      [ -n "${WHARF_BASELINE_JAR:-}" ] || { echo "baseline needs WHARF_BASELINE_JAR"; exit 2; }
      java -Xmx256m -XX:+UseParallelGC -jar "$WHARF_BASELINE_JAR" serve --listen "127.0.0.1:$p" --data "$data" > "$WORK/$s.log" 2>&1 & ;;
    nohooks | hooks)
      mode=none; [ "$s" = hooks ] && mode=trivial
      java -Xmx256m -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.wharf.benchmarks.BenchRegistry "$mode" "$p" "$data" > "$WORK/$s.log" 2>&1 & ;;
    dist)
      cat > "$WORK/dist.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$p}
YAML
      docker-registry serve "$WORK/dist.yml" > "$WORK/$s.log" 2>&1 & ;;
    *) echo "unknown server $s"; exit 2 ;;
  esac
  PIDS+=($!)
done
for s in $SERVERS; do wait_up "${PORT[$s]}"; done

RESULTS="$WORK/results"; : > "$RESULTS"
record() { echo "$1 $2 $3" >> "$RESULTS"; }   # server figure value
n=0
push_pull() {  # server -> records push and pull seconds
  local s=$1 port=${PORT[$1]} t0 t1
  n=$((n + 1)); local repo="small/r$n"
  rm -rf "$WORK/home"; mkdir -p "$WORK/home"
  if [ "$(id -u)" = 0 ]; then rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb; fi
  t0=$(now)
  HOME="$WORK/home" skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$L:v1" "docker://127.0.0.1:$port/$repo:v1"
  t1=$(now); record "$s" push "$(echo "$t1 - $t0" | bc -l)"
  rm -rf "$WORK/home" "$WORK/pulled"; mkdir -p "$WORK/home"
  t0=$(now)
  HOME="$WORK/home" skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/$repo:v1" "oci:$WORK/pulled:v1"
  t1=$(now); record "$s" pull "$(echo "$t1 - $t0" | bc -l)"
  cmp -s "$WORK/manifest" "$WORK/pulled/blobs/sha256/$md" || { echo "$s: pulled manifest differs"; exit 1; }
}
gets() { wrk -t2 -c32 -d"$2s" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
  "http://127.0.0.1:$1/v2/small/r0/manifests/v1" | awk '/Requests\/sec/ {print $2}'; }
heads() { ab -q -k -i -c 32 -t "$2" -n 10000000 "http://127.0.0.1:$1/v2/small/r0/blobs/$BLOB" \
  | awk '/Requests per second/ {print $4}'; }

# ---- warm-up, untimed (a JVM compiles its hot paths in the first seconds; distribution is
# compiled ahead): the image each registry serves for the request runs (small/r0), five pushes
# and pulls, a request run of each kind
for s in $SERVERS; do
  port=${PORT[$s]}
  rm -rf "$WORK/home"; mkdir -p "$WORK/home"
  HOME="$WORK/home" skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$L:v1" "docker://127.0.0.1:$port/small/r0:v1"
  for _ in 1 2 3 4 5; do push_pull "$s" >/dev/null; done
  sed -i "/^$s /d" "$RESULTS"
  gets "$port" "$DURATION" >/dev/null; heads "$port" "$DURATION" >/dev/null
done

# ---- rounds; each round starts with the next registry
read -r -a order <<< "$SERVERS"
for r in $(seq 1 "$ROUNDS"); do
  k=$(( (r - 1) % ${#order[@]} ))
  rotated=("${order[@]:$k}" "${order[@]:0:$k}")
  for s in "${rotated[@]}"; do
    for _ in $(seq 1 "$PUSHES"); do push_pull "$s"; done
    record "$s" get "$(gets "${PORT[$s]}" "$DURATION")"
    record "$s" head "$(heads "${PORT[$s]}" "$DURATION")"
  done
  echo "round $r of $ROUNDS done" >&2
done

python3 - "$RESULTS" $SERVERS <<'PY'
import statistics, sys
results, servers = sys.argv[1], sys.argv[2:]
data = {}
for line in open(results):
    s, fig, v = line.split()
    data.setdefault((s, fig), []).append(float(v))
figures = [("push", "skopeo push 3x1 MiB, s"), ("pull", "skopeo pull 3x1 MiB, s"),
           ("get", "manifest GET, req/s"), ("head", "blob HEAD, req/s")]
def cell(vals, fmt):
    return (fmt % statistics.median(vals)) + " [" + (fmt % min(vals)) + "-" + (fmt % max(vals)) + "]"
print("%-26s" % "figure (median [min-max])" + "".join("%26s" % s for s in servers))
for fig, title in figures:
    fmt = "%.3f" if fig in ("push", "pull") else "%.0f"
    print("%-26s" % title + "".join("%26s" % cell(data[(s, fig)], fmt) for s in servers))
base = servers[0]
for s in servers[1:]:
    print("%s / %s (medians): " % (s, base) + ", ".join(
        "%s %.3f" % (fig, statistics.median(data[(s, fig)]) / statistics.median(data[(base, fig)]))
        for fig, _ in figures))
print("runs per figure: push/pull %d, get/head %d" % (len(data[(base, "push")]), len(data[(base, "get")])))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

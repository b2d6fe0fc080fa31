#!/usr/bin/env bash
# Access control's cost: `wharf serve` three times in one run, on loopback: without auth, with the
# Docker token service (requests carry a bearer token), and with Basic credentials on every request.
# For each: manifest GET requests per second (wrk) and blob HEAD requests per second (ab), 32
# connections, steady state (an untimed half-length run first); and token issuance per second
# (wrk, GET /token with Basic credentials and one scope). Prints each figure and its ratio to the
# server without auth.
#
# Usage: benchmarks/run-server-auth.sh [seconds-per-run]   (needs curl, skopeo, wrk, ab, htpasswd)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
WORK="$(mktemp -d /tmp/wharf-auth-bench.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
for tool in curl skopeo wrk ab htpasswd java python3 bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install curl skopeo wrk apache2-utils bc)"; exit 2; }
done
[ -f wharf-cli/target/wharf.jar ] || mvn -B -q -pl wharf-cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

# A small image: one 1 MiB layer.
L="$WORK/layout"; mkdir -p "$L/blobs/sha256"; layers=""
head -c 1048576 /dev/urandom | gzip_stored > "$WORK/layer"
add_layer "$L" "$WORK/layer"
finish_layout "$L" "$WORK"
BLOB="$LAST_LAYER"

htpasswd -B -b -c "$WORK/users" bench bench-password 2>/dev/null
printf 'auth:\n  mode: basic\n  htpasswd: %s\n  admins: {users: [bench]}\n' "$WORK/users" > "$WORK/basic.yaml"

declare -A R
start() {  # name args... -> sets PORT and PID
  PORT="$(free_port)"
  ./wharf serve --listen "127.0.0.1:$PORT" --data "$WORK/data-$1" "${@:2}" > "$WORK/$1.log" 2>&1 &
  PID=$!
  wait_up "$PORT"
}
gets() {  # base seconds header...
  local base=$1 secs=$2; shift 2
  wrk -t2 -c32 -d"${secs}s" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$@" \
    "$base/v2/bench/img/manifests/v1" | awk '/Requests\/sec/ {print $2}'
}
heads() {  # base seconds [header]
  local base=$1 secs=$2; shift 2
  # wrk cannot time HEAD (it waits for the body Content-Length announces); ab -i can.
  ab -q -k -i -c 32 -t "$secs" -n 10000000 "$@" "$base/v2/bench/img/blobs/$BLOB" \
    | awk '/Requests per second/ {print $4}'
}
measure() {  # name header-args...
  local name=$1 base="http://127.0.0.1:$PORT" half=$(( (DURATION + 1) / 2 )); shift
  HOME="$WORK/home-$name" skopeo copy -q --dest-tls-verify=false --dest-creds bench:bench-password \
    "oci:$L:v1" "docker://127.0.0.1:$PORT/bench/img:v1" 2>/dev/null \
    || HOME="$WORK/home-$name" skopeo copy -q --dest-tls-verify=false "oci:$L:v1" "docker://127.0.0.1:$PORT/bench/img:v1"
  gets "$base" "$half" "$@" >/dev/null
  R[$name.get]=$(gets "$base" "$DURATION" "$@")
  heads "$base" "$half" "$@" >/dev/null
  R[$name.head]=$(heads "$base" "$DURATION" "$@")
  # Every answer must have been a 200: a refused request is cheap and would flatter the figure.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$base/v2/bench/img/manifests/v1" \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json')" = 200 ] \
    || { echo "$name: a manifest GET was not answered 200"; exit 1; }
  kill "$PID"; wait "$PID" 2>/dev/null || true
}

start none
measure none

start token --htpasswd "$WORK/users"
TOKEN="$(curl -fsS -u bench:bench-password \
  "http://127.0.0.1:$PORT/token?service=wharf&scope=repository:bench/img:pull,push" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
# Token issuance: every request a Basic login (cached after the first bcrypt check) and a signature.
wrk -t2 -c32 -d"$(( (DURATION + 1) / 2 ))s" -H "Authorization: Basic $(printf bench:bench-password | base64)" \
  "http://127.0.0.1:$PORT/token?service=wharf&scope=repository:bench/img:pull" >/dev/null
R[token.issue]=$(wrk -t2 -c32 -d"${DURATION}s" -H "Authorization: Basic $(printf bench:bench-password | base64)" \
  "http://127.0.0.1:$PORT/token?service=wharf&scope=repository:bench/img:pull" | awk '/Requests\/sec/ {print $2}')
measure token -H "Authorization: Bearer $TOKEN"

start basic --config "$WORK/basic.yaml"
measure basic -H "Authorization: Basic $(printf bench:bench-password | base64)"

row() { printf '%-34s %12s %8s\n' "$1" "$2" "$(echo "scale=2; $2 / $3" | bc -l 2>/dev/null || echo n/a)"; }
printf '%-34s %12s %8s\n' "figure" "value" "vs none"
row "manifest GET/s, no auth" "${R[none.get]}" "${R[none.get]}"
row "manifest GET/s, bearer token" "${R[token.get]}" "${R[none.get]}"
row "manifest GET/s, Basic" "${R[basic.get]}" "${R[none.get]}"
row "blob HEAD/s, no auth" "${R[none.head]}" "${R[none.head]}"
row "blob HEAD/s, bearer token" "${R[token.head]}" "${R[none.head]}"
row "blob HEAD/s, Basic" "${R[basic.head]}" "${R[none.head]}"
printf '%-34s %12s\n' "tokens issued/s" "${R[token.issue]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

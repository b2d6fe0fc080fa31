#!/usr/bin/env bash
# Access control's cost: `wharf serve` three times at once, on loopback: without auth, with the
# Docker token service (requests carry a bearer token; the audit log on, as by default), and with
# Basic credentials on every request. For each: manifest GET requests per second (wrk) and blob
# HEAD requests per second (ab), 32 connections, after WARMUP untimed runs of each (default 4: a
# server's JIT takes about that long to reach its steady state on 2 cores), in ROUNDS rounds
# (default 5) that alternate between the servers; the medians are printed with their ratio to
# the server without auth, and the median and range of each round's ratio. Then token issuance
# per second (wrk, GET /token with Basic credentials and one scope), the median of ROUNDS runs.
#
# DETAIL=1 adds two servers that split the bearer token's cost: one without auth, whose requests
# carry the token server's Authorization header anyway (what the header costs with no auth work:
# Jetty parses it byte by byte), and one with the token service whose audit log leaves pulls out
# (`audit: {exclude: [MANIFEST_PULLED]}`, what a busy registry may choose).
#
# Usage: [ROUNDS=5] [WARMUP=4] [DETAIL=1] benchmarks/run-server-auth.sh [seconds-per-run, default 5]
#        (needs curl, skopeo, wrk, ab, htpasswd)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-5}"
ROUNDS="${ROUNDS:-5}"
WORK="$(mktemp -d /tmp/wharf-auth-bench.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
for tool in curl skopeo wrk ab htpasswd java python3 bc; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install curl skopeo wrk apache2-utils bc)"; exit 2; }
done
[ -f wharf-cli/target/wharf.jar ] || mvn -B -q -pl wharf-cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
# shellcheck source=benchmarks/servers.sh
. benchmarks/servers.sh

# A small image: one 1 MiB layer.
L="$WORK/layout"; mkdir -p "$L/blobs/sha256"; layers=""
head -c 1048576 /dev/urandom | gzip_stored > "$WORK/layer"
add_layer "$L" "$WORK/layer"
finish_layout "$L" "$WORK"
BLOB="$LAST_LAYER"

htpasswd -B -b -c "$WORK/users" bench bench-password 2>/dev/null
printf 'auth:\n  mode: basic\n  htpasswd: %s\n  admins: {users: [bench]}\n' "$WORK/users" > "$WORK/basic.yaml"
printf 'auth:\n  htpasswd: %s\n  admins: {users: [bench]}\n  audit: {exclude: [MANIFEST_PULLED]}\n' "$WORK/users" \
  > "$WORK/nopulls.yaml"
NAMES=(none token basic)
if [ "${DETAIL:-}" = 1 ]; then NAMES+=(header nopulls); fi

declare -A R
heads() {  # name seconds -> blob HEADs per second
  # wrk cannot time HEAD (it waits for the body Content-Length announces); ab -i can.
  ab -q -k -i -c 32 -t "$2" -n 10000000 "${HDR[@]}" \
    "http://127.0.0.1:${PORTS[$1]}/v2/bench/img/blobs/$BLOB" | awk '/Requests per second/ {print $4}'
}
header() {  # name -> HDR, the credentials that server wants
  case $1 in
    none) HDR=() ;;
    token | header) HDR=(-H "Authorization: Bearer $TOKEN") ;;
    nopulls) HDR=(-H "Authorization: Bearer $NOPULLS_TOKEN") ;;
    basic) HDR=(-H "Authorization: Basic $(printf bench:bench-password | base64)") ;;
  esac
}

# All three servers run at once; the rounds alternate between them, so that a drift in the
# machine's speed (other tenants, thermal) touches each alike, and the medians are compared.
start none
start token --htpasswd "$WORK/users"
start basic --config "$WORK/basic.yaml"
if [ "${DETAIL:-}" = 1 ]; then
  start header
  start nopulls --config "$WORK/nopulls.yaml"
fi
for name in "${NAMES[@]}"; do
  HOME="$WORK/home-$name" skopeo copy -q --dest-tls-verify=false --dest-creds bench:bench-password \
    "oci:$L:v1" "docker://127.0.0.1:${PORTS[$name]}/bench/img:v1" 2>/dev/null \
    || HOME="$WORK/home-$name" skopeo copy -q --dest-tls-verify=false "oci:$L:v1" \
      "docker://127.0.0.1:${PORTS[$name]}/bench/img:v1"
done
# A token lives 5 minutes: a new one for each round, as a client would.
token_of() {  # name -> a pull token from that server's token service
  curl -fsS -u bench:bench-password \
    "http://127.0.0.1:${PORTS[$1]}/token?service=wharf&scope=repository:bench/img:pull" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
fresh_token() {
  TOKEN="$(token_of token)"
  if [ "${DETAIL:-}" = 1 ]; then NOPULLS_TOKEN="$(token_of nopulls)"; fi
}
fresh_token
for name in "${NAMES[@]}"; do
  header "$name"
  # Every answer must be a 200: a refused request is cheap and would flatter the figure.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${HDR[@]}" \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      "http://127.0.0.1:${PORTS[$name]}/v2/bench/img/manifests/v1")" = 200 ] \
    || { echo "$name: a manifest GET was not answered 200"; exit 1; }
done
for _ in $(seq 1 "${WARMUP:-4}"); do   # untimed, alternating, as the timed rounds are
  fresh_token
  for name in "${NAMES[@]}"; do
    header "$name"
    gets "$name" "$DURATION" >/dev/null; heads "$name" "$DURATION" >/dev/null
  done
done
for round in $(seq 1 "$ROUNDS"); do
  fresh_token
  for name in "${NAMES[@]}"; do
    header "$name"
    echo "$(gets "$name" "$DURATION")" >> "$WORK/$name.get"
    echo "$(heads "$name" "$DURATION")" >> "$WORK/$name.head"
  done
done
for name in "${NAMES[@]}"; do
  R[$name.get]=$(median < "$WORK/$name.get"); R[$name.head]=$(median < "$WORK/$name.head")
  R[$name.cpu]=$(tail -n "$ROUNDS" "$WORK/$name.cpu" | median)
done
# Token issuance: every request a Basic login (cached after the first bcrypt check) and an ES256
# signature.
HDR=(-H "Authorization: Basic $(printf bench:bench-password | base64)")
TOKENS="http://127.0.0.1:${PORTS[token]}/token?service=wharf&scope=repository:bench/img:pull"
wrk -t2 -c32 -d"${DURATION}s" "${HDR[@]}" "$TOKENS" >/dev/null
R[token.issue]=$(for _ in $(seq 1 "$ROUNDS"); do
  wrk -t2 -c32 -d"${DURATION}s" "${HDR[@]}" "$TOKENS" | awk '/Requests\/sec/ {print $2}'
done | median)

# Each round's ratio to the server without auth in that round, and their median, lowest and
# highest: the machine's speed drifts from round to round (other tenants), and a ratio within a
# round is the steadier figure.
paired() {  # name figure -> "median [lowest-highest]" of the rounds' ratios
  paste "$WORK/$1.$2" "$WORK/none.$2" | awk '{printf "%.3f\n", $1 / $2}' | sort -g \
    | awk '{a[NR]=$1} END {m=(NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
      printf "%.2f [%.2f-%.2f]", m, a[1], a[NR]}'
}
row() {  # label value base [name figure]
  printf '%-34s %12s %8s  %s\n' "$1" "$2" "$(echo "scale=2; $2 / $3" | bc -l 2>/dev/null || echo n/a)" \
    "$([ -n "${4:-}" ] && paired "$4" "$5")"
}
printf '%-34s %12s %8s  %s\n' "figure" "value" "vs none" "rounds' ratios: median [range]"
row "manifest GET/s, no auth" "${R[none.get]}" "${R[none.get]}"
row "manifest GET/s, bearer token" "${R[token.get]}" "${R[none.get]}" token get
row "manifest GET/s, Basic" "${R[basic.get]}" "${R[none.get]}" basic get
if [ "${DETAIL:-}" = 1 ]; then
  row "manifest GET/s, no auth, bearer hdr" "${R[header.get]}" "${R[none.get]}" header get
  row "manifest GET/s, bearer, no pull lines" "${R[nopulls.get]}" "${R[none.get]}" nopulls get
fi
row "blob HEAD/s, no auth" "${R[none.head]}" "${R[none.head]}"
row "blob HEAD/s, bearer token" "${R[token.head]}" "${R[none.head]}" token head
row "blob HEAD/s, Basic" "${R[basic.head]}" "${R[none.head]}" basic head
row "server CPU us per GET, no auth" "${R[none.cpu]}" "${R[none.cpu]}"
row "server CPU us per GET, bearer" "${R[token.cpu]}" "${R[none.cpu]}"
row "server CPU us per GET, Basic" "${R[basic.cpu]}" "${R[none.cpu]}"
if [ "${DETAIL:-}" = 1 ]; then
  row "server CPU us/GET, no auth, hdr" "${R[header.cpu]}" "${R[none.cpu]}"
  row "server CPU us/GET, no pull lines" "${R[nopulls.cpu]}" "${R[none.cpu]}"
fi
printf '%-34s %12s\n' "tokens issued/s" "${R[token.issue]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

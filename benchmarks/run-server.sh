#!/usr/bin/env bash
# Server benchmark: `wharf serve` and Debian's docker-registry (CNCF distribution) side by side on
# loopback, in one run: raw 1 GiB blob upload (POST + monolithic PUT) and download with curl; push
# and pull of a 1 GiB, 4-layer image with skopeo (fresh blob-info cache each run); manifest GET and
# blob HEAD requests per second with wrk (32 connections); the server's CPU seconds and peak RSS.
# Prints each figure and the ratio Wharf/distribution.
#
# Both servers get the same treatment, and it is steady state that is measured: before the timed
# runs each server takes one untimed raw upload and download and an untimed half-length request
# run (a JVM compiles its hot paths in the first seconds; distribution is compiled ahead). The
# image's layers are already gzip streams, so skopeo sends them as they are (an uncompressed layer
# it would gzip on the way, timing its compressor rather than the registry), and skopeo's blob-info
# cache is emptied before each copy (else it mounts instead of uploading). Run it on an idle
# machine.
#
# Usage: benchmarks/run-server.sh [seconds-per-wrk-run]   (needs curl, skopeo, docker-registry, wrk)
#        benchmarks/run-server.sh auth [seconds-per-run]   the cost of access control
#        (run-server-auth.sh: no auth vs bearer tokens vs Basic, and token issuance)
#        benchmarks/run-server.sh policy [seconds-per-run] the cost of a vulnerability gate
#        (run-server-policy.sh: no policies vs a rule reading a 300-finding report)
#        benchmarks/run-server.sh signature [seconds-per-run] the cost of a signature-required rule
#        (run-server-policy.sh with GATE=signature: no policies vs a cosign key rule)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = auth ]; then shift; exec benchmarks/run-server-auth.sh "$@"; fi
if [ "${1:-}" = policy ]; then shift; exec benchmarks/run-server-policy.sh "$@"; fi
if [ "${1:-}" = signature ]; then shift; GATE=signature exec benchmarks/run-server-policy.sh "$@"; fi
DURATION="${1:-10}"
WORK="$(mktemp -d /tmp/wharf-bench.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

for tool in curl skopeo docker-registry wrk ab java sha256sum openssl bc python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install curl skopeo docker-registry wrk apache2-utils bc)"; exit 2; }
done
[ -f wharf-cli/target/wharf.jar ] || mvn -B -q -pl wharf-cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
cpu_seconds() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }   # utime + stime, in seconds (USER_HZ=100)
peak_rss_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
elapsed() { echo "$2 - $1" | bc -l; }

# ---- inputs: one 1 GiB blob, and a 4-layer OCI layout of 4 x 256 MiB
echo "preparing inputs in $WORK ..."
head -c 1073741824 /dev/urandom > "$WORK/blob"
BLOB_DIGEST="sha256:$(sha256sum "$WORK/blob" | cut -d' ' -f1)"
L="$WORK/layout"; mkdir -p "$L/blobs/sha256"
layers=""
# Layers are gzip streams (stored blocks around 256 MiB of random bytes each): skopeo compresses
# a layer it finds uncompressed, on push and on pull into a layout, and would then time its gzip.
for i in 1 2 3 4; do
  head -c 268435456 /dev/urandom | gzip_stored > "$WORK/layer"
  add_layer "$L" "$WORK/layer"
done
finish_layout "$L" "$WORK"

# ---- servers
WPORT="$(free_port)"; DPORT="$(free_port)"
./wharf serve --listen "127.0.0.1:$WPORT" --data "$WORK/wharf-data" > "$WORK/wharf.log" 2>&1 &
WPID=$!
mkdir -p "$WORK/dist-data"
cat > "$WORK/dist.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $WORK/dist-data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$DPORT}
YAML
docker-registry serve "$WORK/dist.yml" > "$WORK/dist.log" 2>&1 &
DPID=$!
wait_up "$WPORT"; wait_up "$DPORT"

# skopeo keeps a blob-info cache (in $HOME, or for root in /var/lib/containers/cache) that lets it
# mount a blob it uploaded before instead of uploading it again; each copy starts without one.
fresh_skopeo_home() {
  rm -rf "$1"; mkdir -p "$1"
  if [ "$(id -u)" = 0 ]; then rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb; fi
}

raw_upload() {  # base-url repo -> seconds
  local base=$1 repo=$2 t0 t1 loc sep
  t0=$(now)
  loc=$(curl -fsS -D - -o /dev/null -X POST "$base/v2/$repo/blobs/uploads/" | awk 'tolower($1)=="location:" {print $2}' | tr -d '\r')
  case "$loc" in http*) ;; *) loc="$base$loc" ;; esac
  sep='?'; case "$loc" in *\?*) sep='&' ;; esac
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' -T "$WORK/blob" "$loc${sep}digest=$BLOB_DIGEST" -o /dev/null
  t1=$(now); elapsed "$t0" "$t1"
}

raw_download() {  # base-url repo -> seconds
  local t0 t1
  t0=$(now); curl -fsS -o /dev/null "$1/v2/$2/blobs/$BLOB_DIGEST"; t1=$(now)
  elapsed "$t0" "$t1"
}

requests() {  # base-url seconds -> manifest GETs per second
  wrk -t2 -c32 -d"$2s" -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "$1/v2/bench/img/manifests/v1" | awk '/Requests\/sec/ {print $2}'
}

heads() {  # base-url seconds -> blob HEADs per second
  # wrk cannot time HEAD (it waits for the body Content-Length announces); ab -i can.
  ab -q -k -i -c 32 -t "$2" -n 10000000 "$1/v2/bench/raw/blobs/$BLOB_DIGEST" \
    | awk '/Requests per second/ {print $4}'
}

declare -A R
measure() {  # name port pid
  local name=$1 port=$2 pid=$3 base="http://127.0.0.1:$2" t0 t1 c0 c1 half
  half=$(( (DURATION + 1) / 2 ))
  # warm-up, untimed
  raw_upload "$base" bench/warm >/dev/null; raw_download "$base" bench/warm >/dev/null
  c0=$(cpu_seconds "$pid")
  R[$name.upload]=$(raw_upload "$base" bench/raw)
  R[$name.download]=$(raw_download "$base" bench/raw)
  c1=$(cpu_seconds "$pid"); R[$name.rawcpu]=$(elapsed "$c0" "$c1")
  fresh_skopeo_home "$WORK/home-$name-push"
  c0=$(cpu_seconds "$pid"); t0=$(now)
  HOME="$WORK/home-$name-push" skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$L:v1" "docker://127.0.0.1:$port/bench/img:v1"
  t1=$(now); c1=$(cpu_seconds "$pid")
  R[$name.push]=$(elapsed "$t0" "$t1"); R[$name.pushcpu]=$(elapsed "$c0" "$c1")
  fresh_skopeo_home "$WORK/home-$name-pull"
  t0=$(now)
  HOME="$WORK/home-$name-pull" skopeo copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/img:v1" "oci:$WORK/pulled-$name:v1"
  t1=$(now); R[$name.pull]=$(elapsed "$t0" "$t1")
  requests "$base" "$half" >/dev/null
  R[$name.get]=$(requests "$base" "$DURATION")
  heads "$base" "$half" >/dev/null
  R[$name.head]=$(heads "$base" "$DURATION")
  R[$name.cpu]=$(cpu_seconds "$pid"); R[$name.rss]=$(peak_rss_mib "$pid")
}
measure wharf "$WPORT" "$WPID"
measure dist "$DPORT" "$DPID"

# Both pulls must have brought back exactly the bytes pushed.
for f in "$L"/blobs/sha256/*; do
  for name in wharf dist; do
    cmp -s "$f" "$WORK/pulled-$name/blobs/sha256/$(basename "$f")" \
      || { echo "$name: pulled blob $(basename "$f") differs from the one pushed"; exit 1; }
  done
done

# The CPU seconds of hashing 1 GiB once, the yardstick for a push: openssl, which uses the CPU's
# SHA extensions as the JVM does (coreutils' sha256sum does not, and is several times slower).
TIMEFORMAT='%U %S'
hash_cpu=$( { time openssl dgst -sha256 "$WORK/blob" >/dev/null; } 2>&1 | awk '{print $1 + $2}')
row() { printf '%-34s %12s %12s %8s\n' "$1" "$2" "$3" "$(echo "scale=2; $2 / $3" | bc -l 2>/dev/null || echo n/a)"; }
mbps() { echo "scale=0; 1073.741824 / $1" | bc -l; }
printf '%-34s %12s %12s %8s\n' "figure" "wharf" "distribution" "ratio"
row "raw upload 1 GiB, MB/s" "$(mbps "${R[wharf.upload]}")" "$(mbps "${R[dist.upload]}")"
row "raw download 1 GiB, MB/s" "$(mbps "${R[wharf.download]}")" "$(mbps "${R[dist.download]}")"
row "skopeo push 1 GiB 4 layers, MB/s" "$(mbps "${R[wharf.push]}")" "$(mbps "${R[dist.push]}")"
row "skopeo pull 1 GiB 4 layers, MB/s" "$(mbps "${R[wharf.pull]}")" "$(mbps "${R[dist.pull]}")"
row "manifest GET, requests/s" "${R[wharf.get]}" "${R[dist.get]}"
row "blob HEAD, requests/s" "${R[wharf.head]}" "${R[dist.head]}"
row "server CPU s, raw up+down" "${R[wharf.rawcpu]}" "${R[dist.rawcpu]}"
row "server CPU s, skopeo push" "${R[wharf.pushcpu]}" "${R[dist.pushcpu]}"
row "server CPU s, whole run" "${R[wharf.cpu]}" "${R[dist.cpu]}"
row "server peak RSS, MiB" "${R[wharf.rss]}" "${R[dist.rss]}"
echo "openssl sha256 of 1 GiB: ${hash_cpu} CPU s; wharf push CPU / hashing CPU:" \
  "$(echo "scale=2; ${R[wharf.pushcpu]} / $hash_cpu" | bc -l)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

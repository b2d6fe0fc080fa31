#!/usr/bin/env bash
# Sourced (after lib.sh) by the scripts that measure several `wharf serve` side by side.
# Each server is named; PORTS[name] is its port and PIDS[name] its process; its data and log are in $WORK.
declare -A PORTS PIDS
HDR=()   # extra request headers of gets (credentials), set by the caller per server
start() {  # name args... -> the server runs
  local port
  port="$(free_port)"
  ./wharf serve --listen "127.0.0.1:$port" --data "$WORK/data-$1" "${@:2}" > "$WORK/$1.log" 2>&1 &
  PIDS[$1]=$!
  wait_up "$port"
  PORTS[$1]=$port
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime, 1/100 s
gets() {  # name seconds -> manifest GETs per second; appends the server's CPU microseconds per
  # request to $WORK/name.cpu (the client shares these cores: this is the server's own cost)
  local c0 c1 out
  c0=$(cpu_ticks "${PIDS[$1]}")
  out="$(wrk -t2 -c32 -d"${2}s" -H 'Accept: application/vnd.oci.image.manifest.v1+json' "${HDR[@]}" \
    "http://127.0.0.1:${PORTS[$1]}/v2/bench/img/manifests/v1")"
  c1=$(cpu_ticks "${PIDS[$1]}")
  echo "$out" | awk -v t=$((c1 - c0)) '/requests in/ {printf "%.1f\n", t * 10000 / $1}' >> "$WORK/$1.cpu"
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

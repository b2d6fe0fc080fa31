#!/usr/bin/env bash
# Client benchmark: `wharf copy` against skopeo, the Java peer oras-java (parallelism 4) and a bare
# `curl | curl` pipe per blob (the floor), between two local docker-registry instances (CNCF
# distribution, Debian's package), in one run: for each image size, registry -> registry and
# registry -> OCI layout. Each run copies into a fresh repository (registry) or a fresh directory
# (layout), so nothing is skipped or mounted; skopeo's blob-info cache is emptied before each copy
# (fresh HOME, and as root /var/lib/containers/cache/blob-info-cache-v1.boltdb removed). Measured
# with /usr/bin/time: wall seconds, client CPU seconds (user + system, children included) and peak
# RSS. Prints a table with ratios to skopeo.
#
# Images have 4 layers that are gzip streams (stored blocks around random bytes): skopeo would
# gzip an uncompressed layer and time its compressor instead of the copy.
#
# Usage: benchmarks/run-client.sh [SIZE_MIB ...]   (default: 256 1024; e.g. "16 64" for a dry run)
#   WHARF_JAVA_OPTS  JVM options for wharf (default -Xmx256m, as the ./wharf launcher, which runs it;
#                    its untimed warm-up copy makes the launcher's class-data sharing archive)
#   RUNS             timed runs per client and case; the median run by wall time is shown (default 1)
# Needs: curl, skopeo, docker-registry, java, mvn, python3, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-256 1024}")
read -r -a SIZES <<< "${SIZES[*]}"
RUNS="${RUNS:-1}"
WHARF_JAVA_OPTS="${WHARF_JAVA_OPTS:--Xmx256m}"
WORK="$(mktemp -d /tmp/wharf-client-bench.XXXXXX)"
# The registries start inside $(...) subshells, so `jobs` does not see them: their pids go to files.
trap 'kill $(jobs -p) $(cat "$WORK"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

for tool in curl skopeo docker-registry java mvn python3 sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing $tool"; exit 2; }
done
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time (apt-get install time)"; exit 2; }
[ -f wharf-cli/target/wharf.jar ] || mvn -B -q -pl wharf-cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
WHARF="$PWD/wharf"   # the launcher users run: -Xmx256m and its class-data sharing archive

# oras-java: a project of its own (benchmarks/oras), built here.
ORAS_CP=""
if mvn -B -q -f benchmarks/oras/pom.xml package dependency:build-classpath \
     -Dmdep.outputFile=target/classpath.txt >"$WORK/oras-build.log" 2>&1; then
  ORAS_CP="$PWD/benchmarks/oras/target/wharf-benchmarks-oras-0.1.0-SNAPSHOT.jar:$(cat benchmarks/oras/target/classpath.txt)"
else
  echo "oras-java could not be built (see below); its rows are left out"; tail -20 "$WORK/oras-build.log"
fi

# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh

start_registry() { # name -> port
  local name="$1" port; port="$(free_port)"
  mkdir -p "$WORK/$name/storage"
  cat > "$WORK/$name/config.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $WORK/$name/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
  docker-registry serve "$WORK/$name/config.yml" >"$WORK/$name.log" 2>&1 &
  echo $! >"$WORK/$name.pid"
  wait_up "$port"
  echo "$port"
}
P1="$(start_registry reg1)"
P2="$(start_registry reg2)"
R1="127.0.0.1:$P1"; R2="127.0.0.1:$P2"
echo "registries: $R1 (source), $R2 (destination); work folder $WORK"

make_image() { # size-mib -> layout dir with tag v1
  local mib="$1" L="$WORK/layout-$1" layers="" i
  mkdir -p "$L/blobs/sha256"
  for i in 1 2 3 4; do
    head -c $((mib * 262144)) /dev/urandom | gzip_stored > "$WORK/layer"
    add_layer "$L" "$WORK/layer"
  done
  finish_layout "$L" "$WORK"
}

fresh_skopeo_home() {
  local h; h="$(mktemp -d "$WORK/skopeo-home.XXXXXX")"
  if [ "$(id -u)" = 0 ]; then rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb; fi
  echo "$h"
}

# curl | curl per blob (4 at once), then the manifest: the floor for registry -> registry.
curl_pipe_r2r() { # src-repo dst-repo
  local src="$1" dst="$2" manifest blobs pids=()
  manifest="$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R1/v2/$src/manifests/v1")"
  blobs="$(printf '%s' "$manifest" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("\n".join(d["digest"] for d in [m["config"]]+m["layers"]))')"
  for d in $blobs; do
    (
      loc="$(curl -fsS -X POST -D - -o /dev/null "http://$R2/v2/$dst/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')"
      case "$loc" in http*) ;; *) loc="http://$R2$loc";; esac
      sep='?'; case "$loc" in *\?*) sep='&';; esac
      curl -fsS "http://$R1/v2/$src/blobs/$d" | curl -fsS -X PUT -H 'Content-Type: application/octet-stream' -T - "$loc${sep}digest=$d" -o /dev/null
    ) & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  printf '%s' "$manifest" | curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary @- "http://$R2/v2/$dst/manifests/v1" -o /dev/null
}
export -f curl_pipe_r2r; export R1 R2

curl_pipe_r2l() { # src-repo dir
  local src="$1" dir="$2" manifest blobs pids=()
  mkdir -p "$dir/blobs/sha256"
  manifest="$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R1/v2/$src/manifests/v1")"
  blobs="$(printf '%s' "$manifest" | python3 -c 'import json,sys; m=json.load(sys.stdin); print("\n".join(d["digest"] for d in [m["config"]]+m["layers"]))')"
  for d in $blobs; do
    ( curl -fsS "http://$R1/v2/$src/blobs/$d" | tee "$dir/blobs/sha256/${d#sha256:}" | sha256sum >/dev/null ) & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  printf '%s' "$manifest" > "$dir/manifest.json"
}
export -f curl_pipe_r2l

RESULTS="$WORK/results.tsv"; : > "$RESULTS"
RUN_NO=0
# Each run gets its own destination and skopeo home: "@RUN@" in the command becomes the run's
# number, and skopeo's root blob-info cache is removed, so a second run never finds the blobs of
# the first (it would skip or mount them and time nothing).
measure() { # label case size -- command...
  local label="$1" case_="$2" size="$3"; shift 4
  local best="" line arg runs=""
  for _ in $(seq 1 "$RUNS"); do
    RUN_NO=$((RUN_NO + 1))
    local out="$WORK/time.$RUN_NO" cmd=()
    for arg in "$@"; do cmd+=("${arg//@RUN@/$RUN_NO}"); done
    mkdir -p "$WORK/home-$RUN_NO"
    if [ "$(id -u)" = 0 ]; then rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb; fi
    if ! /usr/bin/time -f '%e %U %S %M' -o "$out" "${cmd[@]}" >"$WORK/cmd.$RUN_NO.log" 2>&1; then
      echo "FAILED: $label $case_ ${size} MiB:"; tail -5 "$WORK/cmd.$RUN_NO.log"
      printf '%s\t%s\t%s\tFAILED\t-\t-\n' "$label" "$case_" "$size" >> "$RESULTS"; return 0
    fi
    line="$(tail -1 "$out" | awk '{printf "%.2f\t%.2f\t%.0f", $1, $2 + $3, $4 / 1024}')"
    runs+="$line"$'\n'
  done
  # The median run by wall time (RUNS odd; with an even count, the faster of the middle two).
  best="$(printf '%s' "$runs" | sort -n -k1,1 | awk -v n="$RUNS" 'NR == int((n + 1) / 2)')"
  printf '%s\t%s\t%s\t%s\n' "$label" "$case_" "$size" "$best" >> "$RESULTS"
  echo "  $label $case_ ${size} MiB: $best (wall s, cpu s, peak RSS MiB)"
}

for size in "${SIZES[@]}"; do
  echo "== ${size} MiB image: preparing and pushing to $R1 (untimed)"
  make_image "$size"
  HOME="$(fresh_skopeo_home)" skopeo copy --insecure-policy --dest-tls-verify=false -q \
    "oci:$WORK/layout-$size:v1" "docker://$R1/bench/img-$size:v1"
  SRC="bench/img-$size"
  # One untimed warm-up copy per client, so that disks and page cache are in the same state.
  env JAVA_OPTS="$WHARF_JAVA_OPTS" "$WHARF" copy -q "docker://$R1/$SRC:v1" "docker://$R2/warm/wharf-$size:v1" >/dev/null
  for c in r2r r2l; do
    H="$WORK/home-@RUN@"
    if [ "$c" = r2r ]; then
      D="docker://$R2/run-@RUN@"
      measure wharf "$c" "$size" -- env JAVA_OPTS="$WHARF_JAVA_OPTS" "$WHARF" copy -q "docker://$R1/$SRC:v1" "$D-wharf/img:v1"
      measure skopeo "$c" "$size" -- env HOME="$H" skopeo copy --insecure-policy -q --src-tls-verify=false --dest-tls-verify=false "docker://$R1/$SRC:v1" "$D-skopeo/img:v1"
      [ -n "$ORAS_CP" ] && measure oras-java "$c" "$size" -- timeout 900 java -cp "$ORAS_CP" io.wharf.benchmarks.oras.OrasCopy "$R1/$SRC:v1" "$R2/run-@RUN@-oras/img:v1"
      measure curl-pipe "$c" "$size" -- bash -c "curl_pipe_r2r $SRC run-@RUN@-curl/img"
    else
      measure wharf "$c" "$size" -- env JAVA_OPTS="$WHARF_JAVA_OPTS" "$WHARF" copy -q "docker://$R1/$SRC:v1" "oci:$WORK/out-@RUN@-wharf:v1"
      measure skopeo "$c" "$size" -- env HOME="$H" skopeo copy --insecure-policy -q --src-tls-verify=false "docker://$R1/$SRC:v1" "oci:$WORK/out-@RUN@-skopeo:v1"
      [ -n "$ORAS_CP" ] && measure oras-java "$c" "$size" -- timeout 900 java -cp "$ORAS_CP" io.wharf.benchmarks.oras.OrasCopy "$R1/$SRC:v1" "oci:$WORK/out-@RUN@-oras:v1"
      measure curl-pipe "$c" "$size" -- bash -c "curl_pipe_r2l $SRC $WORK/out-@RUN@-curl"
    fi
    rm -rf "$WORK"/out-* "$WORK"/reg2/storage/docker/registry/v2/repositories/run-* 2>/dev/null || true
  done
  rm -rf "$WORK/layout-$size"
done

echo
echo "client     case  MiB    wall s  cpu s  RSS MiB   wall/skopeo  cpu/skopeo  wall/oras"
awk -F'\t' '
  { key=$2 "|" $3; wall[$1 "|" key]=$4; cpu[$1 "|" key]=$5; rows[NR]=$0 }
  END {
    for (i = 1; i <= NR; i++) {
      split(rows[i], f, "\t"); key=f[2] "|" f[3]
      sw=wall["skopeo|" key]; sc=cpu["skopeo|" key]; ow=wall["oras-java|" key]
      r1 = (f[4] != "FAILED" && sw > 0) ? sprintf("%.2f", f[4] / sw) : "-"
      r2 = (f[4] != "FAILED" && sc > 0) ? sprintf("%.2f", f[5] / sc) : "-"
      r3 = (f[4] != "FAILED" && ow > 0) ? sprintf("%.2f", f[4] / ow) : "-"
      printf "%-10s %-5s %-6s %-7s %-6s %-9s %-12s %-11s %s\n", f[1], f[2], f[3], f[4], f[5], f[6], r1, r2, r3
    }
  }' "$RESULTS"
[ -n "$ORAS_CP" ] || echo "(oras-java: not measured, it could not be built; see above)"

#!/usr/bin/env bash
# What the benchmark scripts share; sourced by them, not run. Needs python3, curl, sha256sum.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now() { date +%s.%N; }

wait_up() {  # port -> returns once http://127.0.0.1:port/v2/ answers (200, or 401 with auth on),
  # or exits after 15 s
  local code
  for _ in $(seq 1 150); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v2/" || true)"
    case "$code" in 200|401) return 0 ;; esac
    sleep 0.1
  done
  echo "server on $1 did not start"; exit 1
}

# A gzip stream of stdin in stored blocks (no compression, so it costs nothing to make and
# nothing to read): skopeo compresses a layer it finds uncompressed, and would then time its gzip.
gzip_stored() {
  python3 -c '
import gzip, shutil, sys
with gzip.GzipFile(fileobj=sys.stdout.buffer, mode="wb", compresslevel=0, mtime=0) as g:
    shutil.copyfileobj(sys.stdin.buffer, g, 1 << 20)'
}

# Building an OCI layout: add_layer for each gzip layer file, then finish_layout.
add_layer() {  # layout-dir file -> moves file into the layout; appends its descriptor to $layers
  local d size
  d="$(sha256sum "$2" | cut -d' ' -f1)"; size="$(stat -c %s "$2")"
  mv "$2" "$1/blobs/sha256/$d"
  layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}"
  LAST_LAYER="sha256:$d"
}

finish_layout() {  # layout-dir work-dir -> config, manifest (also as work-dir/manifest) and
  # index.json tagging it v1, from $layers; sets MANIFEST_HEX to the manifest digest's hex
  local l=$1 w=$2 c
  printf '{"imageLayoutVersion":"1.0.0"}' > "$l/oci-layout"
  printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' > "$w/config"
  c="$(sha256sum "$w/config" | cut -d' ' -f1)"; cp "$w/config" "$l/blobs/sha256/$c"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[%s]}' \
    "$c" "$(stat -c %s "$w/config")" "$layers" > "$w/manifest"
  MANIFEST_HEX="$(sha256sum "$w/manifest" | cut -d' ' -f1)"; cp "$w/manifest" "$l/blobs/sha256/$MANIFEST_HEX"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$MANIFEST_HEX" "$(stat -c %s "$w/manifest")" > "$l/index.json"
}


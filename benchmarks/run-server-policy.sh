#!/usr/bin/env bash
# What a policy gate costs end to end: `wharf serve` twice at once, on loopback: without
# policies, and with a policy that judges every pull of the image. GATE=vulnerability (the
# default): a vulnerability rule reads the image's Trivy report (300 findings, none at or above
# the rule's CRITICAL: every finding is looked at and the pull allowed), attached as a referrer.
# GATE=signature: a rule requires a cosign signature by a key (made here with openssl), pushed as
# cosign pushes it (the sha256-<hex>.sig tag); a warm GET is then a cached verdict. Manifest GET
# requests per second (wrk, 32 connections, after WARMUP untimed runs of each, default 4: a
# server's JIT takes about that long to reach its steady state on 2 cores), in ROUNDS rounds
# (default 5) alternating between the servers; the medians are printed with their ratio, and the server's
# CPU per request.
#
# With CONTROL=1 the second server runs without policies too: an A/A run that shows how far two
# identical servers differ on this machine.
#
# Usage: [ROUNDS=5] [WARMUP=4] [CONTROL=1] [GATE=vulnerability|signature] benchmarks/run-server-policy.sh
#        [seconds-per-run, default 5]   (needs curl, skopeo, wrk, python3, openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-5}"
ROUNDS="${ROUNDS:-5}"
WORK="$(mktemp -d /tmp/wharf-policy-bench.XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
GATE="${GATE:-vulnerability}"
for tool in curl skopeo wrk java python3 bc openssl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install curl skopeo wrk bc)"; exit 2; }
done
[ -f wharf-cli/target/wharf.jar ] || mvn -B -q -pl wharf-cli -am package -DskipTests \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
# shellcheck source=benchmarks/lib.sh
. benchmarks/lib.sh
# shellcheck source=benchmarks/servers.sh
. benchmarks/servers.sh

L="$WORK/layout"; mkdir -p "$L/blobs/sha256"; layers=""
head -c 1048576 /dev/urandom | gzip_stored > "$WORK/layer"
add_layer "$L" "$WORK/layer"
finish_layout "$L" "$WORK"

case "$GATE" in
  vulnerability) cat > "$WORK/policy.yaml" <<'YAML'
version: 1
rules:
  - name: no-critical
    match: {projects: [bench]}
    vulnerabilities: {severity: CRITICAL, missingReport: deny}
YAML
  ;;
  signature)
    openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/cosign.key" 2>/dev/null
    openssl ec -in "$WORK/cosign.key" -pubout -out "$WORK/cosign.pub" 2>/dev/null
    cat > "$WORK/policy.yaml" <<'YAML'
version: 1
rules:
  - name: signed
    match: {projects: [bench]}
    signatures:
      cosign:
        keys: [{file: cosign.pub}]
YAML
  ;;
  *) echo "GATE is vulnerability or signature"; exit 2 ;;
esac
printf 'policies:\n  files: [policy.yaml]\n' > "$WORK/gated.yaml"

declare -A R

# Attaches a Trivy report of 300 findings to bench/img:v1 as a referrer (blob and manifest
# pushes with curl).
attach() {  # port
  python3 - "$1" <<'PY'
import hashlib, json, sys, urllib.request
port = sys.argv[1]
base = f"http://127.0.0.1:{port}/v2/bench/img"
def head(path, accept):  # a HEAD is not gated (a GET is refused: no report yet)
    req = urllib.request.Request(base + path, headers={"Accept": accept}, method="HEAD")
    with urllib.request.urlopen(req) as r:
        h = r.headers
        return h["Docker-Content-Digest"], int(h["Content-Length"]), h["Content-Type"]
def blob(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    req = urllib.request.Request(f"{base}/blobs/uploads/?digest={d}", data=data, method="POST",
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req).read()
    return d
sev = ["LOW", "MEDIUM", "HIGH"]
vulns = [{"VulnerabilityID": f"CVE-2024-{10000 + i}", "PkgName": f"pkg-{i % 100}",
          "InstalledVersion": f"1.{i}", "Severity": sev[i % 3],
          **({"FixedVersion": f"2.{i}"} if i % 2 == 0 else {})} for i in range(300)]
report = json.dumps({"SchemaVersion": 2, "CreatedAt": "2026-12-01T10:00:00Z",
                     "ArtifactName": "bench/img:v1", "ArtifactType": "container_image",
                     "Results": [{"Target": "bench/img", "Class": "os-pkgs", "Type": "debian",
                                  "Vulnerabilities": vulns}]}).encode()
subject, subject_size, subject_type = head("/manifests/v1", "application/vnd.oci.image.manifest.v1+json")
t = "application/vnd.aquasec.trivy.report.v1+json"
empty = blob(b"{}")
layer = blob(report)
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "artifactType": t,
    "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": empty, "size": 2},
    "layers": [{"mediaType": t, "digest": layer, "size": len(report)}],
    "subject": {"mediaType": subject_type, "digest": subject, "size": subject_size},
    "annotations": {"org.opencontainers.image.created": "2026-12-01T10:00:00Z"}}).encode()
d = "sha256:" + hashlib.sha256(manifest).hexdigest()
req = urllib.request.Request(f"{base}/manifests/{d}", data=manifest, method="PUT",
                             headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
urllib.request.urlopen(req).read()
PY
}

# Signs bench/img:v1 as `cosign sign --key` does: a simple-signing payload naming the manifest
# digest, signed with openssl, in a manifest tagged sha256-<hex>.sig.
sign() {  # port
  python3 - "$1" "$WORK/cosign.key" <<'PY'
import base64, hashlib, json, subprocess, sys, urllib.request
port, key = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}/v2/bench/img"
req = urllib.request.Request(base + "/manifests/v1", method="HEAD",
                             headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
with urllib.request.urlopen(req) as r:
    subject = r.headers["Docker-Content-Digest"]
def blob(data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    req = urllib.request.Request(f"{base}/blobs/uploads/?digest={d}", data=data, method="POST",
                                 headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(req).read()
    return d
payload = json.dumps({"critical": {"identity": {"docker-reference": f"127.0.0.1:{port}/bench/img"},
                                   "image": {"docker-manifest-digest": subject},
                                   "type": "cosign container image signature"},
                      "optional": None}, separators=(",", ":")).encode()
signature = base64.b64encode(subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                                            input=payload, capture_output=True, check=True).stdout).decode()
layer = blob(payload)
config = json.dumps({"architecture": "", "created": "0001-01-01T00:00:00Z",
                     "history": [{"created": "0001-01-01T00:00:00Z"}], "os": "",
                     "rootfs": {"type": "layers", "diff_ids": [layer]}, "config": {}},
                    separators=(",", ":")).encode()
manifest = json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config),
               "digest": blob(config)},
    "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
                "size": len(payload), "digest": layer,
                "annotations": {"dev.cosignproject.cosign/signature": signature}}]}).encode()
tag = subject.replace(":", "-") + ".sig"
req = urllib.request.Request(f"{base}/manifests/{tag}", data=manifest, method="PUT",
                             headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
urllib.request.urlopen(req).read()
PY
}

start none
if [ "${CONTROL:-0}" = 1 ]; then start gated; else start gated --config "$WORK/gated.yaml"; fi
for name in none gated; do
  HOME="$WORK/home-$name" skopeo copy -q --dest-tls-verify=false "oci:$L:v1" \
    "docker://127.0.0.1:${PORTS[$name]}/bench/img:v1"
done
if [ "${CONTROL:-0}" != 1 ]; then
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORTS[gated]}/v2/bench/img/manifests/v1")" = 403 ] \
    || { echo "gated: a pull without a report or signature was not refused"; exit 1; }
fi
if [ "$GATE" = signature ]; then sign "${PORTS[gated]}"; else attach "${PORTS[gated]}"; fi
for name in none gated; do
  # Every answer must be a 200: a refused request is cheap and would flatter the figure.
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      "http://127.0.0.1:${PORTS[$name]}/v2/bench/img/manifests/v1")" = 200 ] \
    || { echo "$name: a manifest GET was not answered 200"; exit 1; }
done
for _ in $(seq 1 "${WARMUP:-4}"); do   # untimed, alternating, as the timed rounds are
  for name in none gated; do gets "$name" "$DURATION" >/dev/null; done
done
for round in $(seq 1 "$ROUNDS"); do
  for name in none gated; do
    echo "$(gets "$name" "$DURATION")" >> "$WORK/$name.get"
  done
done
for name in none gated; do
  R[$name.get]=$(median < "$WORK/$name.get")
  R[$name.cpu]=$(tail -n "$ROUNDS" "$WORK/$name.cpu" | median)
done
row() { printf '%-38s %12s %8s\n' "$1" "$2" "$(echo "scale=2; $2 / $3" | bc -l 2>/dev/null || echo n/a)"; }
printf '%-38s %12s %8s\n' "figure" "value" "vs none"
row "manifest GET/s, no policies" "${R[none.get]}" "${R[none.get]}"
row "manifest GET/s, $GATE gate" "${R[gated.get]}" "${R[none.get]}"
row "server CPU us per GET, no policies" "${R[none.cpu]}" "${R[none.cpu]}"
row "server CPU us per GET, gate" "${R[gated.cpu]}" "${R[none.cpu]}"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

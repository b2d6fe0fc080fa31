#!/usr/bin/env bash
# Installs (as root, with apt-get, when missing) and starts what the tests need on Debian 12, and
# exports where to find it: Java, Maven, PostgreSQL, and skopeo, podman and docker-registry for the interop
# tests (which start their own docker-registry; the package's daemon is never started). Idempotent.
# Run as a program with a command, it runs that command afterwards, from the repository root: the
# README's test command is `scripts/test-services.sh mvn -B verify`. Sourced, it only sets up.

_wharf_services() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v tar >/dev/null 2>&1 || need+=(tar)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
  # Real clients and a reference registry for the interop tests (wharf-cli *IT).
  command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
  [ -x /usr/bin/docker-registry ] || need+=(docker-registry)
  # podman logs in, pushes and pulls through the token service (wharf-cli AccessControlIT);
  # htpasswd -B writes the bcrypt files the htpasswd tests read.
  command -v podman >/dev/null 2>&1 || need+=(podman)
  command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
  if [ "${#need[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "missing: ${need[*]} (install them, or run as root)" >&2
      return 1
    fi
    # The docker-registry package would start its own daemon on :5000 (the port `wharf serve`
    # uses); the tests start their own instance on a free port, so no package may start a
    # service here: a policy-rc.d that denies, only for the install, unless one exists already.
    local own_policy="" rc=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
      chmod 755 /usr/sbin/policy-rc.d
      own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
    if [ "$rc" -eq 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" || rc=$?
    fi
    if [ -n "$own_policy" ]; then
      rm -f /usr/sbin/policy-rc.d
    fi
    if [ "$rc" -ne 0 ]; then
      return "$rc"
    fi
    if [[ " ${need[*]} " == *" docker-registry "* ]]; then
      # Nor at the next boot.
      deb-systemd-helper disable docker-registry.service >/dev/null 2>&1 || true
      update-rc.d docker-registry disable >/dev/null 2>&1 || true
    fi
  fi

  # PostgreSQL for the shared-metadata integration tests (oci-storage/jdbc *IT).
  if [ "$(id -u)" -eq 0 ]; then
    local version cluster port
    version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
    pg_lsclusters -h | grep -q . || pg_createcluster "$version" main
    cluster="$(pg_lsclusters -h | head -1 | awk '{print $1 " " $2}')"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start 2>/dev/null || true
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 && break
      sleep 1
    done
    su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_roles WHERE rolname='wharf'\"" | grep -q 1 \
      || su postgres -c "psql -q -c \"CREATE ROLE wharf LOGIN PASSWORD 'wharf'\""
    su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_database WHERE datname='wharf_test'\"" \
      | grep -q 1 || su postgres -c "psql -q -c 'CREATE DATABASE wharf_test OWNER wharf'"
    port="$(pg_lsclusters -h | head -1 | awk '{print $3}')"
    export WHARF_PG_URL="${WHARF_PG_URL:-jdbc:postgresql://127.0.0.1:${port}/wharf_test}"
    export WHARF_PG_USER="${WHARF_PG_USER:-wharf}"
    export WHARF_PG_PASSWORD="${WHARF_PG_PASSWORD:-wharf}"
  fi
  if [ -z "${WHARF_PG_URL:-}" ]; then
    echo "PostgreSQL not started (not root): set WHARF_PG_URL, WHARF_PG_USER and" \
      "WHARF_PG_PASSWORD for the PostgreSQL integration tests, or they are skipped" >&2
  fi
}
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _wharf_services
  cd "$(dirname "$0")/.."
  if [ "$#" -gt 0 ]; then
    exec "$@"
  fi
else
  _wharf_services
fi

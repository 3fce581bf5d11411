#!/usr/bin/env bash
# Installs what readygate needs to build and test on Debian 12 (run as root).
# Idempotent: only missing packages are installed.
set -euo pipefail
pkgs=(build-essential cmake ninja-build ccache pkg-config git curl ca-certificates openssl python3
      libboost1.74-dev libssl-dev libsimdjson-dev nlohmann-json3-dev libyaml-cpp-dev
      libcli11-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev libhiredis-dev
      libgtest-dev libgmock-dev libbenchmark-dev libjemalloc-dev)
# Tests start their own PostgreSQL and Redis servers (temp dirs, unix sockets only);
# tests/e2e/note-render.test.mjs renders the readiness note in headless /usr/bin/chromium.
# scripts/fuzz.sh builds the libFuzzer targets with Debian's clang 14 (libFuzzer is in libclang-rt-14-dev).
[ "${READYGATE_SETUP_TEST:-0}" = 1 ] && pkgs+=(nodejs npm postgresql redis-server chromium clang libclang-rt-14-dev)
[ "${READYGATE_SETUP_BENCH:-0}" = 1 ] && pkgs+=(nginx wrk)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may carry node from elsewhere (e.g. /usr/local); npm comes with it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
filtered=()
for p in "${missing[@]}"; do [ -n "$p" ] && filtered+=("$p"); done
if [ ${#filtered[@]} -gt 0 ]; then
  echo "setup: installing ${filtered[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
fi

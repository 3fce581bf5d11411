#!/usr/bin/env bash
# Builds readygate. Usage: scripts/build.sh [release|asan] [extra cmake args...]
#   release: -O2, the binary users run and benchmarks measure (build/release)
#   asan:    AddressSanitizer + UndefinedBehaviorSanitizer, tests (build/asan)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}; shift || true
case $kind in
  release) args=(-DCMAKE_BUILD_TYPE=Release -DREADYGATE_TESTS=OFF) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DREADYGATE_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
dir="$root/build/$kind"
jobs=${READYGATE_JOBS:-$(nproc)}
cmake -S "$root" -B "$dir" -G Ninja "${args[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$jobs"

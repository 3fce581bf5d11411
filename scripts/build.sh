#!/usr/bin/env bash
# Builds readygate. Usage: scripts/build.sh [release|asan] [extra cmake args...]
#   release: -O2, the binary users run and benchmarks measure (build/release)
#   asan:    AddressSanitizer + UndefinedBehaviorSanitizer, tests (build/asan)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}; shift || true
case $kind in
  # -Werror stays on the test build; g++ 12 at -O2/-O3 reports false -Wrestrict
  # positives inside libstdc++ string code that must not break a user's build.
  release) args=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DREADYGATE_TESTS=OFF -DREADYGATE_WERROR=OFF) ;;
  asan) args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DREADYGATE_SANITIZE=ON) ;;
  *) echo "usage: $0 [release|asan]" >&2; exit 2 ;;
esac
dir="$root/build/$kind"
# ccache hits across clones of the repo in other folders (CI builds a fresh clone).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
jobs=${READYGATE_JOBS:-$(nproc)}
cmake -S "$root" -B "$dir" -G Ninja "${args[@]}" "$@" >/dev/null
cmake --build "$dir" -j "$jobs"

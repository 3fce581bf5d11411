#!/usr/bin/env bash
# Runs every test from a fresh machine: installs packages, builds with
# ASan+UBSan, runs the unit tests (CTest) and the end-to-end tests with the
# official openai SDK (node --test) against the built binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
READYGATE_SETUP_TEST=1 "$root/scripts/setup.sh"
start=$(date +%s)
"$root/scripts/build.sh" asan
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "== unit tests (ctest, ASan+UBSan)"
(cd "$root/build/asan" && ctest --output-on-failure -j "$(nproc)" --timeout 300)
echo "== fuzz smoke (libFuzzer, each target ${READYGATE_FUZZ_SECONDS:-5} s on its seeds)"
"$root/scripts/fuzz.sh" "${READYGATE_FUZZ_SECONDS:-5}"
echo "== end-to-end tests (official openai SDK)"
(cd "$root/tests/e2e" && npm ci --no-audit --no-fund --silent)
READYGATE_BIN="$root/build/asan/src/cli/readygate" node --test --test-concurrency=1 "$root/tests/e2e/"
echo "== hostile upstreams and clients (tests/hostile)"
READYGATE_BIN="$root/build/asan/src/cli/readygate" node --test --test-concurrency=1 "$root/tests/hostile/"
echo "test.sh: all tests passed in $(( $(date +%s) - start ))s"

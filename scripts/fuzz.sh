#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang 14 with ASan+UBSan, in
# build/fuzz) and runs each for SECONDS (default 60) on its committed seeds
# (fuzz/corpus/<target>/, plus the real-provider captures in
# tests/corpus/real/ for the answer, stream and translation targets) with its
# dictionary (fuzz/dict/). New inputs go to a scratch directory, never into
# the repository. A crash, leak, timeout or sanitizer report fails the run
# and leaves the reproducer in build/fuzz/artifacts/ (re-run it with
# `build/fuzz/fuzz/<target> <file>`).
#
#   scripts/fuzz.sh              # every target, 60 s each
#   scripts/fuzz.sh 5            # the smoke run scripts/test.sh does
#   scripts/fuzz.sh 600 fuzz_sse_stream fuzz_shape
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
all=(fuzz_request_path fuzz_upstream_response fuzz_sse_stream fuzz_shape fuzz_request_check
     fuzz_translate_request fuzz_translate_response fuzz_translate_stream fuzz_config fuzz_fault_spec)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")

dir="$root/build/fuzz"
cxx=$(command -v clang++-14 || command -v clang++ || true)
[ -n "$cxx" ] || { echo "fuzz.sh: clang++ not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
# A build directory configured with another compiler would be reconfigured
# without the options below: start it afresh instead.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q "^CMAKE_CXX_COMPILER:.*=$cxx\$" "$dir/CMakeCache.txt"; then
  rm -rf "$dir"
fi
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DREADYGATE_FUZZ=ON -DREADYGATE_TESTS=OFF \
  -DREADYGATE_WERROR=OFF >/dev/null
cmake --build "$dir" -j "${READYGATE_JOBS:-$(nproc)}" --target "${targets[@]}"

dict_of() {
  case $1 in
    fuzz_request_path|fuzz_upstream_response) echo http ;;
    fuzz_sse_stream|fuzz_translate_stream) echo sse ;;
    fuzz_config) echo yaml ;;
    fuzz_fault_spec) echo fault ;;
    *) echo json ;;
  esac
}
real_seeds() {  # real provider captures that suit the target
  case $1 in
    fuzz_shape|fuzz_translate_response) echo "$root/tests/corpus/real" ;;
    fuzz_sse_stream|fuzz_translate_stream) echo "$root/tests/corpus/real" ;;
  esac
}

mkdir -p "$dir/artifacts" "$dir/logs"
summary="$dir/summary.txt"
: >"$summary"
failed=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  seeds=("$root/fuzz/corpus/$t")
  extra=$(real_seeds "$t")
  [ -n "$extra" ] && [ -d "$extra" ] && seeds+=("$extra")
  log="$dir/logs/$t.log"
  # The leak check and sanitizers stay on; a slow input over 10 s is a hang.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$dir/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -dict="$root/fuzz/dict/$(dict_of "$t").dict" -artifact_prefix="$dir/artifacts/$t-" \
       -print_final_stats=1 "$work" "${seeds[@]}" >"$log" 2>&1; then
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    printf '%-26s ok    %6ss  %9s runs  cov %s\n' "$t" "$secs" "$runs" "$cov" | tee -a "$summary"
  else
    failed=1
    printf '%-26s FAIL  (log %s)\n' "$t" "$log" | tee -a "$summary"
    grep -E 'ERROR: |SUMMARY: |Test unit written to|runtime error' "$log" | head -8 | sed 's/^/    /'
  fi
  rm -rf "$work"
done
exit $failed

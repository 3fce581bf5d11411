#!/usr/bin/env bash
# readygate serve vs direct vs nginx reverse proxy, in front of the same fixed
# upstream, using the shared harness (../shared/bench/proxy-bench.sh): the
# upstream and wrk on core 1, each proxy on core 0, interleaved runs.
#
#   bench/gateway-bench.sh [--mode json|sse] [--conns "1 16 64"] [--reps 3] [--duration 10s]
#                          [--busy-poll-us N] [--baseline BIN] [--keep]
# --busy-poll-us N adds a second gateway, `readygate-poll`, started with
# `serve --busy-poll-us N`, measured in the same interleaved run.
# --baseline BIN adds `readygate-before`, the same config served by another
# build (e.g. the commit before a change), measured in the same run.
# The evidence files (1-2 GB per run) are counted and removed at the end
# unless --keep.
# Needs nginx and wrk (READYGATE_SETUP_BENCH=1 scripts/setup.sh) and a
# release build (scripts/build.sh release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${READYGATE_BIN:-$root/build/release/src/cli/readygate}
harness="$root/../shared/bench/proxy-bench.sh"
mode=json args=() poll=0 baseline=
while [ $# -gt 0 ]; do
  case $1 in
    --mode) mode=$2; args+=("$1" "$2"); shift 2;;
    --busy-poll-us) poll=$2; shift 2;;
    --baseline) baseline=$2; shift 2;;
    --keep) keep=1; shift;;
    *) args+=("$1"); shift;;
  esac
done
[ -x "$bin" ] || { echo "no binary at $bin: scripts/build.sh release" >&2; exit 2; }
work=$(mktemp -d -t gateway-bench.XXXXXX)
upstream_port=18080; [ "$mode" = sse ] && upstream_port=18081
cat > "$work/bench.yaml" <<YAML
listen: 127.0.0.1:18095
routes:
  - name: bench-upstream
    surface: chat_completions
    base_url: http://127.0.0.1:$upstream_port/v1
    credential: none
chains:
  - model: gpt-4o-mini
    routes: [bench-upstream]
evidence: {path: $work/evidence.jsonl, environment: bench}
YAML
taskset -c 0 "$bin" serve --config "$work/bench.yaml" 2>"$work/serve.err" &
gws=($!)
targets=(--target "readygate=http://127.0.0.1:18095")
if [ "$poll" != 0 ]; then
  sed -e 's/^listen: 127.0.0.1:18095/listen: 127.0.0.1:18096/' -e "s|evidence.jsonl|evidence-poll.jsonl|" \
    "$work/bench.yaml" > "$work/bench-poll.yaml"
  taskset -c 0 "$bin" serve --config "$work/bench-poll.yaml" --busy-poll-us "$poll" 2>"$work/serve-poll.err" &
  gws+=($!)
  targets+=(--target "readygate-poll=http://127.0.0.1:18096")
fi
if [ -n "$baseline" ]; then
  [ -x "$baseline" ] || { echo "no baseline binary at $baseline" >&2; exit 2; }
  sed -e 's/^listen: 127.0.0.1:18095/listen: 127.0.0.1:18097/' -e "s|evidence.jsonl|evidence-before.jsonl|" \
    "$work/bench.yaml" > "$work/bench-before.yaml"
  taskset -c 0 "$baseline" serve --config "$work/bench-before.yaml" 2>"$work/serve-before.err" &
  gws+=($!)
  targets+=(--target "readygate-before=http://127.0.0.1:18097")
fi
trap 'kill "${gws[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
sleep 0.5
"$harness" "${args[@]}" "${targets[@]}"
kill -TERM "${gws[@]}"; wait "${gws[@]}" || true
for f in "$work"/evidence*.jsonl; do
  echo "$(basename "$f"): evidence records written: $(grep -c '"run_id"' "$f" || true); dropped lines: $(grep -c evidence_dropped "$f" || true)"
  [ "${keep:-0}" = 1 ] || rm -f "$f"
done
echo "gateway metrics and logs: $work"

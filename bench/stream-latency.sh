#!/usr/bin/env bash
# Streaming delivery: does a proxy forward each event as it arrives? The
# built-in provider streams 20 events spaced by --token-latency-ms; the client
# (bench/stream_latency.py) times every event through: direct, nginx reverse
# proxy (proxy_buffering off), readygate serve, and optionally readygate serve
# --busy-poll-us N. Upstream and client on core 1, each proxy on core 0.
#
#   bench/stream-latency.sh [--streams 30] [--token-ms 5] [--busy-poll-us N]
# Needs nginx (READYGATE_SETUP_BENCH=1 scripts/setup.sh) and a release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/nginx-common.sh"
bin=${READYGATE_BIN:-$root/build/release/src/cli/readygate}
streams=30 token_ms=5 poll=0
while [ $# -gt 0 ]; do
  case $1 in
    --streams) streams=$2; shift 2;; --token-ms) token_ms=$2; shift 2;;
    --busy-poll-us) poll=$2; shift 2;;
    *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
command -v nginx >/dev/null || { echo "needs nginx: apt-get install -y nginx" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin: scripts/build.sh release" >&2; exit 2; }
work=$(mktemp -d -t stream-latency.XXXXXX); mkdir -p "$work"/{run,logs}
pids=()
cleanup() {
  [ -s "$work/run/nginx.pid" ] && kill "$(cat "$work/run/nginx.pid")" 2>/dev/null || true
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
taskset -c 1 "$bin" mock --listen 127.0.0.1:18085 --api-key sk-bench --answer-tokens 20 \
  --token-latency-ms "$token_ms" 2>"$work/logs/mock.err" &
pids+=($!)
{ nginx_head "$work" 1024; cat <<CONF
  upstream u { server 127.0.0.1:18085; keepalive 16; }
  server { listen 127.0.0.1:18086; location / { proxy_pass http://u; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_buffering off; } } }
CONF
} > "$work/nginx.conf"
taskset -c 0 nginx -p "$work" -c "$work/nginx.conf"
export RG_BENCH_UPSTREAM_KEY=sk-bench
gateway() {  # port, extra serve args...
  local port=$1; shift
  cat > "$work/gw-$port.yaml" <<YAML
listen: 127.0.0.1:$port
routes:
  - name: mock
    surface: chat_completions
    base_url: http://127.0.0.1:18085/v1
    credential: {env: RG_BENCH_UPSTREAM_KEY}
chains:
  - model: gpt-4o-mini
    routes: [mock]
evidence: {path: $work/evidence-$port.jsonl, environment: bench}
YAML
  taskset -c 0 "$bin" serve --config "$work/gw-$port.yaml" "$@" 2>"$work/logs/serve-$port.err" &
  pids+=($!)
}
gateway 18098
targets=(direct=http://127.0.0.1:18085 nginx=http://127.0.0.1:18086 readygate=http://127.0.0.1:18098)
if [ "$poll" != 0 ]; then gateway 18099 --busy-poll-us "$poll"; targets+=(readygate-poll=http://127.0.0.1:18099); fi
sleep 0.7
echo "streams of 20 events spaced ${token_ms} ms; times from request to each event, medians over $streams streams"
taskset -c 1 python3 "$root/bench/stream_latency.py" --streams "$streams" "${targets[@]}"

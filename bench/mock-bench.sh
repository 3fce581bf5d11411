#!/usr/bin/env bash
# Speed of the built-in provider against nginx returning a fixed body, each
# pinned to core 0 with wrk on core 1 (wrk -t1), non-streaming chat
# completions, interleaved runs (A B A B ...) so machine drift hits both.
#
#   bench/mock-bench.sh [--bin build/release/src/cli/readygate] [--conns "1 16 64"]
#                       [--reps 3] [--duration 10s] [--log-flush-ms 0] [--keep]
# The request log is on in every run (--log-flush-ms 0: a flush per request).
# The log (about 1 GB per run at c=64) is counted and removed at the end
# unless --keep.
# Needs nginx and wrk (scripts/setup.sh with READYGATE_SETUP_BENCH=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/nginx-common.sh"
bin="$root/build/release/src/cli/readygate" conns="1 16 64" reps=3 dur=10s flush=0
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift 2;; --conns) conns=$2; shift 2;; --reps) reps=$2; shift 2;;
    --keep) keep=1; shift;;
    --duration) dur=$2; shift 2;; --log-flush-ms) flush=$2; shift 2;; *) echo "unknown argument: $1" >&2; exit 2;;
  esac
done
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk" >&2; exit 2; }
[ -x "$bin" ] || { echo "no binary at $bin: scripts/build.sh release" >&2; exit 2; }
shared="$root/../shared/bench"
work=$(mktemp -d -t mock-bench.XXXXXX); mkdir -p "$work"/{run,logs}
chat='{"id":"chatcmpl-bench0001","object":"chat.completion","created":1732500000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Revenue grew 12% year over year, driven by enterprise subscription renewals, while operating costs stayed flat. Net margin improved by two points.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":58,"completion_tokens":47,"total_tokens":105},"system_fingerprint":"fp_bench"}'
{ nginx_head "$work" 4096; cat <<CONF
  server { listen 127.0.0.1:18090 backlog=4096; default_type application/json;
    location = /v1/chat/completions { return 200 '$chat'; } } }
CONF
} > "$work/nginx.conf"
cleanup() {
  [ -s "$work/run/nginx.pid" ] && kill "$(cat "$work/run/nginx.pid")" 2>/dev/null || true
  [ -n "${mock_pid:-}" ] && kill "$mock_pid" 2>/dev/null || true
}
trap cleanup EXIT
taskset -c 0 nginx -p "$work" -c "$work/nginx.conf"
taskset -c 0 "$bin" mock --listen 127.0.0.1:18091 --api-key sk-bench --answer-tokens 24 \
  --log "$work/mock-requests.jsonl" --log-flush-ms "$flush" 2>"$work/logs/mock.err" &
mock_pid=$!
sleep 0.5
cat > "$work/post.lua" <<LUA
local f = io.open("$shared/chat_request.json", "rb"); wrk.method = "POST"; wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk-bench"
LUA
targets=("nginx=http://127.0.0.1:18090" "mock=http://127.0.0.1:18091")
for t in "${targets[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -X POST "${t#*=}/v1/chat/completions" \
    -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-bench' --data-binary @"$shared/chat_request.json")
  [ "$code" = 200 ] || { echo "${t%%=*} answered $code" >&2; exit 1; }
  taskset -c 1 wrk -t1 -c16 -d3s -s "$work/post.lua" "${t#*=}/v1/chat/completions" >/dev/null
done
for c in $conns; do for r in $(seq "$reps"); do for t in "${targets[@]}"; do
  taskset -c 1 wrk -t1 -c"$c" -d"$dur" --latency -s "$work/post.lua" "${t#*=}/v1/chat/completions" \
    > "$work/${t%%=*}_c${c}_r${r}.txt" 2>&1
done; done; done
echo "| conns | nginx req/s | mock req/s | mock/nginx | nginx p99 ms | mock p99 ms |"
echo "|---|---|---|---|---|---|"
python3 - "$work" "$conns" <<'PY'
import re, statistics, sys, glob
work, conns = sys.argv[1], sys.argv[2].split()
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)$", v).groups(); n = float(n)
    return n / 1000 if u == "us" else n * 1000 if u == "s" else n
def parse(f):
    s = open(f).read()
    return float(re.search(r"Requests/sec:\s+([\d.]+)", s).group(1)), ms(re.search(r"^\s+99%\s+(\S+)", s, re.M).group(1))
for c in conns:
    med = {t: [statistics.median(x[i] for x in [parse(f) for f in sorted(glob.glob(f"{work}/{t}_c{c}_r*.txt"))]) for i in range(2)] for t in ("nginx", "mock")}
    print(f"| {c} | {med['nginx'][0]:.0f} | {med['mock'][0]:.0f} | {med['mock'][0]/med['nginx'][0]:.2f}x | {med['nginx'][1]:.3f} | {med['mock'][1]:.3f} |")
PY
echo "mock request log lines: $(wc -l < "$work/mock-requests.jsonl") (logging on, --log-flush-ms $flush)"
[ "${keep:-0}" = 1 ] || rm -f "$work/mock-requests.jsonl"

#!/usr/bin/env bash
# Starts `readygate mock` on a free loopback port and exercises both
# surfaces against it, printing what each answered. Usage: smoke.sh BIN
set -euo pipefail
bin=${1:?usage: smoke.sh path/to/readygate}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" mock --listen "127.0.0.1:$port" --api-key sk-local-demo --log "$work/requests.jsonl" 2>"$work/mock.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port/v1"
call() {  # call NAME PATH BODY [KEY]
  local out code
  out=$(curl -s -m 10 -w '\n%{http_code}' "$base/$2" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer ${4:-sk-local-demo}" -d "$3")
  code=${out##*$'\n'}; body=${out%$'\n'*}
  printf '%-34s HTTP %s  %s\n' "$1" "$code" "$(printf '%s' "$body" | python3 -c '
import sys, json
t = sys.stdin.read()
if t.startswith("data:") or t.startswith("event:"):
    ev = [l for l in t.splitlines() if l.startswith("data:")]
    print(f"{len(ev)} events, last: {ev[-1][:60]}")
else:
    j = json.loads(t)
    print(j.get("object") or ("error: " + j["error"]["code"]), j.get("status", ""), (j.get("usage") or {}).get("total_tokens", ""))')"
  [ "$code" = "${5:-200}" ]
}
call "chat completions" chat/completions '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}'
call "chat completions (stream)" chat/completions '{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello"}]}'
call "responses" responses '{"model":"gpt-4o-mini","input":"hello"}'
call "responses (stream)" responses '{"model":"gpt-4o-mini","input":"hello","stream":true}'
call "controlled error: invalid key" chat/completions '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}' sk-invalid 401
echo "request log: $(wc -l < "$work/requests.jsonl") lines, credentials redacted: $(grep -c '"authorization":"\[redacted\]"' "$work/requests.jsonl")"
echo "smoke: both surfaces answered as documented"

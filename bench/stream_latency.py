#!/usr/bin/env python3
"""Per-event delivery times of a streamed chat completion through several
targets, interleaved: each round sends one stream to every target in turn.

    stream_latency.py --streams N NAME=URL [NAME=URL ...]

The first target is the reference (direct to the upstream). For every event
index i it takes the median arrival time (from sending the request to the end
of the event's blank line) over the N streams of each target, then reports,
per target: the median time to the first event, the added time to the first
event over the reference, and the median and largest added delay over all
event indices. A proxy that buffered events would show added delays that grow
with i (or clumps); one that forwards each event as it arrives shows a flat,
small added delay. Loopback only; standard library only.
"""
import argparse
import http.client
import json
import statistics
import sys
import time
import urllib.parse

BODY = json.dumps({
    "model": "gpt-4o-mini", "stream": True,
    "messages": [{"role": "user", "content": "Summarize the quarter in one paragraph."}],
}).encode()


def one_stream(conn, path, key):
    t0 = time.perf_counter_ns()
    conn.request("POST", path, BODY, {"Content-Type": "application/json",
                                      "Authorization": "Bearer " + key})
    resp = conn.getresponse()
    if resp.status != 200:
        raise SystemExit(f"status {resp.status}: {resp.read()[:200]!r}")
    times, buf = [], b""
    while True:
        piece = resp.read1(65536)
        if not piece:
            break
        now = time.perf_counter_ns()
        buf += piece
        while b"\n\n" in buf:
            frame, buf = buf.split(b"\n\n", 1)
            if frame.strip().startswith(b"data:"):
                times.append((now - t0) / 1000.0)  # microseconds
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--streams", type=int, default=30)
    ap.add_argument("--key", default="sk-bench")
    ap.add_argument("targets", nargs="+")
    a = ap.parse_args()
    targets = []
    for t in a.targets:
        name, url = t.split("=", 1)
        u = urllib.parse.urlsplit(url)
        targets.append((name, http.client.HTTPConnection(u.hostname, u.port, timeout=30),
                        u.path.rstrip("/") + "/v1/chat/completions"))
    runs = {name: [] for name, _, _ in targets}
    for _ in range(2):  # warm-up: connections, pools
        for name, conn, path in targets:
            one_stream(conn, path, a.key)
    for _ in range(a.streams):
        for name, conn, path in targets:
            runs[name].append(one_stream(conn, path, a.key))
    events = min(len(t) for r in runs.values() for t in r)
    med = {name: [statistics.median(t[i] for t in r) for i in range(events)]
           for name, r in runs.items()}
    ref = targets[0][0]
    print(f"| target | streams | events | first event µs | added first event µs "
          f"| added per event µs (median) | added per event µs (max) |")
    print("|---|---|---|---|---|---|---|")
    for name, _, _ in targets:
        added = [med[name][i] - med[ref][i] for i in range(events)]
        if name == ref:
            print(f"| {name} | {a.streams} | {events} | {med[name][0]:.0f} | — | — | — |")
        else:
            print(f"| {name} | {a.streams} | {events} | {med[name][0]:.0f} | {added[0]:.0f} "
                  f"| {statistics.median(added):.0f} | {max(added):.0f} |")


if __name__ == "__main__":
    sys.exit(main())

// Small readers for the mock's JSONL request log lines.

/** A request header from a log line, whatever shape `headers` has (object or [name, value] pairs). */
export function header(line, name) {
  const h = line.headers ?? {};
  const n = name.toLowerCase();
  if (Array.isArray(h)) {
    const hit = h.find((p) => (Array.isArray(p) ? p[0] : p.name)?.toLowerCase() === n);
    return hit === undefined ? undefined : Array.isArray(hit) ? hit[1] : hit.value;
  }
  return h[n];
}

/** Gaps in ms between consecutive log lines. */
export function gaps(lines) {
  return lines.slice(1).map((l, i) => l.t_ms - lines[i].t_ms);
}

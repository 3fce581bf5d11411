// The attacking / checking client side of the hostile suite: plain requests
// through the gateway with fetch, raw bytes over a socket for what fetch will
// not send, and the gateway process's resident memory.

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { CLIENT_KEY, MODEL } from '../../e2e/lib/gateway.mjs';
import { pause } from './upstream.mjs';

export { CLIENT_KEY, MODEL };

/** A chat request whose last user message is `tag` (the hostile upstream echoes it). */
export function chatBody(tag, extra = {}) {
  return JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: tag }], ...extra });
}

/**
 * POST through the gateway; resolves {status, headers, text, json} (json null
 * when the body is not JSON). Bounded by timeoutMs.
 */
export async function post(gw, body, { path = '/v1/chat/completions', key = CLIENT_KEY, headers = {}, timeoutMs = 20_000 } = {}) {
  const res = await fetch(`${gw.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a stream, or garbage)
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The assistant text of a chat.completion, or undefined. */
export const contentOf = (json) => json?.choices?.[0]?.message?.content;

/**
 * Writes `bytes` (string or Buffer, or an array of pieces written `gapMs`
 * apart) to host:port and collects everything received until the server
 * closes or `timeoutMs` passes. Resolves {data (latin1 string), closed, ms}.
 */
export function rawExchange(port, bytes, { timeoutMs = 5000, gapMs = 0, host = '127.0.0.1', endAfterWrite = false } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks = [];
    let done = false;
    const socket = net.connect(port, host);
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks).toString('latin1'), closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref();
    socket.on('data', (d) => chunks.push(d));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', async () => {
      const pieces = Array.isArray(bytes) ? bytes : [bytes];
      for (const p of pieces) {
        if (socket.destroyed) return;
        socket.write(p);
        if (gapMs) await pause(gapMs);
      }
      if (endAfterWrite) socket.end();
    });
  });
}

/** The status codes of every HTTP response head in `data`, in order. */
export function statuses(data) {
  return [...data.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
}

/** Resident set size of process `pid` in KiB (VmRSS). */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Parses an SSE body into [{event, data}] (data lines joined). */
export function sseEvents(text) {
  const out = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = '';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) out.push({ event, data: data.join('\n') });
  }
  return out;
}

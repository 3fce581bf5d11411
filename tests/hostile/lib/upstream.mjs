// A scriptable misbehaving upstream: a raw TCP server on 127.0.0.1 that reads
// HTTP/1.1 requests itself and answers each with whatever bytes the test's
// script writes, so a test can send what no well-behaved server would (1xx
// before the answer, a second unsolicited answer, a body longer than its
// Content-Length, a cut chunked body, SSE comments forever, a dribbled body).
//
//   const up = await startHostile(async ({ socket, req, n }) => {
//     socket.write(raw(200, { 'content-type': 'application/json' }, chatCompletion(req.tag)));
//   });
//   ... route('primary', up) ...
//   after(() => up.stop());
//
// Each request's body carries a tag (the last user message's content) so a
// test can tell whose answer a client received. Every timer here is unref'd
// and bounded by stop().

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A timer that does not keep the test process alive. */
export const pause = (ms) => sleep(ms, undefined, { ref: false });

/** Head + body as bytes: `HTTP/1.1 status reason`, headers, blank line, body (Content-Length unless given or chunked). */
export function raw(status, headers = {}, body = '', reason = 'OK') {
  const h = { ...headers };
  const names = Object.keys(h).map((k) => k.toLowerCase());
  if (!names.includes('content-length') && !names.includes('transfer-encoding')) h['content-length'] = Buffer.byteLength(body);
  let head = `HTTP/1.1 ${status} ${reason}\r\n`;
  for (const [k, v] of Object.entries(h)) head += `${k}: ${v}\r\n`;
  return head + '\r\n' + body;
}

/** A chat.completion whose content is `text` (documented shape). */
export function chatCompletion(text) {
  return JSON.stringify({
    id: 'chatcmpl-hostile',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });
}

/** One chat.completion.chunk data payload. */
export function chatChunk(delta, finish = null) {
  return JSON.stringify({
    id: 'chatcmpl-hostile',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
}

/** A whole valid chat stream answering `text`, as SSE bytes. */
export function chatStream(text) {
  return (
    `data: ${chatChunk({ role: 'assistant', content: '' })}\n\n` +
    `data: ${chatChunk({ content: text })}\n\n` +
    `data: ${chatChunk({}, 'stop')}\n\n` +
    'data: [DONE]\n\n'
  );
}

/** An OpenAI-shaped error body. */
export function errorBody(message, type = 'server_error', code = null) {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** Bytes as one chunk of a chunked body. */
export const chunk = (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;

function parseHead(text) {
  const [line, ...rest] = text.split('\r\n');
  const [method, target] = line.split(' ');
  const headers = {};
  for (const h of rest) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { method, target, headers };
}

function tagOf(body) {
  try {
    const j = JSON.parse(body);
    const msgs = j.messages ?? j.input;
    if (typeof msgs === 'string') return msgs;
    const last = msgs?.[msgs.length - 1];
    return typeof last?.content === 'string' ? last.content : '';
  } catch {
    return '';
  }
}

/**
 * Starts the server. `script({socket, req, n, conn})` answers request number n
 * (0-based over the server's life); conn is the connection's number. It may
 * write anything, end or destroy the socket; requests that follow on the same
 * connection are read and scripted too.
 */
export async function startHostile(script) {
  const sockets = new Set();
  const requests = [];
  let n = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    const conn = connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      try {
        for (;;) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = parseHead(buf.subarray(0, end).toString('latin1'));
          const len = Number(head.headers['content-length'] ?? 0);
          if (buf.length < end + 4 + len) break;
          const body = buf.subarray(end + 4, end + 4 + len).toString('utf8');
          buf = buf.subarray(end + 4 + len);
          const req = { ...head, body, tag: tagOf(body) };
          requests.push(req);
          const i = n++;
          if (socket.destroyed) return;
          await script({ socket, req, n: i, conn });
        }
      } catch {
        socket.destroy();
      } finally {
        busy = false;
      }
    };
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      pump();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref(); // never what keeps a test process alive
  const port = server.address().port;
  return {
    port,
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    connections: () => connections,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.race([new Promise((r) => server.close(r)), pause(2000)]);
      return { code: 0, signal: null, output: '' };
    },
  };
}

/** Writes `text` a few bytes at a time, `everyMs` apart, until done or the socket closes. */
export async function dribble(socket, text, everyMs, step = 1) {
  for (let i = 0; i < text.length && !socket.destroyed; i += step) {
    socket.write(text.slice(i, i + step));
    await pause(everyMs);
  }
}

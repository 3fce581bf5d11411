// Item 3: deadlines mean what the README says. `total` bounds the whole
// request, streams included; SSE comments are not progress toward the first
// event; a dribbled JSON body is bounded by `total`; the upstream connection
// closes when the client leaves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withHostile } from './lib/harness.mjs';
import { chatBody, post, sseEvents } from './lib/client.mjs';
import { chatChunk, chatCompletion, chunk, dribble, pause, raw, startHostile } from './lib/upstream.mjs';

const SSE_HEAD = { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' };
const JSON_HEAD = { 'content-type': 'application/json' };


describe('every wait has a deadline', () => {
  test('timeouts.total ends a stream that keeps sending, with the error frame', async () => {
    await withHostile(async ({ socket }) => {
      socket.write(raw(200, SSE_HEAD, ''));
      socket.write(chunk(`data: ${chatChunk({ role: 'assistant', content: '' })}\n\n`));
      for (let i = 0; i < 200 && !socket.destroyed; i++) {
        await pause(150);
        if (!socket.destroyed) socket.write(chunk(`data: ${chatChunk({ content: 'x' })}\n\n`));
      }
    }, { retry: { max_attempts: 1 }, timeouts: { connect: '1s', first_byte: '1s', stream_idle: '5s', total: '1500ms' } }, async (gw) => {
      const t0 = Date.now();
      const r = await post(gw, chatBody('long', { stream: true }), { timeoutMs: 10_000 });
      const ms = Date.now() - t0;
      assert.equal(r.status, 200, 'the stream was committed');
      assert.ok(ms < 3500, `ended near the 1.5 s total, not when the upstream stopped (${ms} ms)`);
      const events = sseEvents(r.text);
      const last = events[events.length - 1];
      assert.ok(last && JSON.parse(last.data).error, `ends with an error frame: ${r.text.slice(-300)}`);
      assert.ok(!r.text.includes('[DONE]'), 'never a fake completion');
      const rec = await gw.evidenceFor(r.headers.get('x-readygate-request-id'));
      assert.equal(rec.stream_verdict, 'deadline_exceeded');
      assert.equal(rec.follow_up_needed, true);
    });
  });

  test('SSE comments are not progress toward the first event (first_byte bounds them)', async () => {
    let closedAt = 0;
    await withHostile(async ({ socket }) => {
      socket.once('close', () => (closedAt = Date.now()));
      socket.write(raw(200, SSE_HEAD, ''));
      for (let i = 0; i < 200 && !socket.destroyed; i++) {
        socket.write(chunk(': keep-alive\n\n'));
        await pause(100);
      }
    }, { retry: { max_attempts: 1 }, timeouts: { first_byte: '800ms', stream_idle: '5s', total: '20s' } }, async (gw) => {
      const t0 = Date.now();
      const r = await post(gw, chatBody('comments', { stream: true }), { timeoutMs: 10_000 });
      const ms = Date.now() - t0;
      assert.equal(r.status, 504, r.text);
      assert.ok(r.json?.error, r.text);
      assert.ok(ms < 3000, `bounded by first_byte (${ms} ms)`);
      await pause(200);
      assert.ok(closedAt > 0, 'the upstream connection was closed');
    });
  });

  test('a JSON body dribbled a byte at a time is bounded by total', async () => {
    await withHostile(async ({ socket }) => {
      const body = chatCompletion('answer:slow');
      socket.write(raw(200, { ...JSON_HEAD, 'content-length': Buffer.byteLength(body) }, ''));
      await dribble(socket, body, 50);
    }, { retry: { max_attempts: 1 }, timeouts: { connect: '1s', first_byte: '1s', stream_idle: '5s', total: '1200ms' } }, async (gw) => {
      const t0 = Date.now();
      const r = await post(gw, chatBody('dribble'), { timeoutMs: 10_000 });
      const ms = Date.now() - t0;
      assert.equal(r.status, 504, r.text);
      assert.ok(ms < 3000, `bounded by total (${ms} ms)`);
      const rec = await gw.evidenceFor(r.headers.get('x-readygate-request-id'));
      assert.equal(rec.status, 504);
    });
  });

  test('the upstream connection closes when the client leaves', async () => {
    let closedAt = 0;
    await withHostile(async ({ socket }) => {
      socket.once('close', () => (closedAt = Date.now()));
      // never answers
    }, { retry: { max_attempts: 1 }, timeouts: { first_byte: '20s', total: '30s' } }, async (gw) => {
      const ac = new AbortController();
      const p = fetch(`${gw.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${(await import('./lib/client.mjs')).CLIENT_KEY}` },
        body: chatBody('leaving'),
        signal: ac.signal,
      }).catch(() => null);
      await pause(300);
      const leftAt = Date.now();
      ac.abort();
      await p;
      for (let i = 0; i < 40 && !closedAt; i++) await pause(50);
      assert.ok(closedAt > 0, 'the upstream connection was closed after the client left');
      assert.ok(closedAt - leftAt < 1500, `within ${closedAt - leftAt} ms`);
      const recs = await gw.waitForEvidence(1);
      assert.equal(recs[0].status, 499);
    });
  });
});

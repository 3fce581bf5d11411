// Item 2: a body that fails after a 2xx head is a failed attempt. When
// nothing serves, the client gets 502 (504 for a deadline) with an
// OpenAI-shaped error body, never 200 with an error; the record holds the
// status the client got and each attempt's upstream status. Item 7 (upstream
// side): a 3xx or a status outside 200-599 is a failed attempt too.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withHostile } from './lib/harness.mjs';
import { chatBody, contentOf, post, rssKiB } from './lib/client.mjs';
import { chatCompletion, chatStream, chunk, pause, raw } from './lib/upstream.mjs';

const JSON_HEAD = { 'content-type': 'application/json' };
const ONE_ATTEMPT = { retry: { max_attempts: 1 } };


async function assertFailedAttempt(gw, { status, attempts = 1 }) {
  const r = await post(gw, chatBody('cut'));
  assert.equal(r.status, status, r.text);
  assert.ok(r.json?.error, `an OpenAI-shaped error body: ${r.text}`);
  assert.equal(typeof r.json.error.message, 'string');
  assert.equal(typeof r.json.error.type, 'string');
  const rec = await gw.evidenceFor(r.headers.get('x-readygate-request-id'));
  assert.ok(rec, 'an evidence record');
  assert.equal(rec.status, status, 'the record holds the status the client got');
  assert.equal(rec.status_family, `${String(status)[0]}xx`);
  assert.equal(rec.attempts.length, attempts);
  return { r, rec };
}

describe('a 2xx head whose body then fails is never a 200', () => {
  test('a JSON body cut short (Content-Length 4096, 20 bytes, close) is a 502', async () => {
    await withHostile(({ socket }) => {
      socket.write(raw(200, { ...JSON_HEAD, 'content-length': 4096 }) + '{"id":"chatcmpl-cut",');
      socket.end();
    }, ONE_ATTEMPT, async (gw) => {
      const { rec } = await assertFailedAttempt(gw, { status: 502 });
      assert.equal(rec.attempts[0].status, 200, "the attempt's upstream status");
      assert.notEqual(rec.attempts[0].error_class, 'none');
    });
  });

  test('a bad chunk size is a 502', async () => {
    await withHostile(({ socket }) => {
      socket.write(raw(200, { ...JSON_HEAD, 'transfer-encoding': 'chunked' }, '') + 'zz\r\nnot hex\r\n');
      socket.end();
    }, ONE_ATTEMPT, (gw) => assertFailedAttempt(gw, { status: 502 }));
  });

  test('a head then silence is a 504 within the stream-idle deadline', async () => {
    await withHostile(({ socket }) => {
      socket.write(raw(200, { ...JSON_HEAD, 'content-length': 500 }));
    }, { ...ONE_ATTEMPT, timeouts: { stream_idle: '400ms', total: '10s' } }, async (gw) => {
      const t0 = Date.now();
      await assertFailedAttempt(gw, { status: 504 });
      assert.ok(Date.now() - t0 < 3000, `bounded (${Date.now() - t0} ms)`);
    });
  });

  test('a failed body is retried like any transient failure, and the retry serves', async () => {
    await withHostile(({ socket, req, n }) => {
      if (n === 0) {
        socket.write(raw(200, { ...JSON_HEAD, 'content-length': 4096 }, '') + '{"id"');
        socket.end();
        return;
      }
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)));
    }, { retry: { max_attempts: 3, base: '5ms', base_after_429: '5ms', cap: '20ms' } }, async (gw) => {
      const r = await post(gw, chatBody('retry-me'));
      assert.equal(r.status, 200, r.text);
      assert.equal(contentOf(r.json), 'answer:retry-me');
      const rec = await gw.evidenceFor(r.headers.get('x-readygate-request-id'));
      assert.equal(rec.attempts.length, 2);
      assert.equal(rec.attempts[0].status, 200);
      assert.equal(rec.attempts[0].decision, 'retry');
    });
  });

  test('an upstream 3xx is a failed attempt (502), not handed to the client', async () => {
    await withHostile(({ socket }) => {
      socket.write(raw(301, { location: 'http://127.0.0.1:1/elsewhere', 'content-type': 'text/html' }, '<html>moved</html>', 'Moved Permanently'));
    }, ONE_ATTEMPT, async (gw) => {
      const { r } = await assertFailedAttempt(gw, { status: 502 });
      assert.equal(r.headers.get('location'), null);
    });
  });

  test('an upstream status outside 200-599 is a failed attempt (502)', async () => {
    await withHostile(({ socket }) => {
      socket.write(raw(999, JSON_HEAD, chatCompletion('answer:weird'), 'Weird'));
    }, ONE_ATTEMPT, (gw) => assertFailedAttempt(gw, { status: 502 }));
  });

  test('a 64 MiB SSE event before the first complete event is a failed attempt, RSS within +16 MiB', async () => {
    let n = 0;
    await withHostile(async ({ socket, req }) => {
      if (n++ > 0) {
        // the request after: a normal stream
        socket.write(raw(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }) + chunk(chatStream(`answer:${req.tag}`)) + '0\r\n\r\n');
        return;
      }
      socket.write(raw(200, { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' }) + chunk('data: {"x":"'));
      const piece = chunk('a'.repeat(1 << 20));
      for (let i = 0; i < 64 && !socket.destroyed; i++) {
        if (!socket.write(piece)) await new Promise((r) => (socket.once('drain', r), socket.once('close', r)));
      }
    }, ONE_ATTEMPT, async (gw) => {
      const before = rssKiB(gw.pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(gw.pid))), 20);
      const r = await post(gw, chatBody('huge-event', { stream: true }), { timeoutMs: 20_000 });
      clearInterval(sampler);
      assert.equal(r.status, 502, r.text.slice(0, 300));
      assert.equal(r.json?.error?.code, 'upstream_invalid_response');
      assert.ok(peak - before <= 16 * 1024, `RSS grew by ${peak - before} KiB`);
      const rec = await gw.evidenceFor(r.headers.get('x-readygate-request-id'));
      assert.equal(rec.attempts[0].transport_error, 'too_large');
      const ok = await post(gw, chatBody('after', { stream: true }));
      assert.equal(ok.status, 200);
      assert.match(ok.text, /answer:after/);
    });
  });

  test('a normal request right after each of these still succeeds', async () => {
    let bad = true;
    await withHostile(({ socket, req }) => {
      if (bad) {
        bad = false;
        socket.write(raw(200, { ...JSON_HEAD, 'content-length': 4096 }, '') + '{');
        socket.end();
        return;
      }
      socket.write(raw(200, JSON_HEAD, chatCompletion(`answer:${req.tag}`)));
    }, ONE_ATTEMPT, async (gw) => {
      assert.equal((await post(gw, chatBody('first'))).status, 502);
      await pause(10);
      const ok = await post(gw, chatBody('second'));
      assert.equal(ok.status, 200, ok.text);
      assert.equal(contentOf(ok.json), 'answer:second');
    });
  });
});

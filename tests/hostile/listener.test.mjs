// Items 4, 5, 6 and 7 on the client side: memory is bounded before anything
// is trusted (the client key, path, method and declared length are checked
// on the head, before any body byte is read); ambiguous JSON is refused;
// headers passed through are sanitized; the listener frames HTTP/1.1 as
// RFC 9112 says.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { UPSTREAM_KEY, route, startGateway, stopAll } from '../e2e/lib/gateway.mjs';
import { CLIENT_KEY, MODEL, chatBody, contentOf, post, rawExchange, rssKiB, statuses } from './lib/client.mjs';
import { chatCompletion, pause, raw, startHostile } from './lib/upstream.mjs';

const JSON_HEAD = { 'content-type': 'application/json' };
let up;
let gw;

before(async () => {
  up = await startHostile(({ socket, req }) => {
    socket.write(
      raw(200, { ...JSON_HEAD, 'x-request-id': `req-${UPSTREAM_KEY}`, 'x-ratelimit-remaining-requests': `Bearer ${UPSTREAM_KEY}`, 'openai-processing-ms': '12' },
        chatCompletion(`answer:${req.tag}`)),
    );
  });
  gw = await startGateway({ routes: [route('primary', up)] });
});
after(() => stopAll(gw, up));

const head = (lines) => lines.join('\r\n') + '\r\n\r\n';
const postHead = (extra = [], { path = '/v1/chat/completions', method = 'POST' } = {}) => [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...extra];

async function stillServes() {
  const r = await post(gw, chatBody('after'));
  assert.equal(r.status, 200, r.text);
  assert.equal(contentOf(r.json), 'answer:after');
}

describe('memory is bounded before the body is trusted', () => {
  test('a request without a client key is refused on its head, before its 8 MiB body', async () => {
    const r = await rawExchange(gw.port, head(postHead(['Content-Type: application/json', 'Content-Length: 8388608'])), { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [401], r.data);
    assert.match(r.data, /"error"/);
    await stillServes();
  });

  test('an unknown path and a wrong method are refused on the head', async () => {
    const a = await rawExchange(gw.port, head(postHead([`Authorization: Bearer ${CLIENT_KEY}`, 'Content-Length: 8000000'], { path: '/v1/nowhere' })), { timeoutMs: 3000 });
    assert.deepEqual(statuses(a.data), [404], a.data);
    const b = await rawExchange(gw.port, head(postHead([`Authorization: Bearer ${CLIENT_KEY}`, 'Content-Length: 8000000'], { method: 'PUT' })), { timeoutMs: 3000 });
    assert.deepEqual(statuses(b.data), [405], b.data);
  });

  test('40 connections sending 8 MiB bodies without a key leave RSS within +16 MiB', async () => {
    const before = rssKiB(gw.pid);
    const body = Buffer.alloc(8 << 20, 0x61);
    const hd = head(postHead(['Content-Type: application/json', `Content-Length: ${body.length}`]));
    const runs = [];
    for (let i = 0; i < 40; i++) runs.push(rawExchange(gw.port, [hd, body], { timeoutMs: 8000 }));
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKiB(gw.pid))), 20);
    const results = await Promise.all(runs);
    clearInterval(sampler);
    peak = Math.max(peak, rssKiB(gw.pid));
    for (const r of results) assert.deepEqual(statuses(r.data).slice(0, 1), [401]);
    assert.ok(peak - before <= 16 * 1024, `RSS grew by ${peak - before} KiB (from ${before} KiB)`);
    await stillServes();
  });
});

describe('ambiguous requests are refused', () => {
  test('two "model" keys get 400 naming model', async () => {
    const body = `{"model":"${MODEL}","messages":[{"role":"user","content":"x"}],"model":"gpt-secret-expensive"}`;
    const r = await post(gw, body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.param, 'model');
    assert.match(r.json.error.message, /model/);
  });

  test('two "stream" keys get 400 naming stream', async () => {
    const body = `{"model":"${MODEL}","stream":false,"messages":[{"role":"user","content":"x"}],"stream":true}`;
    const r = await post(gw, body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.param, 'stream');
  });

  test('two "stream_options" keys get 400', async () => {
    const body = `{"model":"${MODEL}","stream":true,"stream_options":{},"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}`;
    const r = await post(gw, body);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.param, 'stream_options');
  });

  test('a body that is not a JSON object gets 400', async () => {
    for (const body of ['[1,2]', '"text"', 'null', '{"model":']) {
      const r = await post(gw, body);
      assert.equal(r.status, 400, `${body}: ${r.text}`);
      assert.ok(r.json?.error, r.text);
    }
  });
});

describe('headers passed to the client are sanitized', () => {
  test('a credential the upstream reflects in x-request-id or x-ratelimit-* never reaches the client', async () => {
    const r = await post(gw, chatBody('reflect'));
    assert.equal(r.status, 200, r.text);
    for (const [k, v] of r.headers) assert.ok(!v.includes(UPSTREAM_KEY), `${k}: ${v}`);
    assert.ok(r.headers.get('x-request-id'), 'the header itself still passes');
    assert.equal(r.headers.get('openai-processing-ms'), '12');
  });
});

describe('the listener follows RFC 9112 framing', () => {
  const auth = `Authorization: Bearer ${CLIENT_KEY}`;
  const body = chatBody('framing');

  test('an unknown transfer coding gets 501', async () => {
    const r = await rawExchange(gw.port, head(postHead([auth, 'Transfer-Encoding: xchunked'])) + body, { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [501], r.data);
  });

  test('stacked transfer codings get 400 and close', async () => {
    const r = await rawExchange(gw.port, head(postHead([auth, 'Transfer-Encoding: chunked, identity'])) + body, { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [400], r.data);
    assert.ok(r.closed);
  });

  test('Transfer-Encoding with Content-Length gets 400 and close', async () => {
    const r = await rawExchange(
      gw.port,
      head(postHead([auth, 'Transfer-Encoding: chunked', `Content-Length: ${body.length}`])) + `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      { timeoutMs: 3000 },
    );
    assert.deepEqual(statuses(r.data), [400], r.data);
    assert.ok(r.closed);
  });

  test('a malformed request line gets 400 and close, not a silent close', async () => {
    for (const bad of ['GARBAGE\r\n\r\n', 'POST /v1/chat/completions HTTP/1.1\nHost: x\n\n', 'POST /v1/chat/completions HTTP/1.1\r\nBad Header\r\n\r\n']) {
      const r = await rawExchange(gw.port, bad, { timeoutMs: 3000 });
      assert.deepEqual(statuses(r.data), [400], JSON.stringify(bad) + ' -> ' + r.data);
      assert.ok(r.closed);
    }
  });

  test('an unsupported HTTP version gets 400 and close', async () => {
    const r = await rawExchange(gw.port, 'POST /v1/chat/completions HTTP/9.9\r\nHost: x\r\n\r\n', { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [400], r.data);
    assert.ok(r.closed);
  });

  test('a bad chunk size gets 400 and close', async () => {
    const r = await rawExchange(gw.port, head(postHead([auth, 'Transfer-Encoding: chunked'])) + 'xyz\r\n{}\r\n0\r\n\r\n', { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [400], r.data);
    assert.ok(r.closed);
  });

  test('HEAD answers carry no body, and the next answer on the connection is framed right', async () => {
    const r = await rawExchange(gw.port, 'HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { timeoutMs: 3000 });
    assert.deepEqual(statuses(r.data), [200, 200], r.data);
    const [first, second] = r.data.split(/(?=HTTP\/1\.1 )/);
    assert.ok(first.endsWith('\r\n\r\n'), `HEAD answer has no body: ${JSON.stringify(first)}`);
    assert.match(second, /\{"status":"ok"\}$/);
  });

  test('Expect: 100-continue gets an interim 100 before the body is sent', async () => {
    const answer = await new Promise((resolve) => {
      const s = net.connect(gw.port, '127.0.0.1');
      let data = '';
      let sentBody = false;
      const timer = setTimeout(() => (s.destroy(), resolve(data)), 3000);
      s.on('data', (d) => {
        data += d.toString('latin1');
        if (!sentBody && data.startsWith('HTTP/1.1 100')) {
          sentBody = true;
          s.write(body);
        }
        if (/HTTP\/1\.1 200[\s\S]*\r\n\r\n[\s\S]*answer:framing/.test(data)) {
          clearTimeout(timer);
          s.destroy();
          resolve(data);
        }
      });
      s.on('connect', () => s.write(head(postHead([auth, 'Content-Type: application/json', `Content-Length: ${body.length}`, 'Expect: 100-continue']))));
      s.on('error', () => resolve(data));
    });
    assert.deepEqual(statuses(answer), [100, 200], answer);
  });

  test('the Bearer scheme is compared case-insensitively', async () => {
    const r = await post(gw, chatBody('scheme'), { headers: { authorization: `bearer ${CLIENT_KEY}` } });
    assert.equal(r.status, 200, r.text);
  });
});

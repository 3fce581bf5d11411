// Per-request faults (x-readygate-fault header) and how the official SDK's
// retry policy reacts to them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY, assertCleanExit, startMock } from './lib/mock.mjs';
import { gaps, header } from './lib/log.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
let mock;

before(async () => {
  mock = await startMock();
});

after(async () => {
  if (mock) assertCleanExit(await mock.stop());
});

/** Log lines of the requests that carried this fault id. */
function linesFor(faultId) {
  return mock.apiLines().filter((l) => header(l, 'x-readygate-fault-id') === faultId);
}

test('two 503s are retried with growing delays and the third request succeeds', async (t) => {
  const faultId = randomUUID();
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 2, timeout: 10_000 });
  const completion = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: MESSAGES },
    { headers: { 'x-readygate-fault': 'unavailable,times=2', 'x-readygate-fault-id': faultId } },
  );
  assert.equal(completion.choices[0].finish_reason, 'stop');

  const lines = linesFor(faultId);
  assert.deepEqual(
    lines.map((l) => l.status),
    [503, 503, 200],
  );
  assert.deepEqual(
    lines.map((l) => header(l, 'x-stainless-retry-count')),
    ['0', '1', '2'],
  );
  // No Retry-After on these 503s, so the SDK backs off by itself: 0.5 s then 1 s,
  // each minus up to 25 % jitter (375-500 ms, then 750-1000 ms).
  const [g1, g2] = gaps(lines);
  t.diagnostic(`backoffs ${g1.toFixed(1)} ms, ${g2.toFixed(1)} ms`);
  assert.ok(g1 >= 350 && g1 < 1500, `first backoff ${g1.toFixed(1)} ms`);
  assert.ok(g2 >= 700 && g2 < 2500, `second backoff ${g2.toFixed(1)} ms`);
  assert.ok(g2 > g1, `backoff grows (${g1.toFixed(1)} ms, then ${g2.toFixed(1)} ms)`);
});

test('an insufficient_quota 429 is retried by the SDK like any 429 and then fails as RateLimitError', async (t) => {
  // The SDK decides retries by status alone (408, 409, 429, >= 500) unless the
  // server sends `x-should-retry`; the 429's error code is not looked at. So a
  // quota 429, which no retry can fix, costs 1 + maxRetries requests. A gateway
  // must classify insufficient_quota itself (and may send x-should-retry: false).
  const faultId = randomUUID();
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, timeout: 10_000 }); // default maxRetries: 2
  const err = await client.chat.completions
    .create(
      { model: 'gpt-4o-mini', messages: MESSAGES },
      { headers: { 'x-readygate-fault': 'quota', 'x-readygate-fault-id': faultId } },
    )
    .then(
      () => assert.fail('a quota fault succeeded'),
      (e) => e,
    );
  assert.ok(err instanceof OpenAI.RateLimitError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 429);
  assert.equal(err.code, 'insufficient_quota');
  assert.equal(err.type, 'insufficient_quota');

  const lines = linesFor(faultId);
  assert.deepEqual(
    lines.map((l) => l.status),
    [429, 429, 429],
    'observed: 3 attempts (1 + default maxRetries 2)',
  );
  t.diagnostic(`quota 429 attempts ${lines.length}, gaps ${gaps(lines).map((g) => g.toFixed(1)).join(', ')} ms`);
});

test('an insufficient_quota 429 with x-should-retry false is tried only once', async () => {
  // The SDK's one documented escape hatch: `x-should-retry: false` beats the status.
  const faultId = randomUUID();
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, timeout: 10_000 });
  const err = await client.chat.completions
    .create(
      { model: 'gpt-4o-mini', messages: MESSAGES },
      { headers: { 'x-readygate-fault': 'quota,should_retry=false', 'x-readygate-fault-id': faultId } },
    )
    .then(
      () => assert.fail('a quota fault succeeded'),
      (e) => e,
    );
  assert.ok(err instanceof OpenAI.RateLimitError);
  assert.equal(linesFor(faultId).length, 1);
});

test('a 429 with retry-after-ms 250 is retried after about a quarter second', async (t) => {
  const faultId = randomUUID();
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, timeout: 10_000 });
  const response = await client.responses.create(
    { model: 'gpt-4o-mini', input: 'hi' },
    { headers: { 'x-readygate-fault': 'rate_limit_ms,retry_after_ms=250,times=1', 'x-readygate-fault-id': faultId } },
  );
  assert.equal(response.status, 'completed');
  const lines = linesFor(faultId);
  assert.deepEqual(
    lines.map((l) => l.status),
    [429, 200],
  );
  const [gap] = gaps(lines);
  t.diagnostic(`retry after ${gap.toFixed(1)} ms`);
  assert.ok(gap >= 240 && gap < 1000, `retried after ${gap.toFixed(1)} ms`);
});

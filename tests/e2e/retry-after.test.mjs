// A 429 with `Retry-After: 1` must be retried by the SDK, about a second later,
// and the second request must succeed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY, assertCleanExit, startMock } from './lib/mock.mjs';
import { gaps, header } from './lib/log.mjs';

let mock;

before(async () => {
  mock = await startMock({ args: ['--fault', 'rate_limit,retry_after=1,first=1'] });
});

after(async () => {
  if (mock) assertCleanExit(await mock.stop());
});

test('a 429 with Retry-After 1 is retried once, about a second later, and then succeeds', async (t) => {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, timeout: 10_000 }); // default maxRetries
  const started = performance.now();
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
  });
  const elapsed = performance.now() - started;
  assert.ok(completion.choices[0].message.content.length > 0);

  const lines = mock.apiLines();
  assert.deepEqual(
    lines.map((l) => l.status),
    [429, 200],
    `expected 429 then 200, got ${JSON.stringify(lines)}`,
  );
  assert.equal(lines[0].fault, 'rate_limit');
  const [gap] = gaps(lines);
  t.diagnostic(`retry after ${gap.toFixed(1)} ms (mock clock); whole call ${elapsed.toFixed(0)} ms`);
  assert.ok(gap >= 1000 && gap < 3000, `the retry came ${gap.toFixed(1)} ms after the 429`);
  assert.ok(elapsed >= 1000 && elapsed < 3000, `the call took ${elapsed.toFixed(0)} ms`);

  // Observed SDK behaviour (openai 6.x): every attempt carries x-stainless-retry-count,
  // '0' on the first and '1' on the retry; the same body is re-sent.
  assert.equal(header(lines[0], 'x-stainless-retry-count'), '0');
  assert.equal(header(lines[1], 'x-stainless-retry-count'), '1');
  assert.equal(lines[0].body_sha256, lines[1].body_sha256, 'the retry re-sends the same body');
  assert.notEqual(lines[0].request_id, lines[1].request_id, 'each attempt gets its own request id');
});

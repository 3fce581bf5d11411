// Retry-After from the upstream: a short one is honoured (the next attempt
// waits at least that long); one above retry_after_cap (30 s) is not waited
// for at all: the chain falls back at once.
//
// One gateway; each scenario is a chain over its own primary mock, with one
// shared healthy fallback mock (its counts are compared before and after).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chain, route, startGateway, stopAll } from './lib/gateway.mjs';
import { gaps } from './lib/log.mjs';
import { startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
let up;
let gw;

before(async () => {
  const [ra1, ra300, fallback] = await Promise.all([
    startMock({ args: ['--fault', 'rate_limit,retry_after=1,first=1'] }),
    startMock({ args: ['--fault', 'rate_limit,retry_after=300'] }),
    startMock(),
  ]);
  up = { ra1, ra300, fallback };
  gw = await startGateway({
    routes: [route('ra1', ra1), route('ra300', ra300), route('fallback', fallback)],
    chains: [chain('model-ra1', ['ra1', 'fallback']), chain('model-ra300', ['ra300', 'fallback'])],
  });
});

after(() => stopAll(gw, ...Object.values(up ?? {})));

test('a 429 with Retry-After 1 is retried upstream no sooner than one second later', async (t) => {
  const fallbackBefore = up.fallback.apiLines().length;
  const client = gw.client();
  const started = performance.now();
  const { data, response } = await client.chat.completions.create({ model: 'model-ra1', messages: MESSAGES }).withResponse();
  const elapsed = performance.now() - started;

  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.equal(client.calls.length, 1);
  assert.equal(response.headers.get('x-readygate-route'), 'ra1');
  assert.equal(response.headers.get('x-readygate-attempts'), '2');
  const lines = up.ra1.apiLines();
  assert.deepEqual(
    lines.map((l) => l.status),
    [429, 200],
  );
  const [gap] = gaps(lines);
  t.diagnostic(`upstream retry ${gap.toFixed(1)} ms after the 429 (mock clock); SDK call ${elapsed.toFixed(0)} ms`);
  assert.ok(gap >= 1000, `the retry came ${gap.toFixed(1)} ms after the 429, before Retry-After`);
  assert.ok(gap < 3000, `the retry came ${gap.toFixed(1)} ms after the 429`);
  assert.equal(up.fallback.apiLines().length, fallbackBefore, 'no fallback');
});

test('a 429 with Retry-After 300 is not waited for: the fallback serves at once', async (t) => {
  const fallbackBefore = up.fallback.apiLines().length;
  const client = gw.client();
  const started = performance.now();
  const { data, response } = await client.chat.completions.create({ model: 'model-ra300', messages: MESSAGES }).withResponse();
  const elapsed = performance.now() - started;
  t.diagnostic(`whole call ${elapsed.toFixed(0)} ms`);

  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(elapsed < 3000, `the call took ${elapsed.toFixed(0)} ms`);
  assert.equal(client.calls.length, 1);
  assert.equal(response.headers.get('x-readygate-route'), 'fallback');
  assert.equal(response.headers.get('x-readygate-attempts'), '2');
  assert.deepEqual(
    up.ra300.apiLines().map((l) => l.status),
    [429],
    'the primary saw one request',
  );
  assert.equal(up.fallback.apiLines().length - fallbackBefore, 1);

  const rec = await gw.evidenceFor(response.headers.get('x-readygate-request-id'));
  assert.equal(rec.fallback_decision, 'review_required:fallback;fallback:fallback');
  assert.match(rec.attempts[0].reason, /above cap/);
});

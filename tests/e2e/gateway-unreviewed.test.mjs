// No unreviewed fallback (issue 4 §6): with no review in the evidence store,
// a chain whose policy is `refuse` skips its fallback and says why, and one
// whose policy is `limited` serves exactly its share of the fallback traffic,
// in a deterministic order. (`allow`, the e2e default of lib/gateway.mjs, is
// covered by every other fallback test: its records read review_required.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chain, route, startGateway, stopAll } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
// One attempt per route and a breaker that never opens: every request reaches the fallback decision.
const QUIET = { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 1000, min_calls: 1000 } };
let up;
let gw;

before(async () => {
  const [down, healthy] = await Promise.all([startMock({ args: ['--fault', 'unavailable'] }), startMock()]);
  up = { down, healthy };
  gw = await startGateway({
    routes: [route('p-refuse', down, QUIET), route('p-limited', down, QUIET), route('fb', healthy)],
    chains: [
      { ...chain('m-refuse', ['p-refuse', 'fb']), fallback: { unreviewed: 'refuse' } },
      { ...chain('m-limited', ['p-limited', 'fb']), fallback: { unreviewed: 'limited', limited_share: 0.5 } },
    ],
  });
});

after(() => stopAll(gw, ...Object.values(up ?? {})));

async function call(model) {
  const client = gw.client({ maxRetries: 0 });
  try {
    const { response } = await client.chat.completions.create({ model, messages: MESSAGES }).withResponse();
    return { status: response.status, requestId: response.headers.get('x-readygate-request-id'), route: response.headers.get('x-readygate-route') };
  } catch (err) {
    return { status: err.status, requestId: err.headers?.get?.('x-readygate-request-id') ?? err.headers?.['x-readygate-request-id'] };
  }
}

test('the route review state is on /metrics: every route is missing a review', async () => {
  for (const r of ['p-refuse', 'p-limited', 'fb']) {
    assert.equal(await gw.metric('readygate_route_review_state', { route: r, state: 'missing' }), 1, r);
    assert.equal(await gw.metric('readygate_route_review_state', { route: r, state: 'passing' }), 0, r);
  }
});

test('refuse: an unreviewed fallback is skipped with a recorded reason', async () => {
  const before = up.healthy.apiLines().length;
  const r = await call('m-refuse');
  assert.equal(r.status, 503);
  assert.equal(up.healthy.apiLines().length, before, 'the fallback saw no request');
  const rec = await gw.evidenceFor(r.requestId);
  assert.equal(rec.fallback_decision, 'skipped:fb:unreviewed;exhausted');
  assert.deepEqual(rec.routes_tried, ['p-refuse']);
  assert.equal(await gw.metric('readygate_unreviewed_fallback_total', { route: 'fb', decision: 'refused' }), 1);
  assert.equal(await gw.metric('readygate_route_skips_total', { route: 'fb', reason: 'unreviewed' }), 1);
});

test('limited 0.5: every second request reaching the unreviewed fallback is served, and recorded', async () => {
  const results = [];
  for (let i = 0; i < 6; i++) results.push(await call('m-limited'));
  assert.deepEqual(
    results.map((r) => r.status),
    [503, 200, 503, 200, 503, 200],
  );
  const recs = await Promise.all(results.map((r) => gw.evidenceFor(r.requestId)));
  assert.equal(recs[0].fallback_decision, 'skipped:fb:unreviewed_limit;exhausted');
  assert.equal(recs[1].fallback_decision, 'review_required:fb;fallback:fb');
  assert.equal(recs[1].follow_up_needed, true);
  assert.equal(results[1].route, 'fb');
  assert.equal(await gw.metric('readygate_unreviewed_fallback_total', { route: 'fb', decision: 'limited_served' }), 3);
  assert.equal(await gw.metric('readygate_unreviewed_fallback_total', { route: 'fb', decision: 'limited_refused' }), 3);
});

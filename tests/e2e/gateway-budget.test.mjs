// The retry budget under a full primary outage: with the breaker effectively
// disabled, only the budget stops every client request from costing
// max_attempts upstream attempts. Retries to the primary must stay within
// ratio * requests plus the floor (min_retries_per_second * window seconds).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODEL, route, startGateway, stopAll } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const N = 200;
const RATIO = 0.1;
const WINDOW_S = 10;
const MIN_RETRIES_PER_SECOND = 1;
const FLOOR = MIN_RETRIES_PER_SECOND * WINDOW_S;

test('under a full primary outage the retry budget keeps primary retries within 10% of requests plus the floor', async (t) => {
  const [primary, fallback] = await Promise.all([startMock({ args: ['--fault', 'unavailable'] }), startMock()]);
  // The largest values the config accepts (1..1000, 1..100000): N requests make
  // at most 3 * N = 600 failures, so the breaker never opens.
  const noBreaker = { consecutive_failures: 1000, min_calls: 100_000 };
  const gw = await startGateway({
    routes: [route('primary', primary, { breaker: noBreaker }), route('fallback', fallback, { breaker: noBreaker })],
    budget: { ratio: RATIO, window: `${WINDOW_S}s`, min_retries_per_second: MIN_RETRIES_PER_SECOND },
  });
  t.after(() => stopAll(gw, primary, fallback));

  const client = gw.client({ maxRetries: 0 }); // the client adds no retries of its own
  const routes = { primary: 0, fallback: 0 };
  const started = performance.now();
  for (let i = 0; i < N; i++) {
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: `request ${i}` }] })
      .withResponse();
    assert.equal(data.choices[0].finish_reason, 'stop');
    routes[response.headers.get('x-readygate-route')]++;
  }
  const elapsed = performance.now() - started;

  const primaryLines = primary.apiLines();
  const retries = primaryLines.length - N;
  const rejections = await gw.metric('readygate_budget_rejections_total', { route: 'primary' });
  const retriesMetric = await gw.metric('readygate_retries_total', { route: 'primary' });
  t.diagnostic(
    `N=${N} in ${elapsed.toFixed(0)} ms; primary requests ${primaryLines.length}, retries ${retries} ` +
      `(bound ${RATIO * N + FLOOR}), readygate_retries_total ${retriesMetric}, ` +
      `readygate_budget_rejections_total ${rejections}; fallback served ${routes.fallback}`,
  );

  // The bound below holds per budget window; the run must fit in one.
  assert.ok(elapsed < WINDOW_S * 1000, `the ${N} requests took ${elapsed.toFixed(0)} ms, longer than the ${WINDOW_S} s window`);
  assert.equal(client.calls.length, N);
  assert.equal(routes.fallback, N, 'the fallback served every request');
  assert.ok(primaryLines.every((l) => l.status === 503));
  assert.ok(retries > 0, 'the budget allowed some retries');
  assert.ok(retries <= RATIO * N + FLOOR, `${retries} retries exceed ${RATIO} * ${N} + ${FLOOR}`);
  assert.equal(retriesMetric, retries, 'readygate_retries_total matches the primary log');
  assert.ok(rejections > 0, 'the budget refused retries');
  // Every request that was not retried to the limit was cut short by the budget.
  assert.ok(rejections >= N - retries, `${rejections} rejections for ${N} requests and ${retries} retries`);

  const records = await gw.waitForEvidence(N);
  assert.equal(records.length, N);
  const refused = records.filter((r) => r.attempts.some((a) => a.reason === 'retry_budget_exhausted')).length;
  assert.equal(refused, rejections, 'evidence records the budget refusals');
  assert.equal(
    records.reduce((sum, r) => sum + r.retry_count, 0),
    retries,
    'evidence retry_count adds up to the retries',
  );
});

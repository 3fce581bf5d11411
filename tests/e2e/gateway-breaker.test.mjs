// The circuit breaker, seen from the official SDK and /metrics: a primary that
// keeps failing is opened after consecutive_failures (5) failed attempts, the
// fallback serves meanwhile, open requests skip the primary without an
// attempt, and after open_base (1 s) one probe decides: success closes the
// breaker, failure re-opens it for twice as long.
//
// Attempt arithmetic with max_attempts 3 and consecutive_failures 5: request 1
// makes 3 failed primary attempts; request 2 makes 2 more, the 5th failure
// opens the breaker, and its 3rd attempt is not sent (the retry checks the
// breaker first) so it falls back after 5 primary attempts in all, not 6.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chain, route, startGateway, stopAll, waitFor } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;

// One gateway; each test has its own primary route (own mock, own breaker)
// in its own chain, and both share one healthy fallback mock.
let up;
let gw;

before(async () => {
  const [probeOk, probeFails, fallback] = await Promise.all([
    // Requests 1-5 fail, 6+ succeed: the first probe succeeds. The probe
    // (request 6) answers after 800 ms, so that requests sent while it is in
    // flight show that half-open admits one probe only.
    startMock({ args: ['--fault', 'unavailable,first=5', '--fault', 'slow_headers,delay_ms=800,requests=6'] }),
    // Requests 1-6 fail: the first probe (request 6) fails too.
    startMock({ args: ['--fault', 'unavailable,first=6'] }),
    startMock(),
  ]);
  up = { probeOk, probeFails, fallback };
  gw = await startGateway({
    routes: [route('probe-ok', probeOk), route('probe-fails', probeFails), route('fallback', fallback)],
    chains: [chain('model-probe-ok', ['probe-ok', 'fallback']), chain('model-probe-fails', ['probe-fails', 'fallback'])],
  });
});

after(() => stopAll(gw, ...Object.values(up ?? {})));

/** Helpers for one chain: its primary mock and route name. */
function scenario(model, name) {
  const client = gw.client({ maxRetries: 0 });
  const chat = async () => {
    const { data, response } = await client.chat.completions.create({ model, messages: MESSAGES }).withResponse();
    assert.equal(data.choices[0].finish_reason, 'stop');
    return { route: response.headers.get('x-readygate-route'), attempts: response.headers.get('x-readygate-attempts') };
  };
  const state = () => gw.metric('readygate_breaker_state', { route: name });
  return { primary: up[name === 'probe-ok' ? 'probeOk' : 'probeFails'], name, chat, state };
}

/** Opens the primary's breaker with two requests (3 + 2 failed attempts); checks each step. */
async function openTheBreaker({ primary, chat, state }) {
  assert.equal(await state(), CLOSED);
  assert.deepEqual(await chat(), { route: 'fallback', attempts: '4' }, 'request 1: 3 primary attempts, then fallback');
  assert.equal(primary.apiLines().length, 3);
  assert.equal(await state(), CLOSED, '3 consecutive failures do not open it');
  assert.deepEqual(await chat(), { route: 'fallback', attempts: '3' }, 'request 2: 2 primary attempts, then fallback');
  assert.equal(primary.apiLines().length, 5, 'the 5th failure opened the breaker; no 6th attempt');
  assert.equal(await state(), OPEN);
}

test('a failing primary opens the breaker, is skipped while open, and one successful probe closes it', async (t) => {
  const s = scenario('model-probe-ok', 'probe-ok');
  const fallbackBefore = up.fallback.apiLines().length;
  await openTheBreaker(s);

  const skipped = await s.chat();
  assert.deepEqual(skipped, { route: 'fallback', attempts: '1' }, 'open: the fallback serves with one attempt');
  assert.equal(s.primary.apiLines().length, 5, 'open: no attempt reached the primary');
  assert.equal(await gw.metric('readygate_route_skips_total', { route: s.name, reason: 'breaker_open' }), 1);
  assert.equal(await s.state(), OPEN);

  const opened = performance.now();
  const halfOpen = await waitFor(async () => (await s.state()) === HALF_OPEN, { timeoutMs: 3000 });
  t.diagnostic(`half-open after ${(performance.now() - opened).toFixed(0)} ms more (open_base 1 s)`);
  assert.ok(halfOpen, 'the breaker turns half-open after open_base');

  const probe = s.chat();
  assert.ok(await waitFor(() => s.primary.apiLines().length === 6, { timeoutMs: 2000 }), 'the probe reached the primary');
  const during = [await s.chat(), await s.chat()];
  assert.deepEqual(
    during,
    [
      { route: 'fallback', attempts: '1' },
      { route: 'fallback', attempts: '1' },
    ],
    'while the probe is in flight, other requests skip the primary',
  );
  assert.deepEqual(await probe, { route: s.name, attempts: '1' }, 'the probe goes to the primary and succeeds');
  assert.equal(s.primary.apiLines().length, 6, 'one probe only');
  assert.equal(await s.state(), CLOSED, 'a successful probe closes the breaker');
  assert.deepEqual(await s.chat(), { route: s.name, attempts: '1' });
  assert.equal(s.primary.apiLines().length, 7);
  assert.equal(up.fallback.apiLines().length - fallbackBefore, 5, 'requests 1-3 and the 2 during the probe');
});

test('a failed probe re-opens the breaker for twice as long, then the next probe closes it', async (t) => {
  const s = scenario('model-probe-fails', 'probe-fails');
  await openTheBreaker(s);
  const t0 = performance.now();
  assert.ok(await waitFor(async () => (await s.state()) === HALF_OPEN, { timeoutMs: 3000 }), 'half-open after 1 s');

  assert.deepEqual(await s.chat(), { route: 'fallback', attempts: '2' }, 'the probe fails; the fallback serves');
  assert.equal(s.primary.apiLines().length, 6, 'one probe, no retry while half-open');
  const reopened = performance.now();
  assert.equal(await s.state(), OPEN, 'a failed probe re-opens the breaker');

  assert.ok(await waitFor(async () => (await s.state()) === HALF_OPEN, { timeoutMs: 4000 }), 'half-open again');
  const openFor = performance.now() - reopened;
  t.diagnostic(`first open ${(reopened - t0).toFixed(0)} ms+, re-opened for ${openFor.toFixed(0)} ms`);
  assert.ok(openFor >= 1500, `re-opened for ${openFor.toFixed(0)} ms; expected about 2 s (open_base doubled)`);

  assert.deepEqual(await s.chat(), { route: s.name, attempts: '1' });
  assert.equal(await s.state(), CLOSED);
});

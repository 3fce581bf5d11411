// The gateway as the single retry point, seen from the official SDK:
// transient upstream failures are retried inside the gateway (the SDK sees one
// success after one request); a terminal upstream error, or a chain that
// failed every attempt, reaches the SDK as a typed error it does not retry.
// Also: the evidence line of such a request, without secrets or content.
//
// One gateway, one chain (client-facing model) per scenario, each over its
// own mock upstream: the faults are per mock.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { CLIENT_KEY, UPSTREAM_KEY, chain, route, startGateway, stopAll } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const TEN_FIELDS = [
  'run_id',
  'environment',
  'api_surface',
  'status_family',
  'retry_count',
  'fallback_decision',
  'response_shape_observed',
  'evidence_link',
  'operator_initials',
  'follow_up_needed',
];
const MESSAGES = [{ role: 'user', content: 'hi' }];

let up; // mocks by name
let gw;

before(async () => {
  const [flaky, auth, down, healthy] = await Promise.all([
    startMock({ args: ['--fault', 'unavailable,first=2'] }), // 503, 503, then 200
    startMock({ args: ['--fault', 'unauthorized'] }), // 401 every time
    startMock({ args: ['--fault', 'unavailable'] }), // 503 every time
    startMock(),
  ]);
  up = { flaky, auth, down, healthy };
  gw = await startGateway({
    routes: [route('flaky', flaky), route('auth', auth), route('down', down), route('healthy', healthy)],
    chains: [chain('model-flaky', ['flaky']), chain('model-auth', ['auth', 'healthy']), chain('model-down', ['down'])],
  });
});

after(() => stopAll(gw, ...Object.values(up ?? {})));

test('503, 503, then 200 upstream is three upstream attempts and one successful SDK request', async () => {
  const prompt = 'canary prompt 3b9f0c: do not log me';
  const client = gw.client(); // SDK default maxRetries (2): it would retry a 503 if it saw one
  const { data, response } = await client.chat.completions
    .create({ model: 'model-flaky', messages: [{ role: 'user', content: prompt }] })
    .withResponse();

  assert.equal(response.status, 200);
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(data.choices[0].message.content.length > 0);
  assert.equal(client.calls.length, 1, 'the SDK made exactly one request to the gateway');
  assert.equal(response.headers.get('x-readygate-route'), 'flaky');
  assert.equal(response.headers.get('x-readygate-attempts'), '3');
  assert.deepEqual(
    up.flaky.apiLines().map((l) => l.status),
    [503, 503, 200],
    'the upstream saw three attempts',
  );

  // Evidence: the ten required fields, no secrets, no content.
  const rec = await gw.evidenceFor(response.headers.get('x-readygate-request-id'));
  assert.ok(rec, 'an evidence line was written for the request');
  for (const f of TEN_FIELDS) assert.ok(Object.hasOwn(rec, f), `evidence has ${f}`);
  assert.equal(rec.environment, 'e2e');
  assert.equal(rec.api_surface, 'chat_completions');
  assert.equal(rec.status_family, '2xx');
  assert.equal(rec.retry_count, 2);
  assert.equal(rec.fallback_decision, 'none');
  assert.equal(rec.response_shape_observed, 'documented_shape_seen');
  assert.equal(rec.follow_up_needed, false);
  assert.equal(typeof rec.operator_initials, 'string');
  assert.ok(rec.run_id.length > 0);
  assert.ok(rec.evidence_link.startsWith(gw.evidencePath), rec.evidence_link);
  assert.deepEqual(
    rec.attempts.map((a) => [a.status, a.decision]),
    [
      [503, 'retry'],
      [503, 'retry'],
      [200, 'success'],
    ],
  );
  const text = gw.evidenceText();
  for (const canary of [CLIENT_KEY, UPSTREAM_KEY, prompt, '3b9f0c']) {
    assert.ok(!text.includes(canary), `evidence must not contain ${JSON.stringify(canary)}`);
  }
});

test('a 401 from the upstream is one upstream attempt and an AuthenticationError the SDK does not retry', async () => {
  const client = gw.client(); // default maxRetries (2)
  const err = await client.chat.completions.create({ model: 'model-auth', messages: MESSAGES }).then(
    () => assert.fail('the request succeeded'),
    (e) => e,
  );
  assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 401);
  assert.equal(err.headers.get('x-should-retry'), 'false');
  assert.equal(err.headers.get('x-readygate-attempts'), '1');
  assert.equal(client.calls.length, 1, 'the SDK did not retry');
  assert.equal(up.auth.apiLines().length, 1, 'exactly one upstream attempt');
  assert.equal(up.healthy.apiLines().length, 0, 'an auth error is not a reason to fall back');

  const rec = await gw.evidenceFor(err.headers.get('x-readygate-request-id'));
  assert.equal(rec.status_family, '4xx');
  assert.equal(rec.retry_count, 0);
});

test('when every attempt fails the SDK gets one 503 InternalServerError and does not retry it', async () => {
  // The gateway's 3 attempts must not be multiplied by the SDK's own retries:
  // x-should-retry: false beats the status in the SDK's retry decision.
  const client = gw.client(); // default maxRetries (2)
  const err = await client.chat.completions.create({ model: 'model-down', messages: MESSAGES }).then(
    () => assert.fail('the request succeeded'),
    (e) => e,
  );
  assert.ok(err instanceof OpenAI.InternalServerError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.equal(err.status, 503);
  assert.equal(err.headers.get('x-should-retry'), 'false');
  assert.equal(err.headers.get('x-readygate-attempts'), '3');
  assert.equal(client.calls.length, 1, 'the SDK did not retry');
  assert.equal(up.down.apiLines().length, 3, 'max_attempts upstream attempts, no more');

  const rec = await gw.evidenceFor(err.headers.get('x-readygate-request-id'));
  assert.equal(rec.status_family, '5xx');
  assert.equal(rec.retry_count, 2);
  assert.equal(rec.fallback_decision, 'exhausted');
});

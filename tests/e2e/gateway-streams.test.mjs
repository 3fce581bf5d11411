// Truncated upstream streams through the gateway, seen from the official SDK.
// Before the first byte reached the client the gateway may still fall back
// (the client gets a whole stream from the fallback); after it, the gateway
// must end the client's stream with an error in the surface's own form, never
// a clean end that looks like a finished answer (the raw SDK stream would not
// notice a plain truncation; see truncation.test.mjs).
//
// One gateway; each scenario is a chain over its own primary mock, with one
// shared healthy fallback mock serving both surfaces (counts compared before
// and after).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { CLIENT_KEY, UPSTREAM_KEY, chain, drain, route, startGateway, stopAll } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'Tell me about truncated streams.' }];
const INPUT = 'Tell me about truncated streams.';
let up;
let gw;
let client;

before(async () => {
  const [early, late, lateResponses, malformed, drift, fallback] = await Promise.all([
    startMock({ args: ['--fault', 'truncate,after_events=0'] }),
    startMock({ args: ['--fault', 'truncate,after_events=3'] }),
    startMock({ args: ['--fault', 'truncate,after_events=3'] }),
    startMock({ args: ['--fault', 'malformed'] }), // the first stream event is not JSON
    startMock({ args: ['--fault', 'drift_missing'] }), // response.completed lacks output.0.status
    startMock(),
  ]);
  up = { early, late, lateResponses, malformed, drift, fallback };
  gw = await startGateway({
    routes: [
      route('early', early),
      route('late', late),
      route('late-responses', lateResponses, { surface: 'responses' }),
      route('malformed', malformed),
      route('drift-responses', drift, { surface: 'responses' }),
      route('fallback', fallback),
      route('fallback-responses', fallback, { surface: 'responses' }),
    ],
    chains: [
      chain('model-early', ['early', 'fallback']),
      chain('model-late', ['late', 'fallback']),
      chain('model-late-responses', ['late-responses', 'fallback-responses']),
      chain('model-malformed', ['malformed', 'fallback']),
      chain('model-drift-responses', ['drift-responses', 'fallback-responses']),
    ],
  });
  client = gw.client({ maxRetries: 0 });
});

after(() => stopAll(gw, ...Object.values(up ?? {})));

test('a chat stream truncated before its first event is served whole by the fallback', async () => {
  const fallbackBefore = up.fallback.apiLines().length;
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'model-early', messages: MESSAGES, stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'fallback');
  assert.equal(response.headers.get('x-readygate-attempts'), '2');
  const { items: chunks, error } = await drain(stream);
  assert.equal(error, null);
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.ok(text.length > 0, 'the answer has text');
  assert.equal(chunks.findLast((c) => c.choices.length > 0).choices[0].finish_reason, 'stop');
  assert.equal(up.early.apiLines().length, 1, 'no retry on the primary: straight to the fallback');
  assert.equal(up.fallback.apiLines().length - fallbackBefore, 1);

  const rec = await gw.evidenceFor(response.headers.get('x-readygate-request-id'));
  assert.equal(rec.fallback_decision, 'review_required:fallback;fallback:fallback');
  assert.equal(rec.response_shape_observed, 'documented_shape_seen');
});

test('a chat stream truncated after 3 events makes the SDK iteration throw an APIError, with no fallback', async () => {
  const fallbackBefore = up.fallback.apiLines().length;
  const prompt = 'stream canary e81d4a: keep me out of evidence';
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'model-late', messages: [{ role: 'user', content: prompt }], stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'late');
  const { items: chunks, error } = await drain(stream);
  assert.equal(chunks.length, 3, 'the 3 events before the cut reached the client');
  assert.ok(error instanceof OpenAI.APIError, `iteration must throw an APIError, got ${error}`);
  assert.match(error.message, /upstream stream ended before completing/i);
  assert.equal(up.fallback.apiLines().length, fallbackBefore, 'once committed, no fallback');
  assert.equal(up.late.apiLines().length, 1);

  const rec = await gw.evidenceFor(response.headers.get('x-readygate-request-id'));
  assert.equal(rec.follow_up_needed, true);
  assert.equal(rec.response_shape_observed, 'truncated');
  assert.equal(rec.stream_verdict, 'truncated');
  for (const canary of [prompt, 'e81d4a', CLIENT_KEY, UPSTREAM_KEY]) {
    assert.ok(!gw.evidenceText().includes(canary), `evidence must not contain ${JSON.stringify(canary)}`);
  }
});

test('a responses stream truncated after 3 events ends with an error event, not a clean end', async () => {
  const fallbackBefore = up.fallback.apiLines().length;
  const stream = await client.responses.create({ model: 'model-late-responses', input: INPUT, stream: true });
  const { items: events, error } = await drain(stream);
  // The Responses `error` event has no `error` field, so the raw SDK stream
  // yields it as an event instead of throwing (truncation.test.mjs).
  assert.equal(error, null);
  assert.deepEqual(
    events.map((e) => e.type),
    ['response.created', 'response.in_progress', 'response.output_item.added', 'error'],
  );
  assert.equal(events.at(-1).code, 'upstream_stream_interrupted');
  assert.equal(up.fallback.apiLines().length, fallbackBefore, 'once committed, no fallback');
});

test('a chat stream whose first event is not JSON falls back before anything reaches the client', async () => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: 'model-malformed', messages: MESSAGES, stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'fallback');
  const { items: chunks, error } = await drain(stream);
  assert.equal(error, null, `iteration threw ${error}`);
  assert.equal(chunks.findLast((c) => c.choices.length > 0).choices[0].finish_reason, 'stop');
});

test('nothing follows response.completed in a relayed responses stream', async () => {
  const stream = await client.responses.create({ model: 'model-drift-responses', input: INPUT, stream: true });
  const { items: events, error } = await drain(stream);
  assert.equal(error, null);
  assert.equal(events.at(-1).type, 'response.completed', `events end with ${events.slice(-2).map((e) => e.type)}`);
});

// Both API surfaces through the gateway with the official SDK, each on its own
// contract: a chain of a chat_completions route and a chain of a responses
// route over the same provider (chains mixing surfaces translate: see
// gateway-translate.test.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MODEL, chain, drain, route, startGateway, stopAll } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const RESP_MODEL = 'gpt-4.1-mini';
let upstream;
let gw;
let client;

before(async () => {
  upstream = await startMock();
  gw = await startGateway({
    routes: [route('chat', upstream), route('resp', upstream, { surface: 'responses' })],
    chains: [chain(MODEL, ['chat']), chain(RESP_MODEL, ['resp'])],
  });
  client = gw.client({ maxRetries: 0 });
});

after(() => stopAll(gw, upstream));

/** The upstream path of the last logged request. */
const lastPath = () => upstream.apiLines().at(-1)?.path;

test('responses.create answers JSON through the responses route', async () => {
  const { data, response } = await client.responses.create({ model: RESP_MODEL, input: 'Say hi.' }).withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'resp');
  assert.equal(response.headers.get('x-readygate-attempts'), '1');
  assert.equal(data.object, 'response');
  assert.equal(data.status, 'completed');
  assert.ok(data.output_text.length > 0, 'output_text is not empty');
  assert.ok(data.usage.total_tokens > 0);
  assert.equal(lastPath(), '/v1/responses');
});

test('responses.create streams through the responses route to response.completed', async () => {
  const { data: stream, response } = await client.responses
    .create({ model: RESP_MODEL, input: 'Say hi.', stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'resp');
  assert.match(response.headers.get('content-type'), /^text\/event-stream/);
  const { items: events, error } = await drain(stream);
  assert.equal(error, null);
  assert.equal(events[0].type, 'response.created');
  const done = events.at(-1);
  assert.equal(done.type, 'response.completed');
  assert.equal(done.response.status, 'completed');
  const text = events
    .filter((e) => e.type === 'response.output_text.delta')
    .map((e) => e.delta)
    .join('');
  assert.ok(text.length > 0);
  assert.equal(lastPath(), '/v1/responses');
});

test('the responses.stream() helper resolves the final response through the gateway', async () => {
  const final = await client.responses.stream({ model: RESP_MODEL, input: 'Say hi.' }).finalResponse();
  assert.equal(final.status, 'completed');
  assert.ok(final.output_text.length > 0);
});

test('chat.completions.create in the same chain goes through the chat route, JSON and stream', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: MODEL, messages: [{ role: 'user', content: 'Say hi.' }] })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'chat');
  assert.equal(data.object, 'chat.completion');
  assert.ok(data.choices[0].message.content.length > 0);
  assert.equal(lastPath(), '/v1/chat/completions');

  const final = await client.chat.completions
    .stream({ model: MODEL, messages: [{ role: 'user', content: 'Say hi.' }], stream_options: { include_usage: true } })
    .finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'stop');
  assert.ok(final.usage.total_tokens > 0);
});

test('evidence records the surface of each request', async () => {
  const records = await gw.waitForEvidence(5);
  assert.deepEqual(
    records.map((r) => [r.api_surface, r.route_used, r.status_family]),
    [
      ['responses', 'resp', '2xx'],
      ['responses', 'resp', '2xx'],
      ['responses', 'resp', '2xx'],
      ['chat_completions', 'chat', '2xx'],
      ['chat_completions', 'chat', '2xx'],
    ],
  );
  assert.ok(records.every((r) => r.response_shape_observed === 'documented_shape_seen'));
});

test('evidence records when the first byte reached the client for served requests', async () => {
  const records = await gw.waitForEvidence(5);
  for (const r of records) {
    assert.equal(r.status, 200);
    assert.equal(typeof r.first_byte_ms, 'number', `${r.request_id}: first_byte_ms ${r.first_byte_ms}`);
    assert.ok(r.first_byte_ms >= 0 && r.first_byte_ms <= r.total_ms);
  }
});

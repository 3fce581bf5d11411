// Both API surfaces through the official openai SDK, JSON and SSE, against
// `readygate mock`: the answers must parse into the SDK's types.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY, assertCleanExit, startMock } from './lib/mock.mjs';

const MODELS = ['gpt-4o-mini', 'readygate-e2e-model'];
const MODEL = MODELS[0];
const MESSAGES = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say something about gateways.' },
];

let mock;
let client;

before(async () => {
  mock = await startMock({ args: MODELS.flatMap((m) => ['--model', m]) });
  // No retries here: on these happy paths any retry would hide a failure.
  client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
});

after(async () => {
  if (mock) assertCleanExit(await mock.stop());
});

test('a non-streamed chat completion parses with content, stop, usage and a request id', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: MODEL, messages: MESSAGES })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, MODEL);
  assert.equal(data.choices.length, 1);
  const choice = data.choices[0];
  assert.equal(choice.message.role, 'assistant');
  assert.equal(typeof choice.message.content, 'string');
  assert.ok(choice.message.content.length > 0, 'content is non-empty');
  assert.equal(choice.finish_reason, 'stop');
  assert.ok(data.usage.total_tokens > 0);
  assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
  const requestId = response.headers.get('x-request-id');
  assert.ok(requestId, 'x-request-id header present');
  assert.equal(data._request_id, requestId, 'the SDK exposes x-request-id as _request_id');
});

test('a streamed chat completion with include_usage yields the same text and ends with usage', async () => {
  const plain = await client.chat.completions.create({ model: MODEL, messages: MESSAGES });

  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: MESSAGES,
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk); // must end normally (no throw)

  assert.ok(chunks.length >= 3, `got ${chunks.length} chunks`);
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.id, chunks[0].id, 'all chunks share one id');
  }
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.ok(text.length > 0, 'streamed content is non-empty');
  assert.equal(text, plain.choices[0].message.content, 'same messages, same answer');

  const finish = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter(Boolean);
  assert.deepEqual(finish, ['stop']);

  const last = chunks.at(-1);
  assert.deepEqual(last.choices, [], 'the usage chunk has no choices');
  assert.ok(last.usage && last.usage.total_tokens > 0, 'last chunk carries usage');
  for (const c of chunks.slice(0, -1)) assert.ok(c.usage == null, 'only the last chunk has usage');
});

test('a non-streamed response parses with output_text and status completed', async () => {
  const { data, response } = await client.responses
    .create({ model: MODEL, input: 'Say something about gateways.' })
    .withResponse();
  assert.equal(data.object, 'response');
  assert.equal(data.status, 'completed');
  assert.equal(typeof data.output_text, 'string');
  assert.ok(data.output_text.length > 0, 'output_text (SDK convenience) is non-empty');
  assert.ok(data.usage.total_tokens > 0);
  assert.ok(response.headers.get('x-request-id'));
});

test('a streamed response yields created, text deltas and completed with rising sequence numbers', async () => {
  const input = 'Say something about gateways.';
  const plain = await client.responses.create({ model: MODEL, input });

  const stream = await client.responses.create({ model: MODEL, input, stream: true });
  const events = [];
  for await (const event of stream) events.push(event);

  const types = events.map((e) => e.type);
  assert.equal(types[0], 'response.created');
  assert.ok(types.includes('response.output_text.delta'));
  assert.equal(types.at(-1), 'response.completed');
  events.forEach((e, i) => {
    if (i > 0) assert.equal(e.sequence_number, events[i - 1].sequence_number + 1, `event ${i} (${e.type})`);
  });
  const text = events
    .filter((e) => e.type === 'response.output_text.delta')
    .map((e) => e.delta)
    .join('');
  assert.equal(text, plain.output_text, 'same input, same answer');
  const completed = events.at(-1).response;
  assert.equal(completed.status, 'completed');
  assert.ok(completed.usage.total_tokens > 0);
});

test('the responses.stream() helper resolves finalResponse() to the completed response', async () => {
  assert.equal(typeof client.responses.stream, 'function', 'responses.stream exists in this SDK');
  const stream = client.responses.stream({ model: MODEL, input: 'Say something about gateways.' });
  let deltas = '';
  stream.on('response.output_text.delta', (e) => (deltas += e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.status, 'completed');
  assert.ok(final.output_text.length > 0);
  assert.equal(final.output_text, deltas);
});

test('the chat.completions.stream() helper resolves finalChatCompletion()', async () => {
  const stream = client.chat.completions.stream({ model: MODEL, messages: MESSAGES });
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'stop');
  assert.ok(final.choices[0].message.content.length > 0);
});

test('models.list() returns the models given with --model', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.deepEqual(ids, MODELS);
});

test('a chat request without messages (raw fetch) is a 400 naming param messages', async () => {
  const res = await fetch(`${mock.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL }),
    signal: AbortSignal.timeout(5000),
  });
  assert.equal(res.status, 400);
  assert.ok(res.headers.get('x-request-id'));
  const body = await res.json();
  assert.equal(body.error.type, 'invalid_request_error');
  assert.equal(body.error.param, 'messages');
  assert.equal(typeof body.error.message, 'string');
});

test('the request log records each SDK request with surface, model, stream and status', () => {
  const lines = mock.apiLines();
  assert.ok(lines.length > 0);
  for (const l of lines) {
    assert.ok(!JSON.stringify(l.headers).includes(API_KEY), 'the key is redacted in the log');
    assert.ok(l.request_id, 'request_id logged');
  }
  const chat = lines.filter((l) => l.surface === 'chat_completions');
  assert.ok(chat.every((l) => l.path === '/v1/chat/completions'));
  assert.ok(chat.some((l) => l.stream === true && l.status === 200));
  assert.ok(chat.some((l) => l.stream === false && l.status === 200 && l.model === MODEL));
  const seqs = mock.logLines().map((l) => l.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seq rises in log order');
});

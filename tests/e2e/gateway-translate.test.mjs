// Cross-surface fallback through the gateway with the official SDK: a chain's
// primary route fails and its fallback speaks the other API surface; the
// client still gets back the surface it called, whole and streamed, with a
// tool call. Every payload reaching the SDK is checked against the required
// core of its surface (the fields clients read), not just "it parsed".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLIENT_KEY, UPSTREAM_KEY, chain, drain, route, startGateway, stopAll, waitFor } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const CHAT_MODEL = 'gpt-4o-mini'; // chat primary -> responses fallback
const RESP_MODEL = 'gpt-4.1-mini'; // responses primary -> chat fallback
const CHAT_CUT_MODEL = 'cut-chat'; // chat primary -> responses fallback that stops mid-stream
const RESP_CUT_MODEL = 'cut-resp'; // responses primary -> chat fallback that stops mid-stream
const CANARY = 'canary-prompt-5e1f9a'; // prompt text: must never reach evidence or logs
const completions = []; // completion texts seen by the SDK: same rule
const TOOLS_CHAT = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const TOOLS_RESP = [{ type: 'function', name: 'get_weather', ...TOOLS_CHAT[0].function, strict: false }];

let failing;
let healthy;
let cutting;
let gw;
let client;

before(async () => {
  [failing, healthy, cutting] = await Promise.all([
    startMock({ args: ['--fault', 'unavailable'] }),
    startMock(),
    startMock({ args: ['--fault', 'truncate,after_events=4'] }),
  ]);
  gw = await startGateway({
    routes: [
      route('chat-primary', failing, { retry: { max_attempts: 1 } }),
      route('resp-fallback', healthy, { surface: 'responses' }),
      route('resp-primary', failing, { surface: 'responses', retry: { max_attempts: 1 } }),
      route('chat-fallback', healthy),
      route('resp-cut', cutting, { surface: 'responses' }),
      route('chat-cut', cutting),
    ],
    chains: [
      chain(CHAT_MODEL, ['chat-primary', 'resp-fallback']),
      chain(RESP_MODEL, ['resp-primary', 'chat-fallback']),
      chain(CHAT_CUT_MODEL, ['chat-primary', 'resp-cut']),
      chain(RESP_CUT_MODEL, ['resp-primary', 'chat-cut']),
    ],
  });
  client = gw.client({ maxRetries: 0 });
});

after(() => stopAll(gw, failing, healthy, cutting));

const isInt = (v) => Number.isInteger(v);
const lastUpstreamPath = () => healthy.apiLines().at(-1)?.path;

// --- required cores, as the contract module checks them -------------------

function checkChatCompletion(c) {
  assert.equal(typeof c.id, 'string');
  assert.equal(c.object, 'chat.completion');
  assert.ok(isInt(c.created), 'created is an integer');
  assert.equal(typeof c.model, 'string');
  assert.ok(Array.isArray(c.choices) && c.choices.length === 1);
  const ch = c.choices[0];
  assert.equal(ch.index, 0);
  assert.equal(ch.message.role, 'assistant');
  assert.ok(ch.message.content === null || typeof ch.message.content === 'string');
  assert.ok(['stop', 'length', 'tool_calls', 'content_filter'].includes(ch.finish_reason));
  for (const tc of ch.message.tool_calls ?? []) {
    assert.equal(typeof tc.id, 'string');
    assert.equal(tc.type, 'function');
    assert.equal(typeof tc.function.name, 'string');
    assert.equal(typeof tc.function.arguments, 'string');
  }
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) assert.ok(isInt(c.usage[k]), `usage.${k}`);
}

function checkResponse(r, status = 'completed') {
  assert.equal(typeof r.id, 'string');
  assert.equal(r.object, 'response');
  assert.equal(typeof r.created_at, 'number');
  assert.equal(typeof r.model, 'string');
  assert.equal(r.status, status);
  assert.ok(Array.isArray(r.output));
  for (const item of r.output) {
    assert.equal(typeof item.type, 'string');
    if (item.type === 'message') {
      assert.equal(typeof item.id, 'string');
      assert.equal(item.role, 'assistant');
      assert.equal(typeof item.status, 'string');
      for (const p of item.content) if (p.type === 'output_text') assert.equal(typeof p.text, 'string');
    } else if (item.type === 'function_call') {
      for (const k of ['call_id', 'name', 'arguments']) assert.equal(typeof item[k], 'string', k);
    }
  }
  for (const k of ['input_tokens', 'output_tokens', 'total_tokens']) assert.ok(isInt(r.usage[k]), `usage.${k}`);
}

function checkChunk(c) {
  assert.equal(typeof c.id, 'string');
  assert.equal(c.object, 'chat.completion.chunk');
  assert.ok(isInt(c.created));
  assert.equal(typeof c.model, 'string');
  assert.ok(Array.isArray(c.choices));
  if (c.choices.length === 0) assert.ok(c.usage, 'only the usage chunk has no choices');
  for (const ch of c.choices) {
    assert.equal(ch.index, 0);
    assert.equal(typeof ch.delta, 'object');
    assert.ok(ch.finish_reason === null || typeof ch.finish_reason === 'string');
  }
}

async function evidenceOf(response) {
  const rec = await gw.evidenceFor(response.headers.get('x-readygate-request-id'));
  assert.ok(rec, 'an evidence record was written');
  return rec;
}

// --- a Chat Completions client, served by a Responses route ----------------

test('chat client: JSON answer with a tool call from the responses fallback', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: CHAT_MODEL, messages: [{ role: 'user', content: `Weather in Oslo? ${CANARY}` }], tools: TOOLS_CHAT })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'resp-fallback');
  assert.equal(lastUpstreamPath(), '/v1/responses');
  checkChatCompletion(data);
  assert.ok(data.id.startsWith('chatcmpl-'));
  assert.equal(data.choices[0].finish_reason, 'tool_calls');
  const call = data.choices[0].message.tool_calls[0];
  assert.equal(call.function.name, 'get_weather');
  JSON.parse(call.function.arguments);
  const rec = await evidenceOf(response);
  assert.equal(rec.api_surface, 'chat_completions');
  assert.equal(rec.upstream_surface, 'responses');
  assert.match(rec.fallback_decision, /fallback:resp-fallback;translated/);
  assert.equal(rec.response_shape_observed, 'documented_shape_seen');
  assert.ok(rec.prompt_tokens > 0 && rec.completion_tokens > 0, 'usage read from the Responses fields');
});

test('chat client: plain text answer from the responses fallback', async () => {
  const data = await client.chat.completions.create({
    model: CHAT_MODEL,
    messages: [{ role: 'system', content: `Be brief. ${CANARY}` }, { role: 'user', content: 'Say hi.' }],
    max_completion_tokens: 100,
  });
  checkChatCompletion(data);
  completions.push(data.choices[0].message.content);
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(data.choices[0].message.content.length > 0);
  const sent = healthy.apiLines().at(-1);
  assert.equal(sent.path, '/v1/responses');
});

test('chat client: streamed tool call with usage from the responses fallback', async () => {
  const { data: stream, response } = await client.chat.completions
    .create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: TOOLS_CHAT,
      stream: true,
      stream_options: { include_usage: true },
    })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'resp-fallback');
  const { items: chunks, error } = await drain(stream);
  assert.equal(error, null);
  chunks.forEach(checkChunk);
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  let args = '';
  let name = '';
  let finish = null;
  for (const c of chunks) {
    for (const ch of c.choices) {
      for (const tc of ch.delta.tool_calls ?? []) {
        assert.equal(tc.index, 0);
        name += tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
      finish = ch.finish_reason ?? finish;
    }
  }
  assert.equal(name, 'get_weather');
  JSON.parse(args);
  assert.equal(finish, 'tool_calls');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.ok(usage.usage.total_tokens > 0);
  const rec = await evidenceOf(response);
  assert.equal(rec.upstream_surface, 'responses');
  assert.equal(rec.stream_verdict, 'completed');
});

test('chat client: the raw stream ends with data: [DONE] and nothing after it', async () => {
  const res = await fetch(`${gw.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'Say hi.' }], stream: true }),
  });
  assert.equal(res.status, 200);
  const frames = (await res.text()).split('\n\n').filter((f) => f.trim() !== '');
  assert.equal(frames.at(-1), 'data: [DONE]');
  for (const f of frames.slice(0, -1)) {
    assert.ok(f.startsWith('data: '), 'chat frames carry no event: line');
    checkChunk(JSON.parse(f.slice(6)));
  }
  const text = frames
    .slice(0, -1)
    .map((f) => JSON.parse(f.slice(6)).choices[0]?.delta.content ?? '')
    .join('');
  assert.ok(text.length > 0);
});

test('chat client: a field the other surface cannot carry skips the fallback, named', async () => {
  const err = await client.chat.completions
    .create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }], n: 2 })
    .withResponse()
    .catch((e) => e);
  assert.ok(err instanceof Error);
  assert.ok(err.status >= 500, `the primary's failure is returned (${err.status})`);
  const rec = await waitFor(() =>
    gw.evidenceLines().findLast((r) => r.api_surface === 'chat_completions' && r.fallback_decision.includes('untranslatable')),
  );
  assert.ok(rec, 'a record names the untranslatable field');
  assert.match(rec.fallback_decision, /skipped:resp-fallback:untranslatable:n(;|$)/);
});

// --- a Responses client, served by a Chat Completions route ----------------

test('responses client: JSON answer with a tool call from the chat fallback', async () => {
  const { data, response } = await client.responses
    .create({ model: RESP_MODEL, input: 'Weather in Oslo?', instructions: 'Use tools.', tools: TOOLS_RESP })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'chat-fallback');
  assert.equal(lastUpstreamPath(), '/v1/chat/completions');
  checkResponse(data);
  assert.ok(data.id.startsWith('resp_'));
  assert.equal(data.instructions, 'Use tools.');
  const call = data.output.find((i) => i.type === 'function_call');
  assert.equal(call.name, 'get_weather');
  JSON.parse(call.arguments);
  const rec = await evidenceOf(response);
  assert.equal(rec.api_surface, 'responses');
  assert.equal(rec.upstream_surface, 'chat_completions');
  assert.match(rec.fallback_decision, /fallback:chat-fallback;translated/);
});

test('responses client: text answer, output_text helper works', async () => {
  const data = await client.responses.create({ model: RESP_MODEL, input: `Say hi. ${CANARY}` });
  checkResponse(data);
  completions.push(data.output_text);
  assert.ok(data.output_text.length > 0);
});

test('responses client: streamed text with gap-free sequence numbers to response.completed', async () => {
  const { data: stream, response } = await client.responses
    .create({ model: RESP_MODEL, input: 'Say hi.', stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'chat-fallback');
  const { items: events, error } = await drain(stream);
  assert.equal(error, null);
  events.forEach((e, i) => assert.equal(e.sequence_number, i, `event ${i} (${e.type})`));
  assert.deepEqual(
    events.slice(0, 4).map((e) => e.type),
    ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added'],
  );
  checkResponse({ ...events[0].response, usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 } }, 'in_progress');
  const done = events.at(-1);
  assert.equal(done.type, 'response.completed');
  checkResponse(done.response);
  const text = events
    .filter((e) => e.type === 'response.output_text.delta')
    .map((e) => e.delta)
    .join('');
  assert.ok(text.length > 0);
  assert.equal(done.response.output[0].content[0].text, text);
  assert.equal(events.filter((e) => e.type === 'response.output_text.done')[0].text, text);
});

test('responses client: streamed tool call, and the stream() helper resolves it', async () => {
  const events = [];
  const s = client.responses.stream({ model: RESP_MODEL, input: 'Weather in Oslo?', tools: TOOLS_RESP });
  s.on('event', (e) => events.push(e));
  const final = await s.finalResponse();
  checkResponse(final);
  events.forEach((e, i) => assert.equal(e.sequence_number, i));
  const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta);
  const doneArgs = events.find((e) => e.type === 'response.function_call_arguments.done').arguments;
  assert.equal(deltas.join(''), doneArgs);
  const call = final.output.find((i) => i.type === 'function_call');
  assert.equal(call.name, 'get_weather');
  assert.equal(call.arguments, doneArgs);
  JSON.parse(doneArgs);
});

test('responses client: previous_response_id cannot be carried, so the chat fallback is skipped', async () => {
  const err = await client.responses
    .create({ model: RESP_MODEL, input: 'hi', previous_response_id: 'resp_123' })
    .catch((e) => e);
  assert.ok(err instanceof Error);
  const rec = await waitFor(() =>
    gw.evidenceLines().findLast((r) => r.api_surface === 'responses' && r.fallback_decision.includes('untranslatable')),
  );
  assert.ok(rec);
  assert.match(rec.fallback_decision, /skipped:chat-fallback:untranslatable:previous_response_id/);
});

// --- the fallback's stream breaks after the first byte ---------------------

test('chat client: a translated stream cut short ends with the chat error payload, not [DONE]', async () => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: CHAT_CUT_MODEL, messages: [{ role: 'user', content: 'Say hi.' }], stream: true })
    .withResponse();
  assert.equal(response.headers.get('x-readygate-route'), 'resp-cut');
  const { items: chunks, error } = await drain(stream);
  assert.ok(error, 'the SDK raises on the error payload');
  assert.match(String(error.message), /upstream stream ended before completing/);
  chunks.forEach(checkChunk);
  assert.ok(chunks.every((c) => c.choices.every((ch) => ch.finish_reason === null)), 'no fake finish');
  const rec = await evidenceOf(response);
  assert.equal(rec.stream_verdict, 'truncated');
  assert.equal(rec.follow_up_needed, true);
});

test('responses client: a translated stream cut short ends with an error event in sequence', async () => {
  const res = await fetch(`${gw.baseURL}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: RESP_CUT_MODEL, input: 'Say hi.', stream: true }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-readygate-route'), 'chat-cut');
  const frames = (await res.text()).split('\n\n').filter((f) => f.trim() !== '');
  const events = frames.map((f) => {
    const [eventLine, dataLine] = f.split('\n');
    const data = JSON.parse(dataLine.slice(6));
    assert.equal(eventLine, `event: ${data.type}`);
    return data;
  });
  events.forEach((e, i) => assert.equal(e.sequence_number, i));
  assert.equal(events[0].type, 'response.created');
  const last = events.at(-1);
  assert.equal(last.type, 'error');
  assert.equal(last.code, 'upstream_stream_interrupted');
  assert.ok(!events.some((e) => e.type === 'response.completed'), 'no fake completion');
});

test('evidence and logs of translated requests carry no prompt, completion or key', async () => {
  const records = await gw.waitForEvidence(12);
  assert.ok(records.some((r) => r.fallback_decision.endsWith(';translated')));
  const texts = { evidence: gw.evidenceText(), log: gw.output() };
  assert.ok(completions.length >= 2 && completions.every((c) => c.length > 20));
  for (const [where, text] of Object.entries(texts)) {
    for (const secret of [CANARY, CLIENT_KEY, UPSTREAM_KEY, ...completions]) {
      assert.ok(!text.includes(secret), `${where} contains ${secret.slice(0, 12)}...`);
    }
  }
});

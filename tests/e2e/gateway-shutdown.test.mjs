// `readygate serve` under ASan must shut down cleanly on SIGTERM: exit status
// 0, no sanitizer report (LeakSanitizer runs at exit), promptly when idle, and
// after finishing a request that is in flight.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MODEL, chain, drain, route, startGateway, waitFor } from './lib/gateway.mjs';
import { assertCleanExit, startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
let upstream;
let slow;

before(async () => {
  [upstream, slow] = await Promise.all([startMock(), startMock({ args: ['--fault', 'slow_headers,delay_ms=1000'] })]);
});

after(async () => {
  const results = await Promise.all([upstream?.stop(), slow?.stop()]);
  for (const r of results) if (r) assertCleanExit(r);
});

/** Like assertCleanExit, but names the gateway. */
function assertGatewayCleanExit(result) {
  try {
    assertCleanExit(result);
  } catch (e) {
    throw new Error(e.message.replace(/readygate mock/g, 'readygate serve'));
  }
}

test('the gateway exits 0 without sanitizer reports on SIGTERM before any request', async (t) => {
  const gw = await startGateway({ routes: [route('primary', upstream)] });
  const started = performance.now();
  const result = await gw.stop();
  const took = performance.now() - started;
  t.diagnostic(`exited ${JSON.stringify({ code: result.code, signal: result.signal })} ${took.toFixed(0)} ms after SIGTERM`);
  assertGatewayCleanExit(result);
  assert.match(result.output, /"event":"draining"/);
  assert.ok(took < 5000, `took ${took.toFixed(0)} ms to exit`);
});

test('the gateway exits 0 on SIGTERM while idle with an SDK keep-alive connection still open', async (t) => {
  const gw = await startGateway({ routes: [route('chat', upstream), route('resp', upstream, { surface: 'responses' })] });
  const client = gw.client({ maxRetries: 0 });
  await client.chat.completions.create({ model: MODEL, messages: MESSAGES });
  await drain(await client.chat.completions.create({ model: MODEL, messages: MESSAGES, stream: true }));
  await drain(await client.responses.create({ model: MODEL, input: 'hi', stream: true }));
  assert.equal(await gw.metric('readygate_in_flight_requests'), 0, 'idle: nothing in flight');

  const started = performance.now();
  const result = await gw.stop({ keepConnections: true });
  const took = performance.now() - started;
  t.diagnostic(`exited ${JSON.stringify({ code: result.code, signal: result.signal })} ${took.toFixed(0)} ms after SIGTERM`);
  assertGatewayCleanExit(result);
  assert.ok(took < 5000, `took ${took.toFixed(0)} ms to exit`);
  assert.equal(result.evidence.trim().split('\n').length, 3, 'every request has its evidence line at exit');
});

test('SIGTERM during a request lets it finish, then the gateway exits 0', async (t) => {
  const gw = await startGateway({ routes: [route('slow', slow)], chains: [chain(MODEL, ['slow'])] });
  const client = gw.client({ maxRetries: 0 });
  const before = slow.apiLines().length;
  const pending = client.chat.completions.create({ model: MODEL, messages: MESSAGES }).withResponse();
  assert.ok(await waitFor(() => slow.apiLines().length > before, { timeoutMs: 5000 }), 'the request reached the upstream');

  const started = performance.now();
  const stopping = gw.stop({ keepConnections: true }); // SIGTERM while the upstream holds its answer for 1 s
  const { data, response } = await pending;
  assert.equal(response.status, 200);
  assert.equal(data.choices[0].finish_reason, 'stop');
  const result = await stopping;
  const took = performance.now() - started;
  t.diagnostic(`exited ${JSON.stringify({ code: result.code, signal: result.signal })} ${took.toFixed(0)} ms after SIGTERM`);
  assertGatewayCleanExit(result);
  assert.ok(took < 5000, `took ${took.toFixed(0)} ms to exit`);
  assert.equal(result.evidence.trim().split('\n').length, 1, 'the drained request has its evidence line');
});

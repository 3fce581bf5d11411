// The mock under ASan must shut down cleanly on SIGTERM: no sanitizer report,
// exit status 0 (LeakSanitizer runs at exit).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { API_KEY, assertCleanExit, startMock } from './lib/mock.mjs';

async function serveSomeRequests(mock) {
  const client = new OpenAI({ apiKey: API_KEY, baseURL: mock.baseURL, maxRetries: 0, timeout: 10_000 });
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of await client.responses.create({ model: 'gpt-4o-mini', input: 'hi', stream: true }));
}

test('the mock exits 0 without sanitizer reports on SIGTERM once clients have disconnected', async () => {
  const mock = await startMock();
  await serveSomeRequests(mock);
  const result = await mock.stop(); // closes our keep-alive connections first
  assertCleanExit(result);
});

test('the mock exits 0 on SIGTERM while an SDK client still holds an idle keep-alive connection', async () => {
  const mock = await startMock();
  try {
    await serveSomeRequests(mock);
  } finally {
    const result = await mock.stop({ keepConnections: true });
    assertCleanExit(result);
  }
});

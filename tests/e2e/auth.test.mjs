// A wrong API key must reach the SDK as an authentication error, after exactly
// one request: 401 is not retryable, so the SDK must not try again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { assertCleanExit, startMock } from './lib/mock.mjs';

let mock;

before(async () => {
  mock = await startMock();
});

after(async () => {
  if (mock) assertCleanExit(await mock.stop());
});

test('a wrong key is an AuthenticationError with status 401 after exactly one request', async () => {
  // maxRetries left at the SDK default (2): a 401 must still be tried only once.
  const client = new OpenAI({ apiKey: 'sk-wrong-key', baseURL: mock.baseURL, timeout: 10_000 });
  const err = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .then(
      () => assert.fail('the request with a wrong key succeeded'),
      (e) => e,
    );
  assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
  assert.ok(err instanceof OpenAI.APIError);
  assert.equal(err.status, 401);
  assert.equal(err.code, 'invalid_api_key');
  assert.equal(err.type, 'invalid_request_error');
  assert.ok(err.requestID, 'the error carries x-request-id');

  const lines = mock.apiLines();
  assert.equal(lines.length, 1, `expected one logged request, got ${JSON.stringify(lines)}`);
  assert.equal(lines[0].status, 401);
  assert.equal(lines[0].path, '/v1/chat/completions');
  assert.equal(lines[0].request_id, err.requestID);
  assert.ok(!JSON.stringify(lines[0].headers).includes('sk-wrong-key'), 'authorization is redacted');
});

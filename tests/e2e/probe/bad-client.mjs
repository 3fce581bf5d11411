// A deliberately bad client for `readygate probe-client`: it retries every
// failure immediately and "forever" (until 20 attempts or 3 s have passed),
// treats any 200 as success (even a stream that never finished), never sets a
// timeout, and ignores Retry-After and x-should-retry. Plain fetch, no SDK.
// Exit 0 on the first 200, 1 when it runs out of attempts.
const base = process.env.OPENAI_BASE_URL;
const key = process.env.OPENAI_API_KEY;
const surface = process.env.READYGATE_PROBE_SURFACE === 'responses' ? 'responses' : 'chat';
const stream = process.env.READYGATE_PROBE_STREAM === '1';
const model = process.env.READYGATE_PROBE_MODEL || 'gpt-4o-mini';
const prompt = 'Say hello in five words.';

const MAX_ATTEMPTS = 20;
const MAX_MS = 3000;

const url = `${base}/${surface === 'chat' ? 'chat/completions' : 'responses'}`;
const body = JSON.stringify(
  surface === 'chat' ? { model, messages: [{ role: 'user', content: prompt }], stream } : { model, input: prompt, stream },
);
const started = Date.now();
for (let attempt = 1; attempt <= MAX_ATTEMPTS && Date.now() - started < MAX_MS; attempt++) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body,
    });
    await res.text();
    if (res.status === 200) process.exit(0);
  } catch {
    // a transport error: retry at once, like everything else
  }
}
process.exit(1);

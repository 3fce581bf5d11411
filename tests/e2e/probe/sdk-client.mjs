// A sample application for `readygate probe-client`: one call with the
// official openai npm SDK and its DEFAULT settings (2 retries, its own
// backoff, Retry-After and x-should-retry handling). The only thing taken
// from the probe besides the base URL and key (which the SDK reads from
// OPENAI_BASE_URL / OPENAI_API_KEY itself) is the client timeout the probe
// states, READYGATE_PROBE_CLIENT_TIMEOUT_MS, passed as the SDK's `timeout`
// option; without it the SDK waits up to 600 s for an answer.
//
// Exit 0 when the call (and, when streaming, the iteration) finished without
// an exception; 1 otherwise. Prints nothing of the answer.
import OpenAI from 'openai';

const surface = process.env.READYGATE_PROBE_SURFACE === 'responses' ? 'responses' : 'chat';
const stream = process.env.READYGATE_PROBE_STREAM === '1';
const model = process.env.READYGATE_PROBE_MODEL || 'gpt-4o-mini';
const timeout = Number.parseInt(process.env.READYGATE_PROBE_CLIENT_TIMEOUT_MS ?? '', 10);

const client = new OpenAI(Number.isInteger(timeout) && timeout > 0 ? { timeout } : {});
const prompt = 'Say hello in five words.';

try {
  const result =
    surface === 'chat'
      ? await client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], stream })
      : await client.responses.create({ model, input: prompt, stream });
  if (stream) {
    let events = 0;
    for await (const _event of result) events++;
    console.log(`stream ended after ${events} events`);
  } else {
    console.log('answer received');
  }
  process.exit(0);
} catch (err) {
  console.error(`failed: ${err?.constructor?.name ?? 'Error'} ${err?.status ?? ''}`.trim());
  process.exit(1);
}

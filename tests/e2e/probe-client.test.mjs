// `readygate probe-client` on two sample applications (tests/e2e/probe/):
// sdk-client.mjs (the official openai SDK, default settings) and
// bad-client.mjs (retries everything at once, no timeout, any 200 is
// success). Short bounds keep the file well under 90 s: --timeout-ms 6000
// per scenario and a 500 ms client timeout stated to the client
// (READYGATE_PROBE_CLIENT_TIMEOUT_MS, which sdk-client passes as the SDK's
// `timeout` option).
//
// What the SDK client gets, and why (openai 6.49.0, src/client.ts):
//   - cometapi_invalid_request_500 FAILS: shouldRetry() retries every status
//     >= 500 unless x-should-retry says otherwise; it never reads error.code,
//     so CometAPI's 500 invalid_request is sent 3 times.
//   - retry_after_huge FAILS: retryRequest() sleeps whatever Retry-After says
//     (no cap in 6.49; older SDKs fell back to their own backoff at >= 60 s),
//     so with Retry-After: 3600 it sits waiting until the probe kills it.
//   - truncated_stream FAILS: the raw stream iterator ends normally when the
//     body ends without [DONE] (see truncation.test.mjs), so the call
//     "succeeds" with a partial answer and the client exits 0.
//   - everything else passes: no retry on 400/401/403/404/422 or on
//     x-should-retry: false; 503 retried with 0.5 s and 1 s (-25% jitter)
//     backoff; Retry-After: 2 waited; the 500 ms timeout retried twice and then
//     raised APIConnectionTimeoutError well before the bound.
// Its default timeout without the stated one is 600 s: slow_first_byte would
// then be killed by the probe too.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readygateBin } from './lib/mock.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SDK_CLIENT = path.join(here, 'probe', 'sdk-client.mjs');
const BAD_CLIENT = path.join(here, 'probe', 'bad-client.mjs');
const BOUNDS = ['--timeout-ms', '6000', '--client-timeout-ms', '500'];
const RUN_LIMIT_MS = 80_000;
const CANARY = 'sk-canary-probe-e2e-1234567890';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'readygate-probe-e2e-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const NO_BLIND_RETRY = [
  'bad_request_400',
  'auth_401',
  'permission_403',
  'not_found_404',
  'unprocessable_422',
  'cometapi_invalid_request_500',
  'should_retry_false',
];
const ALL = [...NO_BLIND_RETRY, 'transient_503_twice', 'retry_after_2s', 'retry_after_huge', 'truncated_stream', 'slow_first_byte'];

/** Runs `readygate probe-client ARGS`; resolves {code, stdout, stderr, out}. Bounded. */
function probe(name, args) {
  const out = path.join(tmp, name);
  return new Promise((resolve, reject) => {
    const child = spawn(readygateBin(), ['probe-client', '--out', out, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`probe-client did not finish within ${RUN_LIMIT_MS} ms:\n${stderr}`));
    }, RUN_LIMIT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (/ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:/.test(stderr)) {
        reject(new Error(`sanitizer report:\n${stderr.slice(0, 4000)}`));
      }
      resolve({ code, stdout, stderr, out });
    });
  });
}

/** The note's scenario table: name -> {verdict, reason, times}. */
function verdicts(out) {
  const md = readFileSync(path.join(out, 'conformance-note.md'), 'utf8');
  const rows = {};
  for (const m of md.matchAll(/^\| \[([a-z0-9_.-]+)\]\(#\1\) \| ([a-z_]+) \| (pass|FAIL) \| (.*) \| (.*) \|$/gm)) {
    rows[m[1]] = { verdict: m[3], reason: m[4], times: m[5] };
  }
  return rows;
}

/** evidence.jsonl: scenario name -> record. */
function records(out) {
  const byName = {};
  for (const line of readFileSync(path.join(out, 'evidence.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    byName[r.chain.replace(/^probe:/, '')] = r;
  }
  return byName;
}

function failing(rows) {
  return Object.keys(rows).filter((k) => rows[k].verdict === 'FAIL').sort();
}

test('the bad client fails every scenario, each for the reason it should', async () => {
  const r = await probe('bad', [...BOUNDS, '--', process.execPath, BAD_CLIENT]);
  assert.equal(r.code, 1, r.stderr);
  const rows = verdicts(r.out);
  assert.deepEqual(Object.keys(rows).sort(), [...ALL].sort());
  assert.deepEqual(failing(rows), [...ALL].sort(), 'it passes none');
  const ev = records(r.out);
  for (const name of NO_BLIND_RETRY) {
    assert.match(rows[name].reason, /^retried a non-retryable error: \d+ attempts \(expected exactly 1\)/, name);
    assert.ok(ev[name].retry_count >= 1, `${name}: retry_count ${ev[name].retry_count}`);
    assert.equal(ev[name].follow_up_needed, true);
  }
  assert.match(rows.transient_503_twice.reason, /under the immediate-retry floor of 100 ms; exit 0$/);
  assert.match(rows.retry_after_2s.reason, /under Retry-After of 2000 ms; exit 0$/);
  assert.match(rows.retry_after_huge.reason, /^burst: \d+ attempts \(at most 3 allowed\)/);
  assert.match(rows.truncated_stream.reason, /^reported success \(exit 0\)/);
  assert.match(rows.slow_first_byte.reason, /^did not give up: killed by the probe at \d+ ms after 1 attempt \(bound 6000 ms\)$/);
  assert.match(r.stderr, /\[12\/12\] slow_first_byte \.\.\. FAIL/);
});

test('the official SDK with default settings: observed grades (see the header for why)', async () => {
  const r = await probe('sdk', [...BOUNDS, '--', process.execPath, SDK_CLIENT, CANARY]);
  assert.equal(r.code, 1, r.stderr);
  const rows = verdicts(r.out);
  assert.deepEqual(Object.keys(rows).sort(), [...ALL].sort());
  assert.deepEqual(failing(rows), ['cometapi_invalid_request_500', 'retry_after_huge', 'truncated_stream']);
  assert.match(rows.cometapi_invalid_request_500.reason, /^retried a non-retryable error: 3 attempts/);
  assert.match(rows.retry_after_huge.reason, /^still running at the bound after 1 attempt: killed by the probe/);
  assert.match(rows.truncated_stream.reason, /^reported success \(exit 0\) for an answer that never finished; 1 attempt$/);
  const ev = records(r.out);
  for (const name of ['bad_request_400', 'auth_401', 'permission_403', 'not_found_404', 'unprocessable_422', 'should_retry_false']) {
    assert.equal(ev[name].retry_count, 0, name);
    assert.equal(ev[name].follow_up_needed, false, name);
  }
  // 503, 503, 200 with the SDK's backoff: 375-500 ms, then 750-1000 ms (plus transit).
  const gaps = ev.transient_503_twice.attempts.slice(1).map((a) => a.delay_before_ms);
  assert.equal(gaps.length, 2);
  assert.ok(gaps[0] >= 375 && gaps[1] >= 750 && gaps[1] > gaps[0], `gaps ${gaps}`);
  assert.ok(ev.retry_after_2s.attempts[1].delay_before_ms >= 2000);
  assert.equal(ev.slow_first_byte.retry_count, 2, 'two retries after its 500 ms timeout');
  assert.match(rows.slow_first_byte.reason, /^gave up on its own after \d+ ms \(bound 6000 ms\), 3 attempts; exit 1$/);
  // Nothing the client was given or printed reaches the outputs.
  const written = ['conformance-note.md', 'conformance-note.html', 'evidence.jsonl']
    .map((f) => readFileSync(path.join(r.out, f), 'utf8'))
    .join('\n');
  for (const text of [written, r.stdout, r.stderr]) {
    assert.ok(!text.includes(CANARY), 'argument canary leaked');
    assert.ok(!text.includes('stream ended after') && !text.includes('answer received'), 'client output leaked');
    assert.ok(!text.includes('readygate-probe-placeholder-key'), 'placeholder key leaked');
  }
});

test('on the Responses surface the SDK also reports a truncated stream as success', async () => {
  const r = await probe('sdk-responses', [
    ...BOUNDS,
    '--surface', 'responses',
    '--scenario', 'truncated_stream',
    '--scenario', 'should_retry_false',
    '--', process.execPath, SDK_CLIENT,
  ]);
  assert.equal(r.code, 1, r.stderr);
  const rows = verdicts(r.out);
  assert.deepEqual(failing(rows), ['truncated_stream']);
  assert.equal(rows.should_retry_false.verdict, 'pass');
  assert.equal(records(r.out).truncated_stream.api_surface, 'responses');
});

test('YAML scenarios run in file order; a bad YAML path or flag exits 2 naming it', async () => {
  const good = path.join(tmp, 'good.yaml');
  writeFileSync(good, 'defaults:\n  timeout_ms: 4000\nscenarios:\n  - use: auth_401\n  - name: retry_after_1s\n    expect: retry_after_floor\n    faults: ["rate_limit,retry_after=1,first=1"]\n    retry_after_ms: 1000\n');
  const ok = await probe('yaml', ['--scenarios', good, '--', process.execPath, SDK_CLIENT]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(Object.keys(verdicts(ok.out)), ['auth_401', 'retry_after_1s']);

  const bad = path.join(tmp, 'bad.yaml');
  writeFileSync(bad, 'scenarios:\n  - use: auth_401\n  - name: x\n    expect: single_attempt\n    faults: [not_a_fault]\n');
  const r = await probe('yaml-bad', ['--scenarios', bad, '--', process.execPath, SDK_CLIENT]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--scenarios: .*bad\.yaml: scenarios\[1\]\.faults\[0\]: unknown fault 'not_a_fault'/);

  const flag = await probe('flag-bad', ['--surface', 'completions', '--', process.execPath, SDK_CLIENT]);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--surface: use chat or responses/);
  const none = await probe('no-command', []);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no command: give it after `--`/);
});

test('SIGTERM to the probe also ends the command it is running (and what that started)', async () => {
  const pidFile = path.join(tmp, 'grandchild.pid');
  const child = spawn(
    readygateBin(),
    ['probe-client', '--out', path.join(tmp, 'sigterm'), '--scenario', 'auth_401', '--timeout-ms', '60000', '--',
      'sh', '-c', `sleep 60 & echo $! > ${pidFile}; wait`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 200 && !existsSync(pidFile); i++) await sleep(25);
  await sleep(50);
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(grandchild > 0);
  child.kill('SIGTERM');
  const end = await Promise.race([exited, sleep(10_000, 'still running')]);
  if (end === 'still running') child.kill('SIGKILL');
  assert.deepEqual(end, { code: null, signal: 'SIGTERM' });
  const alive = () => {
    try {
      process.kill(grandchild, 0);
    } catch {
      return false;
    }
    // A zombie waiting for init to reap it is dead too.
    const stat = readFileSync(`/proc/${grandchild}/stat`, 'utf8');
    return stat.split(' ')[2] !== 'Z';
  };
  for (let i = 0; i < 100 && alive(); i++) await sleep(20);
  assert.equal(alive(), false, `sleep ${grandchild} outlived the probe`);
});

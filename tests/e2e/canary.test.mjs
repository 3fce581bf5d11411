// The canary test of the one sanitizing layer (issue 4 §2): `serve` traffic
// and a full `review`, then `escalate` of both runs, with a canary upstream
// credential, a canary client key, a canary wrong key and a canary prompt;
// then every byte written is searched for them: the SQLite evidence store
// (with its -wal/-shm files), the notes, evidence.jsonl, the packets (the
// .tar.gz decompressed), the mocks' request logs, and the stdout and stderr
// of every process. The completion the client received is a canary too.
//
// The canaries do not look like `sk-` keys on purpose: only the exact-value
// rules (configured credential variables) can catch them, not the patterns.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { gatewayYaml, route, chain } from './lib/gateway.mjs';
import { freePort, readygateBin } from './lib/mock.mjs';

const CANARY_UPSTREAM = 'upstreamcanary-7c1d5e9b3a';
const CANARY_CLIENT = 'clientcanary-4f2a8e6d1b';
const CANARY_WRONG = 'wrongcanary-9e3b7c5a2f';
const CANARY_PROMPT = 'PROMPTCANARY the quick brown fox 31f9c2';

let dir;
const procs = [];
const outputs = [];
let completionCanary = '';

function run(args, env = {}) {
  const r = spawnSync(readygateBin(), args, {
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, ...env },
  });
  outputs.push({ what: `readygate ${args[0]}`, text: (r.stdout ?? '') + (r.stderr ?? '') });
  return r;
}

function startProcess(args, env, ready) {
  const child = spawn(readygateBin(), args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const rec = { what: `readygate ${args[0]}`, text: '' };
  outputs.push(rec);
  child.stdout.on('data', (d) => (rec.text += d));
  child.stderr.on('data', (d) => (rec.text += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  procs.push({ child, exited });
  return (async () => {
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      const got = ready(rec.text);
      if (got) return got;
      await sleep(50);
    }
    throw new Error(`${args[0]} did not start:\n${rec.text}`);
  })();
}

async function startMock(args = []) {
  const port = await freePort();
  const logPath = path.join(dir, `mock-${port}.jsonl`);
  const origin = `http://127.0.0.1:${port}`;
  await startProcess(['mock', '--listen', `127.0.0.1:${port}`, '--api-key', CANARY_UPSTREAM, '--log', logPath, ...args], {}, () => true);
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return { baseURL: `${origin}/v1` };
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error('mock did not start');
    await sleep(50);
  }
}

async function post(origin, pathname, body, key) {
  const res = await fetch(origin + pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

function filesUnder(root) {
  const out = [];
  for (const name of readdirSync(root)) {
    const p = path.join(root, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'readygate-canary-'));
  const env = { RG_CLIENT_KEY: CANARY_CLIENT, RG_UPSTREAM_KEY: CANARY_UPSTREAM };
  const [primary, fallback] = await Promise.all([startMock(['--fault', 'unavailable,first=1']), startMock()]);
  const store = path.join(dir, 'evidence.db');
  const routes = [route('primary', primary), route('fallback', fallback)];
  const config = path.join(dir, 'gateway.yaml');
  writeFileSync(config, gatewayYaml({ routes, chains: [chain('gpt-4o-mini', ['primary', 'fallback'])], evidencePath: store }));

  // serve traffic: JSON and stream with the canary prompt, a wrong client key, an unknown model.
  const port = await freePort();
  const yaml = readFileSync(config, 'utf8').replace('listen: 127.0.0.1:0', `listen: 127.0.0.1:${port}`);
  writeFileSync(config, yaml);
  await startProcess(['serve', '--config', config], env, (t) => /listening on/.test(t));
  const origin = `http://127.0.0.1:${port}`;
  const messages = [{ role: 'user', content: CANARY_PROMPT }];
  const json = await post(origin, '/v1/chat/completions', { model: 'gpt-4o-mini', messages }, CANARY_CLIENT);
  assert.equal(json.status, 200, json.text);
  completionCanary = JSON.parse(json.text).choices[0].message.content;
  const stream = await post(origin, '/v1/chat/completions', { model: 'gpt-4o-mini', messages, stream: true }, CANARY_CLIENT);
  assert.equal(stream.status, 200, stream.text);
  assert.equal((await post(origin, '/v1/chat/completions', { model: 'gpt-4o-mini', messages }, CANARY_WRONG)).status, 401);
  assert.equal((await post(origin, '/v1/chat/completions', { model: 'nope', messages }, CANARY_CLIENT)).status, 404);
  const metrics = await fetch(`${origin}/metrics`).then((r) => r.text());
  outputs.push({ what: 'GET /metrics', text: metrics });
  // Stop serve (flushes the evidence) before reading the store.
  const serve = procs.at(-1);
  serve.child.kill('SIGTERM');
  await serve.exited;

  // A full review of the same config into the same store, then both escalations.
  const out = path.join(dir, 'review');
  const review = run(['review', '--config', config, '--store', store, '--out', out, '--json'], env);
  assert.ok([0, 1, 2].includes(review.status), review.stderr);
  const runId = JSON.parse(review.stdout).run_id;
  const serveRun = JSON.parse(readFileSync(path.join(out, 'evidence.jsonl'), 'utf8').split('\n')[0]).run_id;
  assert.equal(serveRun, runId);
  const list = run(['evidence', 'list', '--store', store, '--jsonl']);
  const serveRunId = list.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).run_id)
    .find((id) => id.startsWith('serve-'));
  assert.ok(serveRunId, 'the serve run is in the store');
  for (const id of [runId, serveRunId]) {
    const esc = run(['escalate', id, '--store', store, '--out', path.join(dir, 'packets'), '--config', config], env);
    assert.equal(esc.status, 0, esc.stderr);
  }
  assert.equal(run(['review', '--status', '--config', config, '--store', store]).status !== undefined, true);
});

after(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('no canary appears in any byte written: store, notes, packets, logs, stdout, stderr', () => {
  assert.ok(completionCanary.length >= 12, `a completion to look for: ${completionCanary}`);
  const canaries = [CANARY_UPSTREAM, CANARY_CLIENT, CANARY_WRONG, CANARY_PROMPT, 'PROMPTCANARY', completionCanary];
  const files = filesUnder(dir).filter((f) => !f.endsWith('gateway.yaml'));
  const kinds = new Set(files.map((f) => path.basename(f).replace(/.*\./, '')));
  for (const want of ['db', 'md', 'html', 'jsonl', 'gz', 'json']) assert.ok(kinds.has(want), `a .${want} file was written`);
  let scanned = 0;
  for (const f of files) {
    let bytes = readFileSync(f);
    if (f.endsWith('.gz')) bytes = gunzipSync(bytes);
    const text = bytes.toString('latin1');
    scanned += bytes.length;
    for (const c of canaries) assert.ok(!text.includes(c), `${c} found in ${f}`);
  }
  for (const o of outputs) for (const c of canaries) assert.ok(!o.text.includes(c), `${c} found in the output of ${o.what}`);
  assert.ok(scanned > 50_000, `scanned ${scanned} bytes`);
});

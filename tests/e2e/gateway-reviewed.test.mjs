// The no-unreviewed-fallback loop end to end: `readygate review` of a config
// records the fallback route's review (its route fingerprint) in a SQLite
// store; `readygate serve` over the same store, with the policy `refuse`,
// then serves that fallback (reviewed, nothing recorded as review required)
// and still refuses a fallback route that was never reviewed.
// `readygate review --status` tells the same story, with its exit code. A
// review recorded while serve runs takes effect on SIGHUP.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { CLIENT_KEY, UPSTREAM_KEY, gatewayYaml, metricValue, route } from './lib/gateway.mjs';
import { freePort, readygateBin, startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
const QUIET = { retry: { max_attempts: 1 }, breaker: { consecutive_failures: 1000, min_calls: 1000 } };
const ENV = { ...process.env, RG_CLIENT_KEY: CLIENT_KEY, RG_UPSTREAM_KEY: UPSTREAM_KEY };
let dir;
let mocks = [];
let serve;
let origin;
let status;
let reviewFresh;  // runs a review of `fresh` into the store, later

function config(file, routes, chains, store, listen = '127.0.0.1:0') {
  const yaml = gatewayYaml({ routes, chains, evidencePath: store }).replace('listen: 127.0.0.1:0', `listen: ${listen}`);
  writeFileSync(file, yaml);
  return file;
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'readygate-reviewed-'));
  const store = path.join(dir, 'evidence.db');
  const [healthy, down, fb, fresh] = await Promise.all([
    startMock(),
    startMock({ args: ['--fault', 'unavailable'] }),
    startMock(),
    startMock(),
  ]);
  mocks = [healthy, down, fb, fresh];
  const refuse = { unreviewed: 'refuse' };
  // The review: a healthy primary in front of `fb`.
  const reviewed = config(path.join(dir, 'review.yaml'), [route('primary', healthy), route('fb', fb)],
    [{ model: 'm', routes: ['primary', 'fb'], fallback: refuse }], store);
  const review = spawnSync(readygateBin(), ['review', '--config', reviewed, '--store', store, '--out', path.join(dir, 'note')], {
    encoding: 'utf8', env: ENV, timeout: 120_000,
  });
  assert.ok(review.status === 0 || review.status === 2, `review: ${review.status}\n${review.stderr}`);
  // Serve: the primary is down now (its own fingerprint changed, which does not matter), `fb` is as reviewed,
  // `fresh` was never reviewed.
  const port = await freePort();
  const served = config(path.join(dir, 'serve.yaml'),
    [route('primary', down, QUIET), route('fb', fb), route('fresh', fresh)],
    [{ model: 'm', routes: ['primary', 'fb'], fallback: refuse }, { model: 'm2', routes: ['primary', 'fresh'], fallback: refuse }],
    store, `127.0.0.1:${port}`);
  const freshConfig = config(path.join(dir, 'review-fresh.yaml'), [route('primary', healthy), route('fresh', fresh)],
    [{ model: 'm2', routes: ['primary', 'fresh'], fallback: refuse }], store);
  reviewFresh = () =>
    spawnSync(readygateBin(), ['review', '--config', freshConfig, '--store', store, '--out', path.join(dir, 'note-fresh')], {
      encoding: 'utf8', env: ENV, timeout: 120_000,
    });
  status = spawnSync(readygateBin(), ['review', '--status', '--config', served, '--json'], { encoding: 'utf8', env: ENV });
  serve = spawn(readygateBin(), ['serve', '--config', served], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
  let out = '';
  serve.stderr.on('data', (d) => (out += d));
  origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const r = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`serve did not start:\n${out}`);
    await sleep(50);
  }
});

after(async () => {
  if (serve) {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
  }
  for (const m of mocks) await m.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(model) {
  const res = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify({ model, messages: MESSAGES }),
  });
  await res.arrayBuffer();
  return { status: res.status, route: res.headers.get('x-readygate-route') };
}

test('review --status: fb passing for its current fingerprint, fresh missing, exit 2', () => {
  assert.equal(status.status, 2, status.stderr);
  const routes = Object.fromEntries(JSON.parse(status.stdout).routes.map((r) => [r.route, r]));
  assert.equal(routes.fb.state, 'passing');
  assert.equal(routes.fb.fingerprint_match, true);
  assert.equal(routes.primary.state, 'fingerprint_changed');
  assert.equal(routes.fresh.state, 'missing');
});

test('serve reads the store: the reviewed fallback serves, the unreviewed one is refused', async () => {
  const metrics = await fetch(`${origin}/metrics`).then((r) => r.text());
  assert.equal(metricValue(metrics, 'readygate_route_review_state', { route: 'fb', state: 'passing' }), 1);
  assert.equal(metricValue(metrics, 'readygate_route_review_state', { route: 'fresh', state: 'missing' }), 1);
  assert.deepEqual(await call('m'), { status: 200, route: 'fb' });
  assert.equal((await call('m2')).status, 503);
  const after = await fetch(`${origin}/metrics`).then((r) => r.text());
  assert.equal(metricValue(after, 'readygate_unreviewed_fallback_total', { route: 'fresh', decision: 'refused' }), 1);
  assert.equal(metricValue(after, 'readygate_unreviewed_fallback_total', { route: 'fb' }), undefined);
});

test('a review recorded while serve runs takes effect on SIGHUP', async () => {
  const r = reviewFresh();
  assert.ok(r.status === 0 || r.status === 2, `review: ${r.status}\n${r.stderr}`);
  assert.equal((await call('m2')).status, 503, 'not before the reload');
  serve.kill('SIGHUP');
  const until = Date.now() + 10_000;
  for (;;) {
    const metrics = await fetch(`${origin}/metrics`).then((res) => res.text());
    if (metricValue(metrics, 'readygate_route_review_state', { route: 'fresh', state: 'passing' }) === 1) break;
    assert.ok(Date.now() < until, 'the review state was reloaded');
    await sleep(50);
  }
  assert.deepEqual(await call('m2'), { status: 200, route: 'fresh' });
});

// Two gateway replicas sharing policy state through a real Redis server
// (`fleet:` in the config): a breaker opened by replica A's failures makes
// replica B skip the same primary without sending it a single attempt; with
// Redis unreachable each replica still serves, deciding alone, and says so
// in /metrics. Redis listens on a Unix socket in a temp dir (no TCP port).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { chain, route, startGateway, stopAll, waitFor } from './lib/gateway.mjs';
import { startMock } from './lib/mock.mjs';

const MESSAGES = [{ role: 'user', content: 'hi' }];
const OPEN = 1;

/** PING over the socket; true on +PONG. */
function ping(socketPath) {
  return new Promise((resolve) => {
    const s = net.createConnection(socketPath);
    const done = (v) => (s.destroy(), resolve(v));
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('data', (d) => done(String(d).startsWith('+PONG')));
    s.write('PING\r\n');
  });
}

async function startRedis() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rg-redis-'));
  const socket = path.join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  for (let i = 0; i < 200; i++) {
    if (existsSync(socket) && (await ping(socket))) break;
    await sleep(25);
  }
  assert.ok(await ping(socket), 'redis-server answers PING on its socket');
  return {
    url: `unix://${socket}`,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let redis;
let up;
let a;
let b;

before(async () => {
  redis = await startRedis();
  const [primary, fallback] = await Promise.all([startMock({ args: ['--fault', 'unavailable'] }), startMock()]);
  up = { primary, fallback };
  const fleet = `fleet:\n  redis: ${JSON.stringify(redis.url)}\n  key_prefix: e2e-fleet\n  sync_interval: 50ms\n  timeout: 100ms\n`;
  // Open 30 s: the breaker stays open for the whole test once A opens it.
  const routes = [route('primary', primary, { breaker: { open_base: '30s', open_max: '60s' } }), route('fallback', fallback)];
  const chains = [chain('gpt-4o-mini', ['primary', 'fallback'])];
  [a, b] = await Promise.all([
    startGateway({ routes, chains, extraYaml: fleet, seed: 1 }),
    startGateway({ routes, chains, extraYaml: fleet, seed: 2 }),
  ]);
});

after(async () => {
  await stopAll(a, ...Object.values(up ?? {}));
  await stopAll(b);
  await redis?.stop();
});

test("a breaker opened on replica A keeps replica B off the primary without an attempt", async () => {
  const chat = async (gw) => {
    const { data, response } = await gw
      .client({ maxRetries: 0 })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    return { route: response.headers.get('x-readygate-route'), attempts: response.headers.get('x-readygate-attempts') };
  };
  assert.ok(await waitFor(async () => (await a.metric('readygate_fleet_sync_up')) === 1), 'A syncs with Redis');
  // 3 + 2 failed primary attempts on A open its breaker (consecutive_failures 5).
  assert.deepEqual(await chat(a), { route: 'fallback', attempts: '4' });
  assert.deepEqual(await chat(a), { route: 'fallback', attempts: '3' });
  assert.equal(up.primary.apiLines().length, 5);
  assert.equal(await a.metric('readygate_breaker_state', { route: 'primary' }), OPEN);
  // B learns of it through Redis within a few sync intervals ...
  assert.ok(
    await waitFor(async () => (await b.metric('readygate_breaker_state', { route: 'primary' })) === OPEN, { timeoutMs: 3000 }),
    "B's breaker for the primary opened through Redis",
  );
  // ... and serves from the fallback with one attempt: the primary saw nothing from B.
  assert.deepEqual(await chat(b), { route: 'fallback', attempts: '1' });
  assert.equal(up.primary.apiLines().length, 5, 'replica B sent the open primary no attempt');
  assert.equal(await b.metric('readygate_fleet_sync_up'), 1);
});

test('with Redis unreachable a replica serves alone and reports the sync as down', async () => {
  const fallback = await startMock();
  const gw = await startGateway({
    routes: [route('only', fallback)],
    chains: [chain('gpt-4o-mini', ['only'])],
    extraYaml: 'fleet:\n  redis: "unix:///nonexistent/readygate-redis.sock"\n  sync_interval: 50ms\n  timeout: 50ms\n',
  });
  try {
    const res = await gw.client({ maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o-mini', messages: MESSAGES });
    assert.equal(res.object, 'chat.completion');
    assert.ok(await waitFor(async () => (await gw.metric('readygate_fleet_sync_failures')) >= 1, { timeoutMs: 3000 }));
    assert.equal(await gw.metric('readygate_fleet_sync_up'), 0);
  } finally {
    await stopAll(gw, fallback);
  }
});

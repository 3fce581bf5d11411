// Starts `readygate serve` in front of `readygate mock` upstreams (lib/mock.mjs)
// and gives the tests its base URL, metrics, evidence lines and a way to stop it.
//
//   const primary = await startMock({ args: ['--fault', 'unavailable,first=2'] });
//   const gw = await startGateway({ routes: [route('primary', primary)] });
//   const client = gw.client();                  // official SDK, our client key
//   after(() => stopAll(gw, primary));
//
// The config is written as YAML to a temporary directory; the client key and
// the upstream key reach the gateway only through environment variables.
// Every wait here is bounded; nothing but 127.0.0.1 is contacted.

import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { API_KEY as UPSTREAM_KEY, assertCleanExit, readygateBin } from './mock.mjs';

export { UPSTREAM_KEY };
/** The key SDK clients present to the gateway (a canary: must never appear in evidence). */
export const CLIENT_KEY = 'sk-client-canary-5d2e91';
export const MODEL = 'gpt-4o-mini';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const pause = (ms, value) => sleep(ms, value, { ref: false });

// Same idea as lib/mock.mjs: track this process's fetch sockets so stop()
// can close idle keep-alive connections to the gateway before SIGTERM.
const clientSockets = new Set();
diagnosticsChannel.subscribe('undici:client:connected', ({ socket }) => {
  clientSockets.add(socket);
  socket.once('close', () => clientSockets.delete(socket));
});

async function closeClientConnections(port) {
  const mine = [...clientSockets].filter((s) => s.remotePort === port && !s.destroyed);
  await Promise.race([
    Promise.all(mine.map((s) => new Promise((resolve) => (s.once('close', resolve), s.destroy())))),
    pause(2000),
  ]);
  return mine.length;
}

const DEFAULT_RETRY = { max_attempts: 3, base: '50ms', base_after_429: '50ms', cap: '200ms', retry_after_cap: '30s' };
const DEFAULT_BREAKER = {
  consecutive_failures: 5,
  failure_rate: 0.5,
  min_calls: 20,
  window: '30s',
  open_base: '1s',
  open_max: '5s',
  half_open_probes: 1,
};
const DEFAULT_TIMEOUTS = { connect: '2s', first_byte: '10s', stream_idle: '10s', total: '60s' };

/**
 * A route entry over a started mock.
 * @param {string} name
 * @param {{baseURL: string}} mock
 * @param {{surface?: string, retry?: object, breaker?: object, timeouts?: object}} [over]
 */
export function route(name, mock, over = {}) {
  return {
    name,
    surface: over.surface ?? 'chat_completions',
    base_url: mock.baseURL,
    credential: { env: 'RG_UPSTREAM_KEY' },
    retry: { ...DEFAULT_RETRY, ...over.retry },
    breaker: { ...DEFAULT_BREAKER, ...over.breaker },
    timeouts: { ...DEFAULT_TIMEOUTS, ...over.timeouts },
  };
}

/** A chain for `model` over route names, falling back on shape mismatch and on truncation before the first byte. */
export function chain(model, routeNames) {
  return { model, routes: routeNames, fallback: { on_shape_mismatch: true, on_truncated_before_first_byte: true } };
}

/** A YAML flow value: numbers as is, everything else double-quoted (JSON strings are valid YAML). */
function flow(value) {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${flow(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(String(value));
}

/** The gateway config as YAML text. */
export function gatewayYaml({ routes, chains, budget, evidencePath, environment = 'e2e', extraYaml = '' }) {
  const lines = ['listen: 127.0.0.1:0', 'client_keys:', '  - name: app', '    env: RG_CLIENT_KEY', 'routes:'];
  for (const r of routes) {
    lines.push(`  - name: ${flow(r.name)}`);
    for (const [k, v] of Object.entries(r)) if (k !== 'name') lines.push(`    ${k}: ${flow(v)}`);
  }
  lines.push('chains:');
  for (const c of chains) {
    lines.push(`  - model: ${flow(c.model)}`, `    routes: ${flow(c.routes)}`);
    // Fallbacks here are never reviewed first: serve them (`allow`, recorded as
    // review_required:<route>) unless a test asks for refuse or limited.
    lines.push(`    fallback: ${flow({ unreviewed: 'allow', ...c.fallback })}`);
  }
  if (budget) lines.push(`budget: ${flow(budget)}`);
  lines.push(`evidence: ${flow({ path: evidencePath, environment })}`);
  return lines.join('\n') + '\n' + extraYaml;
}

/**
 * Writes the config, starts `readygate serve --config FILE --seed N` and waits
 * for its "listening on http://HOST:PORT" line, then for GET /readyz 200.
 * @param {{routes: object[], chains?: object[], budget?: object, seed?: number, env?: object, extraYaml?: string}} opts
 *   extraYaml: top-level YAML appended as is (e.g. a `fleet:` section).
 *   chains default to one chain for MODEL over all routes in order, with
 *   fallback on shape mismatch and on truncation before the first byte.
 */
export async function startGateway({ routes, chains, budget, seed = 7, env = {}, extraYaml = '' }) {
  const bin = readygateBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'readygate-e2e-gw-'));
  const evidencePath = path.join(dir, 'evidence.jsonl');
  const configPath = path.join(dir, 'gateway.yaml');
  chains ??= [chain(MODEL, routes.map((r) => r.name))];
  const yaml = gatewayYaml({
    routes,
    chains,
    budget: budget ?? { ratio: 0.1, window: '10s', min_retries_per_second: 1 },
    evidencePath,
    extraYaml,
  });
  writeFileSync(configPath, yaml);

  const child = spawn(bin, ['serve', '--config', configPath, '--seed', String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RG_CLIENT_KEY: CLIENT_KEY, RG_UPSTREAM_KEY: UPSTREAM_KEY, ...env },
  });
  let output = '';
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => resolve({ code: null, signal: null, err }));
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  exited.then((info) => {
    exitInfo = info;
    process.off('exit', killOnExit);
  });
  const listening = new Promise((resolve) => {
    const onData = (d) => {
      output += d;
      const m = /readygate serve: listening on http:\/\/([0-9.]+):(\d+)/.exec(output);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    };
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', onData);
  });

  const first = await Promise.race([listening, exited.then(() => 'exited'), pause(START_TIMEOUT_MS, 'timeout')]);
  if (first === 'exited' || first === 'timeout') {
    child.kill('SIGKILL');
    await Promise.race([exited, pause(2000)]);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `readygate serve did not report a listening port (${first}, ${JSON.stringify(exitInfo)}):\n${output}\nconfig:\n${yaml}`,
    );
  }
  const origin = `http://${first.host}:${first.port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline || exitInfo) {
      child.kill('SIGKILL');
      await Promise.race([exited, pause(2000)]);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`readygate serve did not answer GET /readyz within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await sleep(50);
  }

  let stopped = null;
  const gw = {
    origin,
    port: first.port,
    baseURL: `${origin}/v1`,
    evidencePath,
    configPath,
    yaml,
    pid: child.pid,
    output: () => output,
    running: () => !exitInfo,
    /**
     * An official SDK client for the gateway. Counts every HTTP request the
     * SDK makes (retries included) in `client.calls`.
     */
    client(opts = {}) {
      const calls = [];
      const client = new OpenAI({
        apiKey: CLIENT_KEY,
        baseURL: `${origin}/v1`,
        timeout: 15_000,
        ...opts,
        fetch: async (url, init) => {
          calls.push({ url: String(url), method: init?.method });
          return fetch(url, init);
        },
      });
      client.calls = calls;
      return client;
    },
    async metricsText() {
      const res = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5000) });
      return res.text();
    },
    /**
     * The value of one sample, e.g. metric('readygate_breaker_state', {route: 'primary'}).
     * Sums every series of `name` whose labels include `labels`; undefined if none.
     */
    async metric(name, labels = {}) {
      return metricValue(await this.metricsText(), name, labels);
    },
    /** Evidence records written so far, parsed. */
    evidenceLines() {
      if (!existsSync(evidencePath)) return [];
      return readFileSync(evidencePath, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l));
    },
    /** Raw evidence file text ('' if none yet). */
    evidenceText() {
      return existsSync(evidencePath) ? readFileSync(evidencePath, 'utf8') : '';
    },
    /** Waits (bounded) for the evidence record of the request with this x-readygate-request-id. */
    async evidenceFor(requestId, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const rec = this.evidenceLines().find((r) => r.request_id === requestId);
        if (rec || Date.now() > until) return rec;
        await sleep(25);
      }
    },
    /** Waits (bounded) until at least n evidence records exist; returns them. */
    async waitForEvidence(n, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const lines = this.evidenceLines();
        if (lines.length >= n || Date.now() > until) return lines;
        await sleep(25);
      }
    },
    /**
     * SIGTERM, bounded wait, then SIGKILL. Resolves {code, signal, output}.
     * First closes this process's idle keep-alive connections to the gateway,
     * unless keepConnections.
     */
    stop({ keepConnections = false } = {}) {
      stopped ??= (async () => {
        if (!exitInfo) {
          if (!keepConnections && (await closeClientConnections(first.port)) > 0) await pause(150);
          child.kill('SIGTERM');
          if ((await Promise.race([exited, pause(STOP_TIMEOUT_MS, 'timeout')])) === 'timeout') {
            child.kill('SIGKILL');
          }
        }
        const info = await Promise.race([exited, pause(2000, { code: null, signal: 'did not exit' })]);
        const evidence = existsSync(evidencePath) ? readFileSync(evidencePath, 'utf8') : '';
        rmSync(dir, { recursive: true, force: true });
        return { ...info, output, evidence };
      })();
      return stopped;
    },
  };
  return gw;
}

/** Sums the samples of `name` whose labels include every pair of `labels`; undefined if none. */
export function metricValue(text, name, labels = {}) {
  let sum;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === String(v))) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}

/** Stops the gateway, then the mocks; throws on an unclean exit of any (sanitizer report, exit != 0). */
export async function stopAll(gateway, ...mocks) {
  const problems = [];
  if (gateway) {
    try {
      assertCleanExit(await gateway.stop());
    } catch (e) {
      problems.push(`gateway: ${e.message.replace(/readygate mock/g, 'readygate serve')}`);
    }
  }
  const results = await Promise.all(mocks.filter(Boolean).map((m) => m.stop()));
  for (const r of results) {
    try {
      assertCleanExit(r);
    } catch (e) {
      problems.push(e.message);
    }
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

/** Iterates an async iterable to the end; returns {items, error}. */
export async function drain(iterable) {
  const items = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: null };
  } catch (error) {
    return { items, error };
  }
}

/** Polls fn() until it returns a truthy value or timeoutMs passes; returns the last value. */
export async function waitFor(fn, { timeoutMs = 5000, intervalMs = 25 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > until) return v;
    await sleep(intervalMs);
  }
}

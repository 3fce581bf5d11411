// Starts `readygate mock` on a free loopback port for one test file and gives
// the tests its base URL, its JSONL request log and a way to stop it.
//
//   const mock = await startMock({ args: ['--fault', 'unavailable,first=2'] });
//   after(() => mock.stop());
//
// Every wait here is bounded; nothing but 127.0.0.1 is contacted.

import { spawn } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const API_KEY = 'sk-e2e-key';
const HEALTH_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const LISTEN_ATTEMPTS = 5;

/** A timer promise that does not keep the test process alive. */
const pause = (ms, value) => sleep(ms, value, { ref: false });

// Node's fetch (undici) keeps idle keep-alive connections open, and the openai
// SDK uses Node's fetch. We track those sockets through undici's public
// diagnostics channel so stop() can close them before SIGTERM: a clean
// shutdown of the mock is then checked on its own (see shutdown.test.mjs for
// the case with a connection still open).
const clientSockets = new Set();
diagnosticsChannel.subscribe('undici:client:connected', ({ socket }) => {
  clientSockets.add(socket);
  socket.once('close', () => clientSockets.delete(socket));
});

/** Closes this process's fetch connections to `port`; resolves once they are closed. */
async function closeClientConnections(port) {
  const mine = [...clientSockets].filter((s) => s.remotePort === port && !s.destroyed);
  await Promise.race([
    Promise.all(mine.map((s) => new Promise((resolve) => (s.once('close', resolve), s.destroy())))),
    pause(2000),
  ]);
  return mine.length;
}

/** The binary under test, from $READYGATE_BIN; throws a clear error if unusable. */
export function readygateBin() {
  const bin = process.env.READYGATE_BIN;
  if (!bin) {
    throw new Error(
      'READYGATE_BIN is not set. Run as: READYGATE_BIN=/path/to/readygate node --test --test-concurrency=1 tests/e2e/',
    );
  }
  if (!existsSync(bin) || !statSync(bin).isFile()) {
    throw new Error(`READYGATE_BIN=${bin} does not exist or is not a file (build readygate first)`);
  }
  return bin;
}

/** A port that was free a moment ago (bind to 0, read it, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the mock and waits until GET /healthz answers 200.
 * @param {{args?: string[]}} [opts] extra command-line arguments (e.g. --fault SPEC, --model M)
 */
export async function startMock({ args = [] } = {}) {
  const bin = readygateBin();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'readygate-e2e-'));
  const logPath = path.join(dir, 'requests.jsonl');
  let lastFailure = '';

  for (let attempt = 1; attempt <= LISTEN_ATTEMPTS; attempt++) {
    const port = await freePort();
    const argv = ['mock', '--listen', `127.0.0.1:${port}`, '--api-key', API_KEY, '--log', logPath, ...args];
    const child = spawn(bin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => resolve({ code: null, signal: null, err }));
    });
    let exitInfo = null;
    // Safety net if the test process ends without reaching its after() hook.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    exited.then((info) => {
      exitInfo = info;
      process.off('exit', killOnExit);
    });

    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    let healthy = false;
    while (Date.now() < deadline && !exitInfo) {
      try {
        const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) {
          healthy = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }

    if (healthy) {
      let stopped = null;
      return {
        baseURL: `${origin}/v1`,
        origin,
        port,
        logPath,
        /** Every request the mock logged so far (health checks included), parsed. */
        logLines() {
          if (!existsSync(logPath)) return [];
          return readFileSync(logPath, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map((l) => JSON.parse(l));
        },
        /** Logged requests to /v1/* only (drops the /healthz polls made at start-up). */
        apiLines() {
          return this.logLines().filter((l) => l.path.startsWith('/v1/'));
        },
        /** Everything the process wrote to stdout/stderr so far. */
        output: () => output,
        /** Whether the process is still running. */
        running: () => !exitInfo,
        /**
         * SIGTERM, bounded wait, then SIGKILL. Resolves {code, signal, output}.
         * First closes this process's idle keep-alive connections to the mock
         * (and gives it a moment to see them close), unless keepConnections.
         */
        stop({ keepConnections = false } = {}) {
          stopped ??= (async () => {
            if (!exitInfo) {
              if (!keepConnections && (await closeClientConnections(port)) > 0) await pause(150);
              child.kill('SIGTERM');
              if ((await Promise.race([exited, pause(STOP_TIMEOUT_MS, 'timeout')])) === 'timeout') {
                child.kill('SIGKILL');
              }
            }
            const info = await Promise.race([exited, pause(2000, { code: null, signal: 'did not exit' })]);
            rmSync(dir, { recursive: true, force: true });
            return { ...info, output };
          })();
          return stopped;
        },
      };
    }

    // Not healthy: either it died (port taken in between? retry) or it hung (give up).
    if (!exitInfo) {
      child.kill('SIGKILL');
      await Promise.race([exited, pause(2000)]);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`readygate mock did not answer GET /healthz within ${HEALTH_TIMEOUT_MS} ms:\n${output}`);
    }
    lastFailure = `exit ${JSON.stringify(exitInfo)}: ${output}`;
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`readygate mock failed to start after ${LISTEN_ATTEMPTS} attempts; last: ${lastFailure}`);
}

/** Throws if a stop() result shows a sanitizer report or an exit other than 0. */
export function assertCleanExit(result) {
  if (/ERROR: (Address|Leak|UndefinedBehavior)Sanitizer|runtime error:/.test(result.output)) {
    // The first frames and the SUMMARY say what and where; full reports run to hundreds of lines.
    const lines = result.output.split('\n');
    const head = lines.slice(0, 12).map((l) => l.slice(0, 400));
    const summary = lines.filter((l) => l.includes('SUMMARY:'));
    throw new Error(`readygate mock reported a sanitizer error:\n${[...head, '...', ...summary].join('\n')}`);
  }
  if (result.code !== 0) {
    throw new Error(`readygate mock exited with ${JSON.stringify({ code: result.code, signal: result.signal })}:\n${result.output}`);
  }
}

// One gateway in front of one scripted hostile upstream, for a test's body.
import { route, startGateway, stopAll } from '../../e2e/lib/gateway.mjs';
import { startHostile } from './upstream.mjs';

/**
 * Starts the hostile upstream with `script`, a gateway with one route
 * ('primary', overrides `over` as for e2e route()) over it, runs fn(gw, up),
 * then stops both (an unclean gateway exit fails the test).
 */
export async function withHostile(script, over, fn, { chainFallback, extraYaml } = {}) {
  const up = await startHostile(script);
  let gw;
  try {
    gw = await startGateway({ routes: [route('primary', up, over)], extraYaml });
  } catch (e) {
    await up.stop();
    throw e;
  }
  try {
    await fn(gw, up);
  } finally {
    await stopAll(gw, up);
  }
}

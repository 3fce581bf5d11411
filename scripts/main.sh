#!/usr/bin/env bash
# The main job from a fresh machine: installs packages, builds the release
# binary and runs `readygate review` with no config: the readiness checklist
# against two built-in providers on loopback (primary and fallback), leaving
# a readiness note (Markdown + HTML) and its evidence under
# ./readygate-review/<run_id>/. No network beyond loopback. Extra arguments
# go to `readygate review` (e.g. --config FILE --out DIR).
# Exit code: 0 ready, 2 limited rollout, 1 keep in staging.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" release
bin="$root/build/release/src/cli/readygate"
exec "$bin" review "$@"

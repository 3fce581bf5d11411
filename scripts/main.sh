#!/usr/bin/env bash
# The main job from a fresh machine: installs packages, builds the release
# binary, starts the built-in provider on loopback and exercises both API
# surfaces (JSON and streaming) plus a controlled authentication error.
# No config and no network beyond loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" release
bin="$root/build/release/src/cli/readygate"
exec "$root/scripts/smoke.sh" "$bin"

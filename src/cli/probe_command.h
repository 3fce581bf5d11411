#pragma once

#include "cli/commands.h"

namespace readygate::cli {

// `readygate probe-client`: flags, and the runner over probe::run_probe.
Runner setup_probe_client(CLI::App& sub);

}  // namespace readygate::cli

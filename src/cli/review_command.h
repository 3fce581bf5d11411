#pragma once

#include "cli/commands.h"

namespace readygate::cli {

// `readygate review`: flags, and the runner over review::run_review.
Runner setup_review(CLI::App& sub);

// `readygate escalate RUN_ID`: flags, and the runner over review::run_escalate.
Runner setup_escalate(CLI::App& sub);

}  // namespace readygate::cli

#pragma once

#include "cli/commands.h"

namespace readygate::cli {

Runner setup_mock(CLI::App& sub);
Runner setup_serve(CLI::App& sub);
Runner setup_evidence(CLI::App& sub);

}  // namespace readygate::cli

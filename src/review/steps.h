// Runs one checklist step for one route through an in-process gateway and
// judges it (checks.h). Steps 1-3 and 6 use the route's own upstream (with a
// real config, the real provider; step 3 swaps in a deliberately invalid
// credential). Steps 4-5 place the built-in provider in the route's path
// with a scripted fault, because a real provider cannot be made to fail on
// demand; the StepResult says so in `method` and `via_builtin`.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "review/review_report.h"

namespace readygate::review {

struct ChecklistContext {
  const config::Config* cfg = nullptr;         // the reviewed config
  const config::ChainConfig* chain = nullptr;  // the chain under review
  std::string run_id;
  std::string environment;
  std::string operator_initials;
  bool builtin_mode = false;     // every upstream is the built-in provider
  std::string workdir;           // private temporary directory of this run
  std::string builtin_key;       // the built-in provider's per-run key
  std::string builtin_key_file;  // ... in a 0600 file under workdir
  std::string invalid_key_file;  // the deliberately invalid key, 0600
  std::string ca_file;
};

// Runs step `kind` for chain route `route_index`; `number` is its 1-based
// position in the run. Never throws; a step that cannot run fails.
StepResult run_step(const ChecklistContext& ctx, StepKind kind, size_t route_index, int number);

}  // namespace readygate::review

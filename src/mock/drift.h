// Shape drift for the built-in provider: removes, renames or adds fields in
// an answer so that clients and the gateway's shape check can be tested.
// Off the hot path (only with a drift fault), so it uses a DOM.
#pragma once

#include <string>

#include "contract/surface.h"
#include "mock/fault.h"

namespace readygate::mock {

// Applies `a`'s drift to a JSON document (a body, or one event's data).
// Paths are dotted with numeric indices: "choices.0.finish_reason". Returns
// the input unchanged when it is not JSON (e.g. "[DONE]").
// With no remove/rename/extra given, drift_renamed renames choices->results
// (chat) or output->outputs (responses); any other drift removes
// choices.0.finish_reason (chat) or output.0.status (responses).
std::string apply_drift(contract::Surface s, const FaultAction& a, const std::string& json);

// Applies drift to each "data:" payload of an SSE frame.
std::string apply_drift_to_frame(contract::Surface s, const FaultAction& a,
                                 const std::string& frame);

}  // namespace readygate::mock

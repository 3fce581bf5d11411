// `readygate review --status`: each route's review state as `serve` sees it
// (evidence/review_rows.h): reviewed or not, passing or failed, whether the
// review was of the route's current config fingerprint, which run and when.
//
// With a config, every configured route against its current fingerprint;
// without one, every route the store has reviews of, against the
// fingerprint of its own latest review (nothing to compare with).
//
// Exit code: 0 every route passing, 2 none failed but some route needs a
// review (missing or for another fingerprint), 1 a route's latest review
// failed, or the config or store could not be read.
#pragma once

#include <iosfwd>
#include <string>

namespace readygate::review {

struct StatusOptions {
  std::string config_path;  // empty: the routes the store knows
  std::string store;        // empty: the config's evidence.path, else readygate-evidence.db
  bool json = false;
};

int run_review_status(const StatusOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace readygate::review

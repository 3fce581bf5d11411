// Workspace: a private temporary directory (0700) for one review run, holding
// the per-run key files (0600) and the built-in providers' request logs.
// Removed with everything in it when the Workspace is destroyed. Nothing in
// it is part of the review's output.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace readygate::review {

class Workspace {
 public:
  static std::expected<std::unique_ptr<Workspace>, std::string> create();
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  const std::string& dir() const { return dir_; }
  // Writes `value` to dir()/name with mode 0600; returns the path.
  std::expected<std::string, std::string> write_secret(const std::string& name,
                                                       const std::string& value);

 private:
  explicit Workspace(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

// 32 lower-case hex digits from the OS entropy source.
std::string random_hex128();

// "<prefix>-YYYYMMDDTHHMMSSZ-<6 hex digits>": a run id that sorts by start
// time (review, probe-client).
std::string make_run_id(std::string_view prefix, WallTime now);

// 1..max_len letters, digits, '.', '-' or '_' (initials, environment names).
bool is_simple_token(std::string_view s, size_t max_len);

}  // namespace readygate::review

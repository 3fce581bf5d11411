// A blocking HTTP/1.1 POST to the in-process gateway on loopback: review is
// not the hot path, so one fresh connection per call, bounded by a deadline.
// Transport failures come back in `error`, never as exceptions.
//
// Thread-safety: each call has its own io_context; calls may run in parallel.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/headers.h"

namespace readygate::review {

struct HttpReply {
  int status = 0;     // 0: no response
  std::string error;  // transport failure, empty on a response
  std::string body;
  HeaderList headers;
  std::string header(std::string_view name) const;
};

// POST `body` (JSON) to http://127.0.0.1:port`path`, without credentials (the
// review's gateway has no client keys). Reads the whole response, streams
// included, up to 64 MiB.
HttpReply post_loopback(uint16_t port, std::string_view path, const std::string& body,
                        std::chrono::milliseconds deadline);

}  // namespace readygate::review

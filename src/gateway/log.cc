#include "gateway/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/json_text.h"
#include "gateway/sanitize.h"

namespace readygate::gateway {
namespace {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> l = [] {
    auto lg = spdlog::stderr_logger_mt("readygate");
    lg->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%eZ\",\"level\":\"%l\",%v}", spdlog::pattern_time_type::utc);
    lg->flush_on(spdlog::level::info);
    return lg;
  }();
  return *l;
}

}  // namespace

void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
  std::string line = "\"event\":";
  append_json_string(line, event);
  for (const auto& [k, v] : fields) {
    line += ',';
    append_json_string(line, k);
    line += ':';
    append_json_string(line, sanitize_text(v));
  }  // the pattern closes the object
  switch (level) {
    case LogLevel::kInfo: logger().info("{}", line); break;
    case LogLevel::kWarn: logger().warn("{}", line); break;
    case LogLevel::kError: logger().error("{}", line); break;
  }
}

}  // namespace readygate::gateway

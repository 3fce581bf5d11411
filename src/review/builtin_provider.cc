#include "review/builtin_provider.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "mock/mock_provider.h"

namespace readygate::review {

struct BuiltinProvider::Impl {
  net::asio::io_context io;
  std::unique_ptr<mock::MockProvider> provider;
  std::thread thread;
  uint16_t port = 0;
  std::string log_path;
};

BuiltinProvider::BuiltinProvider(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BuiltinProvider::~BuiltinProvider() {
  if (impl_->provider) impl_->provider->stop();
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::expected<std::unique_ptr<BuiltinProvider>, std::string> BuiltinProvider::start(
    const Options& opts) {
  auto impl = std::make_unique<Impl>();
  mock::MockOptions o;
  o.listen = "127.0.0.1:0";
  o.api_keys = {opts.api_key};
  o.fault_specs = opts.faults;
  o.log_path = opts.log_path;
  impl->log_path = opts.log_path;
  try {
    impl->provider = std::make_unique<mock::MockProvider>(impl->io, o);
  } catch (const std::exception& e) {
    return std::unexpected(std::string("built-in provider: ") + e.what());
  }
  auto port = impl->provider->listen();
  if (!port) return std::unexpected("built-in provider: " + port.error());
  impl->port = *port;
  impl->provider->start();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<BuiltinProvider>(new BuiltinProvider(std::move(impl)));
}

uint16_t BuiltinProvider::port() const { return impl_->port; }

std::vector<ProviderCall> BuiltinProvider::completion_calls() const {
  std::vector<ProviderCall> out;
  if (impl_->log_path.empty()) return out;
  std::ifstream in(impl_->log_path);
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("surface") || j["surface"].is_null()) continue;
    ProviderCall c;
    c.t_ms = j.value("t_ms", 0.0);
    c.status = j.value("status", 0);
    if (j.contains("fault") && j["fault"].is_string()) c.fault = j["fault"].get<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace readygate::review

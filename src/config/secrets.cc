// The only code that touches secret values: reading a credential from the
// environment or a file, and checking a presented client key. Errors name
// where the secret was looked for, never what it is.
#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "base/sha256.h"
#include "config/config.h"

namespace readygate::config {
namespace {

// A key file holds one line; anything bigger is the wrong file.
constexpr size_t kMaxSecretFileBytes = 64 << 10;

std::string_view trim_space(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

// A secret goes into a header value: one line, no control characters.
bool has_control(std::string_view s) {
  for (char c : s)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}

std::expected<std::string, std::string> checked(std::string_view raw, const std::string& where) {
  const std::string_view v = trim_space(raw);
  if (v.empty()) return std::unexpected(where + " is empty");
  if (has_control(v))
    return std::unexpected(where + " holds more than one line or a control character");
  return std::string(v);
}

}  // namespace

std::expected<std::string, std::string> resolve_credential(const Credential& c) {
  switch (c.source) {
    case Credential::Source::kNone:
      return std::unexpected("no credential is configured");
    case Credential::Source::kEnv: {
      const char* v = std::getenv(c.ref.c_str());
      if (v == nullptr) return std::unexpected("environment variable " + c.ref + " is not set");
      return checked(v, "environment variable " + c.ref);
    }
    case Credential::Source::kFile: {
      std::ifstream in(c.ref, std::ios::binary);
      if (!in)
        return std::unexpected("cannot read credential file '" + c.ref +
                               "': " + std::strerror(errno));
      std::string text(kMaxSecretFileBytes + 1, '\0');
      in.read(text.data(), static_cast<std::streamsize>(text.size()));
      if (in.bad()) return std::unexpected("cannot read credential file '" + c.ref + "'");
      text.resize(static_cast<size_t>(in.gcount()));
      if (text.size() > kMaxSecretFileBytes)
        return std::unexpected("credential file '" + c.ref + "' is larger than 64 KiB");
      auto v = checked(text, "credential file '" + c.ref + "'");
      // Wipe the buffer's copy; the returned string is the caller's to guard.
      OPENSSL_cleanse(text.data(), text.size());
      return v;
    }
  }
  return std::unexpected("unknown credential source");
}

std::optional<std::string> match_client_key(const Config& config, std::string_view presented) {
  if (presented.empty()) return std::nullopt;
  const std::string hash = sha256_hex(presented);
  const std::string* match = nullptr;
  // Every configured key is compared, so the time taken does not tell which
  // (or whether an early one) matched.
  for (const ClientKey& k : config.client_keys) {
    if (k.sha256_hex.size() != hash.size()) continue;
    if (CRYPTO_memcmp(hash.data(), k.sha256_hex.data(), hash.size()) == 0 && match == nullptr)
      match = &k.name;
  }
  if (match == nullptr) return std::nullopt;
  return *match;
}

}  // namespace readygate::config

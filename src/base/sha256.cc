#include "base/sha256.h"

#include <openssl/evp.h>

namespace readygate {
namespace {

std::string to_hex(const unsigned char* p, unsigned n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (unsigned i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string salted_sha256_hex(std::string_view salt, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  // OpenSSL 3 fetches the implementation on every EVP_sha256() init; fetch
  // once, and keep one context per thread.
  static EVP_MD* const md_impl = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local struct Ctx {
    EVP_MD_CTX* p = EVP_MD_CTX_new();
    ~Ctx() { EVP_MD_CTX_free(p); }
  } holder;
  EVP_MD_CTX* ctx = holder.p;
  EVP_DigestInit_ex(ctx, md_impl, nullptr);
  if (!salt.empty()) EVP_DigestUpdate(ctx, salt.data(), salt.size());
  EVP_DigestUpdate(ctx, data.data(), data.size());
  EVP_DigestFinal_ex(ctx, md, &len);
  return to_hex(md, len);
}

std::string sha256_hex(std::string_view data) { return salted_sha256_hex({}, data); }

}  // namespace readygate

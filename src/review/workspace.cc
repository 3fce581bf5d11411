#include "review/workspace.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "base/http_date.h"
#include "base/random.h"

namespace readygate::review {

std::expected<std::unique_ptr<Workspace>, std::string> Workspace::create() {
  std::error_code ec;
  auto base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string tmpl = (base / "readygate-review-XXXXXX").string();
  if (!::mkdtemp(tmpl.data()))
    return std::unexpected("cannot create a temporary directory under " + base.string() + ": " +
                           std::strerror(errno));
  return std::unique_ptr<Workspace>(new Workspace(tmpl));
}

Workspace::~Workspace() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::expected<std::string, std::string> Workspace::write_secret(const std::string& name,
                                                                const std::string& value) {
  const std::string path = dir_ + "/" + name;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected("cannot write " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < value.size()) {
    const ssize_t n = ::write(fd, value.data() + done, value.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return std::unexpected("cannot write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

std::string random_hex128() {
  SeededRandom rng(os_entropy_seed());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng.next_u64()),
                static_cast<unsigned long long>(rng.next_u64()));
  return buf;
}

std::string make_run_id(std::string_view prefix, WallTime now) {
  std::string compact;
  for (char c : format_rfc3339_ms(now).substr(0, 19))
    if (std::isdigit(static_cast<unsigned char>(c)) || c == 'T') compact += c;
  return std::string(prefix) + "-" + compact + "Z-" + random_hex128().substr(0, 6);
}

bool is_simple_token(std::string_view s, size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
      return false;
  return true;
}

}  // namespace readygate::review

// run_escalate: reads one run from the evidence store, writes the packet
// directory and archives it with the system `tar`.
//
// Why the system tar: a .tar.gz needs gzip (deflate), and zlib is not one of
// the project's chosen dependencies; a hand-written deflate is out of the
// question and a "stored" gzip would be a .tar.gz in name only. GNU tar and
// gzip are part of every Debian base system (both Essential: yes), so the
// packet is archived by running `tar -czf` directly through posix_spawnp (no
// shell, arguments passed as a vector, nothing interpolated). When tar is
// missing or fails, the packet directory is still there and the error says
// so (exit 1).
#include <openssl/opensslv.h>
#include <sqlite3.h>
#include <libpq-fe.h>
#include <simdjson.h>
#include <spawn.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <boost/version.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <spdlog/version.h>

#include "base/http_date.h"
#include "config/config.h"
#include "evidence/postgres_text.h"
#include "evidence/store_factory.h"
#include "review/escalate.h"
#include "review/redactor.h"

extern char** environ;

namespace readygate::review {
namespace {

constexpr int kExitWritten = 0;
constexpr int kExitWriteFailed = 1;
constexpr int kExitUsage = 2;

// Runs `tar -czf archive -C parent name`; "" on success, else why not.
std::string run_tar(const std::string& archive, const std::string& parent,
                    const std::string& name) {
  std::vector<std::string> args = {"tar",          "--owner=0",   "--group=0",
                                   "--numeric-owner", "-czf",     archive,
                                   "-C",           parent,        name};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, "tar", nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return std::string("cannot run tar: ") + std::strerror(rc);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return std::string("cannot wait for tar: ") + std::strerror(errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "tar failed (status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
           ")";
  return {};
}

bool write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

bool safe_run_id(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  return s != "." && s != "..";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> dependency_versions() {
  const int pq = PQlibVersion();
  return {
      {"Boost", std::string(BOOST_LIB_VERSION)},
      {"OpenSSL (built with)", OPENSSL_VERSION_TEXT},
      {"SQLite", sqlite3_libversion()},
      {"libpq", std::to_string(pq / 10000) + "." + std::to_string(pq % 10000)},
      {"simdjson", std::to_string(simdjson::SIMDJSON_VERSION_MAJOR) + "." +
                       std::to_string(simdjson::SIMDJSON_VERSION_MINOR) + "." +
                       std::to_string(simdjson::SIMDJSON_VERSION_REVISION)},
      {"nlohmann-json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                            std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                            std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
      {"spdlog", std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
                     std::to_string(SPDLOG_VER_PATCH)},
      {"yaml-cpp", READYGATE_YAML_CPP_VERSION},
  };
}

std::vector<std::pair<std::string, std::string>> platform_facts() {
  std::vector<std::pair<std::string, std::string>> out;
  struct utsname u {};
  if (::uname(&u) == 0) {
    out.emplace_back("os", std::string(u.sysname) + " " + u.release);
    out.emplace_back("machine", u.machine);
  }
#if defined(__clang__)
  out.emplace_back("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  out.emplace_back("compiler", "gcc " __VERSION__);
#endif
  out.emplace_back("c++", std::to_string(__cplusplus));
  return out;
}

int run_escalate(const EscalateOptions& opts, std::ostream& out, std::ostream& err) {
  Redactor redactor;
  auto fail = [&](int code, const std::string& message) {
    err << redactor.clean("readygate escalate: " + message) << "\n";
    return code;
  };
  if (!safe_run_id(opts.run_id))
    return fail(kExitUsage, "RUN_ID: use the run id of a review or serve run (letters, digits, "
                            "'-', '_', '.'), e.g. from `readygate evidence list`");
  std::vector<std::pair<std::string, std::string>> links;
  if (!opts.config_path.empty()) {
    auto cfg = config::load_config_file(opts.config_path);
    if (!cfg)
      return fail(kExitUsage, opts.config_path + ": " + cfg.error().front());
    for (const auto& r : cfg->routes) {
      if (auto secret = config::resolve_credential(r.credential)) redactor.add_secret(*secret);
      for (const auto& d : r.docs)
        links.emplace_back("route " + r.name + " (accessed " + d.accessed + ")", d.url);
    }
  }
  const std::string shown = evidence::store_kind(opts.store) == evidence::StoreKind::kPostgres
                                ? evidence::mask_url_password(opts.store)
                                : opts.store;
  auto store = evidence::open_store(opts.store, evidence::OpenMode::kExisting);
  if (!store) return fail(kExitUsage, store.error());
  evidence::EvidenceFilter filter;
  filter.run_id = opts.run_id;
  auto records = (*store)->query(filter);
  if (!records) return fail(kExitUsage, records.error());
  auto rows = (*store)->review_steps(opts.run_id);
  if (!rows) return fail(kExitUsage, rows.error());
  if (records->empty() && rows->empty())
    return fail(kExitUsage, "no run '" + opts.run_id + "' in " + shown +
                                " (list runs with `readygate evidence list --store " + shown +
                                "`)");

  PacketInput in;
  in.run_id = opts.run_id;
  in.generated_at = opts.generated_at.empty()
                        ? format_rfc3339_ms(std::chrono::system_clock::now())
                        : opts.generated_at;
  in.records = std::move(*records);
  in.review = std::move(*rows);
  in.versions = opts.versions;
  for (auto& v : dependency_versions()) in.versions.push_back(std::move(v));
  in.platform = platform_facts();
  std::set<std::string> surfaces;
  for (const auto& l : in.records) {
    auto j = nlohmann::json::parse(l, nullptr, false);
    if (j.is_object()) surfaces.insert(j.value("upstream_surface", ""));
  }
  if (surfaces.count("chat_completions"))
    links.emplace_back("OpenAI API reference, Chat Completions (not fetched by this command)",
                       "https://platform.openai.com/docs/api-reference/chat");
  if (surfaces.count("responses"))
    links.emplace_back("OpenAI API reference, Responses (not fetched by this command)",
                       "https://platform.openai.com/docs/api-reference/responses");
  links.emplace_back("OpenAI error codes guide (not fetched by this command)",
                     "https://platform.openai.com/docs/guides/error-codes");
  in.doc_links = std::move(links);

  namespace fs = std::filesystem;
  const std::string name = "escalation-" + opts.run_id;
  const fs::path parent = opts.out_dir.empty() ? fs::path(".") : fs::path(opts.out_dir);
  const fs::path dir = parent / name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return fail(kExitWriteFailed, "cannot create " + dir.string() + ": " + ec.message());
  for (const auto& f : build_packet(in))
    if (!write_text(dir / f.name, redactor.clean(f.text)))
      return fail(kExitWriteFailed, "cannot write " + (dir / f.name).string());
  const fs::path archive = parent / (name + ".tar.gz");
  const fs::path partial = parent / (name + ".tar.gz.partial");
  if (auto why = run_tar(partial.string(), parent.string(), name); !why.empty()) {
    fs::remove(partial, ec);
    return fail(kExitWriteFailed, why + "; the packet directory " + dir.string() +
                                      " is complete, archive it by hand");
  }
  fs::rename(partial, archive, ec);
  if (ec) return fail(kExitWriteFailed, "cannot write " + archive.string() + ": " + ec.message());
  out << redactor.clean("readygate escalate: packet for run " + opts.run_id + " (" +
                        std::to_string(in.records.size()) + " record(s), " +
                        std::to_string(open_questions(in).size()) + " open question(s))\n" +
                        "  directory: " + dir.string() + "\n  archive:   " + archive.string() +
                        "\n");
  return kExitWritten;
}

}  // namespace readygate::review

// PostgresServerForTest: a throwaway PostgreSQL server for tests, started
// once per test process with initdb + pg_ctl in a private temp directory. It
// listens only on a Unix socket in that directory (no TCP port, so parallel
// test processes never collide), with fsync off. As root, the server runs as
// the `postgres` user (PostgreSQL refuses root). Stopped and deleted at exit.
// Test-only; not thread-safe.
#pragma once

#include <libpq-fe.h>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace readygate::evidence {

class PostgresServerForTest {
 public:
  // The process's server, started on first use; nullptr with `why` set when
  // this machine cannot run one (no initdb, or it failed).
  static PostgresServerForTest* instance(std::string& why) {
    static std::string failure;
    static std::unique_ptr<PostgresServerForTest> server = [] {
      auto s = std::unique_ptr<PostgresServerForTest>(new PostgresServerForTest());
      failure = s->start();
      return failure.empty() ? std::move(s) : nullptr;
    }();
    why = failure;
    return server.get();
  }

  ~PostgresServerForTest() {
    if (started_) run(bin_ + "pg_ctl -D " + dir_ + "/data -m immediate -w stop");
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A fresh, empty database; returns its URL.
  std::string create_database() {
    const std::string name = "t" + std::to_string(++databases_);
    PGconn* c = PQconnectdb(url("postgres").c_str());
    PQclear(PQexec(c, ("CREATE DATABASE " + name).c_str()));
    PQfinish(c);
    return url(name);
  }

  std::string url(const std::string& db) const {
    return "postgresql:///" + db + "?host=" + dir_ + "&port=5432&user=postgres";
  }

 private:
  PostgresServerForTest() = default;

  // Empty on success, else why not.
  std::string start() {
    bool found = false;
    for (const char* dir : {"", "/usr/lib/postgresql/16/bin/", "/usr/lib/postgresql/15/bin/"}) {
      if (std::system(("command -v " + std::string(dir) + "initdb >/dev/null 2>&1").c_str()) == 0) {
        bin_ = dir;
        found = true;
        break;
      }
    }
    if (!found) return "initdb not found";
    std::string tmpl = "/tmp/readygate_pg_XXXXXX";  // short: a socket path has a length limit
    if (::mkdtemp(tmpl.data()) == nullptr) return "mkdtemp failed";
    dir_ = tmpl;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("postgres");
      if (pw == nullptr) return "running as root and no postgres user to run the server";
      if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) return "chown failed";
      as_user_ = "runuser -u postgres -- ";
    }
    if (run(bin_ + "initdb -D " + dir_ + "/data -U postgres -A trust --no-sync -E UTF8 " +
            "--locale=C.UTF-8 --no-instructions") != 0)
      return "initdb failed";
    if (run(bin_ + "pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"-k " +
            dir_ + " -c listen_addresses= -c fsync=off -c full_page_writes=off -p 5432\" start") !=
        0)
      return "pg_ctl start failed (see " + dir_ + "/server.log)";
    started_ = true;
    return "";
  }

  int run(const std::string& command) const {
    return std::system((as_user_ + command + " >>" + dir_ + "/setup.log 2>&1").c_str());
  }

  std::string bin_;
  std::string dir_;
  std::string as_user_;
  bool started_ = false;
  int databases_ = 0;
};

}  // namespace readygate::evidence

// RedisServerForTest: a throwaway redis-server for tests, one per test
// process, listening only on a Unix socket in a private temp directory (no
// TCP port, so parallel test processes never collide), persistence off.
// Stopped and deleted at exit. Test-only; not thread-safe.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "fleet/redis_client.h"

namespace readygate::fleet {

class RedisServerForTest {
 public:
  // The process's server, started on first use; nullptr with `why` set when
  // this machine cannot run one (no redis-server, or it did not come up).
  static RedisServerForTest* instance(std::string& why) {
    static std::string failure;
    static std::unique_ptr<RedisServerForTest> server = [] {
      auto s = std::unique_ptr<RedisServerForTest>(new RedisServerForTest());
      failure = s->start();
      return failure.empty() ? std::move(s) : nullptr;
    }();
    why = failure;
    return server.get();
  }

  ~RedisServerForTest() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  RedisEndpoint endpoint() const { return RedisEndpoint{.socket = dir_ + "/redis.sock"}; }
  std::string url() const { return "unix://" + dir_ + "/redis.sock"; }

 private:
  RedisServerForTest() = default;

  std::string start() {
    if (std::system("command -v redis-server >/dev/null 2>&1") != 0)
      return "redis-server not found (scripts/setup.sh installs it for tests)";
    std::string tmpl = "/tmp/readygate_redis_XXXXXX";  // short: socket paths are limited
    if (::mkdtemp(tmpl.data()) == nullptr) return "mkdtemp failed";
    dir_ = tmpl;
    const std::string sock = dir_ + "/redis.sock";
    const std::string log = dir_ + "/redis.log";
    pid_ = ::fork();
    if (pid_ < 0) return "fork failed";
    if (pid_ == 0) {
      ::execlp("redis-server", "redis-server", "--port", "0", "--unixsocket", sock.c_str(),
               "--save", "", "--appendonly", "no", "--logfile", log.c_str(), "--dir",
               dir_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Wait for the socket to answer PING (bounded: 10 s).
    RedisClient probe(endpoint(), "", std::chrono::milliseconds(200));
    for (int i = 0; i < 200; ++i) {
      if (auto r = probe.command({"PING"}); r && r->str == "PONG") return "";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "redis-server did not answer on " + sock + " (see " + log + ")";
  }

  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace readygate::fleet

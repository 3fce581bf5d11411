#include "probe/command_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <thread>

extern char** environ;

namespace readygate::probe {
namespace {

using Steady = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(5);
constexpr auto kTermGrace = std::chrono::milliseconds(500);

std::vector<std::string> merged_env(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    const auto name = kv.substr(0, kv.find('='));
    bool replaced = false;
    for (const auto& [k, v] : extra) replaced = replaced || k == name;
    if (!replaced) out.emplace_back(kv);
  }
  for (const auto& [k, v] : extra) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

uint64_t file_size(const std::string& path) {
  struct stat st{};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// The command runs in its own process group, so a Ctrl-C or SIGTERM meant
// for the probe does not reach it. While it runs, these signals kill its
// group first and then end the probe as they would have.
std::atomic<pid_t> g_running_group{0};
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void kill_group_and_reraise(int sig) {
  const pid_t group = g_running_group.load();
  if (group > 0) ::kill(-group, SIGKILL);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Installs the handler for the command's lifetime where the disposition is
// the default one (a caller's own handler is left alone).
class ForwardSignals {
 public:
  explicit ForwardSignals(pid_t group) {
    g_running_group.store(group);
    for (size_t i = 0; i < std::size(kForwarded); ++i) {
      struct sigaction sa{};
      sa.sa_handler = kill_group_and_reraise;
      sigemptyset(&sa.sa_mask);
      struct sigaction old{};
      if (::sigaction(kForwarded[i], nullptr, &old) == 0 && old.sa_handler == SIG_DFL)
        installed_[i] = ::sigaction(kForwarded[i], &sa, nullptr) == 0;
    }
  }
  ~ForwardSignals() {
    for (size_t i = 0; i < std::size(kForwarded); ++i)
      if (installed_[i]) ::signal(kForwarded[i], SIG_DFL);
    g_running_group.store(0);
  }
  ForwardSignals(const ForwardSignals&) = delete;
  ForwardSignals& operator=(const ForwardSignals&) = delete;

 private:
  bool installed_[std::size(kForwarded)] = {};
};

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

// Waits for `pid` until `deadline`; true with `status` set when it ended.
bool wait_until(pid_t pid, Steady::time_point deadline, int& status) {
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // not our child any more: nothing to wait for
    if (Steady::now() >= deadline) return false;
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace

std::expected<CommandRun, std::string> run_command(const CommandSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) return std::unexpected("no command given");
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawnattr_init(&attr);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int out_flags = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
                                   spec.stdout_path.empty() ? "/dev/null" : spec.stdout_path.c_str(),
                                   out_flags, 0600);
  posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
                                   spec.stderr_path.empty() ? "/dev/null" : spec.stderr_path.c_str(),
                                   out_flags, 0600);
  // Its own process group (pgid = its pid), so one kill reaches everything it started;
  // default signal dispositions, whatever the probe's own are.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> args = spec.argv;
  std::vector<std::string> env = merged_env(spec.env);
  auto argv = c_array(args);
  auto envp = c_array(env);
  pid_t pid = 0;
  const auto t0 = Steady::now();
  const int rc = ::posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return std::unexpected("cannot run '" + spec.argv[0] + "': " + std::strerror(rc));

  CommandRun run;
  ForwardSignals forward(pid);
  int status = 0;
  const bool ended = wait_until(pid, t0 + std::chrono::milliseconds(spec.timeout_ms), status);
  if (!ended) {
    run.outcome.end = CommandOutcome::End::kKilledByProbe;
    run.outcome.elapsed_ms = ms_since(t0);
    ::kill(-pid, SIGTERM);
    if (!wait_until(pid, Steady::now() + kTermGrace, status)) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
  } else {
    run.outcome.elapsed_ms = ms_since(t0);
    if (WIFSIGNALED(status)) {
      run.outcome.end = CommandOutcome::End::kSignaled;
      run.outcome.signal = WTERMSIG(status);
    } else {
      run.outcome.end = CommandOutcome::End::kExited;
      run.outcome.exit_code = WEXITSTATUS(status);
    }
  }
  // Whatever the command left running in its group does not outlive its scenario.
  ::kill(-pid, SIGKILL);
  run.stdout_bytes = file_size(spec.stdout_path);
  run.stderr_bytes = file_size(spec.stderr_path);
  return run;
}

}  // namespace readygate::probe

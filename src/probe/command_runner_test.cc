// Runs real (tiny) processes: /bin/sh, sleep. Bounded by short timeouts.
#include "probe/command_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include "evidence/temp_dir_for_test.h"

namespace readygate::probe {
namespace {

using End = CommandOutcome::End;

CommandSpec sh(const std::string& script, int timeout_ms = 10'000) {
  CommandSpec s;
  s.argv = {"sh", "-c", script};
  s.timeout_ms = timeout_ms;
  return s;
}

TEST(CommandRunner, ReportsTheExitCode) {
  auto r = run_command(sh("exit 3"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->outcome.end, End::kExited);
  EXPECT_EQ(r->outcome.exit_code, 3);
}

TEST(CommandRunner, ReportsASignalTheCommandGotElsewhere) {
  auto r = run_command(sh("kill -9 $$"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->outcome.end, End::kSignaled);
  EXPECT_EQ(r->outcome.signal, 9);
}

TEST(CommandRunner, PassesTheExtraEnvironment) {
  auto spec = sh("test \"$PROBE_X\" = bar && test -n \"$PATH\"");
  spec.env = {{"PROBE_X", "bar"}};
  auto r = run_command(spec);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->outcome.exit_code, 0);
}

TEST(CommandRunner, KeepsOnlyTheSizesOfTheOutput) {
  evidence::TempDir dir;
  auto spec = sh("printf hello; printf 'abc' >&2");
  spec.stdout_path = dir.file("out");
  spec.stderr_path = dir.file("err");
  auto r = run_command(spec);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->stdout_bytes, 5u);
  EXPECT_EQ(r->stderr_bytes, 3u);
}

TEST(CommandRunner, KillsAHangingCommandAndEverythingItStartedAtTheBound) {
  evidence::TempDir dir;
  const std::string pid_file = dir.file("child.pid");
  auto r = run_command(sh("sleep 30 & echo $! > " + pid_file + "; wait", 300));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->outcome.end, End::kKilledByProbe);
  EXPECT_GE(r->outcome.elapsed_ms, 300);
  EXPECT_LT(r->outcome.elapsed_ms, 5000);
  pid_t child = 0;
  std::ifstream(pid_file) >> child;
  ASSERT_GT(child, 0);
  // The grandchild got SIGKILL with its group: gone, or a zombie waiting for init to reap it.
  auto dead = [child] {
    if (::kill(child, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string pid, comm, state;
    stat >> pid >> comm >> state;
    return state == "Z";
  };
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = dead();
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

TEST(CommandRunner, AMissingCommandIsAnErrorNamingIt) {
  CommandSpec spec;
  spec.argv = {"readygate-no-such-command-xyz", "--secret-arg"};
  auto r = run_command(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "cannot run 'readygate-no-such-command-xyz': No such file or directory");
}

}  // namespace
}  // namespace readygate::probe

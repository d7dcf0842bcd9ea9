// `gpt-sovits interactive` driven through a pseudo-terminal, as a person would type into it
// (readline is active on a tty): lines are spoken into numbered files when there is no audio
// device, and the :speed / :seed / :voice commands change the settings.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "support/golden.h"

namespace fs = std::filesystem;
using gsv::test::fixture;

namespace {

struct Pty {
  int fd = -1;
  pid_t pid = -1;
  std::string seen;

  // Reads until `needle` shows up after position `from`, or the timeout passes.
  bool wait_for(const std::string& needle, double seconds = 60) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (seen.find(needle) == std::string::npos) {
      const int ms = int(std::chrono::duration<double, std::milli>(end - std::chrono::steady_clock::now()).count());
      if (ms <= 0) return false;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, ms) <= 0) return false;
      char buf[4096];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) return seen.find(needle) != std::string::npos;
      seen.append(buf, size_t(n));
    }
    return true;
  }
  void type(const std::string& line) {
    std::string s = line + "\r";
    ASSERT_EQ(::write(fd, s.data(), s.size()), ssize_t(s.size()));
  }
};

int run_binary(const std::string& args) {
  std::string cmd = "'" + gsv::test::binary_path() + "' " + args + " >/dev/null 2>&1";
  return WEXITSTATUS(std::system(cmd.c_str()));
}

}  // namespace

TEST(Interactive, SpeaksTypedLinesThroughAPty) {
  const fs::path home = fs::temp_directory_path() / ("gsv_repl_" + std::to_string(::getpid()));
  const fs::path out = home / "out";
  fs::remove_all(home);
  fs::create_directories(out);
  ::setenv("GPT_SOVITS_HOME", home.c_str(), 1);
  const std::string models = fixture("e2e/models").string();
  ASSERT_EQ(run_binary("voice add alice --gpt '" + models + "/s1.ckpt' --sovits '" + models + "/s2.pth' --ref '" +
                       fixture("e2e/reference/ref.wav").string() + "' --ref-text '大家好，欢迎收听。' --ref-lang zh"),
            0);

  Pty t;
  t.pid = ::forkpty(&t.fd, nullptr, nullptr, nullptr);
  ASSERT_GE(t.pid, 0);
  if (t.pid == 0) {
    const std::string bin = gsv::test::binary_path();
    ::execl(bin.c_str(), bin.c_str(), "interactive", "--voice", "alice", "--models", models.c_str(), "--play", "never",
            "--output-dir", out.c_str(), "--top-k", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_TRUE(t.wait_for("alice> ")) << t.seen;
  t.type("今天天气很好。");
  ASSERT_TRUE(t.wait_for("001.wav")) << t.seen;
  t.type(":speed 1.25");
  ASSERT_TRUE(t.wait_for("speed = 1.25")) << t.seen;
  t.type(":seed 7");
  ASSERT_TRUE(t.wait_for("seed = 7")) << t.seen;
  t.type("Hello there, nice to meet you.");
  ASSERT_TRUE(t.wait_for("002.wav")) << t.seen;
  EXPECT_NE(t.seen.find("seed 7"), std::string::npos) << t.seen;
  t.type(":voice nobody");
  ASSERT_TRUE(t.wait_for("unknown voice")) << t.seen;  // an error, and the session goes on
  t.type(":quit");
  int status = 0;
  ::waitpid(t.pid, &status, 0);
  ::close(t.fd);
  std::cout << "  transcript:\n" << t.seen << "\n";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(fs::exists(out / "001.wav"));
  EXPECT_TRUE(fs::exists(out / "002.wav"));
  fs::remove_all(home);
}

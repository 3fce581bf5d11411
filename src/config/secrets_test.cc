#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/sha256.h"
#include "config/test_configs.h"

namespace readygate::config {
namespace {

using testing::config_with;
using testing::config_with_route;
using testing::errors_of;
using ::testing::HasSubstr;
using testing::joined;
using ::testing::Not;
using testing::ScopedEnv;

constexpr const char* kCanary = "sk-canary-123";

// A file in a fresh temporary directory, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rg-config-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    path_ = dir_ + "/secret";
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove_all(dir_); }
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, path_;
};

struct CanaryCase {
  const char* name;
  std::string yaml;
};

class CanaryInConfig : public ::testing::TestWithParam<CanaryCase> {};

TEST_P(CanaryInConfig, IsRejectedWithoutBeingEchoed) {
  const auto errors = errors_of(GetParam().yaml);
  ASSERT_FALSE(errors.empty()) << "the config loaded";
  for (const auto& e : errors) EXPECT_THAT(e, Not(HasSubstr(kCanary)));
}

const std::string kCanaryValue = std::string(kCanary);
const CanaryCase kCanaryCases[] = {
    {"AsARouteApiKey", config_with_route({{"api_key", kCanaryValue}})},
    {"AsAQuotedRouteApiKey", config_with_route({{"api_key", "'" + kCanaryValue + "'"}})},
    {"InsideTheCredential", config_with_route({{"credential", "{key: " + kCanaryValue + "}"}})},
    {"AsTheWholeCredential", config_with_route({{"credential", kCanaryValue}})},
    {"AsTheCredentialVariableName",
     config_with_route({{"credential", "{env: " + kCanaryValue + "}"}})},
    {"InAnAuthorizationHeader",
     config_with_route({{"headers", "{Authorization: 'Bearer " + kCanaryValue + "'}"}})},
    {"InAHeaderValueWithALineBreak",
     config_with_route({{"headers", "{X-Team: \"" + kCanaryValue + "\\r\\nx\"}"}})},
    {"InTheBaseUrlUserInfo",
     config_with_route({{"base_url", "https://u:" + kCanaryValue + "@api.example.com/v1"}})},
    {"InABaseUrlThatIsNotAUrl", config_with_route({{"base_url", kCanaryValue}})},
    {"AsAnInlineClientKey", config_with("client_keys: [{name: app, key: " + kCanaryValue + "}]\n")},
    {"AsAClientKeyHash", config_with("client_keys: [{name: app, sha256: " + kCanaryValue + "}]\n")},
    {"AsATopLevelApiKey", config_with("api_key: " + kCanaryValue + "\n")},
    {"AsAnUnknownKey", config_with_route({{kCanaryValue, "1"}})},
    {"AsANumberField", config_with_route({{"retry", "{max_attempts: " + kCanaryValue + "}"}})},
    {"AsADuration", config_with_route({{"timeouts", "{connect: " + kCanaryValue + "}"}})},
};

INSTANTIATE_TEST_SUITE_P(Secrets, CanaryInConfig, ::testing::ValuesIn(kCanaryCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ResolveCredential, ReadsAndTrimsAnEnvironmentVariable) {
  ScopedEnv env("RG_TEST_SECRET", "  sk-env-value\n");
  auto v = resolve_credential({Credential::Source::kEnv, "RG_TEST_SECRET"});
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(*v, "sk-env-value");
}

TEST(ResolveCredential, NamesTheUnsetVariable) {
  ScopedEnv env("RG_TEST_SECRET", nullptr);
  auto v = resolve_credential({Credential::Source::kEnv, "RG_TEST_SECRET"});
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error(), "environment variable RG_TEST_SECRET is not set");
}

TEST(ResolveCredential, RejectsAnEmptyVariable) {
  ScopedEnv env("RG_TEST_SECRET", "   ");
  auto v = resolve_credential({Credential::Source::kEnv, "RG_TEST_SECRET"});
  ASSERT_FALSE(v.has_value());
  EXPECT_THAT(v.error(), HasSubstr("RG_TEST_SECRET is empty"));
}

TEST(ResolveCredential, ReadsAndTrimsAFile) {
  TempFile f("sk-file-value\n");
  auto v = resolve_credential({Credential::Source::kFile, f.path()});
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(*v, "sk-file-value");
}

TEST(ResolveCredential, NamesTheMissingFile) {
  auto v = resolve_credential({Credential::Source::kFile, "/nonexistent/key"});
  ASSERT_FALSE(v.has_value());
  EXPECT_THAT(v.error(), HasSubstr("'/nonexistent/key'"));
}

TEST(ResolveCredential, RejectsAMultiLineFileWithoutShowingIt) {
  TempFile f(std::string(kCanary) + "\nsecond line\n");
  auto v = resolve_credential({Credential::Source::kFile, f.path()});
  ASSERT_FALSE(v.has_value());
  EXPECT_THAT(v.error(), HasSubstr("more than one line"));
  EXPECT_THAT(v.error(), Not(HasSubstr(kCanary)));
}

TEST(ResolveCredential, FailsForNone) { EXPECT_FALSE(resolve_credential({}).has_value()); }

TEST(ResolveCredential, RelativeFilesResolveAgainstTheConfigDirectory) {
  TempFile key("sk-file-value\n");
  const std::string config_path = key.dir() + "/readygate.yaml";
  std::ofstream(config_path) << config_with_route({{"credential", "{file: secret}"}});
  auto c = load_config_file(config_path);
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  EXPECT_EQ(c->routes[0].credential.ref, key.path());
  EXPECT_EQ(resolve_credential(c->routes[0].credential).value(), "sk-file-value");
}

class ClientKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    TempFile file("rg-file-key-abcdefghijklmnop\n");
    auto c =
        load_config_text(config_with("listen: 0.0.0.0:8080\n"
                                     "client_keys:\n"
                                     "  - {name: web, env: RG_TEST_CLIENT_KEY}\n"
                                     "  - {name: batch, sha256: " +
                                     sha256_hex("rg-batch-key-abcdefghijklmnop") +
                                     "}\n"
                                     "  - {name: cron, file: '" +
                                     file.path() + "'}\n"));
    ASSERT_TRUE(c.has_value()) << joined(c.error());
    config_ = *c;
  }
  ScopedEnv env_{"RG_TEST_CLIENT_KEY", "rg-web-key-abcdefghijklmnop"};
  Config config_;
};

TEST_F(ClientKeys, MatchReturnsTheKeyName) {
  EXPECT_EQ(match_client_key(config_, "rg-web-key-abcdefghijklmnop"), "web");
  EXPECT_EQ(match_client_key(config_, "rg-batch-key-abcdefghijklmnop"), "batch");
  EXPECT_EQ(match_client_key(config_, "rg-file-key-abcdefghijklmnop"), "cron");
}

TEST_F(ClientKeys, OtherKeysDoNotMatch) {
  for (const char* k : {"", "rg-web-key", "rg-web-key-abcdefghijklmnoq",
                        "rg-web-key-abcdefghijklmnop ", "RG-WEB-KEY-ABCDEFGHIJKLMNOP"})
    EXPECT_EQ(match_client_key(config_, k), std::nullopt) << k;
}

TEST_F(ClientKeys, AreStoredOnlyAsHashes) {
  EXPECT_EQ(config_.client_keys[0].sha256_hex, sha256_hex("rg-web-key-abcdefghijklmnop"));
  const std::string rendered = render_canonical(config_) + summarize(config_);
  for (const char* raw : {"rg-web-key", "rg-file-key", "rg-batch-key"})
    EXPECT_THAT(rendered, Not(HasSubstr(raw)));
}

TEST(ClientKeysOnLoopback, ShortKeysLoadWithAWarning) {
  ScopedEnv env("RG_TEST_CLIENT_KEY", "short");
  auto c = load_config_text(config_with("client_keys: [{name: app, env: RG_TEST_CLIENT_KEY}]\n"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  EXPECT_THAT(c->warnings, ::testing::Contains(HasSubstr("shorter than 16 characters")));
}

TEST(ClientKeysOnLoopback, TheSameKeyTwiceIsAnError) {
  ScopedEnv env("RG_TEST_CLIENT_KEY", "rg-web-key-abcdefghijklmnop");
  auto errors = errors_of(
      config_with("client_keys:\n  - {name: a, env: RG_TEST_CLIENT_KEY}\n  - {name: b, sha256: " +
                  sha256_hex("rg-web-key-abcdefghijklmnop") + "}\n"));
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr("client_keys[1]: same key as client_keys[0]")));
}

}  // namespace
}  // namespace readygate::config

#include "src/cli/flags.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace netstreams {
namespace {

using ::testing::HasSubstr;

struct Parsed {
  std::string topology;
  bool until_idle = false;
  std::vector<std::string> replays;
  bool help = false;
  absl::Status status;
  FlagSet flags;
};

void Parse(std::vector<std::string> args, Parsed* p) {
  p->flags.AddString("topology", &p->topology, "");
  p->flags.AddBool("until_idle", &p->until_idle, "");
  p->flags.AddRepeated("replay", &p->replays, "");
  std::vector<char*> argv = {const_cast<char*>("engine")};
  for (auto& a : args) argv.push_back(a.data());
  p->status =
      p->flags.Parse(static_cast<int>(argv.size()), argv.data(), &p->help);
}

TEST(FlagsTest, ValuesBoolsAndRepeats) {
  Parsed p;
  Parse({"--topology=t.yaml", "--until_idle", "--replay=a=x", "--replay=b=y"},
        &p);
  ASSERT_TRUE(p.status.ok()) << p.status;
  EXPECT_EQ(p.topology, "t.yaml");
  EXPECT_TRUE(p.until_idle);
  EXPECT_EQ(p.replays, (std::vector<std::string>{"a=x", "b=y"}));
  EXPECT_TRUE(p.flags.WasSet("until_idle"));
  EXPECT_FALSE(p.help);
}

TEST(FlagsTest, NegatedBool) {
  Parsed p;
  p.until_idle = true;
  Parse({"--nountil_idle"}, &p);
  ASSERT_TRUE(p.status.ok());
  EXPECT_FALSE(p.until_idle);
  Parsed q;
  Parse({"--until_idle=false"}, &q);
  EXPECT_FALSE(q.until_idle);
}

TEST(FlagsTest, Errors) {
  Parsed a;
  Parse({"--nope=1"}, &a);
  EXPECT_THAT(std::string(a.status.message()),
              HasSubstr("unknown flag --nope"));
  Parsed b;
  Parse({"stray"}, &b);
  EXPECT_THAT(std::string(b.status.message()),
              HasSubstr("unexpected argument"));
  Parsed c;
  Parse({"--topology"}, &c);
  EXPECT_THAT(std::string(c.status.message()), HasSubstr("needs a value"));
  Parsed d;
  Parse({"--until_idle=maybe"}, &d);
  EXPECT_FALSE(d.status.ok());
  Parsed e;
  Parse({"--topology=a", "--topology=b"}, &e);
  EXPECT_THAT(std::string(e.status.message()), HasSubstr("more than once"));
}

TEST(FlagsTest, Help) {
  Parsed p;
  Parse({"--help"}, &p);
  EXPECT_TRUE(p.help);
  EXPECT_THAT(p.flags.Usage("engine", "sum"),
              HasSubstr("--replay=... (repeatable)"));
}

}  // namespace
}  // namespace netstreams

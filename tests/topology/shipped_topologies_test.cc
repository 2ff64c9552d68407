// Every topology file we ship loads and passes every check (Envoy's
// example_configs_test): a broken example is a broken product.

#include <dirent.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

std::vector<std::string> TopologyFiles() {
  std::vector<std::string> files;
  DIR* dir = opendir("topology");
  if (dir == nullptr) return files;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (absl::EndsWith(name, ".yaml")) files.push_back("topology/" + name);
  }
  closedir(dir);
  return files;
}

TEST(ShippedTopologiesTest, EveryFileLoads) {
  std::vector<std::string> files = TopologyFiles();
  ASSERT_GE(files.size(), 2u) << "no topology files found in runfiles";
  for (const std::string& file : files) {
    auto loaded = LoadTopologyFile(file);
    EXPECT_TRUE(loaded.ok()) << file << ": " << loaded.status();
  }
}

TEST(ShippedTopologiesTest, DefaultTopologyShape) {
  auto loaded = LoadTopologyFile("topology/cgnat.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LoadedTopology& t = **loaded;
  EXPECT_NE(t.FindTopic("cgnat.syslog"), nullptr);
  EXPECT_EQ(t.FindTopic("cgnat.events")->type, "cgnat.v1.NatEvent");
  EXPECT_EQ(t.dead_letter_topic, "cgnat.deadletter");
}

}  // namespace
}  // namespace netstreams

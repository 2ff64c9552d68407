// //tools:dev_broker — librdkafka's mock cluster as its own process, for
// development and for integration tests that stop and restart the engine
// against the same broker.
//
//   bazel run //tools:dev_broker -- --topology=topology/cgnat.yaml
//
// Listens on a fixed loopback port (--port, default 9092; 0 picks a free
// one), creates the topology's topics, prints "bootstrap.servers=HOST:PORT"
// on stdout and runs until SIGINT or SIGTERM. Data is in memory only, and
// each partition keeps only about its newest 5 MB.

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/cli/flags.h"
#include "src/cli/paths.h"
#include "src/common/log.h"
#include "src/kafka/embedded_broker.h"
#include "src/kafka/tcp_forwarder.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

int Main(int argc, char** argv) {
  std::vector<std::string> topologies;
  std::vector<std::string> extra_topics;
  std::string port_text = "9092";
  std::string brokers_text = "1";
  FlagSet flags;
  flags.AddRepeated("topology", &topologies,
                    "create the topics of this topology file");
  flags.AddRepeated("topic", &extra_topics,
                    "NAME:PARTITIONS: create this topic too");
  flags.AddString("port", &port_text,
                  "loopback port clients bootstrap from (0: any free port)");
  flags.AddString("brokers", &brokers_text, "number of mock brokers");
  bool help = false;
  absl::Status parsed = flags.Parse(argc, argv, &help);
  if (help) {
    std::printf("%s", flags
                          .Usage("dev_broker",
                                 "Runs librdkafka's mock cluster as a "
                                 "development Kafka broker.")
                          .c_str());
    return 0;
  }
  int port = 0, brokers = 0;
  if (!parsed.ok() || !absl::SimpleAtoi(port_text, &port) || port < 0 ||
      port > 65535 || !absl::SimpleAtoi(brokers_text, &brokers) ||
      brokers < 1 || brokers > 9) {
    std::fprintf(stderr, "dev_broker: %s\n",
                 parsed.ok() ? "--port takes 0..65535, --brokers 1..9"
                             : std::string(parsed.message()).c_str());
    return 2;
  }

  struct Topic {
    std::string name;
    int partitions;
  };
  std::vector<Topic> topics;
  for (const std::string& path : topologies) {
    auto topology = LoadTopologyFile(UserPath(path));
    if (!topology.ok()) {
      std::fprintf(stderr, "dev_broker: %s",
                   std::string(topology.status().message()).c_str());
      return 2;
    }
    for (const auto& t : (*topology)->topics) {
      topics.push_back({t.name, t.partitions});
    }
  }
  for (const std::string& spec : extra_topics) {
    size_t colon = spec.rfind(':');
    int partitions = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(spec.substr(colon + 1), &partitions) ||
        partitions < 1) {
      std::fprintf(stderr, "dev_broker: --topic takes NAME:PARTITIONS\n");
      return 2;
    }
    topics.push_back({spec.substr(0, colon), partitions});
  }

  auto broker = EmbeddedBroker::Start(brokers);
  if (!broker.ok()) {
    LogError("cannot start the mock cluster")
        .With("error", broker.status().ToString());
    return 1;
  }
  for (const Topic& t : topics) {
    absl::Status s = (*broker)->CreateTopic(t.name, t.partitions);
    if (!s.ok() && !absl::IsAlreadyExists(s)) {
      LogError("cannot create topic").With("error", s.ToString());
      return 1;
    }
    LogInfo("topic created")
        .With("topic", t.name)
        .With("partitions", t.partitions);
  }
  // Bootstrap through the fixed port: the first mock broker.
  std::string first = (*broker)->bootstrap_servers();
  first = first.substr(0, first.find(','));
  size_t colon = first.rfind(':');
  int upstream_port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(first.substr(colon + 1), &upstream_port)) {
    LogError("unexpected mock bootstrap address").With("address", first);
    return 1;
  }
  auto forwarder =
      TcpForwarder::Start(port, first.substr(0, colon), upstream_port);
  if (!forwarder.ok()) {
    LogError("cannot listen").With("error", forwarder.status().ToString());
    return 1;
  }

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  std::printf("bootstrap.servers=127.0.0.1:%d\n", (*forwarder)->port());
  std::fflush(stdout);
  LogInfo("dev broker ready")
      .With("bootstrap", absl::StrCat("127.0.0.1:", (*forwarder)->port()))
      .With("mock_brokers", (*broker)->bootstrap_servers());
  while (!g_stop) usleep(100 * 1000);
  LogInfo("dev broker stopping");
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) { return netstreams::Main(argc, argv); }

// The topology test driver: real stages, tasks and RocksDB stores with no
// broker; deterministic routing through repartition topics, stream-time
// and wall-clock timers under the test's control, stores inspectable.

#include "src/testing/topology_test_driver.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_session.pb.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/pairing.pb.h"
#include "src/processor/stage_registry.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

constexpr char kPairing[] = R"(application_id: driver-test
topics:
  - {name: raw, partitions: 4, type: bytes}
  - {name: sessions, partitions: 2, type: cgnat.v1.NatSession}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: in, source: {topic: raw}}
  - {name: parse, inputs: [in], parse: {format: nfware}}
  - name: by_subscriber
    inputs: [parse]
    repartition: {key_by: [device, inside_ip]}
  - name: pairing
    inputs: [by_subscriber]
    session_pairing: {grace: 60s, max_lifetime: 1h}
  - {name: out, inputs: [pairing], sink: {topic: sessions, key: outside_ip}}
)";

std::string Line(char action, const char* time, int port) {
  return absl::StrFormat(
      "<134>1 %s cgn-1 vcgnat - - - %c VRF 0 6 INT 10.0.0.1:%d EXT "
      "100.64.0.1:%d DST 8.8.8.8:443 DIR OUT",
      time, action, port, port + 10000);
}

std::unique_ptr<LoadedTopology> Load(const char* yaml) {
  auto topology = LoadTopologyYaml(yaml, "driver.yaml");
  EXPECT_TRUE(topology.ok()) << topology.status();
  return topology.ok() ? std::move(*topology) : nullptr;
}

cgnat::v1::NatSession Decode(const TestRecord& r) {
  cgnat::v1::NatSession s;
  EXPECT_TRUE(s.ParseFromString(r.value));
  return s;
}

TEST(TopologyTestDriverTest, PairsAcrossPartitionsThroughTheRepartition) {
  auto topology = Load(kPairing);
  ASSERT_NE(topology, nullptr);
  TopologyTestDriver driver(*topology);
  // The delete first, on partition 3; its create later, on partition 1.
  ASSERT_TRUE(
      driver.PipeInput("raw", Line('D', "2026-11-20T10:00:30Z", 4000), 3).ok());
  EXPECT_TRUE(driver.ReadOutput("sessions").empty());
  ASSERT_TRUE(
      driver.PipeInput("raw", Line('A', "2026-11-20T10:00:00Z", 4000), 1).ok());
  std::vector<TestRecord> out = driver.ReadOutput("sessions");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key, "100.64.0.1");
  EXPECT_EQ(out[0].offset, 0);
  cgnat::v1::NatSession s = Decode(out[0]);
  EXPECT_EQ(s.status(), cgnat::v1::CLOSED);
  EXPECT_EQ(s.duration().seconds(), 30);
  EXPECT_EQ(s.create_record().partition(), 1);
  EXPECT_EQ(s.create_record().offset(), 0);
  EXPECT_EQ(s.delete_record().partition(), 3);
  auto counters = driver.stats().NamedTotals();
  EXPECT_EQ((counters[{"pairing", "held_delete"}]), 1u);
}

TEST(TopologyTestDriverTest, StoresCanBeInspectedAndTimersExpireMappings) {
  auto topology = Load(kPairing);
  ASSERT_NE(topology, nullptr);
  TopologyTestDriver driver(*topology);
  ASSERT_TRUE(
      driver.PipeInput("raw", Line('A', "2026-11-20T10:00:00Z", 4000), 0).ok());
  // The mapping is open in the pairing store of the task its subscriber
  // was repartitioned to.
  int open = 0;
  for (int32_t p = 0; p < 4; ++p) {
    KeyValueStore* store = driver.GetStore("pairing", p);
    if (store == nullptr) continue;
    for (auto it = store->Range("", ""); it->Valid(); it->Next()) ++open;
  }
  EXPECT_EQ(open, 1);
  // Stream time moves past max_lifetime (1h) with another subscriber's
  // event: the first mapping expires.
  ASSERT_TRUE(
      driver.PipeInput("raw", Line('A', "2026-11-20T11:30:00Z", 5000), 0).ok());
  std::vector<TestRecord> out = driver.ReadOutput("sessions");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Decode(out[0]).status(), cgnat::v1::EXPIRED);
  EXPECT_EQ(Decode(out[0]).inside_port(), 4000u);
}

TEST(TopologyTestDriverTest, StreamTimeCanBeAdvancedWithoutRecords) {
  auto topology = Load(kPairing);
  ASSERT_NE(topology, nullptr);
  TopologyTestDriver driver(*topology);
  // A delete whose create never comes: held for the grace (60s).
  ASSERT_TRUE(
      driver.PipeInput("raw", Line('D', "2026-11-20T10:00:00Z", 4000), 0).ok());
  absl::Time later;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, "2026-11-20T10:01:30Z",
                              &later, &error));
  ASSERT_TRUE(driver.AdvanceStreamTime(later).ok());
  std::vector<TestRecord> out = driver.ReadOutput("sessions");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Decode(out[0]).status(), cgnat::v1::UNMATCHED_DELETE);
}

TEST(TopologyTestDriverTest, DeadLettersCarryReasonAndSource) {
  auto topology = Load(kPairing);
  ASSERT_NE(topology, nullptr);
  TopologyTestDriver driver(*topology);
  ASSERT_TRUE(driver.PipeInput("raw", "not a NAT line", 2).ok());
  std::vector<std::string> lines = driver.ReadOutputJson("dlq");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"deadletter.reason_class\":\"unrecognized\""),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find("\"deadletter.partition\":\"2\""), std::string::npos);
  EXPECT_NE(lines[0].find("\"value\":\"not a NAT line\""), std::string::npos);
}

TEST(TopologyTestDriverTest, RejectsTopicsTheTopologyDoesNotRead) {
  auto topology = Load(kPairing);
  ASSERT_NE(topology, nullptr);
  TopologyTestDriver driver(*topology);
  EXPECT_EQ(driver.PipeInput("nope", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(driver.PipeInput("sessions", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(driver.PipeInput("raw", "x", 9).code(),
            absl::StatusCode::kInvalidArgument);
}

// A test-only kind: on every wall-clock tick (PairingConfig.grace is the
// interval) it forwards a bytes record naming the time.
class ClockProcessor : public Processor {
 public:
  explicit ClockProcessor(int64_t interval_ms) : interval_ms_(interval_ms) {}
  absl::Status Init(ProcessorContext& context) override {
    context.Schedule(interval_ms_, PunctuationType::kWallClock,
                     [&context, this](int64_t now) {
                       text_ = absl::StrCat("tick ", now);
                       Record r;
                       r.bytes = text_;
                       r.timestamp_ms = now;
                       context.Forward(r);
                     });
    return absl::OkStatus();
  }
  void Process(const Record& record) override {}

 private:
  int64_t interval_ms_;
  std::string text_;
};

class ClockStageFactory
    : public TypedStageFactory<netstreams::stages::v1::PairingConfig> {
 public:
  absl::string_view kind() const override { return "clock"; }
  Shape shape() const override { return Shape::kProcessor; }

 protected:
  std::optional<std::string> CheckTyped(
      const netstreams::stages::v1::PairingConfig&,
      StageCheckContext&) const override {
    return std::string("bytes");
  }
  std::unique_ptr<Processor> CreateTyped(
      const netstreams::stages::v1::PairingConfig& config,
      const StageCreateInfo&) const override {
    return std::make_unique<ClockProcessor>(config.grace().seconds() * 1000);
  }
};
NETSTREAMS_REGISTER_STAGE(ClockStageFactory);

TEST(TopologyTestDriverTest, WallClockTimersFireOnlyWhenTheClockIsAdvanced) {
  auto topology = Load(R"(application_id: clock-test
topics:
  - {name: raw, partitions: 1, type: bytes}
  - {name: ticks, partitions: 1, type: bytes}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: in, source: {topic: raw}}
  - {name: clock, inputs: [in], clock: {grace: 10s}}
  - {name: out, inputs: [clock], sink: {topic: ticks}}
)");
  ASSERT_NE(topology, nullptr);
  absl::Time start = absl::FromUnixSeconds(1795392000);
  TopologyTestDriver driver(*topology, start);
  ASSERT_TRUE(driver.PipeInput("raw", "wake up").ok());  // creates the task
  ASSERT_TRUE(driver.AdvanceWallClock(absl::Seconds(5)).ok());
  EXPECT_TRUE(driver.ReadOutput("ticks").empty());
  ASSERT_TRUE(driver.AdvanceWallClock(absl::Seconds(5)).ok());
  std::vector<TestRecord> out = driver.ReadOutput("ticks");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, absl::StrCat("tick ", 1795392010000));
  ASSERT_TRUE(driver.AdvanceWallClock(absl::Seconds(25)).ok());
  // Missed intervals are skipped, not fired one by one.
  EXPECT_EQ(driver.ReadOutput("ticks").size(), 1u);
  EXPECT_EQ(driver.wall_clock(), start + absl::Seconds(35));
}

}  // namespace
}  // namespace netstreams

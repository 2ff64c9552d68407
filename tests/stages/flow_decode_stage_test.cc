// The `flow_decode` stage through its factory with a recording context
// and its in-memory store: events and their evidence, templates kept in
// the store across a restart, counters, dead letters.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cgnat/v1/nat_event.pb.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/flow_decode.pb.h"
#include "src/processor/stage_registry.h"
#include "src/testing/recording_context.h"
#include "src/topology/topology_loader.h"
#include "tests/parsers/flow_packet_builder.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using flow_testing::AddNat44;
using flow_testing::F;
using flow_testing::Ip;
using flow_testing::kExport;
using flow_testing::kExportMs;
using flow_testing::Nat44;
using flow_testing::Nat44Fields;
using flow_testing::Packet;
using netstreams::stages::v1::FlowDecodeConfig;

constexpr char kExporter[] = "192.0.2.254";

const StageFactory& Factory() {
  const StageFactory* factory = StageRegistry::Global().Find("flow_decode");
  EXPECT_NE(factory, nullptr);
  return *factory;
}

std::unique_ptr<Processor> Create(RecordingContext* context,
                                  const FlowDecodeConfig& config = {}) {
  StageCreateInfo info;
  info.stage_name = "flows";
  info.input_types = {"bytes"};
  info.output_type = "cgnat.v1.NatEvent";
  auto processor = Factory().Create(config, info);
  EXPECT_TRUE(processor->Init(*context).ok());
  return processor;
}

// One packet from `key` at `offset` of topic "in".
void Send(Processor& p, RecordingContext& context, const std::string& packet,
          int64_t offset = 0, absl::string_view key = kExporter) {
  Record r = context.Input(packet, /*timestamp_ms=*/kExportMs + 5000, offset);
  r.key = key;
  p.Process(r);
}

const NatEvent& Event(const RecordingContext& context, size_t i) {
  return static_cast<const NatEvent&>(*context.forwarded.at(i).message);
}

std::string TemplatePacket(uint32_t sequence = 0) {
  return Packet::Ipfix(sequence)
      .Set(2)
      .Template(256, Nat44Fields())
      .End()
      .Build();
}

std::string DataPacket(uint32_t sequence, const std::vector<Nat44>& records) {
  Packet p = Packet::Ipfix(sequence);
  p.Set(256);
  for (const Nat44& r : records) AddNat44(p, r);
  return p.End().Build();
}

size_t StoreEntries(RecordingContext& context, const std::string& name) {
  size_t n = 0;
  for (auto it = context.store(name)->Range("", ""); it->Valid(); it->Next()) {
    ++n;
  }
  return n;
}

TEST(FlowDecodeStageTest, IpfixPacketBecomesEventsWithEvidence) {
  RecordingContext context;
  auto stage = Create(&context);
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, Nat44Fields()).End().Set(256);
  Nat44 second;
  second.inside = "10.0.0.2";
  second.ms = kExportMs + 900;
  AddNat44(p, Nat44());
  AddNat44(p, second).End();
  Send(*stage, context, p.Build(), /*offset=*/42);

  ASSERT_TRUE(context.dead_letters.empty());
  ASSERT_EQ(context.forwarded.size(), 2u);
  const NatEvent& e = Event(context, 0);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.device(), kExporter);
  EXPECT_EQ(e.vendor(), "ipfix");
  EXPECT_EQ(e.source().topic(), "in");
  EXPECT_EQ(e.source().partition(), 0);
  EXPECT_EQ(e.source().offset(), 42);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.0.1"));
  EXPECT_EQ(e.outside_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.vrf(), "7");
  EXPECT_EQ(e.event_time().seconds(), kExport);
  EXPECT_EQ(e.event_time().nanos(), 250000000);
  EXPECT_EQ(context.forwarded[0].timestamp_ms, kExportMs + 250);
  EXPECT_EQ(context.forwarded[0].key, kExporter);
  EXPECT_EQ(Event(context, 1).inside_ip(), Ip("10.0.0.2"));
  EXPECT_EQ(context.forwarded[1].timestamp_ms, kExportMs + 900);
  EXPECT_EQ(context.count("events"), 2u);
  EXPECT_EQ(context.count("templates_added"), 1u);
  EXPECT_EQ(context.gauge("templates"), 1);
}

TEST(FlowDecodeStageTest, V9TemplateThenDataInLaterPackets) {
  RecordingContext context;
  auto stage = Create(&context);
  const std::vector<F> fields = {{8, 4},  {7, 2},  {225, 4}, {227, 2},
                                 {12, 4}, {11, 2}, {4, 1},   {230, 1}};
  Send(*stage, context,
       Packet::V9(1).Set(0).Template(300, fields).End().Build());
  EXPECT_TRUE(context.forwarded.empty());
  EXPECT_TRUE(context.dead_letters.empty());
  // Template and sequence state are in the store.
  EXPECT_EQ(StoreEntries(context, "flows"), 2u);

  Packet data = Packet::V9(2, 0, kExport + 10);
  data.Set(300)
      .Addr("10.1.0.5")
      .U16(51000)
      .Addr("198.51.100.20")
      .U16(3000)
      .Addr("192.0.2.1")
      .U16(22)
      .U8(6)
      .U8(5)  // NAT44 session delete
      .End();
  Send(*stage, context, data.Build(), 1);
  ASSERT_EQ(context.forwarded.size(), 1u);
  const NatEvent& e = Event(context, 0);
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.vendor(), "netflow_v9");
  EXPECT_EQ(e.device(), kExporter);
  EXPECT_EQ(e.inside_ip(), Ip("10.1.0.5"));
  EXPECT_EQ(e.outside_port(), 3000u);
  EXPECT_EQ(e.source().offset(), 1);
  // No time field: the packet's export time.
  EXPECT_EQ(context.forwarded[0].timestamp_ms, int64_t{kExport + 10} * 1000);
  EXPECT_EQ(context.count("sequence_gaps"), 0u);
}

TEST(FlowDecodeStageTest, TemplatesSurviveARestart) {
  RecordingContext before;
  {
    auto stage = Create(&before);
    Send(*stage, before, TemplatePacket(0));
    Send(*stage, before, DataPacket(0, {Nat44()}), 1);
    ASSERT_EQ(before.forwarded.size(), 1u);
  }
  // A new task: a new processor and context, the store restored from the
  // changelog (here: copied entry by entry).
  RecordingContext after;
  for (auto it = before.store("flows")->Range("", ""); it->Valid();
       it->Next()) {
    ASSERT_TRUE(after.store("flows")->Put(it->key(), it->value()).ok());
  }
  auto stage = Create(&after);
  Nat44 r;
  r.event = 5;
  Send(*stage, after, DataPacket(1, {r}), 2);
  ASSERT_TRUE(after.dead_letters.empty());
  ASSERT_EQ(after.forwarded.size(), 1u);
  EXPECT_EQ(Event(after, 0).action(), cgnat::v1::DELETE);
  EXPECT_EQ(after.count("sets_without_template"), 0u);
  EXPECT_EQ(after.count("templates_restored"), 1u);
  EXPECT_EQ(after.gauge("templates"), 1);
  // The sequence state came back too: 1 follows 0 (one record) exactly.
  EXPECT_EQ(after.count("sequence_gaps"), 0u);
  Send(*stage, after, DataPacket(5, {r}), 3);
  EXPECT_EQ(after.count("sequence_gaps"), 3u);  // records 2, 3, 4
}

TEST(FlowDecodeStageTest, MalformedStoreEntriesAreSkipped) {
  RecordingContext before;
  {
    auto stage = Create(&before);
    Send(*stage, before, TemplatePacket(0));
  }
  RecordingContext after;
  for (auto it = before.store("flows")->Range("", ""); it->Valid();
       it->Next()) {
    ASSERT_TRUE(after.store("flows")->Put(it->key(), it->value()).ok());
  }
  ASSERT_TRUE(after.store("flows")->Put("garbage", "\x01\x02").ok());
  ASSERT_TRUE(after.store("flows")->Put(std::string("\x07T", 2), "").ok());
  auto stage = Create(&after);
  Send(*stage, after, DataPacket(0, {Nat44()}));
  EXPECT_TRUE(after.fatal.empty());
  EXPECT_EQ(after.count("restore_skipped"), 2u);
  EXPECT_EQ(after.forwarded.size(), 1u);
}

TEST(FlowDecodeStageTest, SequenceGapsAreCountedPerExporter) {
  RecordingContext context;
  auto stage = Create(&context);
  // IPFIX counts records: 0 (+1 record) -> 1 expected.
  Send(*stage, context, TemplatePacket(0));
  Send(*stage, context, DataPacket(0, {Nat44()}));
  Send(*stage, context, DataPacket(1, {Nat44(), Nat44()}));
  EXPECT_EQ(context.count("sequence_gaps"), 0u);
  Send(*stage, context, DataPacket(10, {Nat44()}));  // 3 expected
  EXPECT_EQ(context.count("sequence_gaps"), 7u);
  // Another exporter has its own numbering (and templates).
  Send(*stage, context, TemplatePacket(100), 0, "192.0.2.1");
  Send(*stage, context, DataPacket(100, {Nat44()}), 0, "192.0.2.1");
  EXPECT_EQ(context.count("sequence_gaps"), 7u);
  // NetFlow v9 counts packets: 1, then 4 lost 2 and 3.
  const std::vector<F> fields = {{8, 4}, {225, 4}, {230, 1}};
  Send(*stage, context,
       Packet::V9(1).Set(0).Template(300, fields).End().Build());
  Send(*stage, context,
       Packet::V9(4).Set(0).Template(300, fields).End().Build());
  EXPECT_EQ(context.count("sequence_gaps"), 9u);
  EXPECT_TRUE(context.dead_letters.empty());
}

TEST(FlowDecodeStageTest, MalformedPacketIsDeadLetteredWithItsReason) {
  RecordingContext context;
  auto stage = Create(&context);
  // A set that claims more bytes than the packet has.
  std::string packet = TemplatePacket(0);
  packet[19] = static_cast<char>(packet[19] + 8);
  Send(*stage, context, packet, 7);
  ASSERT_EQ(context.dead_letters.size(), 1u);
  EXPECT_EQ(context.dead_letters[0].reason_class, "invalid_value");
  EXPECT_EQ(context.dead_letters[0].detail,
            "flow: set runs past the packet (at byte 18)");
  EXPECT_EQ(context.dead_letters[0].offset, 7);
  EXPECT_EQ(context.dead_letters[0].value, packet);

  // Not a flow packet at all.
  Send(*stage, context, "<134>1 2026-11-20T10:00:01Z host app - - - text", 8);
  ASSERT_EQ(context.dead_letters.size(), 2u);
  EXPECT_EQ(context.dead_letters[1].reason_class, "unrecognized");
  EXPECT_EQ(context.dead_letters[1].detail,
            "flow: not NetFlow v9 or IPFIX (at byte 0)");
  // Truncated header.
  Send(*stage, context, std::string("\x00\x0a\x00", 3), 9);
  ASSERT_EQ(context.dead_letters.size(), 3u);
  EXPECT_EQ(context.dead_letters[2].reason_class, "invalid_value");
  EXPECT_TRUE(context.forwarded.empty());
  EXPECT_TRUE(context.fatal.empty());
}

TEST(FlowDecodeStageTest, EventsOfARejectedPacketAreNotForwarded) {
  RecordingContext context;
  auto stage = Create(&context);
  // A good data set, then a data record running past its set.
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, Nat44Fields()).End().Set(256);
  AddNat44(p, Nat44()).End();
  p.Set(2).U16(257).U16(2).U16(8).U16(4).End();  // one field short
  Send(*stage, context, p.Build());
  ASSERT_EQ(context.dead_letters.size(), 1u);
  EXPECT_TRUE(context.forwarded.empty());
  EXPECT_EQ(context.count("events"), 0u);
  // The template before the broken set was valid and is kept.
  Send(*stage, context, DataPacket(1, {Nat44()}), 1);
  EXPECT_EQ(context.forwarded.size(), 1u);
}

TEST(FlowDecodeStageTest, UnknownTemplateIsCountedNotDeadLettered) {
  RecordingContext context;
  auto stage = Create(&context);
  Send(*stage, context, DataPacket(0, {Nat44()}));
  EXPECT_TRUE(context.dead_letters.empty());
  EXPECT_TRUE(context.forwarded.empty());
  EXPECT_EQ(context.count("sets_without_template"), 1u);
  EXPECT_EQ(context.count("events"), 0u);
}

TEST(FlowDecodeStageTest, RecordsThatAreNotMappingsAreCounted) {
  RecordingContext context;
  auto stage = Create(&context);
  Nat44 exhausted;
  exhausted.event = 3;  // addresses exhausted: not a mapping change
  Send(*stage, context, TemplatePacket(0));
  Send(*stage, context, DataPacket(0, {exhausted, Nat44()}));
  const std::vector<F> no_nat_event = {{8, 4}, {225, 4}};
  Send(*stage, context,
       Packet::Ipfix(2)
           .Set(2)
           .Template(300, no_nat_event)
           .End()
           .Set(300)
           .Addr("10.0.0.1")
           .Addr("198.51.100.1")
           .End()
           .Build());
  EXPECT_TRUE(context.dead_letters.empty());
  EXPECT_EQ(context.forwarded.size(), 1u);
  EXPECT_EQ(context.count("records_not_mapping"), 1u);
  EXPECT_EQ(context.count("records_not_nat"), 1u);
}

TEST(FlowDecodeStageTest, WithdrawnTemplatesLeaveTheStore) {
  RecordingContext context;
  auto stage = Create(&context);
  Send(*stage, context, TemplatePacket(0));
  EXPECT_EQ(StoreEntries(context, "flows"), 2u);  // template + sequence
  Send(*stage, context, Packet::Ipfix(0).Set(2).U16(256).U16(0).End().Build());
  EXPECT_EQ(context.count("templates_withdrawn"), 1u);
  EXPECT_EQ(StoreEntries(context, "flows"), 1u);
  EXPECT_EQ(context.gauge("templates"), 0);
}

TEST(FlowDecodeStageTest, KeylessPacketsUseTheConfiguredDevice) {
  RecordingContext context;
  FlowDecodeConfig config;
  config.set_device("cgn-flow-1");
  config.set_store("flow-templates");
  auto stage = Create(&context, config);
  Send(*stage, context, TemplatePacket(0), 0, "");
  Send(*stage, context, DataPacket(0, {Nat44()}), 1, "");
  ASSERT_EQ(context.forwarded.size(), 1u);
  EXPECT_EQ(Event(context, 0).device(), "cgn-flow-1");
  EXPECT_EQ(context.forwarded[0].key, "");
  EXPECT_EQ(StoreEntries(context, "flow-templates"), 2u);
  // The packets of a keyed exporter do not see these templates.
  Send(*stage, context, DataPacket(0, {Nat44()}), 2, "192.0.2.9");
  EXPECT_EQ(context.count("sets_without_template"), 1u);
}

TEST(FlowDecodeStageTest, CiscoNselNumbering) {
  RecordingContext context;
  FlowDecodeConfig config;
  config.set_numbering(FlowDecodeConfig::CISCO_NSEL);
  auto stage = Create(&context, config);
  Nat44 created;
  created.event = 1;  // NSEL flow created
  Nat44 updated;
  updated.event = 5;  // NSEL update (an RFC 8158 delete)
  Send(*stage, context, TemplatePacket(0));
  Send(*stage, context, DataPacket(0, {created, updated}));
  ASSERT_EQ(context.forwarded.size(), 2u);
  EXPECT_EQ(Event(context, 0).action(), cgnat::v1::CREATE);
  EXPECT_EQ(Event(context, 1).action(), cgnat::v1::UPDATE);
}

// Check() against its input types and configuration.
class FakeCheckContext : public StageCheckContext {
 public:
  explicit FakeCheckContext(std::vector<std::string> inputs)
      : inputs_(std::move(inputs)) {}
  const TopicInfo* FindTopic(absl::string_view) const override {
    return nullptr;
  }
  const std::vector<std::string>& input_types() const override {
    return inputs_;
  }
  void Error(absl::string_view path, absl::string_view message) override {
    errors.push_back(absl::StrCat(path, ": ", message));
  }
  std::vector<std::string> errors;

 private:
  std::vector<std::string> inputs_;
};

TEST(FlowDecodeStageTest, CheckAndStores) {
  FlowDecodeConfig config;
  FakeCheckContext bytes({"bytes"});
  EXPECT_EQ(Factory().Check(config, bytes),
            std::optional<std::string>("cgnat.v1.NatEvent"));
  EXPECT_TRUE(bytes.errors.empty());

  FakeCheckContext typed({"cgnat.v1.NatEvent"});
  EXPECT_EQ(Factory().Check(config, typed), std::nullopt);
  ASSERT_EQ(typed.errors.size(), 1u);
  EXPECT_NE(typed.errors[0].find("bytes"), std::string::npos);

  config.set_device(std::string(2000, 'x'));
  FakeCheckContext long_device({"bytes"});
  EXPECT_EQ(Factory().Check(config, long_device), std::nullopt);
  ASSERT_EQ(long_device.errors.size(), 1u);
  EXPECT_EQ(long_device.errors[0].substr(0, 7), "device:");

  std::vector<StoreSpec> stores = Factory().Stores(FlowDecodeConfig(), "flows");
  ASSERT_EQ(stores.size(), 1u);
  EXPECT_EQ(stores[0].name, "flows");
  EXPECT_TRUE(stores[0].logged);
  config.set_store("flow-templates");
  EXPECT_EQ(Factory().Stores(config, "flows")[0].name, "flow-templates");
}

constexpr char kTopology[] = R"(application_id: flows
kafka:
  bootstrap.servers: localhost:9092
topics:
  - name: ipfix
    partitions: 4
    type: bytes
  - name: events
    partitions: 4
    type: cgnat.v1.NatEvent
  - name: dlq
    partitions: 1
    type: bytes
dead_letter_topic: dlq
stages:
  - name: in
    source:
      topic: ipfix
  - name: decode
    inputs: [in]
    flow_decode:
      numbering: NUMBERING
      device: cgn-flow-1
  - name: out
    inputs: [decode]
    sink:
      topic: events
)";

std::string Topology(const std::string& numbering) {
  std::string yaml = kTopology;
  yaml.replace(yaml.find("NUMBERING"), 9, numbering);
  return yaml;
}

TEST(FlowDecodeStageTest, TopologyFileSpelling) {
  auto loaded = LoadTopologyYaml(Topology("cisco_nsel"), "t.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const StageNode* decode = (*loaded)->FindStage("decode");
  ASSERT_NE(decode, nullptr);
  EXPECT_EQ(decode->output_type, "cgnat.v1.NatEvent");
  const auto& config = static_cast<const FlowDecodeConfig&>(*decode->config);
  EXPECT_EQ(config.numbering(), FlowDecodeConfig::CISCO_NSEL);
  EXPECT_EQ(config.device(), "cgn-flow-1");
  ASSERT_EQ((*loaded)->stores.size(), 1u);
  EXPECT_EQ((*loaded)->stores[0].name, "decode");
  EXPECT_EQ((*loaded)->stores[0].changelog_topic, "flows-decode-changelog");

  auto wrong = LoadTopologyYaml(Topology("nsel"), "t.yaml");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("flow_decode.numbering"),
            std::string::npos)
      << wrong.status();
}

}  // namespace
}  // namespace netstreams

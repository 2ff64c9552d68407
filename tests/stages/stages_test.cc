// The built-in stage kinds, run in process through their factories with a
// recording context: the same code the engine runs, without a broker.

#include <memory>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "netstreams/stages/v1/sink.pb.h"
#include "netstreams/stages/v1/source.pb.h"
#include "src/common/ip_address.h"
#include "src/processor/stage_registry.h"
#include "src/testing/recording_context.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using netstreams::stages::v1::ParseConfig;
using netstreams::stages::v1::SinkConfig;
using netstreams::stages::v1::SourceConfig;

StageCreateInfo Info(std::string name, std::vector<std::string> inputs,
                     std::string output) {
  StageCreateInfo info;
  info.stage_name = std::move(name);
  info.input_types = std::move(inputs);
  info.output_type = std::move(output);
  return info;
}

std::unique_ptr<Processor> Create(const char* kind,
                                  const google::protobuf::Message& config,
                                  StageCreateInfo info,
                                  RecordingContext* context) {
  const StageFactory* factory = StageRegistry::Global().Find(kind);
  EXPECT_NE(factory, nullptr);
  auto processor = factory->Create(config, info);
  EXPECT_TRUE(processor->Init(*context).ok());
  return processor;
}

std::unique_ptr<Processor> Parser(RecordingContext* context,
                                  const char* timezone = "") {
  ParseConfig config;
  config.set_format(ParseConfig::NFWARE);
  config.set_timezone(timezone);
  config.set_device("fallback-device");
  return Create("parse", config, Info("parse", {"bytes"}, "cgnat.v1.NatEvent"),
                context);
}

int64_t Ms(int y, int mo, int d, int h, int mi, int s) {
  return absl::ToUnixMillis(absl::FromCivil(
      absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()));
}

TEST(ParseStageTest, Rfc5424LineBecomesNatEvent) {
  RecordingContext context;
  auto parse = Parser(&context);
  parse->Process(context.Input(
      "<134>1 2026-11-20T10:00:01.500Z cgn-7 vcgnat - - - A VRF 0 6 INT "
      "10.0.0.1:57938 EXT 100.64.0.1:28475 DST 185.165.123.206:443 DIR OUT\n",
      /*timestamp_ms=*/Ms(2026, 11, 20, 10, 0, 3)));
  ASSERT_EQ(context.forwarded.size(), 1u);
  ASSERT_TRUE(context.dead_letters.empty());
  const auto& event =
      static_cast<const NatEvent&>(*context.forwarded[0].message);
  EXPECT_EQ(event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(event.device(), "cgn-7");
  EXPECT_EQ(event.vendor(), "nfware");
  EXPECT_EQ(event.event_time().seconds(), Ms(2026, 11, 20, 10, 0, 1) / 1000);
  EXPECT_EQ(event.event_time().nanos(), 500000000);
  EXPECT_EQ(IpToString(event.inside_ip()), "10.0.0.1");
  // The record's time becomes the event time, not the arrival time.
  EXPECT_EQ(context.forwarded[0].timestamp_ms,
            Ms(2026, 11, 20, 10, 0, 1) + 500);
}

TEST(ParseStageTest, BareMessageUsesKafkaTimeAndConfiguredDevice) {
  RecordingContext context;
  auto parse = Parser(&context);
  int64_t arrival = Ms(2026, 1, 2, 3, 4, 5);
  parse->Process(
      context.Input("D VRF 0 INT 10.0.0.1 EXT 100.64.0.1:1024-1535", arrival));
  ASSERT_EQ(context.forwarded.size(), 1u);
  const auto& event =
      static_cast<const NatEvent&>(*context.forwarded[0].message);
  EXPECT_EQ(event.device(), "fallback-device");
  EXPECT_EQ(event.event_time().seconds(), arrival / 1000);
  EXPECT_EQ(event.mapping(), cgnat::v1::PORT_BLOCK);
}

TEST(ParseStageTest, Rfc3164TimeUsesZoneAndKafkaYear) {
  RecordingContext context;
  auto parse = Parser(&context, "America/New_York");
  parse->Process(context.Input(
      "<134>Jan  2 03:04:05 cgn-ny vcgnat: A VRF 0 INT 10.0.0.1 EXT "
      "100.64.0.1",
      Ms(2026, 1, 2, 8, 5, 0)));
  ASSERT_EQ(context.forwarded.size(), 1u);
  const auto& event =
      static_cast<const NatEvent&>(*context.forwarded[0].message);
  EXPECT_EQ(event.event_time().seconds(), Ms(2026, 1, 2, 8, 4, 5) / 1000);
  EXPECT_EQ(event.device(), "cgn-ny");
}

TEST(ParseStageTest, BadLinesAreDeadLetteredWithReasonAndNotForwarded) {
  RecordingContext context;
  auto parse = Parser(&context);
  parse->Process(context.Input("garbage", 0, /*offset=*/41));
  parse->Process(context.Input(
      "<134>1 2026-13-20T10:00:01Z h a - - - A VRF 0 INT 1.1.1.1 EXT 2.2.2.2",
      0, 42));
  parse->Process(context.Input(
      "<134>1 - h a - - - A VRF 0 6 INT 10.0.0.1:70000 EXT 100.64.0.1:1", 0,
      43));
  EXPECT_TRUE(context.forwarded.empty());
  ASSERT_EQ(context.dead_letters.size(), 3u);
  EXPECT_EQ(context.dead_letters[0].reason_class, "unrecognized");
  EXPECT_EQ(context.dead_letters[0].value, "garbage");
  EXPECT_EQ(context.dead_letters[0].offset, 41);
  // With AUTO framing a broken header is no header: the body then fails.
  EXPECT_EQ(context.dead_letters[1].reason_class, "framing");
  EXPECT_EQ(context.dead_letters[2].reason_class, "invalid_value");
  EXPECT_EQ(context.dead_letters[2].detail,
            "nfware: invalid inside port (at byte 33)");
}

TEST(SourceStageTest, DecodesTypedTopicsAndDeadLettersUndecodable) {
  RecordingContext context;
  SourceConfig config;
  config.set_topic("in");
  auto source =
      Create("source", config, Info("in", {}, "cgnat.v1.NatEvent"), &context);
  NatEvent event;
  event.set_action(cgnat::v1::DELETE);
  std::string wire = event.SerializeAsString();
  source->Process(context.Input(wire));
  source->Process(context.Input("\xff\xff\xff not protobuf"));
  ASSERT_EQ(context.forwarded.size(), 1u);
  EXPECT_EQ(
      static_cast<const NatEvent&>(*context.forwarded[0].message).action(),
      cgnat::v1::DELETE);
  ASSERT_EQ(context.dead_letters.size(), 1u);
  EXPECT_EQ(context.dead_letters[0].reason_class, "decode_error");
}

TEST(SinkStageTest, KeysByTheConfiguredFieldAsText) {
  RecordingContext context;
  SinkConfig config;
  config.set_topic("events");
  config.set_key("outside_ip");
  auto sink =
      Create("sink", config, Info("out", {"cgnat.v1.NatEvent"}, ""), &context);
  NatEvent event;
  IpBytes ip;
  ASSERT_TRUE(ParseIp("100.64.0.9", &ip));
  event.set_outside_ip(std::string(ip.view()));
  Record record = context.Input("raw", 77);
  record.message = &event;
  sink->Process(record);
  ASSERT_EQ(context.sent.size(), 1u);
  EXPECT_EQ(context.sent[0].topic, "events");
  EXPECT_EQ(context.sent[0].key, "100.64.0.9");
  EXPECT_EQ(context.sent[0].timestamp_ms, 77);
}

}  // namespace
}  // namespace netstreams

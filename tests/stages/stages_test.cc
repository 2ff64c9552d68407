// The built-in stage kinds, run in process through their factories with a
// recording context: the same code the engine runs, without a broker.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/radius_accounting.pb.h"
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

std::unique_ptr<Processor> ParserWith(RecordingContext* context,
                                      const ParseConfig& config) {
  const StageFactory* factory = StageRegistry::Global().Find("parse");
  EXPECT_NE(factory, nullptr);
  return Create(
      "parse", config,
      Info("parse", {"bytes"},
           config.format() == ParseConfig::RADIUS ? "cgnat.v1.RadiusAccounting"
                                                  : "cgnat.v1.NatEvent"),
      context);
}

std::vector<std::string> FixtureLines(const std::string& name) {
  std::vector<std::string> lines;
  std::ifstream in("tests/parsers/testdata/" + name + ".log");
  EXPECT_TRUE(in) << name;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// format: auto_detect over every vendor's fixture, interleaved as one
// collector topic would carry them: every line parses, by its own vendor,
// and each vendor's counter counts its lines.
TEST(ParseStageTest, AutoDetectParsesAMixOfEveryVendor) {
  const char* kVendors[] = {"a10",     "juniper",  "cisco_asa", "f5",
                            "sixwind", "mikrotik", "nfacctd",   "nfware"};
  RecordingContext context;
  ParseConfig config;
  config.set_format(ParseConfig::AUTO_DETECT);
  auto parse = ParserWith(&context, config);
  std::vector<std::pair<std::string, std::string>> mix;  // vendor, line
  std::vector<std::vector<std::string>> all;
  for (const char* v : kVendors) all.push_back(FixtureLines(v));
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (size_t v = 0; v < all.size(); ++v) {
      if (i < all[v].size()) {
        mix.emplace_back(kVendors[v], all[v][i]);
        any = true;
      }
    }
    if (!any) break;
  }
  ASSERT_GT(mix.size(), 300u);
  for (size_t i = 0; i < mix.size(); ++i) {
    parse->Process(context.Input(mix[i].second, Ms(2026, 11, 20, 12, 0, 0),
                                 static_cast<int64_t>(i)));
  }
  for (const auto& d : context.dead_letters) {
    ADD_FAILURE() << "dead letter at " << d.offset << ": " << d.detail << "\n"
                  << d.value;
  }
  ASSERT_EQ(context.forwarded.size(), mix.size());
  for (size_t i = 0; i < mix.size(); ++i) {
    const auto& event =
        static_cast<const NatEvent&>(*context.forwarded[i].message);
    EXPECT_EQ(event.vendor(), mix[i].first) << mix[i].second;
    EXPECT_EQ(event.source().offset(), static_cast<int64_t>(i));
  }
  for (size_t v = 0; v < all.size(); ++v) {
    EXPECT_EQ(context.count(kVendors[v]), all[v].size()) << kVendors[v];
  }
  // A line no vendor claims is dead-lettered as unrecognized.
  parse->Process(context.Input("hello world", 0, 9999));
  ASSERT_EQ(context.dead_letters.size(), 1u);
  EXPECT_EQ(context.dead_letters[0].reason_class, "unrecognized");
  EXPECT_EQ(context.dead_letters[0].detail,
            "no built-in format recognizes the message (at byte 0)");
}

// The time in the message body (Juniper's epoch-time-64) is when the
// mapping changed; the header's is when the line was written.
TEST(ParseStageTest, BodyTimeWinsOverHeaderTime) {
  RecordingContext context;
  ParseConfig config;
  config.set_format(ParseConfig::JUNIPER);
  auto parse = ParserWith(&context, config);
  parse->Process(context.Input(
      "<14>1 2026-11-20T12:00:00Z srx RT_NAT - RT_SRC_NAT_PBA_ALLOC "
      "[junos@2636.1.1.1.2.129 internal-ip=\"10.0.10.10\" block-used=\"1\" "
      "block-max-per-host=\"4\" block-port-low=\"48640\" "
      "block-port-high=\"48895\" reflexive-ip=\"1.2.84.172\" "
      "nat-pool-name=\"guest\" logical-system-id=\"0\" "
      "epoch-time-64=\"624b0492\"]",
      Ms(2026, 11, 20, 12, 0, 1)));
  ASSERT_EQ(context.forwarded.size(), 1u) << context.dead_letters.size();
  const auto& event =
      static_cast<const NatEvent&>(*context.forwarded[0].message);
  EXPECT_EQ(event.event_time().seconds(), 0x624b0492);
  EXPECT_EQ(event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(event.device(), "srx");
  EXPECT_EQ(event.vendor(), "juniper");
  EXPECT_EQ(context.forwarded[0].timestamp_ms, int64_t{0x624b0492} * 1000);
}

// RFC 3164 times carry no zone: per-device zones override the stage's.
TEST(ParseStageTest, DeviceTimezonesOverrideTheStageZone) {
  RecordingContext context;
  ParseConfig config;
  config.set_format(ParseConfig::NFWARE);
  config.set_timezone("Europe/Berlin");
  (*config.mutable_device_timezones())["cgn-ny"] = "America/New_York";
  auto parse = ParserWith(&context, config);
  const int64_t kafka = Ms(2026, 1, 2, 12, 0, 0);
  parse->Process(context.Input(
      "<134>Jan  2 03:04:05 cgn-ny vcgnat: A VRF 0 INT 10.0.0.1 EXT 100.64.0.1",
      kafka));
  parse->Process(context.Input(
      "<134>Jan  2 03:04:05 cgn-fra vcgnat: A VRF 0 INT 10.0.0.1 EXT "
      "100.64.0.1",
      kafka));
  ASSERT_EQ(context.forwarded.size(), 2u);
  auto seconds = [&](int i) {
    return static_cast<const NatEvent&>(*context.forwarded[i].message)
        .event_time()
        .seconds();
  };
  EXPECT_EQ(seconds(0), Ms(2026, 1, 2, 8, 4, 5) / 1000);  // UTC-5
  EXPECT_EQ(seconds(1), Ms(2026, 1, 2, 2, 4, 5) / 1000);  // UTC+1
}

TEST(ParseStageTest, RadiusAccountingAndRadiusNat) {
  RecordingContext context;
  ParseConfig config;
  config.set_format(ParseConfig::RADIUS);
  auto parse = ParserWith(&context, config);
  std::vector<std::string> lines = FixtureLines("radius");
  ASSERT_FALSE(lines.empty());
  parse->Process(context.Input(lines[0], 0, 7));
  ASSERT_EQ(context.forwarded.size(), 1u);
  const auto& acct = static_cast<const cgnat::v1::RadiusAccounting&>(
      *context.forwarded[0].message);
  EXPECT_EQ(acct.acct_session_id(), "dae445508201e2bd");
  EXPECT_EQ(IpToString(acct.framed_ip()), "100.64.59.117");
  EXPECT_EQ(acct.source().offset(), 7);
  EXPECT_EQ(acct.event_time().seconds(), Ms(2024, 11, 20, 12, 0, 0) / 1000);
  EXPECT_EQ(context.count("radius"), 1u);

  RecordingContext nat_context;
  config.set_format(ParseConfig::RADIUS_NAT);
  auto nat = ParserWith(&nat_context, config);
  nat->Process(nat_context.Input(
      R"({"Acct-Status-Type": 1, "Acct-Session-Id": "abcdef1234567890",
          "NAS-Identifier": "vCGNAT", "Event-Timestamp": 1680103200,
          "NFWare-vCGNAT-Protocol": 6, "NFWare-vCGNAT-Action": 3,
          "NFWare-vCGNAT-Inside-Addr": "192.168.1.30",
          "NFWare-vCGNAT-Nat-Addr": "10.10.10.30",
          "NFWare-vCGNAT-NAT-Port-Start": 10000,
          "NFWare-vCGNAT-NAT-Port-End": 10099, "NFWare-vCGNAT-VRF": 1003,
          "NFWare-vCGNAT-Direction": 1})"));
  ASSERT_EQ(nat_context.forwarded.size(), 1u)
      << nat_context.dead_letters[0].detail;
  const auto& event =
      static_cast<const NatEvent&>(*nat_context.forwarded[0].message);
  EXPECT_EQ(event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(event.port_block_start(), 10000u);
  EXPECT_EQ(event.port_block_end(), 10099u);
  EXPECT_EQ(event.vendor(), "nfware");
  EXPECT_EQ(event.event_time().seconds(), 1680103200);
  EXPECT_EQ(nat_context.count("radius_nat"), 1u);
}

TEST(ParseStageTest, PatternFormatNamesItsVendor) {
  RecordingContext context;
  ParseConfig config;
  config.set_format(ParseConfig::PATTERN);
  config.set_vendor("acme");
  auto* p = config.add_patterns();
  p->set_regex(R"(MAP (?P<inside_ip>\S+) (?P<outside_ip>\S+))");
  p->set_action(cgnat::v1::CREATE);
  p->set_mapping(cgnat::v1::ADDRESS);
  auto parse = ParserWith(&context, config);
  parse->Process(context.Input(
      "<134>1 2026-11-20T10:00:00Z nat-9 acme - - - MAP 10.0.0.1 100.64.0.1"));
  parse->Process(context.Input("MAP 10.0.0.1"));
  ASSERT_EQ(context.forwarded.size(), 1u);
  const auto& event =
      static_cast<const NatEvent&>(*context.forwarded[0].message);
  EXPECT_EQ(event.vendor(), "acme");
  EXPECT_EQ(event.device(), "nat-9");
  EXPECT_EQ(context.count("acme"), 1u);
  ASSERT_EQ(context.dead_letters.size(), 1u);
  EXPECT_EQ(context.dead_letters[0].detail,
            "pattern: no pattern matches the line (at byte 0)");
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

#include "src/parsers/flow_decoder.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
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

class VectorSink : public NatEventSink {
 public:
  NatEvent* Next() override {
    EXPECT_FALSE(open_) << "Next() twice without Commit()";
    open_ = true;
    events.emplace_back();
    if (!preset_device.empty()) events.back().set_device(preset_device);
    return &events.back();
  }
  void Commit(int64_t event_time_ms) override {
    EXPECT_TRUE(open_) << "Commit() without Next()";
    open_ = false;
    times.push_back(event_time_ms);
  }

  std::deque<NatEvent> events;
  std::vector<int64_t> times;
  std::string preset_device;

 private:
  bool open_ = false;
};

class FlowDecoderTest : public ::testing::Test {
 protected:
  bool Decode(const std::string& packet,
              const std::string& exporter = "192.0.2.254") {
    error_ = ParseError();
    return decoder_.Decode(packet, exporter, &cache_, sink_, &stats_, &error_);
  }
  void MustDecode(const std::string& packet,
                  const std::string& exporter = "192.0.2.254") {
    EXPECT_TRUE(Decode(packet, exporter))
        << error_.reason_class << ": " << error_.detail << " at "
        << error_.offset;
  }
  void MustReject(const std::string& packet, const char* detail,
                  const char* cls = "invalid_value") {
    EXPECT_FALSE(Decode(packet));
    EXPECT_STREQ(error_.reason_class, cls);
    EXPECT_STREQ(error_.detail, detail);
  }
  // A packet with the NAT44 template and one record.
  std::string Nat44Packet(const Nat44& r, uint32_t sequence = 0) {
    Packet p = Packet::Ipfix(sequence);
    p.Set(2).Template(256, Nat44Fields()).End().Set(256);
    AddNat44(p, r).End();
    return p.Build();
  }

  FlowDecoder decoder_;
  TemplateCache cache_;
  VectorSink sink_;
  DecodeStats stats_;
  ParseError error_;
};

// ---------------------------------------------------------------------------
// Event kinds

TEST_F(FlowDecoderTest, IpfixNat44SessionCreate) {
  MustDecode(Nat44Packet(Nat44()));
  ASSERT_EQ(sink_.events.size(), 1u);
  const NatEvent& e = sink_.events[0];
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "7");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.0.1"));
  EXPECT_EQ(e.inside_port(), 40000u);
  EXPECT_EQ(e.outside_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.outside_port(), 1024u);
  EXPECT_EQ(e.destination_ip(), Ip("203.0.113.9"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_EQ(e.port_block_start(), 0u);
  EXPECT_EQ(e.event_time().seconds(), kExport);
  EXPECT_EQ(e.event_time().nanos(), 250000000);
  EXPECT_EQ(sink_.times[0], kExportMs + 250);
  EXPECT_TRUE(e.device().empty());
  EXPECT_TRUE(e.vendor().empty());
  EXPECT_EQ(stats_.templates_added, 1u);
  EXPECT_EQ(stats_.data_records, 1u);
  EXPECT_EQ(stats_.events, 1u);
}

TEST_F(FlowDecoderTest, TemplateFromAnEarlierPacket) {
  MustDecode(
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build());
  EXPECT_TRUE(sink_.events.empty());
  Nat44 r;
  r.event = 5;
  r.realm = 2;
  Packet p = Packet::Ipfix(0);
  p.Set(256);
  AddNat44(p, r);
  r.inside = "10.0.0.2";
  AddNat44(p, r).End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[0].mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(sink_.events[0].direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(sink_.events[1].inside_ip(), Ip("10.0.0.2"));
}

TEST_F(FlowDecoderTest, TemplatesAreScopedByExporterAndDomain) {
  MustDecode(
      Packet::Ipfix(0, 1).Set(2).Template(256, Nat44Fields()).End().Build(),
      "a");
  Packet p = Packet::Ipfix(0, 1);
  p.Set(256);
  AddNat44(p, Nat44()).End();
  MustDecode(p.Build(), "b");  // another exporter
  Packet q = Packet::Ipfix(0, 2);
  q.Set(256);
  AddNat44(q, Nat44()).End();
  MustDecode(q.Build(), "a");  // another domain
  EXPECT_EQ(stats_.sets_without_template, 2u);
  MustDecode(p.Build(), "a");
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(FlowDecoderTest, V9SessionTakesExportTimeWithoutTimeField) {
  const std::vector<F> fields = {{8, 4},  {7, 2},  {225, 4}, {227, 2},
                                 {12, 4}, {11, 2}, {4, 1},   {230, 1}};
  Packet p = Packet::V9(1, 0, kExport + 10);
  p.Set(0).Template(300, fields).End();
  p.Set(300)
      .Addr("10.1.0.5")
      .U16(51000)
      .Addr("198.51.100.20")
      .U16(3000)
      .Addr("192.0.2.1")
      .U16(22)
      .U8(6)
      .U8(4)
      .End(1);  // less than a record: padding
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 1u);
  const NatEvent& e = sink_.events[0];
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("10.1.0.5"));
  EXPECT_EQ(e.outside_port(), 3000u);
  EXPECT_EQ(e.destination_ip(), Ip("192.0.2.1"));
  EXPECT_EQ(e.destination_port(), 22u);
  EXPECT_TRUE(e.vrf().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(sink_.times[0], int64_t{kExport + 10} * 1000);
}

TEST_F(FlowDecoderTest, Nat64SessionUsesThePostNatDestination) {
  const std::vector<F> fields = {{230, 1}, {4, 1},   {27, 16}, {7, 2},
                                 {225, 4}, {227, 2}, {28, 16}, {11, 2},
                                 {226, 4}, {228, 2}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, fields).End();
  p.Set(256)
      .U8(6)
      .U8(17)
      .Addr("2001:db8::10")
      .U16(5353)
      .Addr("198.51.100.8")
      .U16(2000)
      .Addr("64:ff9b::cb00:7109")
      .U16(53)
      .Addr("203.0.113.9")
      .U16(5300)
      .End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 1u);
  const NatEvent& e = sink_.events[0];
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8::10"));
  EXPECT_EQ(e.outside_ip(), Ip("198.51.100.8"));
  EXPECT_EQ(e.destination_ip(), Ip("203.0.113.9"));
  EXPECT_EQ(e.destination_port(), 5300u);
  EXPECT_EQ(e.protocol(), 17u);
}

TEST_F(FlowDecoderTest, PreNatDestinationWhenNoPostNatOne) {
  const std::vector<F> fields = {
      {230, 1}, {27, 16}, {225, 4}, {28, 16}, {11, 2}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, fields).End();
  p.Set(256)
      .U8(7)
      .Addr("2001:db8::10")
      .Addr("198.51.100.8")
      .Addr("64:ff9b::cb00:7109")
      .U16(443)
      .End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[0].destination_ip(), Ip("64:ff9b::cb00:7109"));
  EXPECT_EQ(sink_.events[0].destination_port(), 443u);
}

TEST_F(FlowDecoderTest, BibEventsArePortMappings) {
  const std::vector<F> v4 = {{230, 1}, {8, 4},   {7, 2},
                             {225, 4}, {227, 2}, {4, 1}};
  const std::vector<F> v6 = {{230, 1}, {27, 16}, {7, 2},
                             {225, 4}, {227, 2}, {4, 1}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, v4).Template(257, v6).End();
  p.Set(256);
  for (uint8_t event : {8, 9}) {
    p.U8(event)
        .Addr("10.2.0.1")
        .U16(6000)
        .Addr("198.51.100.30")
        .U16(7000)
        .U8(17);
  }
  p.End();
  p.Set(257);
  for (uint8_t event : {10, 11}) {
    p.U8(event)
        .Addr("2001:db8::1")
        .U16(6001)
        .Addr("198.51.100.30")
        .U16(7001)
        .U8(6);
  }
  p.End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 4u);
  const cgnat::v1::Action actions[] = {cgnat::v1::CREATE, cgnat::v1::DELETE,
                                       cgnat::v1::CREATE, cgnat::v1::DELETE};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sink_.events[i].action(), actions[i]) << i;
    EXPECT_EQ(sink_.events[i].mapping(), cgnat::v1::PORT) << i;
    EXPECT_TRUE(sink_.events[i].destination_ip().empty());
  }
  EXPECT_EQ(sink_.events[0].inside_port(), 6000u);
  EXPECT_EQ(sink_.events[0].outside_port(), 7000u);
  EXPECT_EQ(sink_.events[2].inside_ip(), Ip("2001:db8::1"));
  EXPECT_EQ(sink_.events[3].protocol(), 6u);
}

TEST_F(FlowDecoderTest, AddressBindingEvents) {
  Packet p = Packet::V9(0);
  p.Set(0).Template(256, {{230, 1}, {8, 4}, {225, 4}, {234, 4}}).End();
  p.Set(256)
      .U8(14)
      .Addr("10.2.0.2")
      .Addr("198.51.100.31")
      .U32(12)
      .U8(15)
      .Addr("10.2.0.2")
      .Addr("198.51.100.31")
      .U32(4294967295u)
      .End(2);
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::CREATE);
  EXPECT_EQ(sink_.events[0].mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(sink_.events[0].vrf(), "12");
  EXPECT_EQ(sink_.events[1].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[1].mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(sink_.events[1].vrf(), "4294967295");
}

TEST_F(FlowDecoderTest, PortBlockWithStartAndEnd) {
  const std::vector<F> fields = {{322, 4}, {230, 1}, {8, 4},
                                 {225, 4}, {361, 2}, {362, 2}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, fields).End();
  p.Set(256);
  for (uint8_t event : {16, 17}) {
    p.U32(kExport - 1)
        .U8(event)
        .Addr("100.64.1.5")
        .Addr("198.51.100.9")
        .U16(4096)
        .U16(4351);
  }
  p.End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const NatEvent& e = sink_.events[i];
    EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
    EXPECT_EQ(e.port_block_start(), 4096u);
    EXPECT_EQ(e.port_block_end(), 4351u);
    EXPECT_EQ(e.inside_ip(), Ip("100.64.1.5"));
    EXPECT_EQ(e.outside_ip(), Ip("198.51.100.9"));
    EXPECT_EQ(sink_.times[i], kExportMs - 1000);
  }
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::CREATE);
  EXPECT_EQ(sink_.events[1].action(), cgnat::v1::DELETE);
}

TEST_F(FlowDecoderTest, PortBlockEndFromCountAndStep) {
  const std::vector<F> fields = {{230, 1}, {8, 4},   {225, 4},
                                 {361, 2}, {363, 2}, {364, 2}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, fields).End();
  p.Set(256)
      .U8(16)
      .Addr("100.64.2.1")
      .Addr("198.51.100.40")
      .U16(1024)
      .U16(2)
      .U16(256)
      .End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].port_block_start(), 1024u);
  EXPECT_EQ(sink_.events[0].port_block_end(), 1024u + 255 * 2);
}

TEST_F(FlowDecoderTest, HistoricEventsInferTheMapping) {
  Packet p = Packet::Ipfix(0);
  p.Set(2)
      .Template(256, {{230, 1}, {8, 4}, {225, 4}, {12, 4}})
      .Template(257, {{230, 1}, {8, 4}, {7, 2}, {225, 4}, {227, 2}})
      .Template(258, {{230, 1}, {8, 4}, {225, 4}})
      .Template(259, {{230, 1}, {8, 4}, {225, 4}, {361, 2}, {362, 2}})
      .End();
  p.Set(256)
      .U8(1)
      .Addr("10.0.0.1")
      .Addr("198.51.100.1")
      .Addr("192.0.2.1")
      .End();
  p.Set(257).U8(2).Addr("10.0.0.1").U16(1).Addr("198.51.100.1").U16(2).End();
  p.Set(258).U8(1).Addr("10.0.0.1").Addr("198.51.100.1").End();
  p.Set(259).U8(2).Addr("10.0.0.1").Addr("198.51.100.1").U16(10).U16(19).End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 4u);
  EXPECT_EQ(sink_.events[0].mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::CREATE);
  EXPECT_EQ(sink_.events[1].mapping(), cgnat::v1::PORT);
  EXPECT_EQ(sink_.events[1].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[2].mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(sink_.events[3].mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(sink_.events[3].port_block_end(), 19u);
}

TEST_F(FlowDecoderTest, NonMappingEventsAndNonNatRecordsAreCounted) {
  Packet p = Packet::Ipfix(0);
  p.Set(2)
      .Template(256, {{230, 1}, {8, 4}, {225, 4}})
      .Template(257, {{8, 4}, {12, 4}, {1, 8}})  // a plain flow record
      .End();
  p.Set(256);
  for (uint8_t event : {0, 3, 12, 13, 18, 19, 255}) {
    p.U8(event).Addr("10.0.0.1").Addr("198.51.100.1");
  }
  p.End();
  p.Set(257).Addr("10.0.0.1").Addr("192.0.2.1").U64(1500).End();
  MustDecode(p.Build());
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_EQ(stats_.records_not_mapping, 7u);
  EXPECT_EQ(stats_.records_not_nat, 1u);
  EXPECT_EQ(stats_.data_records, 8u);
}

TEST_F(FlowDecoderTest, InvalidRecordsAreCountedAndSkipped) {
  Packet p = Packet::Ipfix(0);
  p.Set(2)
      .Template(256, {{230, 1}, {8, 4}})  // no outside address
      .Template(257, {{230, 1}, {8, 4}, {225, 4}, {361, 2}, {362, 2}})
      .Template(258, {{230, 1}, {8, 4}, {7, 4}, {225, 4}})    // 4-byte port
      .Template(259, {{230, 1}, {8, 4}, {225, 4}, {4, 2}})    // 2-byte proto
      .Template(260, {{230, 1}, {8, 4}, {225, 4}, {361, 2}})  // no end
      .End();
  p.Set(256).U8(4).Addr("10.0.0.1").End();
  p.Set(257).U8(16).Addr("10.0.0.1").Addr("198.51.100.1").U16(20).U16(10).End();
  p.Set(258).U8(8).Addr("10.0.0.1").U32(70000).Addr("198.51.100.1").End();
  p.Set(259).U8(4).Addr("10.0.0.1").Addr("198.51.100.1").U16(300).End();
  p.Set(260).U8(16).Addr("10.0.0.1").Addr("198.51.100.1").U16(20).End();
  // Reduced-size values in range are fine.
  p.Set(258).U8(8).Addr("10.0.0.1").U32(65535).Addr("198.51.100.1").End();
  MustDecode(p.Build());
  EXPECT_EQ(stats_.records_invalid, 5u);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].inside_port(), 65535u);
}

TEST_F(FlowDecoderTest, ZeroAddressYieldsToTheOtherFamily) {
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, {{230, 1}, {8, 4}, {27, 16}, {225, 4}}).End();
  p.Set(256)
      .U8(4)
      .Addr("0.0.0.0")
      .Addr("2001:db8::5")
      .Addr("198.51.100.1")
      .End();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].inside_ip(), Ip("2001:db8::5"));
}

TEST_F(FlowDecoderTest, CiscoNselNumbering) {
  FlowDecoderOptions options;
  options.numbering = FlowNatEventNumbering::kCiscoNsel;
  FlowDecoder nsel(options);
  Packet p = Packet::V9(0);
  p.Set(0)
      .Template(256, {{323, 8},
                      {230, 1},
                      {8, 4},
                      {7, 2},
                      {225, 4},
                      {227, 2},
                      {12, 4},
                      {11, 2},
                      {4, 1}})
      .Template(257, {{233, 1}, {8, 4}, {7, 2}, {225, 4}, {227, 2}})
      .End();
  p.Set(256);
  for (uint8_t event : {1, 2, 3, 4, 5}) {
    p.U64(kExportMs)
        .U8(event)
        .Addr("10.0.0.1")
        .U16(1000)
        .Addr("198.51.100.1")
        .U16(2000)
        .Addr("192.0.2.1")
        .U16(80)
        .U8(6);
  }
  p.End(3);
  p.Set(257).U8(1).Addr("10.0.0.2").U16(1).Addr("198.51.100.1").U16(2).End(3);
  const std::string packet = p.Build();
  ASSERT_TRUE(nsel.Decode(packet, "asa", &cache_, sink_, &stats_, &error_))
      << error_.detail;
  ASSERT_EQ(sink_.events.size(), 4u);
  EXPECT_EQ(sink_.events[0].action(), cgnat::v1::CREATE);
  EXPECT_EQ(sink_.events[0].mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(sink_.events[1].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[2].action(), cgnat::v1::UPDATE);
  EXPECT_EQ(sink_.events[3].action(), cgnat::v1::CREATE);  // firewallEvent
  EXPECT_EQ(sink_.events[3].mapping(), cgnat::v1::PORT);
  EXPECT_EQ(stats_.records_not_mapping, 2u);  // denied, alert

  // The same packet read with RFC 8158 numbering: 4 and 5 are NAT44
  // session create/delete, 1 and 2 historic, 3 is not a mapping, and
  // firewallEvent alone is not a NAT event.
  VectorSink rfc_sink;
  DecodeStats rfc_stats;
  TemplateCache rfc_cache;
  ASSERT_TRUE(decoder_.Decode(packet, "asa", &rfc_cache, rfc_sink, &rfc_stats,
                              &error_));
  ASSERT_EQ(rfc_sink.events.size(), 4u);
  EXPECT_EQ(rfc_sink.events[2].action(), cgnat::v1::CREATE);
  EXPECT_EQ(rfc_sink.events[3].action(), cgnat::v1::DELETE);
  EXPECT_EQ(rfc_stats.records_not_mapping, 1u);
  EXPECT_EQ(rfc_stats.records_not_nat, 1u);
}

TEST_F(FlowDecoderTest, EventTimeSources) {
  // NTP 2023-11-14T22:13:20.5Z: seconds since 1900, then a half.
  const uint64_t ntp = (uint64_t{kExport} + 2208988800u) << 32 | 0x80000000u;
  struct Case {
    uint16_t ie;
    uint16_t length;
    uint64_t value;
    int64_t want_ms;
  } cases[] = {
      {323, 8, uint64_t(kExportMs) + 7, kExportMs + 7},
      {324, 8, ntp, kExportMs + 500},
      {325, 8, ntp, kExportMs + 500},
      {322, 4, kExport + 3, kExportMs + 3000},
      {152, 8, uint64_t(kExportMs) + 9, kExportMs + 9},
      {150, 4, kExport - 5, kExportMs - 5000},
      {323, 8, 0, kExportMs},             // zero: the packet's export time
      {323, 8, ~uint64_t{0}, kExportMs},  // beyond year 9999: likewise
  };
  uint16_t id = 256;
  for (const Case& c : cases) {
    Packet p = Packet::Ipfix(0);
    p.Set(2).Template(id, {{c.ie, c.length}, {230, 1}, {8, 4}, {225, 4}}).End();
    p.Set(id).N(c.value, c.length).U8(4).Addr("10.0.0.1").Addr("198.51.100.1");
    p.End();
    ++id;
    sink_.times.clear();
    MustDecode(p.Build());
    ASSERT_EQ(sink_.times.size(), 1u) << c.ie;
    EXPECT_EQ(sink_.times[0], c.want_ms) << c.ie;
  }
  // Milliseconds win over seconds whatever the field order.
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(400, {{322, 4}, {323, 8}, {230, 1}, {8, 4}, {225, 4}});
  p.End();
  p.Set(400).U32(kExport).U64(kExportMs + 42).U8(4).Addr("10.0.0.1");
  p.Addr("198.51.100.1").End();
  sink_.times.clear();
  MustDecode(p.Build());
  ASSERT_EQ(sink_.times.size(), 1u);
  EXPECT_EQ(sink_.times[0], kExportMs + 42);
}

TEST_F(FlowDecoderTest, SinkKeepsWhatTheCallerPreset) {
  sink_.preset_device = "cgn-7";
  MustDecode(Nat44Packet(Nat44()));
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].device(), "cgn-7");
  EXPECT_EQ(sink_.events[0].outside_port(), 1024u);
}

// ---------------------------------------------------------------------------
// Templates

TEST_F(FlowDecoderTest, UnknownTemplateThenTemplateArrives) {
  Packet data = Packet::Ipfix(0);
  data.Set(256);
  AddNat44(data, Nat44());
  AddNat44(data, Nat44()).End();
  MustDecode(data.Build());
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_EQ(stats_.sets_without_template, 1u);
  EXPECT_EQ(stats_.data_records, 0u);

  MustDecode(
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build());
  MustDecode(data.Build());
  EXPECT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(stats_.sets_without_template, 1u);
}

TEST_F(FlowDecoderTest, TemplateWithdrawal) {
  Packet t = Packet::Ipfix(0);
  t.Set(2)
      .Template(256, Nat44Fields())
      .Template(257, Nat44Fields())
      .Template(258, Nat44Fields());
  t.End();
  t.Set(3).OptionsTemplate(259, {{149, 4}}, {{41, 8}}).End();
  MustDecode(t.Build());
  EXPECT_EQ(cache_.template_count(), 4u);

  // One template.
  MustDecode(Packet::Ipfix(0).Set(2).U16(256).U16(0).End().Build());
  EXPECT_EQ(stats_.templates_withdrawn, 1u);
  EXPECT_EQ(cache_.Find("192.0.2.254", kIpfix, 0, 256), nullptr);
  ASSERT_NE(cache_.Find("192.0.2.254", kIpfix, 0, 257), nullptr);
  Packet data = Packet::Ipfix(0);
  data.Set(256);
  AddNat44(data, Nat44()).End();
  MustDecode(data.Build());
  EXPECT_EQ(stats_.sets_without_template, 1u);

  // A withdrawal in the wrong set kind, or of an unknown id, changes
  // nothing.
  MustDecode(Packet::Ipfix(0).Set(3).U16(257).U16(0).End().Build());
  MustDecode(Packet::Ipfix(0).Set(2).U16(999).U16(0).End().Build());
  EXPECT_EQ(cache_.template_count(), 3u);

  // All data templates (id 2), leaving the options template.
  MustDecode(Packet::Ipfix(0).Set(2).U16(2).U16(0).End().Build());
  EXPECT_EQ(stats_.templates_withdrawn, 3u);
  EXPECT_EQ(cache_.template_count(), 1u);
  ASSERT_NE(cache_.Find("192.0.2.254", kIpfix, 0, 259), nullptr);
  // All options templates (id 3).
  MustDecode(Packet::Ipfix(0).Set(3).U16(3).U16(0).End().Build());
  EXPECT_EQ(cache_.template_count(), 0u);
  EXPECT_EQ(stats_.templates_withdrawn, 4u);
}

TEST_F(FlowDecoderTest, OptionsTemplatesAreDecodedAndSkipped) {
  Packet p = Packet::Ipfix(0);
  p.Set(3).OptionsTemplate(300, {{149, 4}}, {{41, 8}, {284, 65535}}).End();
  p.Set(300).U32(1).U64(5).VarLen("pool-a").U32(2).U64(6).VarLen("b").End();
  p.Set(2).Template(256, Nat44Fields()).End().Set(256);
  AddNat44(p, Nat44()).End();
  MustDecode(p.Build());
  EXPECT_EQ(stats_.options_records, 2u);
  EXPECT_EQ(stats_.data_records, 3u);
  EXPECT_EQ(sink_.events.size(), 1u);
  const FlowTemplate* t = cache_.Find("192.0.2.254", kIpfix, 0, 300);
  ASSERT_NE(t, nullptr);
  EXPECT_TRUE(t->options);
  EXPECT_EQ(t->scope_field_count, 1u);
  ASSERT_EQ(t->fields.size(), 3u);
  EXPECT_EQ(t->fields[2].length, kVariableLength);

  // NetFlow v9 options: scope and option lengths in bytes, padding after.
  Packet v9 = Packet::V9(0, 3);
  v9.Set(1).OptionsTemplate(301, {{1, 4}}, {{41, 2}, {42, 4}}).End(2);
  v9.Set(301).U32(1).U16(1).U32(1000).U32(2).U16(1).U32(1000).End(3);
  MustDecode(v9.Build());
  EXPECT_EQ(stats_.options_records, 4u);
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(FlowDecoderTest, TemplateRefreshAndReplace) {
  const std::string t1 =
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build();
  MustDecode(t1);
  MustDecode(t1);
  EXPECT_EQ(stats_.templates_added, 1u);
  EXPECT_EQ(stats_.templates_refreshed, 1u);

  // Same id, another layout: the new one applies to later data.
  Packet t2 = Packet::Ipfix(0);
  t2.Set(2).Template(256, {{230, 1}, {8, 4}, {225, 4}}).End();
  t2.Set(256).U8(14).Addr("10.0.0.9").Addr("198.51.100.9").End();
  MustDecode(t2.Build());
  EXPECT_EQ(stats_.templates_replaced, 1u);
  EXPECT_EQ(cache_.template_count(), 1u);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].mapping(), cgnat::v1::ADDRESS);

  // An options template may replace a data template of the same id.
  MustDecode(Packet::Ipfix(0)
                 .Set(3)
                 .OptionsTemplate(256, {{149, 4}}, {{41, 8}})
                 .End()
                 .Build());
  EXPECT_EQ(stats_.templates_replaced, 2u);
  EXPECT_TRUE(cache_.Find("192.0.2.254", kIpfix, 0, 256)->options);
}

TEST_F(FlowDecoderTest, VariableLengthAndEnterpriseFieldsAreSkipped) {
  const std::vector<F> fields = {{100, 6, 9},        {230, 1}, {8, 4},
                                 {284, 65535},       {225, 4}, {7, 2},
                                 {101, 65535, 2636}, {227, 2}, {8, 2, 9}};
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, fields).End();
  const std::string long_name(300, 'x');
  p.Set(256)
      .Raw("abcdef")
      .U8(8)
      .Addr("10.0.0.1")
      .VarLen("pool")
      .Addr("198.51.100.1")
      .U16(1111)
      .VarLen("")
      .U16(2222)
      .U16(0xffff)  // enterprise 9's element 8 is not sourceIPv4Address
      .Raw("ABCDEF")
      .U8(9)
      .Addr("10.0.0.2")
      .VarLen(long_name)
      .Addr("198.51.100.2")
      .U16(3333)
      .VarLen("z", /*force_long=*/true)
      .U16(4444)
      .U16(0)
      .End(3);
  MustDecode(p.Build());
  ASSERT_EQ(sink_.events.size(), 2u);
  EXPECT_EQ(sink_.events[0].inside_ip(), Ip("10.0.0.1"));
  EXPECT_EQ(sink_.events[0].inside_port(), 1111u);
  EXPECT_EQ(sink_.events[0].outside_port(), 2222u);
  EXPECT_EQ(sink_.events[1].action(), cgnat::v1::DELETE);
  EXPECT_EQ(sink_.events[1].inside_ip(), Ip("10.0.0.2"));
  EXPECT_EQ(sink_.events[1].outside_port(), 4444u);
  const FlowTemplate* t = cache_.Find("192.0.2.254", kIpfix, 0, 256);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->fields[0].enterprise, 9u);
  EXPECT_EQ(t->fields[6].enterprise, 2636u);
  EXPECT_FALSE(t->fixed_length);
}

TEST_F(FlowDecoderTest, V9VendorFieldTypesAreSkipped) {
  Packet p = Packet::V9(0);
  p.Set(0).Template(256, {{40005, 1}, {230, 1}, {8, 4}, {225, 4}}).End();
  p.Set(256).U8(1).U8(4).Addr("10.0.0.1").Addr("198.51.100.1").End(2);
  MustDecode(p.Build());
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(FlowDecoderTest, PaddingAtSetEnds) {
  Packet p = Packet::Ipfix(0);
  // Template set padded with zeros, data set with less than a record.
  p.Set(2).Template(256, {{230, 1}, {8, 4}, {225, 4}}).End(8);
  p.Set(256).U8(4).Addr("10.0.0.1").Addr("198.51.100.1").End(8);
  MustDecode(p.Build());
  EXPECT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(stats_.data_records, 1u);
}

TEST_F(FlowDecoderTest, ReservedSetIdsAreSkipped) {
  Packet p = Packet::Ipfix(0);
  p.Set(4).U32(0xdeadbeef).End().Set(255).End();
  MustDecode(p.Build());
  EXPECT_EQ(stats_.sets_skipped, 2u);
}

// ---------------------------------------------------------------------------
// Sequence numbers

TEST_F(FlowDecoderTest, V9SequenceCountsPackets) {
  for (uint32_t seq : {10u, 11u, 12u, 15u, 16u}) {
    MustDecode(Packet::V9(seq).Build());
  }
  EXPECT_EQ(stats_.sequence_gaps, 2u);
  uint32_t next = 0;
  ASSERT_TRUE(cache_.ExpectedSequence("192.0.2.254", kNetflowV9, 0, &next));
  EXPECT_EQ(next, 17u);
  // Source ids are tracked apart.
  MustDecode(Packet::V9(1000, 1).Build());
  MustDecode(Packet::V9(17, 0).Build());
  EXPECT_EQ(stats_.sequence_gaps, 2u);
}

TEST_F(FlowDecoderTest, IpfixSequenceCountsDataRecords) {
  MustDecode(
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build());
  auto data = [&](uint32_t seq, int records) {
    Packet p = Packet::Ipfix(seq);
    p.Set(256);
    for (int i = 0; i < records; ++i) AddNat44(p, Nat44());
    p.End();
    return p.Build();
  };
  MustDecode(data(0, 3));   // 0..2
  MustDecode(data(3, 2));   // 3..4
  MustDecode(data(9, 1));   // 5..8 lost
  MustDecode(data(10, 0));  // a packet without records
  EXPECT_EQ(stats_.sequence_gaps, 4u);
  uint32_t next = 0;
  ASSERT_TRUE(cache_.ExpectedSequence("192.0.2.254", kIpfix, 0, &next));
  EXPECT_EQ(next, 10u);
}

TEST_F(FlowDecoderTest, SequenceWrapsAround) {
  MustDecode(Packet::V9(0xfffffffeu).Build());
  MustDecode(Packet::V9(0xffffffffu).Build());
  MustDecode(Packet::V9(0).Build());
  EXPECT_EQ(stats_.sequence_gaps, 0u);
  MustDecode(Packet::V9(0xfffffffeu, 5).Build());
  MustDecode(Packet::V9(2, 5).Build());  // ffffffff, 0, 1 lost
  EXPECT_EQ(stats_.sequence_gaps, 3u);
  EXPECT_EQ(stats_.sequence_resets, 0u);
}

TEST_F(FlowDecoderTest, LargeBackwardJumpIsARestart) {
  MustDecode(Packet::V9(5000000).Build());
  MustDecode(Packet::V9(5000001).Build());
  MustDecode(Packet::V9(0).Build());  // exporter restarted
  MustDecode(Packet::V9(1).Build());
  EXPECT_EQ(stats_.sequence_gaps, 0u);
  EXPECT_EQ(stats_.sequence_resets, 1u);
  // So is a forward jump beyond max_sequence_gap.
  MustDecode(Packet::V9(0x80000000u).Build());
  EXPECT_EQ(stats_.sequence_resets, 2u);
  EXPECT_EQ(stats_.sequence_gaps, 0u);
}

TEST_F(FlowDecoderTest, LatePacketsAndAShortLivedExporterRestart) {
  for (uint32_t seq : {10u, 12u, 11u, 13u}) {
    MustDecode(Packet::V9(seq).Build());
  }
  EXPECT_EQ(stats_.sequence_gaps, 1u);  // 11, counted when 12 came first
  EXPECT_EQ(stats_.sequence_late, 1u);
  // Two reordered packets in a row are still late, not a restart.
  for (uint32_t seq : {16u, 14u, 15u, 17u}) {
    MustDecode(Packet::V9(seq).Build());
  }
  EXPECT_EQ(stats_.sequence_late, 3u);
  EXPECT_EQ(stats_.sequence_resets, 0u);
  // A restart to 0 shortly after 18: a small step back, then a run.
  for (uint32_t seq : {18u, 0u, 1u, 2u, 3u, 4u}) {
    MustDecode(Packet::V9(seq).Build());
  }
  EXPECT_EQ(stats_.sequence_late, 5u);    // 0 and 1
  EXPECT_EQ(stats_.sequence_resets, 1u);  // at 2
  EXPECT_EQ(stats_.sequence_gaps, 3u);
  uint32_t next = 0;
  ASSERT_TRUE(cache_.ExpectedSequence("192.0.2.254", kNetflowV9, 0, &next));
  EXPECT_EQ(next, 5u);
}

TEST_F(FlowDecoderTest, UnknownTemplateLeavesTheIpfixCountUnknown) {
  Packet p = Packet::Ipfix(100);
  p.Set(256).U32(1).End();  // records of unknown size
  MustDecode(p.Build());
  uint32_t next = 0;
  EXPECT_FALSE(cache_.ExpectedSequence("192.0.2.254", kIpfix, 0, &next));
  MustDecode(Packet::Ipfix(500).Build());  // not checked
  EXPECT_EQ(stats_.sequence_gaps, 0u);
  ASSERT_TRUE(cache_.ExpectedSequence("192.0.2.254", kIpfix, 0, &next));
  EXPECT_EQ(next, 500u);
}

// ---------------------------------------------------------------------------
// Persistence

std::map<std::string, std::string> Entries(const TemplateCache& cache) {
  std::map<std::string, std::string> out;
  cache.ForEachEntry([&](absl::string_view key, absl::string_view value) {
    out.emplace(std::string(key), std::string(value));
  });
  return out;
}

TEST_F(FlowDecoderTest, RestoredCacheDecodesLaterData) {
  Packet t = Packet::Ipfix(0, 9);
  t.Set(2).Template(256, Nat44Fields()).End();
  t.Set(3).OptionsTemplate(257, {{149, 4}}, {{41, 8}}).End();
  MustDecode(t.Build(), "exp-1");
  MustDecode(
      Packet::V9(41, 3).Set(0).Template(256, Nat44Fields()).End().Build(),
      "exp-1");
  const auto entries = Entries(cache_);
  EXPECT_EQ(entries.size(), 5u);  // 3 templates, 2 sequence states

  TemplateCache restored;
  for (const auto& [key, value] : entries) {
    EXPECT_TRUE(restored.Restore(key, value));
  }
  EXPECT_EQ(restored.template_count(), 3u);
  EXPECT_EQ(Entries(restored), entries);
  uint32_t next = 0;
  ASSERT_TRUE(restored.ExpectedSequence("exp-1", kNetflowV9, 3, &next));
  EXPECT_EQ(next, 42u);

  Packet data = Packet::Ipfix(0, 9);
  data.Set(256);
  AddNat44(data, Nat44()).End();
  VectorSink sink;
  DecodeStats stats;
  ASSERT_TRUE(
      decoder_.Decode(data.Build(), "exp-1", &restored, sink, &stats, &error_));
  ASSERT_EQ(sink.events.size(), 1u);
  EXPECT_EQ(sink.events[0].outside_ip(), Ip("198.51.100.7"));
  // The v9 sequence carried over: 42 expected, 44 is 2 packets late.
  ASSERT_TRUE(decoder_.Decode(Packet::V9(44, 3).Build(), "exp-1", &restored,
                              sink, &stats, &error_));
  EXPECT_EQ(stats.sequence_gaps, 2u);
}

TEST_F(FlowDecoderTest, EncodingIsStable) {
  MustDecode(Packet::Ipfix(7, 0x01020304)
                 .Set(2)
                 .Template(256, {{230, 1}, {100, 4, 9}})
                 .End()
                 .Build(),
             "ex");
  const auto entries = Entries(cache_);
  const std::string template_key(
      "\x01T\x00\x02"
      "ex\x0a\x01\x02\x03\x04\x01\x00",
      13);
  const std::string template_value(
      "\x01\x00"                           // format, data template
      "\x01\x00\x00\x02"                   // id 256, 2 fields
      "\x00\xe6\x00\x01"                   // natEvent, 1 byte
      "\x80\x64\x00\x04\x00\x00\x00\x09",  // enterprise 9 element 100
      18);
  const std::string sequence_key(
      "\x01S\x00\x02"
      "ex\x0a\x01\x02\x03\x04",
      11);
  const std::string sequence_value("\x01\x00\x00\x00\x07", 5);
  ASSERT_EQ(entries.size(), 2u);
  ASSERT_EQ(entries.count(template_key), 1u);
  EXPECT_EQ(entries.at(template_key), template_value);
  ASSERT_EQ(entries.count(sequence_key), 1u);
  EXPECT_EQ(entries.at(sequence_key), sequence_value);
}

TEST_F(FlowDecoderTest, DrainChangesReportsUpsertsAndDeletions) {
  std::map<std::string, std::string> store;
  auto drain = [&] {
    int n = 0;
    cache_.DrainChanges([&](absl::string_view key, absl::string_view value) {
      ++n;
      if (value.empty()) {
        store.erase(std::string(key));
      } else {
        store[std::string(key)] = std::string(value);
      }
    });
    return n;
  };
  Packet t = Packet::Ipfix(0);
  t.Set(2).Template(256, Nat44Fields()).Template(257, Nat44Fields()).End();
  MustDecode(t.Build());
  EXPECT_EQ(drain(), 3);  // two templates, the sequence
  EXPECT_EQ(drain(), 0);
  MustDecode(t.Build());  // a refresh, in sequence: nothing changed
  EXPECT_EQ(drain(), 0);
  MustDecode(Packet::Ipfix(0).Set(2).U16(256).U16(0).End().Build());
  EXPECT_EQ(drain(), 1);  // the tombstone
  EXPECT_EQ(store, Entries(cache_));

  // Withdrawn and sent again before a drain: delete, then the new value.
  MustDecode(Packet::Ipfix(0).Set(2).U16(257).U16(0).End().Build());
  MustDecode(Packet::Ipfix(0)
                 .Set(2)
                 .Template(257, {{230, 1}, {8, 4}, {225, 4}})
                 .End()
                 .Build());
  EXPECT_EQ(drain(), 2);
  EXPECT_EQ(store, Entries(cache_));

  // Sequence state that becomes unknown is deleted.
  MustDecode(Packet::Ipfix(0).Set(300).U32(0).End().Build());
  EXPECT_EQ(drain(), 1);
  EXPECT_EQ(store, Entries(cache_));
  EXPECT_EQ(store.size(), 1u);

  // A changelog with tombstones restores to the same state.
  TemplateCache restored;
  for (const auto& [key, value] : store)
    ASSERT_TRUE(restored.Restore(key, value));
  const std::string key = store.begin()->first;
  ASSERT_TRUE(restored.Restore(key, ""));
  EXPECT_EQ(restored.template_count(), 0u);
}

TEST_F(FlowDecoderTest, ChangesAreNotTrackedWhenTurnedOff) {
  TemplateCacheOptions options;
  options.track_changes = false;
  TemplateCache cache(options);
  Packet t = Packet::Ipfix(0);
  t.Set(2).Template(256, Nat44Fields()).End();
  ASSERT_TRUE(decoder_.Decode(t.Build(), "a", &cache, sink_, &stats_, &error_));
  ASSERT_TRUE(
      decoder_.Decode(Packet::Ipfix(0).Set(2).U16(256).U16(0).End().Build(),
                      "a", &cache, sink_, &stats_, &error_));
  int changes = 0;
  cache.DrainChanges([&](absl::string_view, absl::string_view) { ++changes; });
  EXPECT_EQ(changes, 0);
  EXPECT_EQ(Entries(cache).size(), 1u);  // the sequence state
}

TEST_F(FlowDecoderTest, RestoreRejectsMalformedEntries) {
  MustDecode(
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build());
  const auto entries = Entries(cache_);
  std::string key;
  std::string value;
  for (const auto& [k, v] : entries) {
    if (k[1] == 'T') {
      key = k;
      value = v;
    }
  }
  ASSERT_FALSE(key.empty());
  TemplateCache fresh;
  auto bad = [&](std::string k, std::string v) {
    EXPECT_FALSE(fresh.Restore(k, v));
  };
  bad("", value);
  bad(std::string("\x02") + key.substr(1), value);  // unknown format
  bad(key.substr(0, key.size() - 1), value);        // short key
  bad(key + "x", value);                            // long key
  std::string v5 = key;
  v5[v5.size() - 7] = 5;  // NetFlow v5
  bad(v5, value);
  bad(key, std::string("\x02") + value.substr(1));  // unknown value format
  bad(key, value.substr(0, 1));
  bad(key, value.substr(0, value.size() - 1));  // field count lies
  bad(key, value + "zz");                       // trailing bytes
  std::string kind = value;
  kind[1] = 2;
  bad(key, kind);
  std::string other_id = key;
  other_id[other_id.size() - 1] = 1;  // key says 257, record says 256
  bad(other_id, value);
  std::string ie_length = value;
  ie_length[2 + 4 + 4 * 4 + 3] = 3;  // sourceIPv4Address of 3 bytes
  bad(key, ie_length);
  EXPECT_EQ(fresh.template_count(), 0u);
  EXPECT_TRUE(fresh.Restore(key, value));
  EXPECT_EQ(fresh.template_count(), 1u);
}

// ---------------------------------------------------------------------------
// Malformed packets and limits

TEST_F(FlowDecoderTest, OtherVersionsAreUnrecognized) {
  MustReject("", "flow: packet shorter than a version", "unrecognized");
  MustReject(std::string("\x00\x05", 2) + std::string(22, '\0'),
             "flow: not NetFlow v9 or IPFIX", "unrecognized");
}

TEST_F(FlowDecoderTest, BrokenFramingIsRejected) {
  MustReject(Packet::V9(0).Build().substr(0, 19),
             "flow: truncated packet header");
  std::string wrong_length = Packet::Ipfix(0).Set(4).End().Build();
  wrong_length[3] = 16;
  MustReject(wrong_length,
             "flow: IPFIX message length does not match the packet");
  MustReject(Packet::V9(0).Build() + std::string("\x01\x00\x00", 3),
             "flow: truncated set header");
  MustReject(Packet::V9(0).U16(256).U16(3).Build(), "flow: set length below 4");
  MustReject(Packet::V9(0).U16(256).U16(40).U32(0).Build(),
             "flow: set runs past the packet");
  EXPECT_EQ(error_.offset, 22u);
  EXPECT_EQ(cache_.template_count(), 0u);
}

TEST_F(FlowDecoderTest, BrokenTemplatesAreRejected) {
  // Field count larger than the set.
  MustReject(
      Packet::Ipfix(0).Set(2).U16(256).U16(3).U16(8).U16(4).End().Build(),
      "flow: template field count runs past its set");
  // Enterprise bit set but the enterprise number cut off.
  MustReject(
      Packet::Ipfix(0).Set(2).U16(256).U16(1).U16(0x8001).U16(4).End().Build(),
      "flow: template field count runs past its set");
  MustReject(Packet::Ipfix(0).Set(2).Template(255, {{8, 4}}).End().Build(),
             "flow: template id below 256");
  MustReject(Packet::Ipfix(0).Set(2).U16(17).U16(0).End().Build(),
             "flow: template withdrawal of an id below 256");
  MustReject(
      Packet::Ipfix(0).Set(2).Template(256, {{8, 3}}).End().Build(),
      "flow: template field length does not fit its information element");
  MustReject(
      Packet::Ipfix(0).Set(2).Template(256, {{234, 65535}}).End().Build(),
      "flow: template field length does not fit its information element");
  MustReject(Packet::Ipfix(0).Set(2).Template(256, {{1, 0}}).End().Build(),
             "flow: template records would be empty");
  MustReject(Packet::Ipfix(0)
                 .Set(2)
                 .Template(256, {{1, 40000}, {2, 40000}})
                 .End()
                 .Build(),
             "flow: template record longer than a set can hold");
  std::vector<F> many(kMaxTemplateFields + 1, F{1, 1});
  MustReject(Packet::Ipfix(0).Set(2).Template(256, many).End().Build(),
             "flow: template has too many fields");
  MustReject(Packet::Ipfix(0)
                 .Set(3)
                 .U16(256)
                 .U16(1)
                 .U16(2)
                 .U16(149)
                 .U16(4)
                 .End()
                 .Build(),
             "flow: options template scope count out of range");
  MustReject(Packet::V9(0).Set(0).U16(256).U16(0).End().Build(),
             "flow: NetFlow v9 template without fields");
  MustReject(
      Packet::V9(0).Set(1).U16(256).U16(2).U16(4).U32(0).U32(0).End().Build(),
      "flow: options template lengths not a multiple of 4");
  EXPECT_EQ(cache_.template_count(), 0u);
}

TEST_F(FlowDecoderTest, ABrokenTemplateSetAppliesNoneOfItsRecords) {
  Packet p = Packet::Ipfix(0);
  p.Set(2).Template(256, Nat44Fields()).Template(257, {{8, 3}}).End();
  MustReject(
      p.Build(),
      "flow: template field length does not fit its information element");
  EXPECT_EQ(cache_.template_count(), 0u);
}

TEST_F(FlowDecoderTest, BrokenDataRecordsAreRejected) {
  MustDecode(Packet::Ipfix(0)
                 .Set(2)
                 .Template(256, {{230, 1}, {8, 4}, {225, 4}, {284, 65535}})
                 .End()
                 .Build());
  // The variable-length field claims more than the set holds.
  MustReject(Packet::Ipfix(0)
                 .Set(256)
                 .U8(4)
                 .Addr("10.0.0.1")
                 .Addr("198.51.100.1")
                 .U8(20)
                 .Raw("abc")
                 .End()
                 .Build(),
             "flow: data record runs past its set");
  EXPECT_EQ(error_.offset, 20u);
  // The 255 escape without its 2-byte length.
  MustReject(Packet::Ipfix(0)
                 .Set(256)
                 .U8(4)
                 .Addr("10.0.0.1")
                 .Addr("198.51.100.1")
                 .U8(255)
                 .U8(0)
                 .End()
                 .Build(),
             "flow: data record runs past its set");
  // Records before the broken one were committed whole.
  MustReject(Packet::Ipfix(0)
                 .Set(256)
                 .U8(4)
                 .Addr("10.0.0.1")
                 .Addr("198.51.100.1")
                 .VarLen("ok")
                 .U8(4)
                 .Addr("10.0.0.2")
                 .Addr("198.51.100.1")
                 .U8(255)
                 .U16(1000)
                 .End()
                 .Build(),
             "flow: data record runs past its set");
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].inside_ip(), Ip("10.0.0.1"));
}

TEST_F(FlowDecoderTest, ARejectedIpfixPacketLeavesTheCountUnknown) {
  MustDecode(
      Packet::Ipfix(0).Set(2).Template(256, Nat44Fields()).End().Build());
  uint32_t next = 0;
  ASSERT_TRUE(cache_.ExpectedSequence("192.0.2.254", kIpfix, 0, &next));
  MustReject(Packet::Ipfix(0).Set(2).Template(257, {{8, 3}}).End().Build(),
             "flow: template field length does not fit its information "
             "element");
  EXPECT_FALSE(cache_.ExpectedSequence("192.0.2.254", kIpfix, 0, &next));
  MustDecode(Packet::Ipfix(77).Build());
  EXPECT_EQ(stats_.sequence_gaps, 0u);
  // NetFlow v9 counts packets: a rejected packet still counts.
  MustDecode(Packet::V9(5).Build());
  MustReject(Packet::V9(6).U16(256).U16(3).Build(), "flow: set length below 4");
  MustReject(Packet::V9(7).Set(0).U16(256).U16(0).End().Build(),
             "flow: NetFlow v9 template without fields");
  MustDecode(Packet::V9(8).Build());
  EXPECT_EQ(stats_.sequence_gaps, 1u);  // 6: rejected before the sets
}

TEST_F(FlowDecoderTest, CapsOnTemplatesAndDomains) {
  TemplateCacheOptions options;
  options.max_templates_per_exporter = 2;
  options.max_domains_per_exporter = 2;
  TemplateCache cache(options);
  auto decode = [&](const std::string& packet, const std::string& exporter) {
    return decoder_.Decode(packet, exporter, &cache, sink_, &stats_, &error_);
  };
  Packet three = Packet::Ipfix(0);
  three.Set(2).Template(256, Nat44Fields()).Template(257, Nat44Fields());
  three.Template(258, Nat44Fields()).End();
  EXPECT_FALSE(decode(three.Build(), "a"));
  EXPECT_STREQ(error_.detail, "flow: too many templates for one exporter");
  EXPECT_EQ(cache.template_count(), 0u);
  Packet two = Packet::Ipfix(0);
  two.Set(2).Template(256, Nat44Fields()).Template(257, Nat44Fields()).End();
  EXPECT_TRUE(decode(two.Build(), "a"));
  EXPECT_TRUE(decode(two.Build(), "a"));  // refreshes fit
  EXPECT_TRUE(decode(two.Build(), "b"));  // another exporter has its own
  EXPECT_TRUE(decode(Packet::Ipfix(0, 1).Build(), "a"));
  EXPECT_FALSE(decode(Packet::Ipfix(0, 2).Build(), "a"));
  EXPECT_STREQ(error_.detail,
               "flow: too many observation domains for one exporter");
  EXPECT_FALSE(decode(two.Build(), std::string(kMaxExporterIdLength + 1, 'x')));
}

std::vector<std::string> ValidPackets() {
  std::vector<std::string> out;
  Packet a = Packet::Ipfix(1, 2);
  a.Set(2).Template(256, Nat44Fields()).End().Set(256);
  AddNat44(a, Nat44());
  AddNat44(a, Nat44()).End();
  out.push_back(a.Build());
  Packet b = Packet::Ipfix(1, 2);
  b.Set(2)
      .Template(257, {{100, 6, 9}, {230, 1}, {8, 4}, {284, 65535}, {225, 4}})
      .End();
  b.Set(3).OptionsTemplate(258, {{149, 4}}, {{41, 8}}).End();
  b.Set(257).Raw("abcdef").U8(4).Addr("10.0.0.1").VarLen(std::string(300, 'p'));
  b.Addr("198.51.100.1").End(1);
  b.Set(258).U32(1).U64(2).End();
  out.push_back(b.Build());
  Packet c = Packet::V9(1, 2);
  c.Set(0).Template(259, {{230, 1}, {8, 4}, {225, 4}, {361, 2}, {362, 2}});
  c.End();
  c.Set(1).OptionsTemplate(260, {{1, 4}}, {{41, 2}}).End(2);
  c.Set(259).U8(16).Addr("10.0.0.1").Addr("198.51.100.1").U16(1).U16(2);
  c.End(3);
  out.push_back(c.Build());
  return out;
}

// Offsets where a set ends: cutting a packet there leaves a valid packet.
std::vector<size_t> SetEnds(const std::string& packet) {
  std::vector<size_t> ends;
  size_t at = packet[1] == 9 ? 20 : 16;
  ends.push_back(at);
  while (at + 4 <= packet.size()) {
    at += static_cast<uint8_t>(packet[at + 2]) << 8 |
          static_cast<uint8_t>(packet[at + 3]);
    ends.push_back(at);
  }
  return ends;
}

TEST_F(FlowDecoderTest, EveryTruncationIsRejectedWithoutCrashing) {
  for (const std::string& packet : ValidPackets()) {
    MustDecode(packet);
    const std::vector<size_t> ends = SetEnds(packet);
    for (size_t n = 0; n < packet.size(); ++n) {
      std::string cut = packet.substr(0, n);
      if (cut.size() >= 4 && cut[1] == 10) {  // keep the IPFIX length honest
        cut[2] = static_cast<char>(n >> 8);
        cut[3] = static_cast<char>(n);
      }
      const bool at_set_end =
          std::find(ends.begin(), ends.end(), n) != ends.end();
      TemplateCache cache;
      VectorSink sink;
      DecodeStats stats;
      ParseError error;
      EXPECT_EQ(decoder_.Decode(cut, "x", &cache, sink, &stats, &error),
                at_set_end)
          << "prefix " << n;
      if (!at_set_end) {
        EXPECT_STREQ(error.reason_class,
                     n < 2 ? "unrecognized" : "invalid_value");
        EXPECT_LE(error.offset, n);
      }
    }
  }
}

TEST_F(FlowDecoderTest, RandomCorruptionNeverCrashes) {
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state >> 33);
  };
  int rejected = 0;
  for (const std::string& packet : ValidPackets()) {
    for (int round = 0; round < 3000; ++round) {
      std::string mutated = packet;
      const int flips = 1 + next() % 4;
      for (int i = 0; i < flips; ++i) {
        mutated[next() % mutated.size()] = static_cast<char>(next());
      }
      TemplateCache cache;
      VectorSink sink;
      DecodeStats stats;
      ParseError error;
      if (!decoder_.Decode(mutated, "x", &cache, sink, &stats, &error)) {
        ++rejected;
        EXPECT_LE(error.offset, mutated.size());
      }
      for (const NatEvent& e : sink.events) {
        EXPECT_TRUE(e.inside_ip().size() == 4 || e.inside_ip().size() == 16);
        EXPECT_TRUE(e.outside_ip().size() == 4 || e.outside_ip().size() == 16);
        EXPECT_LE(e.port_block_start(), e.port_block_end());
      }
    }
  }
  EXPECT_GT(rejected, 0);
}

// The fuzzer's seed packets (tests/fuzz/gen_flow_corpus.py) all decode.
TEST_F(FlowDecoderTest, FuzzSeedsDecode) {
  const std::filesystem::path dir = "tests/fuzz/corpus/flow";
  size_t seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string packet((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    TemplateCache cache;
    VectorSink sink;
    DecodeStats stats;
    ParseError error;
    EXPECT_TRUE(decoder_.Decode(packet, "seed", &cache, sink, &stats, &error))
        << entry.path() << ": " << error.detail << " at " << error.offset;
    EXPECT_GE(sink.events.size(), 2u) << entry.path();
    EXPECT_EQ(stats.records_invalid + stats.records_not_mapping, 0u)
        << entry.path();
    ++seeds;
  }
  EXPECT_GE(seeds, 3u);
}

}  // namespace
}  // namespace netstreams

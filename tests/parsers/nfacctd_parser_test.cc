#include "src/parsers/nfacctd_parser.h"

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using testing_util::ExpectOtherVendorsRefused;
using testing_util::Ip;
using testing_util::LineResult;
using testing_util::MustParseLine;
using testing_util::ReadDataLines;
using testing_util::RunLine;

LineResult RunNfacctd(const std::string& line,
                      absl::TimeZone zone = absl::UTCTimeZone()) {
  return RunLine(line, DetectNfacctd, ParseNfacctd, zone);
}

NatEvent MustParse(const std::string& line, BodyTime* body_time = nullptr,
                   absl::TimeZone zone = absl::UTCTimeZone()) {
  LineResult r = MustParseLine(line, DetectNfacctd, ParseNfacctd, zone);
  if (body_time != nullptr) *body_time = r.body_time;
  return r.event;
}

void ExpectReject(const std::string& line, const char* reason,
                  const char* detail) {
  LineResult r = RunNfacctd(line);
  testing_util::ExpectRejected(r, reason, detail);
  testing_util::ExpectNothingFilled(r);
}

// The pmacct record of the samples file (pmacct/pmacct@743f0c06
// tests/100-IPFIXv10-CISCO/scenario-01/output-flow-00.json line 1).
const char kPmacctSample[] =
    R"({"peer_ip_src": "172.21.1.101", "iface_in": 995, "iface_out": 841, "mpls_vpn_rd": "0:0:0", "mpls_vpn_rd_origin": "unknown", "ip_src": "10.231.65.56", "net_src": "0.0.0.0", "ip_dst": "10.192.12.213", "net_dst": "0.0.0.0", "mask_src": 0, "mask_dst": 0, "port_src": 17000, "port_dst": 17000, "tcp_flags": [], "fwd_status": "UNKNOWN Unclassified", "mpls_label_stack": ["0-69", "1-24305"], "ip_proto": "udp", "tos": 184, "post_nat_ip_src": "", "post_nat_ip_dst": "", "post_nat_port_src": 0, "post_nat_port_dst": 0, "nat_event": 0, "timestamp_start": "1677577561.000000", "timestamp_end": "1677577572.000000", "timestamp_export": "1677577621.000000", "packets": 2, "flows": null, "bytes": 220, "writer_id": "nfacctd_kafka"})";

// A NAT record in the same shape; tests replace `@EV@` etc.
std::string Record(int nat_event, const std::string& extra = "",
                   const std::string& src = "100.64.10.20",
                   const std::string& nat = "203.0.113.5",
                   const std::string& dst = "198.51.100.7") {
  return R"({"peer_ip_src": "192.0.2.1", "ip_src": ")" + src +
         R"(", "ip_dst": ")" + dst +
         R"(", "port_src": 40001, "port_dst": 443, "tcp_flags": [], "ip_proto": "tcp", "post_nat_ip_src": ")" +
         nat +
         R"(", "post_nat_ip_dst": "", "post_nat_port_src": 1024, "post_nat_port_dst": 0, "nat_event": )" +
         std::to_string(nat_event) +
         R"(, "timestamp_start": "1677577561.250000", "timestamp_end": "1677577572.000000", "timestamp_export": "1677577621.000000")" +
         extra +
         R"(, "packets": 1, "flows": null, "bytes": 0, "writer_id": "nfacctd_kafka/42"})";
}

TEST(NfacctdParserTest, SampleRecordIsDetectedButIsNoNatEvent) {
  LineResult r = RunNfacctd(kPmacctSample);
  EXPECT_TRUE(r.framed);
  EXPECT_TRUE(r.detected);
  EXPECT_FALSE(r.parsed);
  EXPECT_EQ(std::string(r.error.reason_class), "unrecognized");
  EXPECT_EQ(std::string(r.error.detail),
            "nfacctd: not a NAT event (nat_event 0)");
  EXPECT_EQ(r.error.offset, std::string(kPmacctSample).find("0, \"timestamp"));
}

TEST(NfacctdParserTest, SampleRecordAsANat44SessionCreate) {
  std::string line = kPmacctSample;
  line.replace(line.find("\"post_nat_ip_src\": \"\""), 21,
               "\"post_nat_ip_src\": \"203.0.113.9\"");
  line.replace(line.find("\"post_nat_port_src\": 0"), 22,
               "\"post_nat_port_src\": 31000");
  line.replace(line.find("\"nat_event\": 0"), 14, "\"nat_event\": 4");
  BodyTime t;
  NatEvent e = MustParse(line, &t);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_ip(), Ip("10.231.65.56"));
  EXPECT_EQ(e.inside_port(), 17000u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.9"));
  EXPECT_EQ(e.outside_port(), 31000u);
  EXPECT_EQ(e.destination_ip(), Ip("10.192.12.213"));
  EXPECT_EQ(e.destination_port(), 17000u);
  EXPECT_EQ(e.device(), "172.21.1.101");
  EXPECT_TRUE(e.vrf().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  ASSERT_TRUE(t.present);
  EXPECT_EQ(t.ms, 1677577561000);
}

TEST(NfacctdParserTest, Nat44SessionCreateAndDelete) {
  BodyTime t;
  NatEvent e = MustParse(Record(4), &t);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.10.20"));
  EXPECT_EQ(e.inside_port(), 40001u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(e.outside_port(), 1024u);
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.device(), "192.0.2.1");
  EXPECT_EQ(t.ms, 1677577561250);  // creates: timestamp_start

  e = MustParse(Record(5), &t);
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(t.ms, 1677577572000);  // deletes: timestamp_end
}

TEST(NfacctdParserTest, SessionWithoutDestinationIsAPortMapping) {
  NatEvent e =
      MustParse(Record(4, "", "100.64.10.20", "203.0.113.5", "0.0.0.0"));
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.destination_port(), 0u);
  EXPECT_EQ(e.inside_port(), 40001u);
  e = MustParse(Record(5, "", "100.64.10.20", "203.0.113.5", ""));
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
}

TEST(NfacctdParserTest, Nat64SessionWithIpv6InsideAndExporter) {
  std::string line = Record(6, "", "2001:db8:100::25", "203.0.113.50");
  line.replace(line.find("192.0.2.1"), 9, "2001:db8:ffff::1");
  NatEvent e = MustParse(line);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8:100::25"));
  EXPECT_EQ(e.inside_ip().size(), 16u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.50"));
  EXPECT_EQ(e.device(), "2001:db8:ffff::1");
  e = MustParse(Record(7, "", "2001:db8:100::25", "203.0.113.50"));
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
}

TEST(NfacctdParserTest, BibEventsArePortMappingsWithVrf) {
  for (int ev : {8, 10}) {
    NatEvent e = MustParse(Record(ev, R"(, "ingress_vrfid": 12)"));
    EXPECT_EQ(e.action(), cgnat::v1::CREATE) << ev;
    EXPECT_EQ(e.mapping(), cgnat::v1::PORT) << ev;
    EXPECT_EQ(e.inside_port(), 40001u);
    EXPECT_EQ(e.outside_port(), 1024u);
    EXPECT_TRUE(e.destination_ip().empty());
    EXPECT_EQ(e.vrf(), "12");
  }
  for (int ev : {9, 11}) {
    NatEvent e = MustParse(Record(ev, R"(, "vrf_name": "cust-a")"));
    EXPECT_EQ(e.action(), cgnat::v1::DELETE) << ev;
    EXPECT_EQ(e.mapping(), cgnat::v1::PORT) << ev;
    EXPECT_EQ(e.vrf(), "cust-a");
  }
}

TEST(NfacctdParserTest, AddressBinding) {
  NatEvent e = MustParse(Record(14));
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.10.20"));
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(e.protocol(), 0u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_TRUE(e.destination_ip().empty());
  e = MustParse(Record(15));
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
}

TEST(NfacctdParserTest, PortBlockWithRangePrimitives) {
  NatEvent e = MustParse(
      Record(16, R"(, "port_range_start": 4096, "port_range_end": 4607)"));
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.port_block_start(), 4096u);
  EXPECT_EQ(e.port_block_end(), 4607u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.protocol(), 6u);
  e = MustParse(
      Record(17, R"(, "port_block_start": "4096", "port_block_end": "4607")"));
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.port_block_start(), 4096u);
  EXPECT_EQ(e.port_block_end(), 4607u);
}

TEST(NfacctdParserTest, PortBlockWithoutRangeUsesThePostNatPort) {
  NatEvent e = MustParse(Record(16));
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.port_block_start(), 1024u);
  EXPECT_EQ(e.port_block_end(), 1024u);
  e = MustParse(Record(16, R"(, "port_range_start": 2048)"));
  EXPECT_EQ(e.port_block_start(), 2048u);
  EXPECT_EQ(e.port_block_end(), 2048u);
}

TEST(NfacctdParserTest, HistoricTranslationEventsFollowTheFields) {
  NatEvent e = MustParse(Record(1));
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  e = MustParse(Record(2, "", "100.64.10.20", "203.0.113.5", "0.0.0.0"));
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  std::string line = Record(1, "", "100.64.10.20", "203.0.113.5", "0.0.0.0");
  line.replace(line.find("\"port_src\": 40001"), 17, "\"port_src\": 0");
  line.replace(line.find("\"post_nat_port_src\": 1024"), 25,
               "\"post_nat_port_src\": 0");
  e = MustParse(line);
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
}

TEST(NfacctdParserTest, NonMappingEventsAreUnrecognized) {
  for (int ev : {3, 12, 13, 18}) {
    ExpectReject(Record(ev), "unrecognized",
                 "nfacctd: nat_event reports exhaustion, quota or a "
                 "threshold, not a mapping");
  }
  ExpectReject(Record(19), "invalid_value", "nfacctd: unknown nat_event value");
  ExpectReject(Record(256), "invalid_value",
               "nfacctd: nat_event is not 0..255");
}

TEST(NfacctdParserTest, JunosNumbering) {
  SyslogTimeContext tc;
  struct Case {
    int ev;
    cgnat::v1::Action action;
    cgnat::v1::Mapping mapping;
  };
  const Case cases[] = {
      {1, cgnat::v1::CREATE, cgnat::v1::SESSION},
      {2, cgnat::v1::DELETE, cgnat::v1::SESSION},
      {4, cgnat::v1::CREATE, cgnat::v1::SESSION},
      {5, cgnat::v1::DELETE, cgnat::v1::SESSION},
      {6, cgnat::v1::CREATE, cgnat::v1::PORT},
      {9, cgnat::v1::DELETE, cgnat::v1::PORT},
      {12, cgnat::v1::CREATE, cgnat::v1::ADDRESS},
      {13, cgnat::v1::DELETE, cgnat::v1::ADDRESS},
      {14, cgnat::v1::CREATE, cgnat::v1::PORT_BLOCK},
      {15, cgnat::v1::DELETE, cgnat::v1::PORT_BLOCK},
      {16, cgnat::v1::UPDATE, cgnat::v1::PORT_BLOCK},
  };
  for (const Case& c : cases) {
    NatEvent e;
    BodyTime t;
    ParseError error;
    ASSERT_TRUE(ParseNfacctdJson(Record(c.ev), NatEventNumbering::kJunos, tc,
                                 &e, &t, &error))
        << c.ev << ": " << error.detail;
    EXPECT_EQ(e.action(), c.action) << c.ev;
    EXPECT_EQ(e.mapping(), c.mapping) << c.ev;
  }
  for (int ev : {3, 10, 11}) {
    NatEvent e;
    BodyTime t;
    ParseError error;
    EXPECT_FALSE(ParseNfacctdJson(Record(ev), NatEventNumbering::kJunos, tc, &e,
                                  &t, &error));
    EXPECT_EQ(std::string(error.reason_class), "unrecognized");
  }
  NatEvent e;
  BodyTime t;
  ParseError error;
  EXPECT_FALSE(ParseNfacctdJson(Record(17), NatEventNumbering::kJunos, tc, &e,
                                &t, &error));
  EXPECT_EQ(std::string(error.reason_class), "invalid_value");
}

std::string WithTimes(int ev, const std::string& start, const std::string& end,
                      const std::string& exp) {
  std::string line = Record(ev);
  auto put = [&](const std::string& key, const std::string& value) {
    size_t k = line.find("\"" + key + "\": \"");
    size_t v = k + key.size() + 5;
    size_t close = line.find('"', v);
    line.replace(v, close - v, value);
  };
  put("timestamp_start", start);
  put("timestamp_end", end);
  put("timestamp_export", exp);
  return line;
}

TEST(NfacctdParserTest, EventTimeChoice) {
  BodyTime t;
  // A delete whose end is zero falls back to the start.
  MustParse(WithTimes(5, "1700000000.5", "0.000000", "1700000100.000000"), &t);
  EXPECT_EQ(t.ms, 1700000000500);
  // Neither start nor end: the export time.
  MustParse(WithTimes(5, "0.000000", "0.000000", "1700000100.000000"), &t);
  EXPECT_EQ(t.ms, 1700000100000);
  MustParse(WithTimes(4, "", "", "1700000100"), &t);
  EXPECT_EQ(t.ms, 1700000100000);
  // Nothing at all: no body time (the stage keeps the record time).
  MustParse(WithTimes(4, "0.000000", "0.000000", "0.000000"), &t);
  EXPECT_FALSE(t.present);
  // Absent members count as absent too.
  std::string line = Record(4);
  line.replace(line.find(", \"timestamp_start\""),
               line.find(", \"packets\"") - line.find(", \"timestamp_start\""),
               "");
  MustParse(line, &t);
  EXPECT_FALSE(t.present);
  // timestamps_secs zeros.
  MustParse(WithTimes(4, "1700000000", "0", "0"), &t);
  EXPECT_EQ(t.ms, 1700000000000);
}

TEST(NfacctdParserTest, TimestampForms) {
  BodyTime t;
  // timestamps_since_epoch: false, timestamps_utc: true (UTC collector).
  MustParse(
      WithTimes(4, "2023-02-28 10:26:01.000000", "0000-00-00 00:00:00.000000",
                "2023-02-28 10:27:01.000000"),
      &t);
  EXPECT_EQ(t.ms, 1677579961000);
  // The same wall clock on a collector at UTC+01:00 (the configured zone).
  MustParse(
      WithTimes(4, "2023-02-28 10:26:01.250000", "0000-00-00 00:00:00.000000",
                "2023-02-28 10:27:01.000000"),
      &t, absl::FixedTimeZone(3600));
  EXPECT_EQ(t.ms, 1677579961250 - 3600000);
  // timestamps_secs: no fraction.
  MustParse(WithTimes(4, "2023-02-28 10:26:01", "0000-00-00 00:00:00",
                      "2023-02-28 10:27:01"),
            &t);
  EXPECT_EQ(t.ms, 1677579961000);
  // timestamps_rfc3339: the zone is written, the configured one unused.
  MustParse(WithTimes(5, "2023-02-28T10:26:01.000000+01:00",
                      "2023-02-28T10:36:01.000000+01:00",
                      "2023-02-28T10:37:01.000000+01:00"),
            &t, absl::FixedTimeZone(-7200));
  EXPECT_EQ(t.ms, 1677579961000 - 3600000 + 600000);
  MustParse(WithTimes(4, "2023-02-28T10:26:01Z", "0000-00-00T00:00:00",
                      "2023-02-28T10:26:01Z"),
            &t);
  EXPECT_EQ(t.ms, 1677579961000);
}

TEST(NfacctdParserTest, RejectsUnreadableTimestamps) {
  ExpectReject(WithTimes(4, "yesterday", "0", "0"), "invalid_value",
               "nfacctd: unreadable timestamp_start");
  ExpectReject(WithTimes(5, "1700000000", "2023-02-30 10:00:00", "0"),
               "invalid_value", "nfacctd: unreadable timestamp_end");
  ExpectReject(WithTimes(5, "1700000000", "0", "1700000000.x"), "invalid_value",
               "nfacctd: unreadable timestamp_export");
  ExpectReject(WithTimes(4, "2023-02-28 10:26:01 junk", "0", "0"),
               "invalid_value", "nfacctd: unreadable timestamp_start");
}

TEST(NfacctdParserTest, NumericProtocolAndStringPorts) {
  std::string line = Record(4);
  line.replace(line.find("\"tcp\""), 5, "17");
  line.replace(line.find("\"port_src\": 40001"), 17, "\"port_src\": \"40001\"");
  NatEvent e = MustParse(line);
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_port(), 40001u);
  line = Record(4);
  line.replace(line.find("\"tcp\""), 5, "\"ipv6-icmp\"");
  EXPECT_EQ(MustParse(line).protocol(), 58u);
}

TEST(NfacctdParserTest, EscapedKeysAndValues) {
  std::string line = Record(4);
  line.replace(line.find("\"ip_src\": \"100.64.10.20\""), 24,
               R"("ip\u005fsrc": "100.64.10.\u0032\u0030")");
  NatEvent e = MustParse(line);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.10.20"));
}

TEST(NfacctdParserTest, NullAndNestedMembersAreSkipped) {
  std::string line = Record(
      4,
      R"(, "mpls_label_stack": ["0-69", "1-24305"], "custom": {"a": [1, {"b": null}]}, "ip_dst_extra": null)");
  NatEvent e = MustParse(line);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  // A null destination is an unknown destination.
  line = Record(4);
  line.replace(line.find("\"ip_dst\": \"198.51.100.7\""), 24,
               "\"ip_dst\": null");
  EXPECT_EQ(MustParse(line).mapping(), cgnat::v1::PORT);
}

TEST(NfacctdParserTest, RejectsBadValues) {
  auto with = [](const std::string& from, const std::string& to, int ev = 4) {
    std::string line = Record(ev);
    size_t at = line.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    line.replace(at, from.size(), to);
    return line;
  };
  ExpectReject(with("\"port_src\": 40001", "\"port_src\": 70000"),
               "invalid_value", "nfacctd: port_src is not 0..65535");
  ExpectReject(
      with("\"post_nat_port_src\": 1024", "\"post_nat_port_src\": 65536"),
      "invalid_value", "nfacctd: post_nat_port_src is not 0..65535");
  ExpectReject(with("\"port_dst\": 443", "\"port_dst\": -1"), "invalid_value",
               "nfacctd: port_dst is not 0..65535");
  ExpectReject(with("\"port_dst\": 443", "\"port_dst\": 44.3"), "invalid_value",
               "nfacctd: port_dst is not 0..65535");
  ExpectReject(with("\"100.64.10.20\"", "\"100.64.10\""), "invalid_value",
               "nfacctd: invalid ip_src");
  ExpectReject(with("\"100.64.10.20\"", "\"\""), "invalid_value",
               "nfacctd: NAT event with empty ip_src");
  ExpectReject(with("\"ip_src\": \"100.64.10.20\", ", ""), "invalid_value",
               "nfacctd: NAT event without ip_src");
  ExpectReject(with("\"203.0.113.5\"", "\"\""), "invalid_value",
               "nfacctd: NAT event with empty post_nat_ip_src");
  ExpectReject(with("\"203.0.113.5\"", "\"0.0.0.0\""), "invalid_value",
               "nfacctd: NAT event with empty post_nat_ip_src");
  ExpectReject(with("\"203.0.113.5\"", "\"203.0.113.256\""), "invalid_value",
               "nfacctd: invalid post_nat_ip_src");
  ExpectReject(with("\"post_nat_ip_src\": \"203.0.113.5\", ", ""),
               "invalid_value", "nfacctd: NAT event without post_nat_ip_src");
  ExpectReject(with("\"198.51.100.7\"", "\"198.51.100.x\""), "invalid_value",
               "nfacctd: invalid ip_dst");
  ExpectReject(with("\"198.51.100.7\"", "7"), "invalid_value",
               "nfacctd: invalid ip_dst");
  ExpectReject(with("\"tcp\"", "\"tcpx\""), "invalid_value",
               "nfacctd: unknown ip_proto");
  ExpectReject(with("\"tcp\"", "300"), "invalid_value",
               "nfacctd: unknown ip_proto");
  ExpectReject(with("\"192.0.2.1\"", "\"collector-1\""), "invalid_value",
               "nfacctd: invalid peer_ip_src");
  ExpectReject(with("\"nat_event\": 4", "\"nat_event\": \"create\""),
               "invalid_value", "nfacctd: nat_event is not 0..255");
  ExpectReject(with("\"nat_event\": 4, ", ""), "unrecognized",
               "nfacctd: no nat_event member");
  ExpectReject(
      Record(16, R"(, "port_range_start": 5000, "port_range_end": 4999)"),
      "invalid_value", "nfacctd: port_range_end is below port_range_start");
  ExpectReject(
      Record(16, R"(, "port_range_start": 5000, "port_range_end": 65536)"),
      "invalid_value", "nfacctd: port_range_end is not 0..65535");
  ExpectReject(Record(8, R"(, "ingress_vrfid": 1.5)"), "invalid_value",
               "nfacctd: VRF id is not an integer");
  ExpectReject(Record(8, R"(, "ingress_vrfid": [1])"), "invalid_value",
               "nfacctd: invalid VRF");
}

TEST(NfacctdParserTest, RejectsMalformedJson) {
  std::string line = Record(4);
  std::string truncated = line.substr(0, line.find("\"timestamp_end\"") - 2);
  LineResult r = RunNfacctd(truncated);
  EXPECT_TRUE(r.detected);  // the signature is before the cut
  EXPECT_FALSE(r.parsed);
  EXPECT_EQ(std::string(r.error.reason_class), "unrecognized");
  EXPECT_EQ(std::string(r.error.detail), "nfacctd: not a JSON object");
  EXPECT_LE(r.error.offset, truncated.size());

  r = RunNfacctd(line + " trailing");
  EXPECT_FALSE(r.parsed);
  EXPECT_EQ(std::string(r.error.detail), "nfacctd: not a JSON object");
  EXPECT_EQ(r.error.offset, line.size() + 1);

  r = RunNfacctd(R"({"nat_event": 4, "ip_src": "100.64.1.1",})");
  EXPECT_FALSE(r.parsed);
  EXPECT_EQ(std::string(r.error.detail), "nfacctd: not a JSON object");

  // Trailing CR/LF from a file collector are white space.
  NatEvent e = MustParse(line + "\r\n");
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
}

TEST(NfacctdParserTest, InsideSyslogHeaders) {
  // A relay that wraps the record in syslog still hands over the JSON.
  std::string json = Record(4);
  NatEvent e =
      MustParse("<134>1 2023-02-28T10:26:02Z collector nfacctd - - - " + json);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  e = MustParse("<134>Feb 28 10:26:02 collector nfacctd: " + json);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.device(), "192.0.2.1");
}

TEST(NfacctdParserTest, DetectIsASignatureCheck) {
  SyslogMessage m;
  m.message = R"(  {"nat_event": 4})";
  EXPECT_TRUE(DetectNfacctd(m));
  m.message = R"({"ip_src": "10.0.0.1"})";
  EXPECT_FALSE(DetectNfacctd(m));
  m.message = R"(x {"nat_event": 4})";
  EXPECT_FALSE(DetectNfacctd(m));
  m.message = "";
  EXPECT_FALSE(DetectNfacctd(m));
}

TEST(NfacctdParserTest, DetectRejectsOtherVendors) {
  EXPECT_GT(ExpectOtherVendorsRefused("nfacctd", DetectNfacctd, ParseNfacctd),
            20u);
}

TEST(NfacctdParserTest, FixtureFileParses) {
  int count = 0;
  std::map<int, int> by_mapping;
  std::map<int, int> by_action;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/nfacctd.log")) {
    LineResult r = RunNfacctd(line);
    EXPECT_TRUE(r.detected) << line;
    EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail << " at "
                          << r.error.offset;
    EXPECT_TRUE(r.body_time.present) << line;
    EXPECT_FALSE(r.event.device().empty()) << line;
    ++by_mapping[r.event.mapping()];
    ++by_action[r.event.action()];
    ++count;
  }
  EXPECT_GE(count, 30);
  EXPECT_LE(count, 60);
  EXPECT_GT(by_mapping[cgnat::v1::SESSION], 0);
  EXPECT_GT(by_mapping[cgnat::v1::PORT], 0);
  EXPECT_GT(by_mapping[cgnat::v1::ADDRESS], 0);
  EXPECT_GT(by_mapping[cgnat::v1::PORT_BLOCK], 0);
  EXPECT_GT(by_action[cgnat::v1::CREATE], 0);
  EXPECT_GT(by_action[cgnat::v1::DELETE], 0);
}

}  // namespace
}  // namespace netstreams

// A10 Thunder CGN: CEF and ASCII traffic logs through syslog framing,
// detection and parsing, as the parse stage runs them.
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using testing_util::DetectedBadLine;
using testing_util::ExpectOtherVendorsRefused;
using testing_util::ExpectRejected;
using testing_util::Ip;
using testing_util::LineResult;
using testing_util::MustParseLine;
using testing_util::ReadDataLines;
using testing_util::RunLine;
using testing_util::UnixMillis;

LineResult RunA10(const std::string& line,
                  absl::TimeZone zone = absl::UTCTimeZone()) {
  return RunLine(line, DetectA10, ParseA10, zone);
}

NatEvent MustParse(const std::string& line) {
  return MustParseLine(line, DetectA10, ParseA10).event;
}

// The A10 lines of /work/shared/data/cgnat_vendor_samples.txt.
const char* const kSampleLines[] = {
    "2025-05-02T11:34:56.87+00:00 10.254.254.57 cgn0.thn2/cgn-demo  "
    "CEF:0|A10|CFW|6.0.0-P1|CGN 106|Nat Port Batch Pool Allocated|5|"
    "proto=UDP src=100.65.140.73 sourceTranslatedAddress=99.99.99.12 "
    "sourceTranslatedPort=22016 cn3=22271 cn3Label=Last Nat Port",
    "2025-05-02T11:35:00.62+00:00 10.254.254.57 cgn0.thn2/cgn-demo  "
    "CEF:0|A10|CFW|6.0.0-P1|CGN 100|Nat Port Allocated|5|proto=ICMP "
    "src=100.65.161.0 spt=48856 sourceTranslatedAddress=99.99.99.13 "
    "sourceTranslatedPort=48856 dst=8.8.8.8 dpt=0",
    "2025-05-02T11:35:00.62+00:00 10.254.254.57 cgn0.thn2/cgn-demo  "
    "CEF:0|A10|CFW|6.0.0-P1|CGN 101|Nat Port Freed|5|proto=ICMP "
    "src=100.65.150.5 spt=37892 sourceTranslatedAddress=99.99.99.8 "
    "sourceTranslatedPort=37892",
    "2025-05-02T11:35:00.87+00:00 10.254.254.57 cgn0.thn2/cgn-demo  "
    "CEF:0|A10|CFW|6.0.0-P1|CGN 107|Nat Port Batch Pool Freed|5|proto=UDP "
    "src=100.65.140.73 sourceTranslatedAddress=99.99.99.12 "
    "sourceTranslatedPort=22016 cn3=22271 cn3Label=Last Nat Port",
    "0|A10|ADC|6.0.7|CGN 102|Nat Session Created|5|proto=UDP "
    "src=10.44.55.100 spt=38951 dst=142.250.179.238 dpt=443 "
    "sourceTranslatedAddress=99.99.99.13 sourceTranslatedPort=38951 "
    "destinationTranslatedAddress=142.250.179.238 "
    "destinationTranslatedPort=443",
};

// ------------------------------------------------------------ samples

TEST(A10ParserTest, SamplePortBatchAllocated) {
  // The syslog views point into `line`: it must outlive them.
  const std::string line = kSampleLines[0];
  LineResult r = RunA10(line);
  ASSERT_TRUE(r.parsed) << r.error.detail;
  EXPECT_TRUE(r.detected);
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_ip(), Ip("100.65.140.73"));
  EXPECT_EQ(e.outside_ip(), Ip("99.99.99.12"));
  EXPECT_EQ(e.port_block_start(), 22016u);
  EXPECT_EQ(e.port_block_end(), 22271u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  // The relay left "host/partition" in the message body.
  EXPECT_EQ(r.syslog.hostname, "10.254.254.57");
  EXPECT_EQ(e.device(), "cgn0.thn2");
  EXPECT_EQ(e.vrf(), "cgn-demo");
  EXPECT_FALSE(r.body_time.present);
}

TEST(A10ParserTest, SamplePortAllocatedIcmp) {
  NatEvent e = MustParse(kSampleLines[1]);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.protocol(), 1u);
  EXPECT_EQ(e.inside_ip(), Ip("100.65.161.0"));
  EXPECT_EQ(e.inside_port(), 48856u);
  EXPECT_EQ(e.outside_ip(), Ip("99.99.99.13"));
  EXPECT_EQ(e.outside_port(), 48856u);
  // A port mapping has no destination, even when the first packet's is
  // logged.
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
}

TEST(A10ParserTest, SamplePortFreed) {
  NatEvent e = MustParse(kSampleLines[2]);
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.inside_ip(), Ip("100.65.150.5"));
  EXPECT_EQ(e.inside_port(), 37892u);
  EXPECT_EQ(e.outside_ip(), Ip("99.99.99.8"));
  EXPECT_EQ(e.outside_port(), 37892u);
}

TEST(A10ParserTest, SamplePortBatchFreed) {
  NatEvent e = MustParse(kSampleLines[3]);
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.port_block_start(), 22016u);
  EXPECT_EQ(e.port_block_end(), 22271u);
}

TEST(A10ParserTest, SampleSessionCreatedWithoutCefPrefix) {
  LineResult r = RunA10(kSampleLines[4]);
  ASSERT_TRUE(r.parsed) << r.error.detail;
  EXPECT_TRUE(r.detected);
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_ip(), Ip("10.44.55.100"));
  EXPECT_EQ(e.inside_port(), 38951u);
  EXPECT_EQ(e.outside_ip(), Ip("99.99.99.13"));
  EXPECT_EQ(e.outside_port(), 38951u);
  EXPECT_EQ(e.destination_ip(), Ip("142.250.179.238"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_TRUE(e.device().empty());
  EXPECT_TRUE(e.vrf().empty());
}

// The CEF body of a sample line, wrapped by a collector's own header.
std::string CefBody(const std::string& line) {
  size_t at = line.find("CEF:");
  return at == std::string::npos ? line : line.substr(at);
}

TEST(A10ParserTest, SamplesInRfc5424) {
  for (const char* sample : kSampleLines) {
    std::string line =
        "<134>1 2025-05-02T11:34:56.870Z cgn0.thn2 cgn-demo - - - " +
        CefBody(sample);
    LineResult r = RunA10(line);
    EXPECT_TRUE(r.detected) << line;
    EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail;
    EXPECT_EQ(r.syslog.hostname, "cgn0.thn2");
    EXPECT_TRUE(r.event.device().empty()) << "the header names the device";
  }
}

TEST(A10ParserTest, SamplesInRfc3164) {
  for (const char* sample : kSampleLines) {
    std::string body = CefBody(sample);
    // A body without "CEF:" travels with the TAG "CEF".
    std::string line = body[0] == 'C'
                           ? "<134>May  2 11:34:56 cgn0 " + body
                           : "<134>May  2 11:34:56 cgn0 CEF: " + body;
    LineResult r = RunA10(line);
    EXPECT_TRUE(r.detected) << line;
    EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail;
    EXPECT_EQ(r.syslog.hostname, "cgn0");
  }
}

TEST(A10ParserTest, DetectRejectsEveryOtherVendor) {
  EXPECT_GT(ExpectOtherVendorsRefused("a10", DetectA10, ParseA10), 20u);
}

// ------------------------------------------------------- CEF event kinds

TEST(A10ParserTest, CefSessionDeleted) {
  NatEvent e = MustParse(
      "CEF:0|A10|CFW|6.0.0-P1|CGN 103|Nat Session Deleted|5|proto=TCP "
      "src=100.64.1.20 spt=51514 dst=93.184.216.34 dpt=80 "
      "sourceTranslatedAddress=198.51.100.7 sourceTranslatedPort=20480 "
      "destinationTranslatedAddress=93.184.216.34 "
      "destinationTranslatedPort=80");
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.destination_ip(), Ip("93.184.216.34"));
  EXPECT_EQ(e.destination_port(), 80u);
}

TEST(A10ParserTest, CefEventKindFollowsTheName) {
  NatEvent update = MustParse(
      "CEF:0|A10|CFW|6.0.0|CGN 108|Nat Port Batch Pool Interim Update|5|"
      "proto=TCP src=100.64.9.9 sourceTranslatedAddress=198.51.100.9 "
      "sourceTranslatedPort=4096 cn3=4607 cn3Label=Last Nat Port");
  EXPECT_EQ(update.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(update.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(update.port_block_end(), 4607u);
  NatEvent fixed = MustParse(
      "CEF:0|A10|CFW|6.0.0|CGN 105|Fixed Nat Freed|5|src=100.64.9.10 "
      "sourceTranslatedAddress=198.51.100.9 sourceTranslatedPort=5000 "
      "cn1=5999 cn1Label=Last Nat Port");
  EXPECT_EQ(fixed.action(), cgnat::v1::DELETE);
  EXPECT_EQ(fixed.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(fixed.protocol(), 0u);
  EXPECT_EQ(fixed.port_block_start(), 5000u);
  EXPECT_EQ(fixed.port_block_end(), 5999u);
}

TEST(A10ParserTest, CefUnlabelledLastPortIsCn3) {
  NatEvent e = MustParse(
      "CEF:0|A10|CFW|6.0.0|CGN 106|Nat Port Batch Pool Allocated|5|"
      "proto=UDP src=100.64.2.2 sourceTranslatedAddress=198.51.100.2 "
      "sourceTranslatedPort=1024 cn3=1279");
  EXPECT_EQ(e.port_block_end(), 1279u);
}

TEST(A10ParserTest, CefIpv6Subscriber) {
  NatEvent e = MustParse(
      "CEF:0|A10|CFW|6.0.0|CGN 102|Nat Session Created|5|proto=TCP "
      "src=2001:db8:100::25 spt=40001 dst=203.0.113.80 dpt=443 "
      "sourceTranslatedAddress=198.51.100.30 sourceTranslatedPort=61000");
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8:100::25"));
  EXPECT_EQ(e.inside_ip().size(), 16u);
  EXPECT_EQ(e.outside_ip().size(), 4u);
}

TEST(A10ParserTest, CefValueWithSpacesAndEscapes) {
  NatEvent e = MustParse(
      "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|cs1=pool a\\=b c "
      "cs1Label=Pool Name proto=TCP src=100.64.3.3 spt=1000 "
      "sourceTranslatedAddress=198.51.100.3 sourceTranslatedPort=2000\r");
  EXPECT_EQ(e.outside_port(), 2000u);
}

TEST(A10ParserTest, CefReceiptTime) {
  LineResult ms = RunA10(
      "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|rt=1746185696870 "
      "proto=TCP src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3 "
      "sourceTranslatedPort=2000");
  ASSERT_TRUE(ms.parsed) << ms.error.detail;
  EXPECT_TRUE(ms.body_time.present);
  EXPECT_EQ(ms.body_time.ms, 1746185696870);

  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  LineResult local = RunA10(
      "CEF:0|A10|CFW|6.0.0|CGN 101|Nat Port Freed|5|proto=TCP "
      "src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3 "
      "sourceTranslatedPort=2000 rt=May 02 2025 13:34:56",
      berlin);
  ASSERT_TRUE(local.parsed) << local.error.detail;
  EXPECT_EQ(local.body_time.ms, UnixMillis(2025, 5, 2, 11, 34, 56));

  LineResult utc = RunA10(
      "CEF:0|A10|CFW|6.0.0|CGN 101|Nat Port Freed|5|proto=TCP "
      "src=100.64.3.3 spt=1000 rt=May 02 2025 11:34:56.250 UTC "
      "sourceTranslatedAddress=198.51.100.3 sourceTranslatedPort=2000",
      berlin);
  ASSERT_TRUE(utc.parsed) << utc.error.detail;
  EXPECT_EQ(utc.body_time.ms, UnixMillis(2025, 5, 2, 11, 34, 56) + 250);

  // No year: the one closest to the record time (2026-11-20).
  LineResult yearless = RunA10(
      "CEF:0|A10|CFW|6.0.0|CGN 101|Nat Port Freed|5|proto=TCP "
      "src=100.64.3.3 spt=1000 rt=Jan 02 01:00:00 +01:00 "
      "sourceTranslatedAddress=198.51.100.3 sourceTranslatedPort=2000");
  ASSERT_TRUE(yearless.parsed) << yearless.error.detail;
  EXPECT_EQ(yearless.body_time.ms, UnixMillis(2027, 1, 2, 0, 0, 0));

  // A zone name needs a zone database: the header's time stands.
  LineResult named = RunA10(
      "CEF:0|A10|CFW|6.0.0|CGN 101|Nat Port Freed|5|proto=TCP "
      "src=100.64.3.3 spt=1000 rt=May 02 2025 11:34:56 CEST "
      "sourceTranslatedAddress=198.51.100.3 sourceTranslatedPort=2000");
  ASSERT_TRUE(named.parsed) << named.error.detail;
  EXPECT_FALSE(named.body_time.present);
}

// ---------------------------------------------------------------- ASCII

TEST(A10ParserTest, AsciiPortMappingWithDestination) {
  const std::string line =
      "<134>May  2 11:34:56 cgn1 NAT-TCP-C: 100.64.23.122:40321<-->"
      "194.15.97.34:23111 to 8.8.8.8:53";
  LineResult r = RunA10(line);
  ASSERT_TRUE(r.parsed) << r.error.detail;
  EXPECT_TRUE(r.detected);
  EXPECT_EQ(r.syslog.app_name, "NAT-TCP-C");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.23.122"));
  EXPECT_EQ(e.inside_port(), 40321u);
  EXPECT_EQ(e.outside_ip(), Ip("194.15.97.34"));
  EXPECT_EQ(e.outside_port(), 23111u);
  EXPECT_TRUE(e.destination_ip().empty());
}

TEST(A10ParserTest, AsciiLettersAndFraming) {
  NatEvent d = MustParse("NAT-UDP-D: 100.64.1.1:5060<-->203.0.113.1:5060");
  EXPECT_EQ(d.action(), cgnat::v1::DELETE);
  EXPECT_EQ(d.protocol(), 17u);
  NatEvent u = MustParse(
      "<134>1 2026-03-01T10:00:00Z cgn1 a10 - - - NAT-ICMP-U: "
      "100.64.1.1:7<-->203.0.113.1:1031");
  EXPECT_EQ(u.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(u.protocol(), 1u);
  // A leading host token (bare line, as cgn-ec's generator sends it).
  NatEvent host = MustParse(
      "test NAT-TCP-C: 100.64.23.122:40321<-->194.15.97.34:23111 to "
      "8.8.8.8:53");
  EXPECT_EQ(host.device(), "test");
  EXPECT_EQ(host.mapping(), cgnat::v1::PORT);
}

TEST(A10ParserTest, AsciiPortBatch) {
  NatEvent e = MustParse(
      "<134>May  2 11:34:56 cgn1 NAT-TCP-B: 100.64.7.7<-->"
      "203.0.113.7:1024-1535");
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.7.7"));
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.7"));
  EXPECT_EQ(e.port_block_start(), 1024u);
  EXPECT_EQ(e.port_block_end(), 1535u);
}

TEST(A10ParserTest, AsciiSession) {
  // A10's order: reverse direction from the server to the NAT address.
  NatEvent e = MustParse(
      "NAT-TCP-C: 100.64.5.5:51000<->93.184.216.34:443, "
      "93.184.216.34:443<-->203.0.113.5:2050");
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("100.64.5.5"));
  EXPECT_EQ(e.inside_port(), 51000u);
  EXPECT_EQ(e.destination_ip(), Ip("93.184.216.34"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(e.outside_port(), 2050u);
  // The other order (cgn-ec's generator) names the same session.
  NatEvent swapped = MustParse(
      "NAT-TCP-D: 100.64.5.5:51000<->93.184.216.34:443,"
      "203.0.113.5:2050<-->93.184.216.34:443");
  EXPECT_EQ(swapped.action(), cgnat::v1::DELETE);
  EXPECT_EQ(swapped.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(swapped.outside_port(), 2050u);
}

TEST(A10ParserTest, AsciiIpv6Subscriber) {
  NatEvent e = MustParse(
      "NAT-TCP-C: [2001:db8:1::5]:51000<->[64:ff9b::5db8:d822]:443, "
      "[64:ff9b::5db8:d822]:443<-->203.0.113.5:2050");
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8:1::5"));
  EXPECT_EQ(e.destination_ip(), Ip("64:ff9b::5db8:d822"));
}

TEST(A10ParserTest, FixedNatPorts) {
  LineResult r = RunA10(
      "<134>May  2 11:34:56 cgn1 FIXED-NAT-PORTS 10.10.10.172->"
      "192.168.9.173:3000-4000");
  ASSERT_TRUE(r.parsed) << r.error.detail;
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.protocol(), 0u);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.10.172"));
  EXPECT_EQ(e.outside_ip(), Ip("192.168.9.173"));
  EXPECT_EQ(e.port_block_start(), 3000u);
  EXPECT_EQ(e.port_block_end(), 4000u);
}

// ----------------------------------------------------------- rejections

class A10RejectTest : public ::testing::TestWithParam<DetectedBadLine> {};

TEST_P(A10RejectTest, Rejects) {
  ExpectRejected(RunA10(GetParam().line), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, A10RejectTest,
    ::testing::Values(
        DetectedBadLine{"hello world", false, "unrecognized",
                        "a10: no CEF, NAT- or FIXED-NAT-PORTS body"},
        DetectedBadLine{"CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated", true,
                        "unrecognized", "a10: truncated CEF header"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=TCP "
            "src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3",
            true, "unrecognized",
            "a10: CEF NAT event lacks sourceTranslatedPort"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 102|Nat Session Created|5|proto=TCP "
            "src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3 "
            "sourceTranslatedPort=2000",
            true, "unrecognized", "a10: CEF session lacks dst or dpt"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=TCP "
            "src=100.64.3.3 spt=70000 "
            "sourceTranslatedAddress=198.51.100.3 "
            "sourceTranslatedPort=2000",
            true, "invalid_value", "a10: invalid spt"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=TCP "
            "src=100.64.3.256 spt=1000 "
            "sourceTranslatedAddress=198.51.100.3 "
            "sourceTranslatedPort=2000",
            true, "invalid_value", "a10: invalid src address"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=FOO "
            "src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3 "
            "sourceTranslatedPort=2000",
            true, "invalid_value", "a10: unknown protocol"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 106|Nat Port Batch Pool Allocated|5|"
            "proto=UDP src=100.64.2.2 sourceTranslatedAddress=198.51.100.2 "
            "sourceTranslatedPort=1024 cn3=1000 cn3Label=Last Nat Port",
            true, "invalid_value", "a10: last NAT port is below the first"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 106|Nat Port Batch Pool Allocated|5|"
            "proto=UDP src=100.64.2.2 sourceTranslatedAddress=198.51.100.2 "
            "sourceTranslatedPort=1024 cn2=9 cn2Label=Ports Used",
            true, "unrecognized",
            "a10: port batch event lacks its last NAT port"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 110|Http Request Got|5|src=1.2.3.4", true,
            "unrecognized",
            "a10: CGN event is not a mapping allocation or release"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 120|User Quota Exceeded Created|5|"
            "src=1.2.3.4",
            true, "unrecognized", "a10: CGN event names no NAT mapping"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|FW 200|Session Created|5|src=1.2.3.4", true,
            "unrecognized", "a10: CEF event is not a CGN event"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=TCP "
            "src=100.64.3.3 junk spt=1",
            true, "invalid_value", "a10: invalid src address"},
        DetectedBadLine{"CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|=x",
                        true, "unrecognized",
                        "a10: CEF extension is not key=value"},
        DetectedBadLine{
            "CEF:0|A10|CFW|6.0.0|CGN 100|Nat Port Allocated|5|proto=TCP "
            "src=100.64.3.3 spt=1000 sourceTranslatedAddress=198.51.100.3 "
            "sourceTranslatedPort=2000 rt=Foo 99 2025",
            true, "invalid_value", "a10: unreadable rt time"},
        DetectedBadLine{"NAT-XYZ-C: 100.64.1.1:1<-->203.0.113.1:2", true,
                        "invalid_value", "a10: unknown protocol"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1:65536<-->203.0.113.1:2", true,
                        "invalid_value", "a10: invalid inside port"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1:1<-->203.0.113.300:2", true,
                        "invalid_value", "a10: invalid NAT address"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1:1<-->203.0.113.1:2 to 8.8.8:53",
                        true, "invalid_value",
                        "a10: invalid destination address"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1:1<-->203.0.113.1:2000-1000",
                        true, "invalid_value", "a10: invalid NAT port"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1:1", true, "unrecognized",
                        "a10: expected '<-->' in NAT- log"},
        DetectedBadLine{"NAT-TCP-C: 100.64.1.1<-->203.0.113.1:2", true,
                        "unrecognized",
                        "a10: a port mapping needs ip:port on both sides"},
        DetectedBadLine{"NAT-TCP-B: 100.64.1.1:5<-->203.0.113.1:1024-2047",
                        true, "unrecognized",
                        "a10: a port batch has no inside port"},
        DetectedBadLine{"NAT-TCP-C: 100.64.5.5:51000<->93.184.216.34:443 "
                        "93.184.216.34:443<-->203.0.113.5:2050",
                        true, "unrecognized",
                        "a10: expected ',' between the session directions"},
        DetectedBadLine{"NAT-TCP-C: 100.64.5.5<->93.184.216.34:443, "
                        "93.184.216.34:443<-->203.0.113.5:2050",
                        true, "unrecognized",
                        "a10: a session needs one port on every endpoint"},
        DetectedBadLine{"FIXED-NAT-PORTS 10.10.10.172 192.168.9.173:3000-4000",
                        true, "unrecognized",
                        "a10: expected '->' in FIXED-NAT-PORTS"},
        DetectedBadLine{"FIXED-NAT-PORTS 10.10.10.172->192.168.9.173:3000",
                        true, "unrecognized",
                        "a10: FIXED-NAT-PORTS needs INIP->NATIP:FIRST-LAST"}));

TEST(A10ParserTest, UnknownProtocolInTagOffset) {
  LineResult r = RunA10(
      "<134>May  2 11:34:56 cgn1 NAT-XYZ-C: 1.1.1.1:1<-->"
      "2.2.2.2:2");
  EXPECT_TRUE(r.detected);
  EXPECT_FALSE(r.parsed);
  EXPECT_STREQ(r.error.detail, "a10: unknown protocol");
  EXPECT_EQ(r.error.offset, 0u);
}

// ------------------------------------------------------------- fixture

TEST(A10ParserTest, FixtureFileParses) {
  int count = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/a10.log")) {
    LineResult r = RunA10(line);
    EXPECT_TRUE(r.framed) << line;
    EXPECT_TRUE(r.detected) << line;
    EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail;
    ++count;
  }
  EXPECT_GE(count, 30);
  EXPECT_LE(count, 60);
}

}  // namespace
}  // namespace netstreams

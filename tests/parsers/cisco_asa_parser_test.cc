// Cisco ASA / FTD xlate messages through syslog framing, detection and
// parsing, as the parse stage runs them.
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

LineResult RunAsa(const std::string& line,
                  absl::TimeZone zone = absl::UTCTimeZone()) {
  return RunLine(line, DetectCiscoAsa, ParseCiscoAsa, zone);
}

NatEvent MustParse(const std::string& line,
                   absl::TimeZone zone = absl::UTCTimeZone()) {
  return MustParseLine(line, DetectCiscoAsa, ParseCiscoAsa, zone).event;
}

// The Cisco lines of /work/shared/data/cgnat_vendor_samples.txt.
const char* const kSampleLines[] = {
    "%ASA-6-305011: Built dynamic TCP translation from "
    "interco_pa_asa:2.2.2.2/35928 to dmz-gce:1.1.1.1/35928",
    "%ASA-6-305012: Teardown dynamic TCP translation from "
    "interco_asa:2.2.2.2/55924 to dmz:1.1.1.1/55924 duration 0:00:15",
    "Built dynamic TCP translation from inside:172.31.98.44/1772 to "
    "outside:100.66.98.44/8256",
};

// ------------------------------------------------------------ samples

TEST(CiscoAsaParserTest, SampleBuilt) {
  LineResult r = RunAsa(kSampleLines[0]);
  ASSERT_TRUE(r.parsed) << r.error.detail;
  EXPECT_TRUE(r.detected);
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("2.2.2.2"));
  EXPECT_EQ(e.inside_port(), 35928u);
  EXPECT_EQ(e.outside_ip(), Ip("1.1.1.1"));
  EXPECT_EQ(e.outside_port(), 35928u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_TRUE(e.vrf().empty());
  EXPECT_TRUE(e.device().empty());
  EXPECT_FALSE(r.body_time.present);
}

TEST(CiscoAsaParserTest, SampleTeardown) {
  NatEvent e = MustParse(kSampleLines[1]);
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.inside_ip(), Ip("2.2.2.2"));
  EXPECT_EQ(e.inside_port(), 55924u);
  EXPECT_EQ(e.outside_ip(), Ip("1.1.1.1"));
  EXPECT_EQ(e.outside_port(), 55924u);
}

TEST(CiscoAsaParserTest, SampleBareBody) {
  NatEvent e = MustParse(kSampleLines[2]);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.inside_ip(), Ip("172.31.98.44"));
  EXPECT_EQ(e.inside_port(), 1772u);
  EXPECT_EQ(e.outside_ip(), Ip("100.66.98.44"));
  EXPECT_EQ(e.outside_port(), 8256u);
}

TEST(CiscoAsaParserTest, SamplesInRfc5424) {
  for (const char* sample : kSampleLines) {
    std::string line =
        std::string("<166>1 2026-11-20T10:00:00.000Z asa01 - - - - ") + sample;
    LineResult r = RunAsa(line);
    EXPECT_TRUE(r.detected) << line;
    EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail;
    EXPECT_EQ(r.syslog.hostname, "asa01");
    EXPECT_FALSE(r.body_time.present);
  }
}

TEST(CiscoAsaParserTest, SamplesInRfc3164) {
  for (const char* sample : kSampleLines) {
    for (const char* header :
         {"<166>Nov 20 10:00:00 asa01 ", "<166>Nov 20 2026 10:00:00 asa01 : ",
          "<166>Nov 20 10:00:00 ", "Nov 20 10:00:00 "}) {
      // Without a hostname, a bare body's first word would be taken for
      // one (RFC 3164 requires HOSTNAME); only tagged messages go so.
      if (sample[0] != '%' &&
          std::string(header).find("asa01") == std::string::npos) {
        continue;
      }
      std::string line = std::string(header) + sample;
      LineResult r = RunAsa(line);
      EXPECT_TRUE(r.detected) << line;
      EXPECT_TRUE(r.parsed) << line << ": " << r.error.detail;
      EXPECT_TRUE(r.syslog.has_time) << line;
    }
  }
}

TEST(CiscoAsaParserTest, DetectRejectsEveryOtherVendor) {
  EXPECT_GT(
      ExpectOtherVendorsRefused("cisco_asa", DetectCiscoAsa, ParseCiscoAsa),
      20u);
}

// ---------------------------------------------------------- event kinds

TEST(CiscoAsaParserTest, AddressTranslations) {
  NatEvent built = MustParse(
      "%ASA-6-305009: Built static translation from inside:10.1.5.35 to "
      "outside:203.0.113.35");
  EXPECT_EQ(built.action(), cgnat::v1::CREATE);
  EXPECT_EQ(built.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(built.protocol(), 0u);
  EXPECT_EQ(built.inside_ip(), Ip("10.1.5.35"));
  EXPECT_EQ(built.outside_ip(), Ip("203.0.113.35"));
  EXPECT_EQ(built.inside_port(), 0u);
  EXPECT_EQ(built.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  NatEvent teardown = MustParse(
      "%ASA-6-305010: Teardown dynamic translation from inside:10.1.5.35 to "
      "DMZ:10.1.5.35 duration 3:00:00");
  EXPECT_EQ(teardown.action(), cgnat::v1::DELETE);
  EXPECT_EQ(teardown.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(teardown.direction(), cgnat::v1::OUTBOUND);
}

TEST(CiscoAsaParserTest, StaticAndIcmpAndSeverity) {
  NatEvent e = MustParse(
      "%ASA-5-305011: Built static UDP translation from dmz_1:192.0.2.10/53 "
      "to outside-2.v100:198.51.100.10/53");
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  NatEvent icmp = MustParse(
      "%ASA-6-305012: Teardown dynamic ICMP translation from "
      "inside:10.0.0.5/1 to outside:198.51.100.1/27391 duration 0:00:30");
  EXPECT_EQ(icmp.protocol(), 1u);
  EXPECT_EQ(icmp.inside_port(), 1u);
  EXPECT_EQ(icmp.outside_port(), 27391u);
}

TEST(CiscoAsaParserTest, FtdPixAndFwsmTags) {
  NatEvent ftd = MustParse(
      "<166>Apr 10 18:52:47 labuser-ftdv : %FTD-6-305012: Teardown dynamic "
      "UDP translation from Inside:10.1.1.1/54000 to "
      "Outside:198.51.100.1/54000 duration 0:00:30");
  EXPECT_EQ(ftd.action(), cgnat::v1::DELETE);
  EXPECT_EQ(ftd.protocol(), 17u);
  NatEvent pix = MustParse(
      "%PIX-6-305011: Built dynamic TCP translation from inside:1.1.1.1/12 "
      "to outside:1.2.1.2/11");
  EXPECT_EQ(pix.outside_port(), 11u);
  NatEvent fwsm = MustParse(
      "local4.info Aug 02 2010 13:14:22: %FWSM-6-305010: Teardown dynamic "
      "translation from inside:10.1.5.35 to DMZ:10.1.5.35 duration 3:00:00");
  EXPECT_EQ(fwsm.mapping(), cgnat::v1::ADDRESS);
}

TEST(CiscoAsaParserTest, IdentityUserAndAclName) {
  NatEvent glued = MustParse(
      "%ASA-6-305011: Built dynamic TCP translation from "
      "inside:10.9.9.9/4242(LOCAL\\jdoe) to outside:203.0.113.9/61000");
  EXPECT_EQ(glued.inside_port(), 4242u);
  EXPECT_EQ(glued.outside_port(), 61000u);
  NatEvent spaced = MustParse(
      "%ASA-6-305010: Teardown static translation from inside:10.9.9.9 "
      "(CORP\\Jane Doe) to outside:203.0.113.9 duration 12:01:02");
  EXPECT_EQ(spaced.inside_ip(), Ip("10.9.9.9"));
  NatEvent acl = MustParse(
      "%ASA-6-305009: Built dynamic translation from inside(nat_acl):"
      "10.9.9.10 to outside:203.0.113.10");
  EXPECT_EQ(acl.inside_ip(), Ip("10.9.9.10"));
}

TEST(CiscoAsaParserTest, Ipv6Addresses) {
  NatEvent e = MustParse(
      "%ASA-6-305011: Built dynamic TCP translation from "
      "inside:2001:db8:1::25/51000 to outside:203.0.113.25/40001");
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8:1::25"));
  EXPECT_EQ(e.inside_ip().size(), 16u);
  EXPECT_EQ(e.inside_port(), 51000u);
  NatEvent six = MustParse(
      "%ASA-6-305012: Teardown static UDP translation from "
      "inside:fd00::8/500 to outside:2001:db8:ffff::8/500 duration 0:01:00");
  EXPECT_EQ(six.outside_ip(), Ip("2001:db8:ffff::8"));
}

TEST(CiscoAsaParserTest, PortBlocks) {
  NatEvent alloc = MustParse(
      "%ASA-6-305014: Allocated 512 block of ports for translation from "
      "inside:10.1.1.100 to outside:203.0.113.10/1024-1535");
  EXPECT_EQ(alloc.action(), cgnat::v1::CREATE);
  EXPECT_EQ(alloc.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(alloc.protocol(), 0u);
  EXPECT_EQ(alloc.inside_ip(), Ip("10.1.1.100"));
  EXPECT_EQ(alloc.outside_ip(), Ip("203.0.113.10"));
  EXPECT_EQ(alloc.port_block_start(), 1024u);
  EXPECT_EQ(alloc.port_block_end(), 1535u);
  NatEvent release = MustParse(
      "%ASA-6-305015: Released TCP block of ports for translation from "
      "inside:10.1.1.100 to outside:203.0.113.10/1024-1535");
  EXPECT_EQ(release.action(), cgnat::v1::DELETE);
  EXPECT_EQ(release.protocol(), 6u);
  NatEvent interim = MustParse(
      "%ASA-3-305017: Pba-interim-logging: Active ICMP block of ports for "
      "translation from inside:10.1.1.100 to outside:203.0.113.10/1536-2047");
  EXPECT_EQ(interim.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(interim.protocol(), 1u);
  EXPECT_EQ(interim.port_block_start(), 1536u);
}

// --------------------------------------------------------------- times

TEST(CiscoAsaParserTest, AsaTimestampBeforeTheTag) {
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  // "logging timestamp" with no header the relay recognizes.
  LineResult r = RunAsa(
      "<166>Nov 20 2026 11:00:05: %ASA-6-305011: Built dynamic TCP "
      "translation from inside:10.0.0.1/1000 to outside:203.0.113.1/2000",
      berlin);
  ASSERT_TRUE(r.parsed) << r.error.detail;
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, UnixMillis(2026, 11, 20, 10, 0, 5));

  LineResult utc = RunAsa(
      "<166>:Nov 20 2026 11:00:05.250 UTC: %ASA-6-305011: Built dynamic TCP "
      "translation from inside:10.0.0.1/1000 to outside:203.0.113.1/2000",
      berlin);
  ASSERT_TRUE(utc.parsed) << utc.error.detail;
  EXPECT_EQ(utc.body_time.ms, UnixMillis(2026, 11, 20, 11, 0, 5) + 250);

  // No year: the header's (or the record's) time stands.
  LineResult yearless = RunAsa(
      "<166>:Nov 20 11:00:05 UTC: %ASA-6-305011: Built dynamic TCP "
      "translation from inside:10.0.0.1/1000 to outside:203.0.113.1/2000");
  ASSERT_TRUE(yearless.parsed) << yearless.error.detail;
  EXPECT_FALSE(yearless.body_time.present);

  // A zone name that needs a database: not read.
  LineResult named = RunAsa(
      "<166>:Nov 20 2026 11:00:05 CET: %ASA-6-305011: Built dynamic TCP "
      "translation from inside:10.0.0.1/1000 to outside:203.0.113.1/2000");
  ASSERT_TRUE(named.parsed) << named.error.detail;
  EXPECT_FALSE(named.body_time.present);
}

// ----------------------------------------------------------- rejections

class CiscoAsaRejectTest : public ::testing::TestWithParam<DetectedBadLine> {};

TEST_P(CiscoAsaRejectTest, Rejects) {
  ExpectRejected(RunAsa(GetParam().line), GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, CiscoAsaRejectTest,
    ::testing::Values(
        DetectedBadLine{"hello world", false, "unrecognized",
                        "cisco_asa: no %ASA-/%FTD- message tag"},
        DetectedBadLine{
            "%ASA-6-302013: Built outbound TCP connection 9 for "
            "outside:10.1.2.1/22 (10.1.2.1/22) to inside:10.1.1.2/53496 "
            "(10.1.1.2/53496)",
            true, "unrecognized",
            "cisco_asa: message id is not a NAT translation event"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/70000 to outside:203.0.113.1/2000",
                        true, "invalid_value", "cisco_asa: invalid real port"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/1000 to outside:203.0.113.1/",
                        true, "invalid_value",
                        "cisco_asa: invalid mapped port"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.256/1000 to outside:203.0.113.1/2000",
                        true, "invalid_value",
                        "cisco_asa: invalid real address"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/1000 to outside:zz/2000",
                        true, "invalid_value",
                        "cisco_asa: invalid mapped address"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic FOO translation from "
                        "inside:10.0.0.1/1000 to outside:203.0.113.1/2000",
                        true, "invalid_value", "cisco_asa: unknown protocol"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/1000",
                        true, "unrecognized",
                        "cisco_asa: expected ' to ' after the real address"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic", true, "unrecognized",
                        "cisco_asa: truncated translation message"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP", true,
                        "unrecognized", "cisco_asa: expected 'translation'"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation to "
                        "outside:203.0.113.1/2000",
                        true, "unrecognized", "cisco_asa: expected 'from'"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic translation from "
                        "inside:10.0.0.1 to outside:203.0.113.1",
                        true, "unrecognized",
                        "cisco_asa: message text does not match its id"},
        DetectedBadLine{
            "%ASA-6-305011: Teardown dynamic TCP translation from "
            "inside:10.0.0.1/1 to outside:203.0.113.1/2 duration 0:00:01",
            true, "unrecognized",
            "cisco_asa: message text does not match its id"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1 to outside:203.0.113.1",
                        true, "unrecognized",
                        "cisco_asa: a port translation needs both ports"},
        DetectedBadLine{"Built dynamic translation from inside:10.0.0.1/5 to "
                        "outside:203.0.113.1/6",
                        true, "unrecognized",
                        "cisco_asa: an address translation has no ports"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/1-9 to outside:203.0.113.1/2000",
                        true, "invalid_value",
                        "cisco_asa: a translation has single ports"},
        DetectedBadLine{
            "%ASA-6-305012: Teardown dynamic TCP translation from "
            "inside:10.0.0.1/1 to outside:203.0.113.1/2 duration 0:0x:01",
            true, "invalid_value", "cisco_asa: invalid duration"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside:10.0.0.1/1 to outside:203.0.113.1/2 extra",
                        true, "unrecognized",
                        "cisco_asa: unexpected text after the translation"},
        DetectedBadLine{"%ASA-6-305011: Built dynamic TCP translation from "
                        "inside 10.0.0.1/1 to outside:203.0.113.1/2",
                        true, "unrecognized",
                        "cisco_asa: expected interface:address"},
        DetectedBadLine{"%ASA-6-305011: Frobbed dynamic TCP translation from "
                        "inside:10.0.0.1/1 to outside:203.0.113.1/2",
                        true, "unrecognized",
                        "cisco_asa: expected Built or Teardown"},
        DetectedBadLine{"%ASA-6-305011: Built dynamical TCP translation from "
                        "inside:10.0.0.1/1 to outside:203.0.113.1/2",
                        true, "unrecognized",
                        "cisco_asa: expected 'dynamic' or 'static'"},
        DetectedBadLine{
            "%ASA-6-305014: Released 512 block of ports for translation "
            "from inside:10.1.1.100 to outside:203.0.113.10/1024-1535",
            true, "unrecognized",
            "cisco_asa: message text does not match its id"},
        DetectedBadLine{
            "%ASA-6-305014: Allocated 512 block of ports for translation "
            "from inside:10.1.1.100 to outside:203.0.113.10/1535-1024",
            true, "invalid_value", "cisco_asa: invalid mapped port"},
        DetectedBadLine{
            "%ASA-6-305014: Allocated 512 block of ports for translation "
            "from inside:10.1.1.100 to outside:203.0.113.10/1024",
            true, "unrecognized",
            "cisco_asa: a port block is IFC:IP to IFC:IP/FIRST-LAST"},
        DetectedBadLine{"%ASA-6-305014: Allocated 512 blocks of ports", true,
                        "unrecognized",
                        "cisco_asa: expected 'block of ports for translation'"},
        DetectedBadLine{
            "%ASA-6-305015: Released XYZ block of ports for translation "
            "from inside:10.1.1.100 to outside:203.0.113.10/1024-1535",
            true, "invalid_value", "cisco_asa: unknown protocol"},
        DetectedBadLine{"%ASA-6-305017: Pba-interim-logging: Active  block",
                        true, "unrecognized",
                        "cisco_asa: truncated block message"}));

// ------------------------------------------------------------- fixture

TEST(CiscoAsaParserTest, FixtureFileParses) {
  int count = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/cisco_asa.log")) {
    LineResult r = RunAsa(line);
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

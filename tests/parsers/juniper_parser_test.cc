// Tests of the Juniper parser: the samples-file lines (bare and wrapped in
// RFC 5424 / RFC 3164 headers), every message kind of the grammar (SRX
// RT_FLOW structured and text, RT_SRC_NAT_PBA_*, MX-SPC3 _USF, MS-MPC
// session and port block messages, MS-DPC ASP port blocks), IPv6 / NAT64,
// each rejection reason, the fixture file, and auto-detection against the
// other vendors' samples.
#include <string>
#include <vector>

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

LineResult RunJuniper(const std::string& line) {
  return testing_util::RunLine(line, DetectJuniper, ParseJuniper);
}

LineResult MustParse(const std::string& line) {
  return MustParseLine(line, DetectJuniper, ParseJuniper);
}

// A Juniper line that must be detected and then rejected for `detail`,
// leaving the event and the body time untouched.
void ExpectRejected(const std::string& line, const char* reason_class,
                    const char* detail) {
  LineResult r = RunJuniper(line);
  EXPECT_TRUE(r.framed) << line;
  EXPECT_TRUE(r.detected) << line;
  testing_util::ExpectRejected(r, reason_class, detail);
  testing_util::ExpectNothingFilled(r);
}

std::string Replace(std::string s, const std::string& from,
                    const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// "APP - ID [k=v ...]" as Junos itself sends it: an RFC 5424 header and
// the SD-ID inside the element.
std::string As5424(const std::string& bare) {
  return "<14>1 2026-11-20T11:58:01.000Z srx4600-cgn1 " +
         Replace(bare, "[", "[junos@2636.1.1.1.2.129 ");
}

// A relay's BSD header in front of any body.
std::string As3164(const std::string& body) {
  return "<14>Nov 20 11:58:01 srx4600-cgn1 " + body;
}

// An RFC 5424 header without MSGID; the whole body is the message.
std::string As5424Message(const std::string& body) {
  return "<14>1 2026-11-20T11:58:01.000Z mx960-cgn1 - - - - " + body;
}

// The samples-file lines, verbatim.
constexpr char kSampleCreate[] =
    R"S(RT_FLOW - RT_FLOW_SESSION_CREATE [source-address="10.0.10.10" source-port="46776" destination-address="1.2.84.162" destination-port="80" connection-tag="0" service-name="junos-http" nat-source-address="1.2.84.172" nat-source-port="53328" nat-destination-address="1.2.84.162" nat-destination-port="80" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="untrust" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="permit" source-zone-name="trust" destination-zone-name="untrust" session-id="92317" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/0.0" application="UNKNOWN" nested-application="UNKNOWN" encrypted="UNKNOWN" application-category="N/A" application-sub-category="N/A" application-risk="-1" application-characteristics="N/A" src-vrf-grp="N/A" dst-vrf-grp="N/A" tunnel-inspection="Off" tunnel-inspection-policy-set="root"])S";
constexpr char kSampleClose[] =
    R"S(RT_FLOW - RT_FLOW_SESSION_CLOSE [reason="TCP FIN" source-address="10.0.10.2" source-port="63996" destination-address="1.2.84.162" destination-port="80" connection-tag="0" service-name="junos-http" nat-source-address="1.2.84.169" nat-source-port="4986" nat-destination-address="1.2.84.162" nat-destination-port="80" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="untrust" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="permit" source-zone-name="trust" destination-zone-name="untrust" session-id="178" packets-from-client="663496" bytes-from-client="34501936" packets-from-server="719792" bytes-from-server="1079262436" elapsed-time="249" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/0.0" encrypted="UNKNOWN" application-category="N/A" application-sub-category="N/A" application-risk="-1" application-characteristics="N/A" secure-web-proxy-session-type="NA" peer-session-id="0" peer-source-address="0.0.0.0" peer-source-port="0" peer-destination-address="0.0.0.0" peer-destination-port="0" hostname="NA NA" src-vrf-grp="N/A" dst-vrf-grp="N/A" tunnel-inspection="Off" tunnel-inspection-policy-set="root" session-flag="0"])S";
constexpr char kSamplePbaAlloc[] =
    R"S(RT_NAT - RT_SRC_NAT_PBA_ALLOC [internal-ip="10.0.10.10" block-used="1" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0492"])S";
constexpr char kSamplePbaInterim[] =
    R"S(RT_NAT - RT_SRC_NAT_PBA_INTERIM [internal-ip="10.0.10.10" block-used="1" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0492"])S";
constexpr char kSamplePbaRelease[] =
    R"S(RT_NAT - RT_SRC_NAT_PBA_RELEASE [internal-ip="10.0.10.10" block-used="0" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0cc7"])S";
constexpr char kSampleTextClose[] =
    R"S(Dec 17 08:05:30 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 10.10.10.2/53836->10.10.10.1/22 junos-ssh 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 78(6657) 122(13305) 45 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No )S";
constexpr char kSampleTextCreate[] =
    R"S(Dec 17 08:04:45 RT_FLOW: RT_FLOW_SESSION_CREATE: session created 10.10.10.2/53836->10.10.10.1/22 junos-ssh 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 N/A(N/A) ge-0/0/1.0)S";
constexpr char kSampleRuleMatch[] =
    R"S({service_set_3}[jservices-nat]: JSERVICES_NAT_RULE_MATCH: proto 17(UDP) app: any, xe-3/1/1.0#012 192.0.2.2/18575 -> 23.0.0.2/63,Match NAT rule-set (null) rule nat-basic_1 term t1)S";
constexpr char kSampleServicesOpen[] =
    R"S({service_set_3}MSVCS_LOG_SESSION_OPEN: App:none, xe-3/1/1.0#012 24.0.0.2:18575 [198.51.100.17:1048] -> 23.0.0.2:63 (UDP))S";
constexpr char kSampleServicesClose[] =
    R"S({service_set_3}MSVCS_LOG_SESSION_CLOSE: App:none, xe-3/1/1.0#012 24.0.0.2:18575 [198.51.100.17:1048] -> 23.0.0.2:63 (UDP))S";

void ExpectSampleCreate(const LineResult& r) {
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.10.10"));
  EXPECT_EQ(e.inside_port(), 46776u);
  EXPECT_EQ(e.outside_ip(), Ip("1.2.84.172"));
  EXPECT_EQ(e.outside_port(), 53328u);
  EXPECT_EQ(e.destination_ip(), Ip("1.2.84.162"));
  EXPECT_EQ(e.destination_port(), 80u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_EQ(e.vrf(), "");  // src-vrf-grp="N/A"
  EXPECT_EQ(e.port_block_start(), 0u);
  EXPECT_FALSE(r.body_time.present);
  EXPECT_TRUE(e.device().empty());
  EXPECT_TRUE(e.vendor().empty());
  EXPECT_FALSE(e.has_event_time());
}

TEST(JuniperParserTest, SampleStructuredCreate) {
  ExpectSampleCreate(MustParse(kSampleCreate));
  ExpectSampleCreate(MustParse(As5424(kSampleCreate)));
  ExpectSampleCreate(MustParse(As3164(kSampleCreate)));
  ExpectSampleCreate(MustParse(As5424Message(kSampleCreate)));
}

void ExpectSampleClose(const LineResult& r) {
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.10.2"));
  EXPECT_EQ(e.inside_port(), 63996u);
  EXPECT_EQ(e.outside_ip(), Ip("1.2.84.169"));
  EXPECT_EQ(e.outside_port(), 4986u);
  EXPECT_EQ(e.destination_ip(), Ip("1.2.84.162"));
  EXPECT_EQ(e.destination_port(), 80u);
}

TEST(JuniperParserTest, SampleStructuredClose) {
  ExpectSampleClose(MustParse(kSampleClose));
  ExpectSampleClose(MustParse(As5424(kSampleClose)));
  ExpectSampleClose(MustParse(As3164(kSampleClose)));
}

void ExpectSamplePba(const LineResult& r, cgnat::v1::Action action,
                     int64_t epoch_seconds) {
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), action);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.inside_ip(), Ip("10.0.10.10"));
  EXPECT_EQ(e.outside_ip(), Ip("1.2.84.172"));
  EXPECT_EQ(e.port_block_start(), 48640u);
  EXPECT_EQ(e.port_block_end(), 48895u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_EQ(e.protocol(), 0u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, epoch_seconds * 1000);
}

TEST(JuniperParserTest, SamplePortBlocks) {
  // epoch-time-64 is hexadecimal seconds: 0x624b0492 is
  // 2022-04-04T14:45:38Z.
  for (const std::string& line :
       {std::string(kSamplePbaAlloc), As5424(kSamplePbaAlloc),
        As3164(kSamplePbaAlloc)}) {
    ExpectSamplePba(MustParse(line), cgnat::v1::CREATE, 1649083538);
  }
  for (const std::string& line :
       {std::string(kSamplePbaInterim), As5424(kSamplePbaInterim),
        As3164(kSamplePbaInterim)}) {
    ExpectSamplePba(MustParse(line), cgnat::v1::UPDATE, 0x624b0492);
  }
  for (const std::string& line :
       {std::string(kSamplePbaRelease), As5424(kSamplePbaRelease),
        As3164(kSamplePbaRelease)}) {
    ExpectSamplePba(MustParse(line), cgnat::v1::DELETE, 0x624b0cc7);
  }
}

TEST(JuniperParserTest, SampleTextSessionsWithoutNatAreRejected) {
  // The logstash samples translate 10.10.10.2/53836 onto itself ("None
  // None" rules): a plain firewall session, not a NAT mapping.
  const char* kNoNat = "juniper: session without source NAT";
  ExpectRejected(kSampleTextClose, "unrecognized", kNoNat);
  ExpectRejected(kSampleTextCreate, "unrecognized", kNoNat);
  // With a relay's host name, as RFC 3164.
  ExpectRejected(Replace(kSampleTextClose, "RT_FLOW:", "srx1 RT_FLOW:"),
                 "unrecognized", kNoNat);
  ExpectRejected(
      "<14>" + Replace(kSampleTextCreate, "RT_FLOW:", "srx1 RT_FLOW:"),
      "unrecognized", kNoNat);
  // RFC 5424, the id as MSGID and the text as MSG.
  std::string text_close(kSampleTextClose);
  text_close = text_close.substr(text_close.find("session closed"));
  ExpectRejected(
      "<14>1 2026-12-17T08:05:30Z srx1 RT_FLOW - "
      "RT_FLOW_SESSION_CLOSE - " +
          text_close,
      "unrecognized", kNoNat);
}

TEST(JuniperParserTest, SampleTextLayoutWithNat) {
  // The samples' exact layout with the second tuple translated.
  const std::string line =
      Replace(kSampleTextCreate, "junos-ssh 10.10.10.2/53836",
              "junos-ssh 198.51.100.9/40001");
  LineResult r = MustParse(line);
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.event.protocol(), 6u);
  EXPECT_EQ(r.event.inside_ip(), Ip("10.10.10.2"));
  EXPECT_EQ(r.event.inside_port(), 53836u);
  EXPECT_EQ(r.event.outside_ip(), Ip("198.51.100.9"));
  EXPECT_EQ(r.event.outside_port(), 40001u);
  EXPECT_EQ(r.event.destination_ip(), Ip("10.10.10.1"));
  EXPECT_EQ(r.event.destination_port(), 22u);
  EXPECT_EQ(r.syslog.app_name, "RT_FLOW");

  r = MustParse(Replace(kSampleTextClose, "junos-ssh 10.10.10.2/53836",
                        "junos-ssh 198.51.100.9/40001"));
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.outside_port(), 40001u);
  EXPECT_EQ(r.event.destination_port(), 22u);
}

TEST(JuniperParserTest, SampleNatRuleMatchIsNotAMapping) {
  const char* kOther =
      "juniper: message id is not a NAT session or port block event";
  ExpectRejected(kSampleRuleMatch, "unrecognized", kOther);
  ExpectRejected(As3164(kSampleRuleMatch), "unrecognized", kOther);
  ExpectRejected(As5424Message(kSampleRuleMatch), "unrecognized", kOther);
}

void ExpectSampleServices(const LineResult& r, cgnat::v1::Action action) {
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), action);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "service_set_3");
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_ip(), Ip("24.0.0.2"));
  EXPECT_EQ(e.inside_port(), 18575u);
  EXPECT_EQ(e.outside_ip(), Ip("198.51.100.17"));
  EXPECT_EQ(e.outside_port(), 1048u);
  EXPECT_EQ(e.destination_ip(), Ip("23.0.0.2"));
  EXPECT_EQ(e.destination_port(), 63u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
}

TEST(JuniperParserTest, SampleServicesSessions) {
  for (const std::string& line :
       {std::string(kSampleServicesOpen), As3164(kSampleServicesOpen),
        As5424Message(kSampleServicesOpen)}) {
    ExpectSampleServices(MustParse(line), cgnat::v1::CREATE);
  }
  for (const std::string& line :
       {std::string(kSampleServicesClose), As3164(kSampleServicesClose),
        As5424Message(kSampleServicesClose)}) {
    ExpectSampleServices(MustParse(line), cgnat::v1::DELETE);
  }
  // As MSGID of an RFC 5424 header the service set is not in the body.
  LineResult r = MustParse(
      "<30>1 2026-11-20T11:58:01Z mx960 jservices - MSVCS_LOG_SESSION_OPEN - "
      "App:none, xe-3/1/1.0#012 24.0.0.2:18575 [198.51.100.17:1048] -> "
      "23.0.0.2:63 (UDP)");
  EXPECT_EQ(r.event.vrf(), "");
  EXPECT_EQ(r.event.outside_port(), 1048u);
}

// ---------------------------------------------------------------------------
// Structured RT_FLOW beyond the samples

TEST(JuniperParserTest, NextGenServicesDocumentedSample) {
  // Juniper, "System Log Error Messages for Next Gen Services".
  const std::string line =
      R"(<14>1 2018-06-26T17:23:06.269-07:00 booklet RT_FLOW - RT_FLOW_SESSION_CREATE_USF [junos@2636.1.1.1.2.25 prefix="SYSLOG-PREFIX" service-set-name="JNPR-NH-SSET3" source-address="50.0.0.10" source-port="1" destination-address="60.0.0.10" destination-port="21219" connection-tag="0" service-name="icmp" nat-source-address="100.0.0.1" nat-source-port="1024" nat-destination-address="60.0.0.10" nat-destination-port="21219" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="SRC-NAT-RULE1" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="1" policy-name="p1" source-zone-name="JNPR-NH-SSET3-ZoneIn" destination-zone-name="JNPR-NH-SSET3-ZoneOut" session-id-32="160000001" username="N/A" roles="N/A" packet-incoming-interface="vms-2/0/0.100" application="UNKNOWN" nestedapplication="UNKNOWN" encrypted="UNKNOWN" application-category="N/A" application-sub-category="N/A" application-risk="-1"])";
  LineResult r = MustParse(line);
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.vrf(), "JNPR-NH-SSET3");
  EXPECT_EQ(r.event.protocol(), 1u);
  EXPECT_EQ(r.event.inside_ip(), Ip("50.0.0.10"));
  EXPECT_EQ(r.event.inside_port(), 1u);
  EXPECT_EQ(r.event.outside_ip(), Ip("100.0.0.1"));
  EXPECT_EQ(r.event.outside_port(), 1024u);
  EXPECT_EQ(r.event.destination_port(), 21219u);
  EXPECT_EQ(r.syslog.hostname, "booklet");
}

TEST(JuniperParserTest, ShowSecurityLogSampleWithoutNatIsRejected) {
  // Juniper, "show security log file": an ICMP session whose NAT'd source
  // is the source itself.
  ExpectRejected(
      R"(<14>1 2011-08-28T21:14:43 topstar RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.34 source-address="7.7.7.2" source-port="1" destination-address="8.8.8.2" destination-port="5636" service-name="icmp" nat-source-address="7.7.7.2" nat-source-port="1" nat-destination-address="8.8.8.2" nat-destination-port="5636" src-nat-rule-name="None" dst-nat-rule-name="None" protocol-id="1" policy-name="client-to-server" source-zone-name="client" destination-zone-name="server" session-id-32="41"])",
      "unrecognized", "juniper: session without source NAT");
  // nat-source-address 0.0.0.0 means the same.
  ExpectRejected(Replace(kSampleCreate, R"(nat-source-address="1.2.84.172")",
                         R"(nat-source-address="0.0.0.0")"),
                 "unrecognized", "juniper: session without source NAT");
  // The same address with another port is still a translation.
  LineResult r =
      MustParse(Replace(kSampleCreate, R"(nat-source-address="1.2.84.172")",
                        R"(nat-source-address="10.0.10.10")"));
  EXPECT_EQ(r.event.outside_ip(), Ip("10.0.10.10"));
  EXPECT_EQ(r.event.outside_port(), 53328u);
}

TEST(JuniperParserTest, Nat64StructuredSession) {
  LineResult r = MustParse(
      As5424(Replace(Replace(kSampleCreate, R"(source-address="10.0.10.10")",
                             R"(source-address="2001:db8:100::23")"),
                     R"(destination-address="1.2.84.162")",
                     R"(destination-address="64:ff9b::102:54a2")")));
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8:100::23"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.outside_ip(), Ip("1.2.84.172"));
  EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::102:54a2"));
}

TEST(JuniperParserTest, StructuredVrfChoice) {
  LineResult r = MustParse(
      Replace(kSampleCreate, R"(src-vrf-grp="N/A")", R"(src-vrf-grp="SUBS")"));
  EXPECT_EQ(r.event.vrf(), "SUBS");
  r = MustParse(
      Replace(kSampleCreate, R"(tunnel-inspection="Off")",
              R"(routing-instance="CGN-IN" tunnel-inspection="Off")"));
  EXPECT_EQ(r.event.vrf(), "CGN-IN");
  r = MustParse(Replace(kSampleCreate, R"(source-address=)",
                        R"(service-set-name="SS1" source-address=)"));
  EXPECT_EQ(r.event.vrf(), "SS1");
}

TEST(JuniperParserTest, StructuredDataWinsOverText) {
  LineResult r = MustParse(
      As5424(kSampleCreate) +
      " session created 10.0.10.10/46776->1.2.84.162/80 0x0 junos-http "
      "1.2.84.172/53328->1.2.84.162/80 0x0 source rule untrust N/A N/A 6 "
      "permit trust untrust 92317 N/A(N/A) ge-0/0/0.0");
  ExpectSampleCreate(r);
  // Structured data of another SD-ID: the text is read.
  r = MustParse(
      "<14>1 2026-11-20T11:58:01Z srx1 RT_FLOW - RT_FLOW_SESSION_CREATE "
      "[meta sequenceId=\"7\"] session created 10.0.10.10/46776->"
      "1.2.84.162/80 0x0 junos-http 1.2.84.172/53328->1.2.84.162/80 0x0 "
      "source rule untrust N/A N/A 6 permit trust untrust 92317");
  ExpectSampleCreate(r);
}

// ---------------------------------------------------------------------------
// Text RT_FLOW layouts

TEST(JuniperParserTest, TextWithConnectionTagsAndRuleTypes) {
  const std::string line =
      "<14>Nov 20 11:58:05 srx340 RT_FLOW: RT_FLOW_SESSION_CREATE: session "
      "created 192.168.10.23/50322->93.184.216.34/443 0x0 junos-https "
      "198.51.100.66/29411->93.184.216.34/443 0x0 source rule r1 N/A N/A 6 "
      "allow-web trust untrust 12044 N/A(N/A) ge-0/0/1.0 UNKNOWN UNKNOWN";
  LineResult r = MustParse(line);
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.protocol(), 6u);
  EXPECT_EQ(r.event.inside_ip(), Ip("192.168.10.23"));
  EXPECT_EQ(r.event.outside_ip(), Ip("198.51.100.66"));
  EXPECT_EQ(r.event.outside_port(), 29411u);
  EXPECT_EQ(r.event.destination_port(), 443u);
  EXPECT_EQ(r.syslog.hostname, "srx340");

  // Static source NAT and destination NAT: five rule tokens.
  r = MustParse(
      "<14>Nov 20 11:58:07 srx340 RT_FLOW: RT_FLOW_SESSION_CLOSE: session "
      "closed TCP CLIENT RST: 192.168.20.5/40001->203.0.113.80/8080 0x0 None "
      "198.51.100.67/40001->10.20.0.80/80 0x0 static rule s1 destination "
      "rule d1 17 allow trust dmz 12050 5(400) 4(320) 54");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.destination_ip(), Ip("203.0.113.80"));
  EXPECT_EQ(r.event.destination_port(), 8080u);
  EXPECT_EQ(r.event.outside_ip(), Ip("198.51.100.67"));

  // No NAT rule of either kind typed "N/A", destination rule only.
  r = MustParse(
      "RT_FLOW_SESSION_CREATE: session created 10.0.0.1/1000->192.0.2.1/80 "
      "0x0 junos-http 198.51.100.1/2000->192.0.2.1/80 0x0 N/A N/A "
      "destination rule d1 6 p z1 z2 1");
  EXPECT_EQ(r.event.protocol(), 6u);
  EXPECT_EQ(r.event.outside_port(), 2000u);
}

TEST(JuniperParserTest, TextReasonsWithSpacesAndIpv6) {
  for (const char* reason : {"TCP FIN", "idle Timeout", "TCP CLIENT RST",
                             "response received", "unset"}) {
    LineResult r = MustParse(
        std::string("<14>Nov 20 12:00:00 srx1 RT_FLOW: RT_FLOW_SESSION_CLOSE: "
                    "session closed ") +
        reason +
        ": 2001:db8::10/51000->64:ff9b::c000:201/443 0x0 junos-https "
        "198.51.100.5/1100->192.0.2.1/443 0x0 source rule nat64 static rule "
        "pfx64 6 p1 v6 inet 5 9(1100) 11(4020) 30");
    EXPECT_EQ(r.event.action(), cgnat::v1::DELETE) << reason;
    EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::10")) << reason;
    EXPECT_EQ(r.event.inside_port(), 51000u) << reason;
    EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::c000:201")) << reason;
    EXPECT_EQ(r.event.outside_ip(), Ip("198.51.100.5")) << reason;
  }
}

TEST(JuniperParserTest, NextGenServicesTextPrefix) {
  LineResult r = MustParse(
      "<14>Nov 20 12:05:00 mx1 RT_FLOW: RT_FLOW_SESSION_CLOSE_USF: Prefix "
      "CGN svc-set-name SSET-EDGE: session closed TCP FIN: "
      "100.68.1.9/51000->198.18.0.10/22 0x0 junos-ssh "
      "198.51.100.251/1100->198.18.0.10/22 0x0 source rule edge N/A N/A 6 "
      "p1 zin zout 170000002 9(1100) 11(4020) 300");
  EXPECT_EQ(r.event.vrf(), "SSET-EDGE");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.outside_port(), 1100u);
}

// ---------------------------------------------------------------------------
// RT_SRC_NAT_PBA_* text and IPv6

TEST(JuniperParserTest, PortBlockText) {
  LineResult r = MustParse(
      "<14>Jun 30 22:44:25 bng-01 RT_NAT: RT_SRC_NAT_PBA_ALLOC: Subscriber "
      "100.64.60.74 used/maximum [10/15] blocks, allocates port block "
      "[24064-24191] from 203.0.113.100 in source pool POOL1 lsys_id: 0 "
      "epoch 0x6a44007a");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(r.event.inside_ip(), Ip("100.64.60.74"));
  EXPECT_EQ(r.event.outside_ip(), Ip("203.0.113.100"));
  EXPECT_EQ(r.event.port_block_start(), 24064u);
  EXPECT_EQ(r.event.port_block_end(), 24191u);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, int64_t{0x6a44007a} * 1000);

  r = MustParse(
      "<14>Jun 30 23:44:25 bng-01 RT_NAT: RT_SRC_NAT_PBA_RELEASE: Subscriber "
      "2001:db8::7 used/maximum [5/15] blocks, releases port block "
      "[1024-1151] from 203.0.113.101 in source pool POOL1 lsys_id: 0");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::7"));
  EXPECT_EQ(r.event.port_block_end(), 1151u);
  EXPECT_FALSE(r.body_time.present);

  r = MustParse(
      "RT_SRC_NAT_PBA_INTERIM: Subscriber 100.64.60.74 used/maximum [10/15] "
      "blocks, port block [24064-24191] from 203.0.113.100 in source pool "
      "POOL1 lsys_id: 0");
  EXPECT_EQ(r.event.action(), cgnat::v1::UPDATE);
}

TEST(JuniperParserTest, PortBlockStructuredIpv6Inside) {
  LineResult r =
      MustParse(As5424(Replace(kSamplePbaAlloc, R"(internal-ip="10.0.10.10")",
                               R"(internal-ip="2001:db8:1::5")")));
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8:1::5"));
  EXPECT_EQ(r.event.outside_ip(), Ip("1.2.84.172"));
  // epoch-time-64 is optional; "0x" prefixed values are accepted.
  r = MustParse(Replace(kSamplePbaAlloc, R"( epoch-time-64="624b0492")", ""));
  EXPECT_FALSE(r.body_time.present);
  r = MustParse(Replace(kSamplePbaAlloc, R"(epoch-time-64="624b0492")",
                        R"(epoch-time-64="0x624b0492")"));
  EXPECT_EQ(r.body_time.ms, int64_t{0x624b0492} * 1000);
}

// ---------------------------------------------------------------------------
// MS-MPC / MS-DPC

TEST(JuniperParserTest, ServicesSessionVariants) {
  // MS-MPC prefix with slot and date, "[jservices-nat]" tag.
  LineResult r = MustParse(
      "<30>Nov 20 11:58:13 mx960 (FPC Slot 3, PIC Slot 1) 2026-11-20 "
      "11:58:13: {cgn-sset-2}[jservices-nat]: JSERVICES_SESSION_OPEN: "
      "application:icmp, ge-2/1/4.0 40.1.1.2:56350 [70.0.0.3:1024] ->  "
      "100.1.1.2:2048 (ICMP ECHO REQUEST)");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.vrf(), "cgn-sset-2");
  EXPECT_EQ(r.event.protocol(), 1u);
  EXPECT_EQ(r.event.inside_ip(), Ip("40.1.1.2"));
  EXPECT_EQ(r.event.outside_ip(), Ip("70.0.0.3"));
  EXPECT_EQ(r.event.outside_port(), 1024u);
  EXPECT_EQ(r.event.destination_ip(), Ip("100.1.1.2"));
  EXPECT_EQ(r.event.destination_port(), 2048u);

  // NAT64: IPv6 "address:port", destination NAT before the destination.
  r = MustParse(
      "{nat64}[jservices-nat]: JSERVICES_SESSION_CLOSE: application:icmpv6, "
      "ge-2/1/4.0 2001::2:54045 [80.0.0.8:1024] -> [100.1.1.2] "
      "64:ff9b::6401:102:32768 (ICMPV6 ECHO REQUEST)");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.vrf(), "nat64");
  EXPECT_EQ(r.event.protocol(), 58u);
  EXPECT_EQ(r.event.inside_ip(), Ip("2001::2"));
  EXPECT_EQ(r.event.inside_port(), 54045u);
  EXPECT_EQ(r.event.outside_ip(), Ip("80.0.0.8"));
  EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::6401:102"));
  EXPECT_EQ(r.event.destination_port(), 32768u);

  // Destination NAT after the destination; no application or interface.
  r = MustParse(
      "MSVCS_LOG_SESSION_OPEN: 40.1.1.2:56350 [70.0.0.3:1024] -> "
      "90.1.1.2:32768 [50.1.1.2] (TCP)");
  EXPECT_EQ(r.event.protocol(), 6u);
  EXPECT_EQ(r.event.destination_ip(), Ip("90.1.1.2"));

  // Basic NAT (address only): the port is kept.
  r = MustParse(
      "MSVCS_LOG_SESSION_OPEN: App: icmp, ge-2/1/4.0 40.1.1.2:56350 "
      "[70.0.0.3] -> 90.1.1.2:32768 (ICMP)");
  EXPECT_EQ(r.event.outside_ip(), Ip("70.0.0.3"));
  EXPECT_EQ(r.event.outside_port(), 56350u);

  // Bracketed IPv6 endpoints are read too.
  r = MustParse(
      "MSVCS_LOG_SESSION_OPEN: [2001:db8::1]:5000 [192.0.2.1:6000] -> "
      "[64:ff9b::1]:80 (TCP)");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::1"));
  EXPECT_EQ(r.event.inside_port(), 5000u);
  EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::1"));
}

TEST(JuniperParserTest, ServicesSessionWithoutNatIsRejected) {
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: App: icmp, ge-2/1/4.0 40.1.1.2:56350 -> "
      "90.1.1.2:32768 (ICMP)",
      "unrecognized", "juniper: session without source NAT");
}

TEST(JuniperParserTest, ServicesPortBlocks) {
  LineResult r = MustParse(
      "<30>Nov 20 11:58:15 mx960 (FPC Slot 3, PIC Slot 1) 2026-11-20 "
      "11:58:15: {cgn}[jservices-nat]: JSERVICES_NAT_PORT_BLOCK_ALLOC: "
      "100.65.10.4 -> 198.51.100.141:2048-2303 0x6b0035cf");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(r.event.vrf(), "");  // port blocks carry no vrf
  EXPECT_EQ(r.event.inside_ip(), Ip("100.65.10.4"));
  EXPECT_EQ(r.event.outside_ip(), Ip("198.51.100.141"));
  EXPECT_EQ(r.event.port_block_start(), 2048u);
  EXPECT_EQ(r.event.port_block_end(), 2303u);
  EXPECT_EQ(r.body_time.ms, int64_t{0x6b0035cf} * 1000);

  r = MustParse(
      "{cgn}[jservices-nat]: JSERVICES_NAT_PORT_BLOCK_ACTIVE: 100.65.10.4 -> "
      "198.51.100.141:2048-2303 0x6b003660");
  EXPECT_EQ(r.event.action(), cgnat::v1::UPDATE);
  r = MustParse(
      "{cgn}[jservices-nat]: JSERVICES_NAT_PORT_BLOCK_RELEASE: 100.65.10.4 "
      "-> 198.51.100.141:2048-2303");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_FALSE(r.body_time.present);

  // MS-DPC, NAT64 subscriber, no space after the tag's colon.
  const std::string asp =
      "Oct 30 21:46:04  graphite (FPC Slot 2, PIC Slot 0) 2011-10-31 "
      "04:46:04 [FWNAT]:ASP_NAT_PORT_BLOCK_ALLOC: 3002:0:0:0:0:0:0:1 -> "
      "33.33.0.3:1050-1099";
  r = MustParse(asp);
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.inside_ip(), Ip("3002::1"));
  EXPECT_EQ(r.event.port_block_start(), 1050u);
  EXPECT_EQ(r.event.port_block_end(), 1099u);
  EXPECT_EQ(r.syslog.hostname, "graphite");
  r = MustParse(
      "Oct 30 21:48:35  graphite (FPC Slot 2, PIC Slot 0) 2011-10-31 "
      "04:48:34 [FWNAT]:ASP_NAT_PORT_BLOCK_RELEASE: 3002:0:0:0:0:0:0:1 -> "
      "33.33.0.3:1050-1099");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
}

// ---------------------------------------------------------------------------
// Rejections

TEST(JuniperParserTest, RejectsBadPorts) {
  ExpectRejected(Replace(kSampleCreate, R"(source-port="46776")",
                         R"(source-port="70000")"),
                 "invalid_value", "juniper: invalid source-port");
  ExpectRejected(Replace(kSampleCreate, R"(nat-source-port="53328")",
                         R"(nat-source-port="-1")"),
                 "invalid_value", "juniper: invalid nat-source-port");
  ExpectRejected(Replace(kSampleCreate, R"(destination-port="80")",
                         R"(destination-port="65536")"),
                 "invalid_value", "juniper: invalid destination-port");
  ExpectRejected(
      Replace(kSampleTextCreate, "10.10.10.2/53836->10.10.10.1/22 junos-ssh",
              "10.10.10.2/99999->10.10.10.1/22 junos-ssh"),
      "invalid_value", "juniper: invalid port in session tuple");
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: 40.1.1.2:70000 [70.0.0.3:1024] -> "
      "90.1.1.2:80 (TCP)",
      "invalid_value", "juniper: expected source address:port");
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: 40.1.1.2:5000 [70.0.0.3:99999] -> "
      "90.1.1.2:80 (TCP)",
      "invalid_value", "juniper: invalid NAT source port");
  ExpectRejected(Replace(kSamplePbaAlloc, R"(block-port-high="48895")",
                         R"(block-port-high="65536")"),
                 "invalid_value", "juniper: invalid block-port-high");
  ExpectRejected(
      "JSERVICES_NAT_PORT_BLOCK_ALLOC: 10.0.0.1 -> 198.51.100.1:1024-70000",
      "invalid_value", "juniper: expected <address>:<low>-<high>");
}

TEST(JuniperParserTest, RejectsRangeEndBeforeStart) {
  ExpectRejected(Replace(kSamplePbaAlloc, R"(block-port-high="48895")",
                         R"(block-port-high="48000")"),
                 "invalid_value", "juniper: port block ends before it starts");
  ExpectRejected(
      "RT_SRC_NAT_PBA_ALLOC: Subscriber 10.0.0.1 used/maximum [1/8] blocks, "
      "allocates port block [2000-1024] from 198.51.100.1 in source pool p "
      "lsys_id: 0",
      "invalid_value", "juniper: port block ends before it starts");
  ExpectRejected(
      "JSERVICES_NAT_PORT_BLOCK_ALLOC: 10.0.0.1 -> 198.51.100.1:2000-1024",
      "invalid_value", "juniper: expected <address>:<low>-<high>");
}

TEST(JuniperParserTest, RejectsBadAddresses) {
  ExpectRejected(Replace(kSampleCreate, R"(source-address="10.0.10.10")",
                         R"(source-address="10.0.300.10")"),
                 "invalid_value", "juniper: invalid source-address");
  ExpectRejected(Replace(kSampleCreate, R"(nat-source-address="1.2.84.172")",
                         R"(nat-source-address="1.2.84")"),
                 "invalid_value", "juniper: invalid nat-source-address");
  ExpectRejected(Replace(kSamplePbaAlloc, R"(reflexive-ip="1.2.84.172")",
                         R"(reflexive-ip="pool")"),
                 "invalid_value", "juniper: invalid reflexive-ip");
  ExpectRejected(Replace(kSampleTextCreate, "session created 10.10.10.2/",
                         "session created 10.10.10.256/"),
                 "invalid_value", "juniper: invalid address in session tuple");
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: 40.1.1.2:5000 [70.0.0.3:1024] -> "
      "gggg::1:80 (TCP)",
      "invalid_value", "juniper: invalid destination address");
  ExpectRejected(
      "JSERVICES_NAT_PORT_BLOCK_ALLOC: 10.0.0 -> "
      "198.51.100.1:1024-1279",
      "invalid_value", "juniper: invalid internal address");
  ExpectRejected(
      "RT_SRC_NAT_PBA_RELEASE: Subscriber 10.0.0.1 used/maximum [0/8] "
      "blocks, releases port block [1024-1279] from 198.51.100.300 in "
      "source pool p lsys_id: 0",
      "invalid_value", "juniper: invalid NAT address");
}

TEST(JuniperParserTest, RejectsUnknownProtocols) {
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: 40.1.1.2:5000 [70.0.0.3:1024] -> 90.1.1.2:80 "
      "(FOO)",
      "invalid_value", "juniper: unknown protocol name");
  ExpectRejected(
      Replace(kSampleCreate, R"(protocol-id="6")", R"(protocol-id="300")"),
      "invalid_value", "juniper: invalid protocol-id");
  ExpectRejected(Replace(kSampleTextCreate, "None None 6 log-host-traffic",
                         "None None tcp log-host-traffic"),
                 "invalid_value",
                 "juniper: expected protocol number after the NAT rule names");
}

TEST(JuniperParserTest, RejectsBadEpochs) {
  ExpectRejected(Replace(kSamplePbaAlloc, R"(epoch-time-64="624b0492")",
                         R"(epoch-time-64="zz")"),
                 "invalid_value", "juniper: invalid epoch-time-64");
  ExpectRejected(
      "JSERVICES_NAT_PORT_BLOCK_ALLOC: 10.0.0.1 -> 198.51.100.1:1024-1279 "
      "0xfffffffffffff",
      "invalid_value", "juniper: invalid hex timestamp");
}

TEST(JuniperParserTest, RejectsTruncatedLines) {
  std::string text(kSampleTextCreate);
  text =
      Replace(text, "junos-ssh 10.10.10.2/53836", "junos-ssh 198.51.100.9/4");
  ExpectRejected(text.substr(0, text.find(" None None")), "unrecognized",
                 "juniper: truncated session message");
  ExpectRejected(text.substr(0, text.find(" junos-ssh")), "unrecognized",
                 "juniper: truncated session message");
  ExpectRejected(std::string(kSampleCreate).substr(0, 120), "unrecognized",
                 "juniper: unterminated structured data");
  ExpectRejected("RT_FLOW - RT_FLOW_SESSION_CREATE", "unrecognized",
                 "juniper: message id without a body");
  ExpectRejected("Dec 17 08:04:45 RT_FLOW: RT_FLOW_SESSION_CREATE:",
                 "unrecognized", "juniper: session message without fields");
  ExpectRejected(Replace(kSampleCreate, R"( nat-source-port="53328")", ""),
                 "unrecognized",
                 "juniper: session structured data lacks a required field");
  ExpectRejected(Replace(kSamplePbaAlloc, R"( reflexive-ip="1.2.84.172")", ""),
                 "unrecognized",
                 "juniper: port block structured data lacks a required field");
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: App:none, xe-3/1/1.0#012 "
      "24.0.0.2:18575 [198.51.100.17:1048] -> 23.0.0.2:63",
      "unrecognized", "juniper: expected '(PROTOCOL)'");
  ExpectRejected(
      "MSVCS_LOG_SESSION_OPEN: App:none, xe-3/1/1.0#012 "
      "24.0.0.2:18575 [198.51.100.17:1048]",
      "unrecognized", "juniper: expected '<source> [<nat>] -> <destination>'");
  ExpectRejected("JSERVICES_NAT_PORT_BLOCK_ALLOC: 10.0.0.1 ->", "unrecognized",
                 "juniper: truncated port block message");
  ExpectRejected(
      "RT_SRC_NAT_PBA_ALLOC: Subscriber 10.0.0.1 used/maximum [1/8] blocks, "
      "allocates port block [1024-1279",
      "unrecognized", "juniper: truncated port block message");
  ExpectRejected("RT_FLOW_SESSION_CLOSE: session closed TCP FIN",
                 "unrecognized", "juniper: session closed without a reason");
}

TEST(JuniperParserTest, RejectsOtherMessageIds) {
  const char* kOther =
      "juniper: message id is not a NAT session or port block event";
  ExpectRejected(
      "<14>Nov 20 12:00:00 srx1 RT_FLOW: RT_FLOW_SESSION_DENY: session "
      "denied 10.0.0.1/1234->192.0.2.1/23 junos-telnet 6(0) deny-all trust "
      "untrust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No policy deny 5 N/A N/A",
      "unrecognized", kOther);
  ExpectRejected(
      "<14>1 2026-11-20T12:00:00Z srx1 RT_FLOW - RT_FLOW_SESSION_DENY "
      "[junos@2636.1.1.1.2.129 source-address=\"10.0.0.1\"]",
      "unrecognized", kOther);
  ExpectRejected("RT_SRC_NAT_PBA_ALLOC_FAILED: Subscriber 10.0.0.1",
                 "unrecognized", kOther);
  ExpectRejected("{ss}[jservices-nat]: JSERVICES_NAT_OUTOF_PORTS_APP: 10.0.0.1",
                 "unrecognized", kOther);
  // The tag says Juniper, the body holds no known id.
  ExpectRejected("<14>Nov 20 12:00:00 srx1 RT_NAT: something else",
                 "unrecognized", "juniper: no Juniper NAT message id");
  ExpectRejected("RT_FLOW_SESSION_CREATE session created", "unrecognized",
                 "juniper: expected ':' or structured data after the "
                 "message id");
}

TEST(JuniperParserTest, DetectRejectsOtherVendors) {
  EXPECT_GT(ExpectOtherVendorsRefused("juniper", DetectJuniper, ParseJuniper),
            20u);
}

TEST(JuniperParserTest, DetectAcceptsEverySample) {
  for (const char* line :
       {kSampleCreate, kSampleClose, kSamplePbaAlloc, kSamplePbaInterim,
        kSamplePbaRelease, kSampleTextClose, kSampleTextCreate,
        kSampleRuleMatch, kSampleServicesOpen, kSampleServicesClose}) {
    EXPECT_TRUE(RunJuniper(line).detected) << line;
    EXPECT_TRUE(RunJuniper(As3164(line)).detected) << line;
    EXPECT_TRUE(RunJuniper(As5424Message(line)).detected) << line;
  }
}

TEST(JuniperParserTest, FixtureFileParses) {
  int lines = 0, sessions = 0, blocks = 0, ipv6 = 0;
  for (const std::string& line :
       ReadDataLines("tests/parsers/testdata/juniper.log")) {
    ++lines;
    LineResult r = MustParse(line);
    if (!r.parsed) continue;
    EXPECT_TRUE(r.syslog.has_time) << line;
    EXPECT_FALSE(r.syslog.hostname.empty()) << line;
    if (r.event.mapping() == cgnat::v1::SESSION) ++sessions;
    if (r.event.mapping() == cgnat::v1::PORT_BLOCK) ++blocks;
    if (r.event.inside_ip().size() == 16) ++ipv6;
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(sessions, 0);
  EXPECT_GT(blocks, 0);
  EXPECT_GT(ipv6, 0);
}

}  // namespace
}  // namespace netstreams

// Tests of the 6WIND fp-cgnat parser: connection and port block events,
// the "@vrf" log daemon, times after "at", IPv6 (NAT64) endpoints, every
// rejection, and auto-detection against the other vendors' samples.
#include <fstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using testing_util::Ip;
using testing_util::LineResult;

LineResult RunSixwind(const std::string& line,
                      absl::TimeZone zone = absl::UTCTimeZone()) {
  return testing_util::RunLine(line, DetectSixwind, ParseSixwind, zone);
}

LineResult MustParse(const std::string& line,
                     absl::TimeZone zone = absl::UTCTimeZone()) {
  LineResult r = RunSixwind(line, zone);
  EXPECT_TRUE(r.framed) << line;
  EXPECT_TRUE(r.detected) << line;
  EXPECT_TRUE(r.parsed) << line << ": " << r.error.reason_class << " "
                        << r.error.detail;
  return r;
}

int64_t Ms(int y, int mo, int d, int h, int mi, int s) {
  return absl::ToUnixMillis(absl::FromCivil(
      absl::CivilSecond(y, mo, d, h, mi, s), absl::UTCTimeZone()));
}

// Every other vendor's line from the shared samples file
// (/work/shared/data/cgnat_vendor_samples.txt), verbatim.
const char* const
    kOtherVendorSamples[] =
        {
            R"S(A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475 DST 185.165.123.206:443 DIR OUT)S",
            R"S(A VRF 0 INT 10.0.0.1 EXT 100.64.0.1)S",
            R"S(A VRF 0 6 INT 10.0.0.1:57938 EXT 100.64.0.1:28475)S",
            R"S(A VRF 0 INT 10.0.0.1 EXT 100.64.0.1:1024-1535)S",
            R"S(2025-05-02T11:34:56.87+00:00 10.254.254.57 cgn0.thn2/cgn-demo  CEF:0|A10|CFW|6.0.0-P1|CGN 106|Nat Port Batch Pool Allocated|5|proto=UDP src=100.65.140.73 sourceTranslatedAddress=99.99.99.12 sourceTranslatedPort=22016 cn3=22271 cn3Label=Last Nat Port)S",
            R"S(2025-05-02T11:35:00.62+00:00 10.254.254.57 cgn0.thn2/cgn-demo  CEF:0|A10|CFW|6.0.0-P1|CGN 100|Nat Port Allocated|5|proto=ICMP src=100.65.161.0 spt=48856 sourceTranslatedAddress=99.99.99.13 sourceTranslatedPort=48856 dst=8.8.8.8 dpt=0)S",
            R"S(2025-05-02T11:35:00.62+00:00 10.254.254.57 cgn0.thn2/cgn-demo  CEF:0|A10|CFW|6.0.0-P1|CGN 101|Nat Port Freed|5|proto=ICMP src=100.65.150.5 spt=37892 sourceTranslatedAddress=99.99.99.8 sourceTranslatedPort=37892)S",
            R"S(2025-05-02T11:35:00.87+00:00 10.254.254.57 cgn0.thn2/cgn-demo  CEF:0|A10|CFW|6.0.0-P1|CGN 107|Nat Port Batch Pool Freed|5|proto=UDP src=100.65.140.73 sourceTranslatedAddress=99.99.99.12 sourceTranslatedPort=22016 cn3=22271 cn3Label=Last Nat Port)S",
            R"S(0|A10|ADC|6.0.7|CGN 102|Nat Session Created|5|proto=UDP src=10.44.55.100 spt=38951 dst=142.250.179.238 dpt=443 sourceTranslatedAddress=99.99.99.13 sourceTranslatedPort=38951 destinationTranslatedAddress=142.250.179.238 destinationTranslatedPort=443)S",
            R"S(RT_FLOW - RT_FLOW_SESSION_CREATE [source-address="10.0.10.10" source-port="46776" destination-address="1.2.84.162" destination-port="80" connection-tag="0" service-name="junos-http" nat-source-address="1.2.84.172" nat-source-port="53328" nat-destination-address="1.2.84.162" nat-destination-port="80" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="untrust" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="permit" source-zone-name="trust" destination-zone-name="untrust" session-id="92317" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/0.0" application="UNKNOWN" nested-application="UNKNOWN" encrypted="UNKNOWN" application-category="N/A" application-sub-category="N/A" application-risk="-1" application-characteristics="N/A" src-vrf-grp="N/A" dst-vrf-grp="N/A" tunnel-inspection="Off" tunnel-inspection-policy-set="root"])S",
            R"S(RT_FLOW - RT_FLOW_SESSION_CLOSE [reason="TCP FIN" source-address="10.0.10.2" source-port="63996" destination-address="1.2.84.162" destination-port="80" connection-tag="0" service-name="junos-http" nat-source-address="1.2.84.169" nat-source-port="4986" nat-destination-address="1.2.84.162" nat-destination-port="80" nat-connection-tag="0" src-nat-rule-type="source rule" src-nat-rule-name="untrust" dst-nat-rule-type="N/A" dst-nat-rule-name="N/A" protocol-id="6" policy-name="permit" source-zone-name="trust" destination-zone-name="untrust" session-id="178" packets-from-client="663496" bytes-from-client="34501936" packets-from-server="719792" bytes-from-server="1079262436" elapsed-time="249" application="UNKNOWN" nested-application="UNKNOWN" username="N/A" roles="N/A" packet-incoming-interface="ge-0/0/0.0" encrypted="UNKNOWN" application-category="N/A" application-sub-category="N/A" application-risk="-1" application-characteristics="N/A" secure-web-proxy-session-type="NA" peer-session-id="0" peer-source-address="0.0.0.0" peer-source-port="0" peer-destination-address="0.0.0.0" peer-destination-port="0" hostname="NA NA" src-vrf-grp="N/A" dst-vrf-grp="N/A" tunnel-inspection="Off" tunnel-inspection-policy-set="root" session-flag="0"])S",
            R"S(RT_NAT - RT_SRC_NAT_PBA_ALLOC [internal-ip="10.0.10.10" block-used="1" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0492"])S",
            R"S(RT_NAT - RT_SRC_NAT_PBA_INTERIM [internal-ip="10.0.10.10" block-used="1" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0492"])S",
            R"S(RT_NAT - RT_SRC_NAT_PBA_RELEASE [internal-ip="10.0.10.10" block-used="0" block-max-per-host="4" block-port-low="48640" block-port-high="48895" reflexive-ip="1.2.84.172" nat-pool-name="guest" logical-system-id="0" epoch-time-64="624b0cc7"])S",
            R"S(Dec 17 08:05:30 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 10.10.10.2/53836->10.10.10.1/22 junos-ssh 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 78(6657) 122(13305) 45 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No )S",
            R"S(Dec 17 08:04:45 RT_FLOW: RT_FLOW_SESSION_CREATE: session created 10.10.10.2/53836->10.10.10.1/22 junos-ssh 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 N/A(N/A) ge-0/0/1.0)S",
            R"S({service_set_3}[jservices-nat]: JSERVICES_NAT_RULE_MATCH: proto 17(UDP) app: any, xe-3/1/1.0#012 192.0.2.2/18575 -> 23.0.0.2/63,Match NAT rule-set (null) rule nat-basic_1 term t1)S",
            R"S({service_set_3}MSVCS_LOG_SESSION_OPEN: App:none, xe-3/1/1.0#012 24.0.0.2:18575 [198.51.100.17:1048] -> 23.0.0.2:63 (UDP))S",
            R"S({service_set_3}MSVCS_LOG_SESSION_CLOSE: App:none, xe-3/1/1.0#012 24.0.0.2:18575 [198.51.100.17:1048] -> 23.0.0.2:63 (UDP))S",
            R"S(%ASA-6-305011: Built dynamic TCP translation from interco_pa_asa:2.2.2.2/35928 to dmz-gce:1.1.1.1/35928)S",
            R"S(%ASA-6-305012: Teardown dynamic TCP translation from interco_asa:2.2.2.2/55924 to dmz:1.1.1.1/55924 duration 0:00:15)S",
            R"S(Built dynamic TCP translation from inside:172.31.98.44/1772 to outside:100.66.98.44/8256)S",
            R"S(lsn_event="LSN_DELETE",start="1562092616047",cli="X.X.X.X",nat="Y.Y.Y.Y",duration="8080",pem_subscriber_id="No-lookup")S",
            R"S(firewall,info 0-Napbiotec: forward: in:vlan20-office out:pppoe-tot, src-mac b4:0f:b3:1d:63:4b, proto TCP (ACK,FIN,PSH), 192.168.20.171:43996->47.241.18.42:443, NAT (192.168.20.171:43996->125.25.69.110:43996)->47.241.18.42:443, len 71)S",
            R"S(firewall,info pca-accept: pca-accept forward: in:wireguard1 out:Inspira Fibre Uplink, connection-state:established,snat proto TCP (ACK,PSH), 192.168.5.50:57922->52.123.139.72:443, NAT (192.168.5.50:57922->46.102.221.224:57922)->52.123.139.72:443, len 97)S",
            R"S({"peer_ip_src": "172.21.1.101", "iface_in": 995, "iface_out": 841, "mpls_vpn_rd": "0:0:0", "mpls_vpn_rd_origin": "unknown", "ip_src": "10.231.65.56", "net_src": "0.0.0.0", "ip_dst": "10.192.12.213", "net_dst": "0.0.0.0", "mask_src": 0, "mask_dst": 0, "port_src": 17000, "port_dst": 17000, "tcp_flags": [], "fwd_status": "UNKNOWN Unclassified", "mpls_label_stack": ["0-69", "1-24305"], "ip_proto": "udp", "tos": 184, "post_nat_ip_src": "", "post_nat_ip_dst": "", "post_nat_port_src": 0, "post_nat_port_dst": 0, "nat_event": 0, "timestamp_start": "1677577561.000000", "timestamp_end": "1677577572.000000", "timestamp_export": "1677577621.000000", "packets": 2, "flows": null, "bytes": 220, "writer_id": "nfacctd_kafka"})S",
            R"S(Acct-Status-Type = 1)S",
            R"S(Acct-Session-Id = "abcdef1234567890")S",
            R"S(NAS-Identifier = "vCGNAT")S",
            R"S(Event-Timestamp = 1680103200)S",
            R"S(NFWare-vCGNAT-Protocol = 6)S",
            R"S(NFWare-vCGNAT-Action = 3)S",
            R"S(NFWare-vCGNAT-Inside-Addr = 192.168.1.30)S",
            R"S(NFWare-vCGNAT-Nat-Addr = 10.10.10.30)S",
            R"S(NFWare-vCGNAT-NAT-Port-Start = 10000)S",
            R"S(NFWare-vCGNAT-NAT-Port-End = 10099)S",
            R"S(NFWare-vCGNAT-VRF = 1003)S",
            R"S(NFWare-vCGNAT-Direction = 1)S",
};

// The four 6WIND lines of the samples file, and their bodies.
constexpr char kNewConn[] =
    "Jun 14 12:17:35 dut-vm fp-cgnat[2484]: NEW CONN: fwd proto 6 "
    "10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33815 --> "
    "10.175.0.3:10752";
constexpr char kDestroyConn[] =
    "Jun 14 12:19:04 dut-vm fp-cgnat[2484]: DESTROY CONN: fwd proto 6 "
    "10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33915 -> "
    "10.175.0.3:10753";
constexpr char kNewBlock[] =
    R"S(Jun 11 08:03:09 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S";
constexpr char kDestroyBlock[] =
    R"S(Jun 11 08:07:30 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): DESTROY BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S";

// The body after "fp-cgnat[pid]: ".
std::string Body(const std::string& line) {
  return line.substr(line.find("]: ") + 3);
}

// A sample line as collectors write it: as-is (BSD without PRI), bare
// body, program prefix and body, RFC 3164 with PRI, RFC 5424.
std::vector<std::string> Framings(const std::string& line) {
  std::string body = Body(line);
  std::string program = line.substr(line.find("fp-cgnat"));
  return {line, body, program, "<134>" + line,
          "<134>1 2026-06-14T12:17:35.000Z dut-vm fp-cgnat 2484 - - " + body};
}

void ExpectSampleConn(const NatEvent& e) {
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.100.0.1"));
  EXPECT_EQ(e.inside_port(), 4241u);
  EXPECT_EQ(e.destination_ip(), Ip("10.200.0.1"));
  EXPECT_EQ(e.destination_port(), 33815u);
  EXPECT_EQ(e.outside_ip(), Ip("10.175.0.3"));
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_EQ(e.vrf(), "");
  EXPECT_TRUE(e.device().empty());
}

TEST(SixwindParserTest, SampleNewConn) {
  for (const std::string& line : Framings(kNewConn)) {
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.action(), cgnat::v1::CREATE) << line;
    ExpectSampleConn(r.event);
    EXPECT_EQ(r.event.outside_port(), 10752u);
    EXPECT_FALSE(r.body_time.present);
  }
}

TEST(SixwindParserTest, SampleDestroyConn) {
  for (const std::string& line : Framings(kDestroyConn)) {
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.action(), cgnat::v1::DELETE) << line;
    ExpectSampleConn(r.event);
    // The sample's reply tuple differs from the fwd destination in its
    // port; the destination is what the subscriber addressed.
    EXPECT_EQ(r.event.outside_port(), 10753u);
  }
}

TEST(SixwindParserTest, SampleBlocks) {
  for (const char* sample : {kNewBlock, kDestroyBlock}) {
    for (const std::string& line : Framings(sample)) {
      LineResult r = MustParse(line);
      EXPECT_EQ(r.event.action(),
                sample == kNewBlock ? cgnat::v1::CREATE : cgnat::v1::DELETE)
          << line;
      EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT_BLOCK);
      EXPECT_EQ(r.event.inside_ip(), Ip("100.64.0.1"));
      EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
      EXPECT_EQ(r.event.protocol(), 6u);
      EXPECT_EQ(r.event.port_block_start(), 1u);
      EXPECT_EQ(r.event.port_block_end(), 512u);
      EXPECT_EQ(r.event.inside_port(), 0u);
      EXPECT_EQ(r.event.outside_port(), 0u);
      EXPECT_TRUE(r.event.destination_ip().empty());
      EXPECT_EQ(r.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
    }
  }
}

TEST(SixwindParserTest, SampleFramingKeepsTheSyslogHeader) {
  LineResult r = MustParse(kNewConn);
  EXPECT_EQ(r.syslog.hostname, "dut-vm");
  EXPECT_EQ(r.syslog.app_name, "fp-cgnat");
  EXPECT_EQ(r.syslog.procid, "2484");
  EXPECT_TRUE(r.syslog.has_time);
}

TEST(SixwindParserTest, DeploymentGuideBlockWithTimeAndVrf) {
  // The "@main" tag is not a BSD TAG for the framing, so the program stays
  // in the message; the parser reads the VRF from it.
  LineResult r = MustParse(
      "Jun 11 08:03:09 vrouter fp-cgnat-logd@main[4269]: USER "
      "2001:db8:200::1 (matching rule 1): NEW BLOCK (ip public 32.96.119.1, "
      "proto 6, port 1024 - 1536) at Tue Jun 11 08:03:09 2020");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.vrf(), "main");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8:200::1"));
  EXPECT_EQ(r.event.outside_ip(), Ip("32.96.119.1"));
  EXPECT_EQ(r.event.port_block_start(), 1024u);
  EXPECT_EQ(r.event.port_block_end(), 1536u);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, Ms(2020, 6, 11, 8, 3, 9));

  // The same as RFC 5424, where APP-NAME carries the "@vrf".
  LineResult f = MustParse(
      "<134>1 2020-06-11T08:07:30Z vrouter fp-cgnat-logd@blue 4269 - - USER "
      "100.64.0.1 (matching rule 1): DESTROY BLOCK (pool \"mypool\", ip "
      "public 32.96.119.1, proto 17, port 1024 - 1536) at Thu Jun 11 "
      "08:07:30 2020");
  EXPECT_EQ(f.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(f.event.vrf(), "blue");
  EXPECT_EQ(f.event.protocol(), 17u);
  EXPECT_EQ(f.body_time.ms, Ms(2020, 6, 11, 8, 7, 30));
}

TEST(SixwindParserTest, TimeUsesTheConfiguredZoneAndPaddedDays) {
  LineResult r = MustParse(
      "fp-cgnat-logd[4269]: USER 100.64.0.1: NEW BLOCK (ip public "
      "192.0.2.33, port 2048-3071) at Mon Jun  1 08:03:09 2026",
      absl::FixedTimeZone(2 * 3600));
  EXPECT_EQ(r.body_time.ms, Ms(2026, 6, 1, 6, 3, 9));
  EXPECT_EQ(r.event.protocol(), 0u);
  EXPECT_EQ(r.event.port_block_start(), 2048u);
  EXPECT_EQ(r.event.port_block_end(), 3071u);
}

TEST(SixwindParserTest, ConnWithTime) {
  LineResult r = MustParse(
      "NEW CONN: fwd proto 17 100.64.3.7:5353 -> 8.8.8.8:53, back proto 17 "
      "8.8.8.8:53 -> 192.0.2.40:31000 at Sat Nov 21 10:00:00 2026");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_port(), 31000u);
  EXPECT_EQ(r.body_time.ms, Ms(2026, 11, 21, 10, 0, 0));
}

TEST(SixwindParserTest, InboundConnection) {
  // The reply returns to the original source unchanged: the connection
  // came from outside to a mapped address (endpoint-independent
  // filtering).
  LineResult r = MustParse(
      "NEW CONN: fwd proto 17 198.51.100.9:5060 -> 192.0.2.33:20001, back "
      "proto 17 100.64.0.1:5060 --> 198.51.100.9:5060");
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.inside_ip(), Ip("100.64.0.1"));
  EXPECT_EQ(r.event.inside_port(), 5060u);
  EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
  EXPECT_EQ(r.event.outside_port(), 20001u);
  EXPECT_EQ(r.event.destination_ip(), Ip("198.51.100.9"));
  EXPECT_EQ(r.event.destination_port(), 5060u);
}

TEST(SixwindParserTest, Nat64Endpoints) {
  LineResult r = MustParse(
      "NEW CONN: fwd proto 6 [2001:db8::5]:50000 -> [64:ff9b::5db8:d822]:443, "
      "back proto 6 93.184.216.34:443 --> 192.0.2.33:20000");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::5"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.destination_ip(), Ip("64:ff9b::5db8:d822"));
  EXPECT_EQ(r.event.outside_ip(), Ip("192.0.2.33"));
  EXPECT_EQ(r.event.outside_port(), 20000u);
  EXPECT_EQ(r.event.direction(), cgnat::v1::OUTBOUND);

  // Unbracketed IPv6 with the port after the last colon; ICMPv6 forward,
  // ICMP back: the event keeps the forward protocol.
  LineResult u = MustParse(
      "DESTROY CONN: fwd proto 58 2001:db8::5:4660 -> 64:ff9b::808:808:4660, "
      "back proto 1 8.8.8.8:4660 --> 192.0.2.33:1025");
  EXPECT_EQ(u.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(u.event.protocol(), 58u);
  EXPECT_EQ(u.event.inside_ip(), Ip("2001:db8::5"));
  EXPECT_EQ(u.event.inside_port(), 4660u);
  EXPECT_EQ(u.event.destination_ip(), Ip("64:ff9b::808:808"));
}

struct BadLine {
  const char* line;
  const char* reason_class;
  const char* detail;
};

class SixwindRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(SixwindRejectTest, Rejects) {
  LineResult r = RunSixwind(GetParam().line);
  EXPECT_FALSE(r.parsed);
  EXPECT_STREQ(r.error.reason_class, GetParam().reason_class);
  EXPECT_STREQ(r.error.detail, GetParam().detail);
  // Never half-filled.
  EXPECT_EQ(r.event.ByteSizeLong(), 0u);
  EXPECT_FALSE(r.body_time.present);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, SixwindRejectTest,
    ::testing::Values(
        BadLine{"Jun 11 08:02:46 vsr fp-cgnat-logd[4269]: CGNAT Log listen "
                "on 5001",
                "unrecognized", "sixwind: not a CG-NAT mapping event"},
        BadLine{"fp-cgnat[1]: something else", "unrecognized",
                "sixwind: not a CG-NAT mapping event"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW USER (quota 4)",
                "unrecognized", "sixwind: not a block event"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:70000 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid source endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid source endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.256:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752",
                "invalid_value", "sixwind: invalid destination endpoint"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:33815, "
                "back proto 6 10.200.0.1:33815 --> 10.175.0.3:99999",
                "invalid_value", "sixwind: invalid destination endpoint"},
        BadLine{"NEW CONN: fwd proto 300 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"NEW CONN: fwd proto tcp 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 => 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "unrecognized", "sixwind: expected '->'"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2 back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3",
                "unrecognized", "sixwind: expected ',' after fwd tuple"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2,",
                "unrecognized", "sixwind: expected fwd/back tuple"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 ->", "unrecognized",
                "sixwind: missing destination endpoint"},
        BadLine{"NEW CONN: fwd proto", "unrecognized",
                "sixwind: missing protocol"},
        BadLine{"NEW CONN: fwd 6 10.100.0.1:1", "unrecognized",
                "sixwind: expected 'proto'"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3 extra",
                "unrecognized", "sixwind: unexpected text after back"},
        BadLine{"NEW CONN: fwd proto 6 10.100.0.1:1 -> 10.200.0.1:2, back "
                "proto 6 10.200.0.1:2 --> 10.175.0.3:3 at Tue Jun 31 "
                "08:03:09 2019",
                "invalid_value", "sixwind: invalid time after 'at'"},
        BadLine{"USER 100.64.0.x (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 512)",
                "invalid_value", "sixwind: invalid user address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 70000)",
                "invalid_value", "sixwind: invalid port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 512 - 1)",
                "invalid_value", "sixwind: invalid port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 999, port 1 - 512)",
                "invalid_value", "sixwind: protocol is not 0..255"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public, "
                "proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: invalid public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.300, proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: invalid public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool \"a\", "
                "proto 6, port 1024 - 1536)",
                "invalid_value", "sixwind: block without public address"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6)",
                "invalid_value", "sixwind: block without port range"},
        BadLine{"USER 100.64.0.1 (matching rule 1): NEW BLOCK (ip public "
                "192.0.2.33, proto 6, port 1 - 512",
                "unrecognized", "sixwind: expected ')' after block"},
        BadLine{"USER 100.64.0.1 (matching rule x): NEW BLOCK (ip public "
                "192.0.2.33, port 1 - 512)",
                "unrecognized", "sixwind: malformed matching rule"},
        BadLine{"USER 100.64.0.1 foo: NEW BLOCK (ip public 192.0.2.33, port "
                "1 - 512)",
                "unrecognized", "sixwind: unexpected text after USER"}));

TEST(SixwindParserTest, DetectRejectsEveryOtherVendorSample) {
  for (const char* line : kOtherVendorSamples) {
    LineResult r = RunSixwind(line);
    EXPECT_FALSE(r.detected) << line;
  }
}

TEST(SixwindParserTest, EveryFixtureLineParses) {
  std::ifstream in("tests/parsers/testdata/sixwind.log");
  ASSERT_TRUE(in.is_open());
  std::string line;
  int lines = 0, sessions = 0, blocks = 0, creates = 0, deletes = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    LineResult r = MustParse(line);
    if (r.event.mapping() == cgnat::v1::SESSION) ++sessions;
    if (r.event.mapping() == cgnat::v1::PORT_BLOCK) ++blocks;
    if (r.event.action() == cgnat::v1::CREATE) ++creates;
    if (r.event.action() == cgnat::v1::DELETE) ++deletes;
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(sessions, 0);
  EXPECT_GT(blocks, 0);
  EXPECT_GT(creates, 0);
  EXPECT_GT(deletes, 0);
}

}  // namespace
}  // namespace netstreams

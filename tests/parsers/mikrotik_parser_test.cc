// Tests of the MikroTik RouterOS parser: firewall log lines with a NAT
// clause (source, destination and hairpin forms), the action and
// direction read from connection-state, ICMP, IPv6, every rejection, and
// auto-detection against the other vendors' samples.
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/parsers/vendor_test_util.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using testing_util::Ip;
using testing_util::LineResult;

LineResult RunMikrotik(const std::string& line) {
  return testing_util::RunLine(line, DetectMikrotik, ParseMikrotik);
}

LineResult MustParse(const std::string& line) {
  LineResult r = RunMikrotik(line);
  EXPECT_TRUE(r.framed) << line;
  EXPECT_TRUE(r.detected) << line;
  EXPECT_TRUE(r.parsed) << line << ": " << r.error.reason_class << " "
                        << r.error.detail;
  return r;
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
            R"S(Jun 14 12:17:35 dut-vm fp-cgnat[2484]: NEW CONN: fwd proto 6 10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752)S",
            R"S(Jun 14 12:19:04 dut-vm fp-cgnat[2484]: DESTROY CONN: fwd proto 6 10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33915 -> 10.175.0.3:10753)S",
            R"S(Jun 11 08:03:09 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S",
            R"S(Jun 11 08:07:30 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): DESTROY BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S",
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

// The two MikroTik lines of the samples file.
constexpr char kSample1[] =
    "firewall,info 0-Napbiotec: forward: in:vlan20-office out:pppoe-tot, "
    "src-mac b4:0f:b3:1d:63:4b, proto TCP (ACK,FIN,PSH), "
    "192.168.20.171:43996->47.241.18.42:443, NAT "
    "(192.168.20.171:43996->125.25.69.110:43996)->47.241.18.42:443, len 71";
constexpr char kSample2[] =
    "firewall,info pca-accept: pca-accept forward: in:wireguard1 out:Inspira "
    "Fibre Uplink, connection-state:established,snat proto TCP (ACK,PSH), "
    "192.168.5.50:57922->52.123.139.72:443, NAT "
    "(192.168.5.50:57922->46.102.221.224:57922)->52.123.139.72:443, len 97";

// As a collector writes it: bare, RFC 3164, RouterOS's own "<PRI>topics"
// without a timestamp, RFC 5424.
std::vector<std::string> Framings(const std::string& body) {
  return {body, "<134>Nov 20 11:58:01 gw-office " + body, "<134>" + body,
          "<134>1 2026-11-20T11:58:01.000Z gw-office firewall - - - " + body};
}

TEST(MikrotikParserTest, SampleSourceNat) {
  for (const std::string& line : Framings(kSample1)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    // A logged packet proves the mapping is alive: UPDATE.
    EXPECT_EQ(e.action(), cgnat::v1::UPDATE) << line;
    EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
    EXPECT_EQ(e.protocol(), 6u);
    EXPECT_EQ(e.inside_ip(), Ip("192.168.20.171"));
    EXPECT_EQ(e.inside_port(), 43996u);
    EXPECT_EQ(e.outside_ip(), Ip("125.25.69.110"));
    EXPECT_EQ(e.outside_port(), 43996u);
    EXPECT_EQ(e.destination_ip(), Ip("47.241.18.42"));
    EXPECT_EQ(e.destination_port(), 443u);
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
    EXPECT_EQ(e.vrf(), "");
    EXPECT_TRUE(e.device().empty());
    EXPECT_FALSE(r.body_time.present);
  }
}

TEST(MikrotikParserTest, SampleWithConnectionState) {
  for (const std::string& line : Framings(kSample2)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    EXPECT_EQ(e.action(), cgnat::v1::UPDATE) << line;
    EXPECT_EQ(e.inside_ip(), Ip("192.168.5.50"));
    EXPECT_EQ(e.inside_port(), 57922u);
    EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
    EXPECT_EQ(e.outside_port(), 57922u);
    EXPECT_EQ(e.destination_ip(), Ip("52.123.139.72"));
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  }
}

TEST(MikrotikParserTest, FramingOfBsdLine) {
  LineResult r =
      MustParse(std::string("<134>Nov 20 11:58:01 gw-office ") + kSample1);
  EXPECT_EQ(r.syslog.hostname, "gw-office");
  EXPECT_TRUE(r.syslog.has_time);
}

TEST(MikrotikParserTest, NewConnectionIsACreate) {
  LineResult r = MustParse(
      "firewall,info forward: in:bridge out:ether1, connection-state:new,snat "
      "src-mac 64:d1:54:aa:10:02, proto UDP, 192.168.88.23:53124->1.1.1.1:53, "
      "NAT (192.168.88.23:53124->203.0.113.9:53124)->1.1.1.1:53, len 60");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_ip(), Ip("203.0.113.9"));
  EXPECT_EQ(r.event.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, ReplyOfSourceNattedConnection) {
  // The reply's destination is translated back: the destination form,
  // with "snat" in connection-state.
  LineResult r = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:Inspira Fibre "
      "Uplink out:3BEA VLAN, connection-state:established,snat src-mac "
      "14:7b:ac:b3:3d:e6, proto TCP (ACK,PSH), "
      "52.123.135.5:443->10.10.12.32:50849, NAT "
      "52.123.135.5:443->(46.102.221.224:50849->10.10.12.32:50849), len 79");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.12.32"));
  EXPECT_EQ(e.inside_port(), 50849u);
  EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(e.outside_port(), 50849u);
  EXPECT_EQ(e.destination_ip(), Ip("52.123.135.5"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, PortForwardIsInbound) {
  LineResult r = MustParse(
      "firewall,info rdp-in forward: in:ether1-wan out:bridge, "
      "connection-state:new,dstnat src-mac 00:0c:42:11:22:33, proto TCP "
      "(SYN), 198.51.100.23:51515->192.168.88.10:3389, NAT "
      "198.51.100.23:51515->(203.0.113.5:3389->192.168.88.10:3389), len 52");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.88.10"));
  EXPECT_EQ(e.inside_port(), 3389u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.5"));
  EXPECT_EQ(e.outside_port(), 3389u);
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.23"));
  EXPECT_EQ(e.destination_port(), 51515u);
}

TEST(MikrotikParserTest, DestinationFormWithoutStateHasNoDirection) {
  LineResult r = MustParse(
      "forward: in:ether1 out:bridge, src-mac 00:0c:42:11:22:33, proto TCP "
      "(SYN), 198.51.100.23:51515->192.168.88.10:80, NAT "
      "198.51.100.23:51515->(203.0.113.5:8080->192.168.88.10:80), len 60");
  EXPECT_EQ(r.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(r.event.outside_port(), 8080u);
  EXPECT_EQ(r.event.inside_port(), 80u);
}

TEST(MikrotikParserTest, IcmpHasNoPorts) {
  LineResult r = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:3BEA VLAN "
      "out:Inspira Fibre Uplink, connection-state:new,snat src-mac "
      "02:01:24:03:ed:66, proto ICMP (type 8, code 0), "
      "10.10.12.30->157.240.214.35, NAT "
      "(10.10.12.30->46.102.221.224)->157.240.214.35, len 76");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.protocol(), 1u);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.12.30"));
  EXPECT_EQ(e.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(e.destination_ip(), Ip("157.240.214.35"));
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_EQ(e.destination_port(), 0u);

  // An ICMP error related to a translated connection.
  LineResult rel = MustParse(
      "firewall,info pca-accept: pca-accept forward: in:Inspira Fibre Uplink "
      "out:3BEA VLAN, connection-state:related,snat src-mac "
      "14:7b:ac:b3:3d:e6, proto ICMP (type 11, code 0), "
      "188.240.160.85->10.10.12.30, NAT "
      "157.240.214.35->(46.102.221.224->10.10.12.30), len 56");
  EXPECT_EQ(rel.event.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(rel.event.inside_ip(), Ip("10.10.12.30"));
  EXPECT_EQ(rel.event.outside_ip(), Ip("46.102.221.224"));
  EXPECT_EQ(rel.event.destination_ip(), Ip("157.240.214.35"));
  EXPECT_EQ(rel.event.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, HairpinTakesTheTranslatedDestination) {
  LineResult r = MustParse(
      "firewall,info hairpin forward: in:bridge out:bridge, "
      "connection-state:new,snat,dstnat src-mac 64:d1:54:aa:10:02, proto TCP "
      "(SYN), 192.168.88.20:50000->192.168.88.10:80, NAT "
      "(192.168.88.20:50000->192.168.88.1:50000)->(203.0.113.5:80->"
      "192.168.88.10:80), len 60");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.88.20"));
  EXPECT_EQ(e.outside_ip(), Ip("192.168.88.1"));
  EXPECT_EQ(e.destination_ip(), Ip("192.168.88.10"));
  EXPECT_EQ(e.destination_port(), 80u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
}

TEST(MikrotikParserTest, Ipv6Endpoints) {
  LineResult r = MustParse(
      "firewall,info forward: in:bridge out:ether1, connection-state:new "
      "src-mac 64:d1:54:aa:10:02, proto TCP (SYN), "
      "[fd00::10]:51000->[2606:4700::1111]:443, NAT "
      "([fd00::10]:51000->[2001:db8:ffff::1]:51000)->[2606:4700::1111]:443, "
      "len 80");
  EXPECT_EQ(r.event.inside_ip(), Ip("fd00::10"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.outside_ip(), Ip("2001:db8:ffff::1"));
  EXPECT_EQ(r.event.destination_port(), 443u);
}

TEST(MikrotikParserTest, LogPrefixMayContainProto) {
  LineResult r = MustParse(
      "firewall,info proto watch: forward: in:a out:b, proto UDP, "
      "10.0.0.2:4000->9.9.9.9:53, NAT (10.0.0.2:4000->203.0.113.9:4000)->"
      "9.9.9.9:53, len 70\r\n");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_ip(), Ip("203.0.113.9"));
}

struct BadLine {
  const char* line;
  const char* reason_class;
  const char* detail;
};

class MikrotikRejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(MikrotikRejectTest, Rejects) {
  LineResult r = RunMikrotik(GetParam().line);
  EXPECT_FALSE(r.parsed);
  EXPECT_STREQ(r.error.reason_class, GetParam().reason_class);
  EXPECT_STREQ(r.error.detail, GetParam().detail);
  // Never half-filled.
  EXPECT_EQ(r.event.ByteSizeLong(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MikrotikRejectTest,
    ::testing::Values(
        BadLine{"hello world", "unrecognized", "mikrotik: no 'proto' field"},
        // Firewall lines without a translation carry no NAT mapping.
        BadLine{"firewall,info pca-accept: PCA input: in:Inspira Fibre Uplink "
                "out:(unknown 0), connection-state:established src-mac "
                "14:7b:ac:b3:3d:e6, proto UDP, "
                "87.117.83.154:49295->46.102.221.224:13231, len 1276",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"firewall,info pca-accept: pca-accept forward: in:3BEA VLAN "
                "out:Inspira Fibre Uplink, connection-state:new src-mac "
                "02:01:24:03:ed:66, proto ICMP (type 8, code 0), "
                "10.10.12.30->157.240.214.35, len 76",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2",
                "unrecognized", "mikrotik: no NAT translation"},
        BadLine{"forward: proto FOO, 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: unknown protocol"},
        BadLine{"forward: proto TCP (SYN", "unrecognized",
                "mikrotik: unterminated protocol flags"},
        BadLine{"forward: proto TCP", "unrecognized",
                "mikrotik: expected ', ' after protocol"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1, NAT x", "unrecognized",
                "mikrotik: expected src->dst"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:99999->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid packet address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:70000)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.300:1)->9.9.9.9:2, len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 9.9.9.9:2->10.0.0.1:1, NAT "
                "9.9.9.9:2->(203.0.113.1:1->10.0.0.1:1-5), len 5",
                "invalid_value", "mikrotik: invalid NAT address"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1->9.9.9.9:2, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 9.9.9.9:2->10.0.0.1:1, NAT "
                "9.9.9.9:2->(203.0.113.1:1->10.0.0.1:1, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->(9.9.9.9:2->10.0.0.2:2, len 5",
                "unrecognized", "mikrotik: malformed NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1:1)->9.9.9.9:2, len x",
                "unrecognized", "mikrotik: unexpected text after NAT clause"},
        BadLine{"forward: proto TCP (SYN), 10.0.0.1:1->9.9.9.9:2, NAT "
                "(10.0.0.1:1->203.0.113.1)->9.9.9.9:2, len 5",
                "unrecognized", "mikrotik: NAT endpoints disagree on ports"}));

TEST(MikrotikParserTest, DetectRejectsEveryOtherVendorSample) {
  for (const char* line : kOtherVendorSamples) {
    LineResult r = RunMikrotik(line);
    EXPECT_FALSE(r.detected) << line;
  }
}

TEST(MikrotikParserTest, EveryFixtureLineParses) {
  std::ifstream in("tests/parsers/testdata/mikrotik.log");
  ASSERT_TRUE(in.is_open());
  std::string line;
  int lines = 0, creates = 0, updates = 0, inbound = 0, icmp = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    LineResult r = MustParse(line);
    EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
    if (r.event.action() == cgnat::v1::CREATE) ++creates;
    if (r.event.action() == cgnat::v1::UPDATE) ++updates;
    if (r.event.direction() == cgnat::v1::INBOUND) ++inbound;
    if (r.event.protocol() == 1) ++icmp;
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(creates, 0);
  EXPECT_GT(updates, 0);
  EXPECT_GT(inbound, 0);
  EXPECT_GT(icmp, 0);
}

}  // namespace
}  // namespace netstreams

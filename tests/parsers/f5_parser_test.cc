// Tests of the F5 BIG-IP CGNAT (LSN) parser: the Splunk key=value form,
// the legacy positional line, port blocks, route domains, IPv6, every
// rejection, and auto-detection against the other vendors' samples.
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

LineResult RunF5(const std::string& line) {
  return testing_util::RunLine(line, DetectF5, ParseF5);
}

LineResult MustParse(const std::string& line) {
  LineResult r = RunF5(line);
  EXPECT_TRUE(r.framed) << line;
  EXPECT_TRUE(r.detected) << line;
  EXPECT_TRUE(r.parsed) << line << ": " << r.error.reason_class << " "
                        << r.error.detail;
  return r;
}

// Every other vendor's line from the shared samples file
// (/work/shared/data/cgnat_vendor_samples.txt), verbatim.
const char* const kOtherVendorSamples[] = {
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
    R"S(Jun 14 12:17:35 dut-vm fp-cgnat[2484]: NEW CONN: fwd proto 6 10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33815 --> 10.175.0.3:10752)S",
    R"S(Jun 14 12:19:04 dut-vm fp-cgnat[2484]: DESTROY CONN: fwd proto 6 10.100.0.1:4241 -> 10.200.0.1:33815, back proto 6 10.200.0.1:33915 -> 10.175.0.3:10753)S",
    R"S(Jun 11 08:03:09 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): NEW BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S",
    R"S(Jun 11 08:07:30 vsr fp-cgnat[4269]: USER 100.64.0.1 (matching rule 1): DESTROY BLOCK (pool "mypool", ip public 192.0.2.33, proto 6, port 1 - 512))S",
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

// The F5 line of the samples file: BIG-IP's Splunk form with the
// addresses masked by the publisher of the sample.
constexpr char kSample[] =
    R"S(lsn_event="LSN_DELETE",start="1562092616047",cli="X.X.X.X",nat="Y.Y.Y.Y",duration="8080",pem_subscriber_id="No-lookup")S";

// The same line wrapped as collectors write it.
std::vector<std::string> Framings(const std::string& body) {
  return {body, "<134>1 2019-07-02T18:36:56.127Z bigip1 tmm 12345 - - " + body,
          "<134>Jul  2 18:36:56 bigip1 tmm[12345]: " + body};
}

TEST(F5ParserTest, MaskedSampleIsDetectedButItsAddressesAreRejected) {
  for (const std::string& line : Framings(kSample)) {
    LineResult r = RunF5(line);
    EXPECT_TRUE(r.framed) << line;
    EXPECT_TRUE(r.detected) << line;
    EXPECT_FALSE(r.parsed) << line;
    EXPECT_STREQ(r.error.reason_class, "invalid_value");
    EXPECT_STREQ(r.error.detail, "f5: invalid client address");
  }
}

TEST(F5ParserTest, SampleWithAddressesIsAnAddressDelete) {
  std::string body =
      R"(lsn_event="LSN_DELETE",start="1562092616047",cli="100.64.1.20",nat="198.51.100.7",duration="8080",pem_subscriber_id="No-lookup")";
  for (const std::string& line : Framings(body)) {
    LineResult r = MustParse(line);
    const NatEvent& e = r.event;
    EXPECT_EQ(e.action(), cgnat::v1::DELETE);
    EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
    EXPECT_EQ(e.inside_ip(), Ip("100.64.1.20"));
    EXPECT_EQ(e.outside_ip(), Ip("198.51.100.7"));
    EXPECT_EQ(e.inside_port(), 0u);
    EXPECT_EQ(e.protocol(), 0u);
    EXPECT_EQ(e.vrf(), "");
    EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
    // A delete happens at start + duration (milliseconds).
    EXPECT_TRUE(r.body_time.present);
    EXPECT_EQ(r.body_time.ms, 1562092616047 + 8080);
    EXPECT_TRUE(e.device().empty());
  }
}

TEST(F5ParserTest, KeyValuePortMappingWithRouteDomain) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_ADD",start="1700000000123",cli="10.10.10.1%2:20347",nat="192.0.2.1%0:40001",proto="TCP")");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.vrf(), "2");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("10.10.10.1"));
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_ip(), Ip("192.0.2.1"));
  EXPECT_EQ(e.outside_port(), 40001u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_TRUE(r.body_time.present);
  EXPECT_EQ(r.body_time.ms, 1700000000123);
}

TEST(F5ParserTest, KeyValueSession) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_ADD",start="1700000000123",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001",dst="198.51.100.7%0:443",proto="6",pem_subscriber_id="No-lookup")");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "0");
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.destination_port(), 443u);
}

TEST(F5ParserTest, KeyValueSeparatePortsSpacesAndRouteDomainKey) {
  LineResult r = MustParse(
      "lsn_event=LSN_DELETE cli=10.10.10.1 cli_port=20347 nat=192.0.2.1 "
      "nat_port=40001 dst=198.51.100.7 dst_port=53 protocol=UDP "
      "route_domain=5");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::DELETE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "5");
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_port(), 40001u);
  EXPECT_EQ(e.destination_port(), 53u);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, KeyValueAfterLocalSyslogPrefix) {
  // BIG-IP's own syslog writes the level before the tag, so the framing
  // leaves "info tmm[...]: " in the message.
  LineResult r = MustParse(
      R"(<134>Jul  2 18:36:56 bigip1 info tmm[12345]: lsn_event="LSN_INBOUND_ADD",start="1562092616047",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001",dst="198.51.100.9%0:61000")");
  EXPECT_EQ(r.syslog.hostname, "bigip1");
  EXPECT_EQ(r.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.body_time.ms, 1562092616047);
}

TEST(F5ParserTest, DeleteWithoutDurationKeepsTheHeaderTime) {
  LineResult r = MustParse(
      R"(lsn_event="LSN_INBOUND_DELETE",start="1562092616047",cli="10.10.10.1%0:20347",nat="192.0.2.1%0:40001")");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, KeyValuePortBlocks) {
  LineResult a = MustParse(
      R"(lsn_event="LSN_PB_ALLOCATED",start="1700000000000",cli="10.10.10.1%0",nat="192.0.2.1%0:1024-1087")");
  EXPECT_EQ(a.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(a.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(a.event.inside_ip(), Ip("10.10.10.1"));
  EXPECT_EQ(a.event.outside_ip(), Ip("192.0.2.1"));
  EXPECT_EQ(a.event.port_block_start(), 1024u);
  EXPECT_EQ(a.event.port_block_end(), 1087u);
  EXPECT_EQ(a.event.outside_port(), 0u);
  EXPECT_EQ(a.event.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(a.body_time.ms, 1700000000000);

  LineResult d = MustParse(
      R"(lsn_event="LSN_PB_RELEASE",start="1700000000000",duration="3600000",cli="10.10.10.1%0",nat="192.0.2.1%0",nat_port="1024-1087")");
  EXPECT_EQ(d.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(d.event.port_block_start(), 1024u);
  EXPECT_EQ(d.event.port_block_end(), 1087u);
  EXPECT_EQ(d.body_time.ms, 1700003600000);

  LineResult u = MustParse(
      R"(lsn_event="LSN_PB_UPDATE",start="1700000000000",cli="10.10.10.1%0",nat="192.0.2.1%0:1024-1087")");
  EXPECT_EQ(u.event.action(), cgnat::v1::UPDATE);
  EXPECT_FALSE(u.body_time.present);
}

TEST(F5ParserTest, LegacySession) {
  LineResult r = MustParse(
      "LSN_ADD 10.10.10.1%0:20347 TCP 203.0.113.1%0:20347 "
      "198.51.100.7%0:443");
  const NatEvent& e = r.event;
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.vrf(), "0");
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_port(), 20347u);
  EXPECT_EQ(e.outside_ip(), Ip("203.0.113.1"));
  EXPECT_EQ(e.destination_ip(), Ip("198.51.100.7"));
  EXPECT_EQ(e.destination_port(), 443u);
  EXPECT_FALSE(r.body_time.present);
}

TEST(F5ParserTest, LegacyPortMapping) {
  LineResult r =
      MustParse("LSN_DELETE 10.10.10.1%7:20347 UDP 203.0.113.1%0:30001\r\n");
  EXPECT_EQ(r.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(r.event.vrf(), "7");
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.outside_port(), 30001u);
}

TEST(F5ParserTest, LegacyWithSeparateDestinationPortAndPrefix) {
  // The layout of cgn-ec's F5 generator: a leading word, the protocol as
  // a number, and the destination port as its own token.
  LineResult r = MustParse(
      "test LSN_INBOUND_ADD 100.64.23.122%0:40321 6 194.15.97.34%0:23111 "
      "1.1.1.1 443");
  EXPECT_EQ(r.event.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(r.event.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(r.event.destination_ip(), Ip("1.1.1.1"));
  EXPECT_EQ(r.event.destination_port(), 443u);
}

TEST(F5ParserTest, LegacyInBsdSyslog) {
  LineResult r = MustParse(
      "<134>Jun 14 12:17:35 bigip1 info tmm[12345]: LSN_ADD "
      "10.10.10.1%0:20347 UDP 203.0.113.1%0:20347 198.51.100.7:53");
  EXPECT_EQ(r.syslog.hostname, "bigip1");
  EXPECT_TRUE(r.syslog.has_time);
  EXPECT_EQ(r.event.protocol(), 17u);
  EXPECT_EQ(r.event.destination_port(), 53u);
}

TEST(F5ParserTest, LegacyPortBlocks) {
  LineResult a =
      MustParse("LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:1024-1087");
  EXPECT_EQ(a.event.action(), cgnat::v1::CREATE);
  EXPECT_EQ(a.event.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(a.event.vrf(), "0");
  EXPECT_EQ(a.event.protocol(), 0u);
  EXPECT_EQ(a.event.port_block_start(), 1024u);
  EXPECT_EQ(a.event.port_block_end(), 1087u);
  LineResult d =
      MustParse("LSN_PB_RELEASE 10.10.10.1%0 TCP 203.0.113.1%0:1024-1087");
  EXPECT_EQ(d.event.action(), cgnat::v1::DELETE);
  EXPECT_EQ(d.event.protocol(), 6u);
  LineResult u = MustParse("LSN_PB_UPDATE 10.10.10.1 203.0.113.1:1024-1087");
  EXPECT_EQ(u.event.action(), cgnat::v1::UPDATE);
  EXPECT_EQ(u.event.vrf(), "");
}

TEST(F5ParserTest, Ipv6Endpoints) {
  LineResult r = MustParse(
      "LSN_ADD [2001:db8::10%3]:5000 TCP 192.0.2.1%0:6000 "
      "[2606:4700::1111]:443");
  EXPECT_EQ(r.event.inside_ip(), Ip("2001:db8::10"));
  EXPECT_EQ(r.event.inside_ip().size(), 16u);
  EXPECT_EQ(r.event.inside_port(), 5000u);
  EXPECT_EQ(r.event.vrf(), "3");
  EXPECT_EQ(r.event.destination_ip(), Ip("2606:4700::1111"));
  EXPECT_EQ(r.event.destination_port(), 443u);

  LineResult k = MustParse(
      R"(lsn_event="LSN_DELETE",cli="2001:db8::10%0:5000",nat="192.0.2.1%0:6000",dst="2606:4700::1111%0:443",proto="TCP")");
  EXPECT_EQ(k.event.inside_ip(), Ip("2001:db8::10"));
  EXPECT_EQ(k.event.inside_port(), 5000u);
  EXPECT_EQ(k.event.destination_ip(), Ip("2606:4700::1111"));
  EXPECT_EQ(k.event.destination_port(), 443u);

  LineResult a = MustParse("LSN_ADD 2001:db8::10 6 192.0.2.1");
  EXPECT_EQ(a.event.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(a.event.inside_ip().size(), 16u);
}

struct BadLine {
  const char* line;
  const char* reason_class;
  const char* detail;
};

class F5RejectTest : public ::testing::TestWithParam<BadLine> {};

TEST_P(F5RejectTest, Rejects) {
  LineResult r = RunF5(GetParam().line);
  EXPECT_FALSE(r.parsed);
  EXPECT_STREQ(r.error.reason_class, GetParam().reason_class);
  EXPECT_STREQ(r.error.detail, GetParam().detail);
  // Never half-filled.
  EXPECT_EQ(r.event.ByteSizeLong(), 0u);
  EXPECT_FALSE(r.body_time.present);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, F5RejectTest,
    ::testing::Values(
        BadLine{"hello world", "unrecognized",
                "f5: no LSN event in the message"},
        BadLine{"xLSN_ADD 10.0.0.1:1 TCP 192.0.2.1:1", "unrecognized",
                "f5: no LSN event in the message"},
        // Any other LSN_ event (quota, error reports) is not a mapping.
        BadLine{"LSN_SOMETHING_ELSE 10.0.0.1", "unrecognized",
                "f5: not a translation event"},
        BadLine{R"(lsn_event="LSN_SOMETHING_ELSE",cli="10.0.0.1")",
                "unrecognized", "f5: not a translation event"},
        BadLine{"LSN_ADD", "unrecognized", "f5: missing client endpoint"},
        BadLine{"LSN_ADD 10.10.10.1%0:1", "unrecognized",
                "f5: missing protocol"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{"LSN_ADD 10.10.10.1%0:65536 TCP 203.0.113.1%0:1",
                "invalid_value", "f5: invalid client port"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:99999",
                "invalid_value", "f5: invalid translation port"},
        BadLine{"LSN_ADD 10.10.10.256%0:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid client address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113:1", "invalid_value",
                "f5: invalid translation address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1:80",
                "invalid_value", "f5: invalid destination address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1:70000",
                "invalid_value", "f5: invalid destination port"},
        BadLine{"LSN_ADD [2001:db8::1:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid client address"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 FOO 203.0.113.1%0:1", "invalid_value",
                "f5: unknown protocol"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 300 203.0.113.1%0:1", "invalid_value",
                "f5: unknown protocol"},
        BadLine{"LSN_ADD 10.10.10.1%x:1 TCP 203.0.113.1%0:1", "invalid_value",
                "f5: invalid route domain"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1 443 x",
                "unrecognized", "f5: unexpected text after the event"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1 1.1.1.1 x",
                "unrecognized", "f5: unexpected text after destination"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 6 203.0.113.1%0:1024-1087 x",
                "unrecognized", "f5: unexpected text after the event"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:2000-1000",
                "invalid_value", "f5: invalid translation port"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0 203.0.113.1%0:2000",
                "unrecognized", "f5: a port block needs a port range"},
        BadLine{"LSN_PB_ALLOCATED 10.10.10.1%0:5 203.0.113.1%0:1024-2047",
                "unrecognized",
                "f5: a port block has no client port or destination"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0:1000-2000",
                "invalid_value", "f5: translation port cannot be a range"},
        BadLine{"LSN_ADD 10.10.10.1%0:1-5 TCP 203.0.113.1%0:1000",
                "invalid_value", "f5: client port cannot be a range"},
        BadLine{"LSN_ADD 10.10.10.1%0:1 TCP 203.0.113.1%0", "unrecognized",
                "f5: client and translation need both a port or neither"},
        BadLine{R"(lsn_event="LSN_ADD",cli="10.0.0.1)", "unrecognized",
                "f5: malformed key=value list"},
        BadLine{R"(lsn_event="LSN_ADD",nat="192.0.2.1")", "unrecognized",
                "f5: missing client endpoint"},
        BadLine{R"(lsn_event="LSN_ADD",cli="10.0.0.1")", "unrecognized",
                "f5: missing translation endpoint"},
        BadLine{
            R"(lsn_event="LSN_ADD",start="17x",cli="10.0.0.1",nat="192.0.2.1")",
            "invalid_value", "f5: start is not epoch milliseconds"},
        BadLine{
            R"(lsn_event="LSN_DELETE",start="1",duration="-5",cli="10.0.0.1",nat="192.0.2.1")",
            "invalid_value", "f5: invalid duration"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",cli_port="6",nat="192.0.2.1:7")",
            "invalid_value", "f5: invalid port"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1",nat_port="1-9")",
            "invalid_value", "f5: invalid port"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1:7",dst_port="80")",
            "unrecognized", "f5: destination port without address"},
        BadLine{
            R"(lsn_event="LSN_ADD",cli="10.0.0.1:5",nat="192.0.2.1:7",route_domain="x")",
            "invalid_value", "f5: invalid route domain"},
        BadLine{
            R"(lsn_event="LSN_PB_UPDATE",cli="10.0.0.1",nat="192.0.2.1:1-9",dst="1.1.1.1")",
            "unrecognized",
            "f5: a port block has no client port or destination"}));

TEST(F5ParserTest, DetectRejectsEveryOtherVendorSample) {
  for (const char* line : kOtherVendorSamples) {
    LineResult r = RunF5(line);
    EXPECT_FALSE(r.detected) << line;
  }
}

TEST(F5ParserTest, EveryFixtureLineParses) {
  std::ifstream in("tests/parsers/testdata/f5.log");
  ASSERT_TRUE(in.is_open());
  std::string line;
  int lines = 0;
  int sessions = 0, ports = 0, blocks = 0, addresses = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    LineResult r = MustParse(line);
    switch (r.event.mapping()) {
      case cgnat::v1::SESSION:
        ++sessions;
        break;
      case cgnat::v1::PORT:
        ++ports;
        break;
      case cgnat::v1::PORT_BLOCK:
        ++blocks;
        break;
      case cgnat::v1::ADDRESS:
        ++addresses;
        break;
      default:
        ADD_FAILURE() << line;
    }
  }
  EXPECT_GE(lines, 30);
  EXPECT_LE(lines, 60);
  EXPECT_GT(sessions, 0);
  EXPECT_GT(ports, 0);
  EXPECT_GT(blocks, 0);
  EXPECT_GT(addresses, 0);
}

}  // namespace
}  // namespace netstreams

#include "src/parsers/radius_parser.h"

#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "src/common/ip_address.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using cgnat::v1::RadiusAccounting;

std::string Ip(const std::string& text) {
  IpBytes ip;
  EXPECT_TRUE(ParseIp(text, &ip)) << text;
  return std::string(ip.view());
}

struct AcctResult {
  bool ok;
  RadiusAccounting record;
  BodyTime time;
  ParseError error;
};

AcctResult Acct(const std::string& json) {
  AcctResult r;
  r.ok = ParseRadiusAccounting(json, &r.record, &r.time, &r.error);
  return r;
}

RadiusAccounting MustAcct(const std::string& json, BodyTime* time = nullptr) {
  AcctResult r = Acct(json);
  EXPECT_TRUE(r.ok) << json << ": " << r.error.reason_class << " "
                    << r.error.detail << " at " << r.error.offset;
  if (time != nullptr) *time = r.time;
  return r.record;
}

void ExpectAcctReject(const std::string& json, const std::string& reason,
                      const std::string& detail) {
  AcctResult r = Acct(json);
  EXPECT_FALSE(r.ok) << json;
  EXPECT_EQ(r.error.reason_class, reason) << json;
  EXPECT_EQ(std::string(r.error.detail), detail) << json;
}

struct NatResult {
  bool ok;
  NatEvent event;
  BodyTime time;
  ParseError error;
};

NatResult Nat(const std::string& json) {
  NatResult r;
  r.ok = ParseRadiusNatEvent(json, &r.event, &r.time, &r.error);
  return r;
}

NatEvent MustNat(const std::string& json, BodyTime* time = nullptr) {
  NatResult r = Nat(json);
  EXPECT_TRUE(r.ok) << json << ": " << r.error.reason_class << " "
                    << r.error.detail << " at " << r.error.offset;
  if (time != nullptr) *time = r.time;
  return r.event;
}

void ExpectNatReject(const std::string& json, const std::string& reason,
                     const std::string& detail) {
  NatResult r = Nat(json);
  EXPECT_FALSE(r.ok) << json;
  EXPECT_EQ(r.error.reason_class, reason) << json;
  EXPECT_EQ(std::string(r.error.detail), detail) << json;
}

// 2024-11-20T12:00:00Z
constexpr int64_t kT0 = 1732104000;

// A Start as cgn-ec's producer writes it (rlm_python3 values as text).
const char kFlatStart[] =
    R"({"User-Name": "alice@isp.example", "Acct-Session-Id": "5f3a0c1d00000001", "Framed-IP-Address": "100.64.3.7", "Calling-Station-Id": "02:00:5e:10:00:01", "NAS-IP-Address": "192.0.2.10", "NAS-Identifier": "bng-ams-1", "NAS-Port": "1201", "Service-Type": "Framed-User", "Delegated-IPv6-Prefix": "2001:db8:a00:ff42::1/56", "Acct-Status-Type": "Start", "Event-Timestamp": "Nov 20 2024 12:00:00 UTC", "Acct-Delay-Time": "2", "Acct-Multi-Session-Id": "m-77"})";

TEST(RadiusAccountingTest, FlatStart) {
  BodyTime t;
  RadiusAccounting r = MustAcct(kFlatStart, &t);
  EXPECT_EQ(r.status_type(), cgnat::v1::START);
  EXPECT_EQ(r.acct_session_id(), "5f3a0c1d00000001");
  EXPECT_EQ(r.acct_multi_session_id(), "m-77");
  EXPECT_EQ(r.user_name(), "alice@isp.example");
  EXPECT_EQ(r.framed_ip(), Ip("100.64.3.7"));
  EXPECT_EQ(r.calling_station_id(), "02:00:5e:10:00:01");
  EXPECT_EQ(r.nas_ip(), Ip("192.0.2.10"));
  EXPECT_EQ(r.nas_identifier(), "bng-ams-1");
  ASSERT_TRUE(r.has_delegated_ipv6_prefix());
  EXPECT_EQ(r.delegated_ipv6_prefix().address(), Ip("2001:db8:a00:ff00::"));
  EXPECT_EQ(r.delegated_ipv6_prefix().length(), 56u);
  EXPECT_FALSE(r.has_framed_ipv6_prefix());
  EXPECT_EQ(r.delay_time().seconds(), 2);
  EXPECT_FALSE(r.has_session_time());
  EXPECT_EQ(r.terminate_cause(), 0u);
  EXPECT_FALSE(r.has_event_time());  // the stage's job
  EXPECT_FALSE(r.has_source());
  ASSERT_TRUE(t.present);
  EXPECT_EQ(t.ms, kT0 * 1000);
}

TEST(RadiusAccountingTest, AllValueShapesGiveTheSameRecord) {
  const std::string shapes[] = {
      // rlm_python3 text, flat.
      R"({"Acct-Status-Type": "Stop", "Acct-Session-Id": "s1", "Framed-IP-Address": "100.64.3.7", "Event-Timestamp": "Nov 20 2024 13:00:00 UTC", "Acct-Session-Time": "3600", "Acct-Terminate-Cause": "Idle-Timeout", "Acct-Input-Octets": "5", "Acct-Output-Gigawords": "2", "Acct-Output-Octets": "7"})",
      // Plain numbers (enum_as_integer, dates_as_integer).
      R"({"Acct-Status-Type": 2, "Acct-Session-Id": "s1", "Framed-IP-Address": "100.64.3.7", "Event-Timestamp": 1732107600, "Acct-Session-Time": 3600, "Acct-Terminate-Cause": 4, "Acct-Input-Octets": 5, "Acct-Output-Gigawords": 2, "Acct-Output-Octets": 7})",
      // json_encode "object" mode.
      R"({"Acct-Status-Type":{"type":"integer","value":"Stop"},"Acct-Session-Id":{"type":"string","value":"s1"},"Framed-IP-Address":{"type":"ipaddr","value":"100.64.3.7"},"Event-Timestamp":{"type":"date","value":"Nov 20 2024 13:00:00 UTC"},"Acct-Session-Time":{"type":"integer","value":3600},"Acct-Terminate-Cause":{"type":"integer","value":"Idle-Timeout"},"Acct-Input-Octets":{"type":"integer","value":5},"Acct-Output-Gigawords":{"type":"integer","value":2},"Acct-Output-Octets":{"type":"integer","value":7}})",
      // rlm_rest / single_value_as_array.
      R"({"Acct-Status-Type":{"type":"integer","value":["Stop"]},"Acct-Session-Id":{"type":"string","value":["s1"]},"Framed-IP-Address":{"type":"ipaddr","value":["100.64.3.7"]},"Event-Timestamp":{"type":"date","value":["Nov 20 2024 13:00:00 UTC"]},"Acct-Session-Time":{"type":"integer","value":[3600]},"Acct-Terminate-Cause":{"type":"integer","value":["Idle-Timeout"]},"Acct-Input-Octets":{"value":[5],"type":"integer"},"Acct-Output-Gigawords":{"op":"=","type":"integer","value":[2]},"Acct-Output-Octets":{"type":"integer","value":[7]}})",
      // Bare arrays.
      R"({"Acct-Status-Type": ["Stop"], "Acct-Session-Id": ["s1"], "Framed-IP-Address": ["100.64.3.7"], "Event-Timestamp": ["2024-11-20T13:00:00Z"], "Acct-Session-Time": [3600], "Acct-Terminate-Cause": ["4"], "Acct-Input-Octets": ["5"], "Acct-Output-Gigawords": [2], "Acct-Output-Octets": [7]})",
  };
  for (const std::string& json : shapes) {
    BodyTime t;
    RadiusAccounting r = MustAcct(json, &t);
    EXPECT_EQ(r.status_type(), cgnat::v1::STOP) << json;
    EXPECT_EQ(r.acct_session_id(), "s1") << json;
    EXPECT_EQ(r.framed_ip(), Ip("100.64.3.7")) << json;
    EXPECT_EQ(r.session_time().seconds(), 3600) << json;
    EXPECT_EQ(r.terminate_cause(), 4u) << json;
    EXPECT_EQ(r.input_octets(), 5u) << json;
    EXPECT_EQ(r.output_octets(), (uint64_t{2} << 32) + 7) << json;
    EXPECT_TRUE(t.present) << json;
    EXPECT_EQ(t.ms, (kT0 + 3600) * 1000) << json;
  }
}

TEST(RadiusAccountingTest, InterimUpdateAndStatusTypeSpellings) {
  const std::pair<std::string, cgnat::v1::AcctStatusType> cases[] = {
      {"\"Interim-Update\"", cgnat::v1::INTERIM_UPDATE},
      {"\"Alive\"", cgnat::v1::INTERIM_UPDATE},
      {"\"interim-update\"", cgnat::v1::INTERIM_UPDATE},
      {"3", cgnat::v1::INTERIM_UPDATE},
      {"\"3\"", cgnat::v1::INTERIM_UPDATE},
      {"\"start\"", cgnat::v1::START},
      {"1", cgnat::v1::START},
      {"\"STOP\"", cgnat::v1::STOP},
  };
  for (const auto& c : cases) {
    RadiusAccounting r = MustAcct(R"({"Acct-Status-Type": )" + c.first +
                                  R"(, "Acct-Session-Id": "x"})");
    EXPECT_EQ(r.status_type(), c.second) << c.first;
  }
}

TEST(RadiusAccountingTest, AccountingOnOffNeedNoSession) {
  RadiusAccounting r = MustAcct(
      R"({"Acct-Status-Type": "Accounting-On", "NAS-IP-Address": "192.0.2.10", "NAS-Identifier": "bng-ams-1"})");
  EXPECT_EQ(r.status_type(), cgnat::v1::ACCOUNTING_ON);
  EXPECT_EQ(r.nas_ip(), Ip("192.0.2.10"));
  r = MustAcct(R"({"Acct-Status-Type": 8})");
  EXPECT_EQ(r.status_type(), cgnat::v1::ACCOUNTING_OFF);
}

TEST(RadiusAccountingTest, Ipv6Subscriber) {
  RadiusAccounting r = MustAcct(
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "v6", "Framed-IPv6-Prefix": "2001:db8:77:1::/64", "Framed-IPv6-Address": "2001:db8:77:1::5", "Delegated-IPv6-Prefix": "2001:db8:7700::/48", "NAS-IPv6-Address": "2001:db8:ffff::10"})");
  EXPECT_TRUE(r.framed_ip().empty());
  EXPECT_EQ(r.framed_ipv6_prefix().address(), Ip("2001:db8:77:1::"));
  EXPECT_EQ(r.framed_ipv6_prefix().length(), 64u);
  EXPECT_EQ(r.framed_ipv6_address(), Ip("2001:db8:77:1::5"));
  EXPECT_EQ(r.delegated_ipv6_prefix().address(), Ip("2001:db8:7700::"));
  EXPECT_EQ(r.delegated_ipv6_prefix().length(), 48u);
  EXPECT_EQ(r.nas_ip(), Ip("2001:db8:ffff::10"));
  // NAS-IP-Address wins over NAS-IPv6-Address.
  r = MustAcct(
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "v6", "NAS-IPv6-Address": "2001:db8:ffff::10", "NAS-IP-Address": "192.0.2.10"})");
  EXPECT_EQ(r.nas_ip(), Ip("192.0.2.10"));
  // Odd prefix lengths clear the right bits.
  r = MustAcct(
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "v6", "Framed-IPv6-Prefix": "2001:db8:ffff:ffff::/61"})");
  EXPECT_EQ(r.framed_ipv6_prefix().address(), Ip("2001:db8:ffff:fff8::"));
  r = MustAcct(
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "v6", "Framed-IPv6-Prefix": "::/0"})");
  EXPECT_EQ(r.framed_ipv6_prefix().length(), 0u);
}

TEST(RadiusAccountingTest, EventTimestampForms) {
  struct Case {
    std::string value;
    int64_t ms;
  };
  const Case cases[] = {
      {"1732104000", kT0 * 1000},
      {"\"1732104000\"", kT0 * 1000},
      {"\"Nov 20 2024 12:00:00 UTC\"", kT0 * 1000},
      {"\"Nov 20 2024 12:00:00 GMT\"", kT0 * 1000},
      {"\"Nov 20 2024 13:00:00 +0100\"", kT0 * 1000},
      {"\"Nov 20 2024 07:00:00 -05:00\"", kT0 * 1000},
      {"\"Mar  9 2024 08:00:00 UTC\"", 1709971200000},
      {"\"Mar 9 2024 08:00:00 UTC\"", 1709971200000},
      {"\"Nov 20 2024 12:00:00\"", kT0 * 1000},
      {"\"2024-11-20T12:00:00Z\"", kT0 * 1000},
      {"\"2024-11-20T13:00:00.250+01:00\"", kT0 * 1000 + 250},
  };
  for (const Case& c : cases) {
    BodyTime t;
    MustAcct(
        R"({"Acct-Status-Type": 1, "Acct-Session-Id": "x", "Event-Timestamp": )" +
            c.value + "}",
        &t);
    EXPECT_TRUE(t.present) << c.value;
    EXPECT_EQ(t.ms, c.ms) << c.value;
  }
  BodyTime t;
  MustAcct(R"({"Acct-Status-Type": 1, "Acct-Session-Id": "x"})", &t);
  EXPECT_FALSE(t.present);
  for (const char* bad :
       {"\"Nov 20 2024 12:00:00 CET\"", "\"yesterday\"",
        "\"Nov 31 2024 12:00:00 UTC\"", "\"Foo 20 2024 12:00:00 UTC\"",
        "\"Nov 20 2024 25:00:00 UTC\"", "-5", "\"2024-11-20T12:00:00Z junk\"",
        "true"}) {
    ExpectAcctReject(
        std::string(
            R"({"Acct-Status-Type": 1, "Acct-Session-Id": "x", "Event-Timestamp": )") +
            bad + "}",
        "invalid_value",
        "radius: unreadable Event-Timestamp (epoch seconds, RFC 3339 or "
        "'Mmm d yyyy hh:mm:ss UTC')");
  }
}

TEST(RadiusAccountingTest, NamesIgnoreCaseAndEscapesAreDecoded) {
  RadiusAccounting r = MustAcct(
      R"({"acct-status-type": "start", "ACCT-SESSION-ID": "a\"b", "User-N\u0061me": "Jos\u00e9 \\ co", "framed-ip-address": "100.64.0.\u0039"})");
  EXPECT_EQ(r.status_type(), cgnat::v1::START);
  EXPECT_EQ(r.acct_session_id(), "a\"b");
  EXPECT_EQ(r.user_name(), "Jos\xC3\xA9 \\ co");
  EXPECT_EQ(r.framed_ip(), Ip("100.64.0.9"));
}

TEST(RadiusAccountingTest, TerminateCauses) {
  const std::pair<std::string, uint32_t> cases[] = {
      {"\"User-Request\"", 1},
      {"\"Lost-Carrier\"", 2},
      {"\"Admin-Reset\"", 6},
      {"\"NAS-Reboot\"", 11},
      {"\"Port-Unneeded\"", 12},
      {"\"Host-Request\"", 18},
      {"\"Supplicant-Restart\"", 19},
      {"\"Port-Administratively-Disabled\"", 22},
      {"99", 99},
  };
  for (const auto& c : cases) {
    RadiusAccounting r = MustAcct(
        R"({"Acct-Status-Type": "Stop", "Acct-Session-Id": "x", "Acct-Terminate-Cause": )" +
        c.first + "}");
    EXPECT_EQ(r.terminate_cause(), c.second) << c.first;
  }
}

TEST(RadiusAccountingTest, UnknownAttributesAndNullAreIgnored) {
  RadiusAccounting r = MustAcct(
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "x", "Cisco-AVPair": ["a=1", "b=2"], "Class": {"type": "octets", "value": ["0x01", "0x02"]}, "Framed-IP-Address": null, "Tmp": true})");
  EXPECT_TRUE(r.framed_ip().empty());
}

TEST(RadiusAccountingTest, Rejections) {
  const std::string start =
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "x", )";
  struct Case {
    std::string json;
    std::string reason;
    std::string detail;
  };
  const Case cases[] = {
      {R"({"Acct-Status-Type": "Start", "Acct-Ses)", "unrecognized",
       "radius: not a JSON object"},
      {R"({"Acct-Status-Type": "Start"} x)", "unrecognized",
       "radius: not a JSON object"},
      {"Acct-Status-Type = Start", "unrecognized", "radius: not a JSON object"},
      {R"({"User-Name": "x"})", "unrecognized", "radius: no Acct-Status-Type"},
      {R"({"Acct-Status-Type": null})", "unrecognized",
       "radius: no Acct-Status-Type"},
      {R"({"Acct-Status-Type": "Bogus"})", "invalid_value",
       "radius: unknown Acct-Status-Type"},
      {R"({"Acct-Status-Type": true})", "invalid_value",
       "radius: unknown Acct-Status-Type"},
      {R"({"Acct-Status-Type": []})", "invalid_value",
       "radius: unknown Acct-Status-Type"},
      {R"({"Acct-Status-Type": {"type": "integer"}})", "invalid_value",
       "radius: unknown Acct-Status-Type"},
      {R"({"Acct-Status-Type": "Tunnel-Start", "Acct-Session-Id": "x"})",
       "unrecognized",
       "radius: Acct-Status-Type is not Start, Stop, Interim-Update, "
       "Accounting-On or Accounting-Off"},
      {R"({"Acct-Status-Type": 15, "Acct-Session-Id": "x"})", "unrecognized",
       "radius: Acct-Status-Type is not Start, Stop, Interim-Update, "
       "Accounting-On or Accounting-Off"},
      {R"({"Acct-Status-Type": "Start"})", "invalid_value",
       "radius: no Acct-Session-Id"},
      {R"({"Acct-Status-Type": "Stop", "Acct-Session-Id": ""})",
       "invalid_value", "radius: no Acct-Session-Id"},
      {start + R"("Framed-IP-Address": "100.64.3"})", "invalid_value",
       "radius: invalid Framed-IP-Address"},
      {start + R"("Framed-IP-Address": "2001:db8::1"})", "invalid_value",
       "radius: invalid Framed-IP-Address"},
      {start + R"("NAS-IP-Address": 17})", "invalid_value",
       "radius: invalid NAS-IP-Address"},
      {start + R"("NAS-IPv6-Address": "192.0.2.1"})", "invalid_value",
       "radius: invalid NAS-IPv6-Address"},
      {start + R"("Framed-IPv6-Address": "2001:db8::g"})", "invalid_value",
       "radius: invalid Framed-IPv6-Address"},
      {start + R"("Framed-IPv6-Prefix": "2001:db8::/129"})", "invalid_value",
       "radius: invalid Framed-IPv6-Prefix"},
      {start + R"("Framed-IPv6-Prefix": "2001:db8::"})", "invalid_value",
       "radius: invalid Framed-IPv6-Prefix"},
      {start + R"("Delegated-IPv6-Prefix": "10.0.0.0/8"})", "invalid_value",
       "radius: invalid Delegated-IPv6-Prefix"},
      {start + R"("Acct-Session-Time": 4294967296})", "invalid_value",
       "radius: Acct-Session-Time is not a 32-bit number"},
      {start + R"("Acct-Input-Octets": "-1"})", "invalid_value",
       "radius: Acct-Input-Octets is not a 32-bit number"},
      {start + R"("Acct-Output-Gigawords": 1.5})", "invalid_value",
       "radius: Acct-Output-Gigawords is not a 32-bit number"},
      {start + R"("Acct-Terminate-Cause": "Bored"})", "invalid_value",
       "radius: unknown Acct-Terminate-Cause"},
      {start + R"("User-Name": {"type": "string", "value": []}})",
       "invalid_value", "radius: a string attribute has an invalid value"},
      {start + R"("NFWare-vCGNAT-Action": 3})", "unrecognized",
       "radius: an NFWare vCGNAT NAT record, not a subscriber session"},
  };
  for (const Case& c : cases) ExpectAcctReject(c.json, c.reason, c.detail);
}

TEST(RadiusAccountingTest, ErrorOffsetsPointAtTheValue) {
  std::string json =
      R"({"Acct-Status-Type": "Start", "Acct-Session-Id": "x", "Framed-IP-Address": "100.64.3"})";
  AcctResult r = Acct(json);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, json.find("\"100.64.3\""));
  json = R"({"Acct-Status-Type": {"type": "integer", "value": ["Bogus"]}})";
  r = Acct(json);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, json.find("{\"type\""));
  json = R"({"Acct-Status-Type": "Start",, })";
  r = Acct(json);
  ASSERT_FALSE(r.ok);
  EXPECT_EQ(r.error.offset, json.find(",,") + 1);
}

// The samples file's NFWare record (veesix-networks/cgn-ec@0b0e8e3
// tests/radius/nfware_port_block_mapping.template), as the cgn-ec
// producer's JSON: attribute -> printed value.
const char kNfwarePortBlock[] =
    R"({"Acct-Status-Type": "1", "Acct-Session-Id": "abcdef1234567890", "NAS-Identifier": "vCGNAT", "Event-Timestamp": "1680103200", "NFWare-vCGNAT-Protocol": "6", "NFWare-vCGNAT-Action": "3", "NFWare-vCGNAT-Inside-Addr": "192.168.1.30", "NFWare-vCGNAT-Nat-Addr": "10.10.10.30", "NFWare-vCGNAT-NAT-Port-Start": "10000", "NFWare-vCGNAT-NAT-Port-End": "10099", "NFWare-vCGNAT-VRF": "1003", "NFWare-vCGNAT-Direction": "1"})";

TEST(RadiusNatEventTest, SamplePortBlock) {
  BodyTime t;
  NatEvent e = MustNat(kNfwarePortBlock, &t);
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT_BLOCK);
  EXPECT_EQ(e.protocol(), 6u);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.1.30"));
  EXPECT_EQ(e.outside_ip(), Ip("10.10.10.30"));
  EXPECT_EQ(e.port_block_start(), 10000u);
  EXPECT_EQ(e.port_block_end(), 10099u);
  EXPECT_EQ(e.inside_port(), 0u);
  EXPECT_EQ(e.outside_port(), 0u);
  EXPECT_EQ(e.vrf(), "1003");
  EXPECT_EQ(e.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(e.device(), "vCGNAT");  // no NAS-IP-Address in the sample
  ASSERT_TRUE(t.present);
  EXPECT_EQ(t.ms, 1680103200000);
}

TEST(RadiusNatEventTest, SampleSessionAndPortMapping) {
  // cgn-ec tests/radius/nfware_session.template.
  NatEvent e = MustNat(
      R"({"Acct-Status-Type": "1", "Acct-Session-Id": "1234567890abcdef", "NAS-Identifier": "vCGNAT", "Event-Timestamp": "1680103200", "NFWare-vCGNAT-Protocol": "6", "NFWare-vCGNAT-Action": "3", "NFWare-vCGNAT-Inside-Addr": "192.168.1.20", "NFWare-vCGNAT-Inside-Port": "54321", "NFWare-vCGNAT-Nat-Addr": "10.10.10.20", "NFWare-vCGNAT-Nat-Port": "12345", "NFWare-vCGNAT-Dest-Addr": "203.0.113.10", "NFWare-vCGNAT-Dest-Port": "80", "NFWare-vCGNAT-VRF": "1002", "NFWare-vCGNAT-Direction": "2"})");
  EXPECT_EQ(e.action(), cgnat::v1::CREATE);
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("192.168.1.20"));
  EXPECT_EQ(e.inside_port(), 54321u);
  EXPECT_EQ(e.outside_ip(), Ip("10.10.10.20"));
  EXPECT_EQ(e.outside_port(), 12345u);
  EXPECT_EQ(e.destination_ip(), Ip("203.0.113.10"));
  EXPECT_EQ(e.destination_port(), 80u);
  EXPECT_EQ(e.vrf(), "1002");
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  // cgn-ec tests/radius/nfware_port_mapping.template.
  e = MustNat(
      R"({"Acct-Status-Type": "1", "Acct-Session-Id": "a1b2c3d4e5f67890", "NAS-Identifier": "vCGNAT", "Event-Timestamp": "1680103200", "NFWare-vCGNAT-Protocol": "6", "NFWare-vCGNAT-Action": "3", "NFWare-vCGNAT-Inside-Addr": "192.168.1.10", "NFWare-vCGNAT-Inside-Port": "12345", "NFWare-vCGNAT-Nat-Addr": "10.10.10.10", "NFWare-vCGNAT-Nat-Port": "54321", "NFWare-vCGNAT-VRF": "1001", "NFWare-vCGNAT-Direction": "1"})");
  EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
  EXPECT_EQ(e.inside_port(), 12345u);
  EXPECT_EQ(e.outside_port(), 54321u);
  EXPECT_TRUE(e.destination_ip().empty());
  EXPECT_EQ(e.vrf(), "1001");
}

TEST(RadiusNatEventTest, AttributePerLineTextIsNotJson) {
  ExpectNatReject("Acct-Status-Type = 1\nNFWare-vCGNAT-Action = 3\n",
                  "unrecognized", "radius: not a JSON object");
}

std::string NfRecord(const std::string& status, const std::string& action,
                     const std::string& extra = "") {
  std::string json = "{";
  if (!status.empty()) json += R"("Acct-Status-Type": )" + status + ", ";
  if (!action.empty()) json += R"("NFWare-vCGNAT-Action": )" + action + ", ";
  return json +
         R"("NAS-IP-Address": "192.0.2.20", "NAS-Identifier": "vCGNAT", "Event-Timestamp": "Nov 20 2024 12:00:00 UTC", "NFWare-vCGNAT-Protocol": "TCP", "NFWare-vCGNAT-Inside-Addr": "100.64.1.2", "NFWare-vCGNAT-Inside-Port": "40000", "NFWare-vCGNAT-NAT-Addr": "203.0.113.4", "NFWare-vCGNAT-NAT-Port": "20000")" +
         extra + "}";
}

TEST(RadiusNatEventTest, ActionFromStatusAndNfwareAction) {
  struct Case {
    std::string status, action;
    cgnat::v1::Action want;
  };
  const Case cases[] = {
      {"\"Start\"", "\"Port-Allocated\"", cgnat::v1::CREATE},
      {"\"Stop\"", "\"Port-Freed\"", cgnat::v1::DELETE},
      {"\"Start\"", "1", cgnat::v1::CREATE},
      {"2", "2", cgnat::v1::DELETE},
      {"\"Stop\"", "\"Session-Deleted\"", cgnat::v1::DELETE},
      {"\"Stop\"", "\"port-block-freed\"", cgnat::v1::DELETE},
      {"\"Interim-Update\"", "\"Port-Allocated\"", cgnat::v1::UPDATE},
      {"\"Interim-Update\"", "", cgnat::v1::UPDATE},
      {"", "\"Session-Created\"", cgnat::v1::CREATE},
      {"", "6", cgnat::v1::DELETE},
      {"\"Start\"", "", cgnat::v1::CREATE},
      {"\"Stop\"", "", cgnat::v1::DELETE},
  };
  for (const Case& c : cases) {
    NatEvent e = MustNat(NfRecord(c.status, c.action));
    EXPECT_EQ(e.action(), c.want) << c.status << " " << c.action;
    EXPECT_EQ(e.mapping(), cgnat::v1::PORT);
    EXPECT_EQ(e.protocol(), 6u);
    EXPECT_EQ(e.device(), "192.0.2.20");
  }
}

TEST(RadiusNatEventTest, AddressMappingNat64AndDirections) {
  NatEvent e = MustNat(
      R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": "Port-Allocated", "NFWare-vCGNAT-Inside-Addr": "100.64.9.9", "NFWare-vCGNAT-NAT-Addr": "203.0.113.9", "NFWare-vCGNAT-Protocol": "OTHER", "NFWare-vCGNAT-Direction": "Outbound"})");
  EXPECT_EQ(e.mapping(), cgnat::v1::ADDRESS);
  EXPECT_EQ(e.protocol(), 0u);
  EXPECT_EQ(e.direction(), cgnat::v1::OUTBOUND);
  EXPECT_TRUE(e.device().empty());
  EXPECT_TRUE(e.vrf().empty());

  e = MustNat(
      R"({"Acct-Status-Type": {"type": "integer", "value": ["Start"]}, "NFWare-vCGNAT-Action": {"type": "integer", "value": ["Session-Created"]}, "NFWare-vCGNAT-64-Inside-Addr": {"type": "ipv6addr", "value": ["2001:db8:64::1:5"]}, "NFWare-vCGNAT-Inside-Port": {"type": "short", "value": [5353]}, "NFWare-vCGNAT-NAT-Addr": {"type": "ipaddr", "value": ["203.0.113.251"]}, "NFWare-vCGNAT-NAT-Port": {"type": "short", "value": [20001]}, "NFWare-vCGNAT-Dest-Addr": {"type": "ipaddr", "value": ["192.0.2.53"]}, "NFWare-vCGNAT-Dest-Port": {"type": "short", "value": [53]}, "NFWare-vCGNAT-Protocol": {"type": "integer", "value": ["UDP"]}, "NFWare-vCGNAT-Direction": {"type": "integer", "value": [1]}, "NFWare-vCGNAT-VRF": {"type": "integer", "value": [7]}, "NAS-IPv6-Address": {"type": "ipv6addr", "value": ["2001:db8:ffff::20"]}})");
  EXPECT_EQ(e.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(e.inside_ip(), Ip("2001:db8:64::1:5"));
  EXPECT_EQ(e.protocol(), 17u);
  EXPECT_EQ(e.destination_port(), 53u);
  EXPECT_EQ(e.direction(), cgnat::v1::INBOUND);
  EXPECT_EQ(e.vrf(), "7");
  EXPECT_EQ(e.device(), "2001:db8:ffff::20");

  e = MustNat(NfRecord(
      "\"Start\"", "1",
      R"(, "NFWare-vCGNAT-Direction": "none", "NFWare-vCGNAT-VRF": 0)"));
  EXPECT_EQ(e.direction(), cgnat::v1::DIRECTION_UNSPECIFIED);
  EXPECT_EQ(e.vrf(), "0");
}

TEST(RadiusNatEventTest, Rejections) {
  struct Case {
    std::string json;
    std::string reason;
    std::string detail;
  };
  const Case cases[] = {
      {R"({"Acct-Status-Type": "Start", "Framed-IP-Address": "100.64.1.1"})",
       "unrecognized", "radius: not an NFWare vCGNAT NAT record"},
      {NfRecord("\"Accounting-On\"", ""), "unrecognized",
       "radius: only Start, Stop and Interim-Update carry a NAT mapping"},
      {NfRecord("\"Failed\"", "1"), "unrecognized",
       "radius: only Start, Stop and Interim-Update carry a NAT mapping"},
      {NfRecord("", ""), "unrecognized",
       "radius: neither Acct-Status-Type nor NFWare-vCGNAT-Action"},
      {NfRecord("\"Start\"", "\"Port-Freed\""), "invalid_value",
       "radius: Acct-Status-Type contradicts NFWare-vCGNAT-Action"},
      {NfRecord("\"Stop\"", "3"), "invalid_value",
       "radius: Acct-Status-Type contradicts NFWare-vCGNAT-Action"},
      {NfRecord("\"Start\"", "7"), "invalid_value",
       "radius: NFWare-vCGNAT-Action is not 1..6"},
      {NfRecord("\"Start\"", "0"), "invalid_value",
       "radius: NFWare-vCGNAT-Action is not 1..6"},
      {NfRecord("\"Start\"", "\"Port-Exploded\""), "invalid_value",
       "radius: NFWare-vCGNAT-Action is not 1..6"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-Inside-Port": "65536")"),
       "invalid_value", "radius: NFWare-vCGNAT-Inside-Port is not 0..65535"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-NAT-Port": 70000)"),
       "invalid_value", "radius: NFWare-vCGNAT-NAT-Port is not 0..65535"},
      {NfRecord("\"Start\"", "1",
                R"(, "NFWare-vCGNAT-Inside-Addr": "100.64.1")"),
       "invalid_value", "radius: invalid NFWare-vCGNAT-Inside-Addr"},
      {NfRecord("\"Start\"", "1",
                R"(, "NFWare-vCGNAT-Inside-Addr": "2001:db8::1")"),
       "invalid_value", "radius: invalid NFWare-vCGNAT-Inside-Addr"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-NAT-Addr": "")"),
       "invalid_value", "radius: invalid NFWare-vCGNAT-NAT-Addr"},
      {R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": 1, "NFWare-vCGNAT-NAT-Addr": "203.0.113.4"})",
       "invalid_value", "radius: no NFWare-vCGNAT-Inside-Addr"},
      {R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": 1, "NFWare-vCGNAT-Inside-Addr": "100.64.1.2"})",
       "invalid_value", "radius: no NFWare-vCGNAT-NAT-Addr"},
      {NfRecord("\"Start\"", "3",
                R"(, "NFWare-vCGNAT-Dest-Addr": "198.51.100.1")"),
       "invalid_value",
       "radius: an NFWare session needs Inside-Port, NAT-Port and Dest-Port"},
      {NfRecord("\"Start\"", "3",
                R"(, "NFWare-vCGNAT-Dest-Addr": "198.51.100.300")"),
       "invalid_value", "radius: invalid NFWare-vCGNAT-Dest-Addr"},
      {R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": 5, "NFWare-vCGNAT-Inside-Addr": "100.64.1.2", "NFWare-vCGNAT-NAT-Addr": "203.0.113.4", "NFWare-vCGNAT-NAT-Port-Start": 2000, "NFWare-vCGNAT-NAT-Port-End": 1999})",
       "invalid_value",
       "radius: NFWare-vCGNAT-NAT-Port-End is below -NAT-Port-Start"},
      {R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": 5, "NFWare-vCGNAT-Inside-Addr": "100.64.1.2", "NFWare-vCGNAT-NAT-Addr": "203.0.113.4", "NFWare-vCGNAT-NAT-Port-Start": 2000})",
       "invalid_value",
       "radius: NFWare-vCGNAT-NAT-Port-Start without -NAT-Port-End"},
      {R"({"Acct-Status-Type": "Start", "NFWare-vCGNAT-Action": 1, "NFWare-vCGNAT-Inside-Addr": "100.64.1.2", "NFWare-vCGNAT-NAT-Addr": "203.0.113.4", "NFWare-vCGNAT-NAT-Port": 2000})",
       "invalid_value",
       "radius: an NFWare port mapping needs Inside-Port and NAT-Port"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-Protocol": "SCTPX")"),
       "invalid_value", "radius: unknown NFWare-vCGNAT-Protocol"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-Protocol": 256)"),
       "invalid_value", "radius: unknown NFWare-vCGNAT-Protocol"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-Direction": 3)"),
       "invalid_value", "radius: NFWare-vCGNAT-Direction is not 0..2"},
      {NfRecord("\"Start\"", "1", R"(, "NFWare-vCGNAT-VRF": "blue")"),
       "invalid_value", "radius: NFWare-vCGNAT-VRF is not a 32-bit number"},
      {NfRecord("\"Start\"", "1", R"(, "NAS-IP-Address": "bng-1")"),
       "invalid_value", "radius: invalid NAS-IP-Address"},
      {NfRecord("\"Start\"", "1", R"(, "Event-Timestamp": "soon")"),
       "invalid_value",
       "radius: unreadable Event-Timestamp (epoch seconds, RFC 3339 or "
       "'Mmm d yyyy hh:mm:ss UTC')"},
      {NfRecord("\"Start\"", "1") + "x", "unrecognized",
       "radius: not a JSON object"},
  };
  for (const Case& c : cases) ExpectNatReject(c.json, c.reason, c.detail);
}

TEST(RadiusParserTest, FixtureFileParses) {
  std::ifstream in("tests/parsers/testdata/radius.log");
  ASSERT_TRUE(in.is_open());
  std::string line;
  int sessions = 0, nat_events = 0;
  std::map<int, int> by_status, by_mapping, by_action;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.find("NFWare-vCGNAT-") != std::string::npos) {
      NatResult r = Nat(line);
      EXPECT_TRUE(r.ok) << line << ": " << r.error.detail << " at "
                        << r.error.offset;
      EXPECT_TRUE(r.time.present) << line;
      EXPECT_FALSE(r.event.device().empty()) << line;
      // The other reader refuses NAT records.
      EXPECT_FALSE(Acct(line).ok) << line;
      ++by_mapping[r.event.mapping()];
      ++by_action[r.event.action()];
      ++nat_events;
    } else {
      AcctResult r = Acct(line);
      EXPECT_TRUE(r.ok) << line << ": " << r.error.detail << " at "
                        << r.error.offset;
      EXPECT_TRUE(r.time.present) << line;
      EXPECT_FALSE(r.record.nas_ip().empty()) << line;
      EXPECT_FALSE(Nat(line).ok) << line;
      ++by_status[r.record.status_type()];
      ++sessions;
    }
  }
  EXPECT_GE(sessions + nat_events, 30);
  EXPECT_LE(sessions + nat_events, 60);
  EXPECT_GT(by_status[cgnat::v1::START], 0);
  EXPECT_GT(by_status[cgnat::v1::INTERIM_UPDATE], 0);
  EXPECT_GT(by_status[cgnat::v1::STOP], 0);
  EXPECT_GT(by_status[cgnat::v1::ACCOUNTING_ON], 0);
  EXPECT_GT(by_status[cgnat::v1::ACCOUNTING_OFF], 0);
  EXPECT_GT(by_mapping[cgnat::v1::SESSION], 0);
  EXPECT_GT(by_mapping[cgnat::v1::PORT], 0);
  EXPECT_GT(by_mapping[cgnat::v1::PORT_BLOCK], 0);
  EXPECT_GT(by_mapping[cgnat::v1::ADDRESS], 0);
  EXPECT_GT(by_action[cgnat::v1::UPDATE], 0);
}

}  // namespace
}  // namespace netstreams

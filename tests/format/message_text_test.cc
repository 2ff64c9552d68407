#include "src/format/message_text.h"

#include "cgnat/v1/nat_event.pb.h"
#include "gtest/gtest.h"
#include "src/common/ip_address.h"

namespace netstreams {
namespace {

std::string Ip(const char* text) {
  IpBytes ip;
  EXPECT_TRUE(ParseIp(text, &ip));
  return std::string(ip.view());
}

TEST(MessageTextTest, JsonUsesProtoNamesIpTextAndEnumNames) {
  cgnat::v1::NatEvent e;
  e.set_action(cgnat::v1::CREATE);
  e.set_mapping(cgnat::v1::SESSION);
  e.mutable_event_time()->set_seconds(1795392000);
  e.mutable_event_time()->set_nanos(123000000);
  e.set_device("dev\"1");
  e.set_inside_ip(Ip("10.0.0.1"));
  e.set_inside_port(5);
  e.set_destination_ip(Ip("2001:db8::1"));
  std::string json;
  AppendMessageJson(e, &json);
  EXPECT_EQ(json,
            "{\"action\":\"CREATE\",\"mapping\":\"SESSION\",\"event_time\":"
            "\"2026-11-23T00:00:00.123Z\",\"device\":\"dev\\\"1\","
            "\"inside_ip\":\"10.0.0.1\",\"inside_port\":5,\"destination_ip\":"
            "\"2001:db8::1\"}");
}

TEST(MessageTextTest, JsonEscapesControlAndInvalidUtf8) {
  std::string out;
  AppendJsonString(std::string("a\nb\x01\xff\xc3\xa9", 7), &out);
  EXPECT_EQ(out, "\"a\\nb\\u0001\\u00ff\xc3\xa9\"");
}

TEST(MessageTextTest, KeyText) {
  cgnat::v1::NatEvent e;
  e.set_inside_ip(Ip("10.1.2.3"));
  e.set_inside_port(443);
  e.set_action(cgnat::v1::DELETE);
  e.set_device("cgn-1");
  const auto* d = e.GetDescriptor();
  auto text = [&](const char* field) {
    std::string out;
    EXPECT_TRUE(AppendFieldText(e, d->FindFieldByName(field), &out));
    return out;
  };
  EXPECT_EQ(text("inside_ip"), "10.1.2.3");
  EXPECT_EQ(text("inside_port"), "443");
  EXPECT_EQ(text("action"), "DELETE");
  EXPECT_EQ(text("device"), "cgn-1");
  std::string out;
  EXPECT_FALSE(AppendFieldText(e, d->FindFieldByName("event_time"), &out));
  EXPECT_TRUE(IsIpAddressField(d->FindFieldByName("outside_ip")));
  EXPECT_FALSE(IsIpAddressField(d->FindFieldByName("device")));
}

}  // namespace
}  // namespace netstreams

// libFuzzer target: the pattern parser (RE2 patterns with every capture
// kind and time format) on arbitrary message bodies.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "google/protobuf/text_format.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "src/parsers/pattern_parser.h"

namespace {

constexpr char kConfig[] = R"pb(
  patterns {
    regex: " *(?P<action>[AD]) +VRF +(?P<vrf>\\d+) +(?P<protocol>\\d+) +INT +\\[?(?P<inside_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<inside_port>\\d+) +EXT +\\[?(?P<outside_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<outside_port>\\d+) +DST +\\[?(?P<destination_ip>[0-9A-Fa-f.:]+?)\\]?:(?P<destination_port>\\d+) +DIR +(?P<direction>IN|OUT) *"
    mapping: SESSION
    action_values { key: "A" value: CREATE }
    action_values { key: "D" value: DELETE }
  }
  patterns {
    regex: "(?P<event_time>\\S+ \\S+) (?P<action>\\w+) (?P<mapping>\\w+) (?P<protocol>\\w+) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+) (?P<port_block_start>\\d+)-(?P<port_block_end>\\d+)(?: (?P<device>\\S+))?"
    time_format: "%Y-%m-%d %H:%M:%S"
  }
  patterns {
    regex: "(?P<event_time>[0-9a-f]+) (?P<direction>\\w+) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+)"
    action: UPDATE
    mapping: ADDRESS
    time_format: "hex_epoch_s"
  }
  patterns {
    regex: "(?P<event_time>\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d) (?P<inside_ip>\\S+) (?P<outside_ip>\\S+)"
    action: CREATE
    mapping: ADDRESS
    time_format: "bsd"
  }
)pb";

const netstreams::PatternParser* Parser() {
  static const netstreams::PatternParser* parser = [] {
    netstreams::stages::v1::ParseConfig config;
    if (!google::protobuf::TextFormat::ParseFromString(kConfig, &config)) {
      std::abort();
    }
    std::vector<netstreams::PatternIssue> issues;
    auto p = netstreams::PatternParser::Create(config.patterns(), &issues);
    if (p == nullptr) std::abort();
    return p.release();
  }();
  return parser;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netstreams;
  SyslogMessage syslog;
  syslog.message = absl::string_view(reinterpret_cast<const char*>(data), size);
  SyslogTimeContext time{absl::UTCTimeZone(), 1795176000000};
  cgnat::v1::NatEvent event;
  BodyTime body_time;
  ParseError error;
  if (Parser()->Parse(VendorInput{syslog, time}, &event, &body_time, &error)) {
    if (event.inside_ip().size() != 4 && event.inside_ip().size() != 16) {
      std::abort();
    }
    if (event.port_block_end() < event.port_block_start()) std::abort();
  }
  return 0;
}

// Maps a YAML document onto a protobuf message through its descriptor, so
// that YAML is just another spelling of a proto schema (as Envoy treats
// YAML and JSON). Every problem is reported with its location and field
// path: unknown keys (with a suggestion), wrong types, out-of-range
// numbers, unknown enum values, duplicate keys.
//
// Spellings: messages are mappings; repeated fields are sequences; maps
// are mappings; enums are value names, case-insensitive; bools are
// true/false; google.protobuf.Duration is text such as "5s" or "250ms".
// Quoted scalars are strings and are rejected where a number or a bool is
// expected. google.protobuf.Any fields are left to the caller.
#ifndef NETSTREAMS_SRC_TOPOLOGY_YAML_TO_PROTO_H_
#define NETSTREAMS_SRC_TOPOLOGY_YAML_TO_PROTO_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "src/topology/diagnostics.h"
#include "yaml-cpp/yaml.h"

namespace netstreams {

SourceLocation LocationOf(const YAML::Node& node);

class YamlToProto {
 public:
  // Both must outlive the mapper.
  YamlToProto(Diagnostics* diagnostics, SourceMap* source_map)
      : diagnostics_(diagnostics), source_map_(source_map) {}

  // Maps `node` (a mapping, or null for an empty message) onto `message`.
  // Keys in `skip` are left to the caller. Returns false if any problem
  // was reported.
  bool MapMessage(const YAML::Node& node, const std::string& path,
                  google::protobuf::Message* message,
                  const std::vector<std::string>& skip = {});

  // Reads a scalar string (any plain or quoted scalar).
  bool ReadString(const YAML::Node& node, const std::string& path,
                  std::string* out);

 private:
  void MapField(const YAML::Node& node, const std::string& path,
                google::protobuf::Message* message,
                const google::protobuf::FieldDescriptor* field);
  bool MapScalarField(const YAML::Node& node, const std::string& path,
                      google::protobuf::Message* message,
                      const google::protobuf::FieldDescriptor* field);
  void Error(const YAML::Node& node, const std::string& path,
             absl::string_view message);

  Diagnostics* diagnostics_;
  SourceMap* source_map_;
  bool ok_ = true;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TOPOLOGY_YAML_TO_PROTO_H_

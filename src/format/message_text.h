// Renders protobuf messages for people and for keys: JSON lines with proto
// field names (snake_case), enums by name, timestamps in RFC 3339, and
// fields annotated (cgnat.v1.ip_address) = true as IP text. Fields with
// default values are omitted, as in proto3 JSON; 64-bit integers are
// numbers. Thread-compatible: pure functions.
#ifndef NETSTREAMS_SRC_FORMAT_MESSAGE_TEXT_H_
#define NETSTREAMS_SRC_FORMAT_MESSAGE_TEXT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace netstreams {

// True if the field is bytes annotated as an IP address.
bool IsIpAddressField(const google::protobuf::FieldDescriptor* field);

// Appends `message` as one JSON object.
void AppendMessageJson(const google::protobuf::Message& message,
                       std::string* out);

// Appends `text` as a JSON string literal (quotes included); invalid UTF-8
// bytes are written as \u00XX escapes of the byte value.
void AppendJsonString(absl::string_view text, std::string* out);

// A singular scalar field as key text: strings as-is, IP fields as text,
// other bytes raw, numbers in decimal, enums by name, bools true/false.
// Returns false for message and repeated fields.
bool AppendFieldText(const google::protobuf::Message& message,
                     const google::protobuf::FieldDescriptor* field,
                     std::string* out);

// Whether AppendFieldText can render the field.
bool IsKeyableField(const google::protobuf::FieldDescriptor* field);

// Milliseconds since the epoch as "2024-05-01T12:00:00.123Z".
std::string FormatTimestampMs(int64_t epoch_ms);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_FORMAT_MESSAGE_TEXT_H_

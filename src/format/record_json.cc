#include "src/format/record_json.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "src/format/message_text.h"

namespace netstreams {

std::string RecordToJson(const RecordView& r, const std::string& type,
                         bool with_headers) {
  std::string out = "{\"topic\":";
  AppendJsonString(r.topic, &out);
  absl::StrAppend(&out, ",\"partition\":", r.partition,
                  ",\"offset\":", r.offset);
  if (r.timestamp_ms >= 0) {
    out.append(",\"timestamp\":");
    AppendJsonString(FormatTimestampMs(r.timestamp_ms), &out);
  }
  if (r.has_key) {
    out.append(",\"key\":");
    AppendJsonString(r.key, &out);
  }
  if (with_headers) {
    out.append(",\"headers\":{");
    bool first = true;
    for (const auto& [name, value] : r.headers) {
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(name, &out);
      out.push_back(':');
      AppendJsonString(value, &out);
    }
    out.push_back('}');
  }
  out.append(",\"value\":");
  if (type == "bytes") {
    AppendJsonString(r.value, &out);
  } else {
    const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()
                                 ->FindMessageTypeByName(type);
    std::unique_ptr<google::protobuf::Message> message;
    if (descriptor != nullptr) {
      message.reset(google::protobuf::MessageFactory::generated_factory()
                        ->GetPrototype(descriptor)
                        ->New());
    }
    if (message != nullptr &&
        message->ParseFromArray(r.value.data(),
                                static_cast<int>(r.value.size()))) {
      AppendMessageJson(*message, &out);
    } else {
      out.append("null,\"error\":\"value does not decode as ");
      out.append(type);
      out.append("\"");
    }
  }
  out.push_back('}');
  return out;
}

}  // namespace netstreams

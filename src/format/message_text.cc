#include "src/format/message_text.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cgnat/v1/annotations.pb.h"
#include "google/protobuf/reflection.h"
#include "src/common/ip_address.h"
#include "src/common/json_escape.h"

namespace netstreams {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsIpAddressField(const FieldDescriptor* field) {
  return field->type() == FieldDescriptor::TYPE_BYTES &&
         field->options().GetExtension(cgnat::v1::ip_address);
}

std::string FormatTimestampMs(int64_t epoch_ms) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                          absl::FromUnixMillis(epoch_ms), absl::UTCTimeZone());
}

namespace {

void AppendTimestamp(const Message& ts, std::string* out) {
  const auto* d = ts.GetDescriptor();
  const Reflection* r = ts.GetReflection();
  int64_t seconds = r->GetInt64(ts, d->FindFieldByName("seconds"));
  int32_t nanos = r->GetInt32(ts, d->FindFieldByName("nanos"));
  absl::Time t = absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
  const char* format = nanos == 0
                           ? "%Y-%m-%dT%H:%M:%SZ"
                           : (nanos % 1000000 == 0 ? "%Y-%m-%dT%H:%M:%E3SZ"
                                                   : "%Y-%m-%dT%H:%M:%E9SZ");
  out->push_back('"');
  out->append(absl::FormatTime(format, t, absl::UTCTimeZone()));
  out->push_back('"');
}

void AppendDuration(const Message& d, std::string* out) {
  const auto* desc = d.GetDescriptor();
  const Reflection* r = d.GetReflection();
  int64_t seconds = r->GetInt64(d, desc->FindFieldByName("seconds"));
  int32_t nanos = r->GetInt32(d, desc->FindFieldByName("nanos"));
  out->push_back('"');
  if (nanos == 0) {
    absl::StrAppend(out, seconds, "s");
  } else {
    char buf[48];
    std::snprintf(buf, sizeof(buf), "%.9f",
                  static_cast<double>(seconds) + nanos / 1e9);
    std::string s(buf);
    while (!s.empty() && s.back() == '0') s.pop_back();
    absl::StrAppend(out, s, "s");
  }
  out->push_back('"');
}

void AppendValue(const Message& m, const FieldDescriptor* f, int index,
                 std::string* out);

void AppendMessage(const Message& m, std::string* out) {
  const std::string& type = m.GetDescriptor()->full_name();
  if (type == "google.protobuf.Timestamp") {
    AppendTimestamp(m, out);
    return;
  }
  if (type == "google.protobuf.Duration") {
    AppendDuration(m, out);
    return;
  }
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (!first) out->push_back(',');
    first = false;
    out->push_back('"');
    out->append(f->name());
    out->append("\":");
    if (f->is_map()) {
      out->push_back('{');
      int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        const Message& entry = r->GetRepeatedMessage(m, f, i);
        const auto* kd = entry.GetDescriptor()->map_key();
        const auto* vd = entry.GetDescriptor()->map_value();
        std::string key;
        AppendFieldText(entry, kd, &key);
        AppendJsonString(key, out);
        out->push_back(':');
        AppendValue(entry, vd, -1, out);
      }
      out->push_back('}');
    } else if (f->is_repeated()) {
      out->push_back('[');
      int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        AppendValue(m, f, i, out);
      }
      out->push_back(']');
    } else {
      AppendValue(m, f, -1, out);
    }
  }
  out->push_back('}');
}

void AppendValue(const Message& m, const FieldDescriptor* f, int index,
                 std::string* out) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f));
      return;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(
          out, rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(
          out, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f));
      return;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(
          out, rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f));
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      absl::StrAppend(
          out, rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f));
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      absl::StrAppend(
          out, rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f));
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f))
                      ? "true"
                      : "false");
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* v = rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f);
      AppendJsonString(v->name(), out);
      return;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s =
          rep ? r->GetRepeatedStringReference(m, f, index, &scratch)
              : r->GetStringReference(m, f, &scratch);
      if (IsIpAddressField(f)) {
        char buf[kIpTextMax];
        size_t n = FormatIp(s, buf);
        if (n > 0) {
          AppendJsonString(absl::string_view(buf, n), out);
          return;
        }
      }
      AppendJsonString(s, out);
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(
          rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f), out);
      return;
  }
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  AppendJsonEscaped(text, out);
  out->push_back('"');
}

void AppendMessageJson(const Message& message, std::string* out) {
  AppendMessage(message, out);
}

bool IsKeyableField(const FieldDescriptor* field) {
  return !field->is_repeated() &&
         field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
}

bool AppendFieldText(const Message& m, const FieldDescriptor* f,
                     std::string* out) {
  if (!IsKeyableField(f)) return false;
  const Reflection* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, r->GetInt32(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, r->GetInt64(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, r->GetUInt32(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, r->GetUInt64(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      absl::StrAppend(out, r->GetDouble(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_FLOAT:
      absl::StrAppend(out, r->GetFloat(m, f));
      return true;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append(r->GetBool(m, f) ? "true" : "false");
      return true;
    case FieldDescriptor::CPPTYPE_ENUM:
      out->append(r->GetEnum(m, f)->name());
      return true;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = r->GetStringReference(m, f, &scratch);
      if (IsIpAddressField(f)) {
        char buf[kIpTextMax];
        size_t n = FormatIp(s, buf);
        out->append(buf, n);
      } else {
        out->append(s);
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return false;
  }
  return false;
}

}  // namespace netstreams

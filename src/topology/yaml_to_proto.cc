#include "src/topology/yaml_to_proto.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/duration.pb.h"

namespace netstreams {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

SourceLocation LocationOf(const YAML::Node& node) {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

namespace {

absl::string_view KindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "an undefined value";
  }
}

// Plain (unquoted) scalars may be numbers and bools; quoted ones are text.
bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

std::string FieldPath(const std::string& parent, absl::string_view name) {
  return parent.empty() ? std::string(name) : absl::StrCat(parent, ".", name);
}

std::string EnumChoices(const google::protobuf::EnumDescriptor* e) {
  std::vector<std::string> names;
  for (int i = 0; i < e->value_count(); ++i) {
    const std::string& n = e->value(i)->name();
    if (absl::EndsWith(n, "_UNSPECIFIED")) continue;
    names.push_back(absl::AsciiStrToLower(n));
  }
  return absl::StrJoin(names, ", ");
}

}  // namespace

void YamlToProto::Error(const YAML::Node& node, const std::string& path,
                        absl::string_view message) {
  ok_ = false;
  diagnostics_->ErrorAt(LocationOf(node), path, message);
}

bool YamlToProto::ReadString(const YAML::Node& node, const std::string& path,
                             std::string* out) {
  source_map_->Set(path, LocationOf(node));
  if (!node.IsScalar()) {
    Error(node, path, absl::StrCat("expected text, got ", KindName(node)));
    return false;
  }
  *out = node.Scalar();
  return true;
}

bool YamlToProto::MapMessage(const YAML::Node& node, const std::string& path,
                             Message* message,
                             const std::vector<std::string>& skip) {
  bool was_ok = ok_;
  ok_ = true;
  if (!path.empty()) source_map_->Set(path, LocationOf(node));
  if (node.IsNull()) {
    bool result = ok_;
    ok_ = was_ok && ok_;
    return result;
  }
  if (!node.IsMap()) {
    Error(node, path,
          absl::StrCat("expected a mapping (key: value lines), got ",
                       KindName(node)));
    ok_ = false;
    return false;
  }
  const Descriptor* descriptor = message->GetDescriptor();
  std::set<std::string> seen;
  std::set<int> oneofs_set;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // Copies (reference-counted handles): `it->` returns a temporary
    // proxy, so references into it would dangle.
    const YAML::Node key_node = it->first;
    const YAML::Node value = it->second;
    if (!key_node.IsScalar()) {
      Error(key_node, path, "keys must be plain text");
      continue;
    }
    const std::string& key = key_node.Scalar();
    std::string child_path = FieldPath(path, key);
    if (!seen.insert(key).second) {
      Error(key_node, child_path, absl::StrCat("duplicate key '", key, "'"));
      continue;
    }
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    const FieldDescriptor* field = descriptor->FindFieldByName(key);
    if (field == nullptr) {
      std::vector<std::string> known;
      for (int i = 0; i < descriptor->field_count(); ++i) {
        known.push_back(descriptor->field(i)->name());
      }
      Error(key_node, child_path,
            absl::StrCat("unknown key '", key, "'", DidYouMean(key, known),
                         "; known keys: ", absl::StrJoin(known, ", ")));
      continue;
    }
    if (const auto* oneof = field->real_containing_oneof()) {
      if (!oneofs_set.insert(oneof->index()).second) {
        Error(key_node, child_path,
              absl::StrCat("only one of the '", oneof->name(),
                           "' choices may be set"));
        continue;
      }
    }
    source_map_->Set(child_path, LocationOf(value));
    MapField(value, child_path, message, field);
  }
  bool result = ok_;
  ok_ = was_ok && ok_;
  return result;
}

void YamlToProto::MapField(const YAML::Node& node, const std::string& path,
                           Message* message, const FieldDescriptor* field) {
  const Reflection* reflection = message->GetReflection();
  if (field->is_map()) {
    if (!node.IsMap()) {
      Error(node, path,
            absl::StrCat("expected a mapping, got ", KindName(node)));
      return;
    }
    const Descriptor* entry = field->message_type();
    const FieldDescriptor* key_field = entry->map_key();
    const FieldDescriptor* value_field = entry->map_value();
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!it->first.IsScalar()) {
        Error(it->first, path, "keys must be plain text");
        continue;
      }
      std::string key = it->first.Scalar();
      std::string entry_path = absl::StrCat(path, "[\"", key, "\"]");
      if (!seen.insert(key).second) {
        Error(it->first, entry_path, absl::StrCat("duplicate key '", key, "'"));
        continue;
      }
      source_map_->Set(entry_path, LocationOf(it->second));
      Message* e = reflection->AddMessage(message, field);
      if (key_field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
        Error(it->first, entry_path, "only text-keyed maps are supported");
        continue;
      }
      e->GetReflection()->SetString(e, key_field, key);
      if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
          !it->second.IsScalar()) {
        Error(it->second, entry_path,
              absl::StrCat("expected a value, got ", KindName(it->second)));
        continue;
      }
      if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        e->GetReflection()->SetString(e, value_field, it->second.Scalar());
      } else if (value_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        MapMessage(it->second, entry_path,
                   e->GetReflection()->MutableMessage(e, value_field));
      } else {
        MapScalarField(it->second, entry_path, e, value_field);
      }
    }
    return;
  }
  if (field->is_repeated()) {
    if (!node.IsSequence()) {
      Error(node, path,
            absl::StrCat("expected a list (e.g. [a, b] or '- item' lines), "
                         "got ",
                         KindName(node)));
      return;
    }
    for (size_t i = 0; i < node.size(); ++i) {
      std::string item_path = absl::StrCat(path, "[", i, "]");
      YAML::Node item = node[i];
      source_map_->Set(item_path, LocationOf(item));
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
          field->message_type()->full_name() != "google.protobuf.Duration") {
        MapMessage(item, item_path, reflection->AddMessage(message, field));
      } else {
        MapScalarField(item, item_path, message, field);
      }
    }
    return;
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      field->message_type()->full_name() != "google.protobuf.Duration") {
    if (field->message_type()->full_name() == "google.protobuf.Any") {
      Error(node, path, "this field cannot be written in YAML");
      return;
    }
    MapMessage(node, path, reflection->MutableMessage(message, field));
    return;
  }
  MapScalarField(node, path, message, field);
}

bool YamlToProto::MapScalarField(const YAML::Node& node,
                                 const std::string& path, Message* message,
                                 const FieldDescriptor* field) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  if (!node.IsScalar()) {
    Error(node, path,
          absl::StrCat("expected a single value, got ", KindName(node)));
    return false;
  }
  const std::string& text = node.Scalar();
  auto expect_number = [&](absl::string_view what) {
    if (IsQuoted(node)) {
      Error(node, path,
            absl::StrCat("expected ", what, ", got the quoted text \"", text,
                         "\""));
      return false;
    }
    return true;
  };
  // Integers of any width: SimpleAtoi rejects garbage, signs where the
  // type has none, and values out of the type's range.
  auto read_integer = [&](auto* value, absl::string_view what) {
    if (!expect_number(what)) return false;
    if (!absl::SimpleAtoi(text, value)) {
      Error(node, path, absl::StrCat("expected ", what, ", got '", text, "'"));
      return false;
    }
    return true;
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r->AddString(message, field, text)
               : r->SetString(message, field, text);
      return true;
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!read_integer(&v, "an integer")) return false;
      repeated ? r->AddInt32(message, field, v)
               : r->SetInt32(message, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!read_integer(&v, "an integer")) return false;
      repeated ? r->AddInt64(message, field, v)
               : r->SetInt64(message, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!read_integer(&v, "a non-negative integer")) return false;
      repeated ? r->AddUInt32(message, field, v)
               : r->SetUInt32(message, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!read_integer(&v, "a non-negative integer")) return false;
      repeated ? r->AddUInt64(message, field, v)
               : r->SetUInt64(message, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!expect_number("a number")) return false;
      if (!absl::SimpleAtod(text, &v)) {
        Error(node, path, absl::StrCat("expected a number, got '", text, "'"));
        return false;
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(message, field, v)
                 : r->SetDouble(message, field, v);
      } else {
        repeated ? r->AddFloat(message, field, static_cast<float>(v))
                 : r->SetFloat(message, field, static_cast<float>(v));
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (!expect_number("true or false")) return false;
      std::string lower = absl::AsciiStrToLower(text);
      bool v;
      if (lower == "true") {
        v = true;
      } else if (lower == "false") {
        v = false;
      } else {
        Error(node, path,
              absl::StrCat("expected true or false, got '", text, "'"));
        return false;
      }
      repeated ? r->AddBool(message, field, v) : r->SetBool(message, field, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = field->enum_type();
      const EnumValueDescriptor* value = nullptr;
      std::string upper = absl::AsciiStrToUpper(text);
      for (int i = 0; i < e->value_count(); ++i) {
        if (e->value(i)->name() == upper &&
            !absl::EndsWith(upper, "_UNSPECIFIED")) {
          value = e->value(i);
        }
      }
      if (value == nullptr) {
        std::vector<std::string> names;
        for (int i = 0; i < e->value_count(); ++i) {
          names.push_back(absl::AsciiStrToLower(e->value(i)->name()));
        }
        Error(node, path,
              absl::StrCat("unknown value '", text, "'",
                           DidYouMean(absl::AsciiStrToLower(text), names),
                           "; expected one of: ", EnumChoices(e)));
        return false;
      }
      repeated ? r->AddEnum(message, field, value)
               : r->SetEnum(message, field, value);
      return true;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Only google.protobuf.Duration reaches here.
      absl::Duration d;
      if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration()) {
        Error(node, path,
              absl::StrCat("expected a duration such as 5s, 250ms or 1m30s, "
                           "got '",
                           text, "'"));
        return false;
      }
      google::protobuf::Duration* out =
          repeated ? static_cast<google::protobuf::Duration*>(
                         r->AddMessage(message, field))
                   : static_cast<google::protobuf::Duration*>(
                         r->MutableMessage(message, field));
      int64_t nanos = absl::ToInt64Nanoseconds(d);
      out->set_seconds(nanos / 1000000000);
      out->set_nanos(static_cast<int32_t>(nanos % 1000000000));
      return true;
    }
  }
  Error(node, path, "unsupported field type");
  return false;
}

}  // namespace netstreams

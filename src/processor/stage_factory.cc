#include "src/processor/stage_factory.h"

#include "absl/strings/str_cat.h"

namespace netstreams {

const TopicInfo* RequireTopic(const std::string& topic, absl::string_view field,
                              absl::string_view kind,
                              StageCheckContext& context) {
  if (topic.empty()) {
    context.Error("", absl::StrCat(kind, " needs a ", field));
    return nullptr;
  }
  const TopicInfo* info = context.FindTopic(topic);
  if (info == nullptr) {
    context.Error(field, absl::StrCat("topic '", topic,
                                      "' is not declared under topics"));
  }
  return info;
}

}  // namespace netstreams

#include "src/kafka/client.h"

#include "absl/strings/str_cat.h"
#include "src/common/log.h"

namespace netstreams {
namespace {

void LogCallback(const rd_kafka_t* rk, int level, const char* facility,
                 const char* message) {
  // syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug.
  LogLevel our = level <= 3   ? LogLevel::kError
                 : level == 4 ? LogLevel::kWarning
                 : level <= 6 ? LogLevel::kInfo
                              : LogLevel::kDebug;
  LogEvent(our, message)
      .With("source", "librdkafka")
      .With("client", rd_kafka_name(rk))
      .With("facility", facility);
}

}  // namespace

void ForEachHeader(const rd_kafka_message_t* message,
                   const std::function<void(const char* name,
                                            absl::string_view value)>& visit) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) !=
          RD_KAFKA_RESP_ERR_NO_ERROR ||
      headers == nullptr) {
    return;
  }
  const char* name;
  const void* value;
  size_t size;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
       RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    visit(name, absl::string_view(static_cast<const char*>(value), size));
  }
}

void UseEngineLogger(rd_kafka_conf_t* conf) {
  rd_kafka_conf_set_log_cb(conf, LogCallback);
}

absl::StatusOr<KafkaPtr> NewKafkaClient(
    rd_kafka_type_t type, const KafkaSettings& settings,
    const KafkaSettings& overrides,
    const std::function<void(rd_kafka_conf_t*)>& customize) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const KafkaSettings* layer : {&settings, &overrides}) {
    for (const auto& [key, value] : *layer) {
      if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err,
                            sizeof(err)) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return absl::InvalidArgumentError(
            absl::StrCat("kafka setting '", key, "': ", err));
      }
    }
  }
  UseEngineLogger(conf);
  if (customize) customize(conf);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create Kafka client: ", err));
  }
  return KafkaPtr(rk);
}

}  // namespace netstreams

// Structured logging to stderr: one line per event, as key=value text or
// as JSON (--log_format), with a level threshold (--log_level).
//
//   LogInfo("partition assigned").With("topic", t).With("partition", p);
//
// The line is written when the temporary LogEvent is destroyed, so a
// statement is one line. Thread-safe: lines from different threads never
// interleave. Secrets: never pass configuration values through here
// without RedactedConfigValue().
#ifndef NETSTREAMS_SRC_COMMON_LOG_H_
#define NETSTREAMS_SRC_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace netstreams {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
bool LogEnabled(LogLevel level);
// Parses "debug", "info", "warning", "error"; false on anything else.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

class LogEvent {
 public:
  LogEvent(LogLevel level, absl::string_view message);
  LogEvent(const LogEvent&) = delete;
  LogEvent& operator=(const LogEvent&) = delete;
  ~LogEvent();

  LogEvent& With(absl::string_view key, absl::string_view value);
  LogEvent& With(absl::string_view key, const char* value) {
    return With(key, absl::string_view(value));
  }
  LogEvent& With(absl::string_view key, const std::string& value) {
    return With(key, absl::string_view(value));
  }
  LogEvent& With(absl::string_view key, int64_t value);
  LogEvent& With(absl::string_view key, int value) {
    return With(key, static_cast<int64_t>(value));
  }
  LogEvent& With(absl::string_view key, uint64_t value);
  LogEvent& With(absl::string_view key, uint32_t value) {
    return With(key, static_cast<uint64_t>(value));
  }
  LogEvent& With(absl::string_view key, double value);

 private:
  void AppendKey(absl::string_view key);
  void AppendRaw(absl::string_view key, absl::string_view rendered);

  bool enabled_;
  LogFormat format_;
  std::string line_;
};

inline LogEvent LogDebug(absl::string_view m) {
  return LogEvent(LogLevel::kDebug, m);
}
inline LogEvent LogInfo(absl::string_view m) {
  return LogEvent(LogLevel::kInfo, m);
}
inline LogEvent LogWarning(absl::string_view m) {
  return LogEvent(LogLevel::kWarning, m);
}
inline LogEvent LogError(absl::string_view m) {
  return LogEvent(LogLevel::kError, m);
}

// True for client settings whose values are secrets (sasl.password,
// ssl.key.password, ssl.keystore.password, sasl.oauthbearer.client.secret,
// ...), which must never reach a log line or a metric label.
bool IsSecretConfigKey(absl::string_view key);
// The value to show for a setting: "[redacted]" for secrets.
absl::string_view RedactedConfigValue(absl::string_view key,
                                      absl::string_view value);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_COMMON_LOG_H_

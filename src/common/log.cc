#include "src/common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "src/common/json_escape.h"

namespace netstreams {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> g_format{static_cast<int>(LogFormat::kText)};
std::mutex g_write_mu;

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool NeedsQuotes(absl::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20) {
      return true;
    }
  }
  return false;
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level = static_cast<int>(level); }
void SetLogFormat(LogFormat format) { g_format = static_cast<int>(format); }
bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "debug") {
    *level = LogLevel::kDebug;
  } else if (t == "info") {
    *level = LogLevel::kInfo;
  } else if (t == "warning" || t == "warn") {
    *level = LogLevel::kWarning;
  } else if (t == "error") {
    *level = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

LogEvent::LogEvent(LogLevel level, absl::string_view message)
    : enabled_(LogEnabled(level)),
      format_(
          static_cast<LogFormat>(g_format.load(std::memory_order_relaxed))) {
  if (!enabled_) return;
  std::string ts = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone());
  if (format_ == LogFormat::kJson) {
    absl::StrAppend(&line_, "{\"ts\":\"", ts, "\",\"level\":\"",
                    LevelName(level), "\",\"msg\":\"");
    AppendJsonEscaped(message, &line_);
    line_.push_back('"');
  } else {
    absl::StrAppend(&line_, ts, " ", LevelName(level), " msg=\"");
    AppendJsonEscaped(message, &line_);
    line_.push_back('"');
  }
}

LogEvent::~LogEvent() {
  if (!enabled_) return;
  if (format_ == LogFormat::kJson) line_.push_back('}');
  line_.push_back('\n');
  std::lock_guard<std::mutex> lock(g_write_mu);
  // One write(2) per line keeps lines whole even with other writers.
  size_t off = 0;
  while (off < line_.size()) {
    ssize_t n = ::write(STDERR_FILENO, line_.data() + off, line_.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

void LogEvent::AppendKey(absl::string_view key) {
  if (format_ == LogFormat::kJson) {
    absl::StrAppend(&line_, ",\"", key, "\":");
  } else {
    absl::StrAppend(&line_, " ", key, "=");
  }
}

void LogEvent::AppendRaw(absl::string_view key, absl::string_view rendered) {
  if (!enabled_) return;
  AppendKey(key);
  line_.append(rendered.data(), rendered.size());
}

LogEvent& LogEvent::With(absl::string_view key, absl::string_view value) {
  if (!enabled_) return *this;
  AppendKey(key);
  if (format_ == LogFormat::kJson || NeedsQuotes(value)) {
    line_.push_back('"');
    AppendJsonEscaped(value, &line_);
    line_.push_back('"');
  } else {
    line_.append(value.data(), value.size());
  }
  return *this;
}

LogEvent& LogEvent::With(absl::string_view key, int64_t value) {
  AppendRaw(key, absl::StrCat(value));
  return *this;
}

LogEvent& LogEvent::With(absl::string_view key, uint64_t value) {
  AppendRaw(key, absl::StrCat(value));
  return *this;
}

LogEvent& LogEvent::With(absl::string_view key, double value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", value);
  AppendRaw(key, buf);
  return *this;
}

bool IsSecretConfigKey(absl::string_view key) {
  std::string k = absl::AsciiStrToLower(key);
  return absl::StrContains(k, "password") || absl::StrContains(k, "secret") ||
         absl::StrContains(k, "sasl.jaas") ||
         absl::StrContains(k, "ssl.key.pem") ||
         absl::StrContains(k, "private.key") || absl::StrContains(k, "token");
}

absl::string_view RedactedConfigValue(absl::string_view key,
                                      absl::string_view value) {
  return IsSecretConfigKey(key) ? absl::string_view("[redacted]") : value;
}

}  // namespace netstreams

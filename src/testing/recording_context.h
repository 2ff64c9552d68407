// An in-memory ProcessorContext for testing one stage without a broker:
// forwarded records, dead letters and collector sends are recorded (with
// messages copied out of the arena) for assertions. Single-threaded.
#ifndef NETSTREAMS_SRC_TESTING_RECORDING_CONTEXT_H_
#define NETSTREAMS_SRC_TESTING_RECORDING_CONTEXT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/arena.h"
#include "google/protobuf/message.h"
#include "src/processor/processor_context.h"
#include "state/in_memory_store.h"

namespace netstreams {

struct RecordedRecord {
  std::string key;
  std::unique_ptr<google::protobuf::Message> message;  // null for bytes
  std::string bytes;
  int64_t timestamp_ms = 0;
  std::string topic;  // for collector sends
};

struct RecordedDeadLetter {
  std::string reason_class;
  std::string detail;
  std::string value;  // the origin's raw value
  int64_t offset = -1;
};

class RecordingContext : public ProcessorContext, public RecordCollector {
 public:
  explicit RecordingContext(std::string stage = "stage") : stage_(stage) {}

  void Forward(const Record& record) override {
    forwarded.push_back(Copy(record));
  }
  void DeadLetter(const Record& record,
                  const DeadLetterReason& reason) override {
    dead_letters.push_back(
        {std::string(reason.reason_class), std::string(reason.detail),
         std::string(record.origin->value), record.origin->offset});
  }
  RecordCollector& collector() override { return *this; }
  KeyValueStore* GetStore(absl::string_view name) override {
    auto it = stores_.find(std::string(name));
    if (it == stores_.end()) {
      it = stores_
               .emplace(std::string(name),
                        std::make_unique<InMemoryStore>(std::string(name)))
               .first;
    }
    return it->second.get();
  }
  void Schedule(int64_t interval_ms, PunctuationType type,
                std::function<void(int64_t)> callback) override {
    punctuations_.push_back({interval_ms, type, std::move(callback), -1});
  }
  Counter* GetCounter(absl::string_view name) override {
    return &counters_[std::string(name)];
  }
  Gauge* GetGauge(absl::string_view name) override {
    return &gauges_[std::string(name)];
  }
  int64_t gauge(const std::string& name) { return gauges_[name].Get(); }
  void ReportFatal(const absl::Status& status) override {
    fatal.push_back(status);
  }
  uint64_t count(const std::string& name) { return counters_[name].Get(); }
  InMemoryStore* store(const std::string& name) {
    return static_cast<InMemoryStore*>(GetStore(name));
  }

  // Moves stream time to `ms` and fires the stream-time punctuations that
  // are due, as the runtime does after each record.
  void AdvanceStreamTime(int64_t ms) {
    if (ms > stream_time_ms_) stream_time_ms_ = ms;
    Fire(PunctuationType::kStreamTime, stream_time_ms_);
  }
  void AdvanceWallClock(int64_t ms) { Fire(PunctuationType::kWallClock, ms); }
  google::protobuf::Arena* arena() override { return &arena_; }
  absl::string_view stage_name() const override { return stage_; }
  absl::string_view task_id() const override { return "0_0"; }
  int64_t stream_time_ms() const override { return stream_time_ms_; }

  absl::StatusOr<TopicId> ResolveTopic(absl::string_view name) override {
    topics_.emplace_back(name);
    return TopicId{static_cast<int32_t>(topics_.size() - 1)};
  }
  void Send(TopicId topic, absl::string_view key,
            const Record& record) override {
    RecordedRecord r = Copy(record);
    r.key = std::string(key);
    r.topic = topics_[topic.index];
    sent.push_back(std::move(r));
  }

  // A record whose origin is `value` at `offset` of topic "in".
  Record Input(absl::string_view value, int64_t timestamp_ms = 0,
               int64_t offset = 0) {
    auto origin = std::make_unique<Origin>();
    origin->topic = "in";
    origin->partition = 0;
    origin->offset = offset;
    origin->value = value;
    origin->timestamp_ms = timestamp_ms;
    Record r;
    r.bytes = value;
    r.timestamp_ms = timestamp_ms;
    r.origin = origin.get();
    origins_.push_back(std::move(origin));
    return r;
  }

  std::vector<RecordedRecord> forwarded;
  std::vector<RecordedRecord> sent;
  std::vector<RecordedDeadLetter> dead_letters;
  std::vector<absl::Status> fatal;

 private:
  static RecordedRecord Copy(const Record& record) {
    RecordedRecord r;
    r.key = std::string(record.key);
    r.bytes = std::string(record.bytes);
    r.timestamp_ms = record.timestamp_ms;
    if (record.message != nullptr) {
      r.message.reset(record.message->New());
      r.message->CopyFrom(*record.message);
    }
    return r;
  }

  struct Punctuation {
    int64_t interval_ms;
    PunctuationType type;
    std::function<void(int64_t)> callback;
    int64_t next_due_ms;
  };
  void Fire(PunctuationType type, int64_t now_ms) {
    for (Punctuation& p : punctuations_) {
      if (p.type != type) continue;
      if (p.next_due_ms < 0) {
        p.next_due_ms = now_ms + p.interval_ms;
        continue;
      }
      if (now_ms < p.next_due_ms) continue;
      p.callback(now_ms);
      p.next_due_ms = now_ms + p.interval_ms;
    }
  }

  std::string stage_;
  std::map<std::string, std::unique_ptr<InMemoryStore>> stores_;
  std::map<std::string, Counter> counters_;
  std::map<std::string, Gauge> gauges_;
  std::vector<Punctuation> punctuations_;
  google::protobuf::Arena arena_;
  int64_t stream_time_ms_ = 0;
  std::vector<std::string> topics_;
  std::vector<std::unique_ptr<Origin>> origins_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TESTING_RECORDING_CONTEXT_H_

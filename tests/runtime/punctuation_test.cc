// Timers through the context, run by the engine against the mock cluster:
// stream-time punctuations fire exactly as record timestamps pass each due
// time, wall-clock punctuations fire on the clock even with no input.
// A test-only stage kind schedules both and records when they fire.

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/pairing.pb.h"
#include "src/kafka/client.h"
#include "src/kafka/embedded_broker.h"
#include "src/kafka/topic_admin.h"
#include "src/processor/stage_registry.h"
#include "src/runtime/engine.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

using netstreams::stages::v1::PairingConfig;

constexpr int64_t kT0 = 1795392000000;  // 2026-11-23T00:00:00Z

// When the timers fired (the `now_ms` each callback got).
struct Fired {
  std::mutex mu;
  std::vector<int64_t> stream;
  std::vector<int64_t> wall;
};
Fired* fired = new Fired();

class TickerProcessor : public Processor {
 public:
  TickerProcessor(int64_t stream_ms, int64_t wall_ms)
      : stream_ms_(stream_ms), wall_ms_(wall_ms) {}

  absl::Status Init(ProcessorContext& context) override {
    context_ = &context;
    context.Schedule(stream_ms_, PunctuationType::kStreamTime, [](int64_t now) {
      std::lock_guard<std::mutex> lock(fired->mu);
      fired->stream.push_back(now);
    });
    context.Schedule(wall_ms_, PunctuationType::kWallClock, [](int64_t now) {
      std::lock_guard<std::mutex> lock(fired->mu);
      fired->wall.push_back(now);
    });
    return absl::OkStatus();
  }
  void Process(const Record& record) override { context_->Forward(record); }

 private:
  int64_t stream_ms_;
  int64_t wall_ms_;
  ProcessorContext* context_ = nullptr;
};

// Reuses PairingConfig: `grace` is the stream-time interval,
// `punctuate_interval` the wall-clock one.
class TickerStageFactory : public TypedStageFactory<PairingConfig> {
 public:
  absl::string_view kind() const override { return "ticker"; }
  Shape shape() const override { return Shape::kProcessor; }

 protected:
  std::optional<std::string> CheckTyped(
      const PairingConfig& config, StageCheckContext& context) const override {
    return context.input_types().at(0);
  }
  std::unique_ptr<Processor> CreateTyped(
      const PairingConfig& config, const StageCreateInfo& info) const override {
    auto ms = [](const google::protobuf::Duration& d) {
      return d.seconds() * 1000 + d.nanos() / 1000000;
    };
    return std::make_unique<TickerProcessor>(ms(config.grace()),
                                             ms(config.punctuate_interval()));
  }
};
NETSTREAMS_REGISTER_STAGE(TickerStageFactory);

constexpr char kTopology[] = R"(application_id: punctuation-test
topics:
  - {name: raw, partitions: 1, type: bytes}
  - {name: out, partitions: 1, type: bytes}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
processing:
  commit_interval: 100ms
stages:
  - {name: in, source: {topic: raw}}
  - {name: tick, inputs: [in], ticker: {grace: 10s, punctuate_interval: 50ms}}
  - {name: sink, inputs: [tick], sink: {topic: out}}
)";

TEST(PunctuationTest, StreamTimeAndWallClockTimersFire) {
  auto broker = EmbeddedBroker::Start(1);
  ASSERT_TRUE(broker.ok());
  auto topology = LoadTopologyYaml(kTopology, "punctuation.yaml");
  ASSERT_TRUE(topology.ok()) << topology.status();
  KafkaSettings settings = {
      {"bootstrap.servers", (*broker)->bootstrap_servers()}};
  ASSERT_TRUE(EnsureTopics(settings, TopicsToCreate(**topology), broker->get(),
                           absl::Seconds(10))
                  .ok());

  // 100 records one second of event time apart.
  auto producer = NewKafkaClient(RD_KAFKA_PRODUCER, settings, {});
  ASSERT_TRUE(producer.ok());
  for (int i = 0; i < 100; ++i) {
    std::string value = absl::StrCat("record ", i);
    ASSERT_EQ(
        rd_kafka_producev(producer->get(), RD_KAFKA_V_TOPIC("raw"),
                          RD_KAFKA_V_PARTITION(0),
                          RD_KAFKA_V_VALUE(value.data(), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_TIMESTAMP(kT0 + i * 1000), RD_KAFKA_V_END),
        RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  ASSERT_EQ(rd_kafka_flush(producer->get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);

  std::atomic<bool> stop{false};
  EngineOptions options;
  options.kafka = settings;
  options.stop = &stop;
  options.state_dir = testing::TempDir() + "/punctuation";
  Engine engine(**topology, options);
  absl::Status run;
  std::thread runner([&] { run = engine.Run(); });

  // The input is done once the last stream-time timer has fired; then the
  // wall clock keeps ticking with no input at all.
  auto count = [](const std::vector<int64_t>& v) {
    std::lock_guard<std::mutex> lock(fired->mu);
    return v.size();
  };
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (count(fired->stream) < 9 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  size_t wall_at_end_of_input = count(fired->wall);
  while (count(fired->wall) < wall_at_end_of_input + 5 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  stop = true;
  runner.join();
  ASSERT_TRUE(run.ok()) << run;

  std::lock_guard<std::mutex> lock(fired->mu);
  // The first record (t0) starts the schedule; it fires when stream time
  // reaches t0+10s, t0+20s, ... t0+90s (the last record is t0+99s).
  std::vector<int64_t> expected;
  for (int i = 1; i <= 9; ++i) expected.push_back(kT0 + i * 10000);
  EXPECT_EQ(fired->stream, expected);
  ASSERT_GE(fired->wall.size(), wall_at_end_of_input + 5);
  for (size_t i = 1; i < fired->wall.size(); ++i) {
    EXPECT_GE(fired->wall[i] - fired->wall[i - 1], 50) << i;
  }
  // Wall-clock time, not record time.
  EXPECT_GT(fired->wall.front(), kT0 + 100 * 1000);
}

}  // namespace
}  // namespace netstreams

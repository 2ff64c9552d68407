// The runtime against a real Kafka protocol peer (librdkafka's mock
// cluster, in process): records flow source -> parse -> sink, dead letters
// carry their headers, offsets are committed after outputs, and a restart
// resumes from the committed offsets.

#include "src/runtime/engine.h"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cgnat/v1/nat_event.pb.h"
#include "gtest/gtest.h"
#include "src/cli/replay.h"
#include "src/common/ip_address.h"
#include "src/kafka/embedded_broker.h"
#include "src/kafka/topic_admin.h"
#include "src/runtime/kafka_record_collector.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

// The mock broker holds a rejoin for session.timeout.ms - 1s after a
// member leaves; a short timeout keeps restarts quick.
constexpr char kTopology[] = R"(application_id: engine-test
kafka:
  session.timeout.ms: "6000"
topics:
  - {name: raw, partitions: 4, type: bytes}
  - {name: events, partitions: 3, type: cgnat.v1.NatEvent}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
processing:
  commit_interval: 100ms
  threads: THREADS
stages:
  - name: in
    source: {topic: raw}
  - name: parse
    inputs: [in]
    parse: {format: nfware}
  - name: out
    inputs: [parse]
    sink: {topic: events, key: inside_ip}
)";

struct Consumed {
  std::string key;
  std::string value;
  int32_t partition;
  int64_t offset;
  int64_t timestamp;
  std::map<std::string, std::string> headers;
};

std::vector<Consumed> ReadAll(const std::string& bootstrap,
                              const std::string& topic, int partitions) {
  auto consumer = NewKafkaClient(RD_KAFKA_CONSUMER,
                                 {{"bootstrap.servers", bootstrap},
                                  {"group.id", "reader"},
                                  {"enable.auto.commit", "false"}},
                                 {});
  EXPECT_TRUE(consumer.ok());
  rd_kafka_t* rk = consumer->get();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  std::map<int32_t, int64_t> ends;
  for (int p = 0; p < partitions; ++p) {
    int64_t low, high;
    EXPECT_EQ(rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low,
                                               &high, 5000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    if (high > low) ends[p] = high;
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list.get());
  std::vector<Consumed> out;
  while (!ends.empty()) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 5000);
    if (m == nullptr) {
      ADD_FAILURE() << "timed out reading " << topic;
      break;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Consumed c;
      if (m->key) c.key.assign(static_cast<char*>(m->key), m->key_len);
      c.value.assign(static_cast<char*>(m->payload), m->len);
      c.partition = m->partition;
      c.offset = m->offset;
      rd_kafka_timestamp_type_t type;
      c.timestamp = rd_kafka_message_timestamp(m, &type);
      ForEachHeader(m, [&](const char* name, absl::string_view value) {
        c.headers[name] = std::string(value);
      });
      out.push_back(c);
      if (m->offset + 1 >= ends[m->partition]) ends.erase(m->partition);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  return out;
}

// Committed offsets of `group` for `topic`.
std::map<int32_t, int64_t> Committed(const std::string& bootstrap,
                                     const std::string& group,
                                     const std::string& topic, int partitions) {
  auto consumer = NewKafkaClient(
      RD_KAFKA_CONSUMER,
      {{"bootstrap.servers", bootstrap}, {"group.id", group}}, {});
  EXPECT_TRUE(consumer.ok());
  PartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  }
  EXPECT_EQ(rd_kafka_committed(consumer->get(), list.get(), 10000),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    out[list->elems[i].partition] = list->elems[i].offset;
  }
  return out;
}

class RunningEngine;

class EngineTest : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    auto broker = EmbeddedBroker::Start(1);
    ASSERT_TRUE(broker.ok());
    broker_ = std::move(*broker);
    std::string yaml = kTopology;
    yaml.replace(yaml.find("THREADS"), 7, absl::StrCat(GetParam()));
    auto topology = LoadTopologyYaml(yaml, "engine_test.yaml");
    ASSERT_TRUE(topology.ok()) << topology.status();
    topology_ = std::move(*topology);
    settings_ = {{"bootstrap.servers", broker_->bootstrap_servers()}};
    ASSERT_TRUE(EnsureTopics(settings_, TopicsToCreate(*topology_),
                             broker_.get(), absl::Seconds(10))
                    .ok());
  }

  void Replay(const std::vector<std::string>& lines) {
    std::string path =
        absl::StrCat(testing::TempDir(), "/replay-", replays_++, ".log");
    std::ofstream out(path);
    for (const auto& l : lines) out << l << "\n";
    out.close();
    auto result = ReplayFile(settings_, "raw", path);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->records, lines.size());
  }

  absl::Status RunUntilIdle(Engine** engine_out = nullptr) {
    EngineOptions options;
    options.kafka = settings_;
    options.until_idle = true;
    engine_ = std::make_unique<Engine>(*topology_, options);
    return engine_->Run();
  }

  std::unique_ptr<EmbeddedBroker> broker_;
  std::unique_ptr<LoadedTopology> topology_;
  KafkaSettings settings_;
  std::unique_ptr<Engine> engine_;
  int replays_ = 0;

  // Commits 100 lines, starts an engine, has the broker refuse every
  // offset commit with `refusal`, and returns once the engine has
  // processed 40 more lines it cannot commit (null after a failure).
  std::unique_ptr<RunningEngine> StartWithRefusedCommits(
      rd_kafka_resp_err_t refusal);
};

std::vector<std::string> Lines(int sessions, int first_port = 1000) {
  std::vector<std::string> lines;
  for (int i = 0; i < sessions; ++i) {
    lines.push_back(absl::StrCat(
        "<134>1 2026-11-20T10:00:00Z cgn-1 vcgnat - - - A VRF 0 6 INT 10.0.",
        i % 7, ".", i % 250, ":", first_port + i, " EXT 100.64.0.1:", 20000 + i,
        " DST 8.8.8.8:53 DIR OUT"));
  }
  return lines;
}

TEST_P(EngineTest, ProcessesEveryRecordAndCommitsAfterDelivery) {
  std::vector<std::string> lines = Lines(500);
  lines.push_back("not a nat line");
  lines.push_back("A VRF 0 6 INT 10.0.0.1:99999 EXT 100.64.0.1:1");
  Replay(lines);
  ASSERT_TRUE(RunUntilIdle().ok());

  std::vector<Consumed> events =
      ReadAll(broker_->bootstrap_servers(), "events", 3);
  ASSERT_EQ(events.size(), 500u);
  std::map<std::string, int> per_port;
  for (const Consumed& c : events) {
    cgnat::v1::NatEvent e;
    ASSERT_TRUE(e.ParseFromString(c.value));
    EXPECT_EQ(c.key, IpToString(e.inside_ip()));  // keyed by inside_ip
    EXPECT_EQ(c.timestamp, e.event_time().seconds() * 1000);
    ++per_port[absl::StrCat(e.inside_port())];
  }
  EXPECT_EQ(per_port.size(), 500u);  // each exactly once

  std::vector<Consumed> dead = ReadAll(broker_->bootstrap_servers(), "dlq", 1);
  ASSERT_EQ(dead.size(), 2u);
  for (const Consumed& d : dead) {
    EXPECT_EQ(d.headers.at("deadletter.stage"), "parse");
    EXPECT_EQ(d.headers.at("deadletter.topic"), "raw");
    EXPECT_FALSE(d.headers.at("deadletter.reason").empty());
    EXPECT_TRUE(d.headers.count("deadletter.partition"));
    EXPECT_TRUE(d.headers.count("deadletter.offset"));
    // The value is the original line, byte for byte.
    EXPECT_TRUE(d.value == "not a nat line" ||
                d.value == "A VRF 0 6 INT 10.0.0.1:99999 EXT 100.64.0.1:1")
        << d.value;
  }

  // Every consumed partition is committed at its end.
  std::map<int32_t, int64_t> committed = Committed(
      broker_->bootstrap_servers(), topology_->application_id, "raw", 4);
  std::vector<Consumed> input = ReadAll(broker_->bootstrap_servers(), "raw", 4);
  std::map<int32_t, int64_t> ends;
  for (const Consumed& c : input) ends[c.partition] = c.offset + 1;
  for (const auto& [p, end] : ends) EXPECT_EQ(committed[p], end) << p;

  StageTotals parse = engine_->stats().Totals(1);
  EXPECT_EQ(parse.in, 502u);
  EXPECT_EQ(parse.out, 500u);
  EXPECT_EQ(parse.dead_lettered, 2u);
}

TEST_P(EngineTest, RestartResumesFromCommittedOffsets) {
  Replay(Lines(100));
  ASSERT_TRUE(RunUntilIdle().ok());
  Replay(Lines(40, 5000));
  ASSERT_TRUE(RunUntilIdle().ok());
  // The second run saw only the new records.
  EXPECT_EQ(engine_->stats().Totals(0).in, 40u);
  EXPECT_EQ(ReadAll(broker_->bootstrap_servers(), "events", 3).size(), 140u);
}

// Polls `done` for up to 90 s.
bool WaitUntil(const std::function<bool()>& done) {
  absl::Time deadline = absl::Now() + absl::Seconds(90);
  while (!done() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  return done();
}

// An engine running on its own thread until Stop(), which the destructor
// also calls, so that a failed assertion leaves no thread running.
class RunningEngine {
 public:
  RunningEngine(const LoadedTopology& topology, const KafkaSettings& kafka) {
    EngineOptions options;
    options.kafka = kafka;
    options.stop = &stop_;
    engine_ = std::make_unique<Engine>(topology, options);
    thread_ = std::thread([this] { run_ = engine_->Run(); });
  }
  ~RunningEngine() { Stop().IgnoreError(); }
  // Stops gracefully; what Run() returned.
  absl::Status Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return run_;
  }
  Engine& engine() { return *engine_; }

 private:
  std::atomic<bool> stop_{false};
  std::unique_ptr<Engine> engine_;
  absl::Status run_;
  std::thread thread_;
};

// Makes the mock broker refuse the next offset commits with `error`.
void RefuseCommits(EmbeddedBroker* broker, rd_kafka_resp_err_t error) {
  std::vector<rd_kafka_resp_err_t> refusals(5000, error);
  rd_kafka_mock_push_request_errors_array(broker->cluster(),
                                          /*OffsetCommit=*/8, refusals.size(),
                                          refusals.data());
}

std::unique_ptr<RunningEngine> EngineTest::StartWithRefusedCommits(
    rd_kafka_resp_err_t refusal) {
  Replay(Lines(100));
  if (!RunUntilIdle().ok()) return nullptr;  // the first 100 committed
  auto running = std::make_unique<RunningEngine>(*topology_, settings_);
  Engine& engine = running->engine();
  std::string why;
  if (!WaitUntil([&] { return engine.Ready(&why); })) {
    ADD_FAILURE() << why;
    return nullptr;
  }
  RefuseCommits(broker_.get(), refusal);
  Replay(Lines(40, 5000));
  if (!WaitUntil([&] { return engine.stats().Totals(1).out == 40; })) {
    ADD_FAILURE() << "40 more lines not processed";
    return nullptr;
  }
  return running;
}

// A coordinator may refuse a hand-over commit (Kafka's mock cluster does
// while its group rebalances). The engine then reports how many processed
// records the next owner will process again, and that count is exactly
// what the next owner reprocesses: nothing lost, every duplicate accounted.
TEST_P(EngineTest, RefusedHandOverCommitReportsTheRecordsTheNextOwnerRedoes) {
  // Every offset commit is refused, as the mock refuses them mid-rebalance.
  std::unique_ptr<RunningEngine> first_running =
      StartWithRefusedCommits(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS);
  ASSERT_NE(first_running, nullptr);
  Engine& first = first_running->engine();
  absl::Status run = first_running->Stop();
  ASSERT_TRUE(run.ok()) << run;
  EXPECT_EQ(first.stats().handover_uncommitted_records.load(), 40u);
  EXPECT_NE(first.MetricsText().find(
                "netstreams_handover_uncommitted_records_total{application="
                "\"engine-test\"} 40\n"),
            std::string::npos);

  rd_kafka_mock_clear_request_errors(broker_->cluster(), /*OffsetCommit=*/8);
  ASSERT_TRUE(RunUntilIdle().ok());
  EXPECT_EQ(engine_->stats().Totals(0).in, 40u);  // exactly the reported 40
  std::vector<Consumed> events =
      ReadAll(broker_->bootstrap_servers(), "events", 3);
  EXPECT_EQ(events.size(), 180u);
  std::set<uint32_t> ports;
  for (const Consumed& c : events) {
    cgnat::v1::NatEvent e;
    ASSERT_TRUE(e.ParseFromString(c.value));
    ports.insert(e.inside_port());
  }
  EXPECT_EQ(ports.size(), 140u);
}

// A second instance joins while the first has work whose commit the
// coordinator refuses. The eager rebalance revokes everything from the
// first; it suspends its tasks, resumes those it gets back where they
// stopped (nothing redone), and reports the rest as the second's to redo;
// the second redoes exactly that.
TEST_P(EngineTest, EagerRebalanceResumesTasksThatComeBack) {
  // Every commit is refused (with an error that, unlike
  // REBALANCE_IN_PROGRESS, does not make the members rejoin).
  std::unique_ptr<RunningEngine> first_running =
      StartWithRefusedCommits(RD_KAFKA_RESP_ERR_INVALID_COMMIT_OFFSET_SIZE);
  ASSERT_NE(first_running, nullptr);
  Engine& first = first_running->engine();
  std::string why;

  RunningEngine second_running(*topology_, settings_);
  Engine& second = second_running.engine();
  // The rebalance is over when the first resumed its tasks and closed the
  // others, and the second redid what the first reported.
  ASSERT_TRUE(WaitUntil([&] {
    return second.Ready(&why) && first.stats().tasks_resumed.load() > 0 &&
           second.stats().Totals(1).out > 0 &&
           second.stats().Totals(1).out ==
               first.stats().handover_uncommitted_records.load();
  })) << why;
  const uint64_t redone = first.stats().handover_uncommitted_records.load();
  const uint64_t resumed = first.stats().tasks_resumed.load();
  // Commits succeed again; stop once everything is committed.
  rd_kafka_mock_clear_request_errors(broker_->cluster(), /*OffsetCommit=*/8);
  std::map<int32_t, int64_t> committed;
  EXPECT_TRUE(WaitUntil([&] {
    committed = Committed(broker_->bootstrap_servers(),
                          topology_->application_id, "raw", 4);
    for (const auto& [p, offset] : committed) {
      if (offset != 35) return false;  // 140 lines over four partitions
    }
    return true;
  })) << committed[0]
      << " " << committed[1] << " " << committed[2] << " " << committed[3];
  absl::Status second_run = second_running.Stop();
  absl::Status first_run = first_running->Stop();
  ASSERT_TRUE(first_run.ok()) << first_run;
  ASSERT_TRUE(second_run.ok()) << second_run;

  // Range assignment: two of the four partitions each, the first's every
  // time (the mock broker may need more than one rebalance to settle: a
  // follower's SyncGroup that arrives after the leader's is refused).
  EXPECT_GE(resumed, 2u);
  EXPECT_EQ(resumed % 2, 0u);
  EXPECT_EQ(first.stats().Totals(0).in, 40u);      // nothing again
  EXPECT_EQ(redone, 20u);                          // the two that moved
  EXPECT_EQ(second.stats().Totals(0).in, redone);  // exactly what was left
  std::vector<Consumed> events =
      ReadAll(broker_->bootstrap_servers(), "events", 3);
  EXPECT_EQ(events.size(), 140u + redone);  // the resumed ones: none again
  std::set<uint32_t> ports;
  for (const Consumed& c : events) {
    cgnat::v1::NatEvent e;
    ASSERT_TRUE(e.ParseFromString(c.value));
    ports.insert(e.inside_port());
  }
  EXPECT_EQ(ports.size(), 140u);
}

INSTANTIATE_TEST_SUITE_P(Threads, EngineTest, ::testing::Values(1, 3));

TEST(DeadLetterTest, HeadersNameStageReasonAndSourceAndKeepOriginals) {
  auto broker = EmbeddedBroker::Start(1);
  ASSERT_TRUE(broker.ok());
  auto topology = LoadTopologyYaml(R"(application_id: dlq-test
topics:
  - {name: raw, partitions: 1, type: bytes}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: in, source: {topic: raw}}
  - {name: out, inputs: [in], sink: {topic: raw}}
)",
                                   "t.yaml");
  // Writing to the topic it reads is refused by the loader...
  ASSERT_FALSE(topology.ok());
  topology = LoadTopologyYaml(R"(application_id: dlq-test
topics:
  - {name: raw, partitions: 1, type: bytes}
  - {name: copy, partitions: 1, type: bytes}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: in, source: {topic: raw}}
  - {name: out, inputs: [in], sink: {topic: copy}}
)",
                              "t.yaml");
  ASSERT_TRUE(topology.ok()) << topology.status();
  KafkaSettings settings = {
      {"bootstrap.servers", (*broker)->bootstrap_servers()}};
  ASSERT_TRUE((*broker)->CreateTopic("dlq", 1).ok());
  auto collector = KafkaRecordCollector::Create(settings, **topology, "t");
  ASSERT_TRUE(collector.ok()) << collector.status();

  class HeaderOrigin : public Origin {
   public:
    void VisitHeaders(
        absl::FunctionRef<void(absl::string_view, absl::string_view)> visit)
        const override {
      visit("collector.host", "syslog-7");
    }
  } origin;
  origin.topic = "raw";
  origin.partition = 0;
  origin.offset = 12345;
  origin.key = "device-9";
  const std::string value("bad\0line", 8);  // outlives the produce call
  origin.value = value;
  origin.timestamp_ms = 1700000000123;
  Record record;
  record.origin = &origin;
  (*collector)
      ->SendDeadLetter(record, "parse",
                       {"invalid_value", "port 70000 > 65535"});
  ASSERT_TRUE((*collector)->Flush().ok());

  std::vector<Consumed> dead =
      ReadAll((*broker)->bootstrap_servers(), "dlq", 1);
  ASSERT_EQ(dead.size(), 1u);
  const Consumed& d = dead[0];
  EXPECT_EQ(d.value, std::string("bad\0line", 8));
  EXPECT_EQ(d.key, "device-9");
  EXPECT_EQ(d.timestamp, 1700000000123);
  EXPECT_EQ(d.headers.at("deadletter.stage"), "parse");
  EXPECT_EQ(d.headers.at("deadletter.reason_class"), "invalid_value");
  EXPECT_EQ(d.headers.at("deadletter.reason"), "port 70000 > 65535");
  EXPECT_EQ(d.headers.at("deadletter.topic"), "raw");
  EXPECT_EQ(d.headers.at("deadletter.partition"), "0");
  EXPECT_EQ(d.headers.at("deadletter.offset"), "12345");
  EXPECT_EQ(d.headers.at("deadletter.timestamp"), "1700000000123");
  EXPECT_EQ(d.headers.at("collector.host"), "syslog-7");
}

}  // namespace
}  // namespace netstreams

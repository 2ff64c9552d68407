// The pairing pipeline (parse -> repartition -> session_pairing -> sink)
// run by the engine against the mock cluster: state survives restarts from
// the local checkpoint, from the changelog alone, and is rebuilt when the
// local state is ahead of the committed input, without reviving the
// writes of the commit that never completed.

#include <librdkafka/rdkafka.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cgnat/v1/nat_session.pb.h"
#include "gtest/gtest.h"
#include "src/cli/replay.h"
#include "src/kafka/embedded_broker.h"
#include "src/kafka/topic_admin.h"
#include "src/runtime/engine.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

constexpr char kTopology[] = R"(application_id: pairing-test
kafka:
  session.timeout.ms: "6000"
topics:
  - {name: raw, partitions: 4, type: bytes}
  - {name: sessions, partitions: 2, type: cgnat.v1.NatSession}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
processing:
  commit_interval: 100ms
  threads: 2
stages:
  - {name: in, source: {topic: raw}}
  - {name: parse, inputs: [in], parse: {format: nfware}}
  - name: by_subscriber
    inputs: [parse]
    repartition: {key_by: [device, inside_ip], partitions: 3}
  - name: pairing
    inputs: [by_subscriber]
    session_pairing: {grace: 60s, max_lifetime: 24h}
  - {name: out, inputs: [pairing], sink: {topic: sessions}}
)";

// The same application with the pairing replaced by a sink: it moves
// records into the repartition topic (and past it) without pairing them.
constexpr char kRepartitionOnly[] = R"(application_id: pairing-test
kafka:
  session.timeout.ms: "6000"
topics:
  - {name: raw, partitions: 4, type: bytes}
  - {name: events, partitions: 2, type: cgnat.v1.NatEvent}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
processing:
  commit_interval: 100ms
stages:
  - {name: in, source: {topic: raw}}
  - {name: parse, inputs: [in], parse: {format: nfware}}
  - name: by_subscriber
    inputs: [parse]
    repartition: {key_by: [device, inside_ip], partitions: 3}
  - {name: out, inputs: [by_subscriber], sink: {topic: events}}
)";

constexpr int kSessions = 300;
constexpr int64_t kT0 = 1795392000000;

std::string Line(char action, int i) {
  int64_t ms = kT0 + i * 1000 + (action == 'D' ? 500 : 0);
  std::string ts = absl::FormatTime(
      "%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms), absl::UTCTimeZone());
  return absl::StrFormat(
      "<134>1 %s cgn-%d vcgnat - - - %c VRF 0 6 INT 10.1.%d.%d:%d EXT "
      "100.64.0.1:%d DST 8.8.8.8:443 DIR OUT",
      ts, i % 3, action, i / 250, i % 250, 1024 + i, 2048 + i);
}

class PairingEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto broker = EmbeddedBroker::Start(1);
    ASSERT_TRUE(broker.ok());
    broker_ = std::move(*broker);
    auto topology = LoadTopologyYaml(kTopology, "pairing.yaml");
    ASSERT_TRUE(topology.ok()) << topology.status();
    topology_ = std::move(*topology);
    settings_ = {{"bootstrap.servers", broker_->bootstrap_servers()}};
    ASSERT_TRUE(EnsureTopics(settings_, TopicsToCreate(*topology_),
                             broker_.get(), absl::Seconds(10))
                    .ok());
    state_dir_ = absl::StrCat(
        testing::TempDir(), "/",
        testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(state_dir_);
  }

  void Replay(char action) {
    std::string path =
        absl::StrCat(state_dir_, "-", std::string(1, action), ".log");
    std::ofstream out(path);
    for (int i = 0; i < kSessions; ++i) out << Line(action, i) << "\n";
    out.close();
    ASSERT_TRUE(ReplayFile(settings_, "raw", path).ok());
  }

  void Run() { Run(*topology_); }
  void Run(const LoadedTopology& topology) {
    EngineOptions options;
    options.kafka = settings_;
    options.until_idle = true;
    options.state_dir = state_dir_;
    engine_ = std::make_unique<Engine>(topology, options);
    absl::Status status = engine_->Run();
    ASSERT_TRUE(status.ok()) << status;
  }

  uint64_t Counter(const char* name) {
    return engine_->stats().NamedTotals()[{"pairing", name}];
  }

  // Every session written, keyed by inside port.
  std::map<int, cgnat::v1::NatSession> Sessions() {
    auto consumer =
        NewKafkaClient(RD_KAFKA_CONSUMER,
                       {{"bootstrap.servers", broker_->bootstrap_servers()},
                        {"group.id", "reader"}},
                       {});
    std::map<int, cgnat::v1::NatSession> out;
    for (int p = 0; p < 2; ++p) {
      int64_t low, high;
      rd_kafka_query_watermark_offsets(consumer->get(), "sessions", p, &low,
                                       &high, 5000);
      PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
      rd_kafka_topic_partition_list_add(list.get(), "sessions", p)->offset =
          low;
      rd_kafka_assign(consumer->get(), list.get());
      for (int64_t next = low; next < high;) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer->get(), 5000);
        if (m == nullptr) break;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          cgnat::v1::NatSession s;
          EXPECT_TRUE(s.ParseFromArray(m->payload, static_cast<int>(m->len)));
          EXPECT_EQ(out.count(s.inside_port()), 0u)
              << "two sessions for port " << s.inside_port();
          out[s.inside_port()] = s;
          next = m->offset + 1;
        }
        rd_kafka_message_destroy(m);
      }
    }
    return out;
  }

  void ExpectAllClosed() {
    auto sessions = Sessions();
    ASSERT_EQ(sessions.size(), static_cast<size_t>(kSessions));
    for (int i = 0; i < kSessions; ++i) {
      const auto& s = sessions[1024 + i];
      EXPECT_EQ(s.status(), cgnat::v1::CLOSED) << i;
      EXPECT_EQ(s.start_time().seconds(), (kT0 + i * 1000) / 1000) << i;
      EXPECT_EQ(s.duration().nanos(), 500000000) << i;
      EXPECT_EQ(s.create_record().topic(), "raw");
      EXPECT_EQ(s.delete_record().topic(), "raw");
    }
  }

  // Rewinds the group's committed offsets of the repartition topic to 0, as
  // a crash between the local write and the offset commit would leave them.
  // (The broker takes commits from group members only: join first.)
  void RewindRepartition() {
    auto consumer =
        NewKafkaClient(RD_KAFKA_CONSUMER,
                       {{"bootstrap.servers", broker_->bootstrap_servers()},
                        {"group.id", "pairing-test"},
                        {"session.timeout.ms", "6000"},
                        {"enable.auto.commit", "false"}},
                       {});
    ASSERT_TRUE(consumer.ok());
    const char* repartition = "pairing-test-by_subscriber-repartition";
    PartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), repartition,
                                      RD_KAFKA_PARTITION_UA);
    ASSERT_EQ(rd_kafka_subscribe(consumer->get(), topics.get()),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    for (int i = 0; i < 300; ++i) {
      rd_kafka_topic_partition_list_t* assigned = nullptr;
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer->get(), 100);
      if (m != nullptr) rd_kafka_message_destroy(m);
      rd_kafka_assignment(consumer->get(), &assigned);
      int count = assigned->cnt;
      rd_kafka_topic_partition_list_destroy(assigned);
      if (count > 0) break;
    }
    PartitionListPtr offsets(rd_kafka_topic_partition_list_new(3));
    for (int p = 0; p < 3; ++p) {
      rd_kafka_topic_partition_list_add(offsets.get(), repartition, p)->offset =
          0;
    }
    ASSERT_EQ(rd_kafka_commit(consumer->get(), offsets.get(), 0),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_consumer_close(consumer->get());
    consumer->reset();
  }

  std::unique_ptr<EmbeddedBroker> broker_;
  std::unique_ptr<LoadedTopology> topology_;
  KafkaSettings settings_;
  std::string state_dir_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(PairingEngineTest, RestartWithLocalStatePairsEverySession) {
  Replay('A');
  Run();
  EXPECT_EQ(Counter("opened"), static_cast<uint64_t>(kSessions));
  EXPECT_TRUE(Sessions().empty());
  Replay('D');
  Run();
  // The local checkpoint was current: nothing to read from the changelog.
  EXPECT_EQ(engine_->stats().restored_records(), 0u);
  EXPECT_EQ(Counter("closed"), static_cast<uint64_t>(kSessions));
  EXPECT_EQ(Counter("held_delete"), 0u);
  ExpectAllClosed();
}

TEST_F(PairingEngineTest, LostLocalStateIsRestoredFromTheChangelog) {
  Replay('A');
  Run();
  std::filesystem::remove_all(state_dir_);
  Replay('D');
  Run();
  // Each open session is one changelog record (its timers are a local
  // index, rebuilt from the restored store).
  EXPECT_GE(engine_->stats().restored_records(),
            static_cast<uint64_t>(kSessions));
  EXPECT_EQ(Counter("closed"), static_cast<uint64_t>(kSessions));
  EXPECT_EQ(Counter("unmatched_delete") + Counter("held_delete"), 0u);
  ExpectAllClosed();
}

TEST_F(PairingEngineTest, LocalStateAheadOfCommittedInputIsRebuilt) {
  Replay('A');
  Run();
  RewindRepartition();
  Replay('D');
  Run();
  // The state was rebuilt (nothing in the changelog is valid at offset 0)
  // and the creates processed again from the repartition topic.
  EXPECT_EQ(Counter("opened"), static_cast<uint64_t>(kSessions));
  EXPECT_EQ(Counter("duplicate"), 0u);
  EXPECT_EQ(Counter("closed"), static_cast<uint64_t>(kSessions));
  ExpectAllClosed();
}

TEST_F(PairingEngineTest,
       WritesOfAnIncompleteCommitStayDeadAfterLaterRestores) {
  // The creates open sessions; their changelog records are tagged with
  // repartition offsets past 0.
  Replay('A');
  Run();
  // The deletes reach the repartition topic without being paired, and the
  // committed offsets go back to 0: the creates' changelog records now
  // belong to a commit that never completed.
  auto repartition_only = LoadTopologyYaml(kRepartitionOnly, "p.yaml");
  ASSERT_TRUE(repartition_only.ok()) << repartition_only.status();
  ASSERT_TRUE(EnsureTopics(settings_, TopicsToCreate(**repartition_only),
                           broker_.get(), absl::Seconds(10))
                  .ok());
  Replay('D');
  Run(**repartition_only);
  RewindRepartition();
  // Rebuilt from nothing, then creates and deletes reprocessed together:
  // the write cache absorbs each create-delete pair, so this run writes
  // nothing to the changelog for those keys.
  Run();
  EXPECT_EQ(Counter("closed"), static_cast<uint64_t>(kSessions));
  ExpectAllClosed();
  // Now the committed input is past the first run's tags. A full restore
  // must not bring its sessions back: the same creates again are new
  // sessions, not duplicates of open ones.
  std::filesystem::remove_all(state_dir_);
  Replay('A');
  Run();
  EXPECT_EQ(Counter("duplicate"), 0u);
  EXPECT_EQ(Counter("opened"), static_cast<uint64_t>(kSessions));
}

}  // namespace
}  // namespace netstreams

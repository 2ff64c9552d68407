// The loader turns YAML into a checked topology, and reports every problem
// with file:line:column and the field path.

#include "src/topology/topology_loader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace netstreams {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kValid[] = R"(application_id: test-app
kafka:
  bootstrap.servers: localhost:9092
  compression.codec: lz4
topics:
  - name: raw
    partitions: 4
    type: bytes
  - name: events
    partitions: 4
    type: cgnat.v1.NatEvent
  - name: dlq
    partitions: 1
    type: bytes
dead_letter_topic: dlq
processing:
  commit_interval: 250ms
  threads: 3
stages:
  - name: in
    source:
      topic: raw
  - name: parse
    inputs: [in]
    parse:
      format: nfware
      framing: rfc5424
  - name: out
    inputs: [parse]
    sink:
      topic: events
      key: outside_ip
)";

std::string ErrorOf(const std::string& yaml) {
  auto loaded = LoadTopologyYaml(yaml, "t.yaml");
  if (loaded.ok()) return "";
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(loaded.status().message());
}

std::string Replace(const std::string& from, const std::string& to) {
  std::string yaml = kValid;
  size_t at = yaml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  yaml.replace(at, from.size(), to);
  return yaml;
}

TEST(TopologyLoaderTest, LoadsValidTopology) {
  auto loaded = LoadTopologyYaml(kValid, "t.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LoadedTopology& t = **loaded;
  EXPECT_EQ(t.application_id, "test-app");
  EXPECT_EQ(t.kafka.at("compression.codec"), "lz4");
  ASSERT_EQ(t.topics.size(), 3u);
  EXPECT_EQ(t.topics[1].type, "cgnat.v1.NatEvent");
  EXPECT_EQ(t.processing.commit_interval, absl::Milliseconds(250));
  EXPECT_EQ(t.processing.threads, 3);
  EXPECT_EQ(t.processing.max_poll_records, 1024);  // default
  ASSERT_EQ(t.stages.size(), 3u);
  EXPECT_EQ(t.stages[0].name, "in");
  EXPECT_EQ(t.stages[0].output_type, "bytes");
  EXPECT_EQ(t.stages[1].output_type, "cgnat.v1.NatEvent");
  EXPECT_EQ(t.stages[2].output_type, "");
  EXPECT_EQ(t.stages[2].topics.writes, std::vector<std::string>{"events"});
  ASSERT_EQ(t.subtopologies.size(), 1u);
  EXPECT_EQ(t.subtopologies[0].partitions, 4);
  EXPECT_EQ(t.subtopologies[0].source_topics, std::vector<std::string>{"raw"});
  EXPECT_EQ(t.proto.stages(1).kind(), "parse");
}

TEST(TopologyLoaderTest, StagesAreOrderedTopologicallyWhateverTheFileOrder) {
  std::string yaml = kValid;
  // Move the source stage to the end.
  std::string source = "  - name: in\n    source:\n      topic: raw\n";
  yaml.erase(yaml.find(source), source.size());
  yaml += source;
  auto loaded = LoadTopologyYaml(yaml, "t.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->stages[0].name, "in");
  EXPECT_EQ((*loaded)->stages[2].name, "out");
}

TEST(TopologyLoaderTest, UnknownTopLevelKeyHasLineAndSuggestion) {
  std::string error = ErrorOf(Replace("dead_letter_topic: dlq",
                                      "dead_letter_topic: dlq\napplicaton: x"));
  EXPECT_THAT(error,
              HasSubstr("t.yaml:16:1: applicaton: unknown key "
                        "'applicaton' (did you mean 'application_id'?)"));
}

TEST(TopologyLoaderTest, UnknownKeyInStageConfigNamesThePath) {
  std::string error =
      ErrorOf(Replace("      framing: rfc5424", "      framming: rfc5424"));
  EXPECT_THAT(error, HasSubstr("t.yaml:27:7: stages[1].parse.framming: "
                               "unknown key 'framming' (did you mean "
                               "'framing'?)"));
}

TEST(TopologyLoaderTest, WrongTypes) {
  EXPECT_THAT(ErrorOf(Replace("partitions: 4\n    type: bytes\n  - name: "
                              "events",
                              "partitions: four\n    type: bytes\n  - name: "
                              "events")),
              HasSubstr("t.yaml:7:17: topics[0].partitions: expected a "
                        "non-negative integer, got 'four'"));
  EXPECT_THAT(ErrorOf(Replace("threads: 3", "threads: \"3\"")),
              HasSubstr("processing.threads: expected a non-negative "
                        "integer, got the quoted text \"3\""));
  EXPECT_THAT(
      ErrorOf(Replace("commit_interval: 250ms", "commit_interval: 250")),
      HasSubstr("t.yaml:17:20: processing.commit_interval: expected "
                "a duration such as 5s"));
  EXPECT_THAT(ErrorOf(Replace("inputs: [in]", "inputs: in")),
              HasSubstr("t.yaml:24:13: stages[1].inputs: expected a list"));
  EXPECT_THAT(ErrorOf(Replace("inputs: [in]", "inputs: in")),
              HasSubstr("1 problem in"));
  EXPECT_THAT(ErrorOf(Replace("format: nfware", "format: nfwar")),
              HasSubstr("t.yaml:26:15: stages[1].parse.format: unknown value "
                        "'nfwar' (did you mean 'nfware'?); expected one of: "
                        "nfware"));
}

TEST(TopologyLoaderTest, UnknownStageKind) {
  std::string error = ErrorOf(Replace("    parse:\n", "    prase:\n"));
  EXPECT_THAT(error, HasSubstr("t.yaml:25:5: stages[1].prase: unknown stage "
                               "kind 'prase' (did you mean 'parse'?); known "
                               "kinds: flow_decode, parse, port_block_pairing, "
                               "repartition, session_pairing, sink, source"));
}

TEST(TopologyLoaderTest, DanglingInput) {
  std::string error = ErrorOf(Replace("inputs: [parse]", "inputs: [parser]"));
  EXPECT_THAT(error, HasSubstr("t.yaml:29:14: stages[2].inputs[0]: unknown "
                               "input 'parser' (did you mean 'parse'?)"));
  EXPECT_THAT(error, HasSubstr("1 problem in"));
}

TEST(TopologyLoaderTest, Cycle) {
  // Two parse stages feeding each other, reachable from nothing.
  std::string yaml = Replace("inputs: [in]", "inputs: [in, loop]");
  yaml += R"(  - name: loop
    inputs: [parse]
    parse:
      format: nfware
)";
  std::string error = ErrorOf(yaml);
  EXPECT_THAT(error, HasSubstr("the stages form a cycle: "));
  EXPECT_THAT(error, ::testing::AnyOf(HasSubstr("parse -> loop -> parse"),
                                      HasSubstr("loop -> parse -> loop")));
}

TEST(TopologyLoaderTest, MessageTypeMismatchAlongAnEdge) {
  // The sink's topic carries NatEvent but its input is raw bytes.
  std::string error = ErrorOf(Replace("inputs: [parse]", "inputs: [in]"));
  EXPECT_THAT(error, HasSubstr("t.yaml:31:14: stages[2].sink.topic: topic "
                               "'events' carries cgnat.v1.NatEvent but the "
                               "input carries bytes"));
  // parse needs bytes.
  std::string yaml = Replace("    type: bytes\n  - name: events",
                             "    type: cgnat.v1.NatEvent\n  - name: events");
  EXPECT_THAT(ErrorOf(yaml),
              HasSubstr("stages[1].parse: parse reads raw lines (bytes); its "
                        "input carries cgnat.v1.NatEvent"));
}

TEST(TopologyLoaderTest, SourceTopicWithoutType) {
  std::string error =
      ErrorOf(Replace("    partitions: 4\n    type: bytes\n  - name: events",
                      "    partitions: 4\n  - name: events"));
  EXPECT_THAT(error, HasSubstr("t.yaml:6:5: topics[0]: topic 'raw' has no "
                               "type: set type to bytes or a message"));
}

TEST(TopologyLoaderTest, UndeclaredTopicAndUnknownType) {
  EXPECT_THAT(ErrorOf(Replace("      topic: raw", "      topic: rawr")),
              HasSubstr("stages[0].source.topic: topic 'rawr' is not "
                        "declared under topics"));
  EXPECT_THAT(
      ErrorOf(Replace("type: cgnat.v1.NatEvent", "type: cgnat.v1.NatEvnt")),
      HasSubstr("topics[1].type: unknown message type "
                "'cgnat.v1.NatEvnt'"));
}

TEST(TopologyLoaderTest, ReportsEveryProblemAtOnce) {
  std::string yaml = Replace("format: nfware", "format: nope");
  yaml = absl::StrReplaceAll(yaml, {{"inputs: [parse]", "inputs: [nothere]"},
                                    {"threads: 3", "threads: -3"}});
  std::string error = ErrorOf(yaml);
  EXPECT_THAT(error, HasSubstr("3 problems in topology t.yaml"));
  EXPECT_THAT(error, HasSubstr("processing.threads"));
  EXPECT_THAT(error, HasSubstr("stages[1].parse.format"));
  EXPECT_THAT(error, HasSubstr("stages[2].inputs[0]"));
  // In file order.
  EXPECT_LT(error.find("processing.threads"), error.find("stages[1]"));
}

TEST(TopologyLoaderTest, YamlSyntaxError) {
  std::string error = ErrorOf("application_id: [unclosed\n");
  EXPECT_THAT(error, HasSubstr("t.yaml:2:1: invalid YAML"));
}

TEST(TopologyLoaderTest, EngineOwnedKafkaSettingsAreRejected) {
  std::string error = ErrorOf(
      Replace("compression.codec: lz4", "enable.auto.commit: \"true\""));
  EXPECT_THAT(error, HasSubstr("t.yaml:4:23: kafka[\"enable.auto.commit\"]: "
                               "'enable.auto.commit' cannot be set"));
}

TEST(TopologyLoaderTest, RequiredFields) {
  EXPECT_THAT(ErrorOf(Replace("dead_letter_topic: dlq\n", "")),
              HasSubstr("dead_letter_topic is required"));
  EXPECT_THAT(ErrorOf(Replace("application_id: test-app\n", "")),
              HasSubstr("application_id is required"));
  EXPECT_THAT(ErrorOf(Replace("  - name: out\n", "  - nam: out\n")),
              HasSubstr("t.yaml:28:5: stages[2]: every stage needs a name"));
}

TEST(TopologyLoaderTest, OutputThatGoesNowhereIsAnError) {
  std::string yaml = kValid;
  yaml += R"(  - name: orphan
    inputs: [in]
    parse:
      format: nfware
)";
  EXPECT_THAT(ErrorOf(yaml),
              HasSubstr("the output of stage 'orphan' is not consumed by any "
                        "stage"));
}

TEST(TopologyLoaderTest, SinkCannotFeedAnotherStage) {
  std::string yaml = kValid;
  yaml += R"(  - name: after
    inputs: [out]
    sink:
      topic: events
)";
  EXPECT_THAT(ErrorOf(yaml), HasSubstr("'out' is a sink"));
}

TEST(TopologyLoaderTest, FeedbackLoopThroughATopicIsAnError) {
  std::string yaml = kValid;
  yaml += "  - name: echo\n    inputs: [in]\n    sink:\n      topic: raw\n";
  EXPECT_THAT(ErrorOf(yaml),
              HasSubstr("t.yaml:36:7: stages[3].sink: stage 'echo' writes "
                        "topic 'raw' which stage 'in' reads"));
}

TEST(TopologyLoaderTest, SinkKeyMustBeAScalarFieldOfTheMessage) {
  EXPECT_THAT(ErrorOf(Replace("key: outside_ip", "key: outside_address")),
              HasSubstr("stages[2].sink.key: cgnat.v1.NatEvent has no field "
                        "'outside_address'"));
  EXPECT_THAT(ErrorOf(Replace("key: outside_ip", "key: event_time")),
              HasSubstr("field 'event_time' is a message or a list"));
}

TEST(TopologyLoaderTest, CoPartitioningOfSources) {
  std::string yaml = Replace("    partitions: 1\n    type: bytes",
                             "    partitions: 1\n    type: bytes\n  - name: "
                             "raw2\n    partitions: 8\n    type: bytes");
  yaml = Replace("inputs: [in]", "inputs: [in, in2]");
  yaml = absl::StrReplaceAll(
      yaml, {{"    partitions: 1\n    type: bytes",
              "    partitions: 1\n    type: bytes\n  - name: raw2\n    "
              "partitions: 8\n    type: bytes"}});
  yaml += "  - name: in2\n    source:\n      topic: raw2\n";
  EXPECT_THAT(ErrorOf(yaml), HasSubstr("must be co-partitioned"));
}

TEST(TopologyLoaderTest, BadTimezone) {
  EXPECT_THAT(ErrorOf(Replace("framing: rfc5424",
                              "framing: rfc5424\n      timezone: Mars/Base")),
              HasSubstr("stages[1].parse.timezone: unknown time zone "
                        "'Mars/Base'"));
}

constexpr char kPairing[] = R"(application_id: pair
topics:
  - {name: raw, partitions: 4, type: bytes}
  - {name: sessions, partitions: 4, type: cgnat.v1.NatSession}
  - {name: dlq, partitions: 1, type: bytes}
dead_letter_topic: dlq
stages:
  - {name: in, source: {topic: raw}}
  - {name: parse, inputs: [in], parse: {format: nfware}}
  - name: by_sub
    inputs: [parse]
    repartition: {key_by: [device, inside_ip], partitions: 8}
  - {name: pairing, inputs: [by_sub], session_pairing: {grace: 30s}}
  - {name: out, inputs: [pairing], sink: {topic: sessions}}
)";

TEST(TopologyLoaderTest, RepartitionStartsANewSubtopology) {
  auto loaded = LoadTopologyYaml(kPairing, "p.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const LoadedTopology& t = **loaded;
  ASSERT_EQ(t.subtopologies.size(), 2u);
  EXPECT_EQ(t.subtopologies[0].source_topics, std::vector<std::string>{"raw"});
  EXPECT_EQ(t.subtopologies[0].partitions, 4);
  EXPECT_EQ(t.subtopologies[1].source_topics,
            std::vector<std::string>{"pair-by_sub-repartition"});
  EXPECT_EQ(t.subtopologies[1].partitions, 8);
  const TopicInfo* internal = t.FindTopic("pair-by_sub-repartition");
  ASSERT_NE(internal, nullptr);
  EXPECT_TRUE(internal->internal);
  EXPECT_EQ(internal->partitions, 8);
  EXPECT_EQ(internal->type, "cgnat.v1.NatEvent");
  const StageNode* in = t.FindStage("by_sub/in");
  ASSERT_NE(in, nullptr);
  EXPECT_TRUE(in->synthesized);
  EXPECT_EQ(in->subtopology, 1);
  EXPECT_EQ(t.FindStage("pairing")->inputs,
            std::vector<int>{static_cast<int>(in - &t.stages[0])});
  // The pairing store and its compacted changelog, partitioned like the
  // sub-topology that owns it.
  ASSERT_EQ(t.stores.size(), 1u);
  EXPECT_EQ(t.stores[0].name, "pairing");
  EXPECT_EQ(t.stores[0].subtopology, 1);
  EXPECT_TRUE(t.stores[0].logged);
  const TopicInfo* changelog = t.FindTopic("pair-pairing-changelog");
  ASSERT_NE(changelog, nullptr);
  EXPECT_EQ(changelog->partitions, 8);
  EXPECT_TRUE(changelog->compacted);
}

TEST(TopologyLoaderTest, StatefulStageDemandsPartitioningByItsKey) {
  std::string yaml = kPairing;
  size_t at = yaml.find("  - name: by_sub");
  yaml.erase(at, yaml.find("  - {name: pairing") - at);
  at = yaml.find("inputs: [by_sub], session");
  yaml.replace(at, 16, "inputs: [parse]");
  std::string error = ErrorOf(yaml);
  EXPECT_NE(error.find("stages[2].inputs[0]: stage 'pairing' keeps state "
                       "per [device, vrf,"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("its input 'parse' has no known partitioning: put a "
                       "repartition stage in between"),
            std::string::npos)
      << error;
  // Keyed by a field outside the pairing key: still wrong.
  yaml = kPairing;
  at = yaml.find("key_by: [device, inside_ip]");
  yaml.replace(at, 27, "key_by: [device, vendor]");
  EXPECT_NE(ErrorOf(yaml).find("is partitioned by [device, vendor]"),
            std::string::npos);
}

TEST(TopologyLoaderTest, RepartitionNeedsFieldsOfItsInput) {
  std::string yaml = kPairing;
  size_t at = yaml.find("key_by: [device, inside_ip]");
  yaml.replace(at, 27, "key_by: [device, insde_ip]");
  EXPECT_NE(ErrorOf(yaml).find("stages[2].repartition.key_by[1]: "
                               "cgnat.v1.NatEvent has no field 'insde_ip'"),
            std::string::npos);
}

TEST(TopologyLoaderTest, StoreNamesAreUnique) {
  std::string yaml = kPairing;
  yaml +=
      "  - {name: pairing2, inputs: [by_sub], session_pairing: {store: "
      "pairing}}\n  - {name: out2, inputs: [pairing2], sink: {topic: "
      "sessions}}\n";
  EXPECT_NE(ErrorOf(yaml).find("store 'pairing' is already used by stage "
                               "'pairing'"),
            std::string::npos);
}

TEST(TopologyLoaderTest, MissingFileIsAnError) {
  auto loaded = LoadTopologyFile("/nonexistent/topology.yaml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(std::string(loaded.status().message()),
              HasSubstr("cannot read topology file"));
}

}  // namespace
}  // namespace netstreams

#include "src/kafka/topic_admin.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "src/common/log.h"

namespace netstreams {

absl::StatusOr<std::map<std::string, int>> DescribeTopics(
    rd_kafka_t* client, const std::vector<std::string>& topics,
    absl::Duration timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(client, 1, nullptr, &md,
                        static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read cluster metadata: ", rd_kafka_err2str(err)));
  }
  std::set<std::string> wanted(topics.begin(), topics.end());
  std::map<std::string, int> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (t.err == RD_KAFKA_RESP_ERR_NO_ERROR && wanted.count(t.topic)) {
      out[t.topic] = t.partition_cnt;
    }
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

namespace {

absl::Status CreateWithAdminApi(rd_kafka_t* client,
                                const std::vector<TopicSpec>& missing,
                                absl::Duration timeout) {
  std::vector<rd_kafka_NewTopic_t*> new_topics;
  char err[512];
  for (const auto& t : missing) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(
        t.name.c_str(), t.partitions, -1, err, sizeof(err));
    if (nt == nullptr) {
      for (auto* n : new_topics) rd_kafka_NewTopic_destroy(n);
      return absl::InvalidArgumentError(err);
    }
    for (const auto& [key, value] : t.configs) {
      rd_kafka_NewTopic_set_config(nt, key.c_str(), value.c_str());
    }
    new_topics.push_back(nt);
  }
  KafkaQueuePtr queue(rd_kafka_queue_new(client));
  rd_kafka_AdminOptions_t* options =
      rd_kafka_AdminOptions_new(client, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(
      options, static_cast<int>(absl::ToInt64Milliseconds(timeout)), err,
      sizeof(err));
  rd_kafka_CreateTopics(client, new_topics.data(), new_topics.size(), options,
                        queue.get());
  rd_kafka_AdminOptions_destroy(options);
  for (auto* n : new_topics) rd_kafka_NewTopic_destroy(n);

  rd_kafka_event_t* event = rd_kafka_queue_poll(
      queue.get(), static_cast<int>(absl::ToInt64Milliseconds(timeout)) + 1000);
  if (event == nullptr) {
    return absl::DeadlineExceededError("CreateTopics timed out");
  }
  absl::Status status;
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::FailedPreconditionError(rd_kafka_event_error_string(event));
  } else {
    const rd_kafka_CreateTopics_result_t* result =
        rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR &&
          e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        const char* why = rd_kafka_topic_result_error_string(results[i]);
        status = absl::FailedPreconditionError(
            absl::StrCat(rd_kafka_topic_result_name(results[i]), ": ",
                         why != nullptr ? why : rd_kafka_err2str(e)));
        break;
      }
    }
  }
  rd_kafka_event_destroy(event);
  return status;
}

}  // namespace

absl::StatusOr<std::map<std::string, int>> EnsureTopics(
    const KafkaSettings& settings, const std::vector<TopicSpec>& wanted,
    EmbeddedBroker* embedded, absl::Duration timeout) {
  if (embedded != nullptr) {
    for (const auto& t : wanted) {
      absl::Status s = embedded->CreateTopic(t.name, t.partitions);
      if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
    }
  }
  auto client =
      NewKafkaClient(RD_KAFKA_PRODUCER, settings, {{"client.id", "admin"}});
  if (!client.ok()) return client.status();
  std::vector<std::string> names;
  for (const auto& t : wanted) names.push_back(t.name);

  absl::Time deadline = absl::Now() + timeout;
  // Brokers may still be starting: ask in short rounds and say so.
  absl::Time start = absl::Now();
  auto existing =
      DescribeTopics(client->get(), names, std::min(timeout, absl::Seconds(5)));
  while (!existing.ok() && absl::Now() < deadline) {
    LogInfo("waiting for the Kafka brokers")
        .With("bootstrap.servers", settings.count("bootstrap.servers")
                                       ? settings.at("bootstrap.servers")
                                       : std::string())
        .With("waited_s", absl::ToInt64Seconds(absl::Now() - start))
        .With("gives_up_in_s", absl::ToInt64Seconds(deadline - absl::Now()))
        .With("error", existing.status().message());
    existing = DescribeTopics(
        client->get(), names,
        std::max(absl::Seconds(1),
                 std::min(deadline - absl::Now(), absl::Seconds(5))));
  }
  if (!existing.ok()) return existing.status();
  std::vector<TopicSpec> missing;
  for (const auto& t : wanted) {
    if (!existing->count(t.name)) missing.push_back(t);
  }
  if (!missing.empty()) {
    std::vector<std::string> described;
    for (const auto& t : missing) {
      described.push_back(
          absl::StrCat(t.name, " (", t.partitions, " partitions)"));
    }
    LogInfo("creating topics").With("topics", absl::StrJoin(described, ", "));
    absl::Status created = CreateWithAdminApi(client->get(), missing, timeout);
    if (!created.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "topics missing on the cluster: ", absl::StrJoin(described, ", "),
          "; creating them failed (", created.message(),
          "). Create them, or grant the engine CreateTopics"));
    }
    // Newly created topics take a moment to appear in metadata.
    while (true) {
      existing = DescribeTopics(client->get(), names, timeout);
      if (!existing.ok()) return existing.status();
      if (existing->size() == wanted.size()) break;
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(
            "created topics did not appear in cluster metadata in time");
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  for (const auto& t : wanted) {
    int actual = (*existing)[t.name];
    if (actual != t.partitions) {
      LogWarning("topic partition count differs from the topology")
          .With("topic", t.name)
          .With("declared", t.partitions)
          .With("actual", actual);
    }
  }
  return *existing;
}

}  // namespace netstreams

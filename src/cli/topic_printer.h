// Prints the records of topics as JSON lines, decoded by each topic's
// declared type:
//   {"topic":"cgnat.events","partition":0,"offset":3,"timestamp":"...",
//    "key":"10.0.0.1","value":{...the message, proto field names...}}
// Raw-bytes topics print "value" as a string; dead-letter records also
// print their headers. A standalone consumer (assign, no commits) reads
// each partition from its beginning.
#ifndef NETSTREAMS_SRC_CLI_TOPIC_PRINTER_H_
#define NETSTREAMS_SRC_CLI_TOPIC_PRINTER_H_

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "src/format/record_json.h"
#include "src/kafka/client.h"
#include "src/topology/loaded_topology.h"

namespace netstreams {

// Renders one consumed record as a JSON object (no newline).
std::string RecordToJson(const rd_kafka_message_t* message,
                         const std::string& type, bool with_headers);

class TopicPrinter {
 public:
  // `limit` > 0 prints at most that many records per topic.
  TopicPrinter(const KafkaSettings& settings, const LoadedTopology& topology,
               std::vector<std::string> topics, size_t limit, std::FILE* out);
  ~TopicPrinter();

  // Starts printing in the background, from the beginning of each topic.
  absl::Status Start();
  // Prints everything up to each partition's current end, then stops.
  absl::Status DrainAndStop();

 private:
  void Run();

  KafkaSettings settings_;
  const LoadedTopology& topology_;
  std::vector<std::string> topics_;
  size_t limit_;
  std::FILE* out_;
  KafkaPtr consumer_;
  std::thread thread_;
  std::atomic<bool> draining_{false};
  // Per (topic, partition): next offset to print and the end to reach.
  struct Progress {
    std::string topic;
    int32_t partition;
    int64_t next = 0;
    int64_t end = -1;
  };
  std::vector<Progress> progress_;
  std::vector<size_t> printed_;  // per topic
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_CLI_TOPIC_PRINTER_H_

// //:engine — runs a topology file.
//
// Without --bootstrap_servers it starts an embedded Kafka (librdkafka's
// mock cluster), creates the topology's topics, replays the bundled sample
// input and exits once the input is drained. Exit status: 0 done,
// 1 runtime failure, 2 invalid flags or topology.

#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "src/cli/flags.h"
#include "src/cli/paths.h"
#include "src/cli/replay.h"
#include "src/cli/topic_printer.h"
#include "src/common/log.h"
#include "src/kafka/embedded_broker.h"
#include "src/kafka/topic_admin.h"
#include "src/metrics/metrics_server.h"
#include "src/runtime/engine.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

constexpr char kSummary[] =
    "Runs a stream-processing topology over Kafka partitions.\n"
    "With no --bootstrap_servers: starts an embedded broker, replays the\n"
    "bundled samples (<topology dir>/samples/<source topic>.log) and exits\n"
    "when the input is drained.";

std::atomic<bool> g_stop{false};

void OnSignal(int) {
  if (g_stop.exchange(true)) {
    // A second signal: leave now. Nothing uncommitted is lost; it is
    // reprocessed on the next start (at-least-once).
    _exit(130);
  }
}

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

std::string DefaultTopologyPath(const char* argv0) {
  const std::string relative = "topology/cgnat.yaml";
  if (const char* ws = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    return absl::StrCat(ws, "/", relative);
  }
  if (FileExists(relative)) return relative;
  std::string runfiles = absl::StrCat(argv0, ".runfiles/netstreams/", relative);
  if (FileExists(runfiles)) return runfiles;
  return relative;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

int Usage(const FlagSet& flags, const std::string& error) {
  if (!error.empty()) {
    std::fprintf(stderr, "engine: %s\n", error.c_str());
    std::fprintf(stderr, "run with --help for the flags\n");
    return 2;
  }
  std::printf("%s", flags.Usage("engine", kSummary).c_str());
  return 0;
}

struct Replay {
  std::string topic;
  std::string file;
};

void PrintSummary(const LoadedTopology& topology, const Engine& engine,
                  const std::vector<std::pair<Replay, ReplayResult>>& replays,
                  std::FILE* out) {
  std::string s = "\n== summary ==\n";
  for (const auto& [replay, result] : replays) {
    absl::StrAppend(&s, "replayed ", result.records, " records from ",
                    replay.file, " into ", replay.topic, "\n");
  }
  absl::StrAppend(
      &s, absl::StrFormat("%-18s %-18s %9s %9s %13s  %s\n", "stage", "kind",
                          "in", "out", "dead-lettered", "topic"));
  uint64_t dead = 0;
  for (size_t i = 0; i < topology.stages.size(); ++i) {
    const StageNode& stage = topology.stages[i];
    StageTotals t = engine.stats().Totals(static_cast<int>(i));
    dead += t.dead_lettered;
    // Sinks and repartitions write every record they receive (or the
    // engine fails).
    auto shape = stage.factory->shape();
    bool writes = shape == StageFactory::Shape::kSink ||
                  shape == StageFactory::Shape::kRepartition;
    std::string topic;
    if (!stage.topics.reads.empty()) topic = "<- " + stage.topics.reads[0];
    if (!stage.topics.writes.empty()) topic = "-> " + stage.topics.writes[0];
    absl::StrAppend(
        &s, absl::StrFormat("%-18s %-18s %9d %9d %13d  %s\n", stage.name,
                            stage.kind, t.in, writes ? t.in : t.out,
                            t.dead_lettered, topic));
  }
  absl::StrAppend(&s, "dead-lettered: ", dead, " (to ",
                  topology.dead_letter_topic, ")\n");
  for (const auto& [key, count] : engine.stats().DeadLetters()) {
    absl::StrAppend(&s, "  ", key.first, " / ", key.second, ": ", count, "\n");
  }
  std::string current;
  for (const auto& [key, count] : engine.stats().NamedTotals()) {
    if (key.first != current) {
      absl::StrAppend(&s, current.empty() ? "" : "\n", key.first, ":");
      current = key.first;
    }
    absl::StrAppend(&s, " ", key.second, "=", count);
  }
  if (!current.empty()) s.push_back('\n');
  if (engine.stats().restored_records() > 0) {
    absl::StrAppend(&s,
                    absl::StrFormat("restored %d changelog records in %.3fs\n",
                                    engine.stats().restored_records(),
                                    engine.stats().restore_seconds()));
  }
  if (!topology.stores.empty()) {
    absl::StrAppend(
        &s, absl::StrFormat("state memory (RocksDB, peak): %.1f MiB\n",
                            engine.peak_state_memory_bytes() / 1048576.0));
  }
  std::string phases;
  for (const auto& [phase, seconds] : engine.stats().PhaseCpu()) {
    absl::StrAppend(&phases, absl::StrFormat(" %s=%.2f", phase, seconds));
  }
  if (!phases.empty()) {
    absl::StrAppend(&s, "stream threads cpu seconds:", phases, "\n");
  }
  absl::StrAppend(&s, absl::StrFormat("elapsed: %.3fs\n",
                                      absl::ToDoubleSeconds(engine.elapsed())));
  std::fwrite(s.data(), 1, s.size(), out);
  std::fflush(out);
}

int Main(int argc, char** argv) {
  // librdkafka allocates a buffer per fetch response and per produce
  // request, many above glibc's mmap threshold: by default each is mapped
  // and unmapped again, a page fault per 4 KiB every time. Serve them from
  // the heap and keep freed memory for reuse instead.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);

  std::string topology_path;
  std::string bootstrap;
  std::vector<std::string> replay_flags;
  std::vector<std::string> print_flags;
  bool until_idle = false;
  std::string log_level = "info";
  std::string log_format = "text";
  std::string state_dir;
  std::string metrics_address = "127.0.0.1:9464";

  FlagSet flags;
  flags.AddString("topology", &topology_path,
                  "topology file (default topology/cgnat.yaml)");
  flags.AddString("bootstrap_servers", &bootstrap,
                  "Kafka brokers HOST:PORT[,...]; absent: an embedded broker");
  flags.AddRepeated("replay", &replay_flags,
                    "TOPIC=FILE: produce each line of FILE into TOPIC before "
                    "processing (replaces the bundled samples)");
  flags.AddRepeated("print", &print_flags,
                    "TOPIC: print every record of TOPIC as a JSON line on "
                    "stdout");
  flags.AddBool("until_idle", &until_idle,
                "exit 0 once every source partition is drained and outputs "
                "are flushed (default with the embedded broker)");
  flags.AddString("state_dir", &state_dir,
                  "root folder of local state; overrides processing.state_dir");
  flags.AddString("metrics_address", &metrics_address,
                  "HOST:PORT of /metrics, /healthz and /readyz (port 0: any "
                  "free port; empty: no endpoint)");
  flags.AddString("log_level", &log_level, "debug, info, warning or error");
  flags.AddString("log_format", &log_format, "text (key=value) or json");

  bool help = false;
  absl::Status parsed = flags.Parse(argc, argv, &help);
  if (!parsed.ok()) return Usage(flags, std::string(parsed.message()));
  if (help) return Usage(flags, "");

  LogLevel level;
  if (!ParseLogLevel(log_level, &level)) {
    return Usage(flags,
                 absl::StrCat("--log_level: unknown level '", log_level, "'"));
  }
  SetLogLevel(level);
  if (log_format == "json") {
    SetLogFormat(LogFormat::kJson);
  } else if (log_format != "text") {
    return Usage(flags, "--log_format takes text or json");
  }

  topology_path = flags.WasSet("topology") ? UserPath(topology_path)
                                           : DefaultTopologyPath(argv[0]);
  auto topology = LoadTopologyFile(topology_path);
  if (!topology.ok()) {
    std::fprintf(stderr, "engine: %s",
                 std::string(topology.status().message()).c_str());
    if (!absl::EndsWith(topology.status().message(), "\n")) {
      std::fprintf(stderr, "\n");
    }
    return 2;
  }
  const LoadedTopology& topo = **topology;

  std::vector<Replay> replays;
  for (const std::string& r : replay_flags) {
    size_t eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size()) {
      return Usage(flags,
                   absl::StrCat("--replay takes TOPIC=FILE, got '", r, "'"));
    }
    Replay replay{r.substr(0, eq), UserPath(r.substr(eq + 1))};
    if (topo.FindTopic(replay.topic) == nullptr) {
      return Usage(flags, absl::StrCat("--replay: topic '", replay.topic,
                                       "' is not declared in ", topology_path));
    }
    if (!FileExists(replay.file)) {
      return Usage(flags, absl::StrCat("--replay: cannot read ", replay.file));
    }
    replays.push_back(replay);
  }
  for (const std::string& t : print_flags) {
    if (topo.FindTopic(t) == nullptr) {
      return Usage(flags, absl::StrCat("--print: topic '", t,
                                       "' is not declared in ", topology_path));
    }
  }

  const bool embedded = bootstrap.empty();
  if (!flags.WasSet("until_idle")) until_idle = embedded;

  // The operator endpoint comes up first, so that /healthz answers and
  // /readyz says what the process is waiting for from the start.
  std::atomic<const Engine*> live_engine{nullptr};
  std::unique_ptr<MetricsServer> metrics;
  if (!metrics_address.empty()) {
    MetricsEndpoints endpoints;
    endpoints.metrics = [&live_engine]() -> std::string {
      const Engine* e = live_engine.load();
      return e == nullptr ? std::string() : e->MetricsText();
    };
    endpoints.ready = [&live_engine]() {
      Readiness r;
      const Engine* e = live_engine.load();
      if (e == nullptr) {
        r.reason = "starting (topics, replay)";
      } else {
        r.ready = e->Ready(&r.reason);
      }
      return r;
    };
    auto started = MetricsServer::Start(metrics_address, endpoints);
    if (!started.ok()) {
      if (started.status().code() == absl::StatusCode::kInvalidArgument) {
        return Usage(flags, std::string(started.status().message()));
      }
      LogError("cannot start the metrics endpoint")
          .With("error", started.status().ToString())
          .With("hint",
                "use --metrics_address=HOST:PORT (port 0: any free "
                "port) or --metrics_address= to disable");
      return 1;
    }
    metrics = std::move(*started);
    std::string host = metrics_address.substr(0, metrics_address.rfind(':'));
    LogInfo("metrics endpoint")
        .With("url",
              absl::StrCat("http://", host, ":", metrics->port(), "/metrics"));
  }

  std::unique_ptr<EmbeddedBroker> broker;
  KafkaSettings settings(topo.kafka.begin(), topo.kafka.end());
  if (embedded) {
    auto started = EmbeddedBroker::Start(1);
    if (!started.ok()) {
      LogError("cannot start the embedded broker")
          .With("error", started.status().ToString());
      return 1;
    }
    broker = std::move(*started);
    bootstrap = broker->bootstrap_servers();
    LogInfo("embedded broker started").With("bootstrap", bootstrap);
    if (replay_flags.empty()) {
      std::set<std::string> sources;
      for (const Subtopology& s : topo.subtopologies) {
        sources.insert(s.source_topics.begin(), s.source_topics.end());
      }
      for (const std::string& topic : sources) {
        std::string sample =
            absl::StrCat(DirName(topology_path), "/samples/", topic, ".log");
        if (FileExists(sample)) replays.push_back({topic, sample});
      }
    }
  }
  settings["bootstrap.servers"] = bootstrap;

  auto topics = EnsureTopics(settings, TopicsToCreate(topo), broker.get(),
                             absl::Seconds(30));
  if (!topics.ok()) {
    LogError("topics are not ready")
        .With("bootstrap.servers", bootstrap)
        .With("error", topics.status().ToString());
    return 1;
  }

  std::vector<std::pair<Replay, ReplayResult>> replayed;
  for (const Replay& r : replays) {
    auto result = ReplayFile(settings, r.topic, r.file);
    if (!result.ok()) {
      LogError("replay failed").With("error", result.status().ToString());
      return 1;
    }
    replayed.push_back({r, *result});
  }

  InstallSignalHandlers();
  // Printing runs beside the engine so that a long-running engine prints
  // as it goes; with --until_idle it catches up at the end.
  std::unique_ptr<TopicPrinter> printer;
  if (!print_flags.empty()) {
    printer =
        std::make_unique<TopicPrinter>(settings, topo, print_flags, 0, stdout);
    absl::Status started = printer->Start();
    if (!started.ok()) {
      LogError("cannot print topics").With("error", started.ToString());
      return 1;
    }
  }

  EngineOptions options;
  options.kafka = settings;
  options.until_idle = until_idle;
  options.stop = &g_stop;
  // The embedded broker forgets everything when the process ends, and so
  // must the state that goes with it: a fresh state folder per run.
  std::string temp_state_dir;
  if (!state_dir.empty()) {
    options.state_dir = UserPath(state_dir);
  } else if (embedded) {
    char pattern[] = "/tmp/netstreams-embedded-XXXXXX";
    if (mkdtemp(pattern) != nullptr) temp_state_dir = pattern;
    options.state_dir = temp_state_dir;
  }
  Engine engine(topo, options);
  live_engine = &engine;
  absl::Status status = engine.Run();

  if (printer != nullptr) {
    absl::Status drained = printer->DrainAndStop();
    if (!drained.ok() && status.ok()) status = drained;
  }
  // The summary goes to stdout unless stdout carries --print's JSON lines.
  std::FILE* summary_out = print_flags.empty() ? stdout : stderr;
  PrintSummary(topo, engine, replayed, summary_out);

  if (embedded && print_flags.empty() && status.ok()) {
    // Show what came out: a few decoded records of each output topic.
    std::vector<std::string> outputs;
    for (const StageNode& stage : topo.stages) {
      if (stage.factory->shape() != StageFactory::Shape::kSink) continue;
      for (const auto& w : stage.topics.writes) outputs.push_back(w);
    }
    outputs.push_back(topo.dead_letter_topic);
    for (const std::string& t : outputs) {
      std::fprintf(stdout, "\n== first records of %s ==\n", t.c_str());
      std::fflush(stdout);
      TopicPrinter sample(settings, topo, {t}, 3, stdout);
      if (sample.Start().ok()) sample.DrainAndStop().IgnoreError();
    }
  }
  metrics.reset();
  live_engine = nullptr;
  if (!temp_state_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_state_dir, ignored);
  }
  if (!status.ok()) {
    LogError("engine failed").With("error", status.ToString());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) { return netstreams::Main(argc, argv); }

// //tools:bench — engine CPU per record for three topologies in one run,
// and the state restore rate.
//
//   bazel run //tools:bench -- [--records=1000000] [--partitions=64]
//                              [--threads=1] [--rounds=2]
//
// Starts //tools:dev_broker as its own process (so the broker's CPU is not
// counted), produces --records generated NFWare syslog lines into a topic,
// then runs the //:engine binary with --until_idle over
//   passthrough: source -> sink (no parsing)
//   parse:       source -> parse -> sink
//   pairing:     source -> parse -> repartition -> session_pairing -> sink
//                (with its RocksDB store, write cache and changelog)
// and measures the engine process's user+sys CPU time (wait4 rusage), not
// wall time, since the broker shares the machine. Each topology runs
// --rounds times, alternating, and the lowest CPU time counts. Last, a
// pairing application builds --restore_records open sessions and runs
// again with its state directory deleted: the whole changelog is
// restored, and the restore rate is reported.
//
// The input is realistic for pairing: sessions are created and deleted
// (lifetimes 1 s to 5 min of event time), in event-time order; 8% are
// never deleted and stay open; 85% SESSION, 8% PORT, 3% ADDRESS and 4%
// PORT_BLOCK mappings.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "src/cli/flags.h"
#include "src/cli/replay.h"
#include "src/common/log.h"

namespace netstreams {
namespace {

std::string Runfile(const char* argv0, const std::string& path) {
  if (const char* dir = std::getenv("RUNFILES_DIR")) {
    return absl::StrCat(dir, "/netstreams/", path);
  }
  return absl::StrCat(argv0, ".runfiles/netstreams/", path);
}

struct Input {
  int64_t lines = 0;
  int64_t open_at_end = 0;
};

Input GenerateLines(int64_t count, const std::string& path) {
  std::mt19937 rng(42);
  const int64_t sessions = count / 2 + count / 20;
  const int64_t base_ms = 1795392000000;  // 2026-11-23T00:00:00Z
  std::vector<std::pair<int64_t, std::string>> lines;
  lines.reserve(static_cast<size_t>(sessions) * 2);
  Input input;
  for (int64_t s = 0; s < sessions; ++s) {
    int64_t create_ms = base_ms + s * 50;  // 20,000 sessions/s
    int64_t lifetime_ms = 1000 + static_cast<int64_t>(rng() % 299000);
    bool stays_open = rng() % 100 < 8;
    int kind = static_cast<int>(rng() % 100);
    uint32_t a = static_cast<uint32_t>(s);
    std::string inside = absl::StrFormat("10.%d.%d.%d", (a >> 16) & 255,
                                         (a >> 8) & 255, a & 255);
    std::string outside =
        absl::StrFormat("100.64.%d.%d", (a >> 8) & 63, a & 255);
    int port = 1024 + static_cast<int>(a % 60000);
    std::string body;
    if (kind < 85) {
      body = absl::StrFormat(
          "VRF 0 %d INT %s:%d EXT %s:%d DST %d.%d.%d.%d:%d DIR OUT",
          (a & 1) ? 6 : 17, inside, port, outside, port, 1 + rng() % 223,
          rng() % 256, rng() % 256, 1 + rng() % 254, (a & 2) ? 443 : 53);
    } else if (kind < 93) {
      body = absl::StrFormat("VRF 0 17 INT %s:%d EXT %s:%d", inside, port,
                             outside, port);
    } else if (kind < 96) {
      body = absl::StrFormat("VRF 3 INT %s EXT %s", inside, outside);
    } else {
      int block = static_cast<int>(a % 120);
      body = absl::StrFormat("VRF 0 INT %s EXT %s:%d-%d", inside, outside,
                             1024 + block * 512, 1024 + block * 512 + 511);
    }
    std::string device = absl::StrCat("vcgnat-", a % 4);
    auto render = [&](char action, int64_t ms) {
      return absl::StrCat(
          "<134>1 ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(ms),
                           absl::UTCTimeZone()),
          " ", device, " vcgnat - - - ", std::string(1, action), " ", body);
    };
    lines.emplace_back(create_ms, render('A', create_ms));
    if (!stays_open) {
      lines.emplace_back(create_ms + lifetime_ms,
                         render('D', create_ms + lifetime_ms));
    }
  }
  std::stable_sort(
      lines.begin(), lines.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  lines.resize(std::min<size_t>(lines.size(), static_cast<size_t>(count)));
  // Sessions whose create is in the input but not their delete.
  std::map<std::string, int> balance;
  std::ofstream out(path);
  for (const auto& [ms, line] : lines) {
    out << line << "\n";
    size_t vrf = line.find(" VRF ");
    std::string key = line.substr(vrf);
    balance[key] += line[vrf - 1] == 'A' ? 1 : -1;
  }
  for (const auto& [key, n] : balance) input.open_at_end += n > 0 ? n : 0;
  input.lines = static_cast<int64_t>(lines.size());
  return input;
}

// Extra client settings for every run (--kafka).
std::string g_kafka_settings;

// `count` creates of distinct sessions that are never deleted: state for
// the restore measurement.
void GenerateOpens(int64_t count, const std::string& path) {
  std::ofstream out(path);
  for (int64_t s = 0; s < count; ++s) {
    uint32_t a = static_cast<uint32_t>(s);
    out << "<134>1 "
        << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                            absl::FromUnixMillis(1795392000000 + s),
                            absl::UTCTimeZone())
        << absl::StrFormat(
               " vcgnat-%d vcgnat - - - A VRF 0 6 INT 10.%d.%d.%d:%d EXT "
               "100.64.%d.%d:%d DST 8.8.8.8:443 DIR OUT\n",
               a % 4, (a >> 16) & 255, (a >> 8) & 255, a & 255,
               1024 + a % 60000, (a >> 8) & 63, a & 255, 1024 + a % 60000);
  }
}

std::string TopologyYaml(const std::string& name, int partitions, int threads,
                         const std::string& kind,
                         const std::string& input = "bench.syslog") {
  std::string stages;
  if (kind == "passthrough") {
    stages = "  - {name: out, inputs: [in], sink: {topic: bench.copy}}\n";
  } else if (kind == "parse") {
    stages =
        "  - {name: parse, inputs: [in], parse: {format: nfware}}\n"
        "  - {name: out, inputs: [parse], sink: {topic: bench.events, key: "
        "inside_ip}}\n";
  } else if (kind == "repartition") {
    stages =
        "  - {name: parse, inputs: [in], parse: {format: nfware}}\n"
        "  - {name: by_sub, inputs: [parse], repartition: {key_by: [device, "
        "inside_ip]}}\n"
        "  - {name: out, inputs: [by_sub], sink: {topic: bench.events}}\n";
  } else {
    stages =
        "  - {name: parse, inputs: [in], parse: {format: nfware}}\n"
        "  - {name: by_sub, inputs: [parse], repartition: {key_by: [device, "
        "inside_ip]}}\n"
        "  - {name: pairing, inputs: [by_sub], session_pairing: {grace: 60s, "
        "max_lifetime: 24h}}\n"
        "  - {name: out, inputs: [pairing], sink: {topic: bench.sessions, "
        "key: outside_ip}}\n";
  }
  return absl::StrCat(
      "application_id: ", name, "\n", "kafka: {session.timeout.ms: \"6000\"}\n",
      "topics:\n", "  - {name: bench.syslog, partitions: ", partitions,
      ", type: bytes}\n", "  - {name: bench.opens, partitions: ", partitions,
      ", type: bytes}\n", "  - {name: bench.copy, partitions: ", partitions,
      ", type: bytes}\n", "  - {name: bench.events, partitions: ", partitions,
      ", type: cgnat.v1.NatEvent}\n",
      "  - {name: bench.sessions, partitions: ", partitions,
      ", type: cgnat.v1.NatSession}\n",
      "  - {name: bench.dlq, partitions: 1, type: bytes}\n",
      "dead_letter_topic: bench.dlq\n", "processing: {threads: ", threads,
      ", commit_interval: 1s}\n", "stages:\n",
      "  - {name: in, source: {topic: ", input, "}}\n", stages);
}

struct RunResult {
  double cpu_s = 0;
  double wall_s = 0;
  int64_t records_in = 0;
  int64_t restored = 0;
  double restore_s = 0;
  double state_mib = 0;
  std::string counters;
  std::string phases;
  bool ok = false;
};

// Runs the engine as a child; CPU from wait4's rusage; figures from its
// summary.
RunResult RunEngine(const std::string& engine,
                    const std::vector<std::string>& args) {
  RunResult result;
  int pipefd[2];
  if (pipe(pipefd) != 0) return result;
  absl::Time start = absl::Now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    close(pipefd[0]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(engine.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    // Any free port: the bench must not depend on 9464 being free.
    static char metrics_flag[] = "--metrics_address=127.0.0.1:0";
    argv.push_back(metrics_flag);
    argv.push_back(nullptr);
    execv(engine.c_str(), argv.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) out.append(buf, n);
  close(pipefd[0]);
  int status = 0;
  struct rusage usage = {};
  wait4(pid, &status, 0, &usage);
  result.wall_s = absl::ToDoubleSeconds(absl::Now() - start);
  result.cpu_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
                 usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    std::vector<absl::string_view> cols =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (cols.size() >= 3 && cols[0] == "in" && cols[1] == "source") {
      absl::SimpleAtoi(cols[2], &result.records_in);
    } else if (cols.size() >= 6 && cols[0] == "restored") {
      absl::SimpleAtoi(cols[1], &result.restored);
      std::string secs(cols[5]);
      if (!secs.empty()) secs.pop_back();  // "1.234s"
      absl::SimpleAtod(secs, &result.restore_s);
    } else if (cols.size() >= 5 && cols[0] == "state" && cols[1] == "memory") {
      absl::SimpleAtod(cols[4], &result.state_mib);
    } else if (!cols.empty() && cols[0] == "pairing:") {
      result.counters = std::string(line);
    } else if (cols.size() > 4 && cols[0] == "stream" && cols[1] == "threads") {
      result.phases = std::string(line);
    }
  }
  return result;
}

int Main(int argc, char** argv) {
  std::string records_text = "1000000", partitions_text = "64",
              threads_text = "1", rounds_text = "2";
  FlagSet flags;
  flags.AddString("records", &records_text, "generated input lines");
  flags.AddString("partitions", &partitions_text,
                  "input partitions (the mock broker keeps ~5 MB each)");
  flags.AddString("threads", &threads_text, "engine stream threads");
  flags.AddString("rounds", &rounds_text, "runs per topology (best counts)");
  std::string restore_text = "1000000";
  flags.AddString("restore_records", &restore_text,
                  "open sessions to build and then restore from the "
                  "changelog (0: skip)");
  std::string topologies = "passthrough,parse,pairing";
  flags.AddString("topologies", &topologies,
                  "which to run, in order: passthrough, parse, repartition "
                  "(parse -> repartition -> sink), pairing; the first is "
                  "the baseline of the ratios");
  std::string kafka;
  flags.AddString("kafka", &kafka,
                  "extra client settings for the engine, KEY=VALUE[,...]");
  bool help = false;
  absl::Status parsed = flags.Parse(argc, argv, &help);
  int64_t records = 0, restore_records = 0;
  int partitions = 0, threads = 0, rounds = 0;
  if (help || !parsed.ok() || !absl::SimpleAtoi(records_text, &records) ||
      !absl::SimpleAtoi(partitions_text, &partitions) ||
      !absl::SimpleAtoi(threads_text, &threads) ||
      !absl::SimpleAtoi(rounds_text, &rounds) ||
      !absl::SimpleAtoi(restore_text, &restore_records) || records < 1 ||
      partitions < 1 || threads < 1 || rounds < 1) {
    std::fprintf(help ? stdout : stderr, "%s",
                 flags.Usage("bench", "Engine CPU per record.").c_str());
    return help ? 0 : 2;
  }
  for (absl::string_view kv : absl::StrSplit(kafka, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> p = absl::StrSplit(kv, '=');
    absl::StrAppend(&g_kafka_settings, ", ", p.first, ": \"", p.second, "\"");
  }
  SetLogLevel(LogLevel::kWarning);
  const std::string engine = Runfile(argv[0], "engine");
  const std::string dev_broker = Runfile(argv[0], "tools/dev_broker");
  char tmpl[] = "/tmp/netstreams-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);

  // Every run's topology file, written first: the mock broker cannot
  // create topics on request, so the dev broker creates all of them,
  // internal ones (repartition, changelog) included.
  std::vector<std::string> kinds = absl::StrSplit(topologies, ',');
  std::vector<std::string> broker_args = {dev_broker, "--port=0"};
  for (int round = 0; round < rounds; ++round) {
    for (const std::string& kind : kinds) {
      std::string app = absl::StrCat("bench-", kind, "-", round);
      std::string file = absl::StrCat(dir, "/", app, ".yaml");
      std::ofstream(file) << TopologyYaml(app, partitions, threads, kind);
      broker_args.push_back("--topology=" + file);
    }
  }
  {
    std::string file = dir + "/bench-restore.yaml";
    std::ofstream(file) << TopologyYaml("bench-restore", partitions, threads,
                                        "pairing", "bench.opens");
    broker_args.push_back("--topology=" + file);
  }
  int pipefd[2];
  if (pipe(pipefd) != 0) return 1;
  pid_t broker = fork();
  if (broker == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    std::vector<char*> args;
    for (auto& a : broker_args) args.push_back(a.data());
    args.push_back(nullptr);
    execv(dev_broker.c_str(), args.data());
    _exit(127);
  }
  close(pipefd[1]);
  std::string line;
  char c;
  while (read(pipefd[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  if (line.rfind("bootstrap.servers=", 0) != 0) {
    std::fprintf(stderr, "dev broker did not start\n");
    return 1;
  }
  std::string bootstrap = line.substr(18);
  auto stop_broker = [&]() {
    kill(broker, SIGTERM);
    waitpid(broker, nullptr, 0);
  };

  std::printf("generating %lld NFWare lines...\n",
              static_cast<long long>(records));
  std::fflush(stdout);
  Input input = GenerateLines(records, dir + "/input.log");
  // Lines of one subscriber go to one partition, in order, as a
  // collector keyed by subscriber or device delivers them; spreading a
  // session's create and delete over partitions that are read at
  // different speeds would reorder them by minutes of event time.
  auto by_subscriber = [](absl::string_view line, uint64_t,
                          int32_t partitions) {
    size_t at = line.find(" INT ");
    absl::string_view inside =
        line.substr(at + 5, line.find_first_of(" :", at + 5) - at - 5);
    return static_cast<int32_t>(absl::Hash<absl::string_view>()(inside) %
                                static_cast<size_t>(partitions));
  };
  auto replayed = ReplayFile({{"bootstrap.servers", bootstrap}}, "bench.syslog",
                             dir + "/input.log", by_subscriber);
  if (!replayed.ok()) {
    std::fprintf(stderr, "replay failed: %s\n",
                 replayed.status().ToString().c_str());
    stop_broker();
    return 1;
  }
  std::printf(
      "input: %lld records, %.1f MB, %d partitions; %lld sessions open at the "
      "end of the input; engine threads: %d\n",
      static_cast<long long>(replayed->records), replayed->bytes / 1e6,
      partitions, static_cast<long long>(input.open_at_end), threads);

  std::vector<RunResult> best(kinds.size());
  for (int round = 0; round < rounds; ++round) {
    for (size_t t = 0; t < kinds.size(); ++t) {
      // A fresh consumer group each round reads the whole input again.
      std::string app = absl::StrCat("bench-", kinds[t], "-", round);
      std::string file = absl::StrCat(dir, "/", app, ".yaml");
      RunResult r = RunEngine(
          engine, {"--topology=" + file, "--bootstrap_servers=" + bootstrap,
                   "--state_dir=" + dir + "/state", "--until_idle"});
      std::printf("  round %d %-12s cpu %.2fs wall %.2fs records %lld%s\n",
                  round + 1, kinds[t].c_str(), r.cpu_s, r.wall_s,
                  static_cast<long long>(r.records_in),
                  r.ok ? "" : "  (FAILED)");
      if (!r.counters.empty()) std::printf("    %s\n", r.counters.c_str());
      if (!r.phases.empty()) std::printf("    %s\n", r.phases.c_str());
      std::fflush(stdout);
      if (!r.ok || static_cast<uint64_t>(r.records_in) != replayed->records) {
        stop_broker();
        std::fprintf(stderr, "engine run failed or incomplete\n");
        return 1;
      }
      if (best[t].cpu_s == 0 || r.cpu_s < best[t].cpu_s) best[t] = r;
    }
  }

  // Restore: build `restore_records` open sessions, then run the same
  // application again with its local state deleted.
  RunResult build, restore;
  if (restore_records > 0) {
    GenerateOpens(restore_records, dir + "/opens.log");
    auto opens = ReplayFile({{"bootstrap.servers", bootstrap}}, "bench.opens",
                            dir + "/opens.log");
    if (!opens.ok()) {
      stop_broker();
      std::fprintf(stderr, "replay failed\n");
      return 1;
    }
    std::vector<std::string> args = {
        "--topology=" + dir + "/bench-restore.yaml",
        "--bootstrap_servers=" + bootstrap, "--state_dir=" + dir + "/state",
        "--until_idle"};
    build = RunEngine(engine, args);
    std::filesystem::remove_all(dir + "/state/bench-restore");
    restore = RunEngine(engine, args);
  }
  stop_broker();
  std::filesystem::remove_all(dir);

  std::vector<double> rate(kinds.size());
  for (size_t t = 0; t < kinds.size(); ++t) {
    rate[t] = records / best[t].cpu_s;
  }
  std::printf("\n%-12s %14s %16s %14s %18s\n", "topology", "engine CPU s",
              "records/CPU-s", "us CPU/record", "vs passthrough");
  for (size_t t = 0; t < kinds.size(); ++t) {
    std::printf("%-12s %14.2f %16.0f %14.2f %18.2f\n", kinds[t].c_str(),
                best[t].cpu_s, rate[t], 1e6 / rate[t], rate[t] / rate[0]);
  }
  for (size_t t = 0; t < kinds.size(); ++t) {
    if (kinds[t] != "pairing") continue;
    std::printf(
        "pairing: %lld sessions open at the end, RocksDB memory peak %.1f "
        "MiB\n",
        static_cast<long long>(input.open_at_end), best[t].state_mib);
  }
  if (restore_records > 0) {
    if (restore.ok && restore.restored > 0 && restore.restore_s > 0) {
      std::printf(
          "restore: %lld open sessions built (engine CPU %.2f s); with the "
          "state directory deleted, %lld changelog records restored in %.3f "
          "s = %.0f records/s (RocksDB peak %.1f MiB)\n",
          static_cast<long long>(restore_records), build.cpu_s,
          static_cast<long long>(restore.restored), restore.restore_s,
          restore.restored / restore.restore_s, restore.state_mib);
    } else {
      std::printf("restore: run %s, %lld records restored\n",
                  restore.ok ? "ok" : "FAILED",
                  static_cast<long long>(restore.restored));
    }
  }
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) { return netstreams::Main(argc, argv); }

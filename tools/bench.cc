// //tools:bench — engine CPU per record, passthrough vs parse, in one run.
//
//   bazel run //tools:bench -- [--records=1000000] [--partitions=64]
//                              [--threads=1] [--rounds=2]
//
// Starts //tools:dev_broker as its own process (so the broker's CPU is not
// counted), produces --records generated NFWare syslog lines into a topic,
// then runs the //:engine binary with --until_idle over two topologies
// (passthrough: source -> sink; parse: source -> parse -> sink) and
// measures the engine process's user+sys CPU time (wait4 rusage), not wall
// time, since the broker shares the machine. Each topology runs --rounds
// times, alternating, and the lowest CPU time counts. Prints records per
// engine CPU-second for both and their ratio.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

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

// A realistic mix: 80% sessions (create + delete), 10% port mappings,
// 5% address mappings, 5% port blocks; RFC 5424 framing as NFWare sends.
std::string GenerateLines(int64_t count, const std::string& path) {
  std::ofstream out(path);
  std::mt19937 rng(42);
  int64_t t = 1795392000;  // 2026-11-23T00:00:00Z
  for (int64_t i = 0; i < count; ++i) {
    int kind = static_cast<int>(rng() % 100);
    const char* action = (rng() & 1) ? "A" : "D";
    uint32_t sub = rng();
    std::string body;
    if (kind < 80) {
      body = absl::StrFormat(
          "%s VRF 0 %d INT 10.%d.%d.%d:%d EXT 100.64.%d.%d:%d DST "
          "%d.%d.%d.%d:%d DIR OUT",
          action, (sub & 1) ? 6 : 17, (sub >> 8) & 63, (sub >> 14) & 255,
          (sub >> 22) & 255, 1024 + rng() % 64000, (sub >> 4) & 15, rng() % 256,
          1024 + rng() % 64000, 1 + rng() % 223, rng() % 256, rng() % 256,
          1 + rng() % 254, (sub & 2) ? 443 : 53);
    } else if (kind < 90) {
      body =
          absl::StrFormat("%s VRF 0 17 INT 10.%d.%d.%d:%d EXT 100.64.%d.%d:%d",
                          action, (sub >> 8) & 63, (sub >> 14) & 255,
                          (sub >> 22) & 255, 1024 + rng() % 64000,
                          (sub >> 4) & 15, rng() % 256, 1024 + rng() % 64000);
    } else if (kind < 95) {
      body = absl::StrFormat("%s VRF 3 INT 10.%d.%d.%d EXT 100.65.%d.%d",
                             action, (sub >> 8) & 63, (sub >> 14) & 255,
                             (sub >> 22) & 255, (sub >> 4) & 15, rng() % 256);
    } else {
      int block = static_cast<int>(rng() % 120);
      body = absl::StrFormat("%s VRF 0 INT 10.%d.%d.%d EXT 100.64.%d.%d:%d-%d",
                             action, (sub >> 8) & 63, (sub >> 14) & 255,
                             (sub >> 22) & 255, (sub >> 4) & 15, rng() % 256,
                             1024 + block * 512, 1024 + block * 512 + 511);
    }
    t += rng() % 3 == 0 ? 1 : 0;
    out << "<134>1 "
        << absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ",
                            absl::FromUnixMillis(t * 1000 + i % 1000),
                            absl::UTCTimeZone())
        << " vcgnat-" << (sub % 4) << " vcgnat - - - " << body << "\n";
  }
  return path;
}

std::string TopologyYaml(const std::string& name, int partitions, int threads,
                         bool parse) {
  std::string stages =
      parse ? "  - {name: parse, inputs: [in], parse: {format: nfware}}\n"
              "  - {name: out, inputs: [parse], sink: {topic: bench.events, "
              "key: inside_ip}}\n"
            : "  - {name: out, inputs: [in], sink: {topic: bench.copy}}\n";
  return absl::StrCat(
      "application_id: ", name, "\n", "topics:\n",
      "  - {name: bench.syslog, partitions: ", partitions, ", type: bytes}\n",
      "  - {name: bench.copy, partitions: ", partitions, ", type: bytes}\n",
      "  - {name: bench.events, partitions: ", partitions,
      ", type: cgnat.v1.NatEvent}\n",
      "  - {name: bench.dlq, partitions: 1, type: bytes}\n",
      "dead_letter_topic: bench.dlq\n", "processing: {threads: ", threads,
      ", commit_interval: 1s}\n", "stages:\n",
      "  - {name: in, source: {topic: bench.syslog}}\n", stages);
}

struct RunResult {
  double cpu_s = 0;
  double wall_s = 0;
  int64_t records_in = 0;
  bool ok = false;
};

// Runs the engine as a child; CPU from wait4's rusage.
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
  // The summary row of the source stage: "in   source   <in> ...".
  for (absl::string_view line : absl::StrSplit(out, '\n')) {
    std::vector<absl::string_view> cols =
        absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (cols.size() >= 3 && cols[0] == "in" && cols[1] == "source") {
      absl::SimpleAtoi(cols[2], &result.records_in);
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
  bool help = false;
  absl::Status parsed = flags.Parse(argc, argv, &help);
  int64_t records = 0;
  int partitions = 0, threads = 0, rounds = 0;
  if (help || !parsed.ok() || !absl::SimpleAtoi(records_text, &records) ||
      !absl::SimpleAtoi(partitions_text, &partitions) ||
      !absl::SimpleAtoi(threads_text, &threads) ||
      !absl::SimpleAtoi(rounds_text, &rounds) || records < 1 ||
      partitions < 1 || threads < 1 || rounds < 1) {
    std::fprintf(help ? stdout : stderr, "%s",
                 flags.Usage("bench", "Engine CPU per record.").c_str());
    return help ? 0 : 2;
  }
  SetLogLevel(LogLevel::kWarning);
  const std::string engine = Runfile(argv[0], "engine");
  const std::string dev_broker = Runfile(argv[0], "tools/dev_broker");
  char tmpl[] = "/tmp/netstreams-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);

  std::string passthrough = dir + "/passthrough.yaml";
  std::string parse = dir + "/parse.yaml";
  std::ofstream(passthrough)
      << TopologyYaml("bench-passthrough", partitions, threads, false);
  std::ofstream(parse) << TopologyYaml("bench-parse", partitions, threads,
                                       true);

  // The broker, as its own process.
  int pipefd[2];
  if (pipe(pipefd) != 0) return 1;
  pid_t broker = fork();
  if (broker == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    std::string topology_flag = "--topology=" + parse;
    execl(dev_broker.c_str(), dev_broker.c_str(), "--port=0",
          topology_flag.c_str(), static_cast<char*>(nullptr));
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

  std::printf("generating %lld NFWare lines...\n",
              static_cast<long long>(records));
  std::fflush(stdout);
  std::string input = GenerateLines(records, dir + "/input.log");
  auto replayed =
      ReplayFile({{"bootstrap.servers", bootstrap}}, "bench.syslog", input);
  if (!replayed.ok()) {
    std::fprintf(stderr, "replay failed: %s\n",
                 replayed.status().ToString().c_str());
    kill(broker, SIGTERM);
    return 1;
  }
  std::printf(
      "input: %lld records, %.1f MB, %d partitions; engine threads: "
      "%d\n",
      static_cast<long long>(replayed->records), replayed->bytes / 1e6,
      partitions, threads);

  RunResult best[2];
  const char* names[2] = {"passthrough", "parse"};
  const std::string* files[2] = {&passthrough, &parse};
  for (int round = 0; round < rounds; ++round) {
    for (int t = 0; t < 2; ++t) {
      // A fresh consumer group each round reads the whole input again.
      std::string yaml =
          TopologyYaml(absl::StrCat("bench-", names[t], "-", round), partitions,
                       threads, t == 1);
      std::ofstream(*files[t]) << yaml;
      RunResult r = RunEngine(
          engine, {"--topology=" + *files[t],
                   "--bootstrap_servers=" + bootstrap, "--until_idle"});
      std::printf("  round %d %-12s cpu %.2fs wall %.2fs records %lld%s\n",
                  round + 1, names[t], r.cpu_s, r.wall_s,
                  static_cast<long long>(r.records_in),
                  r.ok ? "" : "  (FAILED)");
      std::fflush(stdout);
      if (!r.ok || static_cast<uint64_t>(r.records_in) != replayed->records) {
        kill(broker, SIGTERM);
        std::fprintf(stderr, "engine run failed or incomplete\n");
        return 1;
      }
      if (best[t].cpu_s == 0 || r.cpu_s < best[t].cpu_s) best[t] = r;
    }
  }
  kill(broker, SIGTERM);
  waitpid(broker, nullptr, 0);

  double rate[2];
  for (int t = 0; t < 2; ++t) rate[t] = records / best[t].cpu_s;
  std::printf("\n%-12s %14s %16s %14s\n", "topology", "engine CPU s",
              "records/CPU-s", "us CPU/record");
  for (int t = 0; t < 2; ++t) {
    std::printf("%-12s %14.2f %16.0f %14.2f\n", names[t], best[t].cpu_s,
                rate[t], 1e6 / rate[t]);
  }
  std::printf("parse / passthrough throughput ratio: %.2f\n",
              rate[1] / rate[0]);
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) { return netstreams::Main(argc, argv); }

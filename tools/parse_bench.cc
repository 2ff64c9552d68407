// Parse throughput per core of every built-in format, auto-detection over
// a mix of all of them, and the pattern parser (NFWare written as
// patterns), against a Python regex+dict baseline run in the same session.
//
//   bazel run //tools:parse_bench
//
// Each format parses its realistic fixture (tests/parsers/testdata/
// <format>.log: RFC 5424, RFC 3164 and bare lines, every event kind) in a
// loop until --min_cpu_s of thread CPU time has passed, exactly as the
// parse stage does per record: syslog framing, (detection,) the vendor
// parser into a NatEvent on an arena that is reset every 1024 records
// like the engine's batch arena (with the same 1 MiB initial block, so a
// reset keeps the memory, as in the engine). Figures are lines/s per core
// (thread CPU time, so other load on the machine matters less) and MB/s of
// input.

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cgnat/v1/nat_event.pb.h"
#include "google/protobuf/arena.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "src/parsers/pattern_parser.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"
#include "src/topology/topology_loader.h"

ABSL_FLAG(double, min_cpu_s, 1.0,
          "CPU seconds each format is measured for (at least)");
ABSL_FLAG(std::string, python, "/usr/bin/python3",
          "Python interpreter for the baseline (default: Debian's, so that "
          "runs compare); empty skips it");
ABSL_FLAG(std::string, only, "",
          "Comma-separated names of the rows to measure (a format, auto, "
          "pattern, python); empty measures all");

namespace netstreams {
namespace {

constexpr char kTestdata[] = "tests/parsers/testdata/";
// What issue 3 quotes for the Python consumer operators run today, per
// core on this machine; the aims are 30x of it for built-in parsers and
// 10x for patterns. Printed beside the ratio to our own baseline.
constexpr double kQuotedOperatorPythonLinesPerS = 69000;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

struct Result {
  std::string name;
  size_t distinct_lines = 0;
  double bytes_per_line = 0;
  double lines_per_s = 0;
  double mb_per_s = 0;
  size_t rejected = 0;
};

// `parse_one` returns whether the line made an event.
template <typename ParseOne>
Result Measure(const std::string& name, const std::vector<std::string>& lines,
               ParseOne parse_one) {
  Result r;
  r.name = name;
  r.distinct_lines = lines.size();
  size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size() + 1;
  r.bytes_per_line = static_cast<double>(bytes) / lines.size();
  // As src/runtime/stream_thread.cc: the batch arena starts with a
  // caller-owned block that survives Reset(), so steady-state batches do
  // not return memory to the system and fault it back in.
  std::vector<char> block(1 << 20);
  google::protobuf::ArenaOptions options;
  options.initial_block = block.data();
  options.initial_block_size = block.size();
  google::protobuf::Arena arena(options);
  uint64_t parsed = 0, total = 0, total_bytes = 0;
  const double min_cpu = absl::GetFlag(FLAGS_min_cpu_s);
  const double start = ThreadCpuSeconds();
  double now = start;
  int in_batch = 0;
  // The clock (a system call) is read every ~4,096 lines, not per pass.
  const size_t passes_per_read = std::max<size_t>(1, 4096 / lines.size());
  while (now - start < min_cpu) {
    for (size_t pass = 0; pass < passes_per_read; ++pass) {
      for (const std::string& line : lines) {
        if (parse_one(line, &arena)) ++parsed;
        if (++in_batch == 1024) {
          arena.Reset();
          in_batch = 0;
        }
      }
    }
    total += lines.size() * passes_per_read;
    total_bytes += bytes * passes_per_read;
    now = ThreadCpuSeconds();
  }
  const double cpu = now - start;
  r.lines_per_s = total / cpu;
  r.mb_per_s = total_bytes / cpu / 1e6;
  r.rejected = (total - parsed) / (total / lines.size());
  return r;
}

bool ParseWith(const VendorFormat* fixed, const PatternParser* patterns,
               absl::string_view line, google::protobuf::Arena* arena) {
  SyslogMessage syslog;
  ParseError error;
  SyslogTimeContext time{absl::UTCTimeZone(), 1795176000000};
  if (!ParseSyslog(line, SyslogFraming::kAuto, time, &syslog, &error)) {
    return false;
  }
  const VendorFormat* format = fixed;
  if (format == nullptr && patterns == nullptr) {
    format = DetectFormat(syslog);
    if (format == nullptr) return false;
  }
  auto* event =
      google::protobuf::Arena::CreateMessage<cgnat::v1::NatEvent>(arena);
  BodyTime body_time;
  VendorInput input{syslog, time};
  bool ok = format != nullptr
                ? format->parse(input, event, &body_time, &error)
                : patterns->Parse(input, event, &body_time, &error);
  if (!ok) return false;
  if (format != nullptr)
    event->set_vendor(format->name.data(), format->name.size());
  return true;
}

double PythonBaseline(const std::string& file) {
  const std::string python = absl::GetFlag(FLAGS_python);
  if (python.empty()) return 0;
  std::string command =
      absl::StrCat(python, " tools/parse_reference.py ", file, " 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return 0;
  char buf[512];
  std::string out;
  while (fgets(buf, sizeof(buf), pipe) != nullptr) out += buf;
  pclose(pipe);
  for (absl::string_view part : absl::StrSplit(out, absl::ByAnyChar(" \n"))) {
    if (absl::ConsumePrefix(&part, "lines_per_s=")) {
      double v;
      if (absl::SimpleAtod(part, &v)) return v;
    }
  }
  std::fprintf(stderr, "python baseline failed: %s\n", out.c_str());
  return 0;
}

bool Wanted(absl::string_view row) {
  const std::string only = absl::GetFlag(FLAGS_only);
  if (only.empty()) return true;
  for (absl::string_view name : absl::StrSplit(only, ',')) {
    if (name == row) return true;
  }
  return false;
}

int Main() {
  std::vector<Result> results;
  std::vector<std::string> mix;
  std::vector<std::vector<std::string>> per_format;
  for (const VendorFormat& f : BuiltinFormats()) {
    std::vector<std::string> lines =
        ReadLines(absl::StrCat(kTestdata, f.name, ".log"));
    if (lines.empty()) {
      std::fprintf(stderr, "no fixture for %s\n", std::string(f.name).c_str());
      return 1;
    }
    if (Wanted(f.name)) {
      results.push_back(
          Measure(std::string(f.name), lines,
                  [&](const std::string& line, google::protobuf::Arena* arena) {
                    return ParseWith(&f, nullptr, line, arena);
                  }));
    }
    per_format.push_back(std::move(lines));
  }
  // The mix: formats interleaved line by line, as a shared collector
  // topic carries them.
  for (size_t i = 0;; ++i) {
    bool any = false;
    for (const auto& lines : per_format) {
      if (i < lines.size()) {
        mix.push_back(lines[i]);
        any = true;
      }
    }
    if (!any) break;
  }
  if (Wanted("auto")) {
    results.push_back(
        Measure("auto_detect (mix)", mix,
                [&](const std::string& line, google::protobuf::Arena* arena) {
                  return ParseWith(nullptr, nullptr, line, arena);
                }));
  }

  auto loaded = LoadTopologyFile("topology/nfware_pattern.yaml");
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<PatternParser> patterns;
  for (const StageNode& stage : (*loaded)->stages) {
    if (stage.kind != "parse") continue;
    std::vector<PatternIssue> issues;
    patterns = PatternParser::Create(
        static_cast<const stages::v1::ParseConfig&>(*stage.config).patterns(),
        &issues);
  }
  const std::string nfware_file = absl::StrCat(kTestdata, "nfware.log");
  if (Wanted("pattern")) {
    results.push_back(
        Measure("pattern (nfware_pattern.yaml)", ReadLines(nfware_file),
                [&](const std::string& line, google::protobuf::Arena* arena) {
                  return ParseWith(nullptr, patterns.get(), line, arena);
                }));
  }

  const double python = Wanted("python") ? PythonBaseline(nfware_file) : 0;
  std::printf("\n%-32s %6s %7s %14s %8s %9s\n", "format", "lines", "B/line",
              "lines/s/core", "MB/s", "rejected");
  for (const Result& r : results) {
    std::printf("%-32s %6zu %7.0f %14.0f %8.1f %9zu\n", r.name.c_str(),
                r.distinct_lines, r.bytes_per_line, r.lines_per_s, r.mb_per_s,
                r.rejected);
  }
  if (python > 0) {
    std::printf("\n%-32s %6s %7s %14.0f   (%s)\n", "python regex+dict (nfware)",
                "", "", python, absl::GetFlag(FLAGS_python).c_str());
    std::printf("\n%-32s %12s %14s\n", "ratio", "vs python", "vs 69k quoted");
    for (const Result& r : results) {
      // Our baseline parses the NFWare lines: compared with the rows that
      // parse the same lines only.
      const bool same_lines =
          r.name == "nfware" || r.name.rfind("pattern", 0) == 0;
      std::printf("%-32s %11s %13.1fx\n", r.name.c_str(),
                  same_lines
                      ? absl::StrFormat("%.1fx", r.lines_per_s / python).c_str()
                      : "-",
                  r.lines_per_s / kQuotedOperatorPythonLinesPerS);
    }
  }
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return netstreams::Main();
}

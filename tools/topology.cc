// //tools:topology — check, describe and draw topology files.
//
//   bazel run //tools:topology -- validate FILE
//   bazel run //tools:topology -- describe FILE
//   bazel run //tools:topology -- render FILE [--format=dot|mermaid|png]
//                                             [--output=PATH]
//   bazel run //tools:topology -- test FILE --input=TOPIC=FILE ...
//                                 --expect=TOPIC=FILE.jsonl ... [--update]
//
// `test` runs the topology in process (the topology test driver: no
// broker, deterministic) over the input files and compares each expected
// topic's records, as `--print` JSON lines, with the file; exit 1 and a
// diff on any difference.
//
// Exit status: 0 fine, 2 invalid topology or command line (every problem
// listed with file:line), 1 anything else (e.g. Graphviz missing for png).

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/cli/flags.h"
#include "src/cli/paths.h"
#include "src/testing/topology_test_driver.h"
#include "src/topology/render.h"
#include "src/topology/topology_loader.h"

namespace netstreams {
namespace {

constexpr char kUsage[] =
    "usage: topology COMMAND FILE [flags]\n"
    "  validate FILE   run every check of the loader; exit 2 listing each\n"
    "                  problem as file:line:col\n"
    "  describe FILE   sub-topologies, tasks, stores, internal topics and\n"
    "                  the message type along every edge\n"
    "  render FILE     the stage graph: --format=dot (default), mermaid or\n"
    "                  png (needs --output and Graphviz's `dot`);\n"
    "                  --output=PATH writes there instead of stdout\n"
    "  test FILE       run the topology without a broker over\n"
    "                  --input=TOPIC=FILE (each line a record, spread\n"
    "                  round-robin over the partitions like --replay) and\n"
    "                  compare each --expect=TOPIC=FILE.jsonl (--print's JSON\n"
    "                  lines); exit 1 with a diff on a mismatch. --update\n"
    "                  writes the actual records into the --expect files.\n"
    "                  --input_time=RFC3339: the records' Kafka timestamp and\n"
    "                  the start of the wall clock (default\n"
    "                  2026-01-01T00:00:00Z)\n";

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "topology: %s\n", message.c_str());
  return code;
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

// Runs `dot -Tpng -o output` on `dot_text`.
int RenderPng(const std::string& dot_text, const std::string& output) {
  std::string input = output + ".dot.tmp";
  if (!WriteFile(input, dot_text)) {
    return Fail(absl::StrCat("cannot write ", input), 1);
  }
  pid_t pid = fork();
  if (pid == 0) {
    execlp("dot", "dot", "-Tpng", "-o", output.c_str(), input.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) {
    std::remove(input.c_str());
    return Fail("cannot start Graphviz's dot", 1);
  }
  std::remove(input.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return Fail(
        "Graphviz's `dot` was not found: install graphviz "
        "(tools/setup.sh does)",
        1);
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail("dot failed to render the graph", 1);
  }
  std::fprintf(stderr, "wrote %s\n", output.c_str());
  return 0;
}

// TOPIC=FILE, with the topic declared in the topology.
bool SplitTopicFile(const std::string& flag, const std::string& text,
                    const LoadedTopology& t, std::string* topic,
                    std::string* file) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    Fail(absl::StrCat("--", flag, " takes TOPIC=FILE, got '", text, "'"), 2);
    return false;
  }
  *topic = text.substr(0, eq);
  *file = UserPath(text.substr(eq + 1));
  const TopicInfo* info = t.FindTopic(*topic);
  if (info == nullptr || info->internal) {
    Fail(absl::StrCat("--", flag, ": topic '", *topic, "' is not declared in ",
                      t.file),
         2);
    return false;
  }
  return true;
}

bool ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines->push_back(line);
  }
  return true;
}

// Lines of a diff of `expected` and `actual`: common lines with "  ",
// missing ones with "- ", unexpected ones with "+ ". A longest common
// subsequence for files of up to a few thousand lines, else line by line.
std::vector<std::string> Diff(const std::vector<std::string>& expected,
                              const std::vector<std::string>& actual) {
  std::vector<std::string> out;
  const size_t n = expected.size(), m = actual.size();
  if (n * m > 16 * 1000 * 1000) {
    for (size_t i = 0; i < std::max(n, m); ++i) {
      if (i < n && i < m && expected[i] == actual[i]) {
        out.push_back("  " + expected[i]);
        continue;
      }
      if (i < n) out.push_back("- " + expected[i]);
      if (i < m) out.push_back("+ " + actual[i]);
    }
    return out;
  }
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& {
    return lcs[i * (m + 1) + j];
  };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = expected[i] == actual[j]
                     ? at(i + 1, j + 1) + 1
                     : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] == actual[j]) {
      out.push_back("  " + expected[i++]);
      ++j;
    } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
      out.push_back("+ " + actual[j++]);
    } else {
      out.push_back("- " + expected[i++]);
    }
  }
  return out;
}

int RunTest(const LoadedTopology& t, const std::vector<std::string>& inputs,
            const std::vector<std::string>& expects,
            const std::string& input_time, bool update) {
  absl::Time start;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, input_time, &start, &error)) {
    return Fail(absl::StrCat("--input_time: ", error), 2);
  }
  if (inputs.empty()) return Fail("test needs at least one --input", 2);
  if (expects.empty()) return Fail("test needs at least one --expect", 2);
  std::vector<std::pair<std::string, std::string>> in, want;
  for (const std::string& flag : inputs) {
    std::string topic, file;
    if (!SplitTopicFile("input", flag, t, &topic, &file)) return 2;
    in.emplace_back(topic, file);
  }
  for (const std::string& flag : expects) {
    std::string topic, file;
    if (!SplitTopicFile("expect", flag, t, &topic, &file)) return 2;
    want.emplace_back(topic, file);
  }

  TopologyTestDriver driver(t, start);
  for (const auto& [topic, file] : in) {
    std::vector<std::string> lines;
    if (!ReadLines(file, &lines)) {
      return Fail(absl::StrCat("--input: cannot read ", file), 2);
    }
    const int partitions = t.FindTopic(topic)->partitions;
    for (size_t i = 0; i < lines.size(); ++i) {
      absl::Status status = driver.PipeInput(
          topic, lines[i], static_cast<int32_t>(i % partitions));
      if (!status.ok()) {
        return Fail(absl::StrCat(file, ":", i + 1, ": ", status.message()), 1);
      }
    }
    std::printf("fed %zu records from %s into %s\n", lines.size(), file.c_str(),
                topic.c_str());
  }

  int failed = 0;
  for (const auto& [topic, file] : want) {
    std::vector<std::string> actual = driver.ReadOutputJson(topic);
    if (update) {
      std::string text;
      for (const std::string& line : actual) absl::StrAppend(&text, line, "\n");
      if (!WriteFile(file, text)) {
        return Fail(absl::StrCat("cannot write ", file), 1);
      }
      std::printf("wrote %zu records of %s to %s\n", actual.size(),
                  topic.c_str(), file.c_str());
      continue;
    }
    std::vector<std::string> expected;
    if (!ReadLines(file, &expected)) {
      return Fail(
          absl::StrCat("--expect: cannot read ", file, " (--update writes it)"),
          2);
    }
    if (expected == actual) {
      std::printf("ok    %s: %zu records as in %s\n", topic.c_str(),
                  actual.size(), file.c_str());
      continue;
    }
    ++failed;
    std::printf("FAIL  %s: expected %zu records (%s), got %zu\n", topic.c_str(),
                expected.size(), file.c_str(), actual.size());
    // The differences with two lines of context around each.
    std::vector<std::string> diff = Diff(expected, actual);
    std::vector<bool> show(diff.size(), false);
    for (size_t i = 0; i < diff.size(); ++i) {
      if (diff[i][0] == ' ') continue;
      for (size_t k = i >= 2 ? i - 2 : 0; k < std::min(diff.size(), i + 3);
           ++k) {
        show[k] = true;
      }
    }
    bool gap = false;
    for (size_t i = 0; i < diff.size(); ++i) {
      if (!show[i]) {
        gap = true;
        continue;
      }
      if (gap) std::printf("  ...\n");
      gap = false;
      std::printf("  %s\n", diff[i].c_str());
    }
  }
  for (const TopicInfo& topic : t.topics) {
    if (topic.internal) continue;
    bool checked = false;
    for (const auto& w : want) checked |= w.first == topic.name;
    std::vector<TestRecord> rest = driver.ReadOutput(topic.name);
    if (!checked && !rest.empty()) {
      std::printf("note  %s: %zu records, not checked\n", topic.name.c_str(),
                  rest.size());
    }
  }
  if (update) return 0;
  std::printf("%s: %d of %zu topics differ\n", failed ? "FAILED" : "PASSED",
              failed, want.size());
  return failed ? 1 : 0;
}

int Main(int argc, char** argv) {
  // Positional words (COMMAND FILE) apart from --flags.
  std::vector<std::string> words;
  std::vector<char*> flag_argv = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (absl::StartsWith(argv[i], "--")) {
      flag_argv.push_back(argv[i]);
    } else {
      words.push_back(argv[i]);
    }
  }
  std::string format = "dot";
  std::string output;
  std::vector<std::string> inputs, expects;
  std::string input_time = "2026-01-01T00:00:00Z";
  bool update = false;
  FlagSet flags;
  flags.AddRepeated("input", &inputs, "test: TOPIC=FILE to feed");
  flags.AddRepeated("expect", &expects, "test: TOPIC=FILE.jsonl to compare");
  flags.AddString("input_time", &input_time,
                  "test: timestamp of the input records (RFC 3339)");
  flags.AddBool("update", &update, "test: write the --expect files");
  flags.AddString("format", &format, "render: dot, mermaid or png");
  flags.AddString("output", &output, "render: write to this file");
  bool help = false;
  absl::Status parsed =
      flags.Parse(static_cast<int>(flag_argv.size()), flag_argv.data(), &help);
  if (help) {
    std::printf("%s", kUsage);
    return 0;
  }
  if (!parsed.ok()) {
    return Fail(absl::StrCat(parsed.message(), "\n", kUsage), 2);
  }
  if (words.size() != 2) {
    return Fail(absl::StrCat("expected COMMAND FILE\n", kUsage), 2);
  }
  const std::string& command = words[0];
  if (command != "validate" && command != "describe" && command != "render" &&
      command != "test") {
    return Fail(absl::StrCat("unknown command '", command, "'\n", kUsage), 2);
  }
  if (command == "render" && format != "dot" && format != "mermaid" &&
      format != "png") {
    return Fail(absl::StrCat("--format must be dot, mermaid or png, not '",
                             format, "'"),
                2);
  }
  if (command == "render" && format == "png" && output.empty()) {
    return Fail("--format=png needs --output=FILE.png", 2);
  }

  auto topology = LoadTopologyFile(UserPath(words[1]));
  if (!topology.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(topology.status().message()).c_str());
    return 2;
  }
  const LoadedTopology& t = **topology;
  if (command == "test") {
    return RunTest(t, inputs, expects, input_time, update);
  }
  std::string text;
  if (command == "validate") {
    std::printf("%s: valid (%zu stages, %zu sub-topologies, %zu stores)\n",
                t.file.c_str(), t.stages.size(), t.subtopologies.size(),
                t.stores.size());
    return 0;
  } else if (command == "describe") {
    text = DescribeTopology(t);
  } else if (format == "png") {
    return RenderPng(RenderDot(t), UserPath(output));
  } else {
    text = format == "dot" ? RenderDot(t) : RenderMermaid(t);
  }
  if (output.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  if (!WriteFile(UserPath(output), text)) {
    return Fail(absl::StrCat("cannot write ", output), 1);
  }
  return 0;
}

}  // namespace
}  // namespace netstreams

int main(int argc, char** argv) { return netstreams::Main(argc, argv); }

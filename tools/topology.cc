// //tools:topology — check, describe and draw topology files.
//
//   bazel run //tools:topology -- validate FILE
//   bazel run //tools:topology -- describe FILE
//   bazel run //tools:topology -- render FILE [--format=dot|mermaid|png]
//                                             [--output=PATH]
//
// Exit status: 0 fine, 2 invalid topology or command line (every problem
// listed with file:line), 1 anything else (e.g. Graphviz missing for png).

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/cli/flags.h"
#include "src/cli/paths.h"
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
    "                  --output=PATH writes there instead of stdout\n";

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
  FlagSet flags;
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
  if (command != "validate" && command != "describe" && command != "render") {
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

// A small command-line parser with the behaviour the engine's users rely
// on: `--name=value` and boolean `--name` / `--name=false` / `--noname`,
// repeatable flags, and errors (unknown flag, bad value, stray argument)
// returned to the caller so that it can exit with status 2. (Abseil's
// parser exits with status 1 by itself, which the CLI contract forbids.)
#ifndef NETSTREAMS_SRC_CLI_FLAGS_H_
#define NETSTREAMS_SRC_CLI_FLAGS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace netstreams {

class FlagSet {
 public:
  void AddString(const std::string& name, std::string* value,
                 const std::string& help);
  void AddBool(const std::string& name, bool* value, const std::string& help);
  // Every occurrence appends.
  void AddRepeated(const std::string& name, std::vector<std::string>* values,
                   const std::string& help);
  // Marks which flags were given explicitly.
  bool WasSet(const std::string& name) const { return set_.count(name) > 0; }

  // Parses argv[1..]; "--help" sets *help_requested.
  absl::Status Parse(int argc, char** argv, bool* help_requested);
  std::string Usage(const std::string& program,
                    const std::string& summary) const;

 private:
  enum class Kind { kString, kBool, kRepeated };
  struct Flag {
    Kind kind;
    void* target;
    std::string help;
  };
  std::map<std::string, Flag> flags_;
  std::map<std::string, int> set_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_CLI_FLAGS_H_

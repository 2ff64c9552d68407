// Problems found in a topology file, each with file:line:column and the
// field path ("stages[2].parse.format"), collected so that one run reports
// every problem rather than the first.
//
// Not thread-safe; used by one loader at a time.
#ifndef NETSTREAMS_SRC_TOPOLOGY_DIAGNOSTICS_H_
#define NETSTREAMS_SRC_TOPOLOGY_DIAGNOSTICS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace netstreams {

// 1-based; 0 means unknown.
struct SourceLocation {
  int line = 0;
  int column = 0;
};

// Where each field path of a loaded file was written.
class SourceMap {
 public:
  void Set(std::string path, SourceLocation location);
  // The location of `path`, or of its nearest ancestor that has one
  // ("stages[2].parse.format" falls back to "stages[2].parse",
  // "stages[2]", ...).
  SourceLocation Find(absl::string_view path) const;

 private:
  std::map<std::string, SourceLocation, std::less<>> locations_;
};

struct Diagnostic {
  SourceLocation location;
  std::string path;
  std::string message;
};

class Diagnostics {
 public:
  Diagnostics(std::string file, const SourceMap* map)
      : file_(std::move(file)), map_(map) {}

  // Records a problem at the location of `path` (looked up in the map).
  void Error(absl::string_view path, absl::string_view message);
  void ErrorAt(SourceLocation location, absl::string_view path,
               absl::string_view message);

  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }
  const std::string& file() const { return file_; }

  // "file:line:col: path: message" lines in file order.
  std::string ToString() const;

 private:
  std::string file_;
  const SourceMap* map_;
  std::vector<Diagnostic> errors_;
};

// "foo" -> " (did you mean 'for'?)" when one candidate is close; else "".
std::string DidYouMean(absl::string_view word,
                       const std::vector<std::string>& candidates);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_TOPOLOGY_DIAGNOSTICS_H_

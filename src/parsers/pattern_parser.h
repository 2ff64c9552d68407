// The `pattern` format: operator-defined line formats as RE2 regular
// expressions with named captures, configured in the topology file
// (netstreams.stages.v1.Pattern). A new vendor without C++.
//
// Patterns are tried in order; each is matched against the whole message
// body (anchored at both ends). RE2 runs in time linear in the line, so
// no pattern can be made to backtrack on a hostile line. Matching uses a
// fixed array of capture views on the stack: no allocation per line
// beyond the event's own fields.
#ifndef NETSTREAMS_SRC_PARSERS_PATTERN_PARSER_H_
#define NETSTREAMS_SRC_PARSERS_PATTERN_PARSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "google/protobuf/repeated_field.h"
#include "netstreams/stages/v1/parse.pb.h"
#include "src/parsers/parse_error.h"
#include "src/parsers/vendor.h"

namespace netstreams {

// A problem with the configuration, at a path inside the parse stage's
// config ("patterns[1].regex"); the topology loader adds file:line.
struct PatternIssue {
  std::string path;
  std::string message;
};

class PatternParser {
 public:
  // The most captures one pattern may have.
  static constexpr int kMaxCaptures = 32;

  // Compiles and checks every pattern. Returns null after appending at
  // least one issue.
  static std::unique_ptr<PatternParser> Create(
      const google::protobuf::RepeatedPtrField<stages::v1::Pattern>& patterns,
      std::vector<PatternIssue>* issues);

  ~PatternParser();

  // Thread-safe (RE2 matching is). The vendor of the event is the
  // caller's ("pattern", or the pattern set's name).
  bool Parse(const VendorInput& input, cgnat::v1::NatEvent* event,
             BodyTime* body_time, ParseError* error) const;

  // Index of the first pattern matching `message`, -1 if none.
  int MatchIndex(absl::string_view message) const;

  struct Compiled;

 private:
  PatternParser() = default;
  std::vector<std::unique_ptr<Compiled>> patterns_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_PATTERN_PARSER_H_

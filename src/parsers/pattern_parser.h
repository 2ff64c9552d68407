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
#include "re2/re2.h"
#include "src/parsers/parse_error.h"
#include "src/parsers/vendor.h"

namespace netstreams {

// A problem with the configuration, at a path inside the parse stage's
// config ("patterns[1].regex"); the topology loader adds file:line.
struct PatternIssue {
  std::string path;
  std::string message;
};

namespace pattern_internal {

// RE2 extracts captures with its one-pass engine, several times faster than
// its backtracker, only from one-pass patterns asking for at most 4 groups.
// A NAT log pattern has 8 to 12. So a pattern with more is cut, at
// top-level group starts, into consecutive chunks of at most 4 groups
// (a single group holding more stays whole), matched one after the
// other, each anchored where the one before ended and the last also at the
// end of the text.
//
// A chunked match is exactly the whole regex's match, captures included:
// RE2 returns the match a backtracking engine finds first; the whole
// regex's choices are its chunks' choices in order, so when each chunk's
// first match lets the rest match, that is the whole's first match. A
// chunked failure proves nothing (an earlier chunk may have needed a later
// choice); the caller then asks the whole regex. tests/fuzz/pattern_fuzzer
// checks the equivalence on arbitrary lines.

// The pieces, or nothing when the regex needs no cutting or cannot be cut
// safely: a top-level alternation, a flag group such as (?i) that applies
// to what follows it, \Q...\E quoting.
std::vector<std::string> SplitAtTopLevelGroups(absl::string_view regex);

class ChunkedRegex {
 public:
  // Null when `whole` is not cut, or when its chunks do not compile or do
  // not hold the whole's groups in order and by name.
  static std::unique_ptr<ChunkedRegex> Make(const re2::RE2& whole,
                                            const re2::RE2::Options& options);
  // On success fills groups[0] (all of `text`) and groups[1..n] as
  // re2::RE2::Match with ANCHOR_BOTH would.
  bool Match(const re2::StringPiece& text, re2::StringPiece* groups) const;
  size_t chunks() const { return chunks_.size(); }

 private:
  struct Chunk {
    std::unique_ptr<re2::RE2> regex;
    int first_group = 1;  // the whole's index of this chunk's group 1
    int groups = 1;       // this chunk's capturing groups + 1
  };
  ChunkedRegex() = default;
  std::vector<Chunk> chunks_;
};

}  // namespace pattern_internal

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

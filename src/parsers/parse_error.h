// Why a line did not parse, without allocating: a stable class (a metrics
// label) and a static detail, plus the byte offset where parsing stopped.
#ifndef NETSTREAMS_SRC_PARSERS_PARSE_ERROR_H_
#define NETSTREAMS_SRC_PARSERS_PARSE_ERROR_H_

#include <cstddef>

namespace netstreams {

struct ParseError {
  // "framing": the syslog header is malformed.
  // "unrecognized": the message is not in the expected vendor format.
  // "invalid_value": the format matched but a value is out of range
  //                  (port > 65535, bad IP address, unknown action).
  const char* reason_class = "";
  const char* detail = "";
  size_t offset = 0;

  bool Set(const char* cls, const char* what, size_t at) {
    reason_class = cls;
    detail = what;
    offset = at;
    return false;
  }
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_PARSE_ERROR_H_

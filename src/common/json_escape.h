// JSON string escaping, shared by the logger and the JSON-lines printer.
#ifndef NETSTREAMS_SRC_COMMON_JSON_ESCAPE_H_
#define NETSTREAMS_SRC_COMMON_JSON_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace netstreams {

// Appends `text` escaped for use inside a JSON string literal (without the
// quotes). Valid UTF-8 passes through; control characters and bytes that
// are not valid UTF-8 become \u00XX escapes of the byte value, so the
// output is always valid JSON, whatever the input.
void AppendJsonEscaped(absl::string_view text, std::string* out);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_COMMON_JSON_ESCAPE_H_

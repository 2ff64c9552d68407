#include "src/cli/paths.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace netstreams {

std::string UserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  return cwd != nullptr ? absl::StrCat(cwd, "/", path) : path;
}

}  // namespace netstreams

// Where relative paths on a command line are relative to.
#ifndef NETSTREAMS_SRC_CLI_PATHS_H_
#define NETSTREAMS_SRC_CLI_PATHS_H_

#include <string>

namespace netstreams {

// A path the user typed: relative paths are relative to the directory the
// command was run from, also under `bazel run` (which runs binaries in
// their runfiles tree and says where the user was in
// BUILD_WORKING_DIRECTORY).
std::string UserPath(const std::string& path);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_CLI_PATHS_H_

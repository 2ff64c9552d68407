// The registry of stage kinds, filled at static-initialization time by
// NETSTREAMS_REGISTER_STAGE in each kind's folder (whose cc_library is
// alwayslink). Lookups after main() starts are thread-safe (read-only).
#ifndef NETSTREAMS_SRC_PROCESSOR_STAGE_REGISTRY_H_
#define NETSTREAMS_SRC_PROCESSOR_STAGE_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "src/processor/stage_factory.h"

namespace netstreams {

class StageRegistry {
 public:
  static StageRegistry& Global();

  // Registers a kind; a second kind with the same name aborts (a build
  // mistake, found at start-up).
  void Register(std::unique_ptr<StageFactory> factory);
  const StageFactory* Find(absl::string_view kind) const;
  // Registered kind names, sorted.
  std::vector<std::string> Kinds() const;

 private:
  std::map<std::string, std::unique_ptr<StageFactory>, std::less<>> kinds_;
};

namespace internal {
template <typename Factory>
struct StageRegistration {
  StageRegistration() {
    StageRegistry::Global().Register(std::make_unique<Factory>());
  }
};
}  // namespace internal

#define NETSTREAMS_REGISTER_STAGE(Factory)                  \
  static ::netstreams::internal::StageRegistration<Factory> \
      netstreams_stage_registration_##Factory

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PROCESSOR_STAGE_REGISTRY_H_

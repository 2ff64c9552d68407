#include "src/runtime/engine_stats.h"

namespace netstreams {

StageTotals EngineStats::Totals(int stage) const {
  StageTotals t;
  for (size_t i = static_cast<size_t>(stage); i < slots_.size();
       i += static_cast<size_t>(stages_)) {
    t.in += slots_[i].in.Get();
    t.out += slots_[i].out.Get();
    t.dead_lettered += slots_[i].dead_lettered.Get();
  }
  return t;
}

void EngineStats::CountDeadLetter(absl::string_view stage,
                                  absl::string_view reason) {
  std::lock_guard<std::mutex> lock(dead_mu_);
  ++dead_letters_[{std::string(stage), std::string(reason)}];
}

std::map<std::pair<std::string, std::string>, uint64_t>
EngineStats::DeadLetters() const {
  std::lock_guard<std::mutex> lock(dead_mu_);
  return dead_letters_;
}

}  // namespace netstreams

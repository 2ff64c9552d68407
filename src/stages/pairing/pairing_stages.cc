// The pairing stage kinds: `session_pairing` (SESSION, PORT and ADDRESS
// NatEvents -> cgnat.v1.NatSession) and `port_block_pairing` (PORT_BLOCK
// -> cgnat.v1.PortBlockLease). Both keep one change-logged store and need
// their input partitioned by (a subset of) the mapping key.

#include "absl/strings/str_cat.h"
#include "netstreams/stages/v1/pairing.pb.h"
#include "src/processor/stage_registry.h"
#include "src/stages/pairing/pairing_processor.h"

namespace netstreams {
namespace {

using netstreams::stages::v1::PairingConfig;

int64_t Millis(const google::protobuf::Duration& d, int64_t fallback) {
  if (d.seconds() == 0 && d.nanos() == 0) return fallback;
  return d.seconds() * 1000 + d.nanos() / 1000000;
}

class PairingStageFactory : public TypedStageFactory<PairingConfig> {
 public:
  PairingStageFactory(absl::string_view kind, bool port_blocks)
      : kind_(kind), port_blocks_(port_blocks) {}

  absl::string_view kind() const override { return kind_; }
  Shape shape() const override { return Shape::kProcessor; }

 protected:
  std::optional<std::string> CheckTyped(
      const PairingConfig& config, StageCheckContext& context) const override {
    bool ok = true;
    for (const std::string& type : context.input_types()) {
      if (type != "cgnat.v1.NatEvent") {
        context.Error("", absl::StrCat(kind_,
                                       " pairs cgnat.v1.NatEvent; its "
                                       "input carries ",
                                       type));
        ok = false;
      }
    }
    if (Millis(config.grace(), 1) <= 0 ||
        Millis(config.max_lifetime(), 1) <= 0 ||
        Millis(config.duplicate_window(), 1) <= 0 ||
        Millis(config.punctuate_interval(), 1) <= 0) {
      context.Error("", "durations must be positive");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return std::string(port_blocks_ ? "cgnat.v1.PortBlockLease"
                                    : "cgnat.v1.NatSession");
  }

  std::vector<StoreSpec> StoresTyped(
      const PairingConfig& config,
      absl::string_view stage_name) const override {
    StoreSpec store;
    store.name =
        config.store().empty() ? std::string(stage_name) : config.store();
    return {store};
  }

  std::vector<std::string> KeyFieldsTyped(
      const PairingConfig& config) const override {
    return {"device",           "vrf",
            "protocol",         "inside_ip",
            "inside_port",      "outside_ip",
            "outside_port",     "destination_ip",
            "destination_port", "port_block_start",
            "port_block_end",   "mapping"};
  }

  std::unique_ptr<Processor> CreateTyped(
      const PairingConfig& config, const StageCreateInfo& info) const override {
    PairingSettings settings;
    settings.store = config.store().empty() ? info.stage_name : config.store();
    settings.grace_ms = Millis(config.grace(), 60 * 1000);
    settings.max_lifetime_ms =
        Millis(config.max_lifetime(), 24 * 3600 * 1000LL);
    settings.punctuate_interval_ms = Millis(config.punctuate_interval(), 1000);
    settings.duplicate_window_ms = Millis(config.duplicate_window(), 10 * 1000);
    settings.port_blocks = port_blocks_;
    return std::make_unique<PairingProcessor>(settings);
  }

 private:
  std::string kind_;
  bool port_blocks_;
};

class SessionPairingStageFactory : public PairingStageFactory {
 public:
  SessionPairingStageFactory()
      : PairingStageFactory("session_pairing", false) {}
};

class PortBlockPairingStageFactory : public PairingStageFactory {
 public:
  PortBlockPairingStageFactory()
      : PairingStageFactory("port_block_pairing", true) {}
};

NETSTREAMS_REGISTER_STAGE(SessionPairingStageFactory);
NETSTREAMS_REGISTER_STAGE(PortBlockPairingStageFactory);

}  // namespace
}  // namespace netstreams

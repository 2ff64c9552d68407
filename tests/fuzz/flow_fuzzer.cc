// libFuzzer target: the NetFlow v9 / IPFIX decoder on arbitrary packets.
//
// Flow decoding is stateful, so the template caches live across inputs:
// templates from earlier inputs shape how later ones decode, as they do
// for a real exporter. Each input is decoded with both natEvent
// numberings (each with its own cache), every event is checked against
// the invariants the rest of the engine relies on, and the caches'
// persistence is checked too: every entry they report (ForEachEntry and
// DrainChanges) must restore into a fresh cache, which must then hold the
// same templates.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/flow_decoder.h"
#include "tests/fuzz/event_invariants.h"

namespace {

using cgnat::v1::NatEvent;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool IsAddress(const std::string& ip) {
  return ip.size() == 4 || ip.size() == 16;
}

class CheckingSink : public netstreams::NatEventSink {
 public:
  NatEvent* Next() override {
    Check(!open_);
    open_ = true;
    event_.Clear();
    return &event_;
  }
  void Commit(int64_t event_time_ms) override {
    Check(open_);
    open_ = false;
    const NatEvent& e = event_;
    netstreams::fuzz::CheckEventInvariants(e);
    // Stricter than for the line formats: a flow record always carries
    // both sides of the mapping and says what it maps.
    Check(e.mapping() != cgnat::v1::MAPPING_UNSPECIFIED);
    Check(IsAddress(e.inside_ip()));
    Check(IsAddress(e.outside_ip()));
    if (e.mapping() == cgnat::v1::PORT_BLOCK) {
      Check(e.port_block_start() <= e.port_block_end());
    }
    Check(e.event_time().nanos() >= 0 && e.event_time().nanos() < 1000000000);
    // event_time is the committed time, floored to the millisecond.
    int64_t seconds = event_time_ms / 1000;
    int64_t ms = event_time_ms % 1000;
    if (ms < 0) {
      ms += 1000;
      seconds -= 1;
    }
    Check(e.event_time().seconds() == seconds);
    Check(e.event_time().nanos() == ms * 1000000);
    Check(e.device().empty() && e.vendor().empty() && !e.has_source());
    ++events_;
  }
  uint64_t events() const { return events_; }

 private:
  NatEvent event_;
  bool open_ = false;
  uint64_t events_ = 0;
};

// Every entry the cache reports must restore, and a cache restored from
// its entries must report exactly the same entries.
void CheckPersistence(netstreams::TemplateCache& cache) {
  netstreams::TemplateCache drained;
  cache.DrainChanges([&](absl::string_view key, absl::string_view value) {
    Check(drained.Restore(key, value));
  });
  std::map<std::string, std::string> entries;
  netstreams::TemplateCache restored;
  cache.ForEachEntry([&](absl::string_view key, absl::string_view value) {
    Check(!value.empty());
    Check(restored.Restore(key, value));
    Check(entries.emplace(std::string(key), std::string(value)).second);
  });
  Check(restored.template_count() == cache.template_count());
  size_t same = 0;
  restored.ForEachEntry([&](absl::string_view key, absl::string_view value) {
    auto it = entries.find(std::string(key));
    Check(it != entries.end() && it->second == value);
    ++same;
  });
  Check(same == entries.size());
}

struct Lane {
  explicit Lane(netstreams::FlowNatEventNumbering numbering)
      : decoder([numbering] {
          netstreams::FlowDecoderOptions options;
          options.numbering = numbering;
          return options;
        }()),
        cache([] {
          netstreams::TemplateCacheOptions options;
          // Small caps so that the limits are reached, and memory stays
          // bounded over a long run.
          options.max_templates_per_exporter = 64;
          options.max_domains_per_exporter = 8;
          return options;
        }()) {}

  void Run(absl::string_view packet, absl::string_view exporter) {
    netstreams::DecodeStats stats;
    netstreams::ParseError error;
    CheckingSink sink;
    const bool ok =
        decoder.Decode(packet, exporter, &cache, sink, &stats, &error);
    Check(sink.events() == stats.events);
    if (!ok) {
      Check(error.reason_class != nullptr && error.detail != nullptr);
      Check(error.offset <= packet.size());
      absl::string_view cls = error.reason_class;
      Check(cls == "invalid_value" || cls == "unrecognized");
    }
    if (++runs % 16 == 0) CheckPersistence(cache);
    // Start over now and then so that the empty-cache paths stay covered.
    if (runs % 4096 == 0) cache.Clear();
  }

  netstreams::FlowDecoder decoder;
  netstreams::TemplateCache cache;
  uint64_t runs = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Lane* rfc8158 = new Lane(netstreams::FlowNatEventNumbering::kRfc8158);
  static Lane* nsel = new Lane(netstreams::FlowNatEventNumbering::kCiscoNsel);
  absl::string_view packet(reinterpret_cast<const char*>(data), size);
  // Two exporters, picked by the fourth byte (IPFIX: the low byte of the
  // message length; NetFlow v9: of the record count, which the decoder
  // ignores), so that the same templates also land in another scope.
  absl::string_view exporter =
      size > 3 && (data[3] & 0x80) != 0 ? "192.0.2.2" : "192.0.2.1";
  rfc8158->Run(packet, exporter);
  nsel->Run(packet, exporter);
  return 0;
}

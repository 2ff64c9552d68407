// Pairs create and delete NatEvents of one mapping into one record
// (Processor shared by the session_pairing and port_block_pairing kinds).
//
// Per mapping key (device, vrf, protocol, inside ip:port, outside
// ip:port, destination ip:port for sessions, the port range for blocks):
//   CREATE then DELETE            -> CLOSED (start, end, duration, both
//                                    records as evidence)
//   DELETE first, CREATE within   -> held, then CLOSED when the create
//     `grace` (stream time)          arrives
//   DELETE, no CREATE in grace    -> UNMATCHED_DELETE (start unknown)
//   CREATE, CREATE                -> the first SUPERSEDED (end = second's
//                                    start)
//   CREATE, nothing in            -> EXPIRED (end unknown)
//     `max_lifetime`
//   the same event again          -> ignored, counted as duplicate (also
//     (same key, time, action)       for `grace` after the pair closed)
//   UPDATE of an open mapping     -> its lifetime is extended
// Every outcome is counted ("closed", "expired", ...).
//
// State: the change-logged store `<store>` holds, per mapping key, a
// PairingState (the open create and/or the held delete). The local index
// `<store>-index` holds the timers ('T' + due + kind + key, in due order)
// and the recently-closed markers ('C' + key) used to recognize
// duplicates; it is derived data: not logged (no changelog traffic), and
// rebuilt from the main store after a restore (closed markers are then
// lost: a duplicate of a pair closed just before a crash may be emitted as
// UNMATCHED_DELETE). Both sit behind the write cache, so a mapping opened
// and closed within one commit interval costs no RocksDB or changelog
// write.
#ifndef NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_
#define NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/nat_session.pb.h"
#include "netstreams/state/v1/pairing_state.pb.h"
#include "src/processor/processor.h"

namespace netstreams {

struct PairingSettings {
  std::string store;
  int64_t grace_ms = 60 * 1000;
  int64_t max_lifetime_ms = 24 * 3600 * 1000LL;
  int64_t punctuate_interval_ms = 1000;
  // PORT_BLOCK events (true) or SESSION, PORT and ADDRESS events (false).
  bool port_blocks = false;
};

// The mapping key of an event, as stored (binary, length-prefixed parts).
void AppendMappingKey(const cgnat::v1::NatEvent& event, std::string* key);

class PairingProcessor : public Processor {
 public:
  explicit PairingProcessor(PairingSettings settings)
      : settings_(std::move(settings)) {}

  absl::Status Init(ProcessorContext& context) override;
  void Process(const Record& record) override;
  absl::Status RebuildStore(absl::string_view name) override;

 private:
  enum class Outcome { kClosed, kExpired, kSuperseded, kUnmatchedDelete };

  void OnCreate(const cgnat::v1::NatEvent& event, int64_t time_ms,
                const Origin* origin);
  void OnDelete(const cgnat::v1::NatEvent& event, int64_t time_ms,
                const Origin* origin);
  void OnUpdate(int64_t time_ms);
  void Punctuate(int64_t stream_time_ms);

  // Emits the paired record. `create` or `del` may be null (unknown side);
  // `end_ms` overrides the end (SUPERSEDED), -1 for none.
  void Emit(Outcome outcome, const cgnat::v1::NatEvent* create,
            const cgnat::v1::NatEvent* del, int64_t end_ms,
            int64_t timestamp_ms, const Origin* origin);

  // The state of key_ (read into state_; false if none).
  bool LoadState();
  // Writes state_ for key_, or deletes it when empty.
  void SaveState();
  void SetTimer(int64_t due_ms, char kind);
  void ClearTimer(int64_t due_ms, char kind);
  // Recently-closed marker of key_: create and delete times.
  bool LoadClosed(int64_t* create_ms, int64_t* delete_ms, int64_t* due_ms);
  void SaveClosed(int64_t create_ms, int64_t delete_ms);
  void Fail(const absl::Status& status);

  PairingSettings settings_;
  ProcessorContext* context_ = nullptr;
  KeyValueStore* store_ = nullptr;
  KeyValueStore* index_ = nullptr;
  netstreams::state::v1::PairingState* state_ = nullptr;
  Counter* closed_ = nullptr;
  Counter* expired_ = nullptr;
  Counter* superseded_ = nullptr;
  Counter* unmatched_ = nullptr;
  Counter* duplicate_ = nullptr;
  Counter* opened_ = nullptr;
  Counter* held_ = nullptr;
  Counter* updated_ = nullptr;
  Counter* other_mapping_ = nullptr;
  std::string key_;     // the current mapping key
  std::string buffer_;  // index keys
  std::string value_;   // reads
  std::string serialized_;
  std::vector<std::string> due_timers_;
};

// The index store's name for a pairing store.
inline std::string PairingIndexStore(const std::string& store) {
  return store + "-index";
}

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_

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
//     (same key, time, action)       for `duplicate_window` after the pair
//                                    closed)
//   UPDATE of an open mapping     -> its lifetime is extended
// Every outcome is counted ("closed", "expired", ...).
//
// State: one change-logged store holds, per mapping key, a PairingState
// (the open create and/or the held delete), behind the write cache, so a
// mapping opened and closed within one commit interval costs no RocksDB
// or changelog write at all, and an event costs one store read. What can
// be recomputed stays in memory: the deadlines of held deletes (rebuilt
// by scanning the store once after a restart) and the recently closed
// pairs of the duplicate window (lost on restart: a repeat of a pair
// closed just before a crash may then come out as UNMATCHED_DELETE).
// Expiry is a scan of the store every max_lifetime/24 of stream time,
// which also catches anything the in-memory deadlines missed.
#ifndef NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_
#define NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_

#include <cstdint>
#include <deque>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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
  int64_t duplicate_window_ms = 10 * 1000;
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

 private:
  enum class Outcome { kClosed, kExpired, kSuperseded, kUnmatchedDelete };
  struct Closed {
    int64_t create_ms;
    int64_t delete_ms;
  };
  // Min-heap order of (deadline, key).
  using Deadline = std::pair<int64_t, std::string>;
  struct Later {
    bool operator()(const Deadline& a, const Deadline& b) const {
      return a.first > b.first;
    }
  };

  void OnCreate(const cgnat::v1::NatEvent& event, int64_t time_ms,
                const Origin* origin);
  void OnDelete(const cgnat::v1::NatEvent& event, int64_t time_ms,
                const Origin* origin);
  void OnUpdate(int64_t time_ms);
  void Punctuate(int64_t stream_time_ms);
  // Expires what is due among everything in the store.
  void Scan(int64_t stream_time_ms);
  // After a (re)start: the held deletes' deadlines, from the store.
  void LoadDeadlines();

  // Emits the paired record. `create` or `del` may be null (unknown side);
  // `end_ms` overrides the end (SUPERSEDED), -1 for none.
  void Emit(Outcome outcome, const cgnat::v1::NatEvent* create,
            const cgnat::v1::NatEvent* del, int64_t end_ms,
            int64_t timestamp_ms, const Origin* origin);

  // The state of key_ (read into state_; false if none).
  bool LoadState();
  // Writes state_ for key_, or deletes it when empty.
  void SaveState();
  static void CountScanned(const netstreams::state::v1::PairingState& state,
                           int64_t* open, int64_t* held);
  void SetCounts(int64_t open, int64_t held);
  void Hold(int64_t due_ms);
  void RememberClosed(int64_t create_ms, int64_t delete_ms);
  const Closed* RecentlyClosed() const;
  void Fail(const absl::Status& status);

  PairingSettings settings_;
  int64_t scan_interval_ms_ = 0;
  ProcessorContext* context_ = nullptr;
  KeyValueStore* store_ = nullptr;
  netstreams::state::v1::PairingState* state_ = nullptr;
  bool deadlines_loaded_ = false;
  int64_t next_scan_ms_ = -1;
  std::priority_queue<Deadline, std::vector<Deadline>, Later> held_due_;
  absl::flat_hash_map<std::string, Closed> closed_;
  std::deque<Deadline> closed_due_;  // in closing order
  Counter* closed_counter_ = nullptr;
  Counter* expired_ = nullptr;
  Counter* superseded_ = nullptr;
  Counter* unmatched_ = nullptr;
  Counter* duplicate_ = nullptr;
  Counter* opened_ = nullptr;
  Counter* held_ = nullptr;
  Counter* updated_ = nullptr;
  Counter* other_mapping_ = nullptr;
  // How many stored mappings are open and how many deletes are held: set
  // by every full scan, kept by SaveState() in between.
  Gauge* open_gauge_ = nullptr;
  Gauge* held_gauge_ = nullptr;
  int64_t open_count_ = 0;
  int64_t held_count_ = 0;
  // What the state loaded by LoadState() had before this event.
  bool had_open_ = false;
  bool had_held_ = false;
  std::string key_;    // the current mapping key
  std::string value_;  // reads
  std::string serialized_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_STAGES_PAIRING_PAIRING_PROCESSOR_H_

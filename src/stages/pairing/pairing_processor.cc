#include "src/stages/pairing/pairing_processor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"
#include "src/common/proto_time.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using netstreams::state::v1::PairingState;

void AppendPart(absl::string_view part, std::string* out) {
  size_t n = std::min<size_t>(part.size(), 255);
  out->push_back(static_cast<char>(n));
  out->append(part.data(), n);
}

void AppendU16(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
  out->push_back(static_cast<char>(v & 0xFF));
}

void SetDuration(int64_t ms, google::protobuf::Duration* d) {
  d->set_seconds(ms / 1000);
  d->set_nanos(static_cast<int32_t>((ms % 1000) * 1000000));
}

}  // namespace

void AppendMappingKey(const NatEvent& e, std::string* key) {
  key->push_back(static_cast<char>(e.mapping()));
  AppendPart(e.device(), key);
  AppendPart(e.vrf(), key);
  key->push_back(static_cast<char>(e.protocol() & 0xFF));
  AppendPart(e.inside_ip(), key);
  AppendU16(e.inside_port(), key);
  AppendPart(e.outside_ip(), key);
  AppendU16(e.outside_port(), key);
  if (e.mapping() == cgnat::v1::SESSION) {
    AppendPart(e.destination_ip(), key);
    AppendU16(e.destination_port(), key);
  } else if (e.mapping() == cgnat::v1::PORT_BLOCK) {
    AppendU16(e.port_block_start(), key);
    AppendU16(e.port_block_end(), key);
  }
}

absl::Status PairingProcessor::Init(ProcessorContext& context) {
  context_ = &context;
  store_ = context.GetStore(settings_.store);
  if (store_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("state store ", settings_.store, " is missing"));
  }
  scan_interval_ms_ = std::clamp<int64_t>(settings_.max_lifetime_ms / 24,
                                          10 * 1000, 3600 * 1000);
  closed_counter_ = context.GetCounter("closed");
  expired_ = context.GetCounter("expired");
  superseded_ = context.GetCounter("superseded");
  unmatched_ = context.GetCounter("unmatched_delete");
  duplicate_ = context.GetCounter("duplicate");
  opened_ = context.GetCounter("opened");
  held_ = context.GetCounter("held_delete");
  updated_ = context.GetCounter("updated");
  other_mapping_ = context.GetCounter("other_mapping");
  open_gauge_ = context.GetGauge("open");
  held_gauge_ = context.GetGauge("held");
  context.Schedule(settings_.punctuate_interval_ms,
                   PunctuationType::kStreamTime,
                   [this](int64_t now) { Punctuate(now); });
  return absl::OkStatus();
}

void PairingProcessor::Fail(const absl::Status& status) {
  context_->ReportFatal(status);
}

bool PairingProcessor::LoadState() {
  state_ =
      google::protobuf::Arena::CreateMessage<PairingState>(context_->arena());
  had_open_ = had_held_ = false;
  absl::StatusOr<bool> found = store_->Get(key_, &value_);
  if (!found.ok()) {
    Fail(found.status());
    return false;
  }
  if (!*found) return false;
  if (!state_->ParseFromString(value_)) {
    Fail(absl::DataLossError("corrupt pairing state"));
    return false;
  }
  had_open_ = state_->has_open();
  had_held_ = state_->has_held();
  return true;
}

void PairingProcessor::SaveState() {
  absl::Status s;
  if (!state_->has_open() && !state_->has_held()) {
    s = store_->Delete(key_);
  } else {
    serialized_.clear();
    state_->AppendToString(&serialized_);
    s = store_->Put(key_, serialized_);
  }
  if (!s.ok()) Fail(s);
  open_count_ += int{state_->has_open()} - int{had_open_};
  held_count_ += int{state_->has_held()} - int{had_held_};
  had_open_ = state_->has_open();
  had_held_ = state_->has_held();
  open_gauge_->Set(open_count_);
  held_gauge_->Set(held_count_);
}

void PairingProcessor::CountScanned(const PairingState& state, int64_t* open,
                                    int64_t* held) {
  *open += state.has_open() ? 1 : 0;
  *held += state.has_held() ? 1 : 0;
}

void PairingProcessor::SetCounts(int64_t open, int64_t held) {
  open_count_ = open;
  held_count_ = held;
  open_gauge_->Set(open_count_);
  held_gauge_->Set(held_count_);
}

void PairingProcessor::Hold(int64_t due_ms) { held_due_.emplace(due_ms, key_); }

void PairingProcessor::RememberClosed(int64_t create_ms, int64_t delete_ms) {
  closed_[key_] = Closed{create_ms, delete_ms};
  closed_due_.emplace_back(delete_ms + settings_.duplicate_window_ms, key_);
}

const PairingProcessor::Closed* PairingProcessor::RecentlyClosed() const {
  auto it = closed_.find(key_);
  return it == closed_.end() ? nullptr : &it->second;
}

void PairingProcessor::LoadDeadlines() {
  deadlines_loaded_ = true;
  // Held deletes restored from the changelog need their deadlines back.
  auto it = store_->Range("", "");
  PairingState state;
  int64_t open = 0, held = 0;
  for (; it->Valid(); it->Next()) {
    if (!state.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      Fail(absl::DataLossError("corrupt pairing state"));
      return;
    }
    CountScanned(state, &open, &held);
    if (state.has_held()) {
      held_due_.emplace(state.held_due_ms(), std::string(it->key()));
    }
  }
  if (!it->status().ok()) {
    Fail(it->status());
    return;
  }
  SetCounts(open, held);
}

void PairingProcessor::Process(const Record& record) {
  if (!deadlines_loaded_) LoadDeadlines();
  const auto& event = static_cast<const NatEvent&>(*record.message);
  bool is_block = event.mapping() == cgnat::v1::PORT_BLOCK;
  if (is_block != settings_.port_blocks ||
      event.mapping() == cgnat::v1::MAPPING_UNSPECIFIED) {
    other_mapping_->Add();
    return;
  }
  key_.clear();
  AppendMappingKey(event, &key_);
  int64_t time_ms = TimestampMs(event.event_time());
  switch (event.action()) {
    case cgnat::v1::CREATE:
      OnCreate(event, time_ms, record.origin);
      break;
    case cgnat::v1::DELETE:
      OnDelete(event, time_ms, record.origin);
      break;
    case cgnat::v1::UPDATE:
      OnUpdate(time_ms);
      break;
    default:
      other_mapping_->Add();
  }
}

void PairingProcessor::OnCreate(const NatEvent& event, int64_t time_ms,
                                const Origin* origin) {
  LoadState();
  if (state_->has_open()) {
    int64_t open_ms = TimestampMs(state_->open().event_time());
    if (open_ms == time_ms) {
      duplicate_->Add();
      return;
    }
    if (time_ms < open_ms) {
      // A create older than the open one arrived late: the open one
      // superseded it.
      Emit(Outcome::kSuperseded, &event, nullptr, open_ms, open_ms, origin);
      return;
    }
    Emit(Outcome::kSuperseded, &state_->open(), nullptr, time_ms, time_ms,
         origin);
  } else if (state_->has_held()) {
    const NatEvent& held = state_->held();
    int64_t held_ms = TimestampMs(held.event_time());
    if (held_ms >= time_ms) {
      // The delete came first: pair them now.
      Emit(Outcome::kClosed, &event, &held, -1, held_ms, origin);
      RememberClosed(time_ms, held_ms);
      state_->clear_held();
      SaveState();
      return;
    }
    // The held delete ends an earlier mapping whose create never came.
    Emit(Outcome::kUnmatchedDelete, nullptr, &held, -1, held_ms, origin);
    state_->clear_held();
  } else if (const Closed* closed = RecentlyClosed();
             closed != nullptr && closed->create_ms == time_ms) {
    duplicate_->Add();  // the create of a pair closed moments ago
    return;
  }
  *state_->mutable_open() = event;
  state_->set_open_due_ms(time_ms + settings_.max_lifetime_ms);
  SaveState();
  opened_->Add();
}

void PairingProcessor::OnDelete(const NatEvent& event, int64_t time_ms,
                                const Origin* origin) {
  LoadState();
  if (state_->has_open()) {
    int64_t open_ms = TimestampMs(state_->open().event_time());
    if (time_ms < open_ms) {
      // Older than the open mapping: it ends an earlier one we never saw
      // created.
      Emit(Outcome::kUnmatchedDelete, nullptr, &event, -1, time_ms, origin);
      return;
    }
    Emit(Outcome::kClosed, &state_->open(), &event, -1, time_ms, origin);
    RememberClosed(open_ms, time_ms);
    state_->clear_open();
    SaveState();
    return;
  }
  if (const Closed* closed = RecentlyClosed();
      closed != nullptr && closed->delete_ms == time_ms) {
    duplicate_->Add();  // the delete of a pair closed moments ago
    return;
  }
  if (state_->has_held()) {
    int64_t held_ms = TimestampMs(state_->held().event_time());
    if (held_ms == time_ms) {
      duplicate_->Add();
      return;
    }
    // Two deletes and no create: the earlier cannot pair any more.
    Emit(Outcome::kUnmatchedDelete, nullptr, &state_->held(), -1, held_ms,
         origin);
  }
  int64_t due = time_ms + settings_.grace_ms;
  *state_->mutable_held() = event;
  state_->set_held_due_ms(due);
  SaveState();
  Hold(due);
  held_->Add();
}

void PairingProcessor::OnUpdate(int64_t time_ms) {
  if (!LoadState() || !state_->has_open()) {
    other_mapping_->Add();  // an interim record of a mapping we never saw
    return;
  }
  int64_t due = time_ms + settings_.max_lifetime_ms;
  if (due <= state_->open_due_ms()) return;
  state_->set_open_due_ms(due);
  SaveState();
  updated_->Add();
}

void PairingProcessor::Punctuate(int64_t stream_time_ms) {
  if (!deadlines_loaded_) LoadDeadlines();
  // Held deletes whose grace is over (stale entries, for deletes that have
  // paired since, fall out when their state no longer matches).
  while (!held_due_.empty() && held_due_.top().first <= stream_time_ms) {
    Deadline due = held_due_.top();
    held_due_.pop();
    key_ = std::move(due.second);
    if (LoadState() && state_->has_held() &&
        state_->held_due_ms() == due.first) {
      Emit(Outcome::kUnmatchedDelete, nullptr, &state_->held(), -1,
           TimestampMs(state_->held().event_time()), nullptr);
      state_->clear_held();
      SaveState();
    }
  }
  // The duplicate window.
  while (!closed_due_.empty() && closed_due_.front().first <= stream_time_ms) {
    auto it = closed_.find(closed_due_.front().second);
    if (it != closed_.end() &&
        it->second.delete_ms + settings_.duplicate_window_ms ==
            closed_due_.front().first) {
      closed_.erase(it);
    }
    closed_due_.pop_front();
  }
  // The first punctuation after a start scans at once: mappings may have
  // expired while the engine was down.
  if (next_scan_ms_ < 0) next_scan_ms_ = stream_time_ms;
  if (stream_time_ms >= next_scan_ms_) {
    Scan(stream_time_ms);
    next_scan_ms_ = stream_time_ms + scan_interval_ms_;
  }
}

void PairingProcessor::Scan(int64_t stream_time_ms) {
  // Collect first: expiring writes to the store being iterated.
  std::vector<std::string> due;
  auto it = store_->Range("", "");
  PairingState state;
  int64_t open = 0, held = 0;
  for (; it->Valid(); it->Next()) {
    if (!state.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      Fail(absl::DataLossError("corrupt pairing state"));
      return;
    }
    CountScanned(state, &open, &held);
    if ((state.has_open() && state.open_due_ms() <= stream_time_ms) ||
        (state.has_held() && state.held_due_ms() <= stream_time_ms)) {
      due.emplace_back(it->key());
    }
  }
  if (!it->status().ok()) {
    Fail(it->status());
    return;
  }
  it.reset();
  SetCounts(open, held);  // the expiries below adjust them
  for (std::string& key : due) {
    key_ = std::move(key);
    if (!LoadState()) continue;
    if (state_->has_open() && state_->open_due_ms() <= stream_time_ms) {
      Emit(Outcome::kExpired, &state_->open(), nullptr, -1,
           state_->open_due_ms(), nullptr);
      state_->clear_open();
    }
    if (state_->has_held() && state_->held_due_ms() <= stream_time_ms) {
      Emit(Outcome::kUnmatchedDelete, nullptr, &state_->held(), -1,
           TimestampMs(state_->held().event_time()), nullptr);
      state_->clear_held();
    }
    SaveState();
  }
}

void PairingProcessor::Emit(Outcome outcome, const NatEvent* create,
                            const NatEvent* del, int64_t end_ms,
                            int64_t timestamp_ms, const Origin* origin) {
  google::protobuf::Arena* arena = context_->arena();
  const NatEvent& any = create != nullptr ? *create : *del;
  cgnat::v1::PairingStatus status = cgnat::v1::CLOSED;
  switch (outcome) {
    case Outcome::kClosed:
      closed_counter_->Add();
      status = cgnat::v1::CLOSED;
      break;
    case Outcome::kExpired:
      expired_->Add();
      status = cgnat::v1::EXPIRED;
      break;
    case Outcome::kSuperseded:
      superseded_->Add();
      status = cgnat::v1::SUPERSEDED;
      break;
    case Outcome::kUnmatchedDelete:
      unmatched_->Add();
      status = cgnat::v1::UNMATCHED_DELETE;
      break;
  }
  int64_t start_ms = create != nullptr ? TimestampMs(create->event_time()) : -1;
  if (end_ms < 0 && del != nullptr) end_ms = TimestampMs(del->event_time());

  Record out;
  out.timestamp_ms = timestamp_ms;
  out.origin = origin;
  // The fields NatSession and PortBlockLease share (same names).
  auto fill = [&](auto* m) {
    m->set_status(status);
    if (start_ms >= 0) SetTimestampMs(start_ms, m->mutable_start_time());
    if (end_ms >= 0) SetTimestampMs(end_ms, m->mutable_end_time());
    if (start_ms >= 0 && end_ms >= 0) {
      SetDuration(end_ms - start_ms, m->mutable_duration());
    }
    m->set_device(any.device());
    m->set_vendor(any.vendor());
    m->set_vrf(any.vrf());
    m->set_protocol(any.protocol());
    m->set_inside_ip(any.inside_ip());
    m->set_outside_ip(any.outside_ip());
  };
  const bool has_create = create != nullptr && create->has_source();
  const bool has_delete = del != nullptr && del->has_source();
  if (settings_.port_blocks) {
    auto* lease =
        google::protobuf::Arena::CreateMessage<cgnat::v1::PortBlockLease>(
            arena);
    fill(lease);
    lease->set_port_block_start(any.port_block_start());
    lease->set_port_block_end(any.port_block_end());
    if (has_create) *lease->mutable_allocate_record() = create->source();
    if (has_delete) *lease->mutable_release_record() = del->source();
    out.message = lease;
  } else {
    auto* session =
        google::protobuf::Arena::CreateMessage<cgnat::v1::NatSession>(arena);
    fill(session);
    session->set_mapping(any.mapping());
    session->set_inside_port(any.inside_port());
    session->set_outside_port(any.outside_port());
    session->set_destination_ip(any.destination_ip());
    session->set_destination_port(any.destination_port());
    session->set_direction(any.direction());
    if (has_create) *session->mutable_create_record() = create->source();
    if (has_delete) *session->mutable_delete_record() = del->source();
    out.message = session;
  }
  context_->Forward(out);
}

}  // namespace netstreams

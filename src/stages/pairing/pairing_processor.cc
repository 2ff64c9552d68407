#include "src/stages/pairing/pairing_processor.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

constexpr char kOpen = 'O';
constexpr char kHeld = 'H';
constexpr char kClosed = 'C';
constexpr char kTimer = 'T';
constexpr char kExpiryTimer = 'E';
constexpr char kHoldTimer = 'H';
constexpr char kClosedTimer = 'C';

void AppendBe64(int64_t v, std::string* out) {
  uint64_t u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((u >> shift) & 0xFF));
  }
}

int64_t ReadBe64(absl::string_view in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | static_cast<uint8_t>(in[i]);
  return static_cast<int64_t>(u);
}

void AppendPart(absl::string_view part, std::string* out) {
  size_t n = std::min<size_t>(part.size(), 255);
  out->push_back(static_cast<char>(n));
  out->append(part.data(), n);
}

void AppendU16(uint32_t v, std::string* out) {
  out->push_back(static_cast<char>((v >> 8) & 0xFF));
  out->push_back(static_cast<char>(v & 0xFF));
}

int64_t TimeMs(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000 + ts.nanos() / 1000000;
}

void SetTime(int64_t ms, google::protobuf::Timestamp* ts) {
  int64_t seconds = ms / 1000;
  int64_t rem = ms % 1000;
  if (rem < 0) {
    rem += 1000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rem * 1000000));
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
  closed_ = context.GetCounter("closed");
  expired_ = context.GetCounter("expired");
  superseded_ = context.GetCounter("superseded");
  unmatched_ = context.GetCounter("unmatched_delete");
  duplicate_ = context.GetCounter("duplicate");
  opened_ = context.GetCounter("opened");
  held_ = context.GetCounter("held_delete");
  updated_ = context.GetCounter("updated");
  other_mapping_ = context.GetCounter("other_mapping");
  context.Schedule(settings_.punctuate_interval_ms,
                   PunctuationType::kStreamTime,
                   [this](int64_t now) { Punctuate(now); });
  return absl::OkStatus();
}

void PairingProcessor::Fail(const absl::Status& status) {
  context_->ReportFatal(status);
}

bool PairingProcessor::Read(char prefix, std::string* value) {
  buffer_.clear();
  buffer_.push_back(prefix);
  buffer_.append(key_);
  absl::StatusOr<bool> found = store_->Get(buffer_, value);
  if (!found.ok()) {
    Fail(found.status());
    return false;
  }
  return *found;
}

void PairingProcessor::Write(char prefix, absl::string_view value) {
  buffer_.clear();
  buffer_.push_back(prefix);
  buffer_.append(key_);
  absl::Status s = store_->Put(buffer_, value);
  if (!s.ok()) Fail(s);
}

void PairingProcessor::Erase(char prefix) {
  buffer_.clear();
  buffer_.push_back(prefix);
  buffer_.append(key_);
  absl::Status s = store_->Delete(buffer_);
  if (!s.ok()) Fail(s);
}

void PairingProcessor::SetTimer(int64_t due_ms, char kind) {
  buffer_.clear();
  buffer_.push_back(kTimer);
  AppendBe64(due_ms, &buffer_);
  buffer_.push_back(kind);
  buffer_.append(key_);
  absl::Status s = store_->Put(buffer_, "");
  if (!s.ok()) Fail(s);
}

void PairingProcessor::ClearTimer(int64_t due_ms, char kind) {
  buffer_.clear();
  buffer_.push_back(kTimer);
  AppendBe64(due_ms, &buffer_);
  buffer_.push_back(kind);
  buffer_.append(key_);
  absl::Status s = store_->Delete(buffer_);
  if (!s.ok()) Fail(s);
}

// Stored events: 8-byte due time of their timer, then the NatEvent.
bool PairingProcessor::ReadEvent(char prefix, int64_t* due_ms,
                                 NatEvent* event) {
  if (!Read(prefix, &value_)) return false;
  if (value_.size() < 8 ||
      !event->ParseFromArray(value_.data() + 8,
                             static_cast<int>(value_.size() - 8))) {
    Fail(absl::DataLossError("corrupt pairing state"));
    return false;
  }
  *due_ms = ReadBe64(value_);
  return true;
}

void PairingProcessor::WriteEvent(char prefix, int64_t due_ms,
                                  const NatEvent& event) {
  serialized_.clear();
  AppendBe64(due_ms, &serialized_);
  event.AppendToString(&serialized_);
  Write(prefix, serialized_);
}

void PairingProcessor::Process(const Record& record) {
  const auto& event = static_cast<const NatEvent&>(*record.message);
  bool is_block = event.mapping() == cgnat::v1::PORT_BLOCK;
  if (is_block != settings_.port_blocks ||
      event.mapping() == cgnat::v1::MAPPING_UNSPECIFIED) {
    other_mapping_->Add();
    return;
  }
  key_.clear();
  AppendMappingKey(event, &key_);
  int64_t time_ms = TimeMs(event.event_time());
  switch (event.action()) {
    case cgnat::v1::CREATE:
      OnCreate(event, time_ms, record);
      break;
    case cgnat::v1::DELETE:
      OnDelete(event, time_ms, record);
      break;
    case cgnat::v1::UPDATE:
      OnUpdate(event, time_ms);
      break;
    default:
      other_mapping_->Add();
  }
}

void PairingProcessor::OnCreate(const NatEvent& event, int64_t time_ms,
                                const Record& record) {
  google::protobuf::Arena* arena = context_->arena();
  auto* open = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
  int64_t open_due = 0;
  if (ReadEvent(kOpen, &open_due, open)) {
    int64_t open_ms = TimeMs(open->event_time());
    if (open_ms == time_ms) {
      duplicate_->Add();
      return;
    }
    if (time_ms < open_ms) {
      // A create older than the open one arrived late: it was superseded
      // by the open one.
      Emit(Outcome::kSuperseded, &event, nullptr, open_ms, open_ms,
           record.origin);
      return;
    }
    Emit(Outcome::kSuperseded, open, nullptr, time_ms, time_ms, record.origin);
    ClearTimer(open_due, kExpiryTimer);
  } else {
    auto* held = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
    int64_t held_due = 0;
    if (ReadEvent(kHeld, &held_due, held)) {
      int64_t held_ms = TimeMs(held->event_time());
      Erase(kHeld);
      ClearTimer(held_due, kHoldTimer);
      if (held_ms >= time_ms) {
        // The delete came first: pair them now.
        Emit(Outcome::kClosed, &event, held, -1, held_ms, record.origin);
        int64_t due = held_ms + settings_.grace_ms;
        serialized_.clear();
        AppendBe64(time_ms, &serialized_);
        AppendBe64(held_ms, &serialized_);
        AppendBe64(due, &serialized_);
        Write(kClosed, serialized_);
        SetTimer(due, kClosedTimer);
        return;
      }
      // The held delete ends an earlier mapping whose create never came.
      Emit(Outcome::kUnmatchedDelete, nullptr, held, -1, held_ms,
           record.origin);
    } else if (Read(kClosed, &value_) && value_.size() >= 24 &&
               ReadBe64(value_) == time_ms) {
      duplicate_->Add();  // the create of a pair closed moments ago
      return;
    }
  }
  int64_t due = time_ms + settings_.max_lifetime_ms;
  WriteEvent(kOpen, due, event);
  SetTimer(due, kExpiryTimer);
  opened_->Add();
}

void PairingProcessor::OnDelete(const NatEvent& event, int64_t time_ms,
                                const Record& record) {
  google::protobuf::Arena* arena = context_->arena();
  auto* open = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
  int64_t open_due = 0;
  if (ReadEvent(kOpen, &open_due, open)) {
    int64_t open_ms = TimeMs(open->event_time());
    if (time_ms < open_ms) {
      // Older than the open mapping: it ends an earlier one we never saw
      // created.
      Emit(Outcome::kUnmatchedDelete, nullptr, &event, -1, time_ms,
           record.origin);
      return;
    }
    Emit(Outcome::kClosed, open, &event, -1, time_ms, record.origin);
    Erase(kOpen);
    ClearTimer(open_due, kExpiryTimer);
    int64_t due = time_ms + settings_.grace_ms;
    serialized_.clear();
    AppendBe64(open_ms, &serialized_);
    AppendBe64(time_ms, &serialized_);
    AppendBe64(due, &serialized_);
    Write(kClosed, serialized_);
    SetTimer(due, kClosedTimer);
    return;
  }
  if (Read(kClosed, &value_) && value_.size() >= 24 &&
      ReadBe64(absl::string_view(value_).substr(8)) == time_ms) {
    duplicate_->Add();  // the delete of a pair closed moments ago
    return;
  }
  auto* held = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
  int64_t held_due = 0;
  if (ReadEvent(kHeld, &held_due, held)) {
    if (TimeMs(held->event_time()) == time_ms) {
      duplicate_->Add();
      return;
    }
    // Two deletes and no create: the earlier cannot pair any more.
    Emit(Outcome::kUnmatchedDelete, nullptr, held, -1,
         TimeMs(held->event_time()), record.origin);
    ClearTimer(held_due, kHoldTimer);
  }
  int64_t due = time_ms + settings_.grace_ms;
  WriteEvent(kHeld, due, event);
  SetTimer(due, kHoldTimer);
  held_->Add();
}

void PairingProcessor::OnUpdate(const NatEvent& event, int64_t time_ms) {
  auto* open =
      google::protobuf::Arena::CreateMessage<NatEvent>(context_->arena());
  int64_t open_due = 0;
  if (!ReadEvent(kOpen, &open_due, open)) {
    other_mapping_->Add();  // an interim record of a mapping we never saw
    return;
  }
  int64_t due = time_ms + settings_.max_lifetime_ms;
  if (due <= open_due) return;
  ClearTimer(open_due, kExpiryTimer);
  WriteEvent(kOpen, due, *open);
  SetTimer(due, kExpiryTimer);
  updated_->Add();
}

void PairingProcessor::Punctuate(int64_t stream_time_ms) {
  // Collect first: firing writes to the store.
  due_timers_.clear();
  std::string upper(1, kTimer);
  AppendBe64(stream_time_ms + 1, &upper);
  auto it = store_->Range(std::string(1, kTimer), upper);
  for (; it->Valid(); it->Next()) due_timers_.emplace_back(it->key());
  if (!it->status().ok()) {
    Fail(it->status());
    return;
  }
  it.reset();
  google::protobuf::Arena* arena = context_->arena();
  for (const std::string& timer : due_timers_) {
    if (timer.size() < 10) continue;
    int64_t due = ReadBe64(absl::string_view(timer).substr(1));
    char kind = timer[9];
    key_.assign(timer, 10, std::string::npos);
    ClearTimer(due, kind);
    if (kind == kExpiryTimer) {
      auto* open = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
      int64_t open_due = 0;
      if (ReadEvent(kOpen, &open_due, open) && open_due == due) {
        Emit(Outcome::kExpired, open, nullptr, -1, due, nullptr);
        Erase(kOpen);
      }
    } else if (kind == kHoldTimer) {
      auto* held = google::protobuf::Arena::CreateMessage<NatEvent>(arena);
      int64_t held_due = 0;
      if (ReadEvent(kHeld, &held_due, held) && held_due == due) {
        Emit(Outcome::kUnmatchedDelete, nullptr, held, -1,
             TimeMs(held->event_time()), nullptr);
        Erase(kHeld);
      }
    } else if (kind == kClosedTimer) {
      if (Read(kClosed, &value_) && value_.size() >= 24 &&
          ReadBe64(absl::string_view(value_).substr(16)) == due) {
        Erase(kClosed);
      }
    }
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
      closed_->Add();
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
  int64_t start_ms = create != nullptr ? TimeMs(create->event_time()) : -1;
  if (end_ms < 0 && del != nullptr) end_ms = TimeMs(del->event_time());

  Record out;
  out.timestamp_ms = timestamp_ms;
  out.origin = origin;
  if (settings_.port_blocks) {
    auto* lease =
        google::protobuf::Arena::CreateMessage<cgnat::v1::PortBlockLease>(
            arena);
    lease->set_status(status);
    if (start_ms >= 0) SetTime(start_ms, lease->mutable_start_time());
    if (end_ms >= 0) SetTime(end_ms, lease->mutable_end_time());
    if (start_ms >= 0 && end_ms >= 0) {
      SetDuration(end_ms - start_ms, lease->mutable_duration());
    }
    lease->set_device(any.device());
    lease->set_vendor(any.vendor());
    lease->set_vrf(any.vrf());
    lease->set_protocol(any.protocol());
    lease->set_inside_ip(any.inside_ip());
    lease->set_outside_ip(any.outside_ip());
    lease->set_port_block_start(any.port_block_start());
    lease->set_port_block_end(any.port_block_end());
    if (create != nullptr && create->has_source()) {
      *lease->mutable_allocate_record() = create->source();
    }
    if (del != nullptr && del->has_source()) {
      *lease->mutable_release_record() = del->source();
    }
    out.message = lease;
  } else {
    auto* session =
        google::protobuf::Arena::CreateMessage<cgnat::v1::NatSession>(arena);
    session->set_status(status);
    session->set_mapping(any.mapping());
    if (start_ms >= 0) SetTime(start_ms, session->mutable_start_time());
    if (end_ms >= 0) SetTime(end_ms, session->mutable_end_time());
    if (start_ms >= 0 && end_ms >= 0) {
      SetDuration(end_ms - start_ms, session->mutable_duration());
    }
    session->set_device(any.device());
    session->set_vendor(any.vendor());
    session->set_vrf(any.vrf());
    session->set_protocol(any.protocol());
    session->set_inside_ip(any.inside_ip());
    session->set_inside_port(any.inside_port());
    session->set_outside_ip(any.outside_ip());
    session->set_outside_port(any.outside_port());
    session->set_destination_ip(any.destination_ip());
    session->set_destination_port(any.destination_port());
    session->set_direction(any.direction());
    if (create != nullptr && create->has_source()) {
      *session->mutable_create_record() = create->source();
    }
    if (del != nullptr && del->has_source()) {
      *session->mutable_delete_record() = del->source();
    }
    out.message = session;
  }
  context_->Forward(out);
}

}  // namespace netstreams

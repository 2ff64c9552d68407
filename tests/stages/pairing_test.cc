// Pairing semantics, through the stage factories with an in-memory store
// and controlled stream time.

#include <map>
#include <memory>

#include "cgnat/v1/nat_event.pb.h"
#include "cgnat/v1/nat_session.pb.h"
#include "gtest/gtest.h"
#include "netstreams/stages/v1/pairing.pb.h"
#include "src/common/ip_address.h"
#include "src/processor/stage_registry.h"
#include "src/testing/recording_context.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;
using cgnat::v1::NatSession;
using cgnat::v1::PortBlockLease;
using netstreams::stages::v1::PairingConfig;

constexpr int64_t kT0 = 1795392000000;  // 2026-11-23T00:00:00Z

std::string Ip(const char* text) {
  IpBytes ip;
  EXPECT_TRUE(ParseIp(text, &ip));
  return std::string(ip.view());
}

NatEvent Event(cgnat::v1::Action action, int64_t ms, int port = 40000,
               int64_t offset = 0,
               cgnat::v1::Mapping mapping = cgnat::v1::SESSION) {
  NatEvent e;
  e.set_action(action);
  e.set_mapping(mapping);
  e.mutable_event_time()->set_seconds(ms / 1000);
  e.mutable_event_time()->set_nanos(static_cast<int32_t>(ms % 1000) * 1000000);
  e.set_device("cgn-1");
  e.set_vendor("nfware");
  e.set_vrf("0");
  e.set_inside_ip(Ip("10.0.0.1"));
  e.set_outside_ip(Ip("100.64.0.1"));
  if (mapping == cgnat::v1::PORT_BLOCK) {
    e.set_port_block_start(1024);
    e.set_port_block_end(1535);
  } else {
    e.set_protocol(6);
    e.set_inside_port(port);
    e.set_outside_port(port + 1);
    e.set_destination_ip(Ip("8.8.8.8"));
    e.set_destination_port(443);
    e.set_direction(cgnat::v1::OUTBOUND);
  }
  e.mutable_source()->set_topic("cgnat.syslog");
  e.mutable_source()->set_partition(2);
  e.mutable_source()->set_offset(offset);
  return e;
}

class PairingTest : public ::testing::Test {
 protected:
  void SetUp() override { Make("session_pairing"); }

  void Make(const char* kind, int64_t duplicate_window_s = 0) {
    context_ = std::make_unique<RecordingContext>("pairing");
    PairingConfig config;
    config.mutable_grace()->set_seconds(60);
    config.mutable_max_lifetime()->set_seconds(3600);
    if (duplicate_window_s > 0) {
      config.mutable_duplicate_window()->set_seconds(duplicate_window_s);
    }
    StageCreateInfo info;
    info.stage_name = "pairing";
    info.input_types = {"cgnat.v1.NatEvent"};
    processor_ = StageRegistry::Global().Find(kind)->Create(config, info);
    ASSERT_TRUE(processor_->Init(*context_).ok());
  }

  // Feeds an event whose record time is its event time, as after a
  // repartition, and advances stream time like the runtime.
  void Feed(const NatEvent& e) {
    Record r = context_->Input("", 0, e.source().offset());
    r.message = &e;
    int64_t ms =
        e.event_time().seconds() * 1000 + e.event_time().nanos() / 1000000;
    r.timestamp_ms = ms;
    processor_->Process(r);
    context_->AdvanceStreamTime(ms);
  }

  std::vector<NatSession> Sessions() {
    std::vector<NatSession> out;
    for (const auto& r : context_->forwarded) {
      out.push_back(static_cast<const NatSession&>(*r.message));
    }
    return out;
  }

  uint64_t Count(const char* name) { return context_->count(name); }

  std::unique_ptr<RecordingContext> context_;
  std::unique_ptr<Processor> processor_;
};

TEST_F(PairingTest, CreateThenDeleteIsClosedWithEvidence) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000, 11));
  EXPECT_TRUE(Sessions().empty());
  Feed(Event(cgnat::v1::DELETE, kT0 + 90500, 40000, 97));
  auto sessions = Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  const NatSession& s = sessions[0];
  EXPECT_EQ(s.status(), cgnat::v1::CLOSED);
  EXPECT_EQ(s.mapping(), cgnat::v1::SESSION);
  EXPECT_EQ(s.start_time().seconds(), kT0 / 1000);
  EXPECT_EQ(s.end_time().seconds(), (kT0 + 90500) / 1000);
  EXPECT_EQ(s.end_time().nanos(), 500000000);
  EXPECT_EQ(s.duration().seconds(), 90);
  EXPECT_EQ(s.duration().nanos(), 500000000);
  EXPECT_EQ(s.inside_port(), 40000u);
  EXPECT_EQ(s.outside_port(), 40001u);
  EXPECT_EQ(s.destination_port(), 443u);
  EXPECT_EQ(s.device(), "cgn-1");
  EXPECT_EQ(s.create_record().offset(), 11);
  EXPECT_EQ(s.delete_record().offset(), 97);
  EXPECT_EQ(s.delete_record().topic(), "cgnat.syslog");
  EXPECT_EQ(context_->forwarded[0].timestamp_ms, kT0 + 90500);
  EXPECT_EQ(Count("closed"), 1u);
}

TEST_F(PairingTest, DistinctKeysDoNotPair) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000));
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000, 40002));  // another port
  EXPECT_TRUE(Sessions().empty());
  EXPECT_EQ(Count("held_delete"), 1u);
}

TEST_F(PairingTest, EarlyDeleteIsHeldAndPairsWithinGrace) {
  Feed(Event(cgnat::v1::DELETE, kT0 + 5000, 40000, 2));
  EXPECT_TRUE(Sessions().empty());
  Feed(Event(cgnat::v1::CREATE, kT0, 40000, 3));
  auto sessions = Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].status(), cgnat::v1::CLOSED);
  EXPECT_EQ(sessions[0].duration().seconds(), 5);
  EXPECT_EQ(sessions[0].create_record().offset(), 3);
  EXPECT_EQ(sessions[0].delete_record().offset(), 2);
}

TEST_F(PairingTest, DeleteWithoutCreateIsUnmatchedAfterGrace) {
  Feed(Event(cgnat::v1::DELETE, kT0, 40000, 5));
  Feed(Event(cgnat::v1::CREATE, kT0 + 30000, 50000));  // moves stream time
  EXPECT_TRUE(Sessions().empty());
  Feed(Event(cgnat::v1::CREATE, kT0 + 61000, 50001));
  auto sessions = Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].status(), cgnat::v1::UNMATCHED_DELETE);
  EXPECT_FALSE(sessions[0].has_start_time());
  EXPECT_EQ(sessions[0].end_time().seconds(), kT0 / 1000);
  EXPECT_FALSE(sessions[0].has_create_record());
  EXPECT_EQ(sessions[0].delete_record().offset(), 5);
  EXPECT_EQ(Count("unmatched_delete"), 1u);
  // A create that arrives after the grace starts a new mapping.
  Feed(Event(cgnat::v1::CREATE, kT0 - 1000, 40000));
  EXPECT_EQ(Sessions().size(), 1u);
  EXPECT_EQ(Count("opened"), 3u);
}

TEST_F(PairingTest, ExactDuplicatesAreIgnoredAndCounted) {
  Feed(Event(cgnat::v1::CREATE, kT0));
  Feed(Event(cgnat::v1::CREATE, kT0));
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000));
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000));  // after the pair closed
  Feed(Event(cgnat::v1::CREATE, kT0));         // ditto
  ASSERT_EQ(Sessions().size(), 1u);
  EXPECT_EQ(Count("duplicate"), 3u);
  // Held deletes too.
  Feed(Event(cgnat::v1::DELETE, kT0 + 2000, 41000));
  Feed(Event(cgnat::v1::DELETE, kT0 + 2000, 41000));
  EXPECT_EQ(Count("duplicate"), 4u);
}

TEST_F(PairingTest, DuplicateWindowIsConfigurable) {
  for (int64_t window_s : {0, 40}) {  // the default (10s), then 40s
    Make("session_pairing", window_s);
    Feed(Event(cgnat::v1::CREATE, kT0));
    Feed(Event(cgnat::v1::DELETE, kT0 + 1000));
    // Stream time moves 30s on (another mapping), then the delete again.
    Feed(Event(cgnat::v1::CREATE, kT0 + 31000, 41000));
    Feed(Event(cgnat::v1::DELETE, kT0 + 1000));
    if (window_s == 0) {
      EXPECT_EQ(Count("duplicate"), 0u);
      EXPECT_EQ(Count("held_delete"), 1u);
    } else {
      EXPECT_EQ(Count("duplicate"), 1u);
      EXPECT_EQ(Count("held_delete"), 0u);
    }
  }
}

TEST_F(PairingTest, GaugesCountOpenMappingsAndHeldDeletes) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000));
  Feed(Event(cgnat::v1::CREATE, kT0, 40001));
  EXPECT_EQ(context_->gauge("open"), 2);
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000, 40000));
  EXPECT_EQ(context_->gauge("open"), 1);
  Feed(Event(cgnat::v1::DELETE, kT0 + 2000, 40002));  // no create yet
  EXPECT_EQ(context_->gauge("held"), 1);
  Feed(Event(cgnat::v1::CREATE, kT0 + 1500, 40002));  // pairs with it
  EXPECT_EQ(context_->gauge("held"), 0);
  EXPECT_EQ(context_->gauge("open"), 1);
  // Expiry (max_lifetime 1h) brings it to zero.
  Feed(Event(cgnat::v1::CREATE, kT0 + 2 * 3600 * 1000, 40003));
  EXPECT_EQ(Count("expired"), 1u);
  EXPECT_EQ(context_->gauge("open"), 1);  // the last create only
}

TEST_F(PairingTest, SecondCreateSupersedesTheFirst) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000, 1));
  Feed(Event(cgnat::v1::CREATE, kT0 + 7000, 40000, 2));
  auto sessions = Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].status(), cgnat::v1::SUPERSEDED);
  EXPECT_EQ(sessions[0].start_time().seconds(), kT0 / 1000);
  EXPECT_EQ(sessions[0].end_time().seconds(), (kT0 + 7000) / 1000);
  EXPECT_EQ(sessions[0].create_record().offset(), 1);
  Feed(Event(cgnat::v1::DELETE, kT0 + 9000, 40000, 3));
  sessions = Sessions();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[1].status(), cgnat::v1::CLOSED);
  EXPECT_EQ(sessions[1].create_record().offset(), 2);
  EXPECT_EQ(sessions[1].duration().seconds(), 2);
  EXPECT_EQ(Count("superseded"), 1u);
}

TEST_F(PairingTest, OpenMappingExpiresAfterMaxLifetime) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000, 8));
  Feed(Event(cgnat::v1::CREATE, kT0 + 3599000, 50000));
  EXPECT_TRUE(Sessions().empty());
  // Expiry is checked every max_lifetime / 24 (150 s here) of stream time.
  Feed(Event(cgnat::v1::CREATE, kT0 + 3750000, 50001));
  auto sessions = Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].status(), cgnat::v1::EXPIRED);
  EXPECT_EQ(sessions[0].start_time().seconds(), kT0 / 1000);
  EXPECT_FALSE(sessions[0].has_end_time());
  EXPECT_EQ(sessions[0].create_record().offset(), 8);
  EXPECT_EQ(context_->forwarded[0].timestamp_ms, kT0 + 3600000);
  EXPECT_EQ(Count("expired"), 1u);
  // The expired mapping is gone: its delete is now unmatched.
  Feed(Event(cgnat::v1::DELETE, kT0 + 3752000, 40000));
  EXPECT_EQ(Count("held_delete"), 1u);
}

TEST_F(PairingTest, UpdateExtendsTheLifetime) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000));
  Feed(Event(cgnat::v1::UPDATE, kT0 + 1800000, 40000));
  Feed(Event(cgnat::v1::CREATE, kT0 + 3900000, 50000));
  EXPECT_TRUE(Sessions().empty());
  Feed(Event(cgnat::v1::DELETE, kT0 + 4000000, 40000));
  ASSERT_EQ(Sessions().size(), 1u);
  EXPECT_EQ(Sessions()[0].status(), cgnat::v1::CLOSED);
  EXPECT_EQ(Count("updated"), 1u);
}

TEST_F(PairingTest, StateHoldsOnlyOpenMappingsAndHeldDeletes) {
  auto entries = [&] { return context_->store("pairing")->entries().size(); };
  Feed(Event(cgnat::v1::CREATE, kT0, 40000));
  EXPECT_EQ(entries(), 1u);
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000, 40000));
  EXPECT_EQ(entries(), 0u);
  Feed(Event(cgnat::v1::DELETE, kT0 + 2000, 41000));  // held
  EXPECT_EQ(entries(), 1u);
  Feed(Event(cgnat::v1::CREATE, kT0 + 63000, 50000));  // held one expires
  EXPECT_EQ(Count("unmatched_delete"), 1u);
  EXPECT_EQ(entries(), 1u);  // only the new mapping
}

TEST_F(PairingTest, HeldDeadlinesAndExpiryComeBackAfterARestart) {
  Feed(Event(cgnat::v1::CREATE, kT0, 40000));
  Feed(Event(cgnat::v1::DELETE, kT0 + 1000, 41000));  // held
  // A new processor over the same store, as after a restart or restore.
  std::map<std::string, std::string> state(
      context_->store("pairing")->entries().begin(),
      context_->store("pairing")->entries().end());
  Make("session_pairing");
  for (const auto& [k, v] : state) {
    ASSERT_TRUE(context_->store("pairing")->Put(k, v).ok());
  }
  Feed(Event(cgnat::v1::CREATE, kT0 + 62000, 50000));
  Feed(Event(cgnat::v1::CREATE, kT0 + 63000, 50001));
  EXPECT_EQ(Count("unmatched_delete"), 1u);
  Feed(Event(cgnat::v1::CREATE, kT0 + 3601000, 50002));
  EXPECT_EQ(Count("expired"), 1u);
}

TEST_F(PairingTest, OtherMappingsPassOver) {
  Feed(Event(cgnat::v1::CREATE, kT0, 0, 0, cgnat::v1::PORT_BLOCK));
  EXPECT_EQ(Count("other_mapping"), 1u);
  EXPECT_TRUE(Sessions().empty());
}

TEST_F(PairingTest, PortBlocksPairIntoLeases) {
  Make("port_block_pairing");
  Feed(Event(cgnat::v1::CREATE, kT0, 0, 21, cgnat::v1::PORT_BLOCK));
  Feed(Event(cgnat::v1::CREATE, kT0 + 10, 40000, 22));  // a session: ignored
  Feed(Event(cgnat::v1::DELETE, kT0 + 600000, 0, 23, cgnat::v1::PORT_BLOCK));
  ASSERT_EQ(context_->forwarded.size(), 1u);
  const auto& lease =
      static_cast<const PortBlockLease&>(*context_->forwarded[0].message);
  EXPECT_EQ(lease.status(), cgnat::v1::CLOSED);
  EXPECT_EQ(lease.port_block_start(), 1024u);
  EXPECT_EQ(lease.port_block_end(), 1535u);
  EXPECT_EQ(lease.duration().seconds(), 600);
  EXPECT_EQ(lease.allocate_record().offset(), 21);
  EXPECT_EQ(lease.release_record().offset(), 23);
  EXPECT_EQ(IpToString(lease.outside_ip()), "100.64.0.1");
}

}  // namespace
}  // namespace netstreams

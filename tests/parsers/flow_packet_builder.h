// Test helper: builds NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) packets
// byte by byte, and the RFC 8158 NAT44 session record most tests send.
// For the flow_decode stage test and anything else that needs packets;
// not thread-safe (a builder is a value).
#ifndef NETSTREAMS_TESTS_PARSERS_FLOW_PACKET_BUILDER_H_
#define NETSTREAMS_TESTS_PARSERS_FLOW_PACKET_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "src/common/ip_address.h"

namespace netstreams {
namespace flow_testing {

inline constexpr uint32_t kExport = 1700000000;  // 2023-11-14T22:13:20Z
inline constexpr int64_t kExportMs = int64_t{kExport} * 1000;

// The raw 4 or 16 bytes of an address literal (aborts on a typo).
inline std::string Ip(const std::string& text) {
  IpBytes ip;
  if (!ParseIp(text, &ip)) std::abort();
  return std::string(ip.view());
}

// A field specifier: IE id, length, enterprise number (0: IANA).
struct F {
  uint16_t id;
  uint16_t length;
  uint32_t enterprise = 0;
};

class Packet {
 public:
  static Packet V9(uint32_t sequence, uint32_t source_id = 0,
                   uint32_t secs = kExport) {
    Packet p(false);
    p.U16(9).U16(0).U32(123456).U32(secs).U32(sequence).U32(source_id);
    return p;
  }
  static Packet Ipfix(uint32_t sequence, uint32_t domain = 0,
                      uint32_t export_time = kExport) {
    Packet p(true);
    p.U16(10).U16(0).U32(export_time).U32(sequence).U32(domain);
    return p;
  }

  Packet& U8(uint64_t v) { return N(v, 1); }
  Packet& U16(uint64_t v) { return N(v, 2); }
  Packet& U32(uint64_t v) { return N(v, 4); }
  Packet& U64(uint64_t v) { return N(v, 8); }
  Packet& N(uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
      b_.push_back(static_cast<char>(v >> (8 * i)));
    }
    return *this;
  }
  Packet& Raw(const std::string& bytes) {
    b_ += bytes;
    return *this;
  }
  Packet& Addr(const std::string& text) { return Raw(Ip(text)); }
  // A variable-length value with its 1- or 3-byte length prefix.
  Packet& VarLen(const std::string& bytes, bool force_long = false) {
    if (bytes.size() < 255 && !force_long) {
      U8(bytes.size());
    } else {
      U8(255).U16(bytes.size());
    }
    return Raw(bytes);
  }

  // Opens a set; End() closes it (after `pad` zero bytes) and fills in
  // its length.
  Packet& Set(uint16_t id) {
    set_start_ = b_.size();
    return U16(id).U16(0);
  }
  Packet& End(size_t pad = 0) {
    b_.append(pad, '\0');
    const size_t length = b_.size() - set_start_;
    b_[set_start_ + 2] = static_cast<char>(length >> 8);
    b_[set_start_ + 3] = static_cast<char>(length);
    return *this;
  }

  // One template record (a withdrawal in IPFIX when `fields` is empty).
  Packet& Template(uint16_t id, const std::vector<F>& fields) {
    U16(id).U16(fields.size());
    return Fields(fields);
  }
  // One options template record, in the packet's version.
  Packet& OptionsTemplate(uint16_t id, const std::vector<F>& scope,
                          const std::vector<F>& fields) {
    if (ipfix_) {
      U16(id).U16(scope.size() + fields.size()).U16(scope.size());
    } else {
      U16(id).U16(4 * scope.size()).U16(4 * fields.size());
    }
    Fields(scope);
    return Fields(fields);
  }
  // Field specifiers alone (enterprise ones with the high bit set).
  Packet& Fields(const std::vector<F>& fields) {
    for (const F& f : fields) {
      if (f.enterprise != 0) {
        U16(f.id | 0x8000).U16(f.length).U32(f.enterprise);
      } else {
        U16(f.id).U16(f.length);
      }
    }
    return *this;
  }

  // The packet; IPFIX gets its message length filled in.
  std::string Build() const {
    std::string out = b_;
    if (ipfix_) {
      out[2] = static_cast<char>(out.size() >> 8);
      out[3] = static_cast<char>(out.size());
    }
    return out;
  }

 private:
  explicit Packet(bool ipfix) : ipfix_(ipfix) {}
  bool ipfix_;
  std::string b_;
  size_t set_start_ = 0;
};

// The RFC 8158 NAT44 session layout: observationTimeMilliseconds,
// natEvent, ingressVRFID, protocolIdentifier, inside address and port,
// post-NAT address and port, destination address and port, post-NAT
// destination address and port, natOriginatingAddressRealm.
inline const std::vector<F>& Nat44Fields() {
  static const std::vector<F>* fields = new std::vector<F>{
      {323, 8}, {230, 1}, {234, 4}, {4, 1},   {8, 4},   {7, 2},  {225, 4},
      {227, 2}, {12, 4},  {11, 2},  {226, 4}, {228, 2}, {229, 1}};
  return *fields;
}

struct Nat44 {
  uint64_t ms = kExportMs + 250;
  uint8_t event = 4;  // NAT44 session create
  uint32_t vrf = 7;
  uint8_t protocol = 6;
  std::string inside = "10.0.0.1";
  uint16_t inside_port = 40000;
  std::string outside = "198.51.100.7";
  uint16_t outside_port = 1024;
  std::string destination = "203.0.113.9";
  uint16_t destination_port = 443;
  uint8_t realm = 1;
};

// Appends one record in the Nat44Fields() layout.
inline Packet& AddNat44(Packet& p, const Nat44& r) {
  return p.U64(r.ms)
      .U8(r.event)
      .U32(r.vrf)
      .U8(r.protocol)
      .Addr(r.inside)
      .U16(r.inside_port)
      .Addr(r.outside)
      .U16(r.outside_port)
      .Addr(r.destination)
      .U16(r.destination_port)
      .Addr(r.destination)
      .U16(r.destination_port)
      .U8(r.realm);
}

}  // namespace flow_testing
}  // namespace netstreams

#endif  // NETSTREAMS_TESTS_PARSERS_FLOW_PACKET_BUILDER_H_

#include "src/parsers/nfware_parser.h"

#include "src/parsers/endpoint.h"

namespace netstreams {
namespace {

using cgnat::v1::NatEvent;

// Space-separated tokens over a view; runs of spaces count as one.
class Tokens {
 public:
  explicit Tokens(absl::string_view text) : text_(text) {}

  bool Next(absl::string_view* token) {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
    if (pos_ >= text_.size()) return false;
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ' ') ++pos_;
    *token = text_.substr(start, pos_ - start);
    last_start_ = start;
    return true;
  }
  size_t offset() const { return last_start_; }
  size_t end_offset() const { return pos_; }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
  size_t last_start_ = 0;
};

void SetIp(const IpBytes& ip, std::string* field) {
  field->assign(reinterpret_cast<const char*>(ip.bytes), ip.size);
}

bool EndpointError(EndpointStatus status, const char* what_address,
                   const char* what_port, size_t at, ParseError* error) {
  if (status == EndpointStatus::kBadAddress) {
    return error->Set("invalid_value", what_address, at);
  }
  return error->Set("invalid_value", what_port, at);
}

}  // namespace

bool ParseNfware(absl::string_view message, NatEvent* event,
                 ParseError* error) {
  // Trailing CR/LF/space from collectors is not part of the message.
  while (!message.empty() &&
         (message.back() == '\n' || message.back() == '\r' ||
          message.back() == ' ')) {
    message.remove_suffix(1);
  }
  Tokens tokens(message);
  absl::string_view tok;

  if (!tokens.Next(&tok)) {
    return error->Set("unrecognized", "nfware: empty message", 0);
  }
  if (tok == "A") {
    event->set_action(cgnat::v1::CREATE);
  } else if (tok == "D") {
    event->set_action(cgnat::v1::DELETE);
  } else if (tok.size() == 1) {
    return error->Set("invalid_value", "nfware: action must be A or D",
                      tokens.offset());
  } else {
    return error->Set("unrecognized", "nfware: expected action A or D",
                      tokens.offset());
  }
  if (!tokens.Next(&tok) || tok != "VRF") {
    return error->Set("unrecognized", "nfware: expected 'VRF' after action",
                      tokens.offset());
  }
  if (!tokens.Next(&tok)) {
    return error->Set("unrecognized", "nfware: missing VRF id",
                      tokens.end_offset());
  }
  uint32_t vrf;
  if (!ParseBoundedUint(tok, 0xFFFFFFFFu, &vrf)) {
    return error->Set("invalid_value", "nfware: VRF id is not a number",
                      tokens.offset());
  }
  event->set_vrf(tok.data(), tok.size());

  if (!tokens.Next(&tok)) {
    return error->Set("unrecognized", "nfware: missing INT",
                      tokens.end_offset());
  }
  bool has_protocol = false;
  if (tok != "INT") {
    uint32_t protocol;
    if (!ParseBoundedUint(tok, 255, &protocol)) {
      return error->Set("invalid_value",
                        "nfware: expected protocol number 0..255 or INT",
                        tokens.offset());
    }
    event->set_protocol(protocol);
    has_protocol = true;
    if (!tokens.Next(&tok) || tok != "INT") {
      return error->Set("unrecognized", "nfware: expected 'INT' after protocol",
                        tokens.offset());
    }
  }
  Endpoint inside, outside, destination;
  if (!tokens.Next(&tok)) {
    return error->Set("unrecognized", "nfware: missing inside address",
                      tokens.end_offset());
  }
  EndpointStatus s = ParseEndpoint(tok, &inside);
  if (s != EndpointStatus::kOk) {
    return EndpointError(s, "nfware: invalid inside address",
                         "nfware: invalid inside port", tokens.offset(), error);
  }
  if (inside.has_range) {
    return error->Set("invalid_value", "nfware: inside port cannot be a range",
                      tokens.offset());
  }
  if (!tokens.Next(&tok) || tok != "EXT") {
    return error->Set("unrecognized", "nfware: expected 'EXT'",
                      tokens.offset());
  }
  if (!tokens.Next(&tok)) {
    return error->Set("unrecognized", "nfware: missing outside address",
                      tokens.end_offset());
  }
  s = ParseEndpoint(tok, &outside);
  if (s != EndpointStatus::kOk) {
    return EndpointError(s, "nfware: invalid outside address",
                         "nfware: invalid outside port", tokens.offset(),
                         error);
  }
  bool has_destination = false;
  if (tokens.Next(&tok)) {
    if (tok != "DST") {
      return error->Set("unrecognized", "nfware: unexpected text after EXT",
                        tokens.offset());
    }
    if (!tokens.Next(&tok)) {
      return error->Set("unrecognized", "nfware: missing destination",
                        tokens.end_offset());
    }
    s = ParseEndpoint(tok, &destination);
    if (s != EndpointStatus::kOk) {
      return EndpointError(s, "nfware: invalid destination address",
                           "nfware: invalid destination port", tokens.offset(),
                           error);
    }
    if (!destination.has_port || destination.has_range) {
      return error->Set("invalid_value", "nfware: destination needs one port",
                        tokens.offset());
    }
    if (!tokens.Next(&tok) || tok != "DIR") {
      return error->Set("unrecognized", "nfware: expected 'DIR'",
                        tokens.offset());
    }
    if (!tokens.Next(&tok)) {
      return error->Set("unrecognized", "nfware: missing direction",
                        tokens.end_offset());
    }
    if (tok == "OUT") {
      event->set_direction(cgnat::v1::OUTBOUND);
    } else if (tok == "IN") {
      event->set_direction(cgnat::v1::INBOUND);
    } else {
      return error->Set("invalid_value", "nfware: direction must be IN or OUT",
                        tokens.offset());
    }
    has_destination = true;
    if (tokens.Next(&tok)) {
      return error->Set("unrecognized", "nfware: unexpected text after DIR",
                        tokens.offset());
    }
  }

  // Which mapping: decided by the parts present; other mixes are invalid.
  if (has_destination) {
    if (!has_protocol || !inside.has_port || !outside.has_port ||
        outside.has_range) {
      return error->Set("unrecognized",
                        "nfware: a session needs protocol, INT ip:port and "
                        "EXT ip:port",
                        0);
    }
    event->set_mapping(cgnat::v1::SESSION);
  } else if (outside.has_range) {
    if (inside.has_port) {
      return error->Set("unrecognized",
                        "nfware: a port block has no inside port", 0);
    }
    event->set_mapping(cgnat::v1::PORT_BLOCK);
    event->set_port_block_start(outside.port);
    event->set_port_block_end(outside.port_end);
  } else if (inside.has_port || outside.has_port) {
    if (!has_protocol || !inside.has_port || !outside.has_port) {
      return error->Set("unrecognized",
                        "nfware: a port mapping needs protocol, INT ip:port "
                        "and EXT ip:port",
                        0);
    }
    event->set_mapping(cgnat::v1::PORT);
  } else {
    if (has_protocol) {
      return error->Set("unrecognized",
                        "nfware: an address mapping has no protocol", 0);
    }
    event->set_mapping(cgnat::v1::ADDRESS);
  }
  SetIp(inside.ip, event->mutable_inside_ip());
  SetIp(outside.ip, event->mutable_outside_ip());
  if (inside.has_port) event->set_inside_port(inside.port);
  if (outside.has_port && !outside.has_range) {
    event->set_outside_port(outside.port);
  }
  if (has_destination) {
    SetIp(destination.ip, event->mutable_destination_ip());
    event->set_destination_port(destination.port);
  }
  return true;
}

}  // namespace netstreams

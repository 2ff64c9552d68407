// pmacct nfacctd NAT event records, as its kafka (or print/amqp) plugin
// writes them with `kafka_output: json`: one flat JSON object per record.
// The grammar, the field names and the choices made are documented at the
// top of nfacctd_parser.cc. DetectNfacctd / ParseNfacctd (vendor.h) are the
// parse stage's entry points; this header adds the variant with the
// exporter's natEvent numbering spelled out.
#ifndef NETSTREAMS_SRC_PARSERS_NFACCTD_PARSER_H_
#define NETSTREAMS_SRC_PARSERS_NFACCTD_PARSER_H_

#include "absl/strings/string_view.h"
#include "cgnat/v1/nat_event.pb.h"
#include "src/parsers/parse_error.h"
#include "src/parsers/syslog_framing.h"
#include "src/parsers/vendor.h"

namespace netstreams {

// How the exporter numbers natEvent (IPFIX IE 230).
enum class NatEventNumbering {
  // IANA "NAT Event Type" registry, RFC 8158 section 4.3 (the default).
  kIana,
  // Juniper MS-MPC / MX-SPC3 flow-monitoring NAT logging, one below IANA
  // from 1 on: 1/2 NAT44 session, 3 exhausted, 4/5 NAT64 session, 6/7
  // NAT44 BIB, 8/9 NAT64 BIB, 10 ports exhausted, 11 quota, 12/13
  // address, 14/15 port block allocate/release, 16 port block active.
  kJunos,
};

// Parses one pmacct JSON record. Zone-less timestamps (pmacct's default
// "YYYY-MM-DD hh:mm:ss" form) are read in `time.zone`. Fills the event as
// ParseNfacctd does, including `device` from peer_ip_src.
bool ParseNfacctdJson(absl::string_view json, NatEventNumbering numbering,
                      const SyslogTimeContext& time, cgnat::v1::NatEvent* event,
                      BodyTime* body_time, ParseError* error);

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_PARSERS_NFACCTD_PARSER_H_

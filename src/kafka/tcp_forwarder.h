// Forwards TCP connections from a fixed loopback port to another address.
//
// librdkafka's mock cluster listens on ephemeral ports only. The dev
// broker puts this in front of it so that clients can bootstrap from a
// fixed, configured port; the brokers' metadata then points them at the
// mock's own listeners, so only bootstrap traffic passes through here.
// One background thread; poll(2) over non-blocking sockets.
#ifndef NETSTREAMS_SRC_KAFKA_TCP_FORWARDER_H_
#define NETSTREAMS_SRC_KAFKA_TCP_FORWARDER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace netstreams {

class TcpForwarder {
 public:
  // Listens on 127.0.0.1:`listen_port` (0 picks a free port) and forwards
  // each connection to `upstream_host`:`upstream_port`.
  static absl::StatusOr<std::unique_ptr<TcpForwarder>> Start(
      int listen_port, const std::string& upstream_host, int upstream_port);
  ~TcpForwarder();

  int port() const { return port_; }

 private:
  TcpForwarder() = default;
  void Run();

  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  int port_ = 0;
  std::string upstream_host_;
  int upstream_port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_KAFKA_TCP_FORWARDER_H_

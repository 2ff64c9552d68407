// The operator endpoint: a small HTTP server (civetweb, as prometheus-cpp's
// own exposer uses) serving
//   /metrics  the Prometheus text exposition of whatever `metrics` returns
//   /healthz  200 while the process is alive
//   /readyz   200 when `ready` says so, else 503 with the reason
// on one address (default loopback only). Handlers run on the server's own
// threads; the callbacks must be thread-safe.
#ifndef NETSTREAMS_SRC_METRICS_METRICS_SERVER_H_
#define NETSTREAMS_SRC_METRICS_METRICS_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

class CivetServer;

namespace netstreams {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, or what it is doing
};

struct MetricsEndpoints {
  std::function<std::string()> metrics;  // text exposition format
  std::function<Readiness()> ready;
};

class MetricsServer {
 public:
  // `address` is HOST:PORT; port 0 picks a free one (see port()).
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& address, MetricsEndpoints endpoints);
  ~MetricsServer();

  int port() const { return port_; }

 private:
  class Handler;
  MetricsServer() = default;
  MetricsEndpoints endpoints_;
  std::unique_ptr<Handler> metrics_, healthz_, readyz_;
  std::unique_ptr<CivetServer> server_;
  int port_ = 0;
};

}  // namespace netstreams

#endif  // NETSTREAMS_SRC_METRICS_METRICS_SERVER_H_

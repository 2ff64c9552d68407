#include "src/metrics/metrics_server.h"

#include <CivetServer.h>

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace netstreams {

class MetricsServer::Handler : public CivetHandler {
 public:
  explicit Handler(std::function<void(mg_connection*)> serve)
      : serve_(std::move(serve)) {}
  bool handleGet(CivetServer* server, mg_connection* conn) override {
    serve_(conn);
    return true;
  }

 private:
  std::function<void(mg_connection*)> serve_;
};

namespace {

void Reply(mg_connection* conn, int code, const char* content_type,
           const std::string& body) {
  const char* text = code == 200 ? "OK" : "Service Unavailable";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
            code, text, content_type, body.size());
  mg_write(conn, body.data(), body.size());
}

}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& address, MetricsEndpoints endpoints) {
  size_t colon = address.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address '", address,
                     "': expected HOST:PORT, e.g. 127.0.0.1:9464"));
  }
  std::unique_ptr<MetricsServer> self(new MetricsServer());
  self->endpoints_ = std::move(endpoints);
  MetricsServer* s = self.get();
  self->metrics_ = std::make_unique<Handler>([s](mg_connection* conn) {
    Reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
          s->endpoints_.metrics());
  });
  self->healthz_ = std::make_unique<Handler>(
      [](mg_connection* conn) { Reply(conn, 200, "text/plain", "ok\n"); });
  self->readyz_ = std::make_unique<Handler>([s](mg_connection* conn) {
    Readiness r = s->endpoints_.ready();
    Reply(conn, r.ready ? 200 : 503, "text/plain",
          absl::StrCat(r.ready ? "ready" : "not ready",
                       r.reason.empty() ? "" : ": ", r.reason, "\n"));
  });
  std::vector<std::string> options = {"listening_ports", address, "num_threads",
                                      "2"};
  try {
    self->server_ = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  self->server_->addHandler("/metrics", self->metrics_.get());
  self->server_->addHandler("/healthz", self->healthz_.get());
  self->server_->addHandler("/readyz", self->readyz_.get());
  std::vector<int> ports = self->server_->getListeningPorts();
  self->port_ = ports.empty() ? port : ports[0];
  return self;
}

MetricsServer::~MetricsServer() {
  if (server_ != nullptr) server_->close();
}

}  // namespace netstreams

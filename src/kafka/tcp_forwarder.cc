#include "src/kafka/tcp_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <vector>

#include "absl/strings/str_cat.h"

namespace netstreams {
namespace {

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// One direction of a connection: bytes read from `from`, not yet written
// to `to`.
struct Pipe {
  int from = -1;
  int to = -1;
  std::vector<char> buffer;
  size_t start = 0;
  size_t end = 0;
  bool pending() const { return end > start; }
};

struct Connection {
  Pipe up;    // client -> upstream
  Pipe down;  // upstream -> client
  bool closed = false;
};

constexpr size_t kBufferBytes = 256 * 1024;

// Moves bytes through one pipe; returns false when the connection ends.
bool Pump(Pipe& p, short from_events, short to_events) {
  if ((to_events & (POLLERR | POLLHUP)) != 0) return false;
  if (p.pending() && (to_events & POLLOUT)) {
    ssize_t n = ::write(p.to, p.buffer.data() + p.start, p.end - p.start);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) p.start += static_cast<size_t>(n);
    if (p.start == p.end) p.start = p.end = 0;
  }
  if (!p.pending() && (from_events & (POLLIN | POLLHUP | POLLERR))) {
    ssize_t n = ::read(p.from, p.buffer.data(), p.buffer.size());
    if (n == 0) return false;
    if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
    if (n > 0) {
      p.start = 0;
      p.end = static_cast<size_t>(n);
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TcpForwarder>> TcpForwarder::Start(
    int listen_port, const std::string& upstream_host, int upstream_port) {
  std::unique_ptr<TcpForwarder> f(new TcpForwarder());
  f->upstream_host_ = upstream_host;
  f->upstream_port_ = upstream_port;
  f->listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (f->listen_fd_ < 0) return absl::InternalError("socket() failed");
  int one = 1;
  setsockopt(f->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(listen_port));
  if (::bind(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) !=
      0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on 127.0.0.1:", listen_port, ": ", strerror(errno)));
  }
  if (::listen(f->listen_fd_, 64) != 0) {
    return absl::UnavailableError(
        absl::StrCat("listen() failed: ", strerror(errno)));
  }
  socklen_t len = sizeof(addr);
  getsockname(f->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  f->port_ = ntohs(addr.sin_port);
  SetNonBlocking(f->listen_fd_);
  if (::pipe(f->wake_fds_) != 0) return absl::InternalError("pipe() failed");
  f->thread_ = std::thread([self = f.get()] { self->Run(); });
  return f;
}

TcpForwarder::~TcpForwarder() {
  stop_ = true;
  if (wake_fds_[1] >= 0) {
    char c = 0;
    ssize_t ignored = ::write(wake_fds_[1], &c, 1);
    (void)ignored;
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : {listen_fd_, wake_fds_[0], wake_fds_[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

void TcpForwarder::Run() {
  std::list<Connection> connections;
  std::vector<pollfd> fds;
  while (!stop_) {
    fds.clear();
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({wake_fds_[0], POLLIN, 0});
    for (Connection& c : connections) {
      // Order per connection: client fd, upstream fd.
      short client = static_cast<short>((c.up.pending() ? 0 : POLLIN) |
                                        (c.down.pending() ? POLLOUT : 0));
      short upstream = static_cast<short>((c.down.pending() ? 0 : POLLIN) |
                                          (c.up.pending() ? POLLOUT : 0));
      fds.push_back({c.up.from, client, 0});
      fds.push_back({c.up.to, upstream, 0});
    }
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;
    size_t i = 2;
    for (Connection& c : connections) {
      short client = fds[i].revents;
      short upstream = fds[i + 1].revents;
      i += 2;
      if (!Pump(c.up, client, upstream) || !Pump(c.down, upstream, client)) {
        c.closed = true;
      }
    }
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->closed) {
        ::close(it->up.from);
        ::close(it->up.to);
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
    if (fds[0].revents & POLLIN) {
      int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr = {};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
      inet_pton(AF_INET, upstream_host_.c_str(), &addr.sin_addr);
      if (upstream < 0 ||
          ::connect(upstream, reinterpret_cast<sockaddr*>(&addr),
                    sizeof(addr)) != 0) {
        ::close(client);
        if (upstream >= 0) ::close(upstream);
        continue;
      }
      SetNonBlocking(client);
      SetNonBlocking(upstream);
      Connection c;
      c.up = {client, upstream, std::vector<char>(kBufferBytes)};
      c.down = {upstream, client, std::vector<char>(kBufferBytes)};
      connections.push_back(std::move(c));
    }
  }
  for (Connection& c : connections) {
    ::close(c.up.from);
    ::close(c.up.to);
  }
}

}  // namespace netstreams

// Early-return helpers for absl::Status / absl::StatusOr, which Abseil's
// 20220623 release does not ship.
#ifndef NETSTREAMS_SRC_COMMON_STATUS_MACROS_H_
#define NETSTREAMS_SRC_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define NS_CONCAT_INNER_(a, b) a##b
#define NS_CONCAT_(a, b) NS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if it is not OK.
#define NS_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status ns_status_ = (expr);      \
    if (!ns_status_.ok()) return ns_status_; \
  } while (0)

// `NS_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from an OK StatusOr or
// returns its status.
#define NS_ASSIGN_OR_RETURN(lhs, expr) \
  NS_ASSIGN_OR_RETURN_IMPL_(NS_CONCAT_(ns_statusor_, __LINE__), lhs, expr)

#define NS_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                              \
  if (!var.ok()) return std::move(var).status();  \
  lhs = std::move(var).value()

#endif  // NETSTREAMS_SRC_COMMON_STATUS_MACROS_H_

// Names of error kinds.
#include "core/common/error.h"

namespace slmq::core {

const char* errorKindName(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::InvalidInput:
      return "invalid input";
    case ErrorKind::Unsupported:
      return "unsupported";
    case ErrorKind::NotFound:
      return "not found";
    case ErrorKind::Resource:
      return "resource limit";
    case ErrorKind::Cancelled:
      return "cancelled";
    case ErrorKind::Store:
      return "store error";
    case ErrorKind::Internal:
      return "internal error";
  }
  return "error";
}

}  // namespace slmq::core

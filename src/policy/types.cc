#include "policy/types.h"

namespace irsa::policy {

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
      return "identity";
    case PolicyKind::kResource:
      return "resource";
    case PolicyKind::kTrust:
      return "trust";
    case PolicyKind::kSession:
      return "session";
    case PolicyKind::kBoundary:
      return "boundary";
  }
  return "identity";
}

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllowed:
      return "Allowed";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

}  // namespace irsa::policy

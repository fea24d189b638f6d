// Registers the IAM families beyond the core entities (see iam_adapters.h).
#include "protocol/iam_adapters.h"

namespace irsa::protocol {

void RegisterIamSurfaceActions(QueryActionTable& iam) {
  RegisterIamGroupActions(iam);
  RegisterIamInstanceProfileActions(iam);
  RegisterIamOutboundFederationActions(iam);
}

}  // namespace irsa::protocol

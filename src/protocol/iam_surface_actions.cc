// Registers the IAM families beyond the core entities (see iam_adapters.h).
#include "protocol/iam_adapters.h"

namespace irsa::protocol {

void RegisterIamSurfaceActions(QueryActionTable& iam) {
  RegisterIamGroupActions(iam);
  RegisterIamInstanceProfileActions(iam);
  RegisterIamLoginProfileActions(iam);
  RegisterIamMfaActions(iam);
  RegisterIamCredentialReportActions(iam);
  RegisterIamKeyActions(iam);
  RegisterIamServerCertificateActions(iam);
  RegisterIamAccountActions(iam);
  RegisterIamSamlActions(iam);
  RegisterIamOutboundFederationActions(iam);
}

}  // namespace irsa::protocol

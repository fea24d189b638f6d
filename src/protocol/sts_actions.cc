// STS over the Query protocol.
#include "protocol/query_api.h"

namespace irsa::protocol {
namespace {

// Never denied by policy: AWS answers it even under an explicit Deny.
Result<HttpResponse> GetCallerIdentity(const QueryCall& call) {
  XmlWriter w = call.Writer();
  w.Element("Arn", call.caller.arn)
      .Element("UserId", call.caller.user_id)
      .Element("Account", call.caller.account);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterStsActions(QueryActionTable& sts) { sts["GetCallerIdentity"] = {GetCallerIdentity}; }

}  // namespace irsa::protocol

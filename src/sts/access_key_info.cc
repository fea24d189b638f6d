// GetAccessKeyInfo: the account of an access key id irsa issued.
#include "base/ids.h"
#include "iam/access_keys.h"
#include "iam/accounts.h"
#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

Error NotIssued(const std::string& key_id) {
  return errors::InvalidParameterValue(
      "The access key ID " + key_id +
      " was not issued by irsa: GetAccessKeyInfo answers only for the long-term keys irsa stores "
      "and the session keys it minted for one of its accounts.");
}

}  // namespace

Result<std::string> StsService::GetAccessKeyInfo(const authz::Caller& caller,
                                                 const authz::RequestFacts& facts,
                                                 const std::string& access_key_id) {
  audit::AuditEvent event;
  event.request_id = facts.request_id;
  event.event = "GetAccessKeyInfo";
  event.principal = caller.arn;
  event.source_ip = facts.source_ip;
  event.access_key_id = access_key_id;
  Result<std::string> account = [&]() -> Result<std::string> {
    if (access_key_id.starts_with(id_prefix::kTemporaryAccessKey)) {
      std::optional<std::string> encoded = AccountOfAccessKeyId(access_key_id);
      if (!encoded) return NotIssued(access_key_id);
      IRSA_TRY(bool served, iam::AccountExists(iam_, *encoded));
      if (!served) return NotIssued(access_key_id);
      return *encoded;
    }
    IRSA_TRY(std::optional<iam::StoredAccessKey> stored, iam::FindAccessKey(iam_, access_key_id));
    if (!stored) return NotIssued(access_key_id);
    return stored->account;
  }();
  event.allowed = account.ok();
  if (account.ok()) {
    event.reason = "account " + *account;
  } else {
    event.error = account.error().code();
    event.reason = account.error().message();
  }
  audit_.Write(event);
  return account;
}

}  // namespace irsa::sts

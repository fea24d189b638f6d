#include "authz/access_recorder.h"

namespace irsa::authz {
namespace {

void Touch(AccessUse& use, std::string_view region, SystemTime at) {
  if (at < use.at) return;
  use.at = at;
  if (use.region != region) use.region.assign(region);
}

}  // namespace

std::string_view AccessRecorder::EntityOf(const Caller& caller) {
  switch (caller.type) {
    case CallerType::kUser:
      return caller.arn;
    case CallerType::kAssumedRole:
      return caller.role_arn;
    case CallerType::kFederatedUser:
      return caller.source_user_arn.find(":user/") != std::string::npos
                 ? std::string_view(caller.source_user_arn)
                 : std::string_view();
    default:
      return {};
  }
}

void AccessRecorder::Record(const Caller& caller, std::string_view action, std::string_view region,
                            SystemTime at) {
  const std::string_view entity = EntityOf(caller);
  const size_t colon = action.find(':');
  if (entity.empty() || colon == std::string_view::npos || colon == 0) return;
  const std::string_view service = action.substr(0, colon);
  const std::string_view name = action.substr(colon + 1);
  std::lock_guard<std::mutex> lock(mu_);
  auto e = uses_.find(entity);
  if (e == uses_.end()) e = uses_.emplace(std::string(entity), EntityUses{}).first;
  auto s = e->second.find(service);
  if (s == e->second.end()) s = e->second.emplace(std::string(service), ServiceUse{}).first;
  Touch(s->second.last, region, at);
  auto a = s->second.actions.find(name);
  if (a == s->second.actions.end())
    a = s->second.actions.emplace(std::string(name), AccessUse{}).first;
  Touch(a->second, region, at);
}

void AccessRecorder::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  uses_.clear();
}

EntityUses AccessRecorder::Uses(const std::string& entity_arn) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto e = uses_.find(entity_arn);
  return e == uses_.end() ? EntityUses{} : e->second;
}

}  // namespace irsa::authz

#include "authz/access.h"

namespace irsa::authz {

void AccessRequest::AddResourceTags(const std::vector<std::pair<std::string, std::string>>& tags,
                                    bool also_iam) {
  for (const auto& [key, value] : tags) {
    context.Set("aws:ResourceTag/" + key, value);
    if (also_iam) context.Set("iam:ResourceTag/" + key, value);
  }
}

void AccessRequest::AddRequestTags(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::vector<std::string> keys;
  keys.reserve(tags.size());
  for (const auto& [key, value] : tags) {
    context.Set("aws:RequestTag/" + key, value);
    keys.push_back(key);
  }
  context.SetMulti("aws:TagKeys", std::move(keys));
}

}  // namespace irsa::authz

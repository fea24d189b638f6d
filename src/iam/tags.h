// Tag validation and merging shared by roles, users, managed policies and OIDC providers.
//
// Rules (IAM): at most quotas.tags_per_resource tags per resource; key 1..128 and value 0..256
// characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]; keys are unique per resource case-insensitively;
// tagging an existing key (in any case) overwrites it, keeping the new spelling.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// Tag key/value characters: ASCII letters, digits, space and _.:/=+-@; non-ASCII (letters,
// separators, numbers of other scripts) when it is well-formed UTF-8. Says nothing of length.
bool IsValidTagText(std::string_view text);

// Checks one Tag*/Create* tag list: lengths, charset, no duplicate keys (InvalidInput
// "Duplicate tag keys found. Please note that Tag keys are case insensitive."), at most 50
// entries (the model's list limit: ValidationError "... at 'tags' failed to satisfy constraint:
// Member must have length less than or equal to 50"), and at most `max_tags` entries
// (LimitExceeded "Cannot exceed quota for TagsPer<resource>: <max>", for a quota set lower).
// `resource` is the quota suffix: "Role", "User", "Policy", "OpenIdConnectProvider".
Status ValidateTags(const std::vector<Tag>& tags, int64_t max_tags, std::string_view resource);
// Checks an Untag* key list: 1..50 keys, each a valid key.
Status ValidateTagKeys(const std::vector<std::string>& keys);

// Overwrites/appends `add` onto `existing` (case-insensitive keys). LimitExceeded if the result
// would have more than `max_tags` tags.
Status MergeTags(std::vector<Tag>& existing, const std::vector<Tag>& add, int64_t max_tags,
                 std::string_view resource);
// Removes the tags whose keys match (case-insensitively); absent keys are ignored.
void RemoveTags(std::vector<Tag>& existing, const std::vector<std::string>& keys);

// One page of a List*Tags call: tags in stored order, marker = index of the next tag.
Result<ListPage<Tag>> PageTags(const std::vector<Tag>& tags, const std::string& marker,
                               int max_items);

}  // namespace irsa::iam

// Input validation shared by the IAM operations: the botocore model's constraints (length,
// pattern, range) with the messages AWS sends for them ("1 validation error detected: Value 'x'
// at 'roleName' failed to satisfy constraint: ..."), and ARN helpers for IAM entities.
// The protocol adapter may validate the same constraints earlier; these checks make the service
// layer safe on its own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace irsa::iam {

// `field` is the model member in lowerCamelCase as AWS reports it, e.g. "roleName".
// Names: 1..max_len characters of [\w+=,.@-].
Status ValidateName(std::string_view value, std::string_view field, size_t max_len);
// Entity paths (pathType): "/" or "/…/" with characters U+0021–U+007E, at most 512.
Status ValidatePath(std::string_view value, std::string_view field);
// Managed policy paths (policyPathType): ((/[A-Za-z0-9.,+@=_-]+)*)/.
Status ValidatePolicyPath(std::string_view value, std::string_view field);
// Path prefixes (pathPrefixType): "/" followed by U+0021–U+007F, at most 512.
Status ValidatePathPrefix(std::string_view value, std::string_view field);
// Descriptions: at most 1000 characters; role descriptions also restricted to
// [\t\n\r\u0020-\u007E\u00A1-\u00FF] (counted in UTF-8 code points).
Status ValidateDescription(std::string_view value, std::string_view field, bool role_charset);
// Policy documents (policyDocumentType): 1..131072 characters of [\t\n\r\u0020-\u00FF].
Status ValidateDocumentCharset(std::string_view value, std::string_view field);
// MaxItems (maxItemsType): 1..1000. 0 means "not given" and yields 100.
Result<int> EffectiveMaxItems(int max_items);
// Integer range constraint, e.g. maxSessionDuration 3600..43200.
Status ValidateRange(int64_t value, std::string_view field, int64_t min, int64_t max);

// Number of UTF-8 code points (invalid bytes count as one each).
size_t Utf8Length(std::string_view text);

// The "1 validation error detected: Value '<v>' at '<field>' failed to satisfy constraint: <c>"
// error (ValidationError, 400).
Error ConstraintError(std::string_view value, std::string_view field, std::string_view constraint);

}  // namespace irsa::iam

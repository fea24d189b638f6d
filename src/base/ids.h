// AWS-style identifiers. Unique ids are a 4-letter prefix plus upper-case base32 (A-Z, 2-7),
// 21 characters for entity ids and 20 for access key ids, as AWS mints them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/random.h"

namespace irsa {

namespace id_prefix {
inline constexpr std::string_view kUser = "AIDA";
inline constexpr std::string_view kRole = "AROA";
inline constexpr std::string_view kPolicy = "ANPA";
inline constexpr std::string_view kPolicyVersion = "ANVA";
inline constexpr std::string_view kGroup = "AGPA";
inline constexpr std::string_view kAccessKey = "AKIA";
inline constexpr std::string_view kTemporaryAccessKey = "ASIA";
}  // namespace id_prefix

// prefix + 17 base32 characters (21 total): AIDA…, AROA…, ANPA….
std::string NewUniqueId(std::string_view prefix, Random& random);
// prefix + 16 base32 characters (20 total): AKIA…, ASIA….
std::string NewAccessKeyId(std::string_view prefix, Random& random);
// An access key id that names its account, as AWS's do (GetAccessKeyInfo answers from the id
// alone): prefix + the base32 of 10 bytes, the 12-digit `account` as a 40-bit big-endian number
// followed by 40 random bits (20 characters in all). `account` must be 12 digits.
std::string NewAccountAccessKeyId(std::string_view prefix, std::string_view account,
                                  Random& random);
// The account NewAccountAccessKeyId encoded in `key_id` (any 4-character prefix), or nullopt when
// `key_id` is not 20 characters of that layout or encodes no 12-digit number. An id of that layout
// that irsa did not mint decodes too: the caller decides whether the account is one it serves.
std::optional<std::string> AccountOfAccessKeyId(std::string_view key_id);
// 40 characters from [A-Za-z0-9+/], like AWS secret access keys.
std::string NewSecretAccessKey(Random& random);
// RFC 4122 version-4 UUID, lower case: request ids, Kubernetes uids.
std::string NewUuid(Random& random);

}  // namespace irsa

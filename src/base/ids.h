// AWS-style identifiers. Unique ids are a 4-letter prefix plus upper-case base32 (A-Z, 2-7),
// 21 characters for entity ids and 20 for access key ids, as AWS mints them.
#pragma once

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
// 40 characters from [A-Za-z0-9+/], like AWS secret access keys.
std::string NewSecretAccessKey(Random& random);
// RFC 4122 version-4 UUID, lower case: request ids, Kubernetes uids.
std::string NewUuid(Random& random);

}  // namespace irsa

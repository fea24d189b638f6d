// Slow salted password hashes for IAM login profiles: PBKDF2-HMAC-SHA256 (OpenSSL) with a 16-byte
// random salt, stored as "pbkdf2-sha256$<iterations>$<base64 salt>$<base64 32-byte hash>".
// The iteration count is part of the stored string, so the default can rise without breaking
// stored hashes. Passwords and hashes are secrets: callers never log them.
//
// Thread-safe. HashPassword with the default count costs on the order of 100 ms of CPU by
// design; tests pass a small count.
#pragma once

#include <string>
#include <string_view>

#include "base/random.h"

namespace irsa::crypto {

inline constexpr int kPasswordHashIterations = 210000;  // OWASP's PBKDF2-HMAC-SHA512 floor;
                                                        // above its SHA-256 floor's 2021 value

std::string HashPassword(std::string_view password, Random& random,
                         int iterations = kPasswordHashIterations);
// Whether `password` hashes to `stored` (constant-time comparison). False for a malformed
// `stored` or an iteration count outside 1..10,000,000.
bool VerifyPassword(std::string_view password, std::string_view stored);

}  // namespace irsa::crypto

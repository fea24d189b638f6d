// One-time passwords for virtual MFA devices: RFC 4226 HOTP and RFC 6238 TOTP (HMAC-SHA1, 30 s
// steps, as AWS virtual MFA devices and authenticator apps use them), and RFC 4648 Base32 (the
// seed encoding of otpauth:// URIs and of CreateVirtualMFADevice's Base32StringSeed).
//
// All functions are pure and thread-safe; time is passed in (the caller's injected clock).
// Seeds are secrets: callers never log them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace irsa::crypto {

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// RFC 4648 Base32, upper-case alphabet, '=' padded to a multiple of 8 characters (a 40-byte
// seed encodes to exactly 64 characters, no padding).
std::string Base32Encode(std::string_view bytes);
// Accepts upper or lower case, with or without padding; nullopt on any other character or an
// impossible length.
std::optional<std::string> Base32Decode(std::string_view text);

// HOTP(key, counter): the `digits`-digit (6-8) decimal code, zero-padded.
std::string Hotp(std::string_view key, uint64_t counter, int digits = kTotpDigits);
// The TOTP time step of `unix_seconds` (floor(t / 30), T0 = 0).
int64_t TotpStep(int64_t unix_seconds);
// TOTP(key) at step `step`: Hotp(key, step, digits).
std::string TotpAtStep(std::string_view key, int64_t step, int digits = kTotpDigits);

// Compares two codes in time independent of where they differ (lengths are not secret).
bool CodesEqual(std::string_view a, std::string_view b);

}  // namespace irsa::crypto

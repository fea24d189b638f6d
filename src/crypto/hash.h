// Hashes and HMAC, returning raw digest bytes.
//
// All functions are thread-safe (per-thread OpenSSL contexts, algorithms fetched once) and never
// fail on valid inputs; an OpenSSL failure here means a broken installation and aborts.
// HmacSha256 is on the SigV4 hot path (five calls per verified request) and runs at > 1M calls/s.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace irsa::crypto {

inline constexpr size_t kSha256Size = 32;
inline constexpr size_t kSha1Size = 20;

std::string Sha256(std::string_view data);
std::string Sha384(std::string_view data);
std::string Sha512(std::string_view data);
std::string Sha1(std::string_view data);
// Lower-case hex of SHA-256 (SigV4 payload and canonical-request hashes).
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256(key, data): 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
// Same, into a fixed array (no allocation).
std::array<uint8_t, kSha256Size> HmacSha256Array(std::string_view key, std::string_view data);

}  // namespace irsa::crypto

// Private to the protocol module: SHA-256 and HMAC-SHA256 for SigV4, on OpenSSL's EVP API.
// This is the single place to switch to src/crypto once that module provides the primitives.
//
// Thread-safety: all functions are safe to call concurrently (per-thread digest contexts).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace irsa::protocol::internal {

using Digest = std::array<uint8_t, 32>;

Digest Sha256(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);

std::string DigestHex(const Digest& digest);  // lower-case hex
inline std::string_view DigestView(const Digest& digest) {
  return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace irsa::protocol::internal

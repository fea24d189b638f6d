// AES-256-GCM authenticated encryption with a random 96-bit nonce.
//
// Sealed format: nonce (12 bytes) || ciphertext || tag (16 bytes). The nonce is drawn from the
// injected Random (SystemRandom in production; with random nonces a key must seal fewer than
// 2^32 messages, far above irsa's key-rotation cadence).
//
// Thread-safe. Failures: a key that is not 32 bytes is InternalFailure (a programming or
// configuration error); any tampering, truncation, wrong key or wrong AAD on Open is one
// InvalidInput "sealed data failed authentication" (callers map it to their own wire error).
// Messages never contain keys or plaintext.
#pragma once

#include <string>
#include <string_view>

#include "base/random.h"
#include "base/result.h"

namespace irsa::crypto {

inline constexpr size_t kAeadKeySize = 32;
inline constexpr size_t kAeadNonceSize = 12;
inline constexpr size_t kAeadTagSize = 16;
inline constexpr size_t kAeadOverhead = kAeadNonceSize + kAeadTagSize;

Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext, std::string_view aad,
                             Random& random);
Result<std::string> AeadOpen(std::string_view key, std::string_view sealed, std::string_view aad);

}  // namespace irsa::crypto

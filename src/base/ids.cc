#include "base/ids.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <span>

namespace irsa {
namespace {

// Uniform characters from `alphabet` (1..256 characters). One byte per character, rejecting the
// bytes that would bias the modulo: for alphabets whose size divides 256 none is rejected, and the
// result is the same as drawing each character with Random::Below.
std::string RandomChars(std::string_view alphabet, size_t n, Random& random) {
  const unsigned size = static_cast<unsigned>(alphabet.size());
  const unsigned limit = 256 - 256 % size;
  std::string out(n, '\0');
  uint8_t bytes[64];
  size_t filled = 0;
  while (filled < n) {
    const size_t want = std::min(n - filled, sizeof bytes);
    random.Fill(std::span<uint8_t>(bytes, want));
    for (size_t i = 0; i < want; ++i) {
      if (bytes[i] < limit) out[filled++] = alphabet[bytes[i] % size];
    }
  }
  return out;
}

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string NewUniqueId(std::string_view prefix, Random& random) {
  return std::string(prefix) + RandomChars(kBase32, 17, random);
}

std::string NewAccessKeyId(std::string_view prefix, Random& random) {
  return std::string(prefix) + RandomChars(kBase32, 16, random);
}

std::string NewSecretAccessKey(Random& random) {
  return RandomChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40,
                     random);
}

std::string NewUuid(Random& random) {
  uint8_t b[16];
  random.Fill(b);
  b[6] = uint8_t((b[6] & 0x0F) | 0x40);
  b[8] = uint8_t((b[8] & 0x3F) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 0x0F];
  }
  return out;
}

}  // namespace irsa

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

std::string NewAccountAccessKeyId(std::string_view prefix, std::string_view account,
                                  Random& random) {
  uint64_t number = 0;
  for (char c : account) number = number * 10 + static_cast<uint64_t>(c - '0');
  uint8_t tail[5];
  random.Fill(tail);
  uint64_t low = 0;
  for (uint8_t b : tail) low = (low << 8) | b;
  std::string out(prefix);
  // 80 bits, most significant first: 40 of account, 40 random; 5 bits per character.
  for (int shift = 35; shift >= 0; shift -= 5) out.push_back(kBase32[(number >> shift) & 31]);
  for (int shift = 35; shift >= 0; shift -= 5) out.push_back(kBase32[(low >> shift) & 31]);
  return out;
}

std::optional<std::string> AccountOfAccessKeyId(std::string_view key_id) {
  if (key_id.size() != 20) return std::nullopt;
  uint64_t number = 0;
  for (char c : key_id.substr(4, 8)) {
    const size_t digit = kBase32.find(c);
    if (digit == std::string_view::npos) return std::nullopt;
    number = (number << 5) | digit;
  }
  for (char c : key_id.substr(12)) {
    if (kBase32.find(c) == std::string_view::npos) return std::nullopt;
  }
  if (number > 999999999999ULL) return std::nullopt;
  char digits[13];
  std::snprintf(digits, sizeof digits, "%012llu", static_cast<unsigned long long>(number));
  return std::string(digits, 12);
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

#include "policy/values.h"

#include <arpa/inet.h>

#include <cstring>
#include <limits>

#include "base/time_format.h"

namespace irsa::policy {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses exactly `count` digits at text[pos]; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, size_t count, int64_t& out) {
  if (text.size() - pos < count) return false;
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

size_t CountDigits(std::string_view text, size_t pos) {
  size_t n = 0;
  while (pos + n < text.size() && IsDigit(text[pos + n])) ++n;
  return n;
}

std::optional<Instant> ParseEpochSeconds(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return Instant{static_cast<int64_t>(value), 0};
}

std::optional<Instant> ParseIsoInstant(std::string_view text) {
  size_t pos = 0;
  bool negative_year = false;
  if (pos < text.size() && text[pos] == '-') {
    negative_year = true;
    ++pos;
  }
  size_t year_digits = CountDigits(text, pos);
  if (year_digits == 0 || year_digits > 9) return std::nullopt;
  int64_t year = 0;
  ReadDigits(text, pos, year_digits, year);
  if (negative_year) year = -year;
  int64_t month = 1;
  int64_t day = 1;
  if (pos < text.size() && text[pos] == '-') {
    ++pos;
    if (!ReadDigits(text, pos, 2, month) || month < 1 || month > 12) return std::nullopt;
    if (pos < text.size() && text[pos] == '-') {
      ++pos;
      if (!ReadDigits(text, pos, 2, day) || day < 1 || day > 31) return std::nullopt;
    }
  }
  int64_t hour = 0;
  int64_t minute = 0;
  int64_t second = 0;
  int64_t nanos = 0;
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't')) {
    ++pos;
    size_t hour_digits = CountDigits(text, pos);
    if (hour_digits > 2) return std::nullopt;
    if (hour_digits > 0) {
      ReadDigits(text, pos, hour_digits, hour);
      if (hour > 24) return std::nullopt;
      if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!ReadDigits(text, pos, 2, minute) || minute > 59) return std::nullopt;
        if (pos < text.size() && text[pos] == ':') {
          ++pos;
          if (!ReadDigits(text, pos, 2, second) || second > 60) return std::nullopt;
          if (pos < text.size() && text[pos] == '.') {
            ++pos;
            size_t fraction_digits = CountDigits(text, pos);
            if (fraction_digits == 0 || fraction_digits > 9) return std::nullopt;
            ReadDigits(text, pos, fraction_digits, nanos);
            for (size_t i = fraction_digits; i < 9; ++i) nanos *= 10;
          }
        }
      }
    }
    if (pos < text.size()) {
      char zone = text[pos];
      if (zone == 'Z' || zone == 'z') {
        ++pos;
      } else if (zone == '+' || zone == '-') {
        ++pos;
        int64_t zone_hours = 0;
        int64_t zone_minutes = 0;
        if (!ReadDigits(text, pos, 2, zone_hours) || zone_hours > 23) return std::nullopt;
        if (pos < text.size() && text[pos] == ':') {
          ++pos;
          if (!ReadDigits(text, pos, 2, zone_minutes) || zone_minutes > 59) return std::nullopt;
        }
        offset_seconds = (zone_hours * 3600 + zone_minutes * 60) * (zone == '+' ? 1 : -1);
      }
    }
  }
  if (pos != text.size()) return std::nullopt;
  // DaysFromCivil is exact over +-1e9 years in int64.
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  Instant instant;
  instant.seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  instant.nanos = static_cast<int32_t>(nanos);
  return instant;
}

}  // namespace

std::optional<Decimal> Decimal::Parse(std::string_view text) {
  Decimal d;
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    d.negative = text[pos] == '-';
    ++pos;
  }
  size_t int_start = pos;
  while (pos < text.size() && IsDigit(text[pos])) ++pos;
  std::string_view integer = text.substr(int_start, pos - int_start);
  std::string_view fraction;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t frac_start = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    fraction = text.substr(frac_start, pos - frac_start);
    if (fraction.empty()) return std::nullopt;
  }
  if (integer.empty() || pos != text.size()) return std::nullopt;
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  d.integer = integer;
  d.fraction = fraction;
  if (integer.empty() && fraction.empty()) d.negative = false;  // -0 == 0
  return d;
}

int CompareDecimal(const Decimal& a, const Decimal& b) {
  if (a.negative != b.negative) return a.negative ? -1 : 1;
  int magnitude = 0;
  if (a.integer.size() != b.integer.size()) {
    magnitude = a.integer.size() < b.integer.size() ? -1 : 1;
  } else if (int c = a.integer.compare(b.integer); c != 0) {
    magnitude = c < 0 ? -1 : 1;
  } else if (int f = a.fraction.compare(b.fraction); f != 0) {
    magnitude = f < 0 ? -1 : 1;  // trailing zeros stripped, so lexicographic order is numeric
  }
  return a.negative ? -magnitude : magnitude;
}

std::optional<Instant> ParseInstant(std::string_view text) {
  if (text.find_first_of("tT-") != std::string_view::npos) return ParseIsoInstant(text);
  return ParseEpochSeconds(text);
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  IpNetwork network;
  std::string_view address = text;
  int prefix = -1;
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    prefix = 0;
    for (char c : digits) {
      if (!IsDigit(c)) return std::nullopt;
      prefix = prefix * 10 + (c - '0');
    }
  }
  network.v6 = address.find(':') != std::string_view::npos;
  if (!network.v6) {
    // Strict dotted quad: four 1-3 digit parts <= 255, no leading zeros (as inet_pton).
    int part = 0;
    size_t pos = 0;
    while (part < 4) {
      size_t digits = CountDigits(address, pos);
      if (digits == 0 || digits > 3 || (digits > 1 && address[pos] == '0')) return std::nullopt;
      int64_t octet = 0;
      ReadDigits(address, pos, digits, octet);
      if (octet > 255) return std::nullopt;
      network.bytes[part++] = static_cast<uint8_t>(octet);
      if (part < 4) {
        if (pos >= address.size() || address[pos] != '.') return std::nullopt;
        ++pos;
      }
    }
    if (pos != address.size() || prefix > 32) return std::nullopt;
    network.prefix = prefix < 0 ? 32 : prefix;
    return network;
  }
  char buffer[64];
  if (address.empty() || address.size() >= sizeof(buffer)) return std::nullopt;
  std::memcpy(buffer, address.data(), address.size());
  buffer[address.size()] = '\0';
  if (inet_pton(AF_INET6, buffer, network.bytes.data()) != 1) {
    return std::nullopt;
  }
  if (prefix > 128) return std::nullopt;
  network.prefix = prefix < 0 ? 128 : prefix;
  return network;
}

bool IpNetwork::Contains(const IpNetwork& address) const {
  if (address.v6 != v6) return false;
  int full_bytes = prefix / 8;
  if (std::memcmp(bytes.data(), address.bytes.data(), static_cast<size_t>(full_bytes)) != 0) {
    return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (bytes[full_bytes] & mask) == (address.bytes[full_bytes] & mask);
}

int SplitArnFields(std::string_view text, std::array<std::string_view, 6>& fields) {
  fields = {};
  int count = 0;
  size_t start = 0;
  while (count < 5) {
    size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) break;
    fields[count++] = text.substr(start, colon - start);
    start = colon + 1;
  }
  fields[count++] = text.substr(start);
  return count;
}

}  // namespace irsa::policy

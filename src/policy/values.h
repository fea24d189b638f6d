// Typed condition values: exact decimals, instants, IP networks and ARN fields. Every parser
// takes untrusted text, never allocates, and returns nullopt for anything it does not accept.
// Parsed values are plain, trivially shareable data; views point into the parsed text, which
// must outlive them.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace irsa::policy {

// A decimal number compared exactly (no floating point): "10" == "10.0" == "+010.00".
// Grammar: [+-]? digits ( '.' digits )?  — nothing else (no exponent, no trailing text).
struct Decimal {
  bool negative = false;
  std::string_view integer;   // without leading zeros; empty means 0
  std::string_view fraction;  // without trailing zeros
  static std::optional<Decimal> Parse(std::string_view text);
};
// <0, 0, >0 like strcmp.
int CompareDecimal(const Decimal& a, const Decimal& b);

// An instant at nanosecond resolution over a range far wider than std::chrono's.
struct Instant {
  int64_t seconds = 0;  // since 1970-01-01T00:00:00Z
  int32_t nanos = 0;    // 0..999'999'999
  auto operator<=>(const Instant&) const = default;
};
// IAM's legacy date grammar: text containing 't', 'T' or '-' is ISO 8601
// (YYYY[-MM[-DD]][Thh[:mm[:ss[.f{1,9}]]][Z|±hh[:mm]]], year of any length, optional leading '-');
// otherwise it must be an epoch integer in *seconds* (0..INT64_MAX). Missing zone means UTC.
std::optional<Instant> ParseInstant(std::string_view text);

// An IPv4 or IPv6 network. A bare address is a /32 or /128 network.
struct IpNetwork {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int prefix = 0;
  static std::optional<IpNetwork> Parse(std::string_view text);
  // True if `address` (same family, full-length prefix) lies in this network.
  bool Contains(const IpNetwork& address) const;
};

// The six fields of an ARN: "arn", partition, service, region, account, resource (the rest,
// colons included). Returns the number of fields found (1..6); missing fields are empty.
int SplitArnFields(std::string_view text, std::array<std::string_view, 6>& fields);

}  // namespace irsa::policy

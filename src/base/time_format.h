// Wire time formats. All times are UTC. Parsers take untrusted input and return nullopt on
// malformed or out-of-range values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace irsa {

// "2026-11-28T10:54:42Z" (IAM/STS XML timestamps, whole seconds).
std::string FormatIso8601(SystemTime t);
// "2026-11-28T10:54:42.123Z" (milliseconds).
std::string FormatIso8601Millis(SystemTime t);
// "20261128T105442Z" (SigV4 X-Amz-Date).
std::string FormatAmzDate(SystemTime t);
// "20261128" (SigV4 credential scope date).
std::string FormatAmzDay(SystemTime t);
// "Sat, 28 Nov 2026 10:54:42 GMT" (HTTP Date header).
std::string FormatHttpDate(SystemTime t);

std::optional<SystemTime> ParseAmzDate(std::string_view text);   // YYYYMMDDTHHMMSSZ
std::optional<SystemTime> ParseHttpDate(std::string_view text);  // RFC 1123 (GMT only)
// ISO 8601 / RFC 3339 with optional fraction and zone (Z, +hh, +hh:mm, -hh:mm); also date-only
// forms YYYY, YYYY-MM, YYYY-MM-DD (UTC midnight). 't'/'z' accepted in lower case.
std::optional<SystemTime> ParseIso8601(std::string_view text);

// Days since 1970-01-01 for a proleptic Gregorian date (month 1-12, day 1-31).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace irsa

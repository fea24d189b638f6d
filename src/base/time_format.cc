#include "base/time_format.h"

#include <array>
#include <cstdio>
#include <cstring>

namespace irsa {
namespace {

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
  int64_t nanos;
};

// Howard Hinnant's civil_from_days.
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

Civil ToCivil(SystemTime t) {
  const int64_t ns = t.time_since_epoch().count();
  int64_t secs = ns / 1000000000;
  int64_t nanos = ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  Civil c{};
  CivilFromDays(days, c.year, c.month, c.day);
  c.hour = static_cast<unsigned>(rem / 3600);
  c.minute = static_cast<unsigned>(rem % 3600 / 60);
  c.second = static_cast<unsigned>(rem % 60);
  c.nanos = nanos;
  return c;
}

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

std::optional<SystemTime> FromCivil(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                    unsigned s, int64_t nanos, int64_t offset_seconds) {
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  if (y < -200000 || y > 200000) return std::nullopt;  // keeps nanoseconds in int64 range
  int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  return SystemTime(std::chrono::seconds(secs) + std::chrono::nanoseconds(nanos));
}

bool ParseDigits(std::string_view& in, size_t n, int64_t& out) {
  if (in.size() < n) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = in[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  in.remove_prefix(n);
  out = v;
  return true;
}

bool Consume(std::string_view& in, char c) {
  if (in.empty() || in.front() != c) return false;
  in.remove_prefix(1);
  return true;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

// Writes `value` as exactly `width` decimal digits (value < 10^width).
char* PutDigits(char* p, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

// Renders the civil time with a hand-rolled writer (these run several times per request, where
// snprintf showed in profiles). Years outside 0..9999 fall back to snprintf's "%04lld".
std::string FormatCivil(const Civil& c, bool compact, bool millis) {
  char buf[48];
  char* p = buf;
  if (c.year >= 0 && c.year <= 9999) {
    p = PutDigits(p, static_cast<uint64_t>(c.year), 4);
  } else {
    p += std::snprintf(buf, 24, "%04lld", static_cast<long long>(c.year));
  }
  if (!compact) *p++ = '-';
  p = PutDigits(p, c.month, 2);
  if (!compact) *p++ = '-';
  p = PutDigits(p, c.day, 2);
  *p++ = 'T';
  p = PutDigits(p, c.hour, 2);
  if (!compact) *p++ = ':';
  p = PutDigits(p, c.minute, 2);
  if (!compact) *p++ = ':';
  p = PutDigits(p, c.second, 2);
  if (millis) {
    *p++ = '.';
    p = PutDigits(p, static_cast<uint64_t>(c.nanos / 1000000), 3);
  }
  *p++ = 'Z';
  return std::string(buf, p);
}

}  // namespace

std::string FormatIso8601(SystemTime t) { return FormatCivil(ToCivil(t), false, false); }

std::string FormatIso8601Millis(SystemTime t) { return FormatCivil(ToCivil(t), false, true); }

std::string FormatAmzDate(SystemTime t) { return FormatCivil(ToCivil(t), true, false); }

std::string FormatAmzDay(SystemTime t) { return FormatAmzDate(t).substr(0, 8); }

std::string FormatHttpDate(SystemTime t) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = ToCivil(t);
  int64_t days = DaysFromCivil(c.year, c.month, c.day);
  int64_t wd = days % 7;
  if (wd < 0) wd += 7;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kDays[wd], c.day,
                kMonths[c.month - 1], static_cast<long long>(c.year), c.hour, c.minute, c.second);
  return buf;
}

std::optional<SystemTime> ParseAmzDate(std::string_view in) {
  if (in.size() != 16) return std::nullopt;
  int64_t y, mo, d, h, mi, s;
  if (!ParseDigits(in, 4, y) || !ParseDigits(in, 2, mo) || !ParseDigits(in, 2, d) ||
      !Consume(in, 'T') || !ParseDigits(in, 2, h) || !ParseDigits(in, 2, mi) ||
      !ParseDigits(in, 2, s) || !Consume(in, 'Z') || !in.empty()) {
    return std::nullopt;
  }
  return FromCivil(y, unsigned(mo), unsigned(d), unsigned(h), unsigned(mi), unsigned(s), 0, 0);
}

std::optional<SystemTime> ParseHttpDate(std::string_view in) {
  // "Sat, 28 Nov 2026 10:54:42 GMT"
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (in.size() != 29 || in[3] != ',' || in[4] != ' ') return std::nullopt;
  in.remove_prefix(5);
  int64_t d, y, h, mi, s;
  if (!ParseDigits(in, 2, d) || !Consume(in, ' ')) return std::nullopt;
  unsigned month = 0;
  for (unsigned i = 0; i < 12; ++i) {
    if (in.substr(0, 3) == kMonths[i]) month = i + 1;
  }
  if (month == 0) return std::nullopt;
  in.remove_prefix(3);
  if (!Consume(in, ' ') || !ParseDigits(in, 4, y) || !Consume(in, ' ') || !ParseDigits(in, 2, h) ||
      !Consume(in, ':') || !ParseDigits(in, 2, mi) || !Consume(in, ':') || !ParseDigits(in, 2, s) ||
      in != " GMT") {
    return std::nullopt;
  }
  return FromCivil(y, month, unsigned(d), unsigned(h), unsigned(mi), unsigned(s), 0, 0);
}

std::optional<SystemTime> ParseIso8601(std::string_view in) {
  int64_t y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0, nanos = 0, offset = 0;
  bool negative_year = Consume(in, '-');
  if (!ParseDigits(in, 4, y)) return std::nullopt;
  if (negative_year) y = -y;
  if (Consume(in, '-')) {
    if (!ParseDigits(in, 2, mo)) return std::nullopt;
    if (Consume(in, '-')) {
      if (!ParseDigits(in, 2, d)) return std::nullopt;
    }
  }
  if (!in.empty() && (in.front() == 'T' || in.front() == 't')) {
    in.remove_prefix(1);
    if (!ParseDigits(in, 2, h) || !Consume(in, ':') || !ParseDigits(in, 2, mi)) {
      return std::nullopt;
    }
    if (Consume(in, ':')) {
      if (!ParseDigits(in, 2, s)) return std::nullopt;
      if (Consume(in, '.')) {
        size_t digits = 0;
        int64_t frac = 0;
        while (!in.empty() && in.front() >= '0' && in.front() <= '9') {
          if (digits >= 9) return std::nullopt;
          frac = frac * 10 + (in.front() - '0');
          ++digits;
          in.remove_prefix(1);
        }
        if (digits == 0) return std::nullopt;
        for (size_t i = digits; i < 9; ++i) frac *= 10;
        nanos = frac;
      }
    }
    if (!in.empty()) {
      char z = in.front();
      if (z == 'Z' || z == 'z') {
        in.remove_prefix(1);
      } else if (z == '+' || z == '-') {
        in.remove_prefix(1);
        int64_t oh = 0, om = 0;
        if (!ParseDigits(in, 2, oh)) return std::nullopt;
        if (Consume(in, ':')) {
          if (!ParseDigits(in, 2, om)) return std::nullopt;
        } else if (in.size() == 2) {
          if (!ParseDigits(in, 2, om)) return std::nullopt;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        offset = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (!in.empty()) return std::nullopt;
  return FromCivil(y, unsigned(mo), unsigned(d), unsigned(h), unsigned(mi), unsigned(s), nanos,
                   offset);
}

}  // namespace irsa

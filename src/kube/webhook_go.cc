#include "kube/webhook_go.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include <boost/json.hpp>

namespace irsa::kube {

std::optional<bool> ParseGoBool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseGoInt64(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  // Accumulate the magnitude in uint64 so INT64_MIN parses.
  constexpr uint64_t kLimitPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const uint64_t limit = negative ? kLimitPositive + 1 : kLimitPositive;
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (magnitude > (limit - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  if (negative) {
    if (magnitude == kLimitPositive + 1) return std::numeric_limits<int64_t>::min();
    return -static_cast<int64_t>(magnitude);
  }
  return static_cast<int64_t>(magnitude);
}

std::string GoPathClean(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    std::string_view part = path.substr(i, j - i);
    i = j;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  if (out.empty()) return ".";
  return out;
}

std::string GoPathJoin(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return "";
  if (a.empty()) return GoPathClean(b);
  if (b.empty()) return GoPathClean(a);
  std::string joined(a);
  joined += '/';
  joined += b;
  return GoPathClean(joined);
}

namespace {

// bufio.Reader.ReadSlice('\n') + csv.Reader.readLine.
class CsvLineReader {
 public:
  explicit CsvLineReader(std::string_view text) : text_(text) {}

  // Returns false at EOF (no bytes left); otherwise the next line, "\r\n" normalised to "\n" and
  // a trailing '\r' before EOF dropped.
  bool ReadLine(std::string& line) {
    line.clear();
    if (pos_ >= text_.size()) return false;
    const size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) {
      line.assign(text_.substr(pos_));
      pos_ = text_.size();
      if (!line.empty() && line.back() == '\r') line.pop_back();
    } else {
      line.assign(text_.substr(pos_, nl + 1 - pos_));
      pos_ = nl + 1;
    }
    const size_t n = line.size();
    if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n') {
      line[n - 2] = '\n';
      line.pop_back();
    }
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

size_t LengthNl(std::string_view line) { return !line.empty() && line.back() == '\n' ? 1 : 0; }

}  // namespace

std::optional<std::vector<std::string>> ReadGoCsvRecord(std::string_view text) {
  CsvLineReader reader(text);
  std::string buffer;
  bool have_line = false;
  while (reader.ReadLine(buffer)) {
    if (buffer.size() == LengthNl(buffer)) continue;  // empty line
    have_line = true;
    break;
  }
  if (!have_line) return std::nullopt;  // io.EOF

  std::vector<std::string> fields;
  std::string_view line = buffer;
  std::string storage;  // backing store when a quoted field spans lines
  while (true) {
    if (line.empty() || line[0] != '"') {
      const size_t comma = line.find(',');
      std::string_view field = line;
      if (comma != std::string_view::npos) {
        field = field.substr(0, comma);
      } else {
        field = field.substr(0, field.size() - LengthNl(field));
      }
      if (field.find('"') != std::string_view::npos) return std::nullopt;  // ErrBareQuote
      fields.emplace_back(field);
      if (comma != std::string_view::npos) {
        line.remove_prefix(comma + 1);
        continue;
      }
      return fields;
    }
    // Quoted field.
    line.remove_prefix(1);
    std::string field;
    while (true) {
      const size_t quote = line.find('"');
      if (quote != std::string_view::npos) {
        field.append(line.substr(0, quote));
        line.remove_prefix(quote + 1);
        if (!line.empty() && line[0] == '"') {
          field += '"';
          line.remove_prefix(1);
        } else if (!line.empty() && line[0] == ',') {
          line.remove_prefix(1);
          fields.push_back(std::move(field));
          break;  // next field
        } else if (LengthNl(line) == line.size()) {
          fields.push_back(std::move(field));
          return fields;
        } else {
          return std::nullopt;  // ErrQuote: text after a closing quote
        }
      } else if (!line.empty()) {
        field.append(line);
        if (!reader.ReadLine(storage)) storage.clear();
        line = storage;
      } else {
        return std::nullopt;  // ErrQuote: unterminated quoted field
      }
    }
  }
}

namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendUnicodeEscape(std::string& out, uint32_t code) {
  out += "\\u";
  out += kHex[(code >> 12) & 0xF];
  out += kHex[(code >> 8) & 0xF];
  out += kHex[(code >> 4) & 0xF];
  out += kHex[code & 0xF];
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid (Go's utf8.DecodeRune
// rules: no overlongs, no surrogates, max U+10FFFF). Sets `code`.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& code) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len = 0;
  uint32_t min = 0;
  if (b0 < 0x80) {
    code = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2, code = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, code = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, code = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    code = (code << 6) | (b & 0x3F);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
  return len;
}

void AppendGoFloat(std::string& out, double d) {
  if (!std::isfinite(d)) {  // unreachable for parsed JSON; Go would fail to marshal
    out += "null";
    return;
  }
  const double abs = std::fabs(d);
  const bool exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d,
                           exponent ? std::chars_format::scientific : std::chars_format::fixed);
  std::string text(buf, res.ptr);
  if (exponent) {
    // Go writes e-07 as e-7 (and e+21 stays e+21).
    const size_t n = text.size();
    if (n >= 4 && text[n - 4] == 'e' && text[n - 3] == '-' && text[n - 2] == '0') {
      text.erase(n - 2, 1);
    }
  }
  out += text;
}

void AppendGoJson(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_:
      AppendGoFloat(out, v.get_double());
      return;
    case boost::json::kind::string:
      AppendGoJsonString(out, v.get_string());
      return;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& element : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendGoJson(out, element);
      }
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : v.get_object()) {
        if (!first) out += ',';
        first = false;
        AppendGoJsonString(out, member.key());
        out += ':';
        AppendGoJson(out, member.value());
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void AppendGoJsonString(std::string& out, std::string_view text) {
  out += '"';
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '<':
        case '>':
        case '&':
          AppendUnicodeEscape(out, c);
          break;
        default:
          if (c < 0x20) {
            AppendUnicodeEscape(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    uint32_t code = 0;
    const size_t len = DecodeUtf8(text, i, code);
    if (len == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (code == 0x2028 || code == 0x2029) {
      AppendUnicodeEscape(out, code);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  out += '"';
}

std::string GoJsonMarshal(const boost::json::value& value) {
  std::string out;
  AppendGoJson(out, value);
  return out;
}

}  // namespace irsa::kube

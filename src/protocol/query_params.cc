#include "protocol/query_params.h"

#include <algorithm>
#include <cstdint>

#include "base/error.h"
#include "base/strings.h"

namespace irsa::protocol {
namespace {

constexpr uint32_t kMaxIndex = 100000;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict form decoding into `out`; false on a bad escape.
bool FormDecode(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '%' && c != '+') {  // copy the run up to the next escape at once
      size_t end = i + 1;
      while (end < text.size() && text[end] != '%' && text[end] != '+') ++end;
      out.append(text.data() + i, end - i);
      i = end - 1;
    } else if (c == '%') {
      if (i + 2 >= text.size()) return false;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += ' ';
    }
  }
  return true;
}

Status ParseSource(std::string_view text, std::string_view source, const QueryParamsLimits& limits,
                   std::vector<QueryParams::Entry>& out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = text.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    if (out.size() >= limits.max_params) {
      return errors::MalformedQueryString("Too many parameters (at most " +
                                          std::to_string(limits.max_params) + ").");
    }
    size_t eq = part.find('=');
    std::string_view raw_key = part.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    std::string key, value;
    if (raw_key.empty()) {
      return errors::MalformedQueryString("Empty parameter name in the " + std::string(source) +
                                          ".");
    }
    if (raw_key.size() > 3 * limits.max_key_length || !FormDecode(raw_key, key)) {
      return errors::MalformedQueryString("Invalid parameter name encoding in the " +
                                          std::string(source) + ".");
    }
    if (key.empty() || key.size() > limits.max_key_length) {
      return errors::MalformedQueryString("Parameter name length must be between 1 and " +
                                          std::to_string(limits.max_key_length) + ".");
    }
    if (raw_value.size() > 3 * limits.max_value_length || !FormDecode(raw_value, value)) {
      return errors::MalformedQueryString("Invalid percent-encoding in the value of parameter '" +
                                          key.substr(0, 64) + "'.");
    }
    if (value.size() > limits.max_value_length) {
      return errors::MalformedQueryString("Value of parameter '" + key.substr(0, 64) +
                                          "' is longer than " +
                                          std::to_string(limits.max_value_length) + " bytes.");
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  // Sort by name; duplicates within one source are rejected, so stability does not matter (and
  // std::sort does not allocate a merge buffer).
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].first == out[i - 1].first) {
      return errors::MalformedQueryString("Parameter '" + out[i].first.substr(0, 64) +
                                          "' is specified more than once in the " +
                                          std::string(source) + ".");
    }
  }
  return OkStatus();
}

// Parses a 1-based decimal index without leading zeros; nullopt if malformed.
std::optional<uint32_t> ParseIndex(std::string_view text) {
  if (text.empty() || text.size() > 6 || text[0] == '0') return std::nullopt;
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v == 0 || v > kMaxIndex) return std::nullopt;
  return v;
}

std::string NullMessage(std::string_view name) {
  return "1 validation error detected: Value null at '" + LowerCamel(name) +
         "' failed to satisfy constraint: Member must not be null";
}

std::string ValueEcho(std::string_view value) {
  if (value.size() <= 256) return std::string(value);
  return std::string(value.substr(0, 256)) + "...";
}

}  // namespace

std::string LowerCamel(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out[0] >= 'A' && out[0] <= 'Z')
    out[0] = static_cast<char>(out[0] - 'A' + 'a');
  return out;
}

Result<QueryParams> QueryParams::Parse(std::string_view body, std::string_view query,
                                       const QueryParamsLimits& limits) {
  std::vector<Entry> from_body, from_query;
  IRSA_RETURN_IF_ERROR(ParseSource(body, "request body", limits, from_body));
  IRSA_RETURN_IF_ERROR(ParseSource(query, "query string", limits, from_query));
  QueryParams out;
  out.entries_.reserve(from_body.size() + from_query.size());
  // Merge two sorted runs; the body wins on equal names.
  size_t i = 0, j = 0;
  while (i < from_body.size() || j < from_query.size()) {
    if (j == from_query.size() ||
        (i < from_body.size() && from_body[i].first <= from_query[j].first)) {
      if (j < from_query.size() && from_body[i].first == from_query[j].first) ++j;
      out.entries_.push_back(std::move(from_body[i++]));
    } else {
      out.entries_.push_back(std::move(from_query[j++]));
    }
  }
  if (out.entries_.size() > limits.max_params) {
    return errors::MalformedQueryString("Too many parameters (at most " +
                                        std::to_string(limits.max_params) + ").");
  }
  return out;
}

Result<QueryParams> QueryParams::FromRequest(const HttpRequest& request,
                                             const QueryParamsLimits& limits) {
  std::string_view content_type = request.Header("content-type");
  const bool form =
      StartsWithIgnoreCase(TrimWhitespace(content_type), "application/x-www-form-urlencoded") ||
      (!request.HasHeader("content-type") && !request.body.empty());
  // GET and HEAD requests carry their parameters in the query string only.
  const bool body_may_carry = request.method != "GET" && request.method != "HEAD";
  std::string_view body = form && body_may_carry ? std::string_view(request.body) : "";
  IRSA_TRY(QueryParams params, Parse(body, request.query, limits));
  if (!body.empty() && IsPresigned(request.query)) {
    // A presigned URL's signature covers its query string; parameters from anywhere else would
    // let whoever holds the URL choose the operation.
    return errors::MalformedQueryString(
        "A presigned (query-string authenticated) request takes its parameters from the signed "
        "query string only; it must not carry a form body.");
  }
  return params;
}

bool QueryParams::IsPresigned(std::string_view raw_query) {
  std::vector<Entry> entries;
  QueryParamsLimits unbounded;
  unbounded.max_params = SIZE_MAX;
  if (!ParseSource(raw_query, "query string", unbounded, entries).ok()) {
    // Unparseable queries are refused by Parse; count any spelling of the keys as presigned.
    return raw_query.find("X-Amz-") != std::string_view::npos ||
           raw_query.find('%') != std::string_view::npos;
  }
  for (const auto& [key, value] : entries) {
    if (key == "X-Amz-Algorithm" || key == "X-Amz-Credential" || key == "X-Amz-Signature") {
      return true;
    }
  }
  return false;
}

bool QueryParams::Has(std::string_view name) const { return Get(name).has_value(); }

std::optional<std::string_view> QueryParams::Get(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, std::string_view n) { return e.first < n; });
  if (it == entries_.end() || it->first != name) return std::nullopt;
  return std::string_view(it->second);
}

Result<std::string_view> QueryParams::Require(std::string_view name) const {
  std::optional<std::string_view> v = Get(name);
  if (!v) return errors::ValidationError(NullMessage(name));
  return *v;
}

Result<std::optional<int64_t>> QueryParams::GetInt(std::string_view name) const {
  std::optional<std::string_view> v = Get(name);
  if (!v) return std::optional<int64_t>();
  std::string_view s = *v;
  bool negative = !s.empty() && s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  // At most 18 digits: always fits int64, so the loop below cannot overflow.
  bool ok = !digits.empty() && digits.size() <= 18;
  int64_t value = 0;
  for (char c : ok ? digits : std::string_view()) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (!ok) {
    return errors::ValidationError(
        "1 validation error detected: Value '" + ValueEcho(s) + "' at '" + LowerCamel(name) +
        "' failed to satisfy constraint: Member must be a valid integer");
  }
  return std::optional<int64_t>(negative ? -value : value);
}

Result<std::optional<bool>> QueryParams::GetBool(std::string_view name) const {
  std::optional<std::string_view> v = Get(name);
  if (!v) return std::optional<bool>();
  if (EqualsIgnoreCase(*v, "true")) return std::optional<bool>(true);
  if (EqualsIgnoreCase(*v, "false")) return std::optional<bool>(false);
  return errors::ValidationError("1 validation error detected: Value '" + ValueEcho(*v) + "' at '" +
                                 LowerCamel(name) +
                                 "' failed to satisfy constraint: Member must be a boolean "
                                 "(true or false)");
}

bool QueryParams::HasList(std::string_view name) const {
  if (Has(name)) return true;
  std::string prefix(name);
  prefix += '.';
  auto it = std::lower_bound(entries_.begin(), entries_.end(), prefix,
                             [](const Entry& e, const std::string& n) { return e.first < n; });
  return it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

Result<std::vector<QueryParams::Indexed>> QueryParams::Collect(std::string_view name,
                                                               std::string_view kind) const {
  std::optional<std::string_view> bare = Get(name);
  if (bare && !bare->empty()) {
    return errors::ValidationError("1 validation error detected: Value '" + ValueEcho(*bare) +
                                   "' at '" + LowerCamel(name) +
                                   "' failed to satisfy constraint: Member must be a list "
                                   "(send " +
                                   std::string(name) + "." + std::string(kind) + ".N)");
  }
  std::string prefix(name);
  prefix += '.';
  prefix += kind;
  prefix += '.';
  std::vector<Indexed> out;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), prefix,
                             [](const Entry& e, const std::string& n) { return e.first < n; });
  for (; it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    std::string_view tail = std::string_view(it->first).substr(prefix.size());
    size_t dot = tail.find('.');
    std::optional<uint32_t> index = ParseIndex(tail.substr(0, dot));
    if (!index) {
      return errors::MalformedQueryString("Invalid list index in parameter '" +
                                          it->first.substr(0, 128) +
                                          "': indices are 1-based decimal numbers.");
    }
    std::string_view rest = dot == std::string_view::npos ? std::string_view() : tail.substr(dot);
    out.push_back(Indexed{*index, rest, it->second});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Indexed& a, const Indexed& b) { return a.index < b.index; });
  return out;
}

Result<std::vector<std::string>> QueryParams::GetList(std::string_view name) const {
  IRSA_TRY(std::vector<Indexed> items, Collect(name, "member"));
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const Indexed& item : items) {
    if (!item.rest.empty()) {
      return errors::MalformedQueryString("Unexpected nested member '" +
                                          std::string(item.rest.substr(0, 64)) + "' in list '" +
                                          std::string(name) + "'.");
    }
    out.emplace_back(item.value);
  }
  return out;
}

Result<std::vector<QueryParams::Struct>> QueryParams::GetStructList(std::string_view name) const {
  IRSA_TRY(std::vector<Indexed> items, Collect(name, "member"));
  std::vector<Struct> out;
  uint32_t current = 0;
  for (const Indexed& item : items) {
    if (item.rest.size() < 2 || item.rest[0] != '.') {
      return errors::MalformedQueryString("List '" + std::string(name) +
                                          "' expects structure members (" + std::string(name) +
                                          ".member.N.Field).");
    }
    if (out.empty() || item.index != current) {
      out.emplace_back();
      current = item.index;
    }
    out.back().emplace(std::string(item.rest.substr(1)), std::string(item.value));
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> QueryParams::GetMap(
    std::string_view name) const {
  IRSA_TRY(std::vector<Indexed> items, Collect(name, "entry"));
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < items.size()) {
    uint32_t index = items[i].index;
    std::optional<std::string_view> key, value;
    for (; i < items.size() && items[i].index == index; ++i) {
      if (items[i].rest == ".key") {
        key = items[i].value;
      } else if (items[i].rest == ".value") {
        value = items[i].value;
      } else {
        return errors::MalformedQueryString("Map '" + std::string(name) +
                                            "' entries have only 'key' and 'value' members.");
      }
    }
    if (!key) {
      return errors::ValidationError("1 validation error detected: Value null at '" +
                                     LowerCamel(name) + "." + std::to_string(index) +
                                     ".key' failed to satisfy constraint: Member must not be null");
    }
    out.emplace_back(std::string(*key), std::string(value.value_or("")));
  }
  return out;
}

}  // namespace irsa::protocol

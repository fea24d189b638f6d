#include "protocol/sigv4_canonical.h"

#include <algorithm>
#include <optional>

#include "base/encoding.h"

namespace irsa::protocol::sigv4 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

void AppendEncoded(std::string& out, std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

// Decodes and strictly re-encodes one query component; fast path when already canonical.
void AppendCanonicalComponent(std::string& out, std::string_view raw) {
  bool canonical = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = raw[i];
    if (IsUnreserved(c)) continue;
    if (c == '%' && i + 2 < raw.size()) {
      char h = raw[i + 1], l = raw[i + 2];
      bool upper_hex = ((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')) &&
                       ((l >= '0' && l <= '9') || (l >= 'A' && l <= 'F'));
      if (upper_hex) {
        // Escapes of unreserved characters must be decoded, everything else stays.
        int v = ((h <= '9' ? h - '0' : h - 'A' + 10) << 4) | (l <= '9' ? l - '0' : l - 'A' + 10);
        if (!IsUnreserved(static_cast<unsigned char>(v))) {
          i += 2;
          continue;
        }
      }
    }
    canonical = false;
    break;
  }
  if (canonical) {
    out += raw;
    return;
  }
  std::optional<std::string> decoded = PercentDecode(raw, /*plus_as_space=*/false);
  if (!decoded) {
    out += raw;
    return;
  }
  AppendEncoded(out, *decoded, false);
}

bool IsHeaderSpace(char c) { return c == ' ' || c == '\t'; }

}  // namespace

std::string_view RawPath(const HttpRequest& request, std::string& storage) {
  std::string_view target = request.target;
  if (target.empty()) {
    storage = PercentEncodePath(request.path);
    if (storage.empty()) storage = "/";
    return storage;
  }
  size_t q = target.find('?');
  if (q != std::string_view::npos) target = target.substr(0, q);
  size_t hash = target.find('#');
  if (hash != std::string_view::npos) target = target.substr(0, hash);
  size_t scheme = target.find("://");
  if (scheme != std::string_view::npos &&
      target.substr(0, scheme).find('/') == std::string_view::npos) {
    size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view() : target.substr(slash);
  }
  if (target.empty()) return "/";
  return target;
}

std::string S3CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  std::string out;
  out.reserve(raw_path.size() + 8);
  size_t start = 0;
  while (true) {
    size_t end = raw_path.find('/', start);
    std::string_view segment = raw_path.substr(
        start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::optional<std::string> decoded = PercentDecode(segment, /*plus_as_space=*/false);
    AppendEncoded(out, decoded ? std::string_view(*decoded) : segment, false);
    if (end == std::string_view::npos) break;
    out += '/';
    start = end + 1;
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  if (raw_path == "/") return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= raw_path.size()) {
    size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    std::string_view seg = raw_path.substr(start, end - start);
    if (!seg.empty() && seg != ".") {
      if (seg == "..") {
        if (!segments.empty()) segments.pop_back();
      } else {
        segments.push_back(seg);
      }
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(raw_path.size() + 8);
  if (raw_path.front() == '/') out += '/';
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) out += '/';
    AppendEncoded(out, segments[i], false);
  }
  if (raw_path.back() == '/' && !segments.empty()) out += '/';
  if (out.empty()) out = "/";
  return out;
}

std::string CanonicalQuery(std::string_view raw_query, bool exclude_signature) {
  if (raw_query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view part = raw_query.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view key = part.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    std::string k, v;
    AppendCanonicalComponent(k, key);
    if (exclude_signature && k == "X-Amz-Signature") continue;
    AppendCanonicalComponent(v, value);
    pairs.emplace_back(std::move(k), std::move(v));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  out.reserve(raw_query.size() + 16);
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i) out += '&';
    out += pairs[i].first;
    out += '=';
    out += pairs[i].second;
  }
  return out;
}

void AppendCanonicalHeaderValue(std::string& out, const HttpRequest& request,
                                std::string_view lower_name) {
  bool first = true;
  for (const auto& [name, value] : request.headers) {
    if (name != lower_name) continue;
    if (!first) out += ',';
    first = false;
    std::string_view v = value;
    while (!v.empty() && IsHeaderSpace(v.front())) v.remove_prefix(1);
    while (!v.empty() && IsHeaderSpace(v.back())) v.remove_suffix(1);
    bool prev_space = false;
    for (char c : v) {
      if (c == ' ') {
        if (prev_space) continue;
        prev_space = true;
      } else {
        prev_space = false;
      }
      out += c;
    }
  }
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, const HttpRequest& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash) {
  std::string out;
  out.reserve(256 + canonical_query.size() + canonical_uri.size());
  out += method;
  out += '\n';
  out += canonical_uri;
  out += '\n';
  out += canonical_query;
  out += '\n';
  for (const std::string& name : signed_headers) {
    out += name;
    out += ':';
    AppendCanonicalHeaderValue(out, request, name);
    out += '\n';
  }
  out += '\n';
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) out += ';';
    out += signed_headers[i];
  }
  out += '\n';
  out += payload_hash;
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out += date;
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += '/';
  out += kTerminator;
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 68);
  out += kAlgorithm;
  out += '\n';
  out += amz_date;
  out += '\n';
  out += scope;
  out += '\n';
  out += internal::DigestHex(internal::Sha256(canonical_request));
  return out;
}

internal::Digest DeriveSigningKey(std::string_view secret, std::string_view date,
                                  std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret += secret;
  internal::Digest k = internal::HmacSha256(k_secret, date);
  std::fill(k_secret.begin(), k_secret.end(), '\0');
  k = internal::HmacSha256(internal::DigestView(k), region);
  k = internal::HmacSha256(internal::DigestView(k), service);
  return internal::HmacSha256(internal::DigestView(k), kTerminator);
}

std::string ComputeSignature(const internal::Digest& signing_key, std::string_view string_to_sign) {
  return internal::DigestHex(
      internal::HmacSha256(internal::DigestView(signing_key), string_to_sign));
}

}  // namespace irsa::protocol::sigv4

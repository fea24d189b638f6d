#include "protocol/sigv4_signer.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_hash.h"

namespace irsa::protocol {
namespace {

HttpRequest BaseRequest(const SigV4SigningInput& input) {
  HttpRequest r;
  r.method = input.method;
  r.path = PercentDecode(input.path, false).value_or(input.path);
  r.query = input.query;
  r.target = input.path.empty() ? "/" : input.path;
  r.body = input.body;
  r.headers.emplace_back("host", input.host);
  for (const auto& [name, value] : input.headers) r.headers.emplace_back(AsciiLower(name), value);
  return r;
}

std::vector<std::string> SortedHeaderNames(const HttpRequest& r) {
  std::vector<std::string> names;
  for (const auto& [name, value] : r.headers) names.push_back(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ';';
    out += names[i];
  }
  return out;
}

std::string PayloadHashOf(const HttpRequest& r, const SigV4SigningParams& params) {
  if (!params.payload_hash_override.empty()) return params.payload_hash_override;
  return internal::DigestHex(internal::Sha256(r.body));
}

std::string Sign(const HttpRequest& r, const std::vector<std::string>& signed_headers,
                 std::string_view amz_date, std::string_view scope_date,
                 const SigV4SigningParams& params, bool presigned) {
  std::string storage;
  std::string canonical = sigv4::CanonicalRequest(
      r.method,
      params.service == "s3" ? sigv4::S3CanonicalUri(sigv4::RawPath(r, storage))
                             : sigv4::CanonicalUri(sigv4::RawPath(r, storage)),
      sigv4::CanonicalQuery(r.query, presigned), r, signed_headers, PayloadHashOf(r, params));
  std::string scope = sigv4::CredentialScope(scope_date, params.region, params.service);
  internal::Digest key = sigv4::DeriveSigningKey(params.credentials.secret_access_key, scope_date,
                                                 params.region, params.service);
  return sigv4::ComputeSignature(key, sigv4::StringToSign(amz_date, scope, canonical));
}

void FinishTarget(HttpRequest& r) {
  r.target = r.target.empty() ? "/" : r.target;
  if (!r.query.empty()) r.target += "?" + r.query;
}

}  // namespace

HttpRequest SignSigV4Header(const SigV4SigningInput& input, const SigV4SigningParams& params) {
  HttpRequest r = BaseRequest(input);
  std::string amz_date = FormatAmzDate(params.time);
  std::string day = amz_date.substr(0, 8);
  r.headers.emplace_back("x-amz-date", amz_date);
  if (!params.credentials.session_token.empty()) {
    r.headers.emplace_back("x-amz-security-token", params.credentials.session_token);
  }
  if (params.add_content_sha256_header) {
    r.headers.emplace_back("x-amz-content-sha256", PayloadHashOf(r, params));
  }
  std::vector<std::string> names = SortedHeaderNames(r);
  std::string signature = Sign(r, names, amz_date, day, params, false);
  std::string auth(sigv4::kAlgorithm);
  auth += " Credential=" + params.credentials.access_key_id + "/" +
          sigv4::CredentialScope(day, params.region, params.service);
  auth += ", SignedHeaders=" + JoinNames(names);
  auth += ", Signature=" + signature;
  r.headers.emplace_back("authorization", std::move(auth));
  FinishTarget(r);
  return r;
}

HttpRequest PresignSigV4(const SigV4SigningInput& input, const SigV4SigningParams& params,
                         int64_t expires_seconds) {
  HttpRequest r = BaseRequest(input);
  std::string amz_date = FormatAmzDate(params.time);
  std::string day = amz_date.substr(0, 8);
  std::vector<std::string> names = SortedHeaderNames(r);
  std::string& q = r.query;
  auto add = [&q](std::string_view key, std::string_view value) {
    if (!q.empty()) q += '&';
    q += key;
    q += '=';
    q += PercentEncode(value);
  };
  add("X-Amz-Algorithm", sigv4::kAlgorithm);
  add("X-Amz-Credential", params.credentials.access_key_id + "/" +
                              sigv4::CredentialScope(day, params.region, params.service));
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires_seconds));
  add("X-Amz-SignedHeaders", JoinNames(names));
  if (!params.credentials.session_token.empty()) {
    add("X-Amz-Security-Token", params.credentials.session_token);
  }
  std::string signature = Sign(r, names, amz_date, day, params, true);
  add("X-Amz-Signature", signature);
  FinishTarget(r);
  return r;
}

}  // namespace irsa::protocol

// AWS Query protocol parameters: the application/x-www-form-urlencoded body merged with the URL
// query string (wire spec §1.2).
//
// Merge rule: a name may appear at most once per source (a duplicate within the body, or within
// the query string, is MalformedQueryString); when both sources carry a name, the body wins (a
// header signature covers both). GET and HEAD requests take no parameters from a body, and a
// presigned request (X-Amz-Algorithm/-Credential/-Signature in the query) must not carry a form
// body at all: its signature covers only its query string.
// Decoding is strict: '+' is a space, every '%' must start a two-hex-digit escape, keys are
// non-empty. Limits bound the number of parameters and key/value lengths (decoded bytes).
//
// Accessors follow botocore's QuerySerializer: lists are `Name.member.N` (1-based), with an
// empty list sent as `Name=`; lists of structures `Name.member.N.Field`; maps
// `Name.entry.N.key` / `Name.entry.N.value`. Indices must be decimal without leading zeros
// (1..100000); members are returned in ascending index order, so gaps are compacted
// deterministically (`.member.1` and `.member.3` give two members).
//
// Member names in ValidationError messages are lowerCamel ("RoleName" -> "roleName").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/http_types.h"
#include "base/result.h"

namespace irsa::protocol {

struct QueryParamsLimits {
  size_t max_params = 2000;
  size_t max_key_length = 256;
  size_t max_value_length = 1 << 20;
};

class QueryParams {
 public:
  using Entry = std::pair<std::string, std::string>;
  // One structure of a list of structures: field name -> value (e.g. "Key" -> "team").
  using Struct = std::map<std::string, std::string, std::less<>>;

  QueryParams() = default;

  // Parses and merges `body` (form encoded) and `query` (raw URL query string).
  static Result<QueryParams> Parse(std::string_view body, std::string_view query,
                                   const QueryParamsLimits& limits = {});
  // Parses request.query and, if the body is form encoded (Content-Type
  // application/x-www-form-urlencoded, or absent with a non-empty body) and the method is not
  // GET or HEAD, request.body. A presigned request with a form body is MalformedQueryString.
  static Result<QueryParams> FromRequest(const HttpRequest& request,
                                         const QueryParamsLimits& limits = {});
  // True if the raw query string carries SigV4 query authentication (any spelling of
  // X-Amz-Algorithm, X-Amz-Credential or X-Amz-Signature).
  static bool IsPresigned(std::string_view raw_query);

  size_t size() const { return entries_.size(); }
  const std::vector<Entry>& entries() const { return entries_; }  // sorted by name

  bool Has(std::string_view name) const;
  std::optional<std::string_view> Get(std::string_view name) const;
  // Missing -> ValidationError "... Value null at '<lowerCamel>' ... Member must not be null".
  Result<std::string_view> Require(std::string_view name) const;

  // Integers: optional '-', decimal digits, fits int64. Bad format -> ValidationError.
  Result<std::optional<int64_t>> GetInt(std::string_view name) const;
  // Booleans: "true" / "false" (ASCII case-insensitive). Bad format -> ValidationError.
  Result<std::optional<bool>> GetBool(std::string_view name) const;

  // True if list `name` was sent at all (as `Name=` or with any `Name.member.N...`).
  bool HasList(std::string_view name) const;
  // `Name.member.N` values in index order. Absent -> empty. Bad index, or a non-empty `Name=`
  // value -> MalformedQueryString/ValidationError.
  Result<std::vector<std::string>> GetList(std::string_view name) const;
  // `Name.member.N.Field` structures in index order; each holds the fields that were sent.
  Result<std::vector<Struct>> GetStructList(std::string_view name) const;
  // `Name.entry.N.key` / `.value` in index order. A missing key -> ValidationError; a missing
  // value is the empty string.
  Result<std::vector<std::pair<std::string, std::string>>> GetMap(std::string_view name) const;

 private:
  struct Indexed {
    uint32_t index;
    std::string_view rest;  // after "<prefix>N": "" or ".Field"
    std::string_view value;
  };
  // All entries "<name>.<kind>.N[...]" with their parsed index, sorted by index (stable).
  Result<std::vector<Indexed>> Collect(std::string_view name, std::string_view kind) const;

  std::vector<Entry> entries_;
};

// "RoleName" -> "roleName", "PolicyArns" -> "policyArns" (first character lower-cased).
std::string LowerCamel(std::string_view name);

}  // namespace irsa::protocol

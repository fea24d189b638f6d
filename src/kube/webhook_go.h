// Go-runtime semantics the upstream amazon-eks-pod-identity-webhook inherits from its standard
// library, reproduced so irsa's webhook parses annotations and serialises patches exactly as the
// Go binary does (../shared/reference/irsa-wire-spec.md §5):
//
//   ParseGoBool        strconv.ParseBool
//   ParseGoInt64       strconv.ParseInt(s, 10, 64)
//   GoPathJoin         path/filepath.Join on Linux (joins with '/', then path.Clean)
//   ReadGoCsvRecord    the first record of encoding/csv.Reader.Read with default settings
//   GoJsonMarshal      encoding/json.Marshal of an already ordered value: keys in insertion
//                      order, HTML-safe escaping (<, >, & as \u003c…), \u2028/\u2029 escaped,
//                      \b \f \n \r \t short escapes, invalid UTF-8 as \ufffd, floats in Go's
//                      'f'/'e' shortest form.
//
// All functions are pure, thread-safe and total: untrusted input never throws or crashes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace irsa::kube {

// strconv.ParseBool: 1 t T TRUE true True → true; 0 f F FALSE false False → false; else nullopt.
std::optional<bool> ParseGoBool(std::string_view text);

// strconv.ParseInt(text, 10, 64): optional '+'/'-' then at least one ASCII digit; nullopt on any
// other byte (no spaces, no underscores) or when the value overflows int64.
std::optional<int64_t> ParseGoInt64(std::string_view text);

// path.Clean: collapses repeated '/', removes '.' elements and resolves '..' lexically, drops a
// trailing '/'; "" becomes ".".
std::string GoPathClean(std::string_view path);
// filepath.Join(a, b) on Linux: ignores empty elements, joins with '/', cleans; "" if both empty.
std::string GoPathJoin(std::string_view a, std::string_view b);

// The first record encoding/csv would read from `text` (Comma ',', no comments, strict quotes,
// FieldsPerRecord irrelevant for one record): leading empty lines are skipped; a quoted field may
// contain commas, newlines and "" for a quote; a bare '"' inside an unquoted field, text after a
// closing quote, or an unterminated quote is an error (nullopt). Empty input (EOF) is nullopt.
std::optional<std::vector<std::string>> ReadGoCsvRecord(std::string_view text);

// encoding/json.Marshal-compatible serialisation (see the file comment).
std::string GoJsonMarshal(const boost::json::value& value);
void AppendGoJsonString(std::string& out, std::string_view text);

}  // namespace irsa::kube

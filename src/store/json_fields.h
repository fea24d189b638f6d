// Reading and writing the JSON objects irsa stores (store::Row::body and other records it wrote
// itself): lenient field readers, because a field added by a later version must not break an
// earlier record, and one strict entry point that turns a corrupt body into ServiceFailure.
//
// Stateless; safe from any thread.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::store {

// The object in `body`; ServiceFailure "stored <what> record is corrupt" when `body` is not a JSON
// object.
Result<boost::json::object> ParseStoredObject(std::string_view body, std::string_view what);

// The string at `key`; "" when absent or not a string.
std::string JsonString(const boost::json::object& object, std::string_view key);
// The integer at `key`; `fallback` when absent or not an int64.
int64_t JsonInt(const boost::json::object& object, std::string_view key, int64_t fallback = 0);
// The strings of the array at `key`, skipping non-strings; empty when absent or not an array.
std::vector<std::string> JsonStrings(const boost::json::object& object, std::string_view key);
boost::json::array ToJsonArray(const std::vector<std::string>& values);

}  // namespace irsa::store

// Query-protocol success responses (wire spec §1.3):
//
//   <{Op}Response xmlns="..."><{Op}Result>...</{Op}Result>
//   <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></{Op}Response>
//
// Usage:
//   XmlWriter w("GetRole", kIamXmlNamespace);
//   w.Open("Role"); w.Element("RoleName", name); w.Timestamp("CreateDate", t); w.Close();
//   HttpResponse r = w.Finish(request_id);
//
// Operations with no output use XmlWriter(op, ns, XmlWriter::Result::kNone): the Result element
// is omitted. Text is XML-escaped; element names are trusted (compile-time model names).
// Open/Close must balance; Finish closes anything left open (and asserts in debug builds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/http_types.h"

namespace irsa::protocol {

inline constexpr std::string_view kIamXmlNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
inline constexpr std::string_view kStsXmlNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

class XmlWriter {
 public:
  enum class Result { kPresent, kNone };

  XmlWriter(std::string_view operation, std::string_view xml_namespace,
            Result result = Result::kPresent);

  // <name>text</name>
  XmlWriter& Element(std::string_view name, std::string_view text);
  XmlWriter& Element(std::string_view name, const char* text) {
    return Element(name, std::string_view(text));
  }
  XmlWriter& Element(std::string_view name, int64_t value);
  XmlWriter& Element(std::string_view name, int value) {
    return Element(name, static_cast<int64_t>(value));
  }
  // Omitted when absent (absent optional members are not emitted).
  XmlWriter& OptionalElement(std::string_view name, const std::optional<std::string>& text);
  XmlWriter& Bool(std::string_view name, bool value);  // true / false
  // ISO-8601 UTC, whole seconds ("2026-11-28T10:00:00Z") or with milliseconds.
  XmlWriter& Timestamp(std::string_view name, SystemTime t);
  XmlWriter& TimestampMillis(std::string_view name, SystemTime t);
  XmlWriter& Empty(std::string_view name);  // <name/>

  // Nested structure: <name> ... </name>.
  XmlWriter& Open(std::string_view name);
  XmlWriter& Close();
  // List of structures: Open(list) then one Member()/Close() pair per item, then Close().
  XmlWriter& Member() { return Open("member"); }

  // <name><member>v</member>...</name>; an empty list gives <name/>.
  XmlWriter& StringList(std::string_view name, const std::vector<std::string>& values);
  // <name><entry><key>k</key><value>v</value></entry>...</name>.
  XmlWriter& Map(std::string_view name,
                 const std::vector<std::pair<std::string, std::string>>& entries);

  // Closes the envelope and returns the body.
  std::string FinishBody(std::string_view request_id);
  // 200 with Content-Type text/xml and x-amzn-RequestId.
  HttpResponse Finish(std::string_view request_id);

 private:
  void OpenTag(std::string_view name);
  void CloseTag(std::string_view name);

  std::string operation_;
  bool has_result_;
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace irsa::protocol

#include "protocol/xml_writer.h"

#include <cassert>

#include "base/encoding.h"
#include "base/time_format.h"

namespace irsa::protocol {

XmlWriter::XmlWriter(std::string_view operation, std::string_view xml_namespace, Result result)
    : operation_(operation), has_result_(result == Result::kPresent) {
  out_.reserve(512);
  out_ += '<';
  out_ += operation_;
  out_ += "Response xmlns=\"";
  AppendXmlEscaped(out_, xml_namespace);
  out_ += "\">";
  if (has_result_) {
    out_ += '<';
    out_ += operation_;
    out_ += "Result>";
  }
}

void XmlWriter::OpenTag(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += '>';
}

void XmlWriter::CloseTag(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  OpenTag(name);
  AppendXmlEscaped(out_, text);
  CloseTag(name);
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, int64_t value) {
  OpenTag(name);
  out_ += std::to_string(value);
  CloseTag(name);
  return *this;
}

XmlWriter& XmlWriter::OptionalElement(std::string_view name,
                                      const std::optional<std::string>& text) {
  if (text) Element(name, std::string_view(*text));
  return *this;
}

XmlWriter& XmlWriter::Bool(std::string_view name, bool value) {
  return Element(name, value ? std::string_view("true") : std::string_view("false"));
}

XmlWriter& XmlWriter::Timestamp(std::string_view name, SystemTime t) {
  return Element(name, std::string_view(FormatIso8601(t)));
}

XmlWriter& XmlWriter::TimestampMillis(std::string_view name, SystemTime t) {
  return Element(name, std::string_view(FormatIso8601Millis(t)));
}

XmlWriter& XmlWriter::Empty(std::string_view name) {
  out_ += '<';
  out_ += name;
  out_ += "/>";
  return *this;
}

XmlWriter& XmlWriter::Open(std::string_view name) {
  OpenTag(name);
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  assert(!open_.empty());
  if (open_.empty()) return *this;
  CloseTag(open_.back());
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::StringList(std::string_view name, const std::vector<std::string>& values) {
  if (values.empty()) return Empty(name);
  OpenTag(name);
  for (const std::string& v : values) Element("member", std::string_view(v));
  CloseTag(name);
  return *this;
}

XmlWriter& XmlWriter::Map(std::string_view name,
                          const std::vector<std::pair<std::string, std::string>>& entries) {
  if (entries.empty()) return Empty(name);
  OpenTag(name);
  for (const auto& [k, v] : entries) {
    out_ += "<entry>";
    Element("key", std::string_view(k));
    Element("value", std::string_view(v));
    out_ += "</entry>";
  }
  CloseTag(name);
  return *this;
}

std::string XmlWriter::FinishBody(std::string_view request_id) {
  assert(open_.empty());
  while (!open_.empty()) Close();
  if (has_result_) {
    out_ += "</";
    out_ += operation_;
    out_ += "Result>";
  }
  out_ += "<ResponseMetadata><RequestId>";
  AppendXmlEscaped(out_, request_id);
  out_ += "</RequestId></ResponseMetadata></";
  out_ += operation_;
  out_ += "Response>";
  return std::move(out_);
}

HttpResponse XmlWriter::Finish(std::string_view request_id) {
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "text/xml");
  r.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  r.body = FinishBody(request_id);
  r.labels.action = operation_;
  return r;
}

}  // namespace irsa::protocol

#include "http/outbound_target.h"

#include <openssl/err.h>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "base/error.h"

namespace irsa::http {
namespace {

Error Invalid(std::string_view what, std::string_view why) {
  return errors::InvalidParameterValue("invalid " + std::string(what) + ": " + std::string(why));
}

}  // namespace

Result<OutboundTarget> ParseOutboundTarget(std::string_view url, std::string_view what) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Invalid(what, "not an absolute URI");
  const boost::urls::url_view& u = *parsed;
  OutboundTarget t;
  std::string scheme(u.scheme());
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme == "https") {
    t.tls = true;
  } else if (scheme != "http") {
    return Invalid(what, "scheme must be http or https");
  }
  if (!u.has_authority()) return Invalid(what, "missing host");
  if (u.has_userinfo()) return Invalid(what, "credentials in URLs are not supported");
  switch (u.host_type()) {
    case boost::urls::host_type::name:
      t.host = u.host();
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      t.host = u.host_address();
      t.ip_literal = true;
      break;
    default:
      return Invalid(what, "unsupported host");
  }
  if (t.host.empty()) return Invalid(what, "missing host");
  const char* default_port = t.tls ? "443" : "80";
  if (u.has_port()) {
    if (u.port().empty() || u.port_number() == 0) return Invalid(what, "bad port");
    t.port = std::to_string(u.port_number());
  } else {
    t.port = default_port;
  }
  std::string bracketed =
      u.host_type() == boost::urls::host_type::ipv6 ? "[" + t.host + "]" : t.host;
  t.host_header = bracketed;
  if (t.port != default_port) t.host_header += ":" + t.port;
  std::string path(u.encoded_path());
  if (path.empty()) path = "/";
  t.request_target = path;
  if (u.has_query()) {
    t.request_target += '?';
    t.request_target += std::string_view(u.encoded_query());
  }
  t.display = scheme + "://" + bracketed + ":" + t.port + path;
  return t;
}

bool SafeHeaderText(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

}  // namespace irsa::http

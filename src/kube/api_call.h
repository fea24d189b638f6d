// Internal to the kube module: the state of one request served by KubeApi.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "kube/api.h"

namespace irsa::kube {

struct KubeApi::Call {
  const HttpRequest& http;
  ClusterInfo cluster;
  std::map<std::string, std::string> query;  // percent-decoded; first occurrence wins
  RequestAttributes attributes;              // what the request asks (authorization)
  Authentication authentication;             // who asks (set for every request but /version)
  // TokenRequest: the service account and audiences of the token minted (audit log).
  std::string minted_for;
  std::string minted_audiences;
  std::vector<std::string> warnings;  // sent as `Warning: 299 - "<text>"` headers

  // The query parameter, or "".
  std::string Param(const std::string& name) const;
  // ?dryRun=All.
  bool DryRun() const;
  // A JSON response carrying the collected warnings.
  HttpResponse Respond(int status, const boost::json::value& body) const;
};

// Parses "a=b&c=d" (percent-decoding, '+' as space); malformed escapes are BadRequest.
Result<std::map<std::string, std::string>> ParseQuery(const std::string& query);

}  // namespace irsa::kube

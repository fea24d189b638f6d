// The AWS Query (IAM, STS) dispatch contract: one table entry per (service, Action), declaring
// its handler and how it is authorized (query_access.h).
//
// The router authenticates the call, authorizes it from the entry's declaration (action,
// resource, condition keys) and only then runs the handler. A handler reads its parameters,
// validates them against the model (ValidationError), calls the service layer and writes the XML
// result; it never authorizes by itself. Errors are returned as values; the router renders them
// (error_render.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "authz/authorizer.h"
#include "authz/caller.h"
#include "base/http_types.h"
#include "base/result.h"
#include "protocol/query_access.h"
#include "protocol/query_params.h"
#include "protocol/validation.h"
#include "protocol/xml_writer.h"

namespace irsa::iam {
struct ServiceContext;
}
namespace irsa::sts {
class StsService;
class WebIdentityTokens;
}  // namespace irsa::sts
namespace irsa::oidc {
class OutboundIssuers;
}

namespace irsa::protocol {

// Everything handlers dispatch to. Not owned; outlives the router.
struct QueryServices {
  const iam::ServiceContext* iam = nullptr;
  const authz::Authorizer* authorizer = nullptr;
  sts::StsService* sts = nullptr;
  oidc::OutboundIssuers* outbound = nullptr;              // IAM outbound federation
  sts::WebIdentityTokens* web_identity_tokens = nullptr;  // STS GetWebIdentityToken
};

struct QueryCall {
  const HttpRequest& http;
  const QueryParams& params;
  const authz::Caller& caller;
  const QueryServices& services;
  std::string_view action;
  std::string_view xml_namespace;
  std::string region;  // from the signature scope, "us-east-1" when unsigned

  // The account the call acts on: the caller's.
  const std::string& account() const { return caller.account; }
  // The request's global facts (source IP, TLS, region, user agent, request id).
  authz::RequestFacts Facts() const;
  XmlWriter Writer(XmlWriter::Result result = XmlWriter::Result::kPresent) const {
    return XmlWriter(action, xml_namespace, result);
  }
  // An operation with no output: <{Op}Response><ResponseMetadata>…</ResponseMetadata>.
  HttpResponse Empty() const {
    return XmlWriter(action, xml_namespace, XmlWriter::Result::kNone).Finish(http.request_id);
  }
};

using QueryHandler = std::function<Result<HttpResponse>(const QueryCall&)>;

struct QueryAction {
  QueryHandler handler;
  std::string iam_action;  // "iam:CreateRole"
  ResourceSpec resource;
  std::vector<KeySpec> keys;
  Authorization authorization = Authorization::kTable;
  bool allow_unsigned = false;  // AssumeRoleWithWebIdentity: authenticated by its token
};

// Action name -> entry, per service.
using QueryActionTable = std::unordered_map<std::string, QueryAction>;

// Declares operation `name` of `service` ("iam", "sts"), authorized as "<service>:<name>" on
// `resource` with `keys`.
void Declare(QueryActionTable& table, std::string_view service, std::string name,
             QueryHandler handler, ResourceSpec resource, std::vector<KeySpec> keys = {});

void RegisterIamUserActions(QueryActionTable& iam);
void RegisterIamRoleActions(QueryActionTable& iam);
void RegisterIamPolicyActions(QueryActionTable& iam);
void RegisterIamOidcActions(QueryActionTable& iam);
void RegisterIamSimulationActions(QueryActionTable& iam);  // from RegisterIamPolicyActions
void RegisterStsActions(QueryActionTable& sts);
// AssumeRoleWithSAML (sts_saml_actions.cc), from RegisterStsActions.
void RegisterStsSamlActions(QueryActionTable& sts);
void RegisterStsWebIdentityTokenActions(QueryActionTable& sts);  // from RegisterStsActions

// Shared model validation for IAM list paging: MaxItems 1-1000 (default 100), Marker 1-320.
struct Paging {
  std::string marker;
  int max_items = 100;
};
Result<Paging> ReadPaging(const QueryParams& params);
// Writes <IsTruncated> and, when truncated, <Marker>.
void WritePaging(XmlWriter& w, bool truncated, const std::string& marker);

}  // namespace irsa::protocol

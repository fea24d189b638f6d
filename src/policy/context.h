// The request an authorization decision is about: who (RequestPrincipal), what (action), on
// which resource, and the condition-key context. Condition keys are case-insensitive; each key is
// absent, single-valued, or multi-valued (an ordered list, possibly empty). Absent != empty.
//
// Values are plain data owned by the Request; a built Request is immutable in use and may be
// read from many threads. Building allocates; evaluation only reads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace irsa::policy {

enum class PrincipalType {
  kAnonymous,      // unsigned caller; matches only Principal "*"
  kAccount,        // the account root user, arn:aws:iam::A:root
  kUser,           // IAM user
  kAssumedRole,    // role session arn:aws:sts::A:assumed-role/Name/session
  kFederatedUser,  // GetFederationToken session arn:aws:sts::A:federated-user/Name
  kWebIdentity,    // AssumeRoleWithWebIdentity/SAML caller: identified by its IdP
  kService,        // an AWS-style service principal, e.g. "ec2.amazonaws.com"
};
std::string_view PrincipalTypeName(PrincipalType type);  // aws:PrincipalType values

struct RequestPrincipal {
  PrincipalType type = PrincipalType::kAnonymous;
  std::string account;  // 12 digits; empty for anonymous, web identity and services
  // kAccount/kUser/kFederatedUser: its ARN; kAssumedRole: the session ARN; kWebIdentity: the
  // provider (IAM OIDC provider ARN or well-known IdP name); kService: the service name.
  std::string arn;
  std::string role_arn;         // kAssumedRole: the role ARN including its path
  std::string source_user_arn;  // kFederatedUser: the IAM user that created the session
  std::string unique_id;        // AIDA…/AROA…, if known

  static RequestPrincipal Anonymous();
  static RequestPrincipal Root(std::string account);
  static RequestPrincipal User(std::string user_arn, std::string unique_id = "");
  static RequestPrincipal AssumedRole(std::string session_arn, std::string role_arn,
                                      std::string role_unique_id = "");
  static RequestPrincipal FederatedUser(std::string arn, std::string source_user_arn = "");
  static RequestPrincipal WebIdentity(std::string provider);
  static RequestPrincipal Service(std::string service_name);
};

struct ContextEntry {
  std::string key;  // ASCII lower case
  std::vector<std::string> values;
  bool multi_valued = false;
};

// Condition keys, sorted by lower-cased name for allocation-free lookup.
class RequestContext {
 public:
  // Replaces `key` with one value.
  void Set(std::string_view key, std::string value);
  // Replaces `key` with a multi-valued list (possibly empty).
  void SetMulti(std::string_view key, std::vector<std::string> values);
  // Appends to `key`; a second value turns a single-valued key into a multi-valued one.
  void Add(std::string_view key, std::string value);
  void Remove(std::string_view key);
  // Room for `count` keys without reallocating (a request usually carries 8-16).
  void Reserve(size_t count) { entries_.reserve(count); }
  // Case-insensitive lookup; nullptr if absent.
  const ContextEntry* Find(std::string_view key) const;
  const std::vector<ContextEntry>& entries() const { return entries_; }

 private:
  ContextEntry& Upsert(std::string_view key);
  std::vector<ContextEntry> entries_;
};

struct Request {
  std::string action;    // "service:Action"
  std::string resource;  // an ARN or "*"
  RequestPrincipal principal;
  RequestContext context;
};

// Fills a Request and the global condition keys AWS would put in its context (spec §6).
// Setters return *this for chaining; Build() may be called once.
class RequestBuilder {
 public:
  RequestBuilder() { request_.context.Reserve(16); }
  RequestBuilder& Action(std::string action);
  RequestBuilder& Resource(std::string resource);
  // Sets the principal and aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
  // aws:userid and (IAM users only) aws:username. Pass `session_name` for role sessions to
  // build aws:userid = <role-unique-id>:<session>.
  RequestBuilder& Principal(RequestPrincipal principal, std::string_view session_name = "");
  // aws:CurrentTime (ISO 8601) and aws:EpochTime (seconds).
  RequestBuilder& CurrentTime(SystemTime now);
  RequestBuilder& SourceIp(std::string ip);
  RequestBuilder& SecureTransport(bool secure);
  RequestBuilder& PrincipalTag(std::string_view tag_key, std::string value);
  // aws:RequestTag/<k> and appends k to the multi-valued aws:TagKeys.
  RequestBuilder& RequestTag(std::string_view tag_key, std::string value);
  RequestBuilder& ResourceTag(std::string_view tag_key, std::string value);
  RequestBuilder& TokenIssueTime(SystemTime issued);
  RequestBuilder& FederatedProvider(std::string provider);
  // "<issuer host+path>:<claim>", e.g. oidc.example.com/id/X:sub. `issuer` may carry https://.
  RequestBuilder& WebIdentityClaim(std::string_view issuer, std::string_view claim,
                                   std::string value);
  RequestBuilder& RoleSessionName(std::string name);
  RequestBuilder& Set(std::string_view key, std::string value);
  RequestBuilder& SetMulti(std::string_view key, std::vector<std::string> values);
  RequestBuilder& Add(std::string_view key, std::string value);

  Request Build() { return std::move(request_); }

 private:
  Request request_;
};

}  // namespace irsa::policy

// libFuzzer target: arbitrary bytes as a policy document of every kind; whatever compiles is
// linted, evaluated (with and without a trace) against requests derived from the input, and
// explained. Must never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/decision.h"
#include "policy/lint.h"
#include "policy/policy.h"

namespace {

using irsa::policy::PolicyKind;

irsa::policy::Request RequestFor(std::string_view data, irsa::policy::RequestPrincipal principal) {
  irsa::policy::RequestBuilder builder;
  std::string tail(data.substr(data.size() / 2, 64));
  builder.Action("s3:GetObject")
      .Resource("arn:aws:s3:::bucket/" + tail)
      .Principal(std::move(principal))
      .CurrentTime(irsa::FromUnixSeconds(1704067200))
      .SourceIp("10.1.2.3")
      .SecureTransport(true)
      .PrincipalTag("team", tail)
      .RequestTag("env", "prod")
      .WebIdentityClaim("oidc.example.com/id/A", "sub", tail)
      .Set("k:n", "10.5")
      .Set("k:x", tail);
  return builder.Build();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)irsa::policy::PolicySize(text);
  for (PolicyKind kind : {PolicyKind::kIdentity, PolicyKind::kTrust, PolicyKind::kResource}) {
    auto compiled = irsa::policy::CompilePolicy(text, kind);
    if (!compiled) continue;
    (void)irsa::policy::LintPolicy(**compiled);
    irsa::policy::PolicySet set;
    if (kind == PolicyKind::kIdentity) {
      set.identity.push_back(*compiled);
    } else {
      set.resource = *compiled;
    }
    for (auto principal :
         {irsa::policy::RequestPrincipal::User("arn:aws:iam::111122223333:user/alice"),
          irsa::policy::RequestPrincipal::AssumedRole("arn:aws:sts::111122223333:assumed-role/R/s",
                                                      "arn:aws:iam::111122223333:role/p/R"),
          irsa::policy::RequestPrincipal::WebIdentity(
              "arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A"),
          irsa::policy::RequestPrincipal::Anonymous()}) {
      irsa::policy::Request request = RequestFor(text, principal);
      irsa::policy::DecisionTrace trace;
      auto fast = irsa::policy::Decide(set, request);
      auto traced = irsa::policy::Decide(set, request, &trace);
      if (fast.decision != traced.decision) __builtin_trap();  // trace must not change results
      (void)irsa::policy::ExplainDecision(trace);
      (void)irsa::policy::RenderTraceJson(trace);
      request.action = "sts:AssumeRoleWithWebIdentity";
      (void)irsa::policy::Decide(set, request);
    }
  }
  return 0;
}

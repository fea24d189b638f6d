// IAM credential report over the Query protocol (Content is a blob: base64 of the CSV).
#include "base/encoding.h"
#include "iam/credential_report.h"
#include "protocol/iam_adapters.h"
#include "protocol/query_api.h"

namespace irsa::protocol {
namespace {

Result<HttpResponse> GenerateCredentialReport(const QueryCall& call) {
  IRSA_TRY(iam::GenerateReportResult result,
           iam::GenerateCredentialReport(*call.services.iam, call.account()));
  XmlWriter w = call.Writer();
  w.Element("State", result.state).Element("Description", result.description);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetCredentialReport(const QueryCall& call) {
  IRSA_TRY(iam::CredentialReport report,
           iam::GetCredentialReport(*call.services.iam, call.account()));
  XmlWriter w = call.Writer();
  w.Element("Content", Base64Encode(report.content))
      .Element("ReportFormat", "text/csv")
      .Timestamp("GeneratedTime", report.generated);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamCredentialReportActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "GenerateCredentialReport", GenerateCredentialReport, AnyResource());
  Declare(iam, "iam", "GetCredentialReport", GetCredentialReport, AnyResource());
}

}  // namespace irsa::protocol

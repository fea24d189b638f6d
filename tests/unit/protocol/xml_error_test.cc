#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/time_format.h"
#include "protocol/error_render.h"
#include "protocol/xml_writer.h"

namespace irsa::protocol {
namespace {

std::string HeaderOf(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(XmlWriter, SuccessWithResult) {
  XmlWriter w("GetRole", kIamXmlNamespace);
  w.Open("Role")
      .Element("Path", "/")
      .Element("RoleName", "a<b&c")
      .Timestamp("CreateDate", FromUnixSeconds(1795860000))
      .Element("MaxSessionDuration", 3600)
      .OptionalElement("Description", std::nullopt)
      .Empty("RoleLastUsed")
      .Close();
  HttpResponse r = w.Finish("req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/xml");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(r.body,
            "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult>"
            "<Role><Path>/</Path><RoleName>a&lt;b&amp;c</RoleName>"
            "<CreateDate>2026-11-28T10:00:00Z</CreateDate><MaxSessionDuration>3600"
            "</MaxSessionDuration><RoleLastUsed/></Role></GetRoleResult><ResponseMetadata>"
            "<RequestId>req-1</RequestId></ResponseMetadata></GetRoleResponse>");
}

TEST(XmlWriter, NoResult) {
  XmlWriter w("DeleteRole", kIamXmlNamespace, XmlWriter::Result::kNone);
  EXPECT_EQ(w.FinishBody("r"),
            "<DeleteRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteRoleResponse>");
  XmlWriter empty("UpdateRole", kIamXmlNamespace);
  EXPECT_EQ(empty.FinishBody("r"),
            "<UpdateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<UpdateRoleResult></UpdateRoleResult><ResponseMetadata><RequestId>r</RequestId>"
            "</ResponseMetadata></UpdateRoleResponse>");
}

TEST(XmlWriter, ListsMapsBooleansMillis) {
  XmlWriter w("GetOpenIDConnectProvider", kIamXmlNamespace);
  w.StringList("ClientIDList", {"sts.amazonaws.com"})
      .StringList("ThumbprintList", {})
      .Open("Tags")
      .Member()
      .Element("Key", "k")
      .Element("Value", "v")
      .Close()
      .Close()
      .Map("Context", {{"a", "1"}})
      .Bool("IsTruncated", false)
      .TimestampMillis("CreateDate", FromUnixSeconds(1611203349) + std::chrono::milliseconds(788));
  std::string body = w.FinishBody("id");
  EXPECT_NE(body.find("<ClientIDList><member>sts.amazonaws.com</member></ClientIDList>"
                      "<ThumbprintList/><Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
                      "<Context><entry><key>a</key><value>1</value></entry></Context>"
                      "<IsTruncated>false</IsTruncated>"
                      "<CreateDate>2021-01-21T04:29:09.788Z</CreateDate>"),
            std::string::npos)
      << body;
}

TEST(XmlWriter, StsNamespace) {
  XmlWriter w("GetCallerIdentity", kStsXmlNamespace);
  w.Element("Account", "111122223333");
  std::string body = w.FinishBody("x");
  EXPECT_EQ(
      body.rfind("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                 "<GetCallerIdentityResult><Account>111122223333</Account>",
                 0),
      0u);
}

TEST(ErrorRender, QuerySender) {
  HttpResponse r = RenderQueryError(errors::DeleteConflict("Cannot delete entity, must detach all "
                                                           "policies first."),
                                    kIamXmlNamespace, "rid-1");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "text/xml");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), "rid-1");
  EXPECT_EQ(r.labels.error_code, "DeleteConflict");
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
            "<Type>Sender</Type><Code>DeleteConflict</Code><Message>Cannot delete entity, must "
            "detach all policies first.</Message></Error><RequestId>rid-1</RequestId>"
            "</ErrorResponse>");
}

TEST(ErrorRender, QueryReceiverEscapes) {
  HttpResponse r =
      RenderQueryError(errors::ServiceFailure("<boom> & \"more\""), kStsXmlNamespace, "rid-2");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
            "<Type>Receiver</Type><Code>ServiceFailure</Code><Message>&lt;boom&gt; &amp; "
            "&quot;more&quot;</Message></Error><RequestId>rid-2</RequestId></ErrorResponse>");
}

TEST(ErrorRender, RestJson) {
  HttpResponse r =
      RenderRestJsonError(Error("ResourceNotFoundException", 404, "No cluster \"x\"\n"), "rid-3");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(HeaderOf(r, "x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderOf(r, "x-amzn-RequestId"), "rid-3");
  EXPECT_EQ(r.body, "{\"message\":\"No cluster \\\"x\\\"\\n\"}");
}

TEST(ErrorRender, KubeStatus) {
  HttpResponse r = RenderKubeStatus(errors::NotFound("serviceaccounts \"x\" not found"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(HeaderOf(r, "Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            "\"message\":\"serviceaccounts \\\"x\\\" not found\",\"reason\":\"NotFound\","
            "\"code\":404}");
  EXPECT_EQ(KubeReason(409, "EntityAlreadyExists"), "AlreadyExists");
  EXPECT_EQ(KubeReason(409, "ConcurrentModification"), "Conflict");
  EXPECT_EQ(KubeReason(401), "Unauthorized");
  EXPECT_EQ(KubeReason(403), "Forbidden");
  EXPECT_EQ(KubeReason(400), "BadRequest");
  EXPECT_EQ(KubeReason(422), "Invalid");
  EXPECT_EQ(KubeReason(500), "InternalError");
  EXPECT_EQ(KubeReason(502), "InternalError");
  EXPECT_NE(
      KubeStatusBody(errors::EntityAlreadyExists("exists")).find("\"reason\":\"AlreadyExists\""),
      std::string::npos);
}

}  // namespace
}  // namespace irsa::protocol

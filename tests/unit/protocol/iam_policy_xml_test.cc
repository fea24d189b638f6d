#include <gtest/gtest.h>

#include <string>

#include "protocol/iam_xml.h"
#include "protocol/xml_writer.h"

namespace irsa::protocol {
namespace {

std::string Render(const iam::PolicyInfo& info, PolicyView view) {
  XmlWriter w("GetPolicy", kIamXmlNamespace);
  w.Open("Policy");
  WritePolicyMembers(w, info, view);
  w.Close();
  return w.Finish("req-1").body;
}

// GetPolicy of a policy without tags answers an empty <Tags/> list, as AWS does (issue 14);
// CreatePolicy and ListPolicies leave it out.
TEST(IamPolicyXml, GetPolicyAnswersEmptyTags) {
  iam::PolicyInfo info;
  info.policy.name = "p";
  info.policy.arn = "arn:aws:iam::111122223333:policy/p";
  EXPECT_NE(Render(info, PolicyView::kGet).find("<Tags/>"), std::string::npos);
  EXPECT_EQ(Render(info, PolicyView::kCreate).find("<Tags"), std::string::npos);
  EXPECT_EQ(Render(info, PolicyView::kList).find("<Tags"), std::string::npos);
  info.policy.tags = {{"k", "v"}};
  EXPECT_NE(Render(info, PolicyView::kGet)
                .find("<Tags><member><Key>k</Key><Value>v</Value></member></Tags>"),
            std::string::npos);
}

}  // namespace
}  // namespace irsa::protocol

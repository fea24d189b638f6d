#include "jwt/claims.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace irsa::jwt {
namespace {

boost::json::object Obj(std::string_view text) { return boost::json::parse(text).as_object(); }

void ExpectError(const Status& s, std::string_view fragment) {
  ASSERT_FALSE(s.ok()) << fragment;
  EXPECT_NE(s.error().message().find(fragment), std::string::npos) << s.error().message();
}

template <typename T>
void ExpectError(const Result<T>& r, std::string_view fragment) {
  ASSERT_FALSE(r.ok()) << fragment;
  EXPECT_EQ(r.error().code(), "InvalidIdentityToken");
  EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
}

TEST(Claims, AudienceStringOrArray) {
  auto s = GetAudiences(Obj(R"({"aud":"sts.amazonaws.com"})"));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(**s, std::vector<std::string>{"sts.amazonaws.com"});
  auto a = GetAudiences(Obj(R"({"aud":["a","b"]})"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(**a, (std::vector<std::string>{"a", "b"}));
  auto none = GetAudiences(Obj("{}"));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ExpectError(GetAudiences(Obj(R"({"aud":[]})")), "empty array");
  ExpectError(GetAudiences(Obj(R"({"aud":["a",1]})")), "only strings");
  ExpectError(GetAudiences(Obj(R"({"aud":7})")), "string or an array");
  ExpectError(GetAudiences(Obj(R"({"aud":{"a":1}})")), "string or an array");
}

TEST(Claims, NumericDates) {
  auto exp = GetNumericDate(Obj(R"({"exp":1732866400})"), "exp");
  ASSERT_TRUE(exp.ok());
  EXPECT_EQ(**exp, 1732866400);
  EXPECT_FALSE(GetNumericDate(Obj("{}"), "exp")->has_value());
  EXPECT_EQ(**GetNumericDate(Obj(R"({"iat":-5})"), "iat"), -5);
  ExpectError(GetNumericDate(Obj(R"({"exp":1732866400.5})"), "exp"), "must be an integer");
  ExpectError(GetNumericDate(Obj(R"({"exp":1.7e9})"), "exp"), "must be an integer");
  ExpectError(GetNumericDate(Obj(R"({"exp":"1732866400"})"), "exp"), "NumericDate");
  ExpectError(GetNumericDate(Obj(R"({"exp":true})"), "exp"), "NumericDate");
  ExpectError(GetNumericDate(Obj(R"({"exp":null})"), "exp"), "NumericDate");
  ExpectError(GetNumericDate(Obj(R"({"nbf":18446744073709551615})"), "nbf"), "out of range");
  EXPECT_TRUE(GetNumericDate(Obj(R"({"nbf":9223372036854775807})"), "nbf").ok());
}

TEST(Claims, StandardAndRequired) {
  auto c = GetStandardClaims(
      Obj(R"({"iss":"https://i","sub":"s","aud":"a","exp":10,"nbf":1,"iat":1,"jti":"j"})"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->iss, "https://i");
  EXPECT_EQ(c->jti, "j");
  EXPECT_EQ(*c->exp, 10);
  EXPECT_TRUE(RequireClaims(*c).ok());
  ExpectError(GetStandardClaims(Obj(R"({"iss":5})")), "claim \"iss\" must be a string");
  ExpectError(GetStandardClaims(Obj(R"({"sub":["x"]})")), "\"sub\"");
  ExpectError(RequireClaims(*GetStandardClaims(Obj(R"({"sub":"s","aud":"a","exp":1})"))),
              "Missing a required claim: iss");
  ExpectError(RequireClaims(*GetStandardClaims(Obj(R"({"iss":"i","sub":"s","exp":1})"))),
              "Missing a required claim: aud");
  ExpectError(RequireClaims(*GetStandardClaims(Obj(R"({"iss":"i","sub":"s","aud":"a"})"))),
              "Missing a required claim: exp");
}

TEST(Claims, Times) {
  StandardClaims c;
  c.exp = 1000;
  c.nbf = 500;
  c.iat = 500;
  EXPECT_TRUE(CheckTimes(c, 600, 0).ok());
  auto expired = CheckTimes(c, 1000, 0);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code(), "ExpiredTokenException");
  EXPECT_TRUE(CheckTimes(c, 1200, 300).ok()) << "within skew";
  ExpectError(CheckTimes(c, 100, 0), "not yet valid");
  c.nbf.reset();
  ExpectError(CheckTimes(c, 100, 0), "issued in the future");
  EXPECT_TRUE(CheckTimes(c, 300, 300).ok());
}

TEST(Claims, Kubernetes) {
  auto k = GetKubernetesClaims(Obj(R"({"kubernetes.io":{"namespace":"default",
      "serviceaccount":{"name":"app","uid":"u1"},"pod":{"name":"p","uid":"u2"},
      "node":{"name":"n","uid":"u3"}}})"));
  ASSERT_TRUE(k.ok()) << k.error().message();
  ASSERT_TRUE(k->has_value());
  EXPECT_EQ((*k)->namespace_name, "default");
  EXPECT_EQ((*k)->service_account_name, "app");
  EXPECT_EQ((*k)->service_account_uid, "u1");
  EXPECT_EQ((*k)->pod_name, "p");
  EXPECT_EQ((*k)->pod_uid, "u2");
  EXPECT_EQ((*k)->node_name, "n");
  EXPECT_FALSE((*k)->secret_name.has_value());
  EXPECT_FALSE(GetKubernetesClaims(Obj("{}"))->has_value());
  ExpectError(GetKubernetesClaims(Obj(R"({"kubernetes.io":"x"})")), "must be an object");
  ExpectError(GetKubernetesClaims(Obj(R"({"kubernetes.io":{"serviceaccount":{}}})")),
              "kubernetes.io.namespace");
  ExpectError(GetKubernetesClaims(Obj(R"({"kubernetes.io":{"namespace":"d"}})")),
              "kubernetes.io.serviceaccount");
  ExpectError(GetKubernetesClaims(
                  Obj(R"({"kubernetes.io":{"namespace":"d","serviceaccount":{"name":"a"}}})")),
              "kubernetes.io.serviceaccount.uid");
  ExpectError(GetKubernetesClaims(Obj(
                  R"({"kubernetes.io":{"namespace":"d","serviceaccount":{"name":"a","uid":"u"},
                  "pod":{"name":5}}})")),
              "kubernetes.io.pod.name");
  const boost::json::object obj = Obj(R"({"kubernetes.io":{"namespace":"d"},"x":1})");
  ASSERT_NE(FindObject(obj, "kubernetes.io"), nullptr);
  EXPECT_EQ(FindObject(obj, "x"), nullptr);
  EXPECT_EQ(FindObject(obj, "missing"), nullptr);
}

}  // namespace
}  // namespace irsa::jwt

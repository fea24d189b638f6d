#include "protocol/query_params.h"

#include <gtest/gtest.h>

#include "unit/protocol/test_util.h"

namespace irsa::protocol {
namespace {

QueryParams MustParse(std::string_view body, std::string_view query = {}) {
  auto r = QueryParams::Parse(body, query);
  EXPECT_TRUE(r.ok()) << r.error().message();
  return r.ok() ? *r : QueryParams();
}

std::string ErrorCode(std::string_view body, std::string_view query = {},
                      QueryParamsLimits limits = {}) {
  auto r = QueryParams::Parse(body, query, limits);
  return r.ok() ? "" : r.error().code();
}

TEST(QueryParams, DecodesStrictly) {
  QueryParams p = MustParse("Action=CreateRole&Description=a+b%20c%2Bd&Empty=&Flag");
  EXPECT_EQ(p.Get("Action").value_or(""), "CreateRole");
  EXPECT_EQ(p.Get("Description").value_or(""), "a b c+d");
  EXPECT_EQ(p.Get("Empty").value_or("x"), "");
  EXPECT_EQ(p.Get("Flag").value_or("x"), "");
  EXPECT_FALSE(p.Get("Missing").has_value());
  EXPECT_EQ(p.size(), 4u);
}

TEST(QueryParams, BadEscapesAndEmptyNames) {
  EXPECT_EQ(ErrorCode("a=%"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=%4"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=%zz"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("%g1=b"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("=value"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("", "a=%2"), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=1&&&b=2&"), "");
}

TEST(QueryParams, DuplicatesAndMerge) {
  auto dup = QueryParams::Parse("RoleName=a&RoleName=b", "");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), "MalformedQueryString");
  EXPECT_EQ(dup.error().http_status(), 400);
  EXPECT_EQ(ErrorCode("", "a=1&a=1"), "MalformedQueryString");
  // Body wins over the query string; names unique to either source are kept.
  QueryParams p = MustParse("Action=GetRole&RoleName=body", "RoleName=query&Version=2010-05-08");
  EXPECT_EQ(p.Get("RoleName").value_or(""), "body");
  EXPECT_EQ(p.Get("Version").value_or(""), "2010-05-08");
  EXPECT_EQ(p.Get("Action").value_or(""), "GetRole");
  EXPECT_EQ(p.size(), 3u);
}

TEST(QueryParams, Limits) {
  QueryParamsLimits limits;
  limits.max_params = 3;
  limits.max_key_length = 8;
  limits.max_value_length = 4;
  EXPECT_EQ(ErrorCode("a=1&b=2&c=3", "", limits), "");
  EXPECT_EQ(ErrorCode("a=1&b=2&c=3&d=4", "", limits), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=1&b=2", "c=3&d=4", limits), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("abcdefghi=1", "", limits), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=12345", "", limits), "MalformedQueryString");
  EXPECT_EQ(ErrorCode("a=%41%41%41%41", "", limits), "");
}

TEST(QueryParams, RequireGivesNullValidationError) {
  QueryParams p = MustParse("Action=GetRole");
  auto missing = p.Require("RoleName");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), "ValidationError");
  EXPECT_EQ(missing.error().message(),
            "1 validation error detected: Value null at 'roleName' failed to satisfy "
            "constraint: Member must not be null");
  EXPECT_EQ(*p.Require("Action"), "GetRole");
}

TEST(QueryParams, IntegersAndBooleans) {
  QueryParams p = MustParse("D=3600&N=-5&Bad=12a&Big=99999999999999999999&T=true&F=FALSE&B=yes");
  EXPECT_EQ(p.GetInt("D")->value_or(0), 3600);
  EXPECT_EQ(p.GetInt("N")->value_or(0), -5);
  EXPECT_FALSE(p.GetInt("Missing")->has_value());
  auto bad = p.GetInt("Bad");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "ValidationError");
  EXPECT_EQ(bad.error().message(),
            "1 validation error detected: Value '12a' at 'bad' failed to satisfy constraint: "
            "Member must be a valid integer");
  EXPECT_FALSE(p.GetInt("Big").ok());
  EXPECT_EQ(p.GetBool("T")->value_or(false), true);
  EXPECT_EQ(p.GetBool("F")->value_or(true), false);
  EXPECT_FALSE(p.GetBool("Missing")->has_value());
  EXPECT_EQ(p.GetBool("B").error().code(), "ValidationError");
}

TEST(QueryParams, MemberLists) {
  QueryParams p = MustParse(
      "ClientIDList.member.2=b&ClientIDList.member.1=a&ClientIDList.member.10=j&"
      "ThumbprintList=&Other.member.1=x");
  auto list = p.GetList("ClientIDList");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (std::vector<std::string>{"a", "b", "j"}));  // numeric order, gaps compacted
  EXPECT_TRUE(p.HasList("ThumbprintList"));
  EXPECT_TRUE(p.GetList("ThumbprintList")->empty());  // botocore's empty list
  EXPECT_FALSE(p.HasList("Absent"));
  EXPECT_TRUE(p.GetList("Absent")->empty());
  EXPECT_TRUE(p.HasList("ClientIDList"));
}

TEST(QueryParams, MemberListBadIndices) {
  for (std::string_view body : {"L.member.0=a", "L.member.01=a", "L.member.x=a", "L.member.=a",
                                "L.member.1000001=a", "L.member.-1=a"}) {
    QueryParams p = MustParse(body);
    auto list = p.GetList("L");
    ASSERT_FALSE(list.ok()) << body;
    EXPECT_EQ(list.error().code(), "MalformedQueryString") << body;
  }
  QueryParams nested = MustParse("L.member.1.Key=a");
  EXPECT_FALSE(nested.GetList("L").ok());
  QueryParams scalar = MustParse("L=notalist");
  EXPECT_EQ(scalar.GetList("L").error().code(), "ValidationError");
}

TEST(QueryParams, StructureLists) {
  QueryParams p = MustParse(
      "Tags.member.1.Key=team&Tags.member.1.Value=a%20b&Tags.member.2.Key=env&"
      "Tags.member.2.Value=&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FX&"
      "Tags.member.3.Key=only-key");
  auto tags = p.GetStructList("Tags");
  ASSERT_TRUE(tags.ok()) << tags.error().message();
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[0].at("Key"), "team");
  EXPECT_EQ((*tags)[0].at("Value"), "a b");
  EXPECT_EQ((*tags)[1].at("Value"), "");
  EXPECT_EQ((*tags)[2].count("Value"), 0u);
  auto arns = p.GetStructList("PolicyArns");
  ASSERT_TRUE(arns.ok());
  ASSERT_EQ(arns->size(), 1u);
  EXPECT_EQ((*arns)[0].at("arn"), "arn:aws:iam::aws:policy/X");
  QueryParams flat = MustParse("Tags.member.1=x");
  EXPECT_EQ(flat.GetStructList("Tags").error().code(), "MalformedQueryString");
}

TEST(QueryParams, Maps) {
  QueryParams p = MustParse(
      "Ctx.entry.2.key=b&Ctx.entry.2.value=2&Ctx.entry.1.key=a&Ctx.entry.1.value=1&"
      "Ctx.entry.3.key=c");
  auto map = p.GetMap("Ctx");
  ASSERT_TRUE(map.ok()) << map.error().message();
  EXPECT_EQ(*map,
            (std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "2"}, {"c", ""}}));
  QueryParams no_key = MustParse("Ctx.entry.1.value=1");
  auto bad = no_key.GetMap("Ctx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), "ValidationError");
  EXPECT_EQ(bad.error().message(),
            "1 validation error detected: Value null at 'ctx.1.key' failed to satisfy "
            "constraint: Member must not be null");
  QueryParams other = MustParse("Ctx.entry.1.key=a&Ctx.entry.1.extra=z");
  EXPECT_EQ(other.GetMap("Ctx").error().code(), "MalformedQueryString");
}

TEST(QueryParams, FromRequestUsesContentType) {
  HttpRequest form =
      testing::MakeRequest("POST", "/?Version=2011-06-15",
                           "content-type: application/x-www-form-urlencoded; charset=utf-8\n",
                           "Action=GetCallerIdentity");
  auto p = QueryParams::FromRequest(form);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Get("Action").value_or(""), "GetCallerIdentity");
  EXPECT_EQ(p->Get("Version").value_or(""), "2011-06-15");
  HttpRequest json =
      testing::MakeRequest("POST", "/?Action=X", "content-type: application/json\n", "{\"a\":1}");
  auto j = QueryParams::FromRequest(json);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->size(), 1u);
}

TEST(QueryParams, LowerCamel) {
  EXPECT_EQ(LowerCamel("RoleName"), "roleName");
  EXPECT_EQ(LowerCamel("roleName"), "roleName");
  EXPECT_EQ(LowerCamel(""), "");
}

}  // namespace
}  // namespace irsa::protocol

#include "store/json_fields.h"

#include <gtest/gtest.h>

namespace irsa::store {
namespace {

TEST(JsonFieldsTest, ReadsFieldsAndFallsBackOnMissingOrMistyped) {
  auto object = ParseStoredObject(R"({"s":"x","i":7,"a":["p",1,"q"],"wrong":true})", "test");
  ASSERT_TRUE(object.ok()) << object.error().message();
  EXPECT_EQ(JsonString(*object, "s"), "x");
  EXPECT_EQ(JsonString(*object, "i"), "");
  EXPECT_EQ(JsonString(*object, "missing"), "");
  EXPECT_EQ(JsonInt(*object, "i"), 7);
  EXPECT_EQ(JsonInt(*object, "s"), 0);
  EXPECT_EQ(JsonInt(*object, "missing", 2), 2);
  EXPECT_EQ(JsonStrings(*object, "a"), (std::vector<std::string>{"p", "q"}));
  EXPECT_TRUE(JsonStrings(*object, "wrong").empty());
}

TEST(JsonFieldsTest, CorruptBodiesAreServiceFailures) {
  for (const char* body : {"", "[1]", "{\"a\":", "\"text\""}) {
    auto object = ParseStoredObject(body, "role");
    ASSERT_FALSE(object.ok()) << body;
    EXPECT_EQ(object.error().code(), "ServiceFailure");
    EXPECT_EQ(object.error().message(), "stored role record is corrupt");
  }
}

TEST(JsonFieldsTest, ArraysRoundTrip) {
  const std::vector<std::string> values = {"a", "", "ü"};
  boost::json::object object{{"list", ToJsonArray(values)}};
  EXPECT_EQ(JsonStrings(object, "list"), values);
}

}  // namespace
}  // namespace irsa::store

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "base/arn.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/ids.h"
#include "base/random.h"
#include "base/result.h"
#include "base/strings.h"
#include "base/time_format.h"

namespace irsa {
namespace {

TEST(Encoding, Base64RoundTrip) {
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(*Base64Decode("Zm8="), "fo");
  EXPECT_EQ(*Base64Decode("Zm8"), "fo");
  EXPECT_FALSE(Base64Decode("Zm9!").has_value());
  EXPECT_FALSE(Base64Decode("Z").has_value());
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_FALSE(Base64UrlDecode("-_8=").has_value());
  EXPECT_FALSE(Base64UrlDecode("-_9").has_value()) << "non-canonical trailing bits";
}

TEST(Encoding, PercentStrict) {
  EXPECT_EQ(PercentEncode("a b*c/~"), "a%20b%2Ac%2F~");
  EXPECT_EQ(PercentEncodePath("/a b/"), "/a%20b/");
  EXPECT_EQ(*PercentDecode("a+b%2A", true), "a b*");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%4", true).has_value());
  EXPECT_FALSE(PercentDecode("%zz", true).has_value());
}

TEST(Encoding, XmlAndJson) {
  EXPECT_EQ(XmlEscape("<a&'\">"), "&lt;a&amp;&apos;&quot;&gt;");
  std::string out;
  AppendJsonEscaped(out, "a\"\\\n\x01");
  EXPECT_EQ(out, "a\\\"\\\\\\n\\u0001");
}

TEST(TimeFormat, RoundTrips) {
  SystemTime t = FromUnixSeconds(1732780000);
  EXPECT_EQ(FormatIso8601(t), "2024-11-28T07:46:40Z");
  EXPECT_EQ(FormatAmzDate(t), "20241128T074640Z");
  EXPECT_EQ(FormatHttpDate(t), "Thu, 28 Nov 2024 07:46:40 GMT");
  EXPECT_EQ(*ParseAmzDate("20241128T074640Z"), t);
  EXPECT_EQ(*ParseHttpDate("Thu, 28 Nov 2024 07:46:40 GMT"), t);
  EXPECT_EQ(*ParseIso8601("2024-11-28T07:46:40Z"), t);
  EXPECT_EQ(*ParseIso8601("2024-11-28T08:46:40+01:00"), t);
  EXPECT_EQ(*ParseIso8601("2024-01-01"), FromUnixSeconds(1704067200));
  EXPECT_FALSE(ParseIso8601("2024-13-01").has_value());
  EXPECT_FALSE(ParseIso8601("2016-12-13t2:00:00").has_value());
  EXPECT_FALSE(ParseAmzDate("20241128T074640").has_value());
  EXPECT_EQ(FormatIso8601Millis(t + std::chrono::milliseconds(5)), "2024-11-28T07:46:40.005Z");
}

TEST(TimeFormat, EdgesOfTheRange) {
  EXPECT_EQ(FormatIso8601(FromUnixSeconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Millis(FromUnixSeconds(0) + std::chrono::milliseconds(999)),
            "1970-01-01T00:00:00.999Z");
  EXPECT_EQ(FormatIso8601(FromUnixSeconds(-1)), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatIso8601(FromUnixSeconds(7289654399)), "2200-12-31T23:59:59Z");
  EXPECT_EQ(FormatAmzDate(FromUnixSeconds(951782400)), "20000229T000000Z");  // leap day
  EXPECT_EQ(FormatAmzDay(FromUnixSeconds(951782400)), "20000229");
}

TEST(Ids, Shapes) {
  SeededRandom random(1);
  std::string role = NewUniqueId(id_prefix::kRole, random);
  EXPECT_EQ(role.size(), 21u);
  EXPECT_TRUE(role.starts_with("AROA"));
  EXPECT_EQ(NewAccessKeyId(id_prefix::kAccessKey, random).size(), 20u);
  EXPECT_EQ(NewSecretAccessKey(random).size(), 40u);
  std::string uuid = NewUuid(random);
  EXPECT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(uuid[i], '-') << uuid;
  EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
  EXPECT_EQ(uuid.find_first_not_of("0123456789abcdef-"), std::string::npos) << uuid;
  EXPECT_NE(NewUuid(random), uuid);
}

TEST(Ids, AccountAccessKeyIdsNameTheirAccount) {
  SeededRandom random(3);
  for (const char* account : {"000000000000", "000000000001", "111122223333", "999999999999"}) {
    const std::string id = NewAccountAccessKeyId(id_prefix::kTemporaryAccessKey, account, random);
    EXPECT_EQ(id.size(), 20u) << id;
    EXPECT_TRUE(id.starts_with("ASIA")) << id;
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos) << id;
    EXPECT_EQ(AccountOfAccessKeyId(id), std::optional<std::string>(account)) << id;
  }
  // The random half differs between two ids of one account.
  EXPECT_NE(NewAccountAccessKeyId("ASIA", "111122223333", random),
            NewAccountAccessKeyId("ASIA", "111122223333", random));
}

TEST(Ids, AccountOfAccessKeyIdRefusesOtherLayouts) {
  EXPECT_EQ(AccountOfAccessKeyId("ASIAAAAAAAAAAAAAAAA"), std::nullopt);    // 19 characters
  EXPECT_EQ(AccountOfAccessKeyId("ASIAAAAAAAAAAAAAAAAAA"), std::nullopt);  // 21 characters
  EXPECT_EQ(AccountOfAccessKeyId("ASIAAAAAAAA1AAAAAAAA"), std::nullopt);   // '1' is not base32
  EXPECT_EQ(AccountOfAccessKeyId("ASIAAAAAAAAAAAAAAAA0"), std::nullopt);
  // 40 bits hold up to 1099511627775, more than 12 digits: such ids name no account.
  EXPECT_EQ(AccountOfAccessKeyId("ASIA77777777AAAAAAAA"), std::nullopt);
  EXPECT_EQ(AccountOfAccessKeyId("ASIAAAAAAAAAAAAAAAAA"),
            std::optional<std::string>("000000000000"));
}

TEST(RandomTest, SystemRandomSmallAndLargeDrawsDiffer) {
  Random& random = SystemRandom::Instance();
  // Small draws come from a per-thread block, large ones from the kernel: neither repeats.
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(seen.insert(random.Bytes(16)).second);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(seen.insert(random.Bytes(100)).second);
  // Below is uniform-ish and in range for alphabet-sized and large bounds.
  std::array<int, 62> counts{};
  for (int i = 0; i < 62000; ++i) ++counts[random.Below(62)];
  for (int c : counts) EXPECT_GT(c, 700);  // expected 1000 each
  for (int i = 0; i < 100; ++i) EXPECT_LT(random.Below(1000003), 1000003u);
}

TEST(ArnTest, ParsesResourceWithColons) {
  auto arn = Arn::Parse("arn:aws:s3:::bucket/a:b");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->service, "s3");
  EXPECT_EQ(arn->resource, "bucket/a:b");
  EXPECT_FALSE(Arn::Parse("arn:aws:s3").has_value());
  EXPECT_EQ(IamArn("111122223333", "role/x"), "arn:aws:iam::111122223333:role/x");
  EXPECT_TRUE(IsAccountId("111122223333"));
  EXPECT_FALSE(IsAccountId("11112222333a"));
}

Result<int> Half(int v) {
  if (v % 2) return errors::InvalidInput("odd");
  return v / 2;
}
Result<int> Quarter(int v) {
  IRSA_TRY(int h, Half(v));
  return Half(h);
}

TEST(ResultTest, TryPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "InvalidInput");
  EXPECT_EQ(r.error().http_status(), 400);
  EXPECT_EQ(errors::ServiceFailure("x").type(), "Receiver");
}

TEST(Strings, Basics) {
  EXPECT_TRUE(EqualsIgnoreCase("AbC", "aBc"));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_EQ(Split("a,b,,c", ',').size(), 4u);
  EXPECT_EQ(TrimWhitespace("  x \n"), "x");
}

TEST(FakeClockTest, Advances) {
  FakeClock clock = FakeClock::AtUnixSeconds(100);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.NowUnixSeconds(), 105);
  EXPECT_EQ(clock.Monotonic().time_since_epoch(), std::chrono::seconds(5));
}

}  // namespace
}  // namespace irsa

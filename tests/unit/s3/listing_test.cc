// The listing walk (prefix, delimiter, max, resume) over an in-memory key space, and
// continuation tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "s3/listing.h"

namespace irsa::s3 {
namespace {

struct Walk {
  std::vector<std::string> keys;  // sorted
  int scans = 0;

  Result<GroupedListing<std::string>> List(std::string_view prefix, std::string_view delimiter,
                                           std::string after, int max) {
    auto scan = [&](std::string_view from, size_t limit) -> Result<std::vector<std::string>> {
      ++scans;
      std::vector<std::string> out;
      for (const std::string& k : keys) {
        if (out.size() == limit) break;
        if (k > from && k.compare(0, prefix.size(), prefix) == 0) out.push_back(k);
      }
      return out;
    };
    auto key_of = [](const std::string& k) -> std::string_view { return k; };
    std::string after_key = after;
    return GroupListing<std::string>(scan, key_of, key_of, prefix, delimiter, after, after_key,
                                     max);
  }

  // Pages through everything, returning entries and prefixes in order.
  std::vector<std::string> All(std::string_view prefix, std::string_view delimiter, int max,
                               int* pages = nullptr) {
    std::vector<std::string> out;
    std::string after;
    for (int page = 1;; ++page) {
      auto r = List(prefix, delimiter, after, max);
      EXPECT_TRUE(r.ok());
      // Entries and prefixes interleave in key order; merge them for the check.
      std::vector<std::string> items = r->entries;
      for (const std::string& p : r->common_prefixes) items.push_back(p + "<prefix>");
      std::sort(items.begin(), items.end());
      out.insert(out.end(), items.begin(), items.end());
      EXPECT_LE(static_cast<int>(r->entries.size() + r->common_prefixes.size()), max);
      if (!r->truncated) {
        if (pages) *pages = page;
        return out;
      }
      EXPECT_FALSE(r->last_key.empty());
      after = r->last_key;
      if (page > 1000) {
        ADD_FAILURE() << "listing does not terminate";
        return out;
      }
    }
  }
};

const std::vector<std::string> kKeys = {"a.txt",
                                        "photos/2006/January/sample.jpg",
                                        "photos/2006/February/sample2.jpg",
                                        "photos/2006/February/sample3.jpg",
                                        "photos/2006/February/sample4.jpg",
                                        "photos/x.jpg",
                                        "photos/y.jpg",
                                        "videos/a.mp4",
                                        "z"};

Walk Sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  return Walk{keys};
}

TEST(Listing, NoDelimiterListsEverythingUnderPrefix) {
  Walk w = Sorted(kKeys);
  auto r = w.List("photos/", "", "", 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries.size(), 6u);
  EXPECT_TRUE(r->common_prefixes.empty());
  EXPECT_FALSE(r->truncated);
}

TEST(Listing, DelimiterRollsUpCommonPrefixes) {
  Walk w = Sorted(kKeys);
  auto r = w.List("", "/", "", 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->entries, (std::vector<std::string>{"a.txt", "z"}));
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"photos/", "videos/"}));
  auto sub = w.List("photos/", "/", "", 1000);
  EXPECT_EQ(sub->entries, (std::vector<std::string>{"photos/x.jpg", "photos/y.jpg"}));
  EXPECT_EQ(sub->common_prefixes, (std::vector<std::string>{"photos/2006/"}));
  auto deeper = w.List("photos/2006/", "/", "", 1000);
  EXPECT_TRUE(deeper->entries.empty());
  EXPECT_EQ(deeper->common_prefixes,
            (std::vector<std::string>{"photos/2006/February/", "photos/2006/January/"}));
}

TEST(Listing, CommonPrefixCountsOnceAndSkipsItsKeysInOneScan) {
  Walk w;
  for (int i = 0; i < 5000; ++i) w.keys.push_back("big/" + std::to_string(100000 + i));
  w.keys.push_back("small");
  auto r = w.List("", "/", "", 1000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"big/"}));
  EXPECT_EQ(r->entries, (std::vector<std::string>{"small"}));
  EXPECT_LE(w.scans, 3);  // jumps past big/ instead of walking its 5000 keys
}

TEST(Listing, MultiCharacterDelimiter) {
  Walk w = Sorted({"a--b--c", "a--d", "a-e", "b"});
  auto r = w.List("", "--", "", 1000);
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"a--"}));
  EXPECT_EQ(r->entries, (std::vector<std::string>{"a-e", "b"}));
  auto p = w.List("a--", "--", "", 1000);
  EXPECT_EQ(p->common_prefixes, (std::vector<std::string>{"a--b--"}));
  EXPECT_EQ(p->entries, (std::vector<std::string>{"a--d"}));
}

TEST(Listing, MaxKeysAndTruncation) {
  Walk w = Sorted(kKeys);
  auto r = w.List("", "", "", 3);
  EXPECT_EQ(r->entries.size(), 3u);
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->last_key, r->entries.back());
  auto exact = w.List("", "", "", static_cast<int>(kKeys.size()));
  EXPECT_FALSE(exact->truncated);
  auto zero = w.List("", "", "", 0);
  EXPECT_TRUE(zero->entries.empty());
  EXPECT_FALSE(zero->truncated);
  // A page ending on a common prefix resumes after it.
  auto two = w.List("", "/", "", 2);
  EXPECT_EQ(two->entries, (std::vector<std::string>{"a.txt"}));
  EXPECT_EQ(two->common_prefixes, (std::vector<std::string>{"photos/"}));
  EXPECT_TRUE(two->truncated);
  EXPECT_TRUE(two->last_is_prefix);
  auto next = w.List("", "/", two->last_key, 2);
  EXPECT_EQ(next->common_prefixes, (std::vector<std::string>{"videos/"}));
  EXPECT_EQ(next->entries, (std::vector<std::string>{"z"}));
  EXPECT_FALSE(next->truncated);
}

TEST(Listing, PagingVisitsEveryItemOnceForEveryPageSize) {
  Walk w;
  for (const char* top : {"a", "b/", "b/c/", "c", "d/", "e"}) {
    for (int i = 0; i < 7; ++i) w.keys.push_back(std::string(top) + std::to_string(i));
  }
  w.keys.push_back(
      "b/\xF4\x8F\xBF\xBF"
      "tail");  // a key beyond the jump target
  std::sort(w.keys.begin(), w.keys.end());
  for (std::string_view delimiter : {"", "/"}) {
    std::vector<std::string> reference = w.All("", delimiter, 1000);
    for (int max = 1; max <= 12; ++max) {
      int pages = 0;
      std::vector<std::string> paged = w.All("", delimiter, max, &pages);
      EXPECT_EQ(paged, reference) << "max " << max << " delimiter '" << delimiter << "'";
      std::set<std::string> unique(paged.begin(), paged.end());
      EXPECT_EQ(unique.size(), paged.size());
    }
  }
  std::vector<std::string> grouped = w.All("", "/", 1000);
  EXPECT_EQ(std::count(grouped.begin(), grouped.end(), "b/<prefix>"), 1);
}

TEST(Listing, ResumeInsideAPrefixSkipsTheRestOfIt) {
  Walk w = Sorted(kKeys);
  // start-after a key inside photos/: with delimiter "/", photos/ counts as already listed.
  auto r = w.List("", "/", "photos/2006/January/sample.jpg", 1000);
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"videos/"}));
  EXPECT_EQ(r->entries, (std::vector<std::string>{"z"}));
  // Without a delimiter it is a plain key position.
  auto plain = w.List("", "", "photos/x.jpg", 1000);
  EXPECT_EQ(plain->entries, (std::vector<std::string>{"photos/y.jpg", "videos/a.mp4", "z"}));
  // start-after before the prefix changes nothing.
  auto before = w.List("photos/", "", "a", 1000);
  EXPECT_EQ(before->entries.size(), 6u);
}

TEST(ListingToken, RoundTripAndTamperCheck) {
  ListingTokenCodec codec(std::string(32, 'k'));
  std::string token = codec.Encode("objects:bucket", "photos/\xE6\x97\xA5/x");
  EXPECT_EQ(*codec.Decode("objects:bucket", token), "photos/\xE6\x97\xA5/x");
  // Bound to its scope and key.
  EXPECT_EQ(codec.Decode("objects:other", token).error().code(), "InvalidArgument");
  EXPECT_EQ(
      ListingTokenCodec(std::string(32, 'x')).Decode("objects:bucket", token).error().message(),
      "The continuation token provided is incorrect");
  // Every single-character change is detected.
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(codec.Decode("objects:bucket", tampered).ok()) << i;
  }
  for (const char* junk : {"", ".", "abc", "abc.def", "..", "a.b.c"}) {
    EXPECT_FALSE(codec.Decode("objects:bucket", junk).ok()) << junk;
  }
  EXPECT_FALSE(codec.Decode("objects:bucket", std::string(5000, 'a') + "." + "b").ok());
}

}  // namespace
}  // namespace irsa::s3

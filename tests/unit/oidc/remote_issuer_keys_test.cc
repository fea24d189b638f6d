#include "oidc/remote_issuer_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/metrics.h"
#include "crypto/jwk.h"
#include "crypto/keys.h"
#include "jwt/jwk_json.h"

namespace irsa::oidc {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kIssuer[] = "https://oidc.example.com/id/ABC";
constexpr char kDiscoveryUrl[] = "https://oidc.example.com/id/ABC/.well-known/openid-configuration";
constexpr char kJwksUrl[] = "https://oidc.example.com/id/ABC/keys";
constexpr char kPrefix[] =
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements (";

// A scripted HttpFetcher: answers per URL, counts calls, can hold calls at a gate.
class FakeFetcher final : public HttpFetcher {
 public:
  Result<FetchResponse> Get(const FetchRequest& request) override {
    std::unique_lock lock(mu_);
    requests_.push_back(request);
    ++calls_[request.url];
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !gated_; });
    auto it = answers_.find(request.url);
    if (it == answers_.end()) {
      return errors::ServiceUnavailable("GET " + request.url + ": connect failed: refused");
    }
    return it->second;
  }

  void Set(const std::string& url, Result<FetchResponse> answer) {
    std::lock_guard lock(mu_);
    answers_.insert_or_assign(url, std::move(answer));
  }
  void SetOk(const std::string& url, std::string body, std::string cache_control = "") {
    FetchResponse r;
    r.status = 200;
    r.headers.emplace_back("content-type", "application/json");
    if (!cache_control.empty()) r.headers.emplace_back("cache-control", cache_control);
    r.body = std::move(body);
    Set(url, std::move(r));
  }
  void SetStatus(const std::string& url, int status) {
    FetchResponse r;
    r.status = status;
    Set(url, std::move(r));
  }
  void Fail(const std::string& url, const std::string& what) {
    Set(url, errors::ServiceUnavailable("GET " + url + ": " + what));
  }
  int Calls(const std::string& url) {
    std::lock_guard lock(mu_);
    return calls_[url];
  }
  int TotalCalls() {
    std::lock_guard lock(mu_);
    return entered_;
  }
  std::vector<FetchRequest> Requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  void CloseGate() {
    std::lock_guard lock(mu_);
    gated_ = true;
  }
  void OpenGate() {
    std::lock_guard lock(mu_);
    gated_ = false;
    changed_.notify_all();
  }
  // Blocks until `n` calls have entered Get (possibly held at the gate).
  void WaitForCalls(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Result<FetchResponse>> answers_;
  std::map<std::string, int> calls_;
  std::vector<FetchRequest> requests_;
  int entered_ = 0;
  bool gated_ = false;
};

std::string Discovery(const std::string& issuer, const std::string& jwks_uri) {
  return R"({"issuer":")" + issuer + R"(","jwks_uri":")" + jwks_uri +
         R"(","response_types_supported":["id_token"],"subject_types_supported":["public"],)"
         R"("id_token_signing_alg_values_supported":["RS256","ES256"]})";
}

// A JWKS with one EC key per kid (one generated key, reused: only the kids differ).
std::string Jwks(const std::vector<std::string>& kids) {
  static const crypto::PrivateKey key = *crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  std::vector<crypto::Jwk> jwks;
  for (const std::string& kid : kids) {
    jwks.push_back(*crypto::ExportJwk(key.public_key(), std::nullopt, kid));
  }
  return jwt::JwksToJson(jwks);
}

std::vector<std::string> Kids(const jwt::KeySet& set) {
  std::vector<std::string> out;
  for (const auto& k : set.keys()) out.push_back(k.kid);
  return out;
}

class RemoteIssuerKeysTest : public ::testing::Test {
 protected:
  RemoteIssuerKeysTest() : clock_(FakeClock::AtUnixSeconds(1'800'000'000)) {
    log::SetSink([](std::string_view) {});
    fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, kJwksUrl));
    fetcher_.SetOk(kJwksUrl, Jwks({"a"}));
  }
  ~RemoteIssuerKeysTest() override { log::SetSink(nullptr); }

  RemoteIssuerKeys& Remote(RemoteIssuerKeysOptions options = {}) {
    options.registry = &registry_;
    remote_ = std::make_unique<RemoteIssuerKeys>(fetcher_, clock_, options);
    return *remote_;
  }

  // Keys(kIssuer, kid), expecting success; returns the kids of the set.
  std::vector<std::string> KidsFor(const std::string& kid) {
    auto keys = remote_->Keys(kIssuer, kid);
    EXPECT_TRUE(keys.ok()) << keys.error().message();
    if (!keys.ok()) return {};
    return Kids(**keys);
  }

  uint64_t FetchCount(std::string_view result) {
    return registry_
        .CounterFamily("irsa_oidc_jwks_fetches_total", "Refreshes of remote OIDC issuer keys.",
                       {"result"})
        .WithLabels({result})
        .Value();
  }
  double CachedIssuers() { return registry_.GetGauge("irsa_oidc_jwks_cached_issuers", "").Value(); }

  metrics::Registry registry_;
  FakeClock clock_;
  FakeFetcher fetcher_;
  std::unique_ptr<RemoteIssuerKeys> remote_;
};

TEST_F(RemoteIssuerKeysTest, FirstFetchThenCacheHit) {
  Remote();
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 1);
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 1);
  std::vector<FetchRequest> requests = fetcher_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const FetchRequest& r : requests) {
    EXPECT_EQ(r.timeout, std::chrono::milliseconds(5000));
    EXPECT_EQ(r.max_body_bytes, 256u * 1024u);
  }
  EXPECT_EQ(requests[0].url, kDiscoveryUrl);

  // Cache hits: same set, no I/O, also for a token without kid.
  auto first = remote_->Keys(kIssuer, "a");
  clock_.Advance(seconds(100));
  auto second = remote_->Keys(kIssuer, "");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(fetcher_.TotalCalls(), 2);

  EXPECT_EQ(FetchCount("ok"), 1u);
  EXPECT_EQ(CachedIssuers(), 1);
  std::vector<RemoteIssuerState> state = remote_->CacheState();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_EQ(state[0].issuer, kIssuer);
  EXPECT_EQ(state[0].jwks_uri, kJwksUrl);
  EXPECT_THAT(state[0].key_ids, ElementsAre("a"));
  EXPECT_TRUE(state[0].cached);
  EXPECT_TRUE(state[0].fresh);
  ASSERT_TRUE(state[0].fetched_at && state[0].expires_at);
  EXPECT_EQ(ToUnixSeconds(*state[0].fetched_at), 1'800'000'000);
  EXPECT_EQ(*state[0].expires_at - *state[0].fetched_at, hours(1));  // default max-age
  EXPECT_TRUE(state[0].last_error.empty());

  remote_.reset();
  EXPECT_EQ(CachedIssuers(), 0);
}

TEST_F(RemoteIssuerKeysTest, TrailingSlashIssuer) {
  const std::string issuer = "https://oidc.example.com/";
  fetcher_.SetOk("https://oidc.example.com/.well-known/openid-configuration",
                 Discovery(issuer, "https://oidc.example.com/openid/v1/jwks"));
  fetcher_.SetOk("https://oidc.example.com/openid/v1/jwks", Jwks({"k"}));
  Remote();
  auto keys = remote_->Keys(issuer, "k");
  ASSERT_TRUE(keys.ok()) << keys.error().message();
  EXPECT_THAT(Kids(**keys), ElementsAre("k"));
}

TEST_F(RemoteIssuerKeysTest, DefaultLifetimeIsOneHour) {
  Remote();
  KidsFor("a");
  clock_.Advance(seconds(3599));
  KidsFor("a");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 1);
  clock_.Advance(seconds(1));
  KidsFor("a");
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
}

TEST_F(RemoteIssuerKeysTest, MaxAgeHonoured) {
  fetcher_.SetOk(kJwksUrl, Jwks({"a"}), "public, max-age=600, must-revalidate");
  Remote();
  KidsFor("a");
  clock_.Advance(seconds(599));
  KidsFor("a");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 1);
  clock_.Advance(seconds(1));
  KidsFor("a");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  EXPECT_EQ(*remote_->CacheState()[0].expires_at - *remote_->CacheState()[0].fetched_at,
            seconds(600));
}

TEST_F(RemoteIssuerKeysTest, MaxAgeClampedToBounds) {
  struct Case {
    std::string cache_control;
    seconds lifetime;
  };
  for (const Case& c : {Case{"max-age=5", seconds(60)}, Case{"max-age=0", seconds(60)},
                        Case{"no-store", seconds(60)}, Case{"no-cache, max-age=900", seconds(60)},
                        Case{"max-age=99999999999999999999", hours(24)},
                        Case{"max-age=172800", hours(24)}, Case{"Max-Age=\"120\"", seconds(120)},
                        Case{"max-age=abc", hours(1)}, Case{"private", hours(1)}}) {
    SCOPED_TRACE(c.cache_control);
    fetcher_.SetOk(kJwksUrl, Jwks({"a"}), c.cache_control);
    Remote();
    KidsFor("a");
    int calls = fetcher_.Calls(kJwksUrl);
    clock_.Advance(c.lifetime - seconds(1));
    KidsFor("a");
    EXPECT_EQ(fetcher_.Calls(kJwksUrl), calls);
    clock_.Advance(seconds(1));
    KidsFor("a");
    EXPECT_EQ(fetcher_.Calls(kJwksUrl), calls + 1);
  }
}

TEST_F(RemoteIssuerKeysTest, StaleSetIsRefetchedAndRotationPickedUp) {
  Remote();
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  fetcher_.SetOk(kJwksUrl, Jwks({"b", "a"}));
  clock_.Advance(hours(1));
  EXPECT_THAT(KidsFor("a"), ElementsAre("b", "a"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  EXPECT_EQ(FetchCount("ok"), 2u);
  EXPECT_EQ(CachedIssuers(), 1);
}

TEST_F(RemoteIssuerKeysTest, OutageServedFromStaleCache) {
  Remote();
  KidsFor("a");
  fetcher_.Fail(kDiscoveryUrl, "timed out after 5000 ms (connect)");
  clock_.Advance(hours(2));
  // The refresh fails; the stale set is served.
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);
  EXPECT_EQ(FetchCount("transport_error"), 1u);
  RemoteIssuerState state = remote_->CacheState()[0];
  EXPECT_TRUE(state.cached);
  EXPECT_FALSE(state.fresh);
  EXPECT_EQ(state.last_error_code, "IDPCommunicationError");
  EXPECT_THAT(state.last_error, HasSubstr("timed out"));
  ASSERT_TRUE(state.last_attempt_at);
  EXPECT_EQ(*state.last_attempt_at - *state.fetched_at, hours(2));

  // No new attempt within the retry interval, even for a kid the set lacks.
  clock_.Advance(seconds(29));
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_THAT(KidsFor("zzz"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);
  clock_.Advance(seconds(1));
  KidsFor("a");
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 3);

  // The issuer recovers: the next attempt refreshes and clears the error.
  fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, kJwksUrl));
  fetcher_.SetOk(kJwksUrl, Jwks({"b"}));
  clock_.Advance(seconds(30));
  EXPECT_THAT(KidsFor("b"), ElementsAre("b"));
  state = remote_->CacheState()[0];
  EXPECT_TRUE(state.fresh);
  EXPECT_TRUE(state.last_error.empty());
}

TEST_F(RemoteIssuerKeysTest, ContentFailureOnRefreshAlsoKeepsStaleCache) {
  Remote();
  KidsFor("a");
  fetcher_.SetOk(kJwksUrl, "<html>maintenance</html>");
  clock_.Advance(hours(1));
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(remote_->CacheState()[0].last_error_code, "InvalidIdentityToken");
  EXPECT_EQ(FetchCount("invalid"), 1u);
}

TEST_F(RemoteIssuerKeysTest, HardStalenessLimit) {
  Remote();  // default max_stale: 7 days past expiry
  KidsFor("a");
  fetcher_.Fail(kDiscoveryUrl, "connect failed: connection refused");
  clock_.Advance(hours(1) + hours(24 * 7) - seconds(1));
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  clock_.Advance(seconds(1));
  auto keys = remote_->Keys(kIssuer, "a");
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.error().code(), "IDPCommunicationError");
  EXPECT_THAT(keys.error().message(), StartsWith(kPrefix));
  EXPECT_THAT(keys.error().message(), HasSubstr("connection refused"));
  RemoteIssuerState state = remote_->CacheState()[0];
  EXPECT_FALSE(state.cached);
  EXPECT_TRUE(state.key_ids.empty());
  EXPECT_TRUE(state.fetched_at.has_value());
  EXPECT_EQ(CachedIssuers(), 0);
}

TEST_F(RemoteIssuerKeysTest, ShorterStalenessLimitIsConfigurable) {
  Remote({.max_stale = hours(1)});
  KidsFor("a");
  fetcher_.Fail(kJwksUrl, "connect failed");
  clock_.Advance(hours(1));
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  clock_.Advance(hours(1));
  EXPECT_FALSE(remote_->Keys(kIssuer, "a").ok());
}

TEST_F(RemoteIssuerKeysTest, UnknownKidRefetchedOnceThenRateLimited) {
  Remote();
  KidsFor("a");
  // A kid unknown right after a fetch: within the window, answered from the set.
  clock_.Advance(seconds(10));
  EXPECT_THAT(KidsFor("b"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 1);
  // After the window, one refetch.
  clock_.Advance(seconds(20));
  EXPECT_THAT(KidsFor("b"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  // Many more requests with unknown kids within the next window: no fetch.
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(seconds(1));
    EXPECT_THAT(KidsFor("b" + std::to_string(i)), ElementsAre("a"));
  }
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  // Known kids never trigger refetches.
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
}

TEST_F(RemoteIssuerKeysTest, RotationPickedUpByUnknownKidRefetch) {
  Remote();
  KidsFor("a");
  fetcher_.SetOk(kJwksUrl, Jwks({"a", "new"}));
  clock_.Advance(seconds(30));
  EXPECT_THAT(KidsFor("new"), ElementsAre("a", "new"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);
  // The refetched set is fresh for a new full lifetime.
  clock_.Advance(seconds(3599));
  KidsFor("new");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
}

TEST_F(RemoteIssuerKeysTest, UnknownKidRefetchFailureKeepsFreshSet) {
  Remote({.unknown_kid_refetch_interval = seconds(5)});
  KidsFor("a");
  fetcher_.SetStatus(kJwksUrl, 503);
  clock_.Advance(seconds(5));
  EXPECT_THAT(KidsFor("b"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  EXPECT_EQ(remote_->CacheState()[0].last_error_code, "IDPCommunicationError");
  EXPECT_TRUE(remote_->CacheState()[0].fresh);
  clock_.Advance(seconds(4));
  KidsFor("b");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
  clock_.Advance(seconds(1));
  KidsFor("b");
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 3);
}

// Keys() expecting a failure with `code`; returns the detail after the AWS prefix.
std::string Detail(RemoteIssuerKeys& remote, const std::string& code,
                   const std::string& issuer = kIssuer) {
  auto keys = remote.Keys(issuer, "a");
  EXPECT_FALSE(keys.ok());
  if (keys.ok()) return "";
  EXPECT_EQ(keys.error().code(), code);
  EXPECT_EQ(keys.error().http_status(), 400);
  const std::string& m = keys.error().message();
  EXPECT_THAT(m, StartsWith(kPrefix));
  EXPECT_EQ(m.back(), ')');
  return m.substr(std::string(kPrefix).size());
}

TEST_F(RemoteIssuerKeysTest, DiscoveryNotJson) {
  fetcher_.SetOk(kDiscoveryUrl, "<html>hello</html>");
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"),
              HasSubstr(std::string("discovery document ") + kDiscoveryUrl + " is not valid JSON"));
  fetcher_.SetOk(kDiscoveryUrl, "[1,2]");
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"), HasSubstr("is not a JSON object"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 0);
  EXPECT_EQ(CachedIssuers(), 0);
}

TEST_F(RemoteIssuerKeysTest, DiscoveryIssuerMismatch) {
  fetcher_.SetOk(kDiscoveryUrl, Discovery("https://oidc.example.com/id/ABC/", kJwksUrl));
  Remote();
  EXPECT_EQ(Detail(*remote_, "InvalidIdentityToken"),
            "discovery document issuer https://oidc.example.com/id/ABC/ does not match token "
            "issuer https://oidc.example.com/id/ABC)");
  fetcher_.SetOk(kDiscoveryUrl, R"({"jwks_uri":"https://oidc.example.com/id/ABC/keys"})");
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"), HasSubstr("has no \"issuer\" string"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 0);
}

TEST_F(RemoteIssuerKeysTest, DiscoveryJwksUriMissingOrNotHttps) {
  fetcher_.SetOk(kDiscoveryUrl, R"({"issuer":")" + std::string(kIssuer) + R"("})");
  Remote();
  EXPECT_EQ(Detail(*remote_, "InvalidIdentityToken"),
            std::string("discovery document ") + kDiscoveryUrl + " has no \"jwks_uri\" string)");
  fetcher_.SetOk(kDiscoveryUrl, R"({"issuer":")" + std::string(kIssuer) + R"(","jwks_uri":7})");
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"), HasSubstr("no \"jwks_uri\" string"));
  for (const std::string uri : {"http://oidc.example.com/keys", "/keys", "not a url",
                                "https://user:pw@oidc.example.com/keys"}) {
    SCOPED_TRACE(uri);
    fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, uri));
    Remote();
    std::string detail = Detail(*remote_, "InvalidIdentityToken");
    EXPECT_THAT(detail, StartsWith("jwks_uri"));
    EXPECT_THAT(detail, HasSubstr(std::string(" in discovery document ") + kDiscoveryUrl));
    EXPECT_THAT(detail, Not(HasSubstr("pw@")));
  }
  fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, "http://oidc.example.com/keys"));
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"), HasSubstr("is not an https URL"));
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 0);
}

TEST_F(RemoteIssuerKeysTest, HttpStatuses) {
  fetcher_.SetStatus(kDiscoveryUrl, 404);
  Remote();
  EXPECT_EQ(Detail(*remote_, "InvalidIdentityToken"),
            std::string("discovery document ") + kDiscoveryUrl + " answered HTTP 404)");
  EXPECT_EQ(FetchCount("http_error"), 1u);

  fetcher_.SetStatus(kDiscoveryUrl, 302);
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"),
              HasSubstr("HTTP 302 (redirects are not followed)"));

  for (int status : {429, 500, 503}) {
    fetcher_.SetStatus(kDiscoveryUrl, status);
    Remote();
    EXPECT_THAT(Detail(*remote_, "IDPCommunicationError"),
                HasSubstr("answered HTTP " + std::to_string(status)));
  }

  fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, kJwksUrl));
  fetcher_.SetStatus(kJwksUrl, 403);
  Remote();
  EXPECT_EQ(Detail(*remote_, "InvalidIdentityToken"),
            std::string("JWKS ") + kJwksUrl + " answered HTTP 403)");
}

TEST_F(RemoteIssuerKeysTest, TransportFailuresAreIdpCommunicationErrors) {
  fetcher_.Fail(kDiscoveryUrl, "timed out after 5000 ms (connect)");
  Remote();
  EXPECT_EQ(Detail(*remote_, "IDPCommunicationError"),
            std::string("fetching the discovery document failed: GET ") + kDiscoveryUrl +
                ": timed out after 5000 ms (connect))");
  EXPECT_EQ(FetchCount("transport_error"), 1u);

  fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, kJwksUrl));
  fetcher_.Fail(kJwksUrl, "TLS handshake failed: certificate verify failed");
  Remote();
  EXPECT_THAT(Detail(*remote_, "IDPCommunicationError"),
              HasSubstr("fetching the JWKS failed: GET " + std::string(kJwksUrl) +
                        ": TLS handshake failed"));
  std::vector<RemoteIssuerState> state = remote_->CacheState();
  ASSERT_EQ(state.size(), 1u);
  EXPECT_FALSE(state[0].cached);
  EXPECT_EQ(state[0].last_error_code, "IDPCommunicationError");
}

TEST_F(RemoteIssuerKeysTest, OversizedDocumentRejected) {
  fetcher_.SetOk(kJwksUrl, std::string(256 * 1024 + 1, ' '));
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"),
              HasSubstr(std::string("JWKS ") + kJwksUrl + " is larger than 262144 bytes"));
}

TEST_F(RemoteIssuerKeysTest, MoreThanOneHundredKeysRejected) {
  std::vector<std::string> kids;
  for (int i = 0; i < 101; ++i) kids.push_back("k" + std::to_string(i));
  fetcher_.SetOk(kJwksUrl, Jwks(kids));
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"),
              HasSubstr(std::string("JWKS ") + kJwksUrl +
                        " is invalid: JWKS document has 101 keys; the limit is 100"));
  kids.pop_back();
  fetcher_.SetOk(kJwksUrl, Jwks(kids));
  Remote();
  auto keys = remote_->Keys(kIssuer, "k99");
  ASSERT_TRUE(keys.ok()) << keys.error().message();
  EXPECT_EQ((*keys)->size(), 100u);
}

TEST_F(RemoteIssuerKeysTest, InvalidJwksAndSkippedKeys) {
  fetcher_.SetOk(kJwksUrl, R"({"nokeys":[]})");
  Remote();
  EXPECT_THAT(Detail(*remote_, "InvalidIdentityToken"), HasSubstr("no \"keys\" array"));
  // An unusable key is skipped (and reported), the rest is served.
  std::string jwks = Jwks({"a"});
  jwks.insert(jwks.size() - 2, R"(,{"kty":"OKP","crv":"Ed25519","kid":"ed","x":"AAAA"})");
  fetcher_.SetOk(kJwksUrl, jwks);
  Remote();
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(remote_->CacheState()[0].warnings.size(), 1u);
}

TEST_F(RemoteIssuerKeysTest, InvalidIssuerRejectedWithoutIo) {
  Remote();
  for (const std::string issuer :
       {"http://oidc.example.com", "oidc.example.com", "https://oidc.example.com/?q=1",
        "https://oidc.example.com/#f", "https://u@oidc.example.com", "https://"}) {
    SCOPED_TRACE(issuer);
    std::string detail = Detail(*remote_, "InvalidIdentityToken", issuer);
    EXPECT_THAT(detail, StartsWith("issuer"));
    EXPECT_THAT(detail, Not(HasSubstr("u@")));
  }
  EXPECT_EQ(fetcher_.TotalCalls(), 0);
  EXPECT_TRUE(remote_->CacheState().empty());
}

TEST_F(RemoteIssuerKeysTest, ErrorsWithNothingCachedAreRememberedBriefly) {
  fetcher_.Fail(kDiscoveryUrl, "connect failed");
  Remote();
  Detail(*remote_, "IDPCommunicationError");
  clock_.Advance(seconds(1));
  Detail(*remote_, "IDPCommunicationError");
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 1);
  clock_.Advance(seconds(1));
  fetcher_.SetOk(kDiscoveryUrl, Discovery(kIssuer, kJwksUrl));
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);

  // Zero disables the error cache.
  fetcher_.Fail("https://other.example/.well-known/openid-configuration", "connect failed");
  Remote({.error_cache_duration = std::chrono::milliseconds(0)});
  Detail(*remote_, "IDPCommunicationError", "https://other.example");
  Detail(*remote_, "IDPCommunicationError", "https://other.example");
  EXPECT_EQ(fetcher_.Calls("https://other.example/.well-known/openid-configuration"), 2);
}

TEST_F(RemoteIssuerKeysTest, ConcurrentCallersTriggerOneFetch) {
  Remote();
  fetcher_.CloseGate();
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto keys = remote_->Keys(kIssuer, "a");
      if (keys.ok() && (*keys)->Find("a") != nullptr) ++ok;
    });
  }
  fetcher_.WaitForCalls(1);  // one caller is fetching the discovery document; the rest wait
  fetcher_.OpenGate();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads);
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 1);
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 1);
  EXPECT_EQ(FetchCount("ok"), 1u);
}

TEST_F(RemoteIssuerKeysTest, ConcurrentFailureIsSharedByWaiters) {
  fetcher_.Fail(kDiscoveryUrl, "connect failed");
  Remote({.error_cache_duration = std::chrono::milliseconds(0)});
  fetcher_.CloseGate();
  constexpr int kThreads = 6;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto keys = remote_->Keys(kIssuer, "a");
      if (!keys.ok() && keys.error().code() == "IDPCommunicationError") ++failed;
    });
  }
  fetcher_.WaitForCalls(1);
  fetcher_.OpenGate();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), kThreads);
  // Threads that arrived while the fetch ran shared its outcome; late arrivals (after it ended)
  // may fetch again, but never concurrently and never one per caller with the gate closed.
  EXPECT_GE(fetcher_.Calls(kDiscoveryUrl), 1);
  EXPECT_LE(fetcher_.Calls(kDiscoveryUrl), kThreads);
}

TEST_F(RemoteIssuerKeysTest, StaleSetServedWithoutWaitingWhileRefreshing) {
  const std::string other = "https://other.example";
  fetcher_.SetOk(other + "/.well-known/openid-configuration", Discovery(other, other + "/k"));
  fetcher_.SetOk(other + "/k", Jwks({"o"}));
  Remote();
  KidsFor("a");
  clock_.Advance(hours(2));
  ASSERT_TRUE(remote_->Keys(other, "o").ok());  // 4 GETs so far
  fetcher_.SetOk(kJwksUrl, Jwks({"b"}));
  fetcher_.CloseGate();
  std::thread refresher([&] { EXPECT_THAT(KidsFor("a"), ElementsAre("b")); });
  fetcher_.WaitForCalls(5);  // the refresher holds the discovery GET
  // Another caller with a kid the stale set has: answered at once from the stale set.
  EXPECT_THAT(KidsFor("a"), ElementsAre("a"));
  // Callers for other issuers are not blocked by the fetch.
  auto o = remote_->Keys(other, "o");
  ASSERT_TRUE(o.ok());
  EXPECT_THAT(Kids(**o), ElementsAre("o"));
  fetcher_.OpenGate();
  refresher.join();
  EXPECT_EQ(fetcher_.Calls(kDiscoveryUrl), 2);
  EXPECT_THAT(KidsFor("b"), ElementsAre("b"));
}

TEST_F(RemoteIssuerKeysTest, WaiterForUnknownKidGetsRefreshedSet) {
  Remote();
  KidsFor("a");
  clock_.Advance(hours(2));
  fetcher_.SetOk(kJwksUrl, Jwks({"b"}));
  fetcher_.CloseGate();
  std::thread refresher([&] { KidsFor("a"); });
  fetcher_.WaitForCalls(3);
  std::thread waiter([&] { EXPECT_THAT(KidsFor("b"), ElementsAre("b")); });
  fetcher_.OpenGate();
  refresher.join();
  waiter.join();
  EXPECT_EQ(fetcher_.Calls(kJwksUrl), 2);
}

TEST_F(RemoteIssuerKeysTest, CacheIsBoundedLeastRecentlyUsedEvicted) {
  for (const char* host : {"one", "two", "three"}) {
    std::string issuer = std::string("https://") + host + ".example";
    fetcher_.SetOk(issuer + "/.well-known/openid-configuration", Discovery(issuer, issuer + "/k"));
    fetcher_.SetOk(issuer + "/k", Jwks({host}));
  }
  Remote({.max_issuers = 2});
  ASSERT_TRUE(remote_->Keys("https://one.example", "one").ok());
  clock_.Advance(seconds(1));
  ASSERT_TRUE(remote_->Keys("https://two.example", "two").ok());
  clock_.Advance(seconds(1));
  ASSERT_TRUE(remote_->Keys("https://one.example", "one").ok());
  clock_.Advance(seconds(1));
  ASSERT_TRUE(remote_->Keys("https://three.example", "three").ok());
  std::vector<RemoteIssuerState> state = remote_->CacheState();
  ASSERT_EQ(state.size(), 2u);
  EXPECT_EQ(state[0].issuer, "https://one.example");
  EXPECT_EQ(state[1].issuer, "https://three.example");
  EXPECT_EQ(CachedIssuers(), 2);
}

TEST_F(RemoteIssuerKeysTest, MetricsRendered) {
  Remote();
  KidsFor("a");
  std::string text = registry_.Render();
  EXPECT_THAT(text, HasSubstr("irsa_oidc_jwks_fetches_total{result=\"ok\"} 1"));
  EXPECT_THAT(text, HasSubstr("irsa_oidc_jwks_cached_issuers 1"));
}

}  // namespace
}  // namespace irsa::oidc

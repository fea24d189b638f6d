// Verification keys of OIDC issuers irsa does not host (e.g. a real kube-apiserver, EKS, any
// OIDC identity provider), fetched over HTTPS the way AWS STS does and cached per issuer.
//
//   RemoteIssuerKeys remote(fetcher, SystemClock::Instance(), {});
//   cluster_registry.SetRemoteIssuerKeys(&remote);
//
// Fetching (one "refresh" of an issuer):
//   1. GET <issuer>/.well-known/openid-configuration (one trailing '/' of the issuer is dropped
//      first). It must answer 200 with a JSON object whose "issuer" equals the token issuer
//      byte-for-byte and whose "jwks_uri" is an absolute https URL with a host, no userinfo
//      and no fragment.
//   2. GET jwks_uri. It must answer 200 with a JWKS document (jwt::KeySetFromJwks: at most
//      max_keys keys; unusable keys are skipped with a warning).
//   Each GET has `fetch_timeout` and a body limit of `max_document_bytes`. Redirects are not
//   followed.
//
// Caching, per issuer:
//   - A fetched set is fresh for the JWKS response's Cache-Control max-age clamped to
//     [min_max_age, max_max_age], or default_max_age without one ("no-cache"/"no-store" count as
//     min_max_age). Fresh sets are served without I/O.
//   - Unknown kid: when the fresh set lacks the token's kid, the issuer is refreshed at once,
//     unless any refresh of it was attempted less than unknown_kid_refetch_interval ago; the
//     caller then gets whatever set is held (STS reports the unknown kid).
//   - Stale set: the next caller refreshes. If that fails, the stale set keeps being served (a
//     warning is logged) and the next attempt waits refresh_retry_interval, so an issuer outage
//     neither breaks STS nor makes every call wait for a timeout. A set is never served once it
//     has been stale for max_stale; it is then dropped.
//   - Nothing usable cached and the refresh fails: the error is returned, and remembered for
//     error_cache_duration (callers within it get the same error without a new fetch).
//   - At most max_issuers issuers are cached; beyond that the least recently used idle one is
//     forgotten.
//   All cache ages use the injected clock's Monotonic() time.
//
// Errors (the message is always AWS's text plus irsa's detail in parentheses):
//   "Couldn't retrieve verification key from your identity provider,  please reference
//    AssumeRoleWithWebIdentity documentation for requirements (<detail>)"
//   - IDPCommunicationError (400, transient, botocore retries it): transport failures
//     (DNS, connect, TLS, timeout, oversized or malformed response as reported by the fetcher)
//     and HTTP 429 / 5xx answers.
//   - InvalidIdentityToken (400): everything about content: an issuer that is not an https
//     URL, other HTTP statuses, a document that is not JSON / not an object / too large, an
//     issuer mismatch ("discovery document issuer X does not match token issuer Y"), a missing
//     or non-https jwks_uri, an invalid JWKS or one with more than max_keys keys.
//   The detail names the URL and what failed; untrusted values are sanitised (jwt::Printable).
//
// Concurrency: at most one refresh per issuer runs at a time (no stampede). While it runs, other
// callers for that issuer are served the cached set if it holds what they need (their kid, or
// any key when the token has no kid) even if stale; otherwise they wait for the refresh and
// share its outcome. The fetch runs without holding any lock; callers for other issuers are
// never blocked by it.
//
// Metrics (in options.registry, default metrics::DefaultRegistry()):
//   irsa_oidc_jwks_fetches_total{result}  one per refresh; result is "ok", "transport_error"
//                                         (fetcher failure or 429/5xx), "http_error" (other
//                                         non-200 status) or "invalid" (content rejected)
//   irsa_oidc_jwks_cached_issuers         remote issuers whose keys are currently cached
//
// Thread-safety: all methods are safe for concurrent use.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "base/http_fetcher.h"
#include "base/metrics.h"
#include "base/result.h"
#include "jwt/verify.h"
#include "oidc/issuer_keys.h"

namespace irsa::oidc {

struct RemoteIssuerKeysOptions {
  std::chrono::milliseconds fetch_timeout{5000};  // per GET (AWS gives up after ~5 s)
  size_t max_document_bytes = 256 * 1024;         // discovery document and JWKS, each
  size_t max_keys = 100;                          // AWS rejects JWKS with more than 100 keys

  std::chrono::seconds default_max_age{3600};  // JWKS response without Cache-Control max-age
  std::chrono::seconds min_max_age{60};
  std::chrono::seconds max_max_age{24 * 3600};
  // A stale set is still served (refresh failing) until it has been stale this long.
  std::chrono::seconds max_stale{7 * 24 * 3600};
  // After a failed refresh while a stale set is served, wait this long before the next attempt.
  std::chrono::seconds refresh_retry_interval{30};
  // At most one unknown-kid refresh per issuer per this window.
  std::chrono::seconds unknown_kid_refetch_interval{30};
  // With nothing usable cached, a failed refresh's error is returned without refetching for
  // this long. Zero disables.
  std::chrono::milliseconds error_cache_duration{2000};

  size_t max_issuers = 1000;
  // Not owned; must outlive the RemoteIssuerKeys. Null selects metrics::DefaultRegistry().
  metrics::Registry* registry = nullptr;
};

// Diagnostics: the cache state of one remote issuer (for an admin endpoint or `irsa doctor`).
// Times are wall-clock (Clock::Now()) readings taken when the events happened.
struct RemoteIssuerState {
  std::string issuer;
  std::string jwks_uri;                  // from the last successful discovery; empty before one
  std::vector<std::string> key_ids;      // of the cached set, in JWKS order; empty if none cached
  bool cached = false;                   // a key set is held (fresh or stale)
  bool fresh = false;                    // ... and it is within its max-age
  std::optional<SystemTime> fetched_at;  // last successful refresh (kept after a drop)
  std::optional<SystemTime> expires_at;  // fetched_at + effective max-age
  std::optional<SystemTime> last_attempt_at;  // last refresh attempt, successful or not
  std::string last_error;                     // message of the last attempt if it failed
  std::string last_error_code;                // e.g. "IDPCommunicationError"; empty if none
  std::vector<std::string> warnings;          // keys skipped in the cached JWKS
};

class RemoteIssuerKeys final : public IssuerKeys {
 public:
  // `fetcher` and `clock` (and options.registry) must outlive this object.
  RemoteIssuerKeys(HttpFetcher& fetcher, const Clock& clock, RemoteIssuerKeysOptions options = {});
  ~RemoteIssuerKeys() override;
  RemoteIssuerKeys(const RemoteIssuerKeys&) = delete;
  RemoteIssuerKeys& operator=(const RemoteIssuerKeys&) = delete;

  // See the file comment. `issuer` is the token's exact iss; `kid` may be empty. May block for
  // up to two fetch timeouts (one refresh), or while waiting for another caller's refresh.
  Result<std::shared_ptr<const jwt::KeySet>> Keys(const std::string& issuer,
                                                  const std::string& kid) override;

  // One entry per cached issuer, sorted by issuer.
  std::vector<RemoteIssuerState> CacheState() const;

  const RemoteIssuerKeysOptions& options() const { return options_; }

 private:
  struct Entry;
  struct Fetched;
  struct Outcome;

  Outcome Refresh(const std::string& issuer);
  Result<FetchResponse> Get(const std::string& url, std::string_view what,
                            std::string& result_label);
  std::shared_ptr<Entry> FindOrCreateLocked(const std::string& issuer, MonoTime now);
  void DropExpiredLocked(Entry& entry, MonoTime now);
  void ApplyLocked(Entry& entry, Outcome outcome, MonoTime now, SystemTime wall);
  void PublishCountLocked();

  HttpFetcher& fetcher_;
  const Clock& clock_;
  RemoteIssuerKeysOptions options_;
  metrics::Family<metrics::Counter>& fetches_;
  metrics::Gauge& cached_gauge_;

  mutable std::mutex mu_;
  std::condition_variable refreshed_;                      // signalled when a refresh ends
  std::map<std::string, std::shared_ptr<Entry>> issuers_;  // guarded by mu_
  int64_t published_count_ = 0;                            // guarded by mu_
};

}  // namespace irsa::oidc

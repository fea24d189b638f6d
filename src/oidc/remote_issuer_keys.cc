#include "oidc/remote_issuer_keys.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <string_view>
#include <utility>

#include "base/log.h"
#include "jwt/jwk_json.h"
#include "jwt/jws.h"

namespace irsa::oidc {

namespace {

constexpr std::string_view kKeyErrorPrefix =
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements";
constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";
constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMaxJsonDepth = 32;

std::string Detailed(std::string_view detail) {
  return std::string(kKeyErrorPrefix) + " (" + std::string(detail) + ")";
}
Error ContentError(std::string_view detail) {
  return errors::InvalidIdentityToken(Detailed(detail));
}
Error TransportError(std::string_view detail) {
  return errors::IDPCommunicationError(Detailed(detail));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The freshness lifetime a Cache-Control header grants, clamped; `fallback` without max-age.
std::chrono::seconds MaxAge(std::string_view cache_control, const RemoteIssuerKeysOptions& o) {
  std::optional<int64_t> seconds;
  bool no_cache = false;
  while (!cache_control.empty()) {
    size_t comma = cache_control.find(',');
    std::string_view directive = Trim(cache_control.substr(0, comma));
    cache_control =
        comma == std::string_view::npos ? std::string_view() : cache_control.substr(comma + 1);
    size_t eq = directive.find('=');
    std::string name = Lower(Trim(directive.substr(0, eq)));
    if (name == "no-cache" || name == "no-store") no_cache = true;
    if (name != "max-age" || eq == std::string_view::npos) continue;
    std::string_view value = Trim(directive.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty()) continue;
    int64_t v = 0;
    bool valid = true;
    for (char c : value) {
      if (c < '0' || c > '9') {
        valid = false;
        break;
      }
      // Saturate: anything beyond ~31 years is clamped anyway.
      v = std::min<int64_t>(v * 10 + (c - '0'), int64_t{1} << 30);
    }
    if (valid && !seconds) seconds = v;
  }
  std::chrono::seconds age = o.default_max_age;
  if (no_cache) {
    age = o.min_max_age;
  } else if (seconds) {
    age = std::chrono::seconds(*seconds);
  }
  return std::clamp(age, o.min_max_age, std::max(o.min_max_age, o.max_max_age));
}

// Checks the token issuer before any I/O; returns the discovery document URL.
Result<std::string> DiscoveryUrl(const std::string& issuer) {
  if (issuer.size() > kMaxUrlLength) {
    return ContentError("the issuer URL is longer than " + std::to_string(kMaxUrlLength) +
                        " characters");
  }
  auto bad = [&](std::string_view why) {
    return ContentError("issuer " + jwt::Printable(issuer, 200) + " " + std::string(why));
  };
  if (!issuer.starts_with("https://")) return bad("is not an https URL");
  auto url = boost::urls::parse_absolute_uri(issuer);
  if (!url) return bad("is not a valid URL");
  if (url->host().empty()) return bad("has no host");
  if (url->has_userinfo()) {  // may hold credentials: not echoed
    return ContentError("issuer URL must not contain userinfo");
  }
  if (url->has_query() || url->has_fragment()) return bad("must not have a query or fragment");
  std::string base = issuer;
  if (base.ends_with('/')) base.pop_back();
  return base + std::string(kDiscoveryPath);
}

// Checks a jwks_uri from a discovery document (untrusted).
Status CheckJwksUri(std::string_view uri, const std::string& discovery_url) {
  auto bad = [&](std::string_view why) {
    return ContentError("jwks_uri " + jwt::Printable(uri, 200) + " in discovery document " +
                        discovery_url + " " + std::string(why));
  };
  if (uri.size() > kMaxUrlLength) return bad("is too long");
  auto url = boost::urls::parse_absolute_uri(uri);
  if (!url) return bad("is not a valid absolute URL");
  if (url->scheme_id() != boost::urls::scheme::https) return bad("is not an https URL");
  if (url->host().empty()) return bad("has no host");
  if (url->has_userinfo()) {  // may hold credentials: not echoed
    return ContentError("jwks_uri in discovery document " + discovery_url +
                        " must not contain userinfo");
  }
  if (url->has_fragment()) return bad("must not have a fragment");
  return OkStatus();
}

}  // namespace

struct RemoteIssuerKeys::Fetched {
  std::shared_ptr<const jwt::KeySet> keys;
  std::string jwks_uri;
  std::vector<std::string> warnings;
  std::chrono::seconds max_age{0};
};

struct RemoteIssuerKeys::Outcome {
  std::optional<Fetched> fetched;  // set on success
  std::optional<Error> error;      // set on failure
  std::string result_label;        // metric label
};

struct RemoteIssuerKeys::Entry {
  std::string issuer;
  // The cached set (null when none) and what came with it.
  std::shared_ptr<const jwt::KeySet> keys;
  std::string jwks_uri;
  std::vector<std::string> warnings;
  MonoTime expires{};
  std::optional<SystemTime> fetched_wall;  // of the last success, kept after a drop
  std::optional<SystemTime> expires_wall;
  // The last refresh attempt.
  bool attempted = false;
  MonoTime last_attempt{};
  SystemTime last_attempt_wall{};
  std::optional<Error> last_error;  // of the last attempt; cleared on success
  // Refresh coordination.
  bool refreshing = false;
  uint64_t generation = 0;  // completed refreshes
  MonoTime last_used{};
};

RemoteIssuerKeys::RemoteIssuerKeys(HttpFetcher& fetcher, const Clock& clock,
                                   RemoteIssuerKeysOptions options)
    : fetcher_(fetcher),
      clock_(clock),
      options_(std::move(options)),
      fetches_((options_.registry ? *options_.registry : metrics::DefaultRegistry())
                   .CounterFamily("irsa_oidc_jwks_fetches_total",
                                  "Refreshes of remote OIDC issuer keys (discovery document and "
                                  "JWKS), by result.",
                                  {"result"})),
      cached_gauge_((options_.registry ? *options_.registry : metrics::DefaultRegistry())
                        .GetGauge("irsa_oidc_jwks_cached_issuers",
                                  "Remote OIDC issuers whose verification keys are cached.")) {}

RemoteIssuerKeys::~RemoteIssuerKeys() {
  std::lock_guard lock(mu_);
  cached_gauge_.Add(-static_cast<double>(published_count_));
  published_count_ = 0;
}

Result<FetchResponse> RemoteIssuerKeys::Get(const std::string& url, std::string_view what,
                                            std::string& result_label) {
  FetchRequest request;
  request.url = url;
  request.headers = {{"Accept", "application/json"}};
  request.timeout = options_.fetch_timeout;
  request.max_body_bytes = options_.max_document_bytes;
  Result<FetchResponse> response = Error("", 0, "");
  try {
    response = fetcher_.Get(request);
  } catch (const std::exception& e) {
    response = errors::ServiceUnavailable("GET " + url + ": " + e.what());
  }
  if (!response) {
    result_label = "transport_error";
    const Error& e = response.error();
    std::string detail = "fetching the " + std::string(what) + " failed: " + e.message();
    // The fetcher reports URLs it cannot use as InvalidParameterValue: a content problem.
    if (e.code() == "InvalidParameterValue") {
      result_label = "invalid";
      return ContentError(detail);
    }
    return TransportError(detail);
  }
  int status = response->status;
  if (status != 200) {
    std::string detail = std::string(what) + " " + url + " answered HTTP " + std::to_string(status);
    if (status >= 300 && status < 400) detail += " (redirects are not followed)";
    if (status == 429 || status >= 500) {
      result_label = "transport_error";
      return TransportError(detail);
    }
    result_label = "http_error";
    return ContentError(detail);
  }
  if (response->body.size() > options_.max_document_bytes) {
    result_label = "invalid";
    return ContentError(std::string(what) + " " + url + " is larger than " +
                        std::to_string(options_.max_document_bytes) + " bytes");
  }
  return response;
}

RemoteIssuerKeys::Outcome RemoteIssuerKeys::Refresh(const std::string& issuer) {
  Outcome out;
  auto fail = [&](Error e, std::string label) {
    out.error = std::move(e);
    out.result_label = std::move(label);
    return std::move(out);
  };
  Result<std::string> discovery_url = DiscoveryUrl(issuer);
  if (!discovery_url) return fail(discovery_url.error(), "invalid");

  std::string label;
  Result<FetchResponse> discovery = Get(*discovery_url, "discovery document", label);
  if (!discovery) return fail(discovery.error(), label);
  Result<boost::json::object> doc =
      jwt::ParseJsonObject(discovery->body, kMaxJsonDepth, "discovery document " + *discovery_url);
  if (!doc) return fail(ContentError(doc.error().message()), "invalid");
  const boost::json::value* doc_issuer = doc->if_contains("issuer");
  if (doc_issuer == nullptr || !doc_issuer->is_string()) {
    return fail(ContentError("discovery document " + *discovery_url + " has no \"issuer\" string"),
                "invalid");
  }
  std::string_view doc_issuer_text = doc_issuer->get_string();
  if (doc_issuer_text != issuer) {
    return fail(ContentError("discovery document issuer " + jwt::Printable(doc_issuer_text, 200) +
                             " does not match token issuer " + jwt::Printable(issuer, 200)),
                "invalid");
  }
  const boost::json::value* jwks_uri_value = doc->if_contains("jwks_uri");
  if (jwks_uri_value == nullptr || !jwks_uri_value->is_string()) {
    return fail(
        ContentError("discovery document " + *discovery_url + " has no \"jwks_uri\" string"),
        "invalid");
  }
  std::string jwks_uri(jwks_uri_value->get_string());
  if (Status s = CheckJwksUri(jwks_uri, *discovery_url); !s) return fail(s.error(), "invalid");

  Result<FetchResponse> jwks = Get(jwks_uri, "JWKS", label);
  if (!jwks) return fail(jwks.error(), label);
  std::vector<std::string> warnings;
  Result<jwt::KeySet> keys = jwt::KeySetFromJwks(
      jwks->body, {.max_keys = options_.max_keys, .max_bytes = options_.max_document_bytes},
      &warnings);
  if (!keys) {
    return fail(ContentError("JWKS " + jwks_uri + " is invalid: " + keys.error().message()),
                "invalid");
  }
  out.fetched = Fetched{
      .keys = std::make_shared<const jwt::KeySet>(std::move(*keys)),
      .jwks_uri = std::move(jwks_uri),
      .warnings = std::move(warnings),
      .max_age = MaxAge(jwks->Header("cache-control"), options_),
  };
  out.result_label = "ok";
  return out;
}

std::shared_ptr<RemoteIssuerKeys::Entry> RemoteIssuerKeys::FindOrCreateLocked(
    const std::string& issuer, MonoTime now) {
  auto it = issuers_.find(issuer);
  if (it != issuers_.end()) return it->second;
  if (options_.max_issuers > 0 && issuers_.size() >= options_.max_issuers) {
    // Forget the least recently used idle issuer.
    auto victim = issuers_.end();
    for (auto i = issuers_.begin(); i != issuers_.end(); ++i) {
      if (i->second->refreshing) continue;
      if (victim == issuers_.end() || i->second->last_used < victim->second->last_used) victim = i;
    }
    if (victim != issuers_.end()) {
      log::Info("forgetting remote OIDC issuer keys: cache full",
                {{"issuer", victim->first}, {"evicted_for", issuer}});
      issuers_.erase(victim);
      PublishCountLocked();
    }
  }
  auto entry = std::make_shared<Entry>();
  entry->issuer = issuer;
  entry->last_used = now;
  issuers_.emplace(issuer, entry);
  return entry;
}

void RemoteIssuerKeys::DropExpiredLocked(Entry& entry, MonoTime now) {
  if (!entry.keys || now < entry.expires + options_.max_stale) return;
  log::Warn("dropping remote OIDC issuer keys: stale beyond the limit",
            {{"issuer", entry.issuer},
             {"max_stale_s", std::to_string(options_.max_stale.count())},
             {"last_error", entry.last_error ? entry.last_error->message() : ""}});
  entry.keys.reset();
  entry.warnings.clear();
  PublishCountLocked();
}

void RemoteIssuerKeys::ApplyLocked(Entry& entry, Outcome outcome, MonoTime now, SystemTime wall) {
  fetches_.WithLabels({outcome.result_label}).Inc();
  if (outcome.fetched) {
    Fetched& f = *outcome.fetched;
    log::Info("fetched remote OIDC issuer keys",
              {{"issuer", entry.issuer},
               {"jwks_uri", f.jwks_uri},
               {"keys", std::to_string(f.keys->size())},
               {"max_age_s", std::to_string(f.max_age.count())}});
    for (const std::string& w : f.warnings) {
      log::Warn("remote JWKS key skipped", {{"issuer", entry.issuer}, {"warning", w}});
    }
    entry.keys = std::move(f.keys);
    entry.jwks_uri = std::move(f.jwks_uri);
    entry.warnings = std::move(f.warnings);
    entry.expires = now + f.max_age;
    entry.fetched_wall = wall;
    entry.expires_wall = wall + f.max_age;
    entry.last_error.reset();
    PublishCountLocked();
    return;
  }
  entry.last_error = std::move(outcome.error);
  if (entry.keys) {
    const char* state = now < entry.expires ? "fresh" : "stale";
    log::Warn(
        "refreshing remote OIDC issuer keys failed; serving the cached keys",
        {{"issuer", entry.issuer}, {"cached", state}, {"error", entry.last_error->message()}});
  } else {
    log::Warn("fetching remote OIDC issuer keys failed",
              {{"issuer", entry.issuer}, {"error", entry.last_error->message()}});
  }
}

void RemoteIssuerKeys::PublishCountLocked() {
  int64_t count = 0;
  for (const auto& [issuer, entry] : issuers_) count += entry->keys ? 1 : 0;
  cached_gauge_.Add(static_cast<double>(count - published_count_));
  published_count_ = count;
}

Result<std::shared_ptr<const jwt::KeySet>> RemoteIssuerKeys::Keys(const std::string& issuer,
                                                                  const std::string& kid) {
  // Reject unusable issuers before they take a cache slot.
  if (Result<std::string> url = DiscoveryUrl(issuer); !url) return url.error();

  std::unique_lock lock(mu_);
  std::shared_ptr<Entry> entry = FindOrCreateLocked(issuer, clock_.Monotonic());
  std::optional<uint64_t> waited_for;  // generation seen before waiting
  for (;;) {
    MonoTime now = clock_.Monotonic();
    entry->last_used = now;
    DropExpiredLocked(*entry, now);
    if (waited_for && entry->generation != *waited_for) {
      // Another caller's refresh finished while we waited: share its outcome.
      if (entry->keys) return entry->keys;
      if (entry->last_error) return *entry->last_error;
    }
    bool has_kid = entry->keys && (kid.empty() || entry->keys->Find(kid) != nullptr);
    bool refresh = false;
    if (entry->keys) {
      bool fresh = now < entry->expires;
      if (fresh) {
        refresh = !has_kid && now - entry->last_attempt >= options_.unknown_kid_refetch_interval;
      } else {
        bool failed_recently = entry->last_error.has_value() &&
                               now - entry->last_attempt < options_.refresh_retry_interval;
        refresh = !failed_recently;
      }
      if (!refresh) return entry->keys;
    } else if (entry->attempted && entry->last_error &&
               now - entry->last_attempt < options_.error_cache_duration) {
      return *entry->last_error;
    }
    if (entry->refreshing) {
      // Someone is already refreshing: use what we have if it will do, else wait for it.
      if (has_kid) return entry->keys;
      waited_for = entry->generation;
      refreshed_.wait(lock, [&] { return !entry->refreshing; });
      continue;
    }

    entry->refreshing = true;
    entry->attempted = true;
    entry->last_attempt = now;
    entry->last_attempt_wall = clock_.Now();
    lock.unlock();
    Outcome outcome;
    try {
      outcome = Refresh(issuer);
    } catch (const std::exception& e) {  // only allocation failures can get here
      outcome.error = TransportError(std::string("internal error: ") + e.what());
      outcome.result_label = "transport_error";
    }
    MonoTime done = clock_.Monotonic();
    SystemTime done_wall = clock_.Now();
    lock.lock();
    ApplyLocked(*entry, std::move(outcome), done, done_wall);
    DropExpiredLocked(*entry, done);
    entry->refreshing = false;
    ++entry->generation;
    refreshed_.notify_all();
    if (entry->keys) return entry->keys;
    return *entry->last_error;
  }
}

std::vector<RemoteIssuerState> RemoteIssuerKeys::CacheState() const {
  std::lock_guard lock(mu_);
  MonoTime now = clock_.Monotonic();
  std::vector<RemoteIssuerState> out;
  out.reserve(issuers_.size());
  for (const auto& [issuer, entry] : issuers_) {
    RemoteIssuerState s;
    s.issuer = issuer;
    s.jwks_uri = entry->jwks_uri;
    if (entry->keys) {
      s.cached = true;
      s.fresh = now < entry->expires;
      for (const jwt::VerificationKey& k : entry->keys->keys()) s.key_ids.push_back(k.kid);
      s.warnings = entry->warnings;
    }
    s.fetched_at = entry->fetched_wall;
    s.expires_at = entry->expires_wall;
    if (entry->attempted) s.last_attempt_at = entry->last_attempt_wall;
    if (entry->last_error) {
      s.last_error = entry->last_error->message();
      s.last_error_code = entry->last_error->code();
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace irsa::oidc

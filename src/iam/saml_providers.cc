#include "iam/saml_providers.h"

#include <boost/json.hpp>

#include "base/arn.h"
#include "base/encoding.h"
#include "base/ids.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"
#include "saml/metadata.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr std::string_view kTagResource = "SAMLProvider";

std::string ToBody(const SamlProviderRecord& r) {
  json::array tags;
  for (const Tag& tag : r.tags) tags.push_back(json::object{{"k", tag.key}, {"v", tag.value}});
  json::array certs;
  for (const std::string& der : r.certificates) certs.emplace_back(Base64Encode(der));
  json::object o{{"name", r.name},
                 {"arn", r.arn},
                 {"uuid", r.uuid},
                 {"metadata", r.metadata_document},
                 {"entity_id", r.entity_id},
                 {"certs", std::move(certs)},
                 {"created", r.created.time_since_epoch().count()},
                 {"encryption", r.assertion_encryption_mode},
                 {"tags", std::move(tags)}};
  if (r.valid_until) o["valid_until"] = r.valid_until->time_since_epoch().count();
  return json::serialize(o);
}

Result<SamlProviderRecord> FromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "SAML provider"));
  SamlProviderRecord r;
  r.name = store::JsonString(o, "name");
  r.arn = store::JsonString(o, "arn");
  r.uuid = store::JsonString(o, "uuid");
  r.metadata_document = store::JsonString(o, "metadata");
  r.entity_id = store::JsonString(o, "entity_id");
  for (const std::string& b64 : store::JsonStrings(o, "certs")) {
    std::optional<std::string> der = Base64Decode(b64);
    if (!der) return errors::ServiceFailure("corrupt SAML provider record");
    r.certificates.push_back(std::move(*der));
  }
  r.created = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "created")));
  if (o.contains("valid_until")) {
    r.valid_until = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "valid_until")));
  }
  r.assertion_encryption_mode = store::JsonString(o, "encryption");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& tag : tags->as_array()) {
      if (!tag.is_object()) continue;
      r.tags.push_back(
          {store::JsonString(tag.as_object(), "k"), store::JsonString(tag.as_object(), "v")});
    }
  }
  return r;
}

store::Row ProviderRow(const std::string& account, const SamlProviderRecord& provider) {
  store::Row row;
  row.id = {account, kind::kSamlProvider, "", provider.name};
  row.body = ToBody(provider);
  return row;
}

Error NoSuchProvider(const std::string& arn) {
  return errors::NoSuchEntity("SAMLProvider " + arn + " does not exist.");
}

Status CheckEncryptionMode(const std::string& mode) {
  if (mode == "Required") {
    return errors::InvalidInput(
        "AssertionEncryptionMode Required is not supported: irsa does not decrypt SAML "
        "assertions (use Allowed and send signed, unencrypted assertions)");
  }
  return OkStatus();
}

// The provider name of a saml-provider ARN of `account`; nullopt for another account's ARN.
Result<std::optional<std::string>> NameFromArn(const std::string& account, const std::string& arn) {
  std::optional<Arn> parsed = Arn::Parse(arn);
  constexpr std::string_view kPrefix = "saml-provider/";
  if (!parsed || parsed->service != "iam" || !parsed->resource.starts_with(kPrefix) ||
      parsed->resource.size() == kPrefix.size()) {
    return InvalidArn(arn);
  }
  if (parsed->account != account) return std::optional<std::string>();
  return std::optional<std::string>(parsed->resource.substr(kPrefix.size()));
}

Result<SamlProviderRecord> Load(store::StoreTx& tx, const std::string& account,
                                const std::string& arn) {
  IRSA_TRY(auto name, NameFromArn(account, arn));
  if (!name) return NoSuchProvider(arn);
  IRSA_TRY(auto row, tx.Get({account, kind::kSamlProvider, "", *name}));
  if (!row) return NoSuchProvider(arn);
  return FromBody(row->body);
}

Status Modify(const ServiceContext& ctx, const std::string& account, const std::string& arn,
              const std::function<Status(SamlProviderRecord&)>& change,
              SamlProviderRecord* out = nullptr) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(SamlProviderRecord record, Load(tx, account, arn));
    IRSA_RETURN_IF_ERROR(change(record));
    if (out != nullptr) *out = record;
    return tx.Upsert(ProviderRow(account, record));
  });
}

Status ApplyMetadata(SamlProviderRecord& record, const std::string& document) {
  IRSA_TRY(saml::IdpMetadata metadata, saml::ParseIdpMetadata(document));
  record.metadata_document = document;
  record.entity_id = std::move(metadata.entity_id);
  record.certificates = std::move(metadata.signing_certificates);
  record.valid_until = metadata.valid_until;
  return OkStatus();
}

}  // namespace

std::string SamlProviderArn(const std::string& account, const std::string& name) {
  return "arn:aws:iam::" + account + ":saml-provider/" + name;
}

Result<SamlProviderRecord> CreateSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                              const CreateSamlProviderInput& input) {
  IRSA_RETURN_IF_ERROR(CheckEncryptionMode(input.assertion_encryption_mode));
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags, ctx.quotas.tags_per_resource, kTagResource));
  SamlProviderRecord provider;
  IRSA_RETURN_IF_ERROR(ApplyMetadata(provider, input.metadata_document));
  provider.name = input.name;
  provider.arn = SamlProviderArn(account, input.name);
  provider.uuid = (NewUniqueId("", ctx.random) + NewUniqueId("", ctx.random)).substr(0, 26);
  provider.created = ctx.clock.Now();
  provider.assertion_encryption_mode = input.assertion_encryption_mode;
  provider.tags = input.tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kSamlProvider}));
    if (count >= ctx.quotas.saml_providers_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for SAMLProvidersPerAccount: " +
                                   std::to_string(ctx.quotas.saml_providers_per_account));
    }
    Status inserted = tx.Insert(ProviderRow(account, provider));
    if (!inserted.ok() && inserted.error().code() == "EntityAlreadyExists") {
      return errors::EntityAlreadyExists("SAMLProvider " + input.name + " already exists.");
    }
    return inserted;
  }));
  return provider;
}

Result<SamlProviderRecord> GetSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                           const std::string& arn) {
  SamlProviderRecord out;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(out, Load(tx, account, arn));
    return OkStatus();
  }));
  return out;
}

Result<std::vector<SamlProviderRecord>> ListSAMLProviders(const ServiceContext& ctx,
                                                          const std::string& account) {
  std::vector<SamlProviderRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kSamlProvider};
    query.limit = 100000;
    IRSA_TRY(store::Page page, tx.List(query));
    for (const auto& row : page.rows) {
      IRSA_TRY(SamlProviderRecord provider, FromBody(row.body));
      out.push_back(std::move(provider));
    }
    return OkStatus();
  }));
  return out;
}

Result<SamlProviderRecord> UpdateSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                              const std::string& arn,
                                              const std::optional<std::string>& metadata_document,
                                              const std::string& assertion_encryption_mode) {
  IRSA_RETURN_IF_ERROR(CheckEncryptionMode(assertion_encryption_mode));
  SamlProviderRecord parsed;
  if (metadata_document) IRSA_RETURN_IF_ERROR(ApplyMetadata(parsed, *metadata_document));
  SamlProviderRecord out;
  IRSA_RETURN_IF_ERROR(Modify(
      ctx, account, arn,
      [&](SamlProviderRecord& record) -> Status {
        if (metadata_document) {
          record.metadata_document = parsed.metadata_document;
          record.entity_id = parsed.entity_id;
          record.certificates = parsed.certificates;
          record.valid_until = parsed.valid_until;
        }
        if (!assertion_encryption_mode.empty()) {
          record.assertion_encryption_mode = assertion_encryption_mode;
        }
        return OkStatus();
      },
      &out));
  return out;
}

Status DeleteSAMLProvider(const ServiceContext& ctx, const std::string& account,
                          const std::string& arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(SamlProviderRecord record, Load(tx, account, arn));
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kSamlProvider, "", record.name}));
    (void)deleted;
    return OkStatus();
  });
}

Status TagSAMLProvider(const ServiceContext& ctx, const std::string& account,
                       const std::string& arn, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, kTagResource));
  return Modify(ctx, account, arn, [&](SamlProviderRecord& provider) -> Status {
    return MergeTags(provider.tags, tags, ctx.quotas.tags_per_resource, kTagResource);
  });
}

Status UntagSAMLProvider(const ServiceContext& ctx, const std::string& account,
                         const std::string& arn, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return Modify(ctx, account, arn, [&](SamlProviderRecord& provider) -> Status {
    RemoveTags(provider.tags, keys);
    return OkStatus();
  });
}

Result<ListPage<Tag>> ListSAMLProviderTags(const ServiceContext& ctx, const std::string& account,
                                           const std::string& arn, const std::string& marker,
                                           int max_items) {
  IRSA_TRY(SamlProviderRecord provider, GetSAMLProvider(ctx, account, arn));
  return PageTags(provider.tags, marker, max_items);
}

}  // namespace irsa::iam

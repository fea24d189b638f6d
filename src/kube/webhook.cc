#include "kube/webhook.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "base/error.h"
#include "base/strings.h"
#include "kube/webhook_extras.h"
#include "kube/webhook_go.h"
#include "kube/webhook_normalize.h"

namespace irsa::kube {
namespace {

namespace json = boost::json;

constexpr std::string_view kRoleArnAnnotation = "role-arn";
constexpr std::string_view kAudienceAnnotation = "audience";
constexpr std::string_view kRegionalStsAnnotation = "sts-regional-endpoints";
constexpr std::string_view kTokenExpirationAnnotation = "token-expiration";
constexpr std::string_view kSkipContainersAnnotation = "skip-containers";
constexpr std::string_view kTokenFileName = "token";

constexpr std::string_view kEnvRoleArn = "AWS_ROLE_ARN";
constexpr std::string_view kEnvTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE";
constexpr std::string_view kEnvRegion = "AWS_REGION";
constexpr std::string_view kEnvDefaultRegion = "AWS_DEFAULT_REGION";
constexpr std::string_view kEnvRegionalSts = "AWS_STS_REGIONAL_ENDPOINTS";
constexpr std::string_view kEnvRoleSessionName = "AWS_ROLE_SESSION_NAME";

// The effective per-pod configuration (upstream's podPatchConfig, IRSA mode).
struct PatchConfig {
  std::string role_arn;
  std::string audience;
  bool regional_sts = false;
  int64_t token_expiration = 0;
  std::set<std::string> skip;
  std::string token_file;      // env value (Windows-converted when needed)
  std::string ca_bundle_file;  // env value, "" when the extra is off
  PodExtras extras;            // irsa extras (kube/webhook_extras.h)
};

int64_t ClampExpiration(int64_t seconds) { return std::max(seconds, kMinTokenExpiration); }

std::string ToWindowsPath(std::string_view path) {
  std::string out = "C:";
  for (char c : path) out += c == '/' ? '\\' : c;
  return out;
}

// ^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w-\/.@+=,]+$ without std::regex (bounded, no recursion).
bool LooksLikeRoleArn(std::string_view arn) {
  constexpr std::string_view kPrefix = "arn:aws";
  if (arn.substr(0, kPrefix.size()) != kPrefix) return false;
  size_t i = kPrefix.size();
  while (i < arn.size() &&
         ((arn[i] >= 'a' && arn[i] <= 'z') || (arn[i] >= '0' && arn[i] <= '9') || arn[i] == '-')) {
    ++i;
  }
  constexpr std::string_view kIam = ":iam::";
  if (arn.substr(i, kIam.size()) != kIam) return false;
  i += kIam.size();
  for (int k = 0; k < 12; ++k, ++i) {
    if (i >= arn.size() || arn[i] < '0' || arn[i] > '9') return false;
  }
  constexpr std::string_view kRole = ":role/";
  if (arn.substr(i, kRole.size()) != kRole) return false;
  i += kRole.size();
  if (i >= arn.size()) return false;
  for (; i < arn.size(); ++i) {
    const char c = arn[i];
    const bool word =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!word && std::string_view("-/.@+=,").find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Reads a Go map[string]string member (absent/null → empty map).
Result<std::map<std::string, std::string>> StringMapAt(const json::object& o, std::string_view key,
                                                       std::string_view what) {
  std::map<std::string, std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_object()) {
    return errors::InvalidInput(std::string(what) + ": expected an object of strings");
  }
  for (const auto& member : v->get_object()) {
    if (member.value().is_null()) {
      out[std::string(member.key())] = "";
    } else if (member.value().is_string()) {
      out[std::string(member.key())] = std::string(member.value().get_string());
    } else {
      return errors::InvalidInput(std::string(what) + "[\"" + std::string(member.key()) +
                                  "\"]: expected a string");
    }
  }
  return out;
}

Result<std::string> StringAt(const json::object& o, std::string_view key, std::string_view what) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (!v->is_string()) return errors::InvalidInput(std::string(what) + ": expected a string");
  return std::string(v->get_string());
}

// Reads a Go struct member (absent/null → empty object).
Result<const json::object*> ObjectAt(const json::object& o, std::string_view key,
                                     std::string_view what) {
  static const json::object kEmpty;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return &kEmpty;
  if (!v->is_object()) return errors::InvalidInput(std::string(what) + ": expected an object");
  return &v->get_object();
}

// Decodes and normalises spec.containers / spec.initContainers.
Result<std::vector<json::object>> ContainersAt(const json::object& spec, std::string_view key) {
  std::vector<json::object> out;
  const json::value* v = spec.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    return errors::InvalidInput("spec." + std::string(key) + ": expected an array");
  }
  for (const json::value& item : v->get_array()) {
    auto normalized = NormalizeGoContainer(item);
    if (!normalized.ok()) {
      return normalized.error().WithContext("spec." + std::string(key) + ": ");
    }
    out.push_back(std::move(*normalized));
  }
  return out;
}

json::object EnvVar(std::string_view name, std::string_view value) {
  json::object e;
  e.emplace("name", name);
  e.emplace("value", value);  // never empty here, so Go's omitempty keeps it too
  return e;
}

std::string ContainerName(const json::object& c) {
  const json::value* n = c.if_contains("name");
  return n != nullptr && n->is_string() ? std::string(n->get_string()) : std::string();
}

// upstream addEnvToContainer. `c` is a normalised container; returns whether it changed.
bool AddEnvToContainer(const WebhookOptions& options, const PatchConfig& config, json::object& c,
                       std::string_view kind, std::vector<std::string>& reasons) {
  std::set<std::string, std::less<>> present;
  if (const json::value* env = c.if_contains("env"); env != nullptr && env->is_array()) {
    for (const json::value& e : env->get_array()) {
      if (const json::value* n = e.get_object().if_contains("name"); n && n->is_string()) {
        present.emplace(n->get_string());
      }
    }
  }
  const auto has = [&](std::string_view name) { return present.count(name) > 0; };
  const bool identity_defined = has(kEnvRoleArn) || has(kEnvTokenFile);
  const bool region_defined = has(kEnvRegion) || has(kEnvDefaultRegion);
  const bool sts_defined = has(kEnvRegionalSts);
  std::vector<std::pair<std::string, std::string>> extras_wanted;
  for (const auto& [name, value] : config.extras.env) {
    if (!has(name)) extras_wanted.emplace_back(name, value);
  }
  const bool session_wanted = options.inject_role_session_name && !has(kEnvRoleSessionName);

  const std::string label = std::string(kind) + " \"" + ContainerName(c) + "\"";
  if (identity_defined && region_defined && sts_defined && extras_wanted.empty() &&
      !session_wanted) {
    reasons.push_back(label +
                      ": AWS_ROLE_ARN/AWS_WEB_IDENTITY_TOKEN_FILE, a region and "
                      "AWS_STS_REGIONAL_ENDPOINTS already set; left untouched (no volumeMount)");
    return false;
  }

  std::vector<json::value> added;
  std::vector<std::string> notes;
  if (!sts_defined && config.regional_sts) {
    added.emplace_back(EnvVar(kEnvRegionalSts, "regional"));
  } else if (sts_defined && config.regional_sts) {
    notes.push_back("AWS_STS_REGIONAL_ENDPOINTS already set");
  }
  if (!region_defined && !options.aws_default_region.empty()) {
    added.emplace_back(EnvVar(kEnvDefaultRegion, options.aws_default_region));
    added.emplace_back(EnvVar(kEnvRegion, options.aws_default_region));
  } else if (region_defined && !options.aws_default_region.empty()) {
    notes.push_back("AWS_REGION/AWS_DEFAULT_REGION already set");
  }
  if (!identity_defined) {
    added.emplace_back(EnvVar(kEnvRoleArn, config.role_arn));
    added.emplace_back(EnvVar(kEnvTokenFile, config.token_file));
  } else {
    notes.push_back(
        "AWS_ROLE_ARN or AWS_WEB_IDENTITY_TOKEN_FILE already set, so neither is injected");
  }
  for (const auto& [name, value] : extras_wanted) added.emplace_back(EnvVar(name, value));
  if (session_wanted) {
    json::object field_ref;
    field_ref.emplace("fieldPath", "metadata.name");
    json::object value_from;
    value_from.emplace("fieldRef", std::move(field_ref));
    json::object e;
    e.emplace("name", kEnvRoleSessionName);
    e.emplace("valueFrom", std::move(value_from));
    added.emplace_back(std::move(e));
  }

  bool changed = false;
  std::vector<std::string> injected;
  if (!added.empty()) {
    json::value& env = c["env"];
    if (!env.is_array()) env = json::array();
    for (json::value& e : added) {
      injected.emplace_back(e.get_object().at("name").get_string());
      env.get_array().push_back(std::move(e));
    }
    changed = true;
  }

  const auto has_mount = [&](std::string_view volume) {
    const json::value* mounts = c.if_contains("volumeMounts");
    if (mounts == nullptr || !mounts->is_array()) return false;
    return std::any_of(mounts->get_array().begin(), mounts->get_array().end(),
                       [&](const json::value& m) {
                         const json::value* n = m.get_object().if_contains("name");
                         return n != nullptr && n->is_string() && n->get_string() == volume;
                       });
  };
  const auto add_mount = [&](std::string_view volume, std::string_view path) {
    json::value& mounts = c["volumeMounts"];
    if (!mounts.is_array()) mounts = json::array();
    json::object m;
    m.emplace("name", volume);
    m.emplace("readOnly", true);
    m.emplace("mountPath", path);
    mounts.get_array().emplace_back(std::move(m));
    injected.push_back("volumeMount " + std::string(volume));
    changed = true;
  };
  if (!has_mount(kTokenVolumeName)) {
    add_mount(kTokenVolumeName, options.token_mount_path);
  } else {
    notes.push_back("a volumeMount named aws-iam-token already exists");
  }
  if (!config.ca_bundle_file.empty() && !has_mount(kCaBundleVolumeName)) {
    add_mount(kCaBundleVolumeName, options.ca_bundle_mount_path);
  }

  std::string reason = label + ": ";
  reason +=
      injected.empty() ? std::string("nothing injected") : "injected " + irsa::Join(injected, ", ");
  if (!notes.empty()) reason += " (" + irsa::Join(notes, ", ") + ")";
  reasons.push_back(std::move(reason));
  return changed;
}

json::object TokenVolume(const PatchConfig& config) {
  json::object token;
  if (!config.audience.empty()) token.emplace("audience", config.audience);  // omitempty
  token.emplace("expirationSeconds", config.token_expiration);
  token.emplace("path", kTokenFileName);
  json::object source;
  source.emplace("serviceAccountToken", std::move(token));
  json::array sources;
  sources.emplace_back(std::move(source));
  json::object projected;
  projected.emplace("sources", std::move(sources));
  json::object volume;
  volume.emplace("name", kTokenVolumeName);
  volume.emplace("projected", std::move(projected));
  return volume;
}

json::object CaBundleVolume(const WebhookOptions& options) {
  json::object item;
  item.emplace("key", options.ca_bundle_key);
  item.emplace("path", kCaBundleFileName);
  json::array items;
  items.emplace_back(std::move(item));
  json::object config_map;
  config_map.emplace("name", options.ca_bundle_config_map);
  config_map.emplace("items", std::move(items));
  json::object volume;
  volume.emplace("name", kCaBundleVolumeName);
  volume.emplace("configMap", std::move(config_map));
  return volume;
}

json::object PatchOp(std::string_view path, json::value value) {
  json::object op;
  op.emplace("op", "add");
  op.emplace("path", path);
  op.emplace("value", std::move(value));
  return op;
}

}  // namespace

Result<MutationResult> MutatePod(const WebhookOptions& options, const json::object& pod,
                                 const std::string& request_namespace,
                                 ServiceAccountLookup& lookup) {
  // 1. Decode what the Go webhook decodes (type errors reject the review, as in Go).
  IRSA_TRY(const json::object* metadata, ObjectAt(pod, "metadata", "metadata"));
  IRSA_TRY(const json::object* spec, ObjectAt(pod, "spec", "spec"));
  IRSA_TRY(auto pod_annotations, StringMapAt(*metadata, "annotations", "metadata.annotations"));
  IRSA_TRY(std::string pod_name, StringAt(*metadata, "name", "metadata.name"));
  IRSA_TRY(std::string generate_name, StringAt(*metadata, "generateName", "metadata.generateName"));
  IRSA_TRY(std::string sa_name, StringAt(*spec, "serviceAccountName", "spec.serviceAccountName"));
  IRSA_TRY(auto node_selector, StringMapAt(*spec, "nodeSelector", "spec.nodeSelector"));
  IRSA_TRY(std::vector<json::object> init_containers, ContainersAt(*spec, "initContainers"));
  IRSA_TRY(std::vector<json::object> containers, ContainersAt(*spec, "containers"));
  const json::value* volumes = spec->if_contains("volumes");
  const bool volumes_nil = volumes == nullptr || volumes->is_null();
  if (!volumes_nil && !volumes->is_array()) {
    return errors::InvalidInput("spec.volumes: expected an array");
  }
  const json::value* host_aliases = spec->if_contains("hostAliases");
  if (host_aliases != nullptr && !host_aliases->is_null() && !host_aliases->is_array()) {
    return errors::InvalidInput("spec.hostAliases: expected an array");
  }
  const bool has_host_aliases =
      host_aliases != nullptr && host_aliases->is_array() && !host_aliases->get_array().empty();
  bool token_volume_exists = false;
  bool ca_volume_exists = false;
  if (!volumes_nil) {
    for (const json::value& v : volumes->get_array()) {
      if (v.is_null()) continue;
      if (!v.is_object()) return errors::InvalidInput("spec.volumes: expected objects");
      IRSA_TRY(std::string name, StringAt(v.get_object(), "name", "spec.volumes[].name"));
      token_volume_exists = token_volume_exists || name == kTokenVolumeName;
      ca_volume_exists = ca_volume_exists || name == kCaBundleVolumeName;
    }
  }

  MutationResult result;
  const std::string pod_label = "pod " + request_namespace + "/" +
                                (pod_name.empty() ? generate_name : pod_name) +
                                " (ServiceAccount " + sa_name + ")";

  // 2. The ServiceAccount and its role.
  if (sa_name.empty()) {
    result.reasons.push_back(pod_label + ": no spec.serviceAccountName; not mutated");
    return result;
  }
  auto sa = lookup.Get(request_namespace, sa_name);
  if (!sa.ok()) {
    result.reasons.push_back(pod_label + ": ServiceAccount lookup failed (" + sa.error().message() +
                             "); not mutated");
    result.warnings.push_back("irsa: could not read ServiceAccount " + request_namespace + "/" +
                              sa_name +
                              "; AWS credentials were not injected: " + sa.error().message());
    return result;
  }
  if (!sa->has_value()) {
    result.reasons.push_back(pod_label + ": ServiceAccount not found; not mutated");
    return result;
  }
  const auto& sa_annotations = (*sa)->annotations;
  const std::string prefix = options.annotation_prefix + "/";
  const auto sa_annotation = [&](std::string_view key) -> const std::string* {
    auto it = sa_annotations.find(prefix + std::string(key));
    return it == sa_annotations.end() ? nullptr : &it->second;
  };

  PatchConfig config;
  if (const std::string* arn = sa_annotation(kRoleArnAnnotation)) config.role_arn = *arn;
  if (config.role_arn.empty()) {
    result.reasons.push_back(pod_label + ": ServiceAccount has no " + prefix +
                             std::string(kRoleArnAnnotation) + " annotation; not mutated");
    return result;
  }
  if (!LooksLikeRoleArn(config.role_arn)) {
    result.reasons.push_back("role ARN \"" + config.role_arn +
                             "\" does not look like an IAM role ARN (injected anyway)");
  }
  config.audience = options.token_audience;
  if (const std::string* aud = sa_annotation(kAudienceAnnotation)) config.audience = *aud;
  config.regional_sts = options.sts_regional_endpoint;
  if (const std::string* value = sa_annotation(kRegionalStsAnnotation)) {
    if (auto b = ParseGoBool(*value)) {
      config.regional_sts = *b;
    } else {
      result.reasons.push_back("ignored invalid ServiceAccount annotation " + prefix +
                               std::string(kRegionalStsAnnotation) + "=\"" + *value + "\"");
    }
  }
  config.token_expiration = ClampExpiration(options.token_expiration);
  if (const std::string* value = sa_annotation(kTokenExpirationAnnotation)) {
    if (auto n = ParseGoInt64(*value)) {
      config.token_expiration = ClampExpiration(*n);
    } else {
      result.reasons.push_back("ignored invalid ServiceAccount annotation " + prefix +
                               std::string(kTokenExpirationAnnotation) + "=\"" + *value + "\"");
    }
  }

  // 3. Pod annotations: expiration override and the skip list.
  if (auto it = pod_annotations.find(prefix + std::string(kTokenExpirationAnnotation));
      it != pod_annotations.end()) {
    if (auto n = ParseGoInt64(it->second)) {
      config.token_expiration = ClampExpiration(*n);
    } else {
      result.reasons.push_back("ignored invalid pod annotation " + it->first + "=\"" + it->second +
                               "\"");
    }
  }
  if (auto it = pod_annotations.find(prefix + std::string(kSkipContainersAnnotation));
      it != pod_annotations.end()) {
    if (auto names = ReadGoCsvRecord(it->second)) {
      config.skip.insert(names->begin(), names->end());
    } else {
      result.reasons.push_back("could not parse pod annotation " + it->first +
                               " as CSV; skipping no container");
    }
  }

  // 4. Paths (Windows nodes get C:\ paths in the environment).
  config.token_file = GoPathJoin(options.token_mount_path, kTokenFileName);
  if (!options.ca_bundle_config_map.empty()) {
    config.ca_bundle_file = GoPathJoin(options.ca_bundle_mount_path, kCaBundleFileName);
  }
  const auto os_is = [&](const char* key) {
    auto it = node_selector.find(key);
    return it != node_selector.end() && it->second == "windows";
  };
  if (os_is("beta.kubernetes.io/os") || os_is("kubernetes.io/os")) {
    config.token_file = ToWindowsPath(config.token_file);
    if (!config.ca_bundle_file.empty())
      config.ca_bundle_file = ToWindowsPath(config.ca_bundle_file);
    result.reasons.push_back("Windows node selector: using Windows file paths");
  }

  config.extras = ComputePodExtras(options, sa_annotations, config.ca_bundle_file, result.reasons);

  // 5. Init containers, then containers.
  const auto mutate_all = [&](std::vector<json::object>& list, std::string_view kind) -> Status {
    for (json::object& c : list) {
      const std::string name = ContainerName(c);
      if (config.skip.count(name) > 0) {
        result.reasons.push_back(std::string(kind) + " \"" + name +
                                 "\": listed in skip-containers; left untouched");
        continue;
      }
      if (AddEnvToContainer(options, config, c, kind, result.reasons)) {
        result.changed = true;
        auto renormalized = NormalizeGoContainer(json::value(std::move(c)));
        if (!renormalized.ok()) return renormalized.error();  // unreachable: c was normalised
        c = std::move(*renormalized);
      }
    }
    return OkStatus();
  };
  IRSA_RETURN_IF_ERROR(mutate_all(init_containers, "initContainer"));
  IRSA_RETURN_IF_ERROR(mutate_all(containers, "container"));

  // 6./7. The patch, in upstream order.
  result.mutate = true;
  json::array new_volumes;
  if (!token_volume_exists) {
    new_volumes.emplace_back(TokenVolume(config));
    result.reasons.push_back("added projected volume aws-iam-token (audience \"" + config.audience +
                             "\", expirationSeconds " + std::to_string(config.token_expiration) +
                             ")");
  } else {
    result.reasons.push_back("pod already has a volume named aws-iam-token; not added");
  }
  if (!config.ca_bundle_file.empty() && !ca_volume_exists) {
    new_volumes.emplace_back(CaBundleVolume(options));
    result.reasons.push_back("added volume irsa-ca-bundle from ConfigMap " +
                             options.ca_bundle_config_map);
  }
  if (!new_volumes.empty()) {
    result.changed = true;
    if (volumes_nil) {
      result.patch.emplace_back(PatchOp("/spec/volumes", std::move(new_volumes)));
    } else {
      for (size_t i = 0; i < new_volumes.size(); ++i) {
        result.patch.emplace_back(
            PatchOp("/spec/volumes/" + std::to_string(i), std::move(new_volumes[i])));
      }
    }
  }
  json::array container_values(containers.begin(), containers.end());
  result.patch.emplace_back(PatchOp("/spec/containers", std::move(container_values)));
  if (!init_containers.empty()) {
    json::array init_values(init_containers.begin(), init_containers.end());
    result.patch.emplace_back(PatchOp("/spec/initContainers", std::move(init_values)));
  }
  if (config.extras.transparent) {
    result.changed = true;
    result.patch.emplace_back(HostAliasesPatch(options, has_host_aliases));
    result.reasons.push_back("transparent endpoints: hostAliases for the AWS host names -> " +
                             options.transparent_address);
  }
  result.reasons.insert(
      result.reasons.begin(),
      pod_label + (result.changed ? ": mutated for role " + config.role_arn
                                  : ": everything already present for role " + config.role_arn));
  return result;
}

}  // namespace irsa::kube
